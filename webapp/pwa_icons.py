"""The app's icons as PNG files, drawn from the shapes of webapp/static/icon.svg.

The icon is a rounded green square with three gold bars (a stack of coins), so it is drawn here
with exact pixel coverage and written with zlib and struct: no imaging library is needed and the
files come out byte for byte the same on every machine. `python -m webapp.pwa_icons` writes them
into webapp/static/icons/; a test checks the committed files are what this module draws.

Maskable icons fill the whole square (the launcher cuts its own shape); the bars sit well inside
the safe zone (their farthest corner is 35 % of the width from the centre; the zone is 40 %).
"""

import struct
import zlib
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parent / "static" / "icons"
GREEN = (0x0F, 0x6B, 0x4F)
GOLD = (0xF5, 0xC5, 0x42)
VIEWBOX = 64
CORNER = 14  # rx of the rounded square, in viewBox units
BARS = ((16, 40, 32, 8), (20, 28, 24, 8), (24, 16, 16, 8))  # x, y, width, height
SUBSAMPLES = 8

# file name -> (size in pixels, rounded corners?)
ICONS = {
    "icon-192.png": (192, True),
    "icon-512.png": (512, True),
    "maskable-192.png": (192, False),
    "maskable-512.png": (512, False),
    "apple-touch-icon.png": (180, False),
}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _bar_coverage(px: int, py: int, scale: float) -> float:
    """How much of pixel (px, py) the bars cover: exact, they are axis-aligned rectangles."""
    total = 0.0
    for x, y, w, h in BARS:
        total += (_overlap(px, px + 1, x * scale, (x + w) * scale)
                  * _overlap(py, py + 1, y * scale, (y + h) * scale))
    return min(total, 1.0)


def _square_coverage(px: int, py: int, size: int, radius: float) -> float:
    """How much of pixel (px, py) the rounded square covers; corners are sampled."""
    near_x = px < radius or px + 1 > size - radius
    near_y = py < radius or py + 1 > size - radius
    if not (near_x and near_y):
        return 1.0
    cx = radius if px < radius else size - radius
    cy = radius if py < radius else size - radius
    inside = 0
    for i in range(SUBSAMPLES):
        for j in range(SUBSAMPLES):
            sx = px + (i + 0.5) / SUBSAMPLES
            sy = py + (j + 0.5) / SUBSAMPLES
            dx = sx - cx if (sx < radius or sx > size - radius) else 0.0
            dy = sy - cy if (sy < radius or sy > size - radius) else 0.0
            inside += dx * dx + dy * dy <= radius * radius
    return inside / (SUBSAMPLES * SUBSAMPLES)


def draw(size: int, rounded: bool) -> bytes:
    """The icon as RGBA rows, each preceded by PNG filter byte 0."""
    scale = size / VIEWBOX
    radius = CORNER * scale if rounded else 0.0
    rows = bytearray()
    for py in range(size):
        rows.append(0)
        for px in range(size):
            alpha = _square_coverage(px, py, size, radius) if rounded else 1.0
            gold = _bar_coverage(px, py, scale)
            rgb = (round(g * (1 - gold) + y * gold) for g, y in zip(GREEN, GOLD, strict=True))
            rows.extend((*rgb, round(alpha * 255)))
    return bytes(rows)


def png(size: int, rounded: bool) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(draw(size, rounded), 9)) + chunk(b"IEND", b""))


def write_all(directory: Path = ICON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (size, rounded) in ICONS.items():
        path = directory / name
        path.write_bytes(png(size, rounded))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path, written_path.stat().st_size, "bytes")
