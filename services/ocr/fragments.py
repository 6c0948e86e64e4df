"""Pieces of one line that the text detector found apart, joined before they are read.

PP-OCR's detector scores each pixel for being text. On large monospaced text its score dips
over narrow glyphs standing between wide side bearings ("-", "1", "."), so "2022-01-24" comes
out as "2022", "0" and "24" boxes: the pieces between go unread, and the rest is read as
three words. Two boxes level on one line are joined when the stretch between them holds ink
the detector left out, with no blank as wide as a cell gap. Ink that runs well above and
below the line is a table's rule, and grain around the line could pass for text: neither
is joined across.
"""
from __future__ import annotations

import cv2
import numpy as np

from services.ocr.spacing import longest_blank_run

_LEVEL = 0.25       # box heights: the most two pieces of one line sit apart vertically
_HEIGHT_RATIO = 1.5  # the taller piece of a line at most this many times the other's height
_WORD_BLANK = 1.0   # box heights: a wider blank between two boxes parts them (two cells)
_INK_COLUMNS = 0.2  # box heights: inked columns a stretch needs before it counts as holding text
_MIN_CONTRAST = 40  # grey levels between ink and background, at least...
_INK_SHARE = 0.4    # ...and this share of the pair's strongest contrast
_RULE_REACH = 0.5   # box heights above and below the line a rule's ink runs on
_RULE_COVER = 0.9   # share of that reach a column of ink covers to be a rule
_STRAY_INK = 0.02   # share of ink above and below the line past which grain could pass for text


class JoinedFragments:
    """Drop-in for rapidocr's ``text_det`` that joins the pieces of a line (see the module)."""

    def __init__(self, detect):
        self.detect = detect
        self.postprocess_op = detect.postprocess_op  # rapidocr sets its thresholds on every call

    def __call__(self, bgr: np.ndarray):
        boxes, elapsed = self.detect(bgr)
        if boxes is None or len(boxes) < 2:
            return boxes, elapsed
        return join_line_fragments(np.asarray(boxes, dtype=np.float32), bgr.mean(axis=2)), elapsed


def join_line_fragments(quads: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """``quads`` (N x 4 x 2) with each run of joinable neighbours on one line replaced by the
    upright box around it; boxes that join nothing are returned unchanged."""
    rects = np.concatenate([quads.min(axis=1), quads.max(axis=1)], axis=1)
    parent = list(range(len(rects)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in _right_neighbours(rects):
        if _joinable(rects[a], rects[b], gray):
            parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(rects)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(quads[members[0]])
            continue
        x0, y0 = rects[members, :2].min(axis=0)
        x1, y1 = rects[members, 2:].max(axis=0)
        out.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
    return np.array(out, dtype=np.float32)


def _right_neighbours(rects: np.ndarray) -> list[tuple[int, int]]:
    """(a, b) for each box a and the nearest box b that starts right of it on the same line."""
    x0, y0, x1, y1 = rects.T
    heights = y1 - y0
    taller = np.maximum(heights[:, None], heights[None, :])
    level = np.abs((y0 + y1)[:, None] - (y0 + y1)[None, :]) / 2 <= _LEVEL * taller
    same_line = level & (taller <= _HEIGHT_RATIO * np.minimum(heights[:, None], heights[None, :]))
    starts_right = (x0[None, :] > x0[:, None]) & (x0[None, :] >= x1[:, None] - 0.5 * heights[:, None])
    candidates = np.where(same_line & starts_right, x0[None, :], np.inf)
    nearest = candidates.argmin(axis=1)
    return [(a, int(b)) for a, b in enumerate(nearest) if np.isfinite(candidates[a, b])]


def _joinable(left: np.ndarray, right: np.ndarray, gray: np.ndarray) -> bool:
    height = max(left[3] - left[1], right[3] - right[1])
    gap = right[0] - left[2]
    band = (max(left[1], right[1]), min(left[3], right[3]))
    reach = int(round(_RULE_REACH * height))
    ink = _ink(gray, (min(left[0], right[0]), min(left[1], right[1]), max(left[2], right[2]),
                      max(left[3], right[3])), (left[2], band[0] - reach, right[0], band[1] + reach))
    if ink is None or (ink.sum(axis=0) >= _RULE_COVER * ink.shape[0]).any():
        return False
    if np.concatenate([ink[:reach], ink[ink.shape[0] - reach:]]).mean() > _STRAY_INK:
        return False
    inked = ink[reach:ink.shape[0] - reach].any(axis=0)
    return inked.sum() >= _INK_COLUMNS * height and longest_blank_run(inked) <= _WORD_BLANK * height


def _ink(gray: np.ndarray, pair: tuple, stretch: tuple) -> np.ndarray | None:
    """Ink pixels of ``stretch`` (x0, y0, x1, y1), judged against the background and contrast
    of the ``pair``'s box; None when the stretch has no width."""
    height, width = gray.shape
    px0, py0, px1, py1 = (int(round(v)) for v in pair)
    pair_crop = gray[max(0, py0):min(height, py1), max(0, px0):min(width, px1)]
    sx0, sy0, sx1, sy1 = (int(round(v)) for v in stretch)
    sx0, sx1 = max(0, sx0), min(width, sx1)
    if sx1 <= sx0 or pair_crop.size == 0:
        return None
    background = float(np.median(pair_crop))
    threshold = max(_MIN_CONTRAST, _INK_SHARE * float(np.percentile(np.abs(pair_crop - background), 99)))
    top, bottom = max(0, sy0), min(height, sy1)
    crop = np.full((sy1 - sy0, sx1 - sx0), background, dtype=np.float64)
    crop[top - sy0:bottom - sy0] = gray[top:bottom, sx0:sx1]
    # a 3 x 3 median keeps strokes two pixels thick and drops the grain of a noisy photo
    return cv2.medianBlur(np.abs(crop - background).astype(np.float32), 3) > threshold
