#!/usr/bin/env python3
"""Independent PNG decoder (standard library only) used as a test oracle.

Usage: decode_png.py FILE... [--pillow]
Prints, per file, one line "width height channels" followed by one line of space-separated
decimal samples (row-major, interleaved). Exits 1 with a message on any format error: bad
signature, bad chunk CRC, missing IHDR/IDAT/IEND, unsupported colour type or bit depth,
zlib error (zlib itself checks the Adler-32), wrong decompressed length, bad filter type.
With --pillow, decodes with Pillow instead (exit 3 when Pillow is not installed).
"""
import struct
import sys
import zlib


def fail(message):
    print("decode_png.py: " + message, file=sys.stderr)
    sys.exit(1)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    if pb <= pc:
        return b
    return c


def decode(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("bad signature")
    pos = 8
    header = None
    idat = b""
    seen_end = False
    while pos < len(data):
        if pos + 8 > len(data):
            fail("truncated chunk header at %d" % pos)
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            fail("truncated chunk %r" % kind)
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            fail("CRC mismatch in chunk %r" % kind)
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            seen_end = True
            break
    if header is None or not idat or not seen_end:
        fail("missing IHDR, IDAT or IEND")
    if pos != len(data):
        fail("bytes after IEND")
    width, height, depth, colour, compression, filtering, interlace = header
    if depth != 8 or colour not in (0, 2) or compression or filtering or interlace:
        fail("unsupported header %r" % (header,))
    channels = 1 if colour == 0 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    if len(raw) != height * (stride + 1):
        fail("decompressed %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    pixels = []
    above = [0] * stride
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = list(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = above[i]
            c = above[i - channels] if i >= channels else 0
            if kind == 0:
                pred = 0
            elif kind == 1:
                pred = a
            elif kind == 2:
                pred = b
            elif kind == 3:
                pred = (a + b) // 2
            elif kind == 4:
                pred = paeth(a, b, c)
            else:
                fail("bad filter type %d in row %d" % (kind, y))
            line[i] = (line[i] + pred) & 0xFF
        pixels.extend(line)
        above = line
    return width, height, channels, pixels


def decode_pillow(path):
    try:
        from PIL import Image
    except ImportError:
        print("Pillow not installed", file=sys.stderr)
        sys.exit(3)
    image = Image.open(path)
    image.load()
    mode = image.mode
    if mode not in ("L", "RGB"):
        fail("Pillow mode %s" % mode)
    channels = 1 if mode == "L" else 3
    return image.width, image.height, channels, list(image.tobytes())


def main():
    files = [a for a in sys.argv[1:] if a != "--pillow"]
    if not files:
        fail("usage: decode_png.py FILE... [--pillow]")
    for path in files:
        if "--pillow" in sys.argv[1:]:
            width, height, channels, pixels = decode_pillow(path)
        else:
            with open(path, "rb") as handle:
                try:
                    width, height, channels, pixels = decode(handle.read())
                except SystemExit:
                    print("decode_png.py: in " + path, file=sys.stderr)
                    raise
        print(width, height, channels)
        print(" ".join(str(p) for p in pixels))


if __name__ == "__main__":
    main()
