"""Study (issue 13): how much smaller would the ReLU branch-and-bound trees on `mnistfc` be
with MILP-tightened intermediate bounds?

Not part of the product, and not sound: HiGHS (through scipy) solves in floating point with
tolerances. The answer only tells whether certified MILP-strength intermediate bounds are worth
building.

Input: the root's layer bounds as `verify` computes them: a text file of one lower and one
upper line per layer entry (`layerBounds[k]` = input of layer k, each value as Swift prints a
Double, space-separated), written by a throwaway build of `verify` whose `PhaseSplitSearch.run`
writes `rootEnclosing` to the file named by an environment variable just before the root
node is pushed (the same hook, reading such a file back and intersecting it with
`rootEnclosing`, injected the result). Also the ONNX network (Flatten, then Gemm/Relu pairs) and the
VNN-LIB box. For every ReLU layer after the first, front to back, each unit whose bounds
straddle 0 gets two MILPs on the network up to its pre-activation (big-M with the current,
already tightened bounds of earlier layers): min and max of the pre-activation. The MILP's dual
bound (valid even when the time limit stops it), moved outward by 1e-6, replaces the bound
where tighter. Output: the same text format, for the hook that intersects the root's bounds
with it.

Usage (a virtualenv with numpy, onnx and scipy >= 1.9, whose milp is HiGHS):
python milp_intermediate_study.py NET.onnx PROP.vnnlib DUMP.txt OUT.txt [seconds per MILP] [processes] [hidden layers, e.g. 1,2]
"""
import re
import sys
import time
from multiprocessing import Pool

import numpy as np
import onnx
from onnx import numpy_helper
from scipy.optimize import LinearConstraint, Bounds, milp
from scipy.sparse import coo_matrix


def load_network(path):
    model = onnx.load(path)
    weights = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    layers = []
    for node in model.graph.node:
        if node.op_type == "Gemm":
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            w = weights[node.input[1]]
            if not attributes.get("transB", 0):
                w = w.T
            layers.append((w, weights[node.input[2]]))
    return layers


def load_box(path, size):
    lower, upper = np.full(size, -np.inf), np.full(size, np.inf)
    for op, index, value in re.findall(r"\(assert \((<=|>=) X_(\d+) ([-0-9.eE]+)\)\)", open(path).read()):
        (upper if op == "<=" else lower)[int(index)] = float(value)
    return lower, upper


def load_dump(path):
    lines = open(path).read().split("\n")
    entries = []
    for k in range(0, len(lines) - 1, 2):
        if not lines[k].strip():
            break
        entries.append((np.array([float(v) for v in lines[k].split()]), np.array([float(v) for v in lines[k + 1].split()])))
    return entries


def bound(args):
    """MILP min (sense +1) or max (sense -1) of pre-activation `unit` of hidden layer `target`."""
    layers, box, pre, target, unit, sense, seconds = args
    # Variables: x (inputs), then per hidden layer k < target: z_k, h_k, d_k (d only where unstable).
    n0 = layers[0][0].shape[1]
    index = n0
    slots = []
    for k in range(target):
        m = layers[k][0].shape[0]
        lo, hi = pre[k]
        unstable = np.where((lo < 0) & (hi > 0))[0]
        z = np.arange(index, index + m); index += m
        h = np.arange(index, index + m); index += m
        d = {u: index + i for i, u in enumerate(unstable)}; index += len(unstable)
        slots.append((z, h, d))
    count = index
    lower = np.full(count, -np.inf); upper = np.full(count, np.inf); integrality = np.zeros(count)
    lower[:n0], upper[:n0] = box
    r_index, c_index, values, rl, ru = [], [], [], [], []
    row = 0

    def add(columns, coefficients, lo, hi):
        nonlocal row
        r_index.append(np.full(len(columns), row)); c_index.append(np.asarray(columns)); values.append(np.asarray(coefficients, dtype=float))
        rl.append(lo); ru.append(hi); row += 1

    for k in range(target):
        w, b = layers[k]
        z, h, d = slots[k]
        previous = np.arange(n0) if k == 0 else slots[k - 1][1]
        lo, hi = pre[k]
        lower[z], upper[z] = lo, hi
        for i in range(len(z)):
            add(np.concatenate([[z[i]], previous]), np.concatenate([[1.0], -w[i]]), b[i], b[i])  # z = W h + b
            if lo[i] >= 0:
                add([h[i], z[i]], [1.0, -1.0], 0, 0); lower[h[i]], upper[h[i]] = lo[i], hi[i]
            elif hi[i] <= 0:
                lower[h[i]], upper[h[i]] = 0, 0
            else:
                lower[h[i]], upper[h[i]] = 0, hi[i]
                j = d[i]; lower[j], upper[j] = 0, 1; integrality[j] = 1
                add([h[i], z[i]], [1.0, -1.0], 0, np.inf)                   # h >= z
                add([h[i], j], [1.0, -hi[i]], -np.inf, 0)                   # h <= u d
                add([h[i], z[i], j], [1.0, -1.0, -lo[i]], -np.inf, -lo[i])  # h <= z - l (1 - d)
    a = coo_matrix((np.concatenate(values), (np.concatenate(r_index), np.concatenate(c_index))), shape=(row, count)).tocsr()
    w, b = layers[target]
    objective = np.zeros(count)
    objective[slots[target - 1][1]] = sense * w[unit]
    result = milp(objective, constraints=LinearConstraint(a, rl, ru), bounds=Bounds(lower, upper),
                  integrality=integrality, options={"time_limit": seconds, "disp": False})
    dual = getattr(result, "mip_dual_bound", None)
    if dual is None or not np.isfinite(dual):
        return None
    return sense * dual + b[unit]  # min: dual <= min w.h; max: -dual >= max w.h


