#!/usr/bin/env python3
"""How tight can a float32 error bound be on the paper pair (GAN 'simple' + paper_small)?

    /work/venv-torch/bin/python Benchmarks/float32_bound_study.py [SAMPLES]

A study, not a verifier: numpy in float64 without directed rounding, so its bounds are
estimates of what each kind of sound bound would give, not sound bounds themselves. It draws
SAMPLES noises (standard normal, 100 entries, with a random class's one-hot after them), runs
the chain 110 -> 256 -> 512 -> 1024 -> 784 (LeakyReLU 0.2, tanh, 0.5 x + 0.5) -> 32 -> 64 ->
200 -> 10 (ReLU) in float32 and float64, and reports for each bound the median of its largest
output error and the share of samples whose float32 margins it decides (bound below every
margin top - j). u = 2^-24; an affine layer with k inputs adds (k + 2) u |W| |x| + ... as in
NeuralNetwork+Float32BoundComposition.swift; tanh adds 16 u |y|.

Bounds:
  composed      per network, worst case (|W| products, slope 1): what the code composes now
  running       per sample, forward: e_out = |W| (e_in + g |x|) + g |b|, slopes 1
  running-local as running, with the slope of each unit at the sample (LeakyReLU 0.2 or 1 and
                ReLU 0 or 1 where the sign is certain, tanh' = sech^2 at the nearest end)
  signed-J      running (LeakyReLU slope 1, tanh local) to the image, then the classifier's own
                signed Jacobian of each margin at the sample: sum_i |dm/dx_i| e_i (first order:
                it leaves out the ReLUs that the image error could flip and the classifier's
                own rounding; each signed-J row is preceded by the share of samples on which
                no classifier ReLU can flip, by interval radii, where first order is exact)
  signed-J-local  as signed-J with the local LeakyReLU slopes
  uniform-J     the running bound's image error replaced by one number per sample, the
                largest pixel error of the composed bound with each term's coefficients
                reduced to their largest entry over the 784 pixels (per network, so a sample
                costs one dot product per layer boundary, ~2 k multiply-adds), then the
                classifier's signed Jacobian as in signed-J: sum_i |dm/dx_i| times that number
  uniform-J-tanh  as uniform-J up to the tanh's input, then each pixel through the tanh's
                local slope (as running's local tanh), then the signed Jacobian
Extra cost per sample (multiply-adds) beside the float32 pass's 1.5 M: composed 10 per unit
(~30 k), running 1.45 M (one |W| product per layer), signed-J 1.45 M + 0.36 M (9 margins back
through the classifier), uniform-J ~2 k + 0.36 M.
"""
import sys
import numpy as np
import onnx
from onnx import numpy_helper

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
u = 2.0 ** -24
gen = {i.name: numpy_helper.to_array(i).astype(np.float64)
       for i in onnx.load('examples/mnist/paper/gans/simple_clip.onnx').graph.initializer}
cls = {i.name: numpy_helper.to_array(i).astype(np.float64)
       for i in onnx.load('examples/mnist/paper/classifiers/paper_small.onnx').graph.initializer}
layers = []
for k in range(1, 5):
    layers.append(('affine', gen[f'fc{k}.weight'], gen[f'fc{k}.bias']))
    layers.append(('lrelu',) if k < 4 else ('tanh',))
layers.append(('half',))
IMAGE = len(layers)  # boundary of the image
for k in range(1, 5):
    layers.append(('affine', cls[f'fc{k}.weight'], cls[f'fc{k}.bias']))
    if k < 4:
        layers.append(('relu',))


def forward(x, dt):
    values = [x.astype(dt)]
    x = x.astype(dt)
    for layer in layers:
        if layer[0] == 'affine':
            x = x @ layer[1].astype(dt).T + layer[2].astype(dt)
        elif layer[0] == 'lrelu':
            x = np.where(x >= 0, x, dt(0.2) * x)
        elif layer[0] == 'tanh':
            x = np.tanh(x)
        elif layer[0] == 'half':
            x = dt(0.5) * x + dt(0.5)
        else:
            x = np.maximum(x, dt(0))
        values.append(x)
    return values


rng = np.random.default_rng(0)
noise = np.concatenate([rng.standard_normal((n, 100)), np.eye(10)[rng.integers(0, 10, n)]], 1)
f32 = [v.astype(np.float64) for v in forward(noise, np.float32)]
f64 = forward(noise, np.float64)
logits = f64[-1]
top = np.argmax(f32[-1], 1)
rows = np.arange(n)


def decided(errors):
    """Share of samples whose float32 margins exceed the per-output bounds."""
    m = f32[-1][rows, top][:, None] - f32[-1]
    ok = (m > errors + errors[rows, top][:, None]) | (np.arange(10)[None, :] == top[:, None])
    return np.mean(np.all(ok, 1))


def composed():
    m = np.eye(10)
    total = np.zeros((n, 10))
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        if layer[0] == 'affine':
            w = np.abs(layer[1])
            g = (w.shape[1] + 2) * u
            total += g * (np.abs(f32[index]) @ (m @ w).T + (m @ np.abs(layer[2]))[None, :])
            m = m @ w
        elif layer[0] in ('lrelu', 'half'):
            total += u * np.abs(f32[index + 1]) @ m.T
            if layer[0] == 'half':
                m = 0.5 * m
        elif layer[0] == 'tanh':
            total += 16 * u * np.abs(f32[index + 1]) @ m.T
    return total


