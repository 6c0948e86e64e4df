"""Capitals read as small letters, put back from the heights of the glyphs."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from services.ocr.letter_case import restore_capitals

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def rendered(text: str, size: int = 18) -> tuple[np.ndarray, list[float]]:
    """Ink mask of ``text`` drawn at ``size`` px and each character's x centre."""
    font = ImageFont.truetype(FONT, size)
    image = Image.new("L", (int(font.getlength(text)) + 10, size * 2), 255)
    ImageDraw.Draw(image).text((5, size // 3), text, font=font, fill=0)
    centres = [5 + (font.getlength(text[:i]) + font.getlength(text[:i + 1])) / 2
               for i in range(len(text))]
    return np.asarray(image) < 128, centres


def test_a_capital_read_small_is_put_back():
    for truth, read in (("Kofi Olsen", "Kofi olsen"), ("Closed", "closed"),
                        ("Victor Young", "victor Young"), ("West", "west")):
        ink, centres = rendered(truth)
        assert "".join(restore_capitals(list(read), centres, ink, 0)) == truth


def test_small_letters_stay_small():
    for text in ("review of site", "week scheduled", "contract ordered", "was seen"):
        ink, centres = rendered(text)
        assert "".join(restore_capitals(list(text), centres, ink, 0)) == text
