#!/usr/bin/env python3
"""Train and export the paper-size MNIST models (PyTorch, CPU): 8 classifiers and 4 conditional GANs.

The architectures of Fijalkow and Gupta, "Verification of Neural Networks: Specifying Global
Robustness using Generative Models": ReLU classifiers with three hidden layers, conditional GANs
with a 100-dimensional noise, a one-hot class input and hidden layers 256-512-1024.

    python3 examples/mnist/train_paper.py classifiers      # paper/classifiers/*.onnx, ~11 min on a shared core
    python3 examples/mnist/train_paper.py gan simple       # paper/gans/simple_clip.onnx, ~5-10 min (10,000 steps)
    python3 examples/mnist/train_paper.py gan augmented
    python3 examples/mnist/train_paper.py gan half_a
    python3 examples/mnist/train_paper.py gan half_b
    python3 examples/mnist/train_paper.py evaluate         # sample grids, paper/samples_accuracy.json

Data: the same 4,000 training / 1,000 test images and the same augmented set (20,000 images) as
train.py (its functions are imported; the paper had 60,000 training images). Everything is
seeded; torch uses one thread (set PAPER_THREADS to change), so two trainings can run side by
side on two cores.

Classifiers (input [1, 784] in [0, 1], output 10 logits; Gemm(transB=1) + Relu):
  paper_small  784-32-64-200-10     paper_medium 784-64-128-256-10    paper_large 784-64-128-512-10
  each on the standard set and (suffix _aug) on the augmented set; Adam 1e-3, batch 64,
  CLF_EPOCHS epochs on the standard set and a fifth of that on the 5x larger augmented set.
  paper_medium_madry: PGD adversarial training (Madry et al. 2018) on the standard set, L-inf
    eps MADRY_EPS in pixel space [0, 1], MADRY_STEPS steps of size MADRY_STEP_SIZE, one random
    start (uniform in the eps-ball) per example and step, the loss on the adversarial batch only.
  paper_medium_distilled: defensive distillation (Papernot et al. 2016), temperature
    DISTILL_T: a teacher paper_medium trained with softmax(logits / T), then a student of the
    same architecture trained on the teacher's softmax(. / T) soft labels at temperature T;
    exported logits are the student's raw logits (temperature 1 at test time).

Conditional GANs (one per family): generator input [z (100), e_c (10)] -> 256 -> 512 -> 1024
  -> 784, LeakyReLU(0.2) hidden; output 0.5 tanh(h) + 0.5 in (0, 1) (file <family>.onnx), or,
  for the families used by exact verification, only its clipped piecewise-linear twin
  clip(0.5 h + 0.5, 0, 1) with the same weights (file <family>_clip.onnx; experiments load
  the tanh output from it with "output": "tanh", so one 6 MB file serves both). ONNX input `noise`
  [1, 110] = [z, e_c] (the experiment key conditional_generator with "one_hot": "after").
  Discriminator x in [-1, 1] (784) -> 512 -> 256 -> 1 + 10, LeakyReLU(0.2): a real/fake logit and
  10 class logits (auxiliary classifier GAN, Odena et al. 2017: the class loss makes the one-hot
  input matter within a few hundred steps, where a plain conditional GAN on 4,000 images still
  ignored it after 500); non-saturating GAN loss with one-sided label smoothing 0.9 plus the
  class cross-entropy on real and generated images; Adam 2e-4, beta1 0.5; batch 64; GAN_STEPS
  steps (10,000 for simple, 16,000 for the 5x larger augmented set, 6,000 for the 2,000-image
  halves; env GAN_STEPS overrides; longer hurts: the simple GAN's share fell from 99% at 14,000
  steps to 90% at 20,000 as the discriminator overfits the 4,000 images). The exported
  generator is the exponential moving average of the trained one's weights (decay GAN_EMA = 0.999 after a short warm-up; Yazici et al. 2019): at 2,000 steps of
  the simple GAN, 89% of the EMA generator's samples get the intended label from paper_small
  against 47% for the raw generator, whose last steps' oscillation leaves speckled digits.
  Every GAN_CHECKPOINT steps the files are rewritten and the intended-label shares of raw and
  EMA generator (100 samples per class; paper_small, paper_medium, paper_medium_madry) printed.
  Families: simple (4,000 standard), augmented (20,000 augmented), half_a / half_b (the two
  disjoint halves of the standard set of train.py, 2,000 images each).
"""

import copy
import json
import os
import sys
import time

THREADS = int(os.environ.get("PAPER_THREADS", "1"))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as base  # noqa: E402  (data, augmentation, ONNX helpers of the small example)
from onnx import helper, numpy_helper  # noqa: E402

