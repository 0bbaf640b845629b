#!/usr/bin/env python3
"""Runs NeuralSAT on a VNN-COMP instance list, like run_vnncomp.sh does for us, and re-executes
every counterexample it reports before counting it.

usage: neuralsat_vnncomp.py INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]

INSTANCES.csv has lines onnx,vnnlib,timeout_s[,expected] with paths relative to the CSV (e.g.
../shared/bench/mnistfc/expected.csv). Each instance runs through the team's runner
../shared/peers/neuralsat/run_neuralsat.py (override with NSAT_RUNNER; its venv with
NSAT_PYTHON, see ../shared/peers/neuralsat/README.md), CPU, NSAT_THREADS threads (default 1). Seconds are the
runner's wall time, Python and torch start-up included.

A `sat` counts only when its witness survives re-execution here: the point is clipped into the
VNN-LIB input box (NeuralSAT's float32 points may lie ~1e-8 outside), run through onnxruntime
(float32, like the network's runtime) and must satisfy the output constraints; otherwise the
line says `sat?` and the instance counts as unsolved. Prints one line per instance and totals
in the format of run_vnncomp.sh. Needs onnx, onnxruntime and numpy in the interpreter that runs
this script.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

import instance_list


def tokens(text):
    text = re.sub(r";[^\n]*", "", text)
    return re.findall(r"\(|\)|[^\s()]+", text)


def parse(tokens_list):
    """The file's top-level s-expressions as nested lists."""
    stack, top = [], []
    for token in tokens_list:
        if token == "(":
            stack.append([])
        elif token == ")":
            done = stack.pop()
            (stack[-1] if stack else top).append(done)
        else:
            (stack[-1] if stack else top).append(token)
    return top


def value(term, x, y):
    if isinstance(term, str):
        if term.startswith("X_"):
            return float(x[int(term[2:])])
        if term.startswith("Y_"):
            return float(y[int(term[2:])])
        return float(term)
    op, args = term[0], [value(a, x, y) for a in term[1:]]
    if op == "+":
        return sum(args)
    if op == "-":
        return -args[0] if len(args) == 1 else args[0] - sum(args[1:])
    if op == "*":
        return float(np.prod(args))
    raise ValueError(f"unsupported term {op}")


def holds(formula, x, y):
    op, args = formula[0], formula[1:]
    if op == "and":
        return all(holds(a, x, y) for a in args)
    if op == "or":
        return any(holds(a, x, y) for a in args)
    a, b = value(args[0], x, y), value(args[1], x, y)
    return {"<=": a <= b, ">=": a >= b, "<": a < b, ">": a > b, "=": a == b}[op]


def input_box(assertions, count):
    """Bounds from the assertions on a single X_i against a numeral."""
    lower, upper = np.full(count, -np.inf), np.full(count, np.inf)
    for formula in assertions:
        if formula[0] in ("<=", ">=") and isinstance(formula[1], str) and formula[1].startswith("X_") \
                and isinstance(formula[2], str) and not formula[2].startswith(("X_", "Y_")):
            i, bound = int(formula[1][2:]), float(formula[2])
            if formula[0] == "<=":
                upper[i] = min(upper[i], bound)
            else:
                lower[i] = max(lower[i], bound)
    return lower, upper


def witness_holds(onnx_path, vnnlib_path, cex_path, inside=True):
    """Re-executes a witness: clip X into the box (as float32 values inside it), run
    onnxruntime, check every assertion at that float32 point. With inside=False the input
    assertions are checked on the float64 point clipped into the box and the network runs at
    its nearest float32 point (which may lie half an ulp outside the box): the looser check
    that VNN-COMP's tolerance allows, reported apart."""
    import onnxruntime
    pairs = dict(re.findall(r"\(\s*([XY]_\d+)\s+([-+0-9.eE]+)\s*\)", open(cex_path).read()))
    xs = sorted((int(k[2:]), float(v)) for k, v in pairs.items() if k.startswith("X_"))
    if not xs:
        return False
    assertions = [e[1] for e in parse(tokens(open(vnnlib_path).read())) if e and e[0] == "assert"]
    lower, upper = input_box(assertions, len(xs))
    clipped = np.clip(np.array([v for _, v in xs]), lower, upper)
    x = clipped.astype(np.float32)
    if inside:
        # float32 rounding may leave the box by half an ulp (Marabou's float64 points): step
        # such coordinates one float32 ulp back inside, so the checked point is the one evaluated.
        x = np.where(x.astype(np.float64) > upper, np.nextafter(x, np.float32(-np.inf)), x)
        x = np.where(x.astype(np.float64) < lower, np.nextafter(x, np.float32(np.inf)), x).astype(np.float32)
    session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    data = session.get_inputs()[-1]
    shape = [d if isinstance(d, int) and d > 0 else 1 for d in data.shape]
    (y,) = session.run(None, {data.name: x.reshape(shape)})
    x64 = x.astype(np.float64) if inside else clipped
    return all(holds(a, x64, y.flatten().astype(np.float64)) for a in assertions)


def solve(onnx_path, vnnlib_path, limit):
    """One instance through the team's runner; a sat whose witness does not re-execute is `sat?`."""
    here = os.path.dirname(os.path.abspath(__file__))
    runner = os.environ.get("NSAT_RUNNER", os.path.join(here, "..", "..", "..", "shared", "peers", "neuralsat", "run_neuralsat.py"))
    with tempfile.TemporaryDirectory() as scratch:
        cex = os.path.join(scratch, "cex.txt")
        out = subprocess.run([sys.executable, runner, onnx_path, vnnlib_path, "--timeout", str(limit), "--cex", cex,
                              "--threads", os.environ.get("NSAT_THREADS", "1")],
                             capture_output=True, text=True)
        words = out.stdout.split()
        verdict = words[0] if words else "error"
        if verdict == "sat" and not (os.path.exists(cex) and witness_holds(onnx_path, vnnlib_path, cex)):
            verdict = "sat?"
    return verdict


if __name__ == "__main__":
    instance_list.run(sys.argv[1:], solve, __doc__)