def uniform_image_error(local_tanh=False):
    """Per sample: an upper bound of the composed bound's largest pixel error, each boundary's
    coefficient matrix (784 pixels x units) reduced to its largest entry per unit. With
    `local_tanh`, the same to the tanh's input, then per pixel through the tanh's local slope."""
    tanh_index = IMAGE - 2
    top = tanh_index if local_tanh else IMAGE
    m = np.eye(784)
    total = np.zeros(n)
    for index in range(top - 1, -1, -1):
        layer = layers[index]
        if layer[0] == 'affine':
            w = np.abs(layer[1])
            g = (w.shape[1] + 2) * u
            mw = m @ w
            total += g * (np.abs(f32[index]) @ mw.max(0) + (m @ np.abs(layer[2])).max())
            m = mw
        elif layer[0] in ('lrelu', 'half'):
            total += u * np.abs(f32[index + 1]) @ m.max(0)
            if layer[0] == 'half':
                m = 0.5 * m
        elif layer[0] == 'tanh':
            total += 16 * u * np.abs(f32[index + 1]) @ m.max(0)
    if not local_tanh:
        return total[:, None] * np.ones((1, 784))
    pre = f32[tanh_index]
    e = total[:, None]
    slope = np.minimum(1.0, 4 * np.exp(-2 * np.maximum(np.abs(pre) - e, 0)))
    e = slope * e + 16 * u * np.abs(f32[tanh_index + 1])
    return 0.5 * e + u * np.abs(f32[IMAGE])


def running(until, local_lrelu, local_tanh, local_relu):
    e = np.zeros((n, 110))
    for index, layer in enumerate(layers[:until]):
        pre = f32[index]
        if layer[0] == 'affine':
            w = np.abs(layer[1])
            g = (w.shape[1] + 2) * u
            e = (e + g * np.abs(pre)) @ w.T + g * np.abs(layer[2])
        elif layer[0] == 'lrelu':
            slope = np.where(pre - e > 0, 1.0, np.where(pre + e < 0, 0.2, 1.0)) if local_lrelu else 1.0
            e = slope * e + u * np.abs(f32[index + 1])
        elif layer[0] == 'tanh':
            slope = np.minimum(1.0, 4 * np.exp(-2 * np.maximum(np.abs(pre) - e, 0))) if local_tanh else 1.0
            e = slope * e + 16 * u * np.abs(f32[index + 1])
        elif layer[0] == 'half':
            e = 0.5 * e + u * np.abs(f32[index + 1])
        else:
            e = np.where(pre + e <= 0, 0.0, e) if local_relu else e
    return e


def signed_jacobian(image_error):
    """Per output j: the first-order bound of margin top - j; returned as bound / margin."""
    weights = [layer[1] for layer in layers[IMAGE:] if layer[0] == 'affine']
    pre, x = [], f32[IMAGE]
    for i, (w, b) in enumerate(zip(weights, [layer[2] for layer in layers[IMAGE:] if layer[0] == 'affine'])):
        z = x @ w.T + b
        pre.append(z)
        x = np.maximum(z, 0)
    worst = np.zeros(n)
    for j in range(10):
        g = weights[3][top] - weights[3][j][None, :]
        for i in (2, 1, 0):
            g = (g * (pre[i] > 0)) @ weights[i]
        margin = f32[-1][rows, top] - f32[-1][:, j]
        ratio = np.sum(np.abs(g) * image_error, 1) / np.maximum(margin, 1e-30)
        worst = np.maximum(worst, np.where(j == top, 0, ratio))
    return worst


actual = np.abs(f32[-1] - logits).max(1)
print(f'# {n} samples; float32 vs float64 logits: median {np.median(actual):.2e}, max {actual.max():.2e}; '
      f'median margin {np.median(np.sort(logits, 1)[:, -1] - np.sort(logits, 1)[:, -2]):.2f}')
print('| bound | median largest output bound | samples decided |')
print('| --- | --- | --- |')
for name, errors in [('composed (per network)', composed()),
                     ('running', running(len(layers), False, False, False)),
                     ('running-local', running(len(layers), True, True, True))]:
    print(f'| {name} | {np.median(errors.max(1)):.3g} | {100 * decided(errors):.1f} % |')
image_running = running(IMAGE, False, False, False)
uniform = uniform_image_error()
print(f'| (image error: running, median largest pixel {np.median(image_running.max(1)):.3g}; '
      f'uniform {np.median(uniform[:, 0]):.3g}) | | |')


def classifier_stable(image_error):
    """Per sample: whether every classifier ReLU keeps its sign on the box image +- error
    (interval radius |W| r through the classifier; the first-order signed-J bound is exact
    on such a box up to the classifier's own rounding)."""
    weights = [layer for layer in layers[IMAGE:] if layer[0] == 'affine']
    x, r = f32[IMAGE], image_error
    stable = np.ones(n, bool)
    for w, b in [(layer[1], layer[2]) for layer in weights[:-1]]:
        z = x @ w.T + b
        r = r @ np.abs(w).T
        stable &= np.all(np.abs(z) > r, 1)
        x = np.maximum(z, 0)
        r = np.where(z > 0, r, 0.0)
    return stable


for name, image_error in [('signed-J', running(IMAGE, False, True, False)), ('signed-J-local', running(IMAGE, True, True, False)),
                          ('uniform-J', uniform), ('uniform-J-tanh', uniform_image_error(True))]:
    ratio = signed_jacobian(image_error)
    print(f'| ({name}: every classifier ReLU stable on the image error box in {100 * np.mean(classifier_stable(image_error)):.1f} % '
          f'of samples; decided and stable {100 * np.mean((ratio < 1) & classifier_stable(image_error)):.1f} %) | | |')
    print(f'| {name} | (bound / margin, median) {np.median(ratio):.3g} | {100 * np.mean(ratio < 1):.1f} % |')