torch.set_num_threads(THREADS)
OUT = os.path.join(base.OUT, "paper")

CLASSIFIERS = {"paper_small": (32, 64, 200), "paper_medium": (64, 128, 256), "paper_large": (64, 128, 512)}
CLF_EPOCHS = 30            # standard set; the augmented set gets CLF_EPOCHS // 5 (same number of steps)
MADRY_EPS = 0.1
MADRY_STEPS = 10
MADRY_STEP_SIZE = 0.025
DISTILL_T = 20.0

NOISE = 100
CLASSES = 10
GEN_HIDDEN = (256, 512, 1024)
DISC_HIDDEN = (512, 256)
SLOPE = 0.2
GAN_STEPS = {"simple": 10000, "augmented": 16000, "half_a": 6000, "half_b": 6000}   # env GAN_STEPS overrides
GAN_BATCH = 64
GAN_CHECKPOINT = int(os.environ.get("GAN_CHECKPOINT", "2000"))   # files rewritten (and shares printed) every this many steps
GAN_SNAPSHOTS = os.environ.get("GAN_SNAPSHOTS", "")   # optional folder: a copy of the files at every checkpoint
GAN_EMA = 0.999            # decay of the exported moving average of the generator weights
GAN_FAMILIES = ("simple", "augmented", "half_a", "half_b")
CLIP_FAMILIES = ("simple", "augmented")
N_EVAL = int(os.environ.get("PAPER_EVAL_SAMPLES", "10000"))   # generated samples per class for the correctness check (numpy)


