"""Words RapidOCR's detector found twice, cut in two or cut short, put right.

The detector sometimes finds one glyph twice, in its own box and inside its neighbour's
("5" over "558,095"), finds one string twice cut in different places ("1,372," and
"2,524"), cuts a number at its decimal point when monospaced figures set the
point apart ("21" and "28%" for "21.28%"), and in faint or blurred pictures leaves a minus
sign out of a number's box ("25.33" for "-25.33") or has it read as a point (".58.14").
All concern words sharing a line, so words are looked up by their vertical extent
(``_RowIndex``) rather than compared all with all: a dense spreadsheet screenshot has
thousands of words.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

import cv2
import numpy as np

from services.model import Word
from services.ocr.spacing import ink_mask
from services.values import CURRENCY_SIGNS, MINUS_SIGNS

_ECHO_OVERLAP = 0.7  # share of a short word's box inside a longer word's box that makes it an echo
_DOT_TOP, _DOT_SIZE = 0.55, 0.3  # a decimal point: ink below this share of the line, this small
_SIGN_REACH = 0.5  # of the line height: how far left of a number's box its minus sign may lie
_SIGN_BAND = (0.3, 0.8)  # of the line height, from its top: where a minus sign's ink lies
_MIN_SIGN_CONTRAST, _SIGN_SHARE = 8.0, 0.25  # grey levels, and share of the glyphs' contrast
# How far down the glyphs beside it a leading point's ink may be centred and still be a minus
# sign: a decimal point sits on the baseline (about 0.9), a minus at half height.
_MINUS_DEPTH = 0.75
# The signs parse_value reads as a minus, and the em dash a recogniser gives for a long one.
_DASHES = str.maketrans({c: "-" for c in MINUS_SIGNS + "\u2014"})


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


def join_overlapping_repeats(words: list[Word]) -> list[Word]:
    """``words`` with two detections of one string, cut in different places, made one again:
    "1,372," and "2,524" for "1,372,524", the second box starting inside (or at the end of)
    the first and repeating its last characters. Words of one line never overlap so: the
    recogniser's boxes of different words are a space apart."""
    def join(left: Word, word: Word, beside: list[Word]) -> Word | None:
        k = _repeats(left, word)
        return _joined(left, word, left.text + word.text[k:]) if k else None
    return _join_rightwards(words, join)


def _repeats(left: Word, right: Word) -> int:
    """How many of ``left``'s last characters ``right`` starts with, when its box starts
    inside ``left``'s on the same line; 0 otherwise."""
    (lx0, ly0, lx1, ly1), (rx0, ry0, rx1, ry1) = left.bbox, right.bbox
    level = min(ly1, ry1) - max(ly0, ry0) >= 0.5 * min(ly1 - ly0, ry1 - ry0)
    if not (level and lx0 < rx0 <= lx1 < rx1):
        return 0
    return next((k for k in range(min(len(left.text), len(right.text)), 0, -1)
                 if left.text[-k:] == right.text[:k]), 0)


def join_split_decimals(words: list[Word], gray: np.ndarray) -> list[Word]:
    """``words`` with numbers cut at their decimal point joined again: digits either side,
    and nothing in the blank between them but a dot at the baseline (``gray`` holds the
    pixels). Not when another word, such as the point read on its own, lies between."""
    def join(left: Word, word: Word, beside: list[Word]) -> Word | None:
        if _decimal_split(left, word, gray) and not any(
                _within(o, left.bbox[2], word.bbox[0]) for o in beside):
            return _joined(left, word, f"{left.text}.{word.text}")
        return None
    return _join_rightwards(words, join)


def _join_rightwards(words: list[Word], join: Callable[[Word, Word, list[Word]], Word | None]
                     ) -> list[Word]:
    """``words`` taken left to right, each joined onto the nearest word (as joined so far) to
    its left on its line for which ``join(left, word, words beside word)`` gives a word."""
    index = _RowIndex(words)
    out: list[Word] = []
    slot: dict[int, int] = {}  # id of a word -> where in ``out`` it now is (joined or not)
    for word in sorted(words, key=lambda w: (w.bbox[0], w.bbox[1])):
        beside = index.beside(word)
        lefts = sorted((w for w in beside if id(w) in slot), key=lambda w: -w.bbox[2])
        at, joined = next(((slot[id(w)], j) for w in lefts
                           if (j := join(out[slot[id(w)]], word, beside)) is not None), (None, None))
        if at is None:
            slot[id(word)] = len(out)
            out.append(word)
        else:
            out[at] = joined
            slot[id(word)] = at
    return out


