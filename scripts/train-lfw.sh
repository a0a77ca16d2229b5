#!/usr/bin/env bash
# Trains a model with the streaming job on LFW-style data and evaluates it on held-out identities.
#
#   scripts/train-lfw.sh IMAGES_DIR PAIRS_FILE FOLDS OUT_DIR
#
# Trains (./f2c demo: embedded Kafka, Flink, RocksDB, exactly-once publishing) on every identity of IMAGES_DIR
# except those named in folds FOLDS of PAIRS_FILE ("1,2"; "none" holds nobody out), writes the final model to
# OUT_DIR/model.f2cm and every published version to OUT_DIR/versions/, then (unless FOLDS is none) evaluates the
# model with the LFW protocol on those folds, writing OUT_DIR/eval.txt and OUT_DIR/eval.json.
# Settings come from the recipe conf/recipes/lfw.properties (the one behind docs/accuracy.md). These environment
# variables override single values of it: HEAD, BACKBONE, POOL, FC_CLASSES, INPUT_SIZE, CROP, RATE, STEPS (also
# moves the cosine decay's end and the publishing interval), MILESTONES (S1,S2,..: step decay by 10x at those steps
# instead of the cosine decay), EXTRA (more ./f2c demo flags), EVAL_FLIP [both] (eval's --eval-flip: both measures
# the model with and without its test-time flip).
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: scripts/train-lfw.sh IMAGES_DIR PAIRS_FILE FOLDS OUT_DIR  (FOLDS: e.g. 1,2 or none)" >&2
  exit 2
fi
images=$1 pairs=$2 folds=$3 out=$4
[ -d "$images" ] || { echo "train-lfw: no folder $images (give one folder per identity)" >&2; exit 2; }
[ -f "$pairs" ] || { echo "train-lfw: no pairs file $pairs (LFW pairs.txt)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
eval_flip=${EVAL_FLIP:-both}
overrides=()
preprocess=()
add() { [ -n "$3" ] && eval "$1+=(\"\$2\" \"\$3\")"; return 0; }
add overrides --head "${HEAD:-}"; add overrides --backbone "${BACKBONE:-}"; add overrides --pool-size "${POOL:-}"
add overrides --fc-classes "${FC_CLASSES:-}"; add overrides --rate "${RATE:-}"
add preprocess --input-size "${INPUT_SIZE:-}"; add preprocess --crop-fraction "${CROP:-}"
if [ -n "${STEPS:-}" ]; then
  overrides+=(--until-step "$STEPS" --publish-every-steps $((STEPS / 4)) --lr-decay-steps $((STEPS - 100)))
fi
if [ -n "${MILESTONES:-}" ] && [ "$MILESTONES" != none ]; then
  overrides+=(--lr-decay-steps 0 --lr-milestones "$MILESTONES")
fi
mkdir -p "$out/versions"
out=$(cd "$out" && pwd)

holdout=()
if [ "$folds" != none ]; then
  holdout=(--pairs "$pairs" --folds "$folds")
fi
start=$(date +%s)
# shellcheck disable=SC2086 # EXTRA is a list of flags
"$root/f2c" demo --recipe lfw "${overrides[@]}" "${preprocess[@]}" --images "$images" "${holdout[@]}" \
  --dashboard-port 0 --save "$out/versions" --checkpoint-dir "$out/checkpoints" --json ${EXTRA:-} \
  | tee "$out/train.log"
latest=$(find "$out/versions" -name "*.f2cm" | sort -V | tail -1)
cp "$latest" "$out/model.f2cm"
echo "train-lfw: $(basename "$latest") -> $out/model.f2cm after $(( $(date +%s) - start )) s"

if [ "$folds" != none ]; then
  "$root/f2c" eval --recipe lfw "${preprocess[@]}" --model "$out/model.f2cm" --raw-pixels \
    --label "${HEAD:-dcp},raw pixels" --eval-flip "$eval_flip" --pairs "$pairs" --images "$images" --folds "$folds" \
    --roc "$out/roc.png" | tee "$out/eval.txt"
  grep '^{' "$out/eval.txt" > "$out/eval.json"
fi
