#!/usr/bin/env bash
# scripts/gpu-check.sh: on a machine with an NVIDIA GPU, a short training run on the GPU and one on the CPU, with the
# same settings, and their training images/s side by side. Each run is `f2c bench pipeline` (embedded Kafka): the
# job fed from Kafka, and a bare loop over the same trainer and batches.
#   scripts/gpu-check.sh [more bench pipeline options, e.g. --batch 64 --input-size 112]
#   scripts/gpu-check.sh --trainers K    K trainers in the job, each on its own GPU (GPUs dealt out in turn); the
#                                        bare loop stays one trainer, so job/bare shows what K GPUs add
# Environment: F2C_GPU_CHECK_STEPS (timed steps per run, default 20), F2C_GPU_CHECK_ROUNDS (default 1),
# F2C_GPU_CHECK_CPU_THREADS (PyTorch threads of the CPU run, default: all cores), F2C_GPU_CHECK_TIMEOUT (seconds per
# run, default 3600).
# The launcher's own classpath carries CPU libtorch (DJL 0.36.0), which sees no GPU; the GPU run uses the launcher
# with DJL's jars swapped for flink-job/target/flink-lib-cuda (DJL 0.33.0, CUDA 12.4 libtorch; built here with
# `mvn -Pcuda` when missing, a 2.5 GB download the first time).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "gpu-check: $*" >&2; exit 1; }

command -v nvidia-smi >/dev/null 2>&1 || die "nvidia-smi not found: this check needs an NVIDIA GPU and its driver"
gpu="$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -n 1)" || true
[[ -n "$gpu" ]] || die "nvidia-smi finds no usable GPU: $(nvidia-smi -L 2>&1 | head -n 1)"

steps="${F2C_GPU_CHECK_STEPS:-20}"
rounds="${F2C_GPU_CHECK_ROUNDS:-1}"
cpu_threads="${F2C_GPU_CHECK_CPU_THREADS:-$(nproc)}"
limit="${F2C_GPU_CHECK_TIMEOUT:-3600}"
work="$ROOT/f2c-work/gpu-check"
mkdir -p "$work"

cd "$ROOT"
# Builds the project when needed (CPU classpath, f2c-cli/target/classpath.txt).
./f2c --help >/dev/null
cuda_lib="$ROOT/flink-job/target/flink-lib-cuda"
if ! compgen -G "$cuda_lib/pytorch-native-cu*.jar" >/dev/null; then
  echo "gpu-check: building $cuda_lib (mvn -Pcuda) ..." >&2
  mvn -B -q -DskipTests -Pcuda package -pl flink-job -am >"$work/build-cuda.log" 2>&1 \
    || die "the CUDA build failed; see $work/build-cuda.log"
fi

# A copy of the launcher whose classpath has the CUDA DJL jars instead of the CPU ones; the rest (JVM options,
# allocator, classes) is the project's own, so both runs start the same way.
gpu_root="$(mktemp -d "${TMPDIR:-/tmp}/f2c-gpu-check.XXXXXX")"
trap 'rm -rf "$gpu_root"' EXIT
mkdir -p "$gpu_root/f2c-cli/target" "$gpu_root/f2c-cli/src/main"
cp "$ROOT/f2c" "$gpu_root/f2c"
ln -s "$ROOT/conf" "$gpu_root/conf"
ln -s "$ROOT/f2c-cli/target/classes" "$gpu_root/f2c-cli/target/classes"
touch "$gpu_root/pom.xml" "$gpu_root/f2c-cli/pom.xml"
{
  for jar in "$cuda_lib"/*.jar; do
    case "$(basename "$jar")" in api-*.jar | pytorch-*.jar) printf '%s:' "$jar" ;; esac
  done
  tr ':' '\n' <"$ROOT/f2c-cli/target/classpath.txt" \
    | grep -Ev '/ai/djl/(api|pytorch/pytorch-engine|pytorch/pytorch-jni|pytorch/pytorch-native-[^/]*)/' | paste -sd: -
} | tr -d '\n' >"$gpu_root/f2c-cli/target/classpath.txt"
touch "$gpu_root/f2c-cli/target/.f2c-built" # newer than the empty poms: the copy never builds

# run LABEL LAUNCHER DEVICE THREADS [options]: one bench pipeline run; prints "job bare" images/s.
run() {
  local label="$1" launcher="$2" device="$3" threads="$4"
  shift 4
  local log="$work/$label.log" json
  echo "gpu-check: $label run (--device $device, $threads torch threads), log in $log ..." >&2
  if ! F2C_TORCH_THREADS="$threads" timeout "$limit" "$launcher" bench pipeline --device "$device" \
      --torch-threads "$threads" --steps "$steps" --rounds "$rounds" --json "$@" >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    die "the $label run failed; see $log"
  fi
  json="$(grep '^{' "$log" | tail -n 1)"
  [[ -n "$json" ]] || die "the $label run printed no JSON line; see $log"
  printf '%s %s\n' "$(field job_images_per_s "$json")" "$(field bare_images_per_s "$json")"
}
field() { # field NAME JSON: a number of the JSON line
  local value
  value="$(grep -o "\"$1\":[-0-9.eE+]*" <<<"$2" | head -n 1 || true)"
  printf '%s' "${value#*:}"
}

# (Assignments, so that a failed run stops the script: set -e does not see into a process substitution.)
gpu_result="$(run gpu "$gpu_root/f2c" gpu 2 "$@")"
cpu_result="$(run cpu "$ROOT/f2c" cpu "$cpu_threads" "$@")"
read -r gpu_job gpu_bare <<<"$gpu_result"
read -r cpu_job cpu_bare <<<"$cpu_result"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
echo "GPU: $gpu; CPU: $(nproc) cores; $steps timed steps, best of $rounds"
printf '%-28s %16s %22s\n' "training images/s" "job (Kafka)" "bare loop"
printf '%-28s %16s %22s\n' "gpu (CUDA 12.4 libtorch)" "$gpu_job" "$gpu_bare"
printf '%-28s %16s %22s\n' "cpu ($cpu_threads threads)" "$cpu_job" "$cpu_bare"
printf '%-28s %16s %22s\n' "gpu / cpu" "$(ratio "$gpu_job" "$cpu_job")" "$(ratio "$gpu_bare" "$cpu_bare")"
