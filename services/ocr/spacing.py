"""Word spaces the recogniser left out, put back from the picture.

PP-OCR's recogniser often drops the space between two words of one detected line
("WestCoast", "EastAsia"), most of all in small screenshot text. Its character boxes are
placed from CTC frame positions and are coarse, so the decision is made on the pixels: a
blank stretch between the centres of two letters that is several times wider than the
line's usual gap between letters, and wide for the text height, is a space; and the two
letters' centres must stand further apart than the line's usual character pitch, which keeps
the wide side bearings of "r" or "l" in monospaced text from passing for spaces. Between any
two characters, a blank of half the line's height is a gap no glyph has: two cells the
detector read as one line ("(59.99)59563").
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

_MIN_INK_CONTRAST = 20    # grey levels between ink and the line's background, at least...
_INK_SHARE = 0.4          # ...and this share of the line's strongest contrast
_MIN_SPACE_PITCH = 1.3     # centres of the letters around a space: this many character pitches apart
_MIN_NAME_SPACE_PITCH = 1.8  # ...or, between a small letter and a capital, this many on their own


class _Blank(NamedTuple):
    """The narrowest blank run that makes a space: this share of the line's height and this
    many times the line's median blank run between letters."""

    heights: float
    gaps: float

    def run(self, height: int, typical: float) -> float:
        return max(self.heights * height, self.gaps * typical)


_CELL_GAP = _Blank(0.5, 4.0)       # between any two characters: two cells read as one line
_WORD_SPACE = _Blank(0.22, 2.2)    # between two letters, with the pitch test
# Between a small letter and a capital ("VictorWeber") less blank makes a space: camel case
# inside one word ("McDonald", "iPhone") keeps the letters as close as any other pair.
_NAME_SPACE = _Blank(0.17, 2.5)
_FIGURE_SPACE = _Blank(0.3, 2.2)   # beside a digit or bracket
_ONE_SPACE = _Blank(0.4, 3.0)      # beside a "1", whose side bearings are wide
_CLOSER_SPACE = _Blank(0.2, 2.5)   # after ")" or "%", which end a word
_OPENERS, _CLOSERS = "(+", ")%"


def ink_mask(gray: np.ndarray, box: tuple[float, float, float, float]) -> tuple[np.ndarray, int]:
    """Which pixels of the line's box hold ink, with the box's left x. Ink is measured against
    the contrast of the box's middle rows, so faint or blurred text counts."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, y0 = max(0, x0), max(0, y0)
    crop = gray[y0:max(y0 + 1, y1), x0:max(x0 + 1, x1)].astype(np.int16)
    deviation = np.abs(crop - np.median(crop))
    core = _middle_rows(deviation)
    if core.size == 0:
        return np.ones(crop.shape, dtype=bool), x0
    threshold = max(_MIN_INK_CONTRAST, _INK_SHARE * float(np.percentile(core, 99)))
    return deviation > threshold, x0


def ink_columns(mask: np.ndarray) -> np.ndarray:
    """Per column of a line's ink mask, whether its middle rows hold ink."""
    core = _middle_rows(mask)
    return core.any(axis=0) if core.size else np.ones(mask.shape[1], dtype=bool)


def _middle_rows(a: np.ndarray) -> np.ndarray:
    """A line box's middle rows, 15% to 85% of its height."""
    height = a.shape[0]
    return a[int(height * 0.15):int(height * 0.85) + 1]


def longest_blank_run(ink: np.ndarray) -> int:
    best = current = 0
    for has_ink in ink:
        current = 0 if has_ink else current + 1
        best = max(best, current)
    return best


def missing_space_positions(chars: list[str], centres: list[float], ink: np.ndarray, left: int,
                            height: int) -> list[int]:
    """Indices ``i`` such that a space belongs between ``chars[i]`` and ``chars[i + 1]``."""
    runs = []
    for i in range(len(chars) - 1):
        a, b = int(centres[i]) - left, int(centres[i + 1]) - left
        runs.append(longest_blank_run(ink[max(0, a):max(0, b) + 1]) if b > a else 0)
    letter_runs = [run for i, run in enumerate(runs) if chars[i].isalnum() and chars[i + 1].isalnum()]
    if len(letter_runs) < 3:
        return []
    typical = max(1.0, float(np.median(letter_runs)))
    wide = {i for i, run in enumerate(runs) if run >= _CELL_GAP.run(height, typical)
            and not chars[i].isspace() and not chars[i + 1].isspace()}
    pitch = float(np.median(np.diff(centres)))
    words = {i for i, run in enumerate(runs)
             if chars[i].isalpha() and chars[i + 1].isalpha() and run >= _WORD_SPACE.run(height, typical)
             and centres[i + 1] - centres[i] >= _MIN_SPACE_PITCH * pitch}
    names = {i for i, run in enumerate(runs)
             if chars[i].islower() and chars[i + 1].isupper()
             and (run >= _NAME_SPACE.run(height, typical)
                  or centres[i + 1] - centres[i] >= _MIN_NAME_SPACE_PITCH * pitch)}
    figures = {i for i, run in enumerate(runs)
               if _figure_pair(chars[i], chars[i + 1])
               and run >= _figure_blank(chars[i] + chars[i + 1]).run(height, typical)}
    return sorted(wide | words | names | figures)


def _figure_pair(left: str, right: str) -> bool:
    """Two characters, at least one of them a digit or bracket, that a word space may part:
    "+44 20", "EUR 278", "(204) 507", "15% 89538". Never around a decimal or group mark, "-" or "/"."""
    if left.isalpha() and right.isalpha():
        return False
    return (left.isalnum() or left in _CLOSERS) and (right.isalnum() or right in _OPENERS)


def _figure_blank(pair: str) -> _Blank:
    if pair[0] in _CLOSERS:
        return _CLOSER_SPACE
    return _ONE_SPACE if "1" in pair else _FIGURE_SPACE
