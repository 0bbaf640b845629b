#!/usr/bin/env python3
"""Root lower bounds of a VNN-LIB margin property on an ONNX MLP (Gemm/ReLU chain), computed
independently of our engine in PyTorch (float64, autograd), to see which part of alpha-CROWN
moves them.

usage: alpha_crown_root.py NET.onnx PROP.vnnlib MODE [STEPS]
  MODE crown  CROWN: adaptive lower slopes everywhere (1 where u > -l, else 0).
       final  intermediate bounds by CROWN; the final rows' slopes optimised (one set for all rows).
       rows   the same with one slope set per final row.
       joint  alpha-CROWN: every intermediate unit's lower and upper bound has its own slopes,
              optimised jointly with the final rows' slopes for the sum of the final bounds
              (gradients through the intermediate bounds).
  STEPS  Adam steps (learning rate 0.1), default 20.

Prints the lower bounds of the rows Y_label - Y_j (the property is violated where one is
<= 0) and, for joint, the unstable units per ReLU layer. Plain float64 without directed
rounding: a measurement aid, not a sound bound. Needs numpy, onnx, torch
(/work/venv-torch/bin/python).
"""
import re
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

torch.set_default_dtype(torch.float64)


def load(net_path, prop_path):
    model = onnx.load(net_path)
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    weights, biases = [], []
    for node in model.graph.node:
        if node.op_type != "Gemm":
            continue
        w = init[node.input[1]]
        trans_b = [a.i for a in node.attribute if a.name == "transB"]
        if not trans_b or trans_b[0] == 0:
            w = w.T
        weights.append(torch.tensor(w.astype(np.float64)))
        biases.append(torch.tensor(init[node.input[2]].astype(np.float64)))
    text = open(prop_path).read()
    n = weights[0].shape[1]
    lower, upper = torch.zeros(n), torch.zeros(n)
    for i, v in re.findall(r"\(<= X_(\d+) ([-0-9.e]+)\)", text):
        upper[int(i)] = float(v)
    for i, v in re.findall(r"\(>= X_(\d+) ([-0-9.e]+)\)", text):
        lower[int(i)] = float(v)
    pairs = re.findall(r"\(>= Y_(\d+) Y_(\d+)\)", text)
    rows = torch.zeros(len(pairs), weights[-1].shape[0])
    for r, (j, label) in enumerate(pairs):
        rows[r, int(label)] += 1
        rows[r, int(j)] -= 1
    return weights, biases, lower, upper, rows


def back_substitute(a, k, weights, biases, bounds, slopes, lower, upper):
    """Lower bound of a @ z_k (z_k the output of affine layer k) over the box; bounds[j] are
    the pre-activation bounds of ReLU layer j < k; slopes[j] the lower slopes (None: adaptive)."""
    constant = a @ biases[k]
    lam = a @ weights[k]
    for j in range(k - 1, -1, -1):
        l, u = bounds[j]
        unstable = (l < 0) & (u > 0)
        active = (l >= 0).double()
        width = (u - l).clamp(min=1e-12)
        upper_slope = torch.where(unstable, u / width, active)
        upper_intercept = torch.where(unstable, -u * l / width, torch.zeros_like(l))
        adaptive = (u > -l).double()
        lower_slope = torch.where(unstable, slopes[j] if slopes[j] is not None else adaptive, active)
        positive, negative = lam.clamp(min=0), lam.clamp(max=0)
        constant = constant + negative @ upper_intercept
        lam = positive * lower_slope + negative * upper_slope
        constant = constant + lam @ biases[j]
        lam = lam @ weights[j]
    return constant + lam.clamp(min=0) @ lower + lam.clamp(max=0) @ upper


def intermediate_bounds(weights, biases, lower, upper, unit_slopes):
    """Pre-activation bounds of every ReLU layer; unit_slopes[k] = (lower-bound slopes,
    upper-bound slopes) per earlier layer, each of shape units_k x units_j, or None (CROWN)."""
    bounds = []
    for k in range(len(weights) - 1):
        if k == 0:
            w, b = weights[0], biases[0]
            bounds.append((w.clamp(min=0) @ lower + w.clamp(max=0) @ upper + b,
                           w.clamp(min=0) @ upper + w.clamp(max=0) @ lower + b))
            continue
        eye = torch.eye(weights[k].shape[0])
        low_slopes, up_slopes = unit_slopes[k] if unit_slopes[k] is not None else ([None] * k, [None] * k)
        bounds.append((back_substitute(eye, k, weights, biases, bounds, low_slopes, lower, upper),
                       -back_substitute(-eye, k, weights, biases, bounds, up_slopes, lower, upper)))
    return bounds


def main():
    net, prop, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    weights, biases, lower, upper, rows = load(net, prop)
    last = len(weights) - 1
    crown = [(l.detach(), u.detach()) for l, u in intermediate_bounds(weights, biases, lower, upper, [None] * last)]
    if mode == "crown":
        print("crown", back_substitute(rows, last, weights, biases, crown, [None] * last, lower, upper).numpy().round(4))
        print("unstable", [int(((l < 0) & (u > 0)).sum()) for l, u in crown])
        return
    parameters, unit_slopes = [], [None] * last
    if mode == "joint":
        for k in range(1, last):
            n = weights[k].shape[0]
            pair = ([], [])
            for j in range(k):
                l, u = crown[j]
                for side in pair:
                    p = torch.nn.Parameter((u > -l).double().repeat(n, 1))
                    side.append(p)
                    parameters.append(p)
            unit_slopes[k] = pair
    final = []
    for l, u in crown:
        start = (u > -l).double()
        p = torch.nn.Parameter(start.clone() if mode == "final" else start.repeat(rows.shape[0], 1))
        final.append(p)
        parameters.append(p)
    optimiser = torch.optim.Adam(parameters, lr=0.1)
    best = None
    bounds = crown
    for _ in range(steps):
        if mode == "joint":
            bounds = intermediate_bounds(weights, biases, lower, upper, unit_slopes)
        value = back_substitute(rows, last, weights, biases, bounds, final, lower, upper)
        best = value.detach().clone() if best is None else torch.maximum(best, value.detach())
        optimiser.zero_grad()
        (-value.sum()).backward()
        optimiser.step()
        with torch.no_grad():
            for p in parameters:
                p.clamp_(0, 1)
    print(mode, steps, best.numpy().round(4))
    if mode == "joint":
        print("unstable", [int(((l < 0) & (u > 0)).sum()) for l, u in bounds])


if __name__ == "__main__":
    main()
