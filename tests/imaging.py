"""Table images rendered for tests and benchmarks, with the grid they show."""
from __future__ import annotations

import io
import uuid

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

SALES = [
    ["Region", "Revenue", "Growth", "Date"],
    ["North", "1,234.50", "12.5%", "2024-01-15"],
    ["South", "(987.00)", "-3.2%", "2024-02-01"],
    ["East", "45,000", "0.8%", "2024-03-31"],
    ["West Coast", "12", "100%", "2024-12-31"],
]


def render_table(rows: list[list[str]], *, bordered: bool = True, size: tuple[int, int] = (1200, 600),
                 font_size: int = 20, origin: tuple[int, int] = (60, 60), row_height: int = 46,
                 padding: int = 14, right_align_numbers: bool = True) -> Image.Image:
    font = ImageFont.truetype(FONT, font_size)
    bold = ImageFont.truetype(BOLD, font_size)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    widths = [max(draw.textlength(row[c], font=bold) for row in rows) + 2 * padding + 40 for c in range(len(rows[0]))]
    x0, y0 = origin
    for r, row in enumerate(rows):
        x = x0
        for c, text in enumerate(row):
            face = bold if r == 0 else font
            w = draw.textlength(text, font=face)
            numeric = right_align_numbers and r > 0 and text[:1] in "0123456789(-$"
            tx = x + widths[c] - padding - w if numeric else x + padding
            draw.text((tx, y0 + r * row_height + (row_height - font_size) // 2 - 2), text, fill="black", font=face)
            x += widths[c]
    if bordered:
        right = x0 + sum(widths)
        bottom = y0 + len(rows) * row_height
        for r in range(len(rows) + 1):
            draw.line([(x0, y0 + r * row_height), (right, y0 + r * row_height)], fill="black", width=1)
        x = x0
        for c in range(len(widths) + 1):
            draw.line([(x, y0), (x, bottom)], fill="black", width=1)
            if c < len(widths):
                x += widths[c]
    return image


def png_bytes(image: Image.Image, fmt: str = "PNG", unique: bool = True) -> bytes:
    """Encoded image bytes. ``unique`` adds a random text chunk, so the bytes (and the result
    cache key) differ on every call while the pixels stay the same."""
    buffer = io.BytesIO()
    if fmt == "PNG" and unique:
        info = PngImagePlugin.PngInfo()
        info.add_text("nonce", uuid.uuid4().hex)
        image.save(buffer, format=fmt, pnginfo=info)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()
