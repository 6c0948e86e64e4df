"""Edges between background bands: zebra striping and shaded header rows.

A stripe is not a line, but the place where the shade changes is as good a row separator
as a rule. Slow shading drifts (uneven lighting in a photo) are not edges: an edge must be
a jump within a few pixels between two bands that are each at least ``min_band`` tall.
"""
from __future__ import annotations

import numpy as np

_MIN_STEP = 4  # grey levels between two bands' shades


def fill_edges(gray: np.ndarray, x0: float, x1: float, y0: float, y1: float,
               min_band: float) -> list[float]:
    h, w = gray.shape
    xa, xb = max(0, int(x0)), min(w, int(np.ceil(x1)))
    ya, yb = max(0, int(y0)), min(h, int(np.ceil(y1)))
    if xb - xa < 4 or yb - ya < 2 * min_band:
        return []
    step = max(1, (xb - xa) // 400)
    profile = np.median(gray[ya:yb, xa:xb:step], axis=1)
    bands = _flat_runs(profile)
    long = [b for b in bands if b[1] - b[0] >= min_band]
    edges: list[float] = []
    for (s0, e0, l0), (s1, e1, l1) in zip(long, long[1:]):
        if abs(l0 - l1) < _MIN_STEP or s1 - e0 > 4:
            continue
        before = float(np.median(profile[max(s0, e0 - 3):e0]))
        after = float(np.median(profile[s1:min(e1, s1 + 3)]))
        if abs(before - after) >= _MIN_STEP:
            edges.append(ya + (e0 + s1) / 2.0)
    return edges


def _flat_runs(profile: np.ndarray) -> list[tuple[int, int, float]]:
    """(start, end, level) of maximal runs whose values stay within 2 levels of the first."""
    runs: list[tuple[int, int, float]] = []
    start = 0
    for y in range(1, len(profile) + 1):
        if y == len(profile) or abs(float(profile[y]) - float(profile[start])) > 2:
            runs.append((start, y, float(np.median(profile[start:y]))))
            start = y
    return runs


def fill_extent(gray: np.ndarray, x0: float, x1: float, edges: list[float], y0: float, y1: float
                ) -> tuple[float, float] | None:
    """How far left and right of text spanning ``[x0, x1]`` the filled bands between ``edges``
    (and ``y0``, ``y1``) reach: a header band or stripe runs the table's full width, past the
    words, into cell padding the text never shows. None when no band differs from the page."""
    page = float(np.median(gray))
    h, w = gray.shape
    ys = [y0, *edges, y1]
    left, right = x0, x1
    for a, b in zip(ys, ys[1:]):
        top, bottom = max(0, int(a) + 2), min(h, int(b) - 1)
        if bottom - top < 4:
            continue
        profile = np.median(gray[top:bottom], axis=0)
        level = float(np.median(profile[max(0, int(x0)):min(w, int(x1))]))
        if abs(level - page) < 2 * _MIN_STEP:
            continue
        near = np.abs(profile - level) < abs(level - page) / 2
        r = min(w - 1, int(x1))
        while r + 1 < w and near[r + 1]:
            r += 1
        l = max(0, int(x0))
        while l > 0 and near[l - 1]:
            l -= 1
        left, right = min(left, float(l)), max(right, float(r + 1))
    return None if (left, right) == (x0, x1) else (left, right)
