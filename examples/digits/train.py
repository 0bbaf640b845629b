#!/usr/bin/env python3
"""Train and export the shipped digits example models.

Writes, next to this file:
  classifier.onnx            ReLU MLP 64-32-32-10 on 8x8 digits scaled to [0, 1]
  generator_0..9.onnx        per-class piecewise-linear generators N(0, I_6) -> [0, 1]^64
  samples.png                10 x 10 grid of generated digits (row = class)
  metrics.json               test accuracy, per-class global correctness, file sizes

Data: scikit-learn's bundled `load_digits` (1797 images, 8x8, raw values 0..16), no download.
Everything is seeded; rerunning gives the same files (up to BLAS floating-point noise).

    pip install numpy scikit-learn onnx onnxruntime pillow
    python3 examples/digits/train.py
"""

import json
import os
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

OUT = os.path.dirname(os.path.abspath(__file__))

SEED = 0
LATENT = 6                 # generator noise dimension p
CLF_HIDDEN = (32, 32)      # classifier hidden layers
GEN_HIDDEN = (32,)         # generator hidden layers (ReLU), then linear -> 64, then Clip[0, 1]
AUG_COPIES = 20            # noise-augmented copies of each whitened code for decoder training
AUG_SIGMA = 0.1            # std of the augmentation noise added to whitened codes. Small on
                           # purpose: 0.5 gives smoother samples but ~99.9% global correctness
                           # (too easy to be an interesting verification example); 0.1 keeps
                           # the samples clean while a few percent of class-1 samples (and a
                           # handful in other classes) are misclassified.
N_CHECK = 10_000           # generated samples per class for the global-correctness check
OPSET = 13


# ---------------------------------------------------------------- ONNX export

def mlp_to_onnx(path, weights, biases, in_name, out_name, graph_name, clip01=False):
    """Export a ReLU MLP as torch.onnx.export would: Gemm(transB=1) + Relu ..., optional Clip.

    weights[i] has torch layout [out, in]; the last Gemm has no Relu after it.
    """
    nodes, inits = [], []
    cur = in_name
    n = len(weights)
    for i, (W, b) in enumerate(zip(weights, biases)):
        W = np.ascontiguousarray(W, dtype=np.float32)
        b = np.ascontiguousarray(b, dtype=np.float32)
        wn, bn = f"fc{i + 1}.weight", f"fc{i + 1}.bias"
        inits += [numpy_helper.from_array(W, wn), numpy_helper.from_array(b, bn)]
        last = i == n - 1
        gemm_out = out_name if (last and not clip01) else f"/fc{i + 1}/Gemm_output_0"
        nodes.append(helper.make_node("Gemm", [cur, wn, bn], [gemm_out], name=f"/fc{i + 1}/Gemm",
                                      alpha=1.0, beta=1.0, transB=1))
        cur = gemm_out
        if not last:
            relu_out = f"/relu{i + 1}/Relu_output_0"
            nodes.append(helper.make_node("Relu", [cur], [relu_out], name=f"/relu{i + 1}/Relu"))
            cur = relu_out
    if clip01:
        inits += [numpy_helper.from_array(np.array(0.0, dtype=np.float32), "clip.min"),
                  numpy_helper.from_array(np.array(1.0, dtype=np.float32), "clip.max")]
        nodes.append(helper.make_node("Clip", [cur, "clip.min", "clip.max"], [out_name],
                                      name="/clip/Clip"))
    d_in = weights[0].shape[1]
    d_out = weights[-1].shape[0]
    graph = helper.make_graph(
        nodes, graph_name,
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, [1, d_in])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [1, d_out])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="examples/digits/train.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def sk_layers(mlp):
    """sklearn stores coefs_ as [in, out]; return torch layout [out, in] float32."""
    return ([np.asarray(W, dtype=np.float32).T for W in mlp.coefs_],
            [np.asarray(b, dtype=np.float32) for b in mlp.intercepts_])


