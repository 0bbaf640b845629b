#!/usr/bin/env python3
"""onnxruntime's throughput on the work of `verify correctness`: for every class c of an
experiment JSON, N standard normal noises through generator_c.onnx (or through the
`conditional_generator` with the one-hot vector of c after or before the noise, as the
experiment's `one_hot` says), then the classifier, and the argmax compared with c. Single-threaded (intra_op_num_threads = inter_op_num_threads = 1),
batches of 2048 as in `verify correctness`. The noise is numpy's (not the tool's counter-based
generator), so the counts differ slightly from the tool's; the point is the wall time of the
same forward passes through the same files.

    /work/venv-torch/bin/python Benchmarks/peers/onnxruntime_correctness.py \
        examples/mnist/experiment_large_simple.json --samples 10000 [--repeats 3]

Prints one line per repeat: seconds, samples/s, CPU seconds of the loop and the correct count;
the minimum last.
"""
import argparse, json, os, time

import numpy as np
import onnx
import onnxruntime as ort


def session(path):
    """A single-threaded session whose first input and output dimension is a free batch size
    (the files fix it to 1)."""
    model = onnx.load(path)
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) > 0:
            dims[0].dim_param = "batch"
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_once(classifier, generators, samples, batch, one_hot=None):
    """`generators`: class -> session; `one_hot`: (class count, "after" or "before") when the
    sessions are one conditional generator whose input ends (or starts) with the class's
    one-hot vector."""
    correct = 0
    started, cpu = time.perf_counter(), time.process_time()
    for c, generator in generators.items():
        g_in = generator.get_inputs()[0]
        c_in = classifier.get_inputs()[0].name
        dimension = int(np.prod([d for d in g_in.shape[1:] if isinstance(d, int)]))
        if one_hot is not None:
            dimension -= one_hot[0]
            code = np.zeros((batch, one_hot[0]), dtype=np.float32)
            code[:, c] = 1
        rng = np.random.default_rng(c)
        for start in range(0, samples, batch):
            n = min(batch, samples - start)
            noise = rng.standard_normal((n, dimension), dtype=np.float32)
            if one_hot is not None:
                parts = (noise, code[:n]) if one_hot[1] == "after" else (code[:n], noise)
                noise = np.concatenate(parts, axis=1)
            images = generator.run(None, {g_in.name: noise})[0]
            logits = classifier.run(None, {c_in: images.reshape(n, -1)})[0]
            correct += int((logits.argmax(axis=1) == c).sum())
    return time.perf_counter() - started, time.process_time() - cpu, correct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("experiment")
    parser.add_argument("--samples", type=int, default=10000, help="samples per class")
    parser.add_argument("--batch", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = os.path.dirname(os.path.abspath(args.experiment))
    experiment = json.load(open(args.experiment))
    classifier = session(os.path.join(root, experiment["classifier"]))
    one_hot = None
    if "conditional_generator" in experiment:
        spec = experiment["conditional_generator"]
        spec = {"file": spec} if isinstance(spec, str) else spec
        conditional = session(os.path.join(root, spec["file"]))
        count = spec.get("classes") or int(classifier.get_outputs()[0].shape[-1])
        one_hot = (count, spec.get("one_hot", "after"))
        generators = {c: conditional for c in range(count)}
    else:
        generators = {int(c): session(os.path.join(root, p)) for c, p in experiment["generators"].items()}
    total = args.samples * len(generators)
    times = []
    for repeat in range(args.repeats):
        seconds, cpu, correct = run_once(classifier, generators, args.samples, args.batch, one_hot)
        times.append(seconds)
        print(f"onnxruntime 1 thread: {total} samples in {seconds:.3f} s ({total / seconds:.0f} samples/s), "
              f"{cpu:.3f} s CPU, {correct} correct")
    print(f"min over {args.repeats}: {min(times):.3f} s ({total / min(times):.0f} samples/s)")


if __name__ == "__main__":
    main()
