#!/usr/bin/env bash
# The continual study on LFW-style data (docs/continual.md): the job trains on a stream that brings the folder's
# identities in phases, and every published version is evaluated on held-out photos of every phase.
#
#   scripts/study-continual-lfw.sh IMAGES_DIR OUT_DIR [more ./f2c flags, e.g. --replay-share 0]
#
# Settings: the recipe conf/recipes/continual-lfw.properties, 4 phases of 16,000 images each (PHASES and
# PHASE_IMAGES override them). Writes OUT_DIR/study.log, OUT_DIR/continual.json, OUT_DIR/continual.png and the
# versions to OUT_DIR/versions/.
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: scripts/study-continual-lfw.sh IMAGES_DIR OUT_DIR [flags]" >&2
  exit 2
fi
images=$1 out=$2
shift 2
[ -d "$images" ] || { echo "study-continual-lfw: no folder $images (give one folder per identity)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
start=$(date +%s)
"$root/f2c" study continual --recipe continual-lfw --images "$images" --phases "${PHASES:-4}" \
  --phase-images "${PHASE_IMAGES:-16000}" --study-dir "$out" --checkpoint-dir "$out/checkpoints" \
  --dashboard-port 0 "$@" | tee "$out/study.log"
echo "study-continual-lfw: done after $(( $(date +%s) - start )) s, commit $(git -C "$root" rev-parse --short HEAD)"
