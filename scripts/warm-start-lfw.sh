#!/usr/bin/env bash
# Warm start against cold start after an upgrade that a checkpoint cannot carry (docs/continual.md).
#
#   scripts/warm-start-lfw.sh IMAGES_DIR PAIRS_FILE OUT_DIR
#
# 1. base: scripts/train-lfw.sh with the lfw recipe, pool 400, BASE_STEPS steps (2000), folds 1-2 held out.
# 2. cold: a new job with --pool-size POOL (800), which no checkpoint of the base job restores into, from nothing.
# 3. warm: the same new job started from the base job's last model (--init-model OUT/base/model.f2cm).
# Cold and warm train STEPS steps (2000) with a version every EVERY steps (250); every version of each is then
# evaluated on folds 1-2 (study versions --offsets 0), written to OUT/cold/curve.txt and OUT/warm/curve.txt.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: scripts/warm-start-lfw.sh IMAGES_DIR PAIRS_FILE OUT_DIR" >&2
  exit 2
fi
images=$1 pairs=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
steps=${STEPS:-2000} every=${EVERY:-250}

if [ ! -f "$out/base/model.f2cm" ]; then
  POOL=400 STEPS=${BASE_STEPS:-2000} "$root/scripts/train-lfw.sh" "$images" "$pairs" 1,2 "$out/base"
fi
for run in cold warm; do
  extra="--publish-every-steps $every"
  if [ "$run" = warm ]; then
    extra="$extra --init-model $out/base/model.f2cm"
  fi
  POOL=${POOL:-800} STEPS=$steps EXTRA="$extra" "$root/scripts/train-lfw.sh" "$images" "$pairs" 1,2 "$out/$run"
  "$root/f2c" study versions --versions "$out/$run/versions" --pairs "$pairs" --images "$images" --folds 1,2 \
    --offsets 0 | tee "$out/$run/curve.txt"
done
echo "warm-start-lfw: done, commit $(git -C "$root" rev-parse --short HEAD)"
