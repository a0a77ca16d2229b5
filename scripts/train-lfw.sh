#!/usr/bin/env bash
# Trains a model with the streaming job on LFW-style data and evaluates it on held-out identities.
#
#   scripts/train-lfw.sh IMAGES_DIR PAIRS_FILE FOLDS OUT_DIR
#
# Trains (./f2c demo: embedded Kafka, Flink, RocksDB, exactly-once publishing) on every identity of IMAGES_DIR
# except those named in folds FOLDS of PAIRS_FILE ("1,2"; "none" holds nobody out), writes the final model to
# OUT_DIR/model.f2cm and every published version to OUT_DIR/versions/, then (unless FOLDS is none) evaluates the
# model with the LFW protocol on those folds, writing OUT_DIR/eval.txt and OUT_DIR/eval.json.
# Settings through the environment (defaults in brackets, the recipe of docs/accuracy.md): HEAD [dcp],
# BACKBONE [medium-cnn], POOL [400], FC_CLASSES [4015], STEPS [4000], INPUT_SIZE [64], CROP [0.8], RATE [100],
# MILESTONES [none: cosine decay over STEPS - 100 steps; S1,S2,..: step decay by 10x at those steps instead],
# EXTRA (more ./f2c demo flags), EVAL_FLIP [both] (eval's --eval-flip: both measures the model with and without its
# test-time flip).
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: scripts/train-lfw.sh IMAGES_DIR PAIRS_FILE FOLDS OUT_DIR  (FOLDS: e.g. 1,2 or none)" >&2
  exit 2
fi
images=$1 pairs=$2 folds=$3 out=$4
[ -d "$images" ] || { echo "train-lfw: no folder $images (give one folder per identity)" >&2; exit 2; }
[ -f "$pairs" ] || { echo "train-lfw: no pairs file $pairs (LFW pairs.txt)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
head=${HEAD:-dcp} backbone=${BACKBONE:-medium-cnn} pool=${POOL:-400} classes=${FC_CLASSES:-4015}
steps=${STEPS:-4000} size=${INPUT_SIZE:-64} crop=${CROP:-0.8} rate=${RATE:-100} eval_flip=${EVAL_FLIP:-both}
milestones=${MILESTONES:-none}
mkdir -p "$out/versions"
out=$(cd "$out" && pwd)

holdout=()
if [ "$folds" != none ]; then
  holdout=(--pairs "$pairs" --folds "$folds")
fi
schedule=(--lr-decay-steps $((steps - 100)))
if [ "$milestones" != none ]; then
  schedule=(--lr-milestones "$milestones")
fi
start=$(date +%s)
# shellcheck disable=SC2086 # EXTRA is a list of flags
"$root/f2c" demo --images "$images" "${holdout[@]}" --input-size "$size" --crop-fraction "$crop" \
  --rate "$rate" --backbone "$backbone" --head "$head" --pool-size "$pool" --fc-classes "$classes" \
  --publish-every-steps $((steps / 4)) --until-step "$steps" "${schedule[@]}" \
  --dashboard-port 0 --save "$out/versions" --checkpoint-dir "$out/checkpoints" --json ${EXTRA:-} \
  | tee "$out/train.log"
latest=$(find "$out/versions" -name "*.f2cm" | sort -V | tail -1)
cp "$latest" "$out/model.f2cm"
echo "train-lfw: $(basename "$latest") -> $out/model.f2cm after $(( $(date +%s) - start )) s"

if [ "$folds" != none ]; then
  "$root/f2c" eval --model "$out/model.f2cm" --raw-pixels --label "$head,raw pixels" --eval-flip "$eval_flip" \
    --pairs "$pairs" --images "$images" --folds "$folds" --input-size "$size" --crop-fraction "$crop" \
    --roc "$out/roc.png" | tee "$out/eval.txt"
  grep '^{' "$out/eval.txt" > "$out/eval.json"
fi
