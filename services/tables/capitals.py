"""Capitals the recogniser read small, put back from the column's own habit.

"c o s v w x z" differ from their capitals only in size. In a blurred photo the glyph
heights that services.ocr.letter_case measures no longer tell them apart, and the reading
comes out as "shipped" or "chicago". A column whose cells start with a capital nearly
always (a status, a city, a name column) gives such a cell its capital back. Only these
letters, only a first word of three letters or more, and only when the rest of the word
is small: a word whose first letter has a shape of its own was read as written.
"""
from __future__ import annotations

from services.ocr.letter_case import SAME_SHAPE

_MIN_CAPITALISED = 3  # cells starting with a capital a column needs before it has a habit
_HABIT = 4            # at least this many capitalised cells per small-lettered one


def settle_capitals(texts: list[str]) -> list[str]:
    """``texts`` of one column, with a first small letter raised where the column's cells
    start with a capital."""
    starts = [t.lstrip()[:1] for t in texts]
    upper = sum(s.isalpha() and s.isupper() for s in starts)
    lower = sum(s.isalpha() and s.islower() for s in starts)
    if upper < _MIN_CAPITALISED or upper < _HABIT * lower:
        return texts
    return [_raised(t) for t in texts]


def _raised(text: str) -> str:
    body = text.lstrip()
    first = body.split()[0] if body else ""
    if len(first) < 3 or first[0] not in SAME_SHAPE or not (first.isalpha() and first.islower()):
        return text
    return text[:len(text) - len(body)] + body[0].upper() + body[1:]
