#!/usr/bin/env python3
"""Study (not product code): would a 2-norm error bound let the float32 pass decide the paper
pair's correctness samples? Issue 18, 2026-12-07.

The float32 pass's worst-case bound propagates errors through |W| (row sums up to 49), about
1,900 at the logits against margins of about 13. This script estimates the most optimistic
2-norm alternative: the float32 rounding error e of each generator layer in 2-norm, carried by
the exact spectral norm (numpy's, not a certified bound, so the estimate is a lower bound of
any sound version):

    E_out <= sigma(W) E_in + gamma_{n+1} (F ||x_in||_2 + ||b||_2)

with F the Frobenius norm (a sound per-sample bound of || |W| |x| ||_2), the Perron root of
|W| (tighter), or the exact per-sample || |W| |x| ||_2 (a full extra product). Then the
classifier: each first-layer unit's error from the tanh's local slope (its maximum over the
error interval) and the 2-norm coupling, boxes through the later layers, and whether every
ReLU's sign is fixed (needed for a first-order margin bound to be sound).

Usage: PYTHON Benchmarks/float32_norm_bound_study.py [SAMPLES]   (numpy and onnx)
Result (2000 samples): E at the generator's output (pre-tanh, 2-norm) median 1.20 (Frobenius),
1.01 (Perron), 0.57 (exact per-sample); with the Frobenius version every sample has a
classifier ReLU whose sign the bound cannot fix, so no sample is decided soundly.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def weights(path):
    model = onnx.load(path)
    return {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}


generator = weights("examples/mnist/paper/gans/simple_clip.onnx")
classifier = weights("examples/mnist/paper/classifiers/paper_small.onnx")
G = [(generator[f"fc{i}.weight"], generator[f"fc{i}.bias"]) for i in range(1, 5)]
C = [(classifier[f"fc{i}.weight"], classifier[f"fc{i}.bias"]) for i in range(1, 5)]
u = 2.0**-24


def g(n):
    return n * u / (1 - n * u) + u


samples = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
rng = np.random.default_rng(1)
x0 = np.concatenate([rng.standard_normal((samples, 100)), np.eye(10)[rng.integers(0, 10, samples)]], 1)
sigma = [np.linalg.norm(w, 2) for w, _ in G]
frobenius = [np.linalg.norm(w) for w, _ in G]
perron = []
for w, _ in G:
    a = np.abs(w)
    v = np.ones(a.shape[1])
    for _ in range(100):
        v = a.T @ (a @ v)
        v /= np.linalg.norm(v)
    perron.append(np.linalg.norm(a @ v))
print("spectral norms", np.round(sigma, 2), "Frobenius", np.round(frobenius, 2), "Perron |W|", np.round(perron, 2))

for mode in ("frobenius", "perron", "exact"):
    E = u * np.linalg.norm(x0, axis=1)
    h = x0
    for k, (w, b) in enumerate(G):
        n = w.shape[1]
        z = h @ w.T + b
        if mode == "exact":
            fresh = g(n + 1) * np.linalg.norm(np.abs(h) @ np.abs(w).T + np.abs(b), axis=1)
        else:
            norm = frobenius[k] if mode == "frobenius" else perron[k]
            fresh = g(n + 1) * (norm * np.linalg.norm(h, axis=1) + np.linalg.norm(b))
        E = sigma[k] * E + fresh
        if k < 3:
            h = np.where(z >= 0, z, 0.2 * z)
            E = E + u * np.linalg.norm(h, axis=1)
    print("%-9s E at the generator output (pre-tanh): median %.3f, max %.3f" % (mode, np.median(E), E.max()))
    if mode != "frobenius":
        continue
    # The classifier, from E (Frobenius version).
    slope = 0.5 * np.minimum(1, 4 * np.exp(-2 * np.maximum(np.abs(z) - E[:, None], 0)))
    pixels = 0.5 * np.tanh(z) + 0.5
    rho = 0.5 * 16 * u * np.abs(np.tanh(z)) + 2 * u * pixels
    w1, b1 = C[0]
    coupled = np.sqrt((slope**2) @ (w1**2).T) * E[:, None]
    box = (rho + g(785) * pixels) @ np.abs(w1).T + g(785) * np.abs(b1)
    value = pixels @ w1.T + b1
    ambiguous = np.zeros(samples, bool)
    for k in (1, 2, 3):
        ambiguous |= np.any(np.abs(value) <= coupled + box, axis=1)
        active = value > 0
        w, b = C[k]
        relu = np.where(active, value, 0)
        coupled = np.where(active, coupled, 0) @ np.abs(w).T
        box = np.where(active, box, 0) @ np.abs(w).T + g(w.shape[1] + 1) * (relu @ np.abs(w).T + np.abs(b))
        value = relu @ w.T + b
    print("samples with a classifier ReLU of unfixed sign: %.1f %%" % (100 * ambiguous.mean()))
