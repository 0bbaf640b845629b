#!/usr/bin/env python3
"""Runs Marabou (maraboupy, from PyPI) on a VNN-COMP instance list, like run_vnncomp.sh does for us.

usage: marabou_vnncomp.py INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]

INSTANCES.csv has lines onnx,vnnlib,timeout_s[,expected] with paths relative to the CSV (e.g.
Tests/Fixtures/vnncomp/acasxu/expected.csv). Each instance runs in its own process (a crash or a
hang costs one instance only), single-threaded, with Marabou's own timeout plus a 10 s grace
before the process is killed. A `sat` counts only when Marabou's input point survives
re-execution (clipped into the box, onnxruntime float32, every VNN-LIB assertion checked:
neuralsat_vnncomp.witness_holds); otherwise the line says `sat~` when it holds at the point's nearest
float32 (up to half an ulp outside the box: VNN-COMP's tolerance would accept it), else `sat?`;
both count as unsolved here. Prints one line per instance and the totals, in the format of run_vnncomp.sh. Needs a virtualenv outside the repository:

    python3 -m venv ../venv-peers && ../venv-peers/bin/pip install maraboupy onnx onnxruntime numpy
    ../venv-peers/bin/python Benchmarks/peers/marabou_vnncomp.py Tests/Fixtures/vnncomp/acasxu/subset.csv 30
"""
import os
import subprocess
import sys
import tempfile

import instance_list
from neuralsat_vnncomp import witness_holds


def solve_one(onnx_path, vnnlib_path, timeout, cex_path):
    """Child process: prints sat, unsat or timeout (Marabou's exit code is not the verdict);
    on sat writes the input point as (X_i v) lines to cex_path."""
    import warnings
    warnings.filterwarnings("ignore")
    from maraboupy import Marabou
    network = Marabou.read_onnx(onnx_path)
    options = Marabou.createOptions(verbosity=0, timeoutInSeconds=int(timeout), numWorkers=1)
    result = network.solve(options=options, propertyFilename=vnnlib_path, verbose=False)
    answer = result[0] if isinstance(result, (tuple, list)) else result
    answer = str(answer).strip().lower()
    if answer == "sat" and isinstance(result, (tuple, list)) and len(result) > 1:
        values = result[1]
        inputs = [int(v) for v in network.inputVars[0].flatten()]
        with open(cex_path, "w") as handle:
            handle.write("\n".join(f"(X_{i} {float(values[v])!r})" for i, v in enumerate(inputs)) + "\n")
    print({"sat": "sat", "unsat": "unsat", "timeout": "timeout"}.get(answer, "unknown:" + answer))


def solve(onnx_path, vnnlib_path, limit):
    """One instance in a child process, killed 10 s after Marabou's own timeout."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as scratch:
        cex = os.path.join(scratch, "cex.txt")
        try:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", onnx_path, vnnlib_path, str(limit), cex],
                                 capture_output=True, text=True, timeout=limit + 10, env=env)
        except subprocess.TimeoutExpired:
            return "timeout"
        lines = [l for l in out.stdout.strip().splitlines() if l]
        verdict = lines[-1] if lines else "error"
        if verdict == "sat" and not (os.path.exists(cex) and witness_holds(onnx_path, vnnlib_path, cex)):
            loose = os.path.exists(cex) and witness_holds(onnx_path, vnnlib_path, cex, inside=False)
            verdict = "sat~" if loose else "sat?"
    return verdict


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--one":
        solve_one(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])
        return
    instance_list.run(sys.argv[1:], solve, __doc__)


if __name__ == "__main__":
    main()
