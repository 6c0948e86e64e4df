"""Words RapidOCR's detector found twice or cut in two, put right.

The detector sometimes finds one glyph twice, in its own box and inside its neighbour's
("5" over "558,095"), and cuts a number at its decimal point when monospaced figures set the
point apart ("21" and "28%" for "21.28%"). Both only concern words sharing a line, so words
are looked up by their vertical extent (``_RowIndex``) rather than compared all with all:
a dense spreadsheet screenshot has thousands of words.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import cv2
import numpy as np

from services.model import Word
from services.ocr.spacing import ink_mask

_ECHO_OVERLAP = 0.7  # share of a short word's box inside a longer word's box that makes it an echo
_DOT_TOP, _DOT_SIZE = 0.55, 0.3  # a decimal point: ink below this share of the line, this small


class _RowIndex:
    """Words by the top of their box, to find those whose rows overlap a given word's."""

    def __init__(self, words: list[Word]):
        self._words = sorted(words, key=lambda w: w.bbox[1])
        self._tops = [w.bbox[1] for w in self._words]
        self._tallest = max((w.bbox[3] - w.bbox[1] for w in words), default=0.0)

    def beside(self, word: Word) -> list[Word]:
        lo = bisect_left(self._tops, word.bbox[1] - self._tallest)
        hi = bisect_right(self._tops, word.bbox[3])
        return [w for w in self._words[lo:hi] if w is not word and w.bbox[3] > word.bbox[1]]


def drop_echoes(words: list[Word]) -> list[Word]:
    """``words`` without those that repeat part of a longer word over the same pixels."""
    index = _RowIndex(words)
    return [w for w in words if not any(_echoes(w, other) for other in index.beside(w))]


def _echoes(small: Word, big: Word) -> bool:
    if len(small.text) >= len(big.text) or small.text.casefold() not in big.text.casefold():
        return False
    x0, y0, x1, y1 = small.bbox
    inside_w = min(x1, big.bbox[2]) - max(x0, big.bbox[0])
    inside_h = min(y1, big.bbox[3]) - max(y0, big.bbox[1])
    return inside_w > _ECHO_OVERLAP * (x1 - x0) and inside_h > _ECHO_OVERLAP * (y1 - y0)


def join_split_decimals(words: list[Word], gray: np.ndarray) -> list[Word]:
    """``words`` with numbers cut at their decimal point joined again: digits either side,
    and nothing in the blank between them but a dot at the baseline (``gray`` holds the
    pixels). Not when another word, such as the point read on its own, lies between."""
    index = _RowIndex(words)
    out: list[Word] = []
    slot: dict[int, int] = {}  # id of a word -> where in ``out`` it now is (joined or not)
    for word in sorted(words, key=lambda w: (w.bbox[0], w.bbox[1])):
        beside = index.beside(word)
        lefts = sorted((w for w in beside if id(w) in slot), key=lambda w: -w.bbox[2])
        at = next((slot[id(w)] for w in lefts if _decimal_split(out[slot[id(w)]], word, gray)
                   and not any(_within(o, out[slot[id(w)]].bbox[2], word.bbox[0]) for o in beside)),
                  None)
        if at is None:
            slot[id(word)] = len(out)
            out.append(word)
            continue
        left = out[at]
        out[at] = Word(f"{left.text}.{word.text}", (left.bbox[0], min(left.bbox[1], word.bbox[1]),
                                                    word.bbox[2], max(left.bbox[3], word.bbox[3])),
                       min(left.confidence, word.confidence))
        slot[id(word)] = at
    return out


def _within(word: Word, x0: float, x1: float) -> bool:
    return word.bbox[0] >= x0 - 1 and word.bbox[2] <= x1 + 1


def _decimal_split(left: Word, right: Word, gray: np.ndarray) -> bool:
    if not (left.text[-1:].isdigit() and right.text[:1].isdigit()):
        return False
    y0, y1 = max(left.bbox[1], right.bbox[1]), min(left.bbox[3], right.bbox[3])
    height = max(left.bbox[3] - left.bbox[1], right.bbox[3] - right.bbox[1])
    gap = right.bbox[0] - left.bbox[2]
    if y1 - y0 < 0.7 * height or not 0 < gap <= height:
        return False
    mask, _ = ink_mask(gray, (left.bbox[0], y0, right.bbox[2], y1))
    between = mask[:, int(round(left.bbox[2] - left.bbox[0])):int(round(right.bbox[0] - left.bbox[0]))]
    if between.shape[1] < 3:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(between.astype(np.uint8), connectivity=8)
    # ink touching either side is the neighbouring glyphs, which OCR boxes often cut short
    inner = [st for st in stats[1:] if st[0] > 0 and st[0] + st[2] < between.shape[1]]
    if len(inner) != 1:
        return False
    _, y, w, h, _ = inner[0]
    return y >= _DOT_TOP * between.shape[0] and h <= _DOT_SIZE * height and w <= _DOT_SIZE * height
