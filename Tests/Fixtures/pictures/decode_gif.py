#!/usr/bin/env python3
"""Independent GIF decoder (standard library only) used as a test oracle.

Usage: decode_gif.py FILE [--pillow]
Prints a first line "frames N delay D loop L" (L = loop count, or -1 without a NETSCAPE2.0
extension), then per frame a line "width height 3" and a line of RGB samples (row-major).
Exits 1 on any format error (bad header, bad block, LZW code out of range, wrong pixel
count, missing trailer). With --pillow, decodes frames with Pillow (exit 3 when missing).
"""
import sys


def fail(message):
    print("decode_gif.py: " + message, file=sys.stderr)
    sys.exit(1)


def sub_blocks(data, pos):
    out = bytearray()
    while True:
        if pos >= len(data):
            fail("truncated sub-blocks")
        size = data[pos]
        pos += 1
        if size == 0:
            return bytes(out), pos
        out += data[pos:pos + size]
        pos += size


def lzw_decode(data, min_size, count):
    clear = 1 << min_size
    end = clear + 1
    size = min_size + 1
    table = [[i] for i in range(clear)] + [None, None]
    prev = None
    out = []
    bitpos = 0
    total_bits = len(data) * 8
    while True:
        if bitpos + size > total_bits:
            fail("LZW data ended without an end code")
        code = 0
        for i in range(size):
            byte = data[(bitpos + i) >> 3]
            code |= ((byte >> ((bitpos + i) & 7)) & 1) << i
        bitpos += size
        if code == clear:
            size = min_size + 1
            table = [[i] for i in range(clear)] + [None, None]
            prev = None
            continue
        if code == end:
            break
        if prev is None:
            if code >= clear:
                fail("first code after clear is %d" % code)
            entry = table[code]
        elif code < len(table) and table[code] is not None:
            entry = table[code]
            if len(table) < 4096:
                table.append(prev + [entry[0]])
        elif code == len(table) and len(table) < 4096:
            entry = prev + [prev[0]]
            table.append(entry)
        else:
            fail("LZW code %d out of range (table %d)" % (code, len(table)))
        out.extend(entry)
        prev = entry
        if len(table) == (1 << size) and size < 12:
            size += 1
    if len(out) != count:
        fail("decoded %d pixels, expected %d" % (len(out), count))
    return out


def decode(data):
    if data[:6] != b"GIF89a":
        fail("bad header")
    width = data[6] | data[7] << 8
    height = data[8] | data[9] << 8
    flags = data[10]
    pos = 13
    palette = []
    if flags & 0x80:
        n = 2 << (flags & 7)
        palette = [tuple(data[pos + 3 * i:pos + 3 * i + 3]) for i in range(n)]
        pos += 3 * n
    frames = []
    delays = []
    loop = -1
    while True:
        if pos >= len(data):
            fail("missing trailer")
        marker = data[pos]
        pos += 1
        if marker == 0x3B:
            break
        if marker == 0x21:
            label = data[pos]
            pos += 1
            body, pos = sub_blocks(data, pos)
            if label == 0xFF and body[:11] == b"NETSCAPE2.0":
                loop = body[12] | body[13] << 8
            elif label == 0xF9:
                delays.append(body[1] | body[2] << 8)
        elif marker == 0x2C:
            left = data[pos] | data[pos + 1] << 8
            top = data[pos + 2] | data[pos + 3] << 8
            w = data[pos + 4] | data[pos + 5] << 8
            h = data[pos + 6] | data[pos + 7] << 8
            packed = data[pos + 8]
            pos += 9
            if packed & 0x80 or packed & 0x40:
                fail("local palettes and interlacing are not expected")
            if left or top or w > width or h > height:
                fail("frame outside the screen")
            min_size = data[pos]
            pos += 1
            body, pos = sub_blocks(data, pos)
            indices = lzw_decode(body, min_size, w * h)
            pixels = []
            for index in indices:
                if index >= len(palette):
                    fail("index %d beyond palette" % index)
                pixels.extend(palette[index])
            frames.append((w, h, pixels))
        else:
            fail("unknown block 0x%02x at %d" % (marker, pos - 1))
    if pos != len(data):
        fail("bytes after the trailer")
    return frames, delays, loop


def main():
    path = sys.argv[1]
    if "--pillow" in sys.argv[2:]:
        try:
            from PIL import Image, ImageSequence
        except ImportError:
            print("Pillow not installed", file=sys.stderr)
            sys.exit(3)
        image = Image.open(path)
        frames = []
        for frame in ImageSequence.Iterator(image):
            rgb = frame.convert("RGB")
            flat = list(rgb.tobytes())
            frames.append((rgb.width, rgb.height, flat))
        print("frames %d delay %d loop %d" % (len(frames), image.info.get("duration", 0) // 10, image.info.get("loop", -1)))
    else:
        with open(path, "rb") as handle:
            frames, delays, loop = decode(handle.read())
        print("frames %d delay %d loop %d" % (len(frames), delays[0] if delays else -1, loop))
    for w, h, pixels in frames:
        print(w, h, 3)
        print(" ".join(str(p) for p in pixels))


if __name__ == "__main__":
    main()
