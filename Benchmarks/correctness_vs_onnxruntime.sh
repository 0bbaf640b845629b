#!/usr/bin/env bash
# `verify correctness` against onnxruntime (one thread) on the same ONNX files, back to back:
#
#   Benchmarks/correctness_vs_onnxruntime.sh EXPERIMENT SAMPLES_PER_CLASS REPEATS BIN [BIN...]
#
# e.g. Benchmarks/correctness_vs_onnxruntime.sh examples/mnist/experiment_large_simple.json 10000 3 \
#          BEFORE/.build/release/verify .build/release/verify
#
# Each repeat runs every BIN on all cores, every BIN pinned to one core (`taskset -c 0`, the
# fair comparison with onnxruntime's one thread), then onnxruntime
# (Benchmarks/peers/onnxruntime_correctness.py with PYTHON, default /work/venv-torch/bin/python).
# Ours: the tool's own time for the samples (`in N s`, after loading) and the process's wall,
# user and system seconds, and once per BIN the same with `--samples 1` (the loading alone, to
# subtract from the CPU seconds); onnxruntime: the loop's wall and CPU time (sessions built
# before it). On a shared machine compare CPU seconds: wall time depends on the other jobs.
# The load average is printed before and after: the machine may be shared.
set -u
if [ $# -lt 4 ]; then echo "usage: $0 EXPERIMENT SAMPLES REPEATS BIN [BIN...]" >&2; exit 2; fi
experiment=$1; samples=$2; repeats=$3; shift 3
python=${PYTHON:-/work/venv-torch/bin/python}
here=$(cd "$(dirname "$0")" && pwd)
echo "# $(date -u) $(uptime)"
echo "# $experiment, $samples samples per class, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for bin in "$@"; do
    out=$( { /usr/bin/time -f "TIME %e %U %S" "$bin" correctness "$experiment" --samples 1; } 2>&1 )
    echo "loading only ($bin, --samples 1): $(echo "$out" | sed -n 's/^TIME \([^ ]*\) \([^ ]*\) \([^ ]*\)/\1 s wall \2 s user \3 s sys/p')"
done
for repeat in $(seq "$repeats"); do
    for bin in "$@"; do
        for pin in all one; do
            prefix=(); [ "$pin" = one ] && prefix=(taskset -c 0)
            out=$( { /usr/bin/time -f "TIME %e %U %S" "${prefix[@]}" "$bin" correctness "$experiment" --samples "$samples"; } 2>&1 )
            tool=$(echo "$out" | sed -n 's/.*samples per class in \([0-9.]*\) s.*/\1/p')
            read -r wall user sys <<< "$(echo "$out" | sed -n 's/^TIME //p')"
            correct=$(echo "$out" | awk '$1 == "all" {print $3}')
            echo "repeat $repeat  ours $bin cores=$pin: samples ${tool} s (tool), process ${wall} s wall ${user} s user ${sys} s sys, ${correct} correct"
        done
    done
    "$python" "$here/peers/onnxruntime_correctness.py" "$experiment" --samples "$samples" --repeats 1 | sed -n "1s/^/repeat $repeat  /p"
done
echo "# $(date -u) $(uptime)"
