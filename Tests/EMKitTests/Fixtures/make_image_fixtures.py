#!/usr/bin/env python3
"""Writes the small image fixtures of the imaging tests: the same 12x8 picture as PNG in several
encodings (palette, grey, grey+alpha, RGBA, 16-bit, Adam7-interlaced) and as baseline and
progressive JPEG, plus image_fixtures.json with the exact RGB pixels each PNG must decode to.

Run from the repository root: python3 Tests/EMKitTests/Fixtures/make_image_fixtures.py
It uses the fixtures' virtual environment (.venv-fixtures, made by make_gmm_fixtures.py) and
installs Pillow there.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

import fixture_venv  # noqa: E402

fixture_venv.ensure(["pillow==11.3.0"], __file__)

from PIL import Image  # noqa: E402

W, H = 12, 8
pixels = []
for y in range(H):
    for x in range(W):
        pixels.append(((x * 21) % 256, (y * 31) % 256, ((x + y) * 13) % 256))
rgb = Image.new("RGB", (W, H))
rgb.putdata(pixels)
out = os.path.join(HERE, "images")
os.makedirs(out, exist_ok=True)

expected = {}
rgb.save(os.path.join(out, "rgb.png"))
expected["rgb.png"] = [c for p in pixels for c in p]
grey = rgb.convert("L")
grey.save(os.path.join(out, "grey.png"))
expected["grey.png"] = [v for v in grey.getdata() for _ in range(3)]
palette = rgb.quantize(colors=16)
palette.save(os.path.join(out, "palette.png"))
expected["palette.png"] = [c for p in palette.convert("RGB").getdata() for c in p]
rgba = rgb.copy()
rgba.putalpha(255)
rgba.save(os.path.join(out, "rgba.png"))
expected["rgba.png"] = expected["rgb.png"]
# 16 bits per channel: each 8-bit value v stored as v * 257, which decodes back to v.
import struct, zlib  # noqa: E402
raw = b"".join(b"\x00" + b"".join(struct.pack(">HHH", *(c * 257 for c in pixels[y * W + x])) for x in range(W)) for y in range(H))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
with open(os.path.join(out, "rgb16.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 16, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
expected["rgb16.png"] = expected["rgb.png"]
# Adam7 interlacing, written by hand (Pillow does not write interlaced PNG): seven passes, each a
# sub-image of the pixels at (x0 + i·dx, y0 + j·dy), rows with filter type 0.
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
raw = b""
for x0, y0, dx, dy in passes:
    xs = list(range(x0, W, dx))
    if not xs:
        continue
    for y in range(y0, H, dy):
        raw += b"\x00" + bytes(c for x in xs for c in pixels[y * W + x])
with open(os.path.join(out, "interlaced.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 1)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
expected["interlaced.png"] = expected["rgb.png"]
rgb.save(os.path.join(out, "baseline.jpg"), quality=95)
rgb.save(os.path.join(out, "progressive.jpg"), quality=95, progressive=True)
with open(os.path.join(out, "baseline.jpg"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.jpg"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(out, "rgb.png"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.png"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(HERE, "image_fixtures.json"), "w") as f:
    json.dump({"width": W, "height": H, "pixels": expected, "jpegReference": expected["rgb.png"]}, f)
print("wrote", sorted(os.listdir(out)))
