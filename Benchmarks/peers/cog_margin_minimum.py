"""Independent check of one C∘G robustness sample: the least margin over its eps-box.

Minimises  m(x) = y_c(x) - y_t(x)  (y = C(G(x)) in float64, from the ONNX files' own weights;
t the runner-up class at each point) over the box  |x - noise|_inf <= eps  with scipy's
L-BFGS-B from uniform random starts. A negative minimum is a counterexample, re-evaluated by
onnxruntime (float32) as well. Nothing here is imported by the Swift package.

    python cog_margin_minimum.py CLASSIFIER GENERATOR CLASS EPS NOISE_CSV [STARTS]

NOISE_CSV: the sample's noise as comma-separated numbers (the "noise" field of its results line).
Handles chains of Gemm / Relu / LeakyRelu / Clip nodes (the examples/mnist models).
"""
import sys

import numpy as np
import onnx
import scipy.optimize
import torch
from onnx import numpy_helper


def load(path):
    model = onnx.load(path)
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    ops = []
    for node in model.graph.node:
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        ops.append((node.op_type, [weights.get(name) for name in node.input], attributes))
    return ops


def forward(ops, x):
    for op, inputs, attributes in ops:
        if op == "Gemm":
            w = torch.tensor(inputs[1], dtype=torch.float64)
            x = x @ (w.T if attributes.get("transB", 0) else w) + torch.tensor(inputs[2], dtype=torch.float64)
        elif op == "Relu":
            x = torch.relu(x)
        elif op == "LeakyRelu":
            x = torch.nn.functional.leaky_relu(x, attributes.get("alpha", 0.01))
        elif op == "Clip":
            low = inputs[1] if len(inputs) > 1 and inputs[1] is not None else attributes.get("min")
            high = inputs[2] if len(inputs) > 2 and inputs[2] is not None else attributes.get("max")
            x = torch.clamp(x, float(low), float(high))
        else:
            raise SystemExit(f"unsupported node {op}")
    return x


def main():
    classifier, generator, c, eps, noise = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    starts = int(sys.argv[6]) if len(sys.argv) > 6 else 200
    C, G = load(classifier), load(generator)
    centre = np.array([float(v) for v in noise.split(",")])
    bounds = list(zip(centre - eps, centre + eps))

    def margin_and_gradient(x):
        z = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = forward(C, forward(G, z[None]))[0]
        others = torch.cat([y[:c], y[c + 1:]])
        m = y[c] - others.max()
        (g,) = torch.autograd.grad(m, z)
        return m.item(), g.numpy()

    print(f"centre margin {margin_and_gradient(centre)[0]:.6g}")
    rng = np.random.default_rng(0)
    best = (np.inf, None)
    for _ in range(starts):
        start = centre - eps + 2 * eps * rng.random(centre.size)
        result = scipy.optimize.minimize(margin_and_gradient, start, jac=True, method="L-BFGS-B", bounds=bounds)
        if result.fun < best[0]:
            best = (result.fun, result.x)
    value, point = best
    print(f"least margin over {starts} L-BFGS-B starts: {value:.6g}")
    print("at", ",".join(repr(float(v)) for v in point))
    print("offsets / eps", np.round((point - centre) / eps, 4).tolist())
    try:
        import onnxruntime
        def run(path, x):
            session = onnxruntime.InferenceSession(path)
            return session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)[None]})[0][0]
        logits = run(classifier, run(generator, point))
        print("onnxruntime (float32) logits", np.round(logits, 6).tolist(), "argmax", int(np.argmax(logits)))
    except ImportError:
        print("onnxruntime not installed: float32 re-check skipped")


if __name__ == "__main__":
    main()
