#!/usr/bin/env python3
"""Writes VNN-LIB local-robustness instances for the 8x8 digits classifier on its own.

usage: make_instances.py OUT_DIR [COUNT] [EPS,EPS,...]

The classifier is examples/digits/classifier.onnx (64 inputs in [0, 1], ReLU MLP 64-32-32-10).
The images are the test split of examples/digits/train.py (scikit-learn's bundled
`load_digits`, values / 16, `train_test_split(test_size=0.25, stratify=y, random_state=0)`):
the first COUNT test images (default 50) in split order that onnxruntime classifies
correctly. For each image x with label c and each eps (default 0.02,0.035,0.05) the file
`digit_I_eps_E.vnnlib` describes the unsafe set of the box [x - eps, x + eps] clipped to
[0, 1]: some output j != c with Y_j >= Y_c (VNN-COMP's `mnistfc` form). `instances.csv`
lists them (onnx,vnnlib,timeout; no expected verdict) for Benchmarks/run_vnncomp.sh and the
peer drivers; the ONNX path is relative to OUT_DIR.

Needs numpy, scikit-learn and onnxruntime (python3 -m venv VENV && VENV/bin/pip install
numpy scikit-learn onnxruntime).
"""
import os
import sys

import numpy as np
import onnxruntime as ort
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLASSIFIER = os.path.join(ROOT, "examples", "digits", "classifier.onnx")
TIMEOUT = 60


def vnnlib(x, label, eps):
    lines = [f"; 8x8 digits, test image with label {label}, eps {eps}", ""]
    lines += [f"(declare-const X_{i} Real)" for i in range(64)]
    lines += [f"(declare-const Y_{j} Real)" for j in range(10)]
    lines.append("")
    for i, v in enumerate(x):
        lo, hi = max(float(v) - eps, 0.0), min(float(v) + eps, 1.0)
        lines.append(f"(assert (<= X_{i} {repr(hi)}))")
        lines.append(f"(assert (>= X_{i} {repr(lo)}))")
    lines.append("")
    lines.append("(assert (or")
    lines += [f"    (and (>= Y_{j} Y_{label}))" for j in range(10) if j != label]
    lines.append("))")
    return "\n".join(lines) + "\n"


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    epsilons = [float(e) for e in (sys.argv[3] if len(sys.argv) > 3 else "0.02,0.035,0.05").split(",")]
    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    _, X_te, _, y_te = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    session = ort.InferenceSession(CLASSIFIER, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    os.makedirs(out, exist_ok=True)
    rows = ["onnx,vnnlib,timeout_s"]
    onnx_rel = os.path.relpath(CLASSIFIER, out)
    chosen = 0
    for index, (x, label) in enumerate(zip(X_te, y_te)):
        if chosen == count:
            break
        logits = session.run(None, {name: x.reshape(1, 64)})[0][0]
        if int(np.argmax(logits)) != int(label):
            continue
        chosen += 1
        # The box is around the float32 image as a float64 (exact), so the centre is a test point.
        point = x.astype(np.float64)
        for eps in epsilons:
            file = f"digit_{index}_eps_{eps}.vnnlib"
            with open(os.path.join(out, file), "w") as handle:
                handle.write(vnnlib(point, int(label), eps))
            rows.append(f"{onnx_rel},{file},{TIMEOUT}")
    with open(os.path.join(out, "instances.csv"), "w") as handle:
        handle.write("\n".join(rows) + "\n")
    print(f"{chosen} images x {len(epsilons)} eps = {len(rows) - 1} instances in {out}")


if __name__ == "__main__":
    main()