def _joined(left: Word, right: Word, text: str) -> Word:
    return Word(text, (left.bbox[0], min(left.bbox[1], right.bbox[1]), max(left.bbox[2], right.bbox[2]),
                       max(left.bbox[3], right.bbox[3])), min(left.confidence, right.confidence))


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


def restore_minus_signs(words: list[Word], gray: np.ndarray,
                        reread: Callable[[list[tuple[float, float, float, float]]], list[tuple[str, ...]]]
                        ) -> list[Word]:
    """``words`` with the minus signs a faint picture cost them put back: read as a point
    (``minus_signs_read_as_points``) or left outside the number's box.

    A number with ink at minus height just left of its box, and no other word there, is read
    again over a box stretched left by half a line height and over its own box (``reread``
    returns each recogniser's text in each box). The minus is taken when a recogniser reads
    the stretched box as the number with a minus in front, the number as the word holds it
    or as that recogniser reads the word's own box: a character it misreads further right
    ("-38.319" for "-38.31%") is no evidence against the sign. PP-OCRv6 sees most of the
    faint minus signs PP-OCRv4 misses ("86.72" -> "-86.72"), and now and then the other
    way round."""
    words = minus_signs_read_as_points(words, gray)
    index = _RowIndex(words)
    suspects = [w for w in words if w.text[:1].isdigit() and _ink_left_of(w, gray)
                and not any(o.bbox[2] > _stretched(w)[0] and o.bbox[0] < w.bbox[0]
                            for o in index.beside(w))]
    if not suspects:
        return words
    readings = reread([_stretched(w) for w in suspects] + [w.bbox for w in suspects])
    signed = {id(w): Word("-" + w.text, _stretched(w), w.confidence)
              for w, stretched, own in zip(suspects, readings, readings[len(suspects):])
              if any(_reads_minus_before(a, (w.text, b.strip())) for a, b in zip(stretched, own))}
    return [signed.get(id(w), w) for w in words]


def minus_signs_read_as_points(words: list[Word], gray: np.ndarray) -> list[Word]:
    """``words`` with a leading "." that stands at minus height read as the minus it is.

    A faint minus comes out of the recogniser as a point now and then (".58.14" for
    "-58.14", ".£81.758" for "-£81,758"); a point belongs on the baseline, so a leading
    point whose ink is centred well above the bottom of the glyphs after it is a minus."""
    return [Word("-" + w.text[1:], w.bbox, w.confidence) if _point_at_minus_height(w, gray) else w
            for w in words]


def _point_at_minus_height(word: Word, gray: np.ndarray) -> bool:
    if not (word.text[:1] == "." and (word.text[1:2].isdigit() or word.text[1:2] in CURRENCY_SIGNS)):
        return False
    mask, _ = ink_mask(gray, word.bbox)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    blobs = sorted((st for st in stats[1:] if st[4] >= 2), key=lambda st: st[0])
    if len(blobs) < 2:
        return False
    point, glyphs = blobs[0], blobs[1:]
    top = min(st[1] for st in glyphs)
    bottom = max(st[1] + st[3] for st in glyphs)
    if point[0] + point[2] > glyphs[0][0] or bottom <= top:
        return False
    centre = point[1] + point[3] / 2
    return (centre - top) / (bottom - top) < _MINUS_DEPTH


def _reads_minus_before(reading: str, numbers: tuple[str, ...]) -> bool:
    text = reading.strip().translate(_DASHES)
    return any(number and text == "-" + number for number in numbers)


def _stretched(word: Word) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = word.bbox
    return max(0.0, x0 - _SIGN_REACH * (y1 - y0)), y0, x1, y1


def _ink_left_of(word: Word, gray: np.ndarray) -> bool:
    """Whether the stretch left of the word's box holds ink at minus height and nowhere else
    (a rule or a letter reaches higher or lower). Ink is a quarter of the contrast of the
    word's own glyphs, smoothed so that grain does not count: faint and blurred minus signs
    are the ones the detector misses. This only picks what to read again."""
    x0, y0, x1, y1 = (int(round(v)) for v in _stretched(word))
    start = int(round(word.bbox[0])) - x0
    crop = cv2.blur(gray[y0:y1, x0:x1].astype(np.float32), (3, 3))
    if start < 2 or crop.shape[1] <= start:
        return False
    deviation = np.abs(crop - np.median(crop[:, :start]))  # the stretch is mostly background
    strength = float(np.percentile(deviation[:, start:], 99))
    ink = deviation[:, :start - 1] >= max(_MIN_SIGN_CONTRAST, _SIGN_SHARE * strength)
    rows = np.flatnonzero(ink.any(axis=1))
    top, bottom = (share * crop.shape[0] for share in _SIGN_BAND)
    return rows.size > 0 and rows[0] >= top and rows[-1] < bottom
