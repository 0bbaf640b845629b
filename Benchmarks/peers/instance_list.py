"""The instance-list loop shared by the peer drivers: reads INSTANCES.csv
(onnx,vnnlib,timeout_s[,expected], paths relative to the CSV), runs one solver per line and
prints one line per instance and the totals in the format of Benchmarks/run_vnncomp.sh.

    run(sys.argv[1:], solve, usage)   where solve(onnx_path, vnnlib_path, limit) -> verdict

A verdict other than sat / unsat counts as unsolved; one that contradicts the expected
verdict counts as wrong. Seconds are the wall time of `solve`.
"""
import os
import re
import sys
import time


def run(arguments, solve, usage):
    """arguments: INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]."""
    if not arguments:
        sys.exit(usage)
    csv_path = arguments[0]
    override = float(arguments[1]) if len(arguments) > 1 else None
    pattern = re.compile(arguments[2] if len(arguments) > 2 else ".")
    directory = os.path.dirname(os.path.abspath(csv_path))
    solved = wrong = unsolved = total = 0
    seconds_sum = 0.0
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
        verdict = solve(os.path.join(directory, onnx), os.path.join(directory, vnnlib), limit)
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