def np_forward(x, weights, biases, clip01=False):
    """float32 numpy forward pass of the exported network, batched over rows of x."""
    h = np.asarray(x, dtype=np.float32)
    for i, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
    if clip01:
        h = np.clip(h, 0.0, 1.0)
    return h


def ort_run_rows(sess, in_name, x):
    """Run a [1, d]-input model on each row of x (the exported graphs have batch size 1)."""
    x = np.asarray(x, dtype=np.float32)
    return np.concatenate([sess.run(None, {in_name: x[i:i + 1]})[0] for i in range(len(x))])


def session(path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


# ---------------------------------------------------------------- main

def main():
    t0 = time.time()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)     # [1797, 64], row-major 8x8, in [0, 1]
    y = digits.target.astype(np.int64)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
    print(f"data: {len(X)} images, train {len(X_tr)}, test {len(X_te)} (stratified, seed {SEED})")

    # ---- 1. classifier
    clf = MLPClassifier(hidden_layer_sizes=CLF_HIDDEN, activation="relu", solver="adam",
                        alpha=1e-3, learning_rate_init=1e-3, max_iter=600, random_state=SEED)
    clf.fit(X_tr, y_tr)
    cW, cb = sk_layers(clf)
    clf_path = os.path.join(OUT, "classifier.onnx")
    mlp_to_onnx(clf_path, cW, cb, "input", "logits", "digits_classifier")
    train_acc = float(np.mean(np_forward(X_tr, cW, cb).argmax(1) == y_tr))
    test_acc = float(np.mean(np_forward(X_te, cW, cb).argmax(1) == y_te))
    print(f"classifier 64-{'-'.join(map(str, CLF_HIDDEN))}-10: train acc {train_acc:.4f}, "
          f"test acc {test_acc:.4f}")

    clf_sess = session(clf_path)
    ort_te = ort_run_rows(clf_sess, "input", X_te)
    clf_maxdiff = float(np.max(np.abs(ort_te - np_forward(X_te, cW, cb))))
    ort_test_acc = float(np.mean(ort_te.argmax(1) == y_te))
    print(f"  onnxruntime vs numpy on test set: max |diff| {clf_maxdiff:.2e}, "
          f"onnxruntime test acc {ort_test_acc:.4f}")
    assert clf_maxdiff < 1e-4 and ort_test_acc == test_acc

    # ---- 2. generators: per class PCA -> whiten -> ReLU MLP decoder (codes -> image) -> Clip
    rng = np.random.default_rng(SEED)
    gens = []
    for c in range(10):
        Xc = X[y == c]                              # all images of class c (train + test)
        pca = PCA(n_components=LATENT, whiten=True, random_state=SEED).fit(Xc)
        codes = pca.transform(Xc)                   # whitened: mean 0, covariance I
        Z = np.repeat(codes, AUG_COPIES, axis=0)
        Z = Z + AUG_SIGMA * rng.standard_normal(Z.shape)
        T = np.repeat(Xc, AUG_COPIES, axis=0)
        dec = MLPRegressor(hidden_layer_sizes=GEN_HIDDEN, activation="relu", solver="adam",
                           alpha=1e-4, learning_rate_init=1e-3, max_iter=300,
                           random_state=SEED + c)
        dec.fit(np.vstack([codes, Z]), np.vstack([Xc, T]))
        gW, gb = sk_layers(dec)
        path = os.path.join(OUT, f"generator_{c}.onnx")
        mlp_to_onnx(path, gW, gb, "noise", "image", f"digits_generator_{c}", clip01=True)
        gens.append((gW, gb, path))
        recon = np.clip(dec.predict(codes), 0, 1)
        print(f"generator {c}: {len(Xc)} images, PCA var explained "
              f"{pca.explained_variance_ratio_.sum():.3f}, recon MSE {np.mean((recon - Xc) ** 2):.4f}")

    # ---- 3. global correctness with onnxruntime on the exported files
    check_rng = np.random.default_rng(12345)
    correctness, gen_maxdiff = {}, 0.0
    for c, (gW, gb, path) in enumerate(gens):
        z = check_rng.standard_normal((N_CHECK, LATENT)).astype(np.float32)
        g_sess = session(path)
        imgs = ort_run_rows(g_sess, "noise", z)
        gen_maxdiff = max(gen_maxdiff, float(np.max(np.abs(imgs - np_forward(z, gW, gb, True)))))
        logits = ort_run_rows(clf_sess, "input", imgs)
        pred = logits.argmax(1)
        np_pred = np_forward(np_forward(z, gW, gb, True), cW, cb).argmax(1)
        agree = float(np.mean(pred == np_pred))
        correctness[c] = float(np.mean(pred == c))
        wrong = np.bincount(pred[pred != c], minlength=10)
        print(f"class {c}: correct {correctness[c]:.4f} ({int(np.sum(pred == c))}/{N_CHECK}); "
              f"misclassified as {dict((k, int(v)) for k, v in enumerate(wrong) if v)}; "
              f"ort/numpy label agreement {agree:.4f}")
    print(f"generators: onnxruntime vs numpy max |diff| {gen_maxdiff:.2e}")
    assert gen_maxdiff < 1e-4
    print(f"mean correctness {np.mean(list(correctness.values())):.4f}, "
          f"min {min(correctness.values()):.4f}")

    # ---- 4. samples.png: rows = classes, 10 samples each, dark digits on white, 8x upscale
    S, GAP, K = 8, 2, 10
    grid = np.full((10 * (8 * S + GAP) + GAP, K * (8 * S + GAP) + GAP), 128, dtype=np.uint8)
    pic_rng = np.random.default_rng(7)
    for c, (gW, gb, _) in enumerate(gens):
        z = pic_rng.standard_normal((K, LATENT)).astype(np.float32)
        imgs = np_forward(z, gW, gb, True).reshape(K, 8, 8)
        for k in range(K):
            tile = np.kron(1.0 - imgs[k], np.ones((S, S)))
            r0, c0 = GAP + c * (8 * S + GAP), GAP + k * (8 * S + GAP)
            grid[r0:r0 + 8 * S, c0:c0 + 8 * S] = np.round(255 * tile).astype(np.uint8)
    Image.fromarray(grid, mode="L").save(os.path.join(OUT, "samples.png"))

    # ---- metrics.json
    files = ["classifier.onnx"] + [f"generator_{c}.onnx" for c in range(10)] + ["samples.png"]
    sizes = {f: os.path.getsize(os.path.join(OUT, f)) for f in files}
    metrics = {
        "data": {"source": "sklearn.datasets.load_digits", "n_images": int(len(X)),
                 "n_train": int(len(X_tr)), "n_test": int(len(X_te)),
                 "split": "train_test_split(test_size=0.25, stratify=y, random_state=0)",
                 "scaling": "raw / 16 -> [0, 1]"},
        "classifier": {"architecture": [64, *CLF_HIDDEN, 10], "activation": "relu",
                       "train_accuracy": train_acc, "test_accuracy": test_acc,
                       "onnxruntime_vs_numpy_max_abs_diff": clf_maxdiff},
        "generators": {"latent_dim": LATENT, "architecture": [LATENT, *GEN_HIDDEN, 64],
                       "activation": "relu", "output": "Clip(0, 1)",
                       "onnxruntime_vs_numpy_max_abs_diff": gen_maxdiff},
        "global_correctness": {"samples_per_class": N_CHECK, "noise": "N(0, I_6)",
                               "seed": 12345,
                               "per_class": {str(c): v for c, v in correctness.items()}},
        "file_sizes_bytes": sizes,
    }
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    for f_, s in sizes.items():
        print(f"  {f_}: {s} bytes")
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