def data():
    """(X_tr, y_tr, X_te, y_te, X_aug, y_aug, halves) exactly as train.py builds them."""
    from sklearn.model_selection import train_test_split
    pixels, labels, _ = base.load_mnist5k()
    idx = np.arange(len(labels))
    tr, te = train_test_split(idx, test_size=base.N_TEST, stratify=labels, random_state=base.SEED)
    tr, te = np.sort(tr), np.sort(te)
    X_tr, y_tr = pixels[tr].astype(np.float32) / 255, labels[tr]
    X_te, y_te = pixels[te].astype(np.float32) / 255, labels[te]
    X_aug = np.vstack([X_tr, base.augment(X_tr, base.AUG_COPIES, np.random.default_rng(base.SEED + 1))])
    y_aug = np.concatenate([y_tr] * (1 + base.AUG_COPIES))
    half_rng = np.random.default_rng(base.SEED + 3)
    halves = {"half_a": [], "half_b": []}
    for c in range(10):
        rows = np.flatnonzero(y_tr == c)
        perm = half_rng.permutation(len(rows))
        halves["half_a"].append(rows[perm[: len(perm) // 2]])
        halves["half_b"].append(rows[perm[len(perm) // 2:]])
    halves = {k: np.sort(np.concatenate(v)) for k, v in halves.items()}
    return X_tr, y_tr, X_te, y_te, X_aug, y_aug, halves


def mlp(sizes, slope=None):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU() if slope is None else nn.LeakyReLU(slope))
    return nn.Sequential(*layers)


def linear_params(model):
    lins = [m for m in model if isinstance(m, nn.Linear)]
    return ([l.weight.detach().numpy().astype(np.float32) for l in lins],
            [l.bias.detach().numpy().astype(np.float32) for l in lins])


# ---------------------------------------------------------------- classifiers

def pgd(model, x, y):
    """Madry et al.: random start in the eps-ball, MADRY_STEPS signed-gradient steps, projection."""
    delta = (torch.rand_like(x) * 2 - 1) * MADRY_EPS
    delta = (torch.clamp(x + delta, 0, 1) - x).requires_grad_(True)
    for _ in range(MADRY_STEPS):
        loss = F.cross_entropy(model(x + delta), y)
        g, = torch.autograd.grad(loss, delta)
        delta = delta.detach() + MADRY_STEP_SIZE * g.sign()
        delta = torch.clamp(delta, -MADRY_EPS, MADRY_EPS)
        delta = (torch.clamp(x + delta, 0, 1) - x).requires_grad_(True)
    return (x + delta).detach()


def fit(model, X, y, epochs, seed, mode="plain", soft=None):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        for i in range(0, len(X), 64):
            b = order[i:i + 64]
            xb, yb = X[b], y[b]
            if mode == "madry":
                xb = pgd(model, xb, yb)
            out = model(xb)
            if mode == "distill":
                loss = -(soft[b] * F.log_softmax(out / DISTILL_T, 1)).sum(1).mean()
            elif mode == "teacher":
                loss = F.cross_entropy(out / DISTILL_T, yb)
            else:
                loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def train_classifiers():
    X_tr, y_tr, X_te, y_te, X_aug, y_aug, _ = data()
    info = {}
    jobs = []
    for name, hidden in CLASSIFIERS.items():
        jobs.append((name, hidden, X_tr, y_tr, CLF_EPOCHS, "plain"))
        jobs.append((name + "_aug", hidden, X_aug, y_aug, CLF_EPOCHS // 5, "plain"))
    jobs.append(("paper_medium_madry", CLASSIFIERS["paper_medium"], X_tr, y_tr, CLF_EPOCHS, "madry"))
    jobs.append(("paper_medium_distilled", CLASSIFIERS["paper_medium"], X_tr, y_tr, CLF_EPOCHS, "distill"))
    for seed, (name, hidden, X, y, epochs, mode) in enumerate(jobs):
        t1 = time.time()
        torch.manual_seed(100 + seed)
        model = mlp((784, *hidden, 10))
        if mode == "distill":
            teacher = fit(mlp((784, *hidden, 10)), X, y, epochs, 200 + seed, "teacher")
            with torch.no_grad():
                soft = F.softmax(teacher(torch.from_numpy(X)) / DISTILL_T, 1)
            fit(model, X, y, epochs, 300 + seed, "distill", soft)
        else:
            fit(model, X, y, epochs, 200 + seed, mode)
        W, b = linear_params(model)
        path = os.path.join(OUT, "classifiers", f"{name}.onnx")
        base.export_classifier(path, W, b, f"mnist_{name}")
        logits = base.clf_forward(X_te, W, b)
        ort_logits = base.ort_rows(base.session(path), "input", X_te)
        assert np.array_equal(ort_logits.argmax(1), logits.argmax(1)), name
        with torch.enable_grad():
            adv = pgd(model, torch.from_numpy(X_te), torch.from_numpy(y_te)).numpy()
        info[name] = {"file": f"paper/classifiers/{name}.onnx", "architecture": [784, *hidden, 10],
                      "training": mode, "train_images": int(len(X)), "epochs": epochs,
                      "train_accuracy": float(np.mean(base.clf_forward(X, W, b).argmax(1) == y)),
                      "test_accuracy": float(np.mean(logits.argmax(1) == y_te)),
                      "pgd_test_accuracy": float(np.mean(base.clf_forward(adv, W, b).argmax(1) == y_te)),
                      "train_seconds": round(time.time() - t1, 1)}
        print(name, info[name], flush=True)
    base.write_json(os.path.join(OUT, "classifiers.json"), {
        "madry": {"eps": MADRY_EPS, "steps": MADRY_STEPS, "step_size": MADRY_STEP_SIZE, "restarts": 1},
        "distillation_temperature": DISTILL_T, "classifiers": info})


# ---------------------------------------------------------------- conditional GANs

def one_hot(y):
    return F.one_hot(y, CLASSES).float()


def train_gan(family):
    X_tr, y_tr, _, _, X_aug, y_aug, halves = data()
    X, y = {"simple": (X_tr, y_tr), "augmented": (X_aug, y_aug),
            "half_a": (X_tr[halves["half_a"]], y_tr[halves["half_a"]]),
            "half_b": (X_tr[halves["half_b"]], y_tr[halves["half_b"]])}[family]
    seed = 1000 + GAN_FAMILIES.index(family)
    torch.manual_seed(seed)
    G = mlp((NOISE + CLASSES, *GEN_HIDDEN, 784), SLOPE)
    D = mlp((784, *DISC_HIDDEN, 1 + CLASSES), SLOPE)   # AC-GAN: real/fake logit + 10 class logits
    G_ema = copy.deepcopy(G).requires_grad_(False)      # exported: exponential moving average of G
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    X = torch.from_numpy(X) * 2 - 1
    y = torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    monitor = checkpoint_monitor()
    steps = int(os.environ.get("GAN_STEPS", GAN_STEPS[family]))
    t0 = time.time()
    for step in range(steps):
        b = torch.randint(0, len(X), (GAN_BATCH,), generator=gen)
        real, label = X[b], y[b]
        z = torch.randn(GAN_BATCH, NOISE, generator=gen)
        fake = torch.tanh(G(torch.cat([z, one_hot(label)], 1)))
        d_real, d_fake = D(real), D(fake.detach())
        loss_d = (F.binary_cross_entropy_with_logits(d_real[:, 0], torch.full_like(d_real[:, 0], 0.9))
                  + F.binary_cross_entropy_with_logits(d_fake[:, 0], torch.zeros_like(d_fake[:, 0]))
                  + F.cross_entropy(d_real[:, 1:], label) + F.cross_entropy(d_fake[:, 1:], label))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        d_gen = D(fake)
        loss_g = (F.binary_cross_entropy_with_logits(d_gen[:, 0], torch.ones_like(d_gen[:, 0]))
                  + F.cross_entropy(d_gen[:, 1:], label))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        with torch.no_grad():
            decay = min(GAN_EMA, (1 + step) / (10 + step))   # short warm-up: early weights fade fast
            torch._foreach_lerp_(list(G_ema.parameters()), list(G.parameters()), 1 - decay)
        if step % 500 == 0 or step == steps - 1:
            print(f"{family} step {step}: loss D {loss_d.item():.3f} G {loss_g.item():.3f} "
                  f"({time.time() - t0:.0f} s)", flush=True)
        if (step + 1) % GAN_CHECKPOINT == 0 or step == steps - 1:
            print(f"{family} step {step + 1}: intended-label share (raw G / EMA G): "
                  f"{monitor(G)} / {monitor(G_ema)}", flush=True)
            save_gan(family, G_ema, step + 1, len(X), seed, time.time() - t0)


def checkpoint_monitor(per_class=100):
    """A function G -> {classifier: share of per_class samples per class labelled as intended},
    for paper_small, paper_medium and paper_medium_madry (fixed noises, numpy default_rng(7))."""
    names = ("paper_small", "paper_medium", "paper_medium_madry")
    clfs = {n: load_onnx_weights(os.path.join(OUT, "classifiers", n + ".onnx")) for n in names}
    z = np.random.default_rng(7).standard_normal((CLASSES * per_class, NOISE)).astype(np.float32)
    c = np.repeat(np.arange(CLASSES), per_class)

    def shares(G):
        W, b = linear_params(G)
        imgs = gan_forward(z, c, W, b, "tanh")
        return {n: round(float(np.mean(base.clf_forward(imgs, *p).argmax(1) == c)), 3) for n, p in clfs.items()}
    return shares


def save_gan(family, G, steps, n_images, seed, seconds):
    """Exports the generator after `steps` steps (checkpoints overwrite the same files)."""
    W, b = linear_params(G)
    for output in (("clip",) if family in CLIP_FAMILIES else ("tanh",)):
        suffix = "" if output == "tanh" else "_clip"
        export_gan(os.path.join(OUT, "gans", f"{family}{suffix}.onnx"), W, b, output, f"mnist_cgan_{family}{suffix}")
        if GAN_SNAPSHOTS:   # every checkpoint kept outside the repository, to choose the stopping step
            export_gan(os.path.join(GAN_SNAPSHOTS, f"{family}{suffix}_{steps}.onnx"), W, b, output,
                       f"mnist_cgan_{family}{suffix}")
    base.write_json(os.path.join(OUT, "gans", f"{family}.json"), {
        "family": family, "train_images": int(n_images), "steps": steps, "batch": GAN_BATCH,
        "seed": seed, "train_seconds": round(seconds, 1), "threads": THREADS})


def export_gan(path, weights, biases, output, name):
    """Gemm/LeakyRelu chain, then 0.5 tanh(h) + 0.5 (Tanh, Mul, Add) or clip(0.5 h + 0.5, 0, 1) (Mul, Add, Clip)."""
    old = base.SLOPE
    base.SLOPE = SLOPE
    nodes, inits, cur = base.gemm_chain(weights, biases, "noise", "leaky")
    base.SLOPE = old
    inits.append(numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"))
    if output == "tanh":
        nodes += [helper.make_node("Tanh", [cur], ["/tanh/Tanh_output_0"], name="/tanh/Tanh"),
                  helper.make_node("Mul", ["/tanh/Tanh_output_0", "half"], ["/scale/Mul_output_0"], name="/scale/Mul"),
                  helper.make_node("Add", ["/scale/Mul_output_0", "half"], ["image"], name="/shift/Add")]
    else:
        inits += [numpy_helper.from_array(np.array(0.0, dtype=np.float32), "clip.min"),
                  numpy_helper.from_array(np.array(1.0, dtype=np.float32), "clip.max")]
        nodes += [helper.make_node("Mul", [cur, "half"], ["/scale/Mul_output_0"], name="/scale/Mul"),
                  helper.make_node("Add", ["/scale/Mul_output_0", "half"], ["/shift/Add_output_0"], name="/shift/Add"),
                  helper.make_node("Clip", ["/shift/Add_output_0", "clip.min", "clip.max"], ["image"], name="/clip/Clip")]
    base.save_model(path, nodes, inits, "noise", NOISE + CLASSES, "image", 784, name)


# ---------------------------------------------------------------- evaluation

def load_onnx_weights(path):
    import onnx
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    n = sum(1 for node in model.graph.node if node.op_type == "Gemm")
    return [init[f"fc{i + 1}.weight"] for i in range(n)], [init[f"fc{i + 1}.bias"] for i in range(n)]


def gan_forward(z, c, W, b, output):
    h = np.hstack([z, np.eye(CLASSES, dtype=np.float32)[c]]).astype(np.float32)
    for i, (w, v) in enumerate(zip(W, b)):
        h = h @ w.T + v
        if i < len(W) - 1:
            h = np.where(h > 0, h, np.float32(SLOPE) * h)
    if output == "tanh":
        return np.tanh(h) * np.float32(0.5) + np.float32(0.5)
    return np.clip(h * np.float32(0.5) + np.float32(0.5), 0, 1)


def clopper_pearson(k, n, confidence=0.99):
    from scipy.stats import beta
    a = 1 - confidence
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return [lo, hi]


def evaluate():
    """Sample grids; per classifier x GAN family (tanh and clip outputs), the per-class counts of
    N_EVAL generated samples labelled as the intended class, pooled share with its 99%
    Clopper-Pearson interval; test accuracy with its interval."""
    from PIL import Image
    names = [p[:-5] for p in sorted(os.listdir(os.path.join(OUT, "classifiers"))) if p.endswith(".onnx")]
    clfs = {n: load_onnx_weights(os.path.join(OUT, "classifiers", n + ".onnx")) for n in names}
    _, _, X_te, y_te, _, _, _ = data()
    result = {"test": {}}
    for name, p in clfs.items():
        k = int(np.sum(base.clf_forward(X_te, *p).argmax(1) == y_te))
        result["test"][name] = {"correct": k, "samples": int(len(y_te)), "share": k / len(y_te),
                                "interval99": clopper_pearson(k, len(y_te))}
    for fam in GAN_FAMILIES:
        path = os.path.join(OUT, "gans", f"{fam}_clip.onnx" if fam in CLIP_FAMILIES else f"{fam}.onnx")
        if not os.path.exists(path):   # either output is computed from the file's weights
            continue
        W, b = load_onnx_weights(path)
        rng = np.random.default_rng(12345)
        z = rng.standard_normal((10, 10, NOISE)).astype(np.float32)
        s, gap = 2 * 28, 2
        grid = np.full((10 * (s + gap) + gap, 10 * (s + gap) + gap), 128, dtype=np.uint8)
        for c in range(10):
            imgs = gan_forward(z[c], np.full(10, c), W, b, "tanh").reshape(10, 28, 28)
            for j in range(10):
                r0, c0 = gap + c * (s + gap), gap + j * (s + gap)
                grid[r0:r0 + s, c0:c0 + s] = np.round(255 * np.kron(1 - imgs[j], np.ones((2, 2)))).astype(np.uint8)
        Image.fromarray(grid, mode="L").save(os.path.join(OUT, f"samples_{fam}.png"))
        result[fam] = {}
        for output in ("tanh", "clip"):
            counts = {n: [] for n in clfs}
            for c in range(CLASSES):
                zs = rng.standard_normal((N_EVAL, NOISE)).astype(np.float32)
                imgs = gan_forward(zs, np.full(N_EVAL, c), W, b, output)
                for n, p in clfs.items():
                    counts[n].append(int(np.sum(base.clf_forward(imgs, *p).argmax(1) == c)))
            result[fam][output] = {n: {"per_class": v, "share": sum(v) / (N_EVAL * CLASSES),
                                       "interval99": clopper_pearson(sum(v), N_EVAL * CLASSES)}
                                   for n, v in counts.items()}
            print(fam, output, {n: round(r["share"], 4) for n, r in result[fam][output].items()}, flush=True)
    base.write_json(os.path.join(OUT, "samples_accuracy.json"), {
        "note": f"numpy float32 forward passes; {N_EVAL} samples per class (z ~ N(0, I_100), numpy "
                "default_rng(12345), drawn per family after the 100 noises of the sample grid); share = "
                "fraction labelled as the intended class (argmax), pooled over the 10 classes; "
                "interval99 = two-sided 99% Clopper-Pearson",
        "families": result})


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "classifiers":
        train_classifiers()
    elif command == "gan" and len(sys.argv) == 3 and sys.argv[2] in GAN_FAMILIES:
        train_gan(sys.argv[2])
    elif command == "evaluate":
        evaluate()
    else:
        sys.exit("usage: train_paper.py classifiers | gan {simple,augmented,half_a,half_b} | evaluate")