def main():
    net, prop, dump, out = sys.argv[1:5]
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 2.0
    processes = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    only = [int(v) for v in sys.argv[7].split(",")] if len(sys.argv) > 7 else None
    layers = load_network(net)
    box = load_box(prop, layers[0][0].shape[1])
    entries = load_dump(dump)
    # entries[0] = box; entries[2k+1] = pre-activation of hidden layer k; entries[2k+2] = its ReLU output.
    hidden = len(layers) - 1
    pre = [list(entries[2 * k + 1]) for k in range(hidden)]
    started = time.time()
    with Pool(processes) as pool:
        for target in range(1, hidden):
            if only is not None and target not in only:
                continue
            lo, hi = pre[target]
            unstable = [int(i) for i in np.where((lo < 0) & (hi > 0))[0]]
            jobs = [(layers, box, pre, target, u, s, seconds) for u in unstable for s in (1, -1)]
            results = pool.map(bound, jobs)
            lo, hi = lo.copy(), hi.copy()
            for (_, _, _, _, u, s, _), value in zip(jobs, results):
                if value is None:
                    continue
                if s == 1:
                    lo[u] = max(lo[u], value - 1e-6)
                else:
                    hi[u] = min(hi[u], value + 1e-6)
            before = len(unstable)
            after = int(np.sum((lo < 0) & (hi > 0)))
            width_before = float(np.sum(pre[target][1][unstable] - pre[target][0][unstable]))
            width_after = float(np.sum(hi[unstable] - lo[unstable]))
            print(f"hidden layer {target}: unstable {before} -> {after}, summed width of those {width_before:.2f} -> {width_after:.2f}, "
                  f"{time.time() - started:.0f} s", flush=True)
            pre[target] = [lo, hi]
    # Sanity check: sampled points of the box (random vertices and uniform points) must lie
    # inside the tightened bounds.
    rng = np.random.default_rng(0)
    outside = 0
    for trial in range(2000):
        t = rng.integers(0, 2, box[0].size) if trial % 2 == 0 else rng.random(box[0].size)
        h = box[0] + t * (box[1] - box[0])
        for k in range(hidden):
            z = layers[k][0] @ h + layers[k][1]
            outside += int(np.sum((z < pre[k][0] - 1e-9) | (z > pre[k][1] + 1e-9)))
            h = np.maximum(z, 0)
    print(f"sampled pre-activations outside the tightened bounds: {outside}", flush=True)
    with open(out, "w") as f:
        for k, (lo, hi) in enumerate(entries):
            if k % 2 == 1 and (k - 1) // 2 < hidden:
                lo, hi = pre[(k - 1) // 2]
            f.write(" ".join(repr(float(v)) for v in lo) + "\n" + " ".join(repr(float(v)) for v in hi) + "\n")


if __name__ == "__main__":
    main()
