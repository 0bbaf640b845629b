"""ONNX fixtures written by a real `torch.onnx.export` (PyTorch CPU build from PyPI).

Each model is exported, run through onnxruntime on seeded inputs, and stored beside its
NAME.json (same format as make_fixtures.py: "model", "input_shape", "output_shape", "inputs",
"outputs"). The Swift tests load every file and compare with onnxruntime within 1e-5.

    python3 Tests/Fixtures/onnx/export_torch_fixtures.py   (needs torch, onnx, onnxruntime;
                                                           the dynamo export also onnxscript)

| file | what it covers |
| torch_mlp_opset13 | nn.Flatten + Linear + ReLU, static batch, TorchScript exporter, opset 13 |
| torch_mlp_view_dynamic_opset13 | x.view(x.size(0), -1) with a dynamic batch axis: Shape -> Gather -> Unsqueeze -> Concat -> Reshape |
| torch_cnn_view_dynamic_opset17 | Conv2d + BatchNorm2d + ReLU + Conv2d(stride 2) + view(x.size(0), -1) + Linear, dynamic batch, opset 17 |
| torch_cnn_flatten_opset18 | the same CNN with torch.flatten(x, 1), static batch, opset 18 |
| torch_cnn_dynamo_opset18 | the CNN with view(x.size(0), -1) through the dynamo exporter (torch.export), dynamic batch, opset 18 |
"""
import json
import os
import sys

import numpy as np
import onnxruntime
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class MLP(nn.Module):
    def __init__(self, view):
        super().__init__()
        self.view = view
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 24)
        self.fc2 = nn.Linear(24, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1) if self.view else self.flatten(x)
        return self.fc2(torch.relu(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self, view):
        super().__init__()
        self.view = view
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2)
        self.fc = nn.Linear(6 * 3 * 3, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv1(x)))
        x = torch.relu(self.conv2(x))
        x = x.view(x.size(0), -1) if self.view else torch.flatten(x, 1)
        return self.fc(x)


def trained_statistics(model):
    """Gives batch norm non-trivial running statistics, then switches to inference mode."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model.eval()


def export(name, model, opset, dynamic, dynamo=False):
    path = os.path.join(HERE, name + ".onnx")
    example = torch.zeros(1, 1, 8, 8)
    if dynamo:
        batch = torch.export.Dim("batch", min=1, max=64)
        torch.onnx.export(model, (example,), path, dynamo=True, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_shapes={"x": {0: batch}} if dynamic else None, external_data=False)
    else:
        torch.onnx.export(model, (example,), path, dynamo=False, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}} if dynamic else None)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(13)
    inputs, outputs = [], []
    for _ in range(3):
        x = rng.uniform(0, 1, size=(1, 1, 8, 8)).astype(np.float32)
        (y,) = session.run(None, {session.get_inputs()[0].name: x})
        with torch.no_grad():
            reference = model(torch.from_numpy(x)).numpy()
        assert np.allclose(y, reference, atol=1e-5), f"{name}: onnxruntime and torch disagree"
        inputs.append([float(v) for v in x.flatten()])
        outputs.append([float(v) for v in y.flatten()])
    rows = lambda vectors: "[\n  " + ",\n  ".join(json.dumps(v) for v in vectors) + "\n ]"
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        f.write(f'{{\n "model": "{name}.onnx",\n "input_shape": [1, 1, 8, 8],\n'
                f' "output_shape": [1, 10],\n'
                f' "inputs": {rows(inputs)},\n "outputs": {rows(outputs)}\n}}\n')
    print(f"{name}: torch {torch.__version__}, opset {opset}, {os.path.getsize(path)} bytes")


def main():
    torch.manual_seed(7)
    export("torch_mlp_opset13", MLP(view=False).eval(), 13, dynamic=False)
    export("torch_mlp_view_dynamic_opset13", MLP(view=True).eval(), 13, dynamic=True)
    torch.manual_seed(8)
    cnn_view = trained_statistics(CNN(view=True))
    export("torch_cnn_view_dynamic_opset17", cnn_view, 17, dynamic=True)
    cnn_flatten = CNN(view=False)
    cnn_flatten.load_state_dict(cnn_view.state_dict())
    export("torch_cnn_flatten_opset18", cnn_flatten.eval(), 18, dynamic=False)
    export("torch_cnn_dynamo_opset18", cnn_view, 18, dynamic=True, dynamo=True)


if __name__ == "__main__":
    sys.exit(main())
