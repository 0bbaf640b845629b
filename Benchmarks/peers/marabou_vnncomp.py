#!/usr/bin/env python3
"""Runs Marabou (maraboupy, from PyPI) on a VNN-COMP instance list, like run_vnncomp.sh does for us.

usage: marabou_vnncomp.py INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]

INSTANCES.csv has lines onnx,vnnlib,timeout_s[,expected] with paths relative to the CSV (e.g.
Tests/Fixtures/vnncomp/acasxu/expected.csv). Each instance runs in its own process (a crash or a
hang costs one instance only), single-threaded, with Marabou's own timeout plus a 10 s grace
before the process is killed. Prints one line per instance and the totals, in the format of
run_vnncomp.sh. Needs a virtualenv outside the repository:

    python3 -m venv ../venv-peers && ../venv-peers/bin/pip install maraboupy onnx onnxruntime numpy
    ../venv-peers/bin/python Benchmarks/peers/marabou_vnncomp.py Tests/Fixtures/vnncomp/acasxu/subset.csv 30
"""
import os
import re
import subprocess
import sys
import time


def solve_one(onnx_path, vnnlib_path, timeout):
    """Child process: prints sat, unsat or timeout (Marabou's exit code is not the verdict)."""
    import warnings
    warnings.filterwarnings("ignore")
    from maraboupy import Marabou
    network = Marabou.read_onnx(onnx_path)
    options = Marabou.createOptions(verbosity=0, timeoutInSeconds=int(timeout), numWorkers=1)
    result = network.solve(options=options, propertyFilename=vnnlib_path, verbose=False)
    answer = result[0] if isinstance(result, (tuple, list)) else result
    answer = str(answer).strip().lower()
    print({"sat": "sat", "unsat": "unsat", "timeout": "timeout"}.get(answer, "unknown:" + answer))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--one":
        solve_one(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    csv_path = sys.argv[1]
    override = float(sys.argv[2]) if len(sys.argv) > 2 else None
    pattern = re.compile(sys.argv[3] if len(sys.argv) > 3 else ".")
    directory = os.path.dirname(os.path.abspath(csv_path))
    solved = wrong = unsolved = total = 0
    seconds_sum = 0.0
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    print(f"{'network':40} {'property':16} {'verdict':8} {'expected':8} {'seconds':>8}")
    for line in open(csv_path):
        fields = line.strip().split(",")
        if not fields[0] or fields[0] == "onnx":
            continue
        onnx, vnnlib, timeout = fields[0], fields[1], float(fields[2])
        expected = fields[3] if len(fields) > 3 and fields[3] else "?"
        if not pattern.search(f"{onnx},{vnnlib}"):
            continue
        limit = override if override is not None else timeout
        start = time.monotonic()
        try:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", os.path.join(directory, onnx),
                                  os.path.join(directory, vnnlib), str(limit)],
                                 capture_output=True, text=True, timeout=limit + 10, env=env)
            lines = [l for l in out.stdout.strip().splitlines() if l]
            verdict = lines[-1] if lines else "error"
        except subprocess.TimeoutExpired:
            verdict = "timeout"
        seconds = time.monotonic() - start
        flag = ""
        if verdict in ("sat", "unsat"):
            if expected != "?" and verdict != expected:
                wrong += 1
                flag = "  WRONG"
            else:
                solved += 1
        else:
            unsolved += 1
        total += 1
        seconds_sum += seconds
        print(f"{onnx:40} {vnnlib:16} {verdict:8} {expected:8} {seconds:8.2f}{flag}", flush=True)
    print(f"instances {total}, solved {solved}, wrong {wrong}, unsolved {unsolved}, total seconds {seconds_sum:.1f}")


if __name__ == "__main__":
    main()
