#!/usr/bin/env bash
# Before/after timings for the OpenBLAS funnel (issue 18), interleaved in one time window
# (each round runs every command with BEFORE, then AFTER), so that machine load hits both.
#
#   Benchmarks/compare_blas.sh BEFORE_DIR AFTER_DIR [ROUNDS]
#
# BEFORE_DIR/AFTER_DIR hold release builds of `verify` and `bounds-bench` (e.g.
# `git worktree add /tmp/base main && (cd /tmp/base && swift build -c release)`; copy
# Benchmarks/Sources/BoundsBenchmark and its Package.swift entry there when main lacks it).
# Prints one line per run: wall and user seconds (`/usr/bin/time`), then onnxruntime's
# single-threaded time on the same ONNX files (Benchmarks/peers/onnxruntime_correctness.py).
set -u
before=$(realpath "$1"); after=$(realpath "$2"); rounds=${3:-3}
cd "$(dirname "$0")/.."
python=${PYTHON:-/work/venv-torch/bin/python}
mnistfc=${MNISTFC:-Tests/Fixtures/vnncomp/mnistfc/mnist-net_256x6.onnx}
[ -f "$mnistfc" ] || mnistfc=/work/shared/bench/mnistfc/mnist-net_256x6.onnx
acas=Tests/Fixtures/vnncomp/acasxu
work=$(mktemp -d "${TMPDIR:-/tmp}/compare_blas.XXXXXX")
trap 'rm -rf "$work"' EXIT

timed() {  # timed LABEL SIDE COMMAND...
    local label=$1 side=$2; shift 2
    /usr/bin/time -f "%e %U" -o "$work/time" "$@" > "$work/out" 2> "$work/err"
    local rc=$?
    printf '%-34s %-6s wall %7.2f s  user %7.2f s  rc %d  %s\n' "$label" "$side" \
        $(cat "$work/time" | tail -1) "$rc" "$(grep -E "checksum|min over|verdict|^(sat|unsat|timeout|unknown)" "$work/out" | tail -1)"
}

for round in $(seq 1 "$rounds"); do
    echo "== round $round"
    for side in before after; do
        dir=${!side}
        timed "correctness large_simple 10000" $side "$dir/verify" correctness examples/mnist/experiment_large_simple.json --samples 10000
    done
    for side in before after; do
        dir=${!side}
        timed "bounds mnistfc 256x6 (5 passes)" $side "$dir/bounds-bench" "$mnistfc" --passes 5 --repeats 1
    done
    for side in before after; do
        dir=${!side}
        timed "bounds MNIST large C∘G (10 passes)" $side "$dir/bounds-bench" examples/mnist/experiment_large_simple.json --passes 10 --repeats 1
    done
    for side in before after; do
        dir=${!side}
        rm -f "$work/r.jsonl"
        timed "digits main job (--jobs 1)" $side "$dir/verify" robustness examples/digits/experiment.json --results "$work/r.jsonl" --jobs 1 --quiet
    done
    for side in before after; do
        dir=${!side}
        for instance in 1_3 2_3 3_2 4_1; do
            timed "acasxu $instance prop_1" $side "$dir/verify" vnnlib "$acas/ACASXU_run2a_${instance}_batch_2000.onnx" "$acas/prop_1.vnnlib" --timeout 60
        done
    done
    echo "onnxruntime: $("$python" Benchmarks/peers/onnxruntime_correctness.py examples/mnist/experiment_large_simple.json --samples 10000 --repeats 1 | tail -1)"
done
