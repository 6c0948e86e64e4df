"""Picture fixes before OCR: straighten a scan or photo taken a few degrees askew.

Rows are found by height and columns by x position, so a table rotated by 3 degrees over
1000 px drifts 50 px from one side to the other: more than a row. The skew is measured on
the ink itself (text and rulings alike): rotating the ink pixels' coordinates, the angle
at which their row histogram is sharpest is the one at which lines run level. That needs no
OCR, so every engine gets the straightened picture.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

MAX_SKEW_DEGREES = 6.0
MIN_CORRECTION_DEGREES = 0.3  # below this the drift is under a pixel per 200 px: leave the pixels alone
MAX_KEYSTONE_DEGREES = 3.0  # residual tilt of a third of the page once the whole is level
MIN_KEYSTONE_DEGREES = 0.3
_MIN_KEYSTONE_GAIN = 1.05
_EDGE_MARGIN = 0.05  # of each side: a photographed page's edge or the corners a rotation fills
MAX_SHEAR_DEGREES = 4.0
MIN_SHEAR_DEGREES = 0.5
_MIN_SHEAR_GAIN = 1.05        # columns must line up clearly better than without any shear
_WORK_SIDE = 1000             # measure on a copy no larger than this
_INK_CONTRAST = 25       # grey levels darker than the neighbourhood
_MAX_INK_POINTS = 60_000


def skew_angle(image: Image.Image) -> float:
    """Degrees counter-clockwise the content is rotated by (0.0 when it cannot tell)."""
    points = _ink_points(image)
    if len(points) < 200:
        return 0.0
    return round(_level_angle(points, MAX_SKEW_DEGREES)[0], 2)


def _level_angle(points: np.ndarray, limit: float) -> tuple[float, float]:
    """The angle within ±limit (to 0.1 degree) at which ``points`` line up sharpest, and
    that sharpness: a 0.5-degree search, then a 0.1-degree one around its best."""
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = coarse[np.argmax([_sharpness(points, a) for a in coarse])]
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores = [_sharpness(points, a) for a in fine]
    return float(fine[int(np.argmax(scores))]), max(scores)


def shear_angle(image: Image.Image) -> float:
    """Degrees by which vertical strokes lean right going down, in an image already level:
    a photo taken at an angle leans its columns differently from its rows."""
    points = _ink_points(image)
    if len(points) < 200:
        return 0.0
    flipped = points[:, ::-1].copy()
    candidates = np.arange(-MAX_SHEAR_DEGREES, MAX_SHEAR_DEGREES + 1e-9, 0.25)
    scores = [_sharpness(flipped, -a) for a in candidates]
    best = float(candidates[int(np.argmax(scores))])
    return best if max(scores) >= _MIN_SHEAR_GAIN * _sharpness(flipped, 0.0) else 0.0


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    """The image rotated level (and its columns stood upright), and the rotation in degrees."""
    angle = skew_angle(image)
    background = _background(image)
    if abs(angle) >= MIN_CORRECTION_DEGREES:
        image = image.rotate(-angle, resample=Image.BICUBIC, expand=True, fillcolor=background)
    else:
        angle = 0.0
    image = _level_keystone(image, background)
    shear = shear_angle(image)
    if abs(shear) >= MIN_SHEAR_DEGREES:
        image = _unshear(image, shear, background)
    return image, angle


def keystone_angles(image: Image.Image) -> tuple[float, float, float, float] | None:
    """(y, degrees) of the text lines' tilt in the top and in the bottom third of the ink,
    in image pixels: a photo taken from below or above the page's centre tilts them apart
    even once the image as a whole is level. A third counts as tilted only when its rows
    line up clearly better tilted than level; ink near the image's edges is left out.
    None when a third has too little ink."""
    points = _ink_points(image)
    small_h, small_w = _gray_small(image).shape
    inner = ((points[:, 0] > _EDGE_MARGIN * small_w) & (points[:, 0] < (1 - _EDGE_MARGIN) * small_w)
             & (points[:, 1] > _EDGE_MARGIN * small_h) & (points[:, 1] < (1 - _EDGE_MARGIN) * small_h))
    points = points[inner]
    if len(points) < 600:
        return None
    scale = image.height / small_h
    lo, hi = np.percentile(points[:, 1], [33, 67])
    out = []
    for band in (points[points[:, 1] <= lo], points[points[:, 1] >= hi]):
        if len(band) < 200:
            return None
        best, sharpness = _level_angle(band, MAX_KEYSTONE_DEGREES)
        if sharpness < _MIN_KEYSTONE_GAIN * _sharpness(band, 0.0):
            best = 0.0
        out += [float(np.median(band[:, 1])) * scale, best]
    return tuple(out)


def _level_keystone(image: Image.Image, background: tuple[int, ...]) -> Image.Image:
    """Lines tilting differently at the top and the bottom made level by the perspective
    transform that maps both tilted lines (across the full width) onto horizontals."""
    found = keystone_angles(image)
    if found is None:
        return image
    y_top, top, y_bottom, bottom = found
    if abs(top - bottom) < MIN_KEYSTONE_DEGREES or y_bottom - y_top < 1:
        return image
    w, cx = image.width, image.width / 2

    def tilted(y: float, degrees: float, x: float) -> float:
        return y - float(np.tan(np.deg2rad(degrees))) * (x - cx)
    level = np.float32([[0, y_top], [w, y_top], [w, y_bottom], [0, y_bottom]])
    seen = np.float32([[0, tilted(y_top, top, 0)], [w, tilted(y_top, top, w)],
                       [w, tilted(y_bottom, bottom, w)], [0, tilted(y_bottom, bottom, 0)]])
    h = cv2.getPerspectiveTransform(level, seen)  # output pixel -> where it is in the input
    return image.transform(image.size, Image.PERSPECTIVE, tuple((h.flatten() / h[2, 2])[:8]),
                           resample=Image.BICUBIC, fillcolor=background)


def _unshear(image: Image.Image, degrees: float, background: tuple[int, ...]) -> Image.Image:
    """Columns leaning by ``degrees`` stood upright; the canvas widens so nothing is cut off."""
    t = float(np.tan(np.deg2rad(degrees)))
    width = image.width + int(np.ceil(abs(t) * image.height))
    offset = t * image.height if t > 0 else 0.0
    return image.transform((width, image.height), Image.AFFINE, (1, t, -offset, 0, 1, 0),
                           resample=Image.BICUBIC, fillcolor=background)


def _gray_small(image: Image.Image) -> np.ndarray:
    small = image.convert("L")
    scale = _WORK_SIDE / max(small.size)
    if scale < 1:
        small = small.resize((max(1, round(small.width * scale)), max(1, round(small.height * scale))),
                             Image.BILINEAR)
    return np.asarray(small, dtype=np.float32)


def _ink_points(image: Image.Image) -> np.ndarray:
    """(x, y) of strokes on a small copy: pixels darker than their neighbourhood by a margin
    (lighter, in dark mode), so shading, grey paper and the desk around a photographed page
    do not count as ink."""
    gray = _gray_small(image)
    if np.median(gray[::2, ::2]) < 128:
        gray = 255 - gray
    block = max(15, (min(gray.shape) // 20) | 1)
    local = cv2.blur(gray, (block, block))
    ys, xs = np.nonzero(local - gray > _INK_CONTRAST)
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
