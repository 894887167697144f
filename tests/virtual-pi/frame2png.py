#!/usr/bin/env python3
"""Draws a display frame given as text art into a PNG, the way the panel would look.

  frame2png.py <frame.txt> <out.png> [scale]

Input: one text row per pixel row; '#', '1', '█' or any non-blank other than '.'/'0' is a lit
pixel. Output: lit pixels light blue on black (an SSD1306), each pixel scale x scale (default 4)
with a one-pixel gap, so it reads like the panel. Only the standard library (zlib) is used.
"""
import struct
import sys
import zlib

ON = (120, 200, 255)
OFF = (8, 10, 16)
BORDER = 8


def read_frame(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n") for line in f if line.strip("\n")]
    width = max(len(r) for r in rows)
    return [[c not in " .0" for c in r.ljust(width)] for r in rows]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(frame, path, scale):
    height, width = len(frame), len(frame[0])
    w, h = width * scale + 2 * BORDER, height * scale + 2 * BORDER
    raw = bytearray()
    for y in range(h):
        raw.append(0)  # no filter
        fy = (y - BORDER) // scale
        for x in range(w):
            fx = (x - BORDER) // scale
            inside = 0 <= fy < height and 0 <= fx < width
            gap = scale > 2 and ((x - BORDER) % scale == scale - 1 or (y - BORDER) % scale == scale - 1)
            raw.extend(ON if inside and frame[fy][fx] and not gap else OFF)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main():
    scale = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    write_png(read_frame(sys.argv[1]), sys.argv[2], scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
