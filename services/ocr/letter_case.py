"""Capitals the recogniser read as small letters, put back from the glyphs' heights.

"c o s v w x z" look the same in both cases except for size, and PP-OCR's recogniser often
answers the small one for a capital that starts a word ("olsen", "closed"). A capital is as
tall as the letters with ascenders, a small letter as tall as the x-height, about 0.75 of
that. So a word that starts with one of these letters and goes on in small letters gets its
capital back when the first glyph stands clearly taller than the word's other x-height
letters, measured as connected blobs of ink.
"""
from __future__ import annotations

import cv2
import numpy as np

SAME_SHAPE = frozenset("cosvwxz")  # small letters shaped like their capitals
_X_HEIGHT = set("acemnorsuvwxz")  # small letters without ascender or descender
_MIN_RATIO, _MAX_RATIO = 1.22, 1.6  # first glyph's height over the x-height: a capital
_MAX_GLYPH_PITCHES = 2.0  # a blob wider than this is glyphs run together; not measured


def restore_capitals(chars: list[str], centres: list[float], ink: np.ndarray, left: int) -> list[str]:
    """``chars`` of one line with the capitals that start its words put back. ``centres`` are
    the characters' x centres in the picture, ``ink`` the line box's ink mask (rows x columns)
    whose first column is at x = ``left``."""
    if sum(not c.isspace() for c in chars) < 3:
        return chars
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    pitch = float(np.median(np.diff([x for c, x in zip(chars, centres) if not c.isspace()])))

    def glyph_height(i: int) -> int | None:
        x = int(round(centres[i])) - left
        if not 0 <= x < ink.shape[1]:
            return None
        blobs = set(labels[:, x].tolist()) - {0}
        if not blobs:
            return None
        k = max(blobs, key=lambda b: stats[b, cv2.CC_STAT_AREA])
        if stats[k, cv2.CC_STAT_WIDTH] > _MAX_GLYPH_PITCHES * pitch:
            return None
        return int(stats[k, cv2.CC_STAT_HEIGHT])

    out = list(chars)
    for start in range(len(chars)):
        if chars[start] not in SAME_SHAPE or (start and not chars[start - 1].isspace()):
            continue
        end = start
        while end < len(chars) and not chars[end].isspace():
            end += 1
        word = chars[start:end]
        if len(word) < 3 or not "".join(word[1:]).isalpha() or not "".join(word[1:]).islower():
            continue
        first = glyph_height(start)
        rest = [h for h in (glyph_height(i) for i in range(start + 1, end) if chars[i] in _X_HEIGHT) if h]
        if first and len(rest) >= 2 and _MIN_RATIO <= first / float(np.median(rest)) <= _MAX_RATIO:
            out[start] = chars[start].upper()
    return out
