"""Picture fixes before OCR: straighten a scan or photo taken a few degrees askew.

Rows are found by height and columns by x position, so a table rotated by 3 degrees over
1000 px drifts 50 px from one side to the other: more than a row. The skew is measured on
the ink itself (text and rulings alike): rotating the ink pixels' coordinates, the angle
at which their row histogram is sharpest is the one at which lines run level. That needs no
OCR, so every engine gets the straightened picture.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

MAX_SKEW_DEGREES = 6.0
MIN_CORRECTION_DEGREES = 0.3  # below this the drift is under a pixel per 200 px: leave the pixels alone
_WORK_SIDE = 1000             # measure on a copy no larger than this
_INK_CONTRAST = 50
_MAX_INK_POINTS = 60_000


def skew_angle(image: Image.Image) -> float:
    """Degrees counter-clockwise the content is rotated by (0.0 when it cannot tell)."""
    points = _ink_points(image)
    if len(points) < 200:
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.5)
    best = coarse[np.argmax([_sharpness(points, a) for a in coarse])]
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    return float(round(fine[np.argmax([_sharpness(points, a) for a in fine])], 2))


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    """The image rotated level, and the angle it was turned by (0.0: returned unchanged)."""
    angle = skew_angle(image)
    if abs(angle) < MIN_CORRECTION_DEGREES:
        return image, 0.0
    return image.rotate(-angle, resample=Image.BICUBIC, expand=True, fillcolor=_background(image)), angle


def _gray_small(image: Image.Image) -> np.ndarray:
    small = image.convert("L")
    scale = _WORK_SIDE / max(small.size)
    if scale < 1:
        small = small.resize((max(1, round(small.width * scale)), max(1, round(small.height * scale))),
                             Image.BILINEAR)
    return np.asarray(small, dtype=np.int16)


def _ink_points(image: Image.Image) -> np.ndarray:
    """(x, y) of pixels that differ from the background, on a small copy; light or dark mode."""
    gray = _gray_small(image)
    background = np.median(gray[::2, ::2])
    ys, xs = np.nonzero(np.abs(gray - background) > _INK_CONTRAST)
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    if len(points) > _MAX_INK_POINTS:
        points = points[np.random.default_rng(0).choice(len(points), _MAX_INK_POINTS, replace=False)]
    return points


def _sharpness(points: np.ndarray, degrees: float) -> float:
    """How peaked the row histogram of ``points`` is once the content is turned level."""
    theta = np.deg2rad(degrees)
    y = points[:, 1] * np.cos(theta) + points[:, 0] * np.sin(theta)
    counts = np.bincount((y - y.min()).astype(np.int64))
    return float(np.square(counts.astype(np.float64)).sum())


def _background(image: Image.Image) -> tuple[int, ...]:
    """The colour that fills the corners the rotation uncovers: the median of the border."""
    rgb = np.asarray(image.convert("RGB"))
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    return tuple(int(v) for v in np.median(border, axis=0))
