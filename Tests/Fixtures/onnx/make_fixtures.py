#!/usr/bin/env python3
"""Builds the ONNX loader's test fixtures and their expected outputs.

Each model is built with onnx.helper in the node patterns torch.onnx.export writes for the
same PyTorch module (node names like "/fc1/Gemm", initializers like "fc1.weight", clip
bounds as Constant nodes, ...), with weights from a fixed seed. For every model, random
inputs (fixed seed) are run through onnxruntime once and stored beside it in NAME.json:

    {"model": "NAME.onnx", "input_shape": [...], "output_shape": [...],
     "inputs": [[flat row-major input], ...], "outputs": [[flat row-major output], ...]}

Inputs are float32 (or float64) numbers written exactly (repr), so the Swift test feeds the
same values. Regenerate with:  python3 Tests/Fixtures/onnx/make_fixtures.py
(needs numpy, onnx, onnxruntime; the outputs only change if those libraries change).
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = 5


def tensor(name, array, raw=True):
    """An initializer; raw=False stores the values in float_data/double_data instead of raw_data."""
    array = np.asarray(array)
    if raw:
        return numpy_helper.from_array(array, name)
    dtype = helper.np_dtype_to_tensor_dtype(array.dtype)
    return helper.make_tensor(name, dtype, array.shape, array.flatten().tolist(), raw=False)


def constant_node(name, array):
    """A Constant node as torch writes it: output '/Constant_output_0', attribute 'value'."""
    output = f"{name}_output_0"
    return helper.make_node("Constant", [], [output], name=name, value=numpy_helper.from_array(np.asarray(array))), output


def save(name, graph, opset, input_shape, dtype=np.float32, ir_version=8, low=-1.0, high=1.0):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="pytorch")
    model.ir_version = ir_version
    onnx.checker.check_model(model)
    path = os.path.join(HERE, f"{name}.onnx")
    onnx.save(model, path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1234)
    inputs, outputs = [], []
    for _ in range(SAMPLES):
        x = rng.uniform(low, high, size=input_shape).astype(dtype)
        (y,) = session.run(None, {session.get_inputs()[0].name: x})
        inputs.append([float(v) for v in x.flatten()])
        outputs.append([float(v) for v in np.asarray(y).flatten()])
    output_shape = list(np.asarray(y).shape)
    rows = lambda vectors: "[\n  " + ",\n  ".join(json.dumps(v) for v in vectors) + "\n ]"
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        f.write(f'{{\n "model": "{name}.onnx",\n "input_shape": {json.dumps(list(input_shape))},\n'
                f' "output_shape": {json.dumps(output_shape)},\n'
                f' "inputs": {rows(inputs)},\n "outputs": {rows(outputs)}\n}}\n')
    print(f"{name}: {len(graph.node)} nodes, output shape {output_shape}")


def linear(rng, fan_in, fan_out, dtype=np.float32):
    """nn.Linear weights: W [out, in], b [out], uniform(-1/sqrt(in), 1/sqrt(in))."""
    bound = 1 / np.sqrt(fan_in)
    return (rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype),
            rng.uniform(-bound, bound, fan_out).astype(dtype))


def mlp_gemm():
    """nn.Sequential(Linear(6, 16), BatchNorm1d(16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 4)),
    dynamic batch, opset 13."""
    rng = np.random.default_rng(1)
    sizes = [6, 16, 16, 4]
    nodes, inits = [], []
    current = "input"
    for index in range(3):
        w, b = linear(rng, sizes[index], sizes[index + 1])
        layer = f"fc{index + 1}"
        # One weight in float_data (raw=False) to cover both storage forms.
        inits += [tensor(f"{layer}.weight", w, raw=index != 1), tensor(f"{layer}.bias", b)]
        out = f"/{layer}/Gemm_output_0" if index < 2 else "output"
        nodes.append(helper.make_node("Gemm", [current, f"{layer}.weight", f"{layer}.bias"], [out],
                                      name=f"/{layer}/Gemm", alpha=1.0, beta=1.0, transB=1))
        current = out
        if index == 0:
            inits += [tensor("bn.weight", rng.uniform(0.5, 1.5, 16).astype(np.float32)),
                      tensor("bn.bias", rng.uniform(-0.3, 0.3, 16).astype(np.float32)),
                      tensor("bn.running_mean", rng.uniform(-0.2, 0.2, 16).astype(np.float32)),
                      tensor("bn.running_var", rng.uniform(0.2, 2.0, 16).astype(np.float32))]
            nodes.append(helper.make_node(
                "BatchNormalization", [current, "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
                ["/bn/BatchNormalization_output_0"], name="/bn/BatchNormalization", epsilon=1e-5, momentum=0.9))
            current = "/bn/BatchNormalization_output_0"
        if index < 2:
            nodes.append(helper.make_node("Relu", [current], [f"/relu{index + 1}/Relu_output_0"],
                                          name=f"/relu{index + 1}/Relu"))
            current = f"/relu{index + 1}/Relu_output_0"
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 6])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", 4])], inits)
    save("mlp_gemm", graph, 13, [1, 6])


def mlp_matmul_clip():
    """Linear layers on a [1, 1, 8] input (torch writes MatMul + Add with a transposed weight),
    LeakyReLU(0.1), Hardtanh (Clip with both bounds) and clamp(max=0.5) (Clip with only max), opset 17."""
    rng = np.random.default_rng(2)
    sizes = [8, 12, 10, 3]
    nodes, inits = [], []
    current = "input"
    for index in range(3):
        w, b = linear(rng, sizes[index], sizes[index + 1])
        layer = f"fc{index + 1}"
        inits += [tensor(f"onnx::MatMul_{20 + index}", w.T.copy()), tensor(f"{layer}.bias", b)]
        nodes.append(helper.make_node("MatMul", [current, f"onnx::MatMul_{20 + index}"], [f"/{layer}/MatMul_output_0"],
                                      name=f"/{layer}/MatMul"))
        out = f"/{layer}/Add_output_0" if index < 2 else "output"
        nodes.append(helper.make_node("Add", [f"{layer}.bias", f"/{layer}/MatMul_output_0"], [out], name=f"/{layer}/Add"))
        current = out
        if index == 0:
            nodes.append(helper.make_node("LeakyRelu", [current], ["/act1/LeakyRelu_output_0"],
                                          name="/act1/LeakyRelu", alpha=0.1))
            current = "/act1/LeakyRelu_output_0"
        if index == 1:
            c1, lo = constant_node("/act2/Constant", np.array(-0.25, dtype=np.float32))
            c2, hi = constant_node("/act2/Constant_1", np.array(0.3, dtype=np.float32))
            nodes += [c1, c2, helper.make_node("Clip", [current, lo, hi], ["/act2/Clip_output_0"], name="/act2/Clip")]
            c3, hi2 = constant_node("/Constant", np.array(0.2, dtype=np.float32))
            nodes += [c3, helper.make_node("Clip", ["/act2/Clip_output_0", "", hi2], ["/Clip_output_0"], name="/Clip")]
            current = "/Clip_output_0"
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 3])], inits)
    save("mlp_matmul_clip", graph, 17, [1, 1, 8], low=-3, high=3)


def small_cnn():
    """Conv2d(1, 4, 3, stride 2, padding 1) - ReLU - Conv2d(4, 8, 3, padding 1, bias=False) -
    BatchNorm2d(8) - ReLU - Flatten - Linear(128, 10) on [1, 1, 8, 8], opset 18."""
    rng = np.random.default_rng(3)
    w1 = rng.uniform(-0.5, 0.5, (4, 1, 3, 3)).astype(np.float32)
    b1 = rng.uniform(-0.2, 0.2, 4).astype(np.float32)
    w2 = rng.uniform(-0.3, 0.3, (8, 4, 3, 3)).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, 8).astype(np.float32)
    beta = rng.uniform(-0.3, 0.3, 8).astype(np.float32)
    mean = rng.uniform(-0.2, 0.2, 8).astype(np.float32)
    var = rng.uniform(0.2, 2.0, 8).astype(np.float32)
    w3, b3 = linear(rng, 128, 10)
    inits = [tensor("conv1.weight", w1), tensor("conv1.bias", b1), tensor("conv2.weight", w2),
             tensor("bn.weight", gamma), tensor("bn.bias", beta), tensor("bn.running_mean", mean),
             tensor("bn.running_var", var), tensor("fc.weight", w3), tensor("fc.bias", b3)]
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"], name="/conv1/Conv",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["/conv1/Conv_output_0"], ["/relu1/Relu_output_0"], name="/relu1/Relu"),
        helper.make_node("Conv", ["/relu1/Relu_output_0", "conv2.weight"], ["/conv2/Conv_output_0"], name="/conv2/Conv",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization",
                         ["/conv2/Conv_output_0", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
                         ["/bn/BatchNormalization_output_0"], name="/bn/BatchNormalization",
                         epsilon=1e-5, momentum=0.9, training_mode=0),
        helper.make_node("Relu", ["/bn/BatchNormalization_output_0"], ["/relu2/Relu_output_0"], name="/relu2/Relu"),
        helper.make_node("Flatten", ["/relu2/Relu_output_0"], ["/flatten/Flatten_output_0"], name="/flatten/Flatten", axis=1),
        helper.make_node("Gemm", ["/flatten/Flatten_output_0", "fc.weight", "fc.bias"], ["output"], name="/fc/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    save("small_cnn", graph, 18, [1, 1, 8, 8], low=0, high=1)


def normalized_tanh_sigmoid():
    """(x - mean) / std per channel in front (as torch writes a Normalize module: Sub, Div by
    initializers of shape [1, 3, 1, 1]), x.view(1, -1) (Constant shape + Reshape), Linear - Tanh -
    Linear - Sigmoid, opset 13."""
    rng = np.random.default_rng(4)
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(1, 3, 1, 1)
    w1, b1 = linear(rng, 12, 9)
    w2, b2 = linear(rng, 9, 5)
    shape_node, shape = constant_node("/Constant", np.array([1, -1], dtype=np.int64))
    inits = [tensor("mean", mean), tensor("std", std), tensor("fc1.weight", w1), tensor("fc1.bias", b1),
             tensor("fc2.weight", w2), tensor("fc2.bias", b2)]
    nodes = [
        helper.make_node("Sub", ["input", "mean"], ["/Sub_output_0"], name="/Sub"),
        helper.make_node("Div", ["/Sub_output_0", "std"], ["/Div_output_0"], name="/Div"),
        shape_node,
        helper.make_node("Reshape", ["/Div_output_0", shape], ["/Reshape_output_0"], name="/Reshape"),
        helper.make_node("Gemm", ["/Reshape_output_0", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"],
                         name="/fc1/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Tanh", ["/fc1/Gemm_output_0"], ["/Tanh_output_0"], name="/Tanh"),
        helper.make_node("Gemm", ["/Tanh_output_0", "fc2.weight", "fc2.bias"], ["/fc2/Gemm_output_0"],
                         name="/fc2/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Sigmoid", ["/fc2/Gemm_output_0"], ["output"], name="/Sigmoid"),
    ]
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 2, 2])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 5])], inits)
    save("normalized_tanh_sigmoid", graph, 13, [1, 3, 2, 2], low=0, high=1)


def mlp_double():
    """A float64 model (torch's model.double()): weights in double_data, c - x in front,
    Gemm with transB=0, alpha 0.5, beta 2, Mul by a scalar, opset 13."""
    rng = np.random.default_rng(5)
    c = rng.uniform(-1, 1, 4)
    w1 = rng.uniform(-1, 1, (4, 7))  # transB = 0: B is [K, N]
    b1 = rng.uniform(-1, 1, 7)
    w2, b2 = linear(rng, 7, 3, dtype=np.float64)
    inits = [tensor("c", c, raw=False), tensor("fc1.weight", w1, raw=False), tensor("fc1.bias", b1, raw=False),
             tensor("fc2.weight", w2, raw=False), tensor("fc2.bias", b2), tensor("scale", np.array(1.5))]
    nodes = [
        helper.make_node("Sub", ["c", "input"], ["/Sub_output_0"], name="/Sub"),
        helper.make_node("Gemm", ["/Sub_output_0", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"],
                         name="/fc1/Gemm", alpha=0.5, beta=2.0),
        helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/Relu_output_0"], name="/Relu"),
        helper.make_node("Mul", ["/Relu_output_0", "scale"], ["/Mul_output_0"], name="/Mul"),
        helper.make_node("Gemm", ["/Mul_output_0", "fc2.weight", "fc2.bias"], ["output"], name="/fc2/Gemm", transB=1),
    ]
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.DOUBLE, [1, 4])],
                              [helper.make_tensor_value_info("output", TensorProto.DOUBLE, [1, 3])], inits)
    save("mlp_double", graph, 13, [1, 4], dtype=np.float64)


def misc_ops():
    """Patterns other exporters write (not torch): Clip bounds as attributes (opset 10),
    Identity on data and on a constant, a Transpose that only moves a size-1 axis, MatMul
    with the constant on the left (y = W x on a column vector), a per-element Mul."""
    rng = np.random.default_rng(6)
    w1 = rng.uniform(-1, 1, (6, 5)).astype(np.float32)
    b1 = rng.uniform(-1, 1, (6, 1)).astype(np.float32)
    w2 = rng.uniform(-1, 1, (6, 2)).astype(np.float32)
    m = rng.uniform(0.5, 2, (1, 6)).astype(np.float32)
    inits = [tensor("W1", w1), tensor("B1", b1), tensor("W2", w2), tensor("M", m)]
    nodes = [
        helper.make_node("Identity", ["input"], ["x0"], name="identity_data"),
        helper.make_node("Transpose", ["x0"], ["x1"], name="to_column", perm=[1, 0]),     # [1,5] -> [5,1]
        helper.make_node("MatMul", ["W1", "x1"], ["x2"], name="left_matmul"),              # [6,5]x[5,1] -> [6,1]
        helper.make_node("Identity", ["B1"], ["B1_alias"], name="identity_constant"),
        helper.make_node("Add", ["x2", "B1_alias"], ["x3"], name="bias"),
        helper.make_node("Clip", ["x3"], ["x4"], name="clip_attributes", min=-0.5, max=0.75),
        helper.make_node("Transpose", ["x4"], ["x5"], name="to_row", perm=[1, 0]),         # [6,1] -> [1,6]
        helper.make_node("Mul", ["M", "x5"], ["x6"], name="per_element_scale"),
        helper.make_node("MatMul", ["x6", "W2"], ["output"], name="right_matmul"),
    ]
    graph = helper.make_graph(nodes, "misc",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 5])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2])], inits)
    save("misc_ops", graph, 10, [1, 5], ir_version=5, low=-2, high=2)


def conv_asymmetric():
    """Conv on a non-square 2-channel input with a non-square kernel, unequal strides and
    asymmetric pads, then a per-channel Add ([3, 1, 1]), Relu, Flatten; opset 13."""
    rng = np.random.default_rng(8)
    w = rng.uniform(-0.5, 0.5, (3, 2, 2, 3)).astype(np.float32)
    b = rng.uniform(-0.2, 0.2, 3).astype(np.float32)
    shift = rng.uniform(-0.5, 0.5, (3, 1, 1)).astype(np.float32)
    inits = [tensor("conv.weight", w), tensor("conv.bias", b), tensor("shift", shift)]
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight", "conv.bias"], ["/conv/Conv_output_0"], name="/conv/Conv",
                         kernel_shape=[2, 3], pads=[0, 1, 1, 2], strides=[2, 1]),
        helper.make_node("Add", ["/conv/Conv_output_0", "shift"], ["/Add_output_0"], name="/Add"),
        helper.make_node("Relu", ["/Add_output_0"], ["/Relu_output_0"], name="/Relu"),
        helper.make_node("Flatten", ["/Relu_output_0"], ["output"], name="/Flatten", axis=1),
    ]
    # Output: H = (5 + 0 + 1 - 2) / 2 + 1 = 3, W = (7 + 1 + 2 - 3) / 1 + 1 = 8.
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 5, 7])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 72])], inits)
    save("conv_asymmetric", graph, 13, [1, 2, 5, 7])


def save_bad(name, graph, opset=13):
    """A model the loader must reject (not checked: some are deliberately invalid)."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="pytorch")
    model.ir_version = 8
    onnx.save(model, os.path.join(HERE, f"{name}.onnx"))
    print(f"{name}: {len(graph.node)} nodes (invalid on purpose)")


def bad_models():
    """Invalid models for the error-message tests, one defect each."""
    rng = np.random.default_rng(7)
    w, b = linear(rng, 4, 4)
    io = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
    gemm = lambda inp, out, weight="fc.weight": helper.make_node(
        "Gemm", [inp, weight, "fc.bias"], [out], name="/fc/Gemm", transB=1)

    # A skip connection: input feeds both the Gemm and the final Add.
    nodes = [gemm("input", "/fc/Gemm_output_0"),
             helper.make_node("Relu", ["/fc/Gemm_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
             helper.make_node("Add", ["/relu/Relu_output_0", "input"], ["output"], name="/Add")]
    save_bad("bad_branch", helper.make_graph(nodes, "g", [io("input", [1, 4])], [io("output", [1, 4])],
                                             [tensor("fc.weight", w), tensor("fc.bias", b)]))

    # An operator outside the supported set.
    nodes = [gemm("input", "/fc/Gemm_output_0"),
             helper.make_node("Softmax", ["/fc/Gemm_output_0"], ["output"], name="/softmax/Softmax", axis=1)]
    save_bad("bad_unsupported", helper.make_graph(nodes, "g", [io("input", [1, 4])], [io("output", [1, 4])],
                                                  [tensor("fc.weight", w), tensor("fc.bias", b)]))

    # A NaN weight.
    nan_w = w.copy()
    nan_w[2, 1] = np.nan
    nodes = [gemm("input", "output")]
    save_bad("bad_nan_weight", helper.make_graph(nodes, "g", [io("input", [1, 4])], [io("output", [1, 4])],
                                                 [tensor("fc.weight", nan_w), tensor("fc.bias", b)]))

    # Weight data shorter than its dims say: dims [4, 4], 15 floats.
    short = TensorProto(name="fc.weight", data_type=TensorProto.FLOAT, dims=[4, 4], raw_data=w.flatten()[:15].tobytes())
    save_bad("bad_length", helper.make_graph(nodes, "g", [io("input", [1, 4])], [io("output", [1, 4])],
                                             [short, tensor("fc.bias", b)]))

    # Two data inputs.
    nodes = [helper.make_node("Add", ["x", "y"], ["output"], name="/Add")]
    save_bad("bad_two_inputs", helper.make_graph(nodes, "g", [io("x", [1, 4]), io("y", [1, 4])], [io("output", [1, 4])]))


def vnncomp_reference():
    """onnxruntime outputs of the VNN-COMP networks in ../vnncomp at seeded inputs, in the same
    layout as the fixtures' JSON files but one entry per network: vnncomp_reference.json."""
    root = os.path.join(HERE, "..", "vnncomp")
    files = ["acasxu/ACASXU_run2a_1_1_batch_2000.onnx", "acasxu/ACASXU_run2a_5_9_batch_2000.onnx",
             "vnncomp-test/test_nano.onnx", "vnncomp-test/test_tiny.onnx", "vnncomp-test/test_small.onnx"]
    rng = np.random.default_rng(11)
    entries = []
    for name in files:
        session = ort.InferenceSession(os.path.join(root, name), providers=["CPUExecutionProvider"])
        data_input = session.get_inputs()[-1]  # ACAS Xu lists its initializers first
        shape = [d if isinstance(d, int) else 1 for d in data_input.shape]
        inputs, outputs = [], []
        for _ in range(4):
            x = rng.uniform(-0.5, 0.5, shape).astype(np.float32)
            (y,) = session.run(None, {data_input.name: x})
            inputs.append([float(v) for v in x.flatten()])
            outputs.append([float(v) for v in np.asarray(y).flatten()])
        entries.append((name, inputs, outputs))
    with open(os.path.join(HERE, "vnncomp_reference.json"), "w") as f:
        f.write("[\n" + ",\n".join(
            f' {{"model": "{name}",\n  "inputs": {json.dumps(i)},\n  "outputs": {json.dumps(o)}}}'
            for name, i, o in entries) + "\n]\n")
    print(f"vnncomp_reference: {len(entries)} networks")


if __name__ == "__main__":
    mlp_gemm()
    mlp_matmul_clip()
    small_cnn()
    normalized_tanh_sigmoid()
    mlp_double()
    misc_ops()
    conv_asymmetric()
    bad_models()
    vnncomp_reference()
