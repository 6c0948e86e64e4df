"""Words RapidOCR's detector found twice are kept once."""
from __future__ import annotations

from services.model import Word
from services.ocr.rapid import _drop_echoes


def test_a_glyph_read_again_inside_a_wider_word_is_dropped():
    number = Word("558,095", (230, 252, 305, 276), 0.98)
    echo = Word("5", (299, 250, 307, 279), 0.74)
    status = Word("Open", (330, 252, 380, 276), 0.99)
    assert _drop_echoes([echo, number, status]) == [number, status]


def test_the_same_text_elsewhere_is_kept():
    number = Word("558,095", (230, 252, 305, 276), 0.98)
    five = Word("5", (400, 252, 410, 276), 0.9)
    assert _drop_echoes([number, five]) == [number, five]
