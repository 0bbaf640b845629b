#!/usr/bin/env python3
"""Checks a screenshot of the HTML report: a real PNG, not blank, with the chart colours.

Reads the PNG with the standard library only (zlib + struct; no Pillow), undoing the five
PNG row filters, for 8-bit gray, gray+alpha, RGB, RGBA (what Chromium writes) and palette
images (the committed, quantized screenshot).

usage: png_colours.py SCREENSHOT.png [--min-pixels N] COLOUR...   (COLOUR as #rrggbb)
Exit 0 when the image has at least 5% non-background pixels, at least 3 distinct colours and
at least N pixels (default 40) within a distance of 24 (per channel) of every COLOUR.
"""
import struct
import sys
import zlib


def read_png(path):
    """Returns (width, height, rows) with rows as lists of (r, g, b) tuples."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file (bad signature)")
    offset, idat, header, palette = 8, b"", None, None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        crc = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])[0]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC in chunk %r" % kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG: depth %d colour type %d interlace %d" % (depth, colour, interlace))
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, position = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[position], bytearray(raw[position + 1:position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
            elif kind != 0:
                raise ValueError("bad filter type %d" % kind)
        if colour == 3:
            rows.append([palette[index] for index in line])
        elif channels >= 3:
            rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        else:
            rows.append([(line[x * channels],) * 3 for x in range(width)])
        previous = line
    return width, height, rows


def main(argv):
    args, minimum = [], 40
    i = 1
    while i < len(argv):
        if argv[i] == "--min-pixels":
            minimum = int(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if not args:
        print(__doc__)
        return 2
    width, height, rows = read_png(args[0])
    wanted = [tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for c in args[1:]]
    histogram = {}
    for row in rows:
        for pixel in row:
            histogram[pixel] = histogram.get(pixel, 0) + 1
    total = width * height
    background, count = max(histogram.items(), key=lambda item: item[1])
    problems = []
    if total - count < 0.05 * total:
        problems.append("nearly blank: %d of %d pixels differ from the background %s" % (total - count, total, background))
    if len(histogram) < 3:
        problems.append("only %d distinct colours" % len(histogram))
    for colour, hex_name in zip(wanted, args[1:]):
        near = sum(n for pixel, n in histogram.items() if all(abs(pixel[k] - colour[k]) <= 24 for k in range(3)))
        print("%s: %d pixels" % (hex_name, near))
        if near < minimum:
            problems.append("colour %s: only %d pixels (want >= %d)" % (hex_name, near, minimum))
    print("%dx%d, %d colours, background %s covers %.1f%%" % (width, height, len(histogram), background, 100.0 * count / total))
    for problem in problems:
        print("FAIL: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
