"""Picture fixes before OCR: straighten a scan or photo taken a few degrees askew.

Rows are found by height and columns by x position, so a table rotated by 3 degrees over
1000 px drifts 50 px from one side to the other: more than a row. The skew is measured on
the ink itself (text and rulings alike): rotating the ink pixels' coordinates, the angle
at which their row histogram is sharpest is the one at which lines run level. That needs no
OCR, so every engine gets the straightened picture.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from services.images import darker_than_surroundings, is_dark_mode

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


@dataclass
class _Ink:
    """Stroke pixels of one picture, measured on a copy no larger than ``_WORK_SIDE``."""

    points: np.ndarray  # (x, y) on the small copy
    width: int          # of the small copy
    height: int
    scale: float        # picture pixels per small-copy pixel


def skew_angle(image: Image.Image) -> float:
    """Degrees counter-clockwise the content is rotated by (0.0 when it cannot tell)."""
    return _skew(_ink(image))


def shear_angle(image: Image.Image) -> float:
    """Degrees by which vertical strokes lean right going down, in an image already level:
    a photo taken at an angle leans its columns differently from its rows."""
    return _shear(_ink(image))


def keystone_angles(image: Image.Image) -> tuple[float, float, float, float] | None:
    """(y, degrees) of the text lines' tilt in the top and in the bottom third of the ink,
    in image pixels: a photo taken from below or above the page's centre tilts them apart
    even once the image as a whole is level. A third counts as tilted only when its rows
    line up clearly better tilted than level; ink near the image's edges is left out.
    None when a third has too little ink."""
    return _keystone(_ink(image))


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    """The image rotated level (rows at the top and bottom of a photo levelled apart, and its
    columns stood upright), and the rotation in degrees. The ink is measured again only after
    a step has changed the picture."""
    background = _background(image)
    ink = _ink(image)
    angle = _skew(ink)
    if abs(angle) >= MIN_CORRECTION_DEGREES:
        image = image.rotate(-angle, resample=Image.BICUBIC, expand=True, fillcolor=background)
        ink = _ink(image)
    else:
        angle = 0.0
    keystone = _keystone(ink)
    if keystone is not None and abs(keystone[1] - keystone[3]) >= MIN_KEYSTONE_DEGREES:
        image = _level_keystone(image, keystone, background)
        ink = _ink(image)
    shear = _shear(ink)
    if abs(shear) >= MIN_SHEAR_DEGREES:
        image = _unshear(image, shear, background)
        ink = _ink(image)
    lean = _column_keystone(ink)
    if lean is not None and abs(lean[1] - lean[3]) >= MIN_KEYSTONE_DEGREES:
        image = _stand_columns(image, lean, background)
    return image, angle


def column_keystone(image: Image.Image) -> tuple[float, float, float, float] | None:
    """(x, degrees) of the columns' lean in the left and in the right third of the ink, as
    ``keystone_angles`` measures rows (positive: leaning left going down). A photo taken from
    beside the page's centre leans its columns apart even once they stand upright on average."""
    return _column_keystone(_ink(image))


def _skew(ink: _Ink) -> float:
    if len(ink.points) < 200:
        return 0.0
    return round(_level_angle(ink.points, MAX_SKEW_DEGREES)[0], 2)


def _shear(ink: _Ink) -> float:
    if len(ink.points) < 200:
        return 0.0
    flipped = ink.points[:, ::-1].copy()
    candidates = np.arange(-MAX_SHEAR_DEGREES, MAX_SHEAR_DEGREES + 1e-9, 0.25)
    scores = [_sharpness(flipped, -a) for a in candidates]
    best = float(candidates[int(np.argmax(scores))])
    return best if max(scores) >= _MIN_SHEAR_GAIN * _sharpness(flipped, 0.0) else 0.0


def _keystone(ink: _Ink) -> tuple[float, float, float, float] | None:
    x, y = ink.points[:, 0], ink.points[:, 1]
    inner = ((x > _EDGE_MARGIN * ink.width) & (x < (1 - _EDGE_MARGIN) * ink.width)
             & (y > _EDGE_MARGIN * ink.height) & (y < (1 - _EDGE_MARGIN) * ink.height))
    points = ink.points[inner]
    if len(points) < 600:
        return None
    lo, hi = np.percentile(points[:, 1], [33, 67])
    out: list[float] = []
    for band in (points[points[:, 1] <= lo], points[points[:, 1] >= hi]):
        if len(band) < 200:
            return None
        best, sharpness = _level_angle(band, MAX_KEYSTONE_DEGREES)
        if sharpness < _MIN_KEYSTONE_GAIN * _sharpness(band, 0.0):
            best = 0.0
        out += [float(np.median(band[:, 1])) * ink.scale, best]
    return out[0], out[1], out[2], out[3]


def _column_keystone(ink: _Ink) -> tuple[float, float, float, float] | None:
    return _keystone(_Ink(ink.points[:, ::-1].copy(), ink.height, ink.width, ink.scale))


def _level_angle(points: np.ndarray, limit: float) -> tuple[float, float]:
    """The angle within ±limit (to 0.1 degree) at which ``points`` line up sharpest, and
    that sharpness: a 0.5-degree search, then a 0.1-degree one around its best."""
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = coarse[np.argmax([_sharpness(points, a) for a in coarse])]
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores = [_sharpness(points, a) for a in fine]
    return float(fine[int(np.argmax(scores))]), max(scores)


def _level_keystone(image: Image.Image, keystone: tuple[float, float, float, float],
                    background: tuple[int, ...]) -> Image.Image:
    """Lines tilting differently at the top and the bottom made level by the perspective
    transform that maps both tilted lines (across the full width) onto horizontals."""
    y_top, top, y_bottom, bottom = keystone
    w, cx = image.width, image.width / 2

    def tilted(y: float, degrees: float, x: float) -> float:
        return y - float(np.tan(np.deg2rad(degrees))) * (x - cx)

    level = np.float32([[0, y_top], [w, y_top], [w, y_bottom], [0, y_bottom]])
    seen = np.float32([[0, tilted(y_top, top, 0)], [w, tilted(y_top, top, w)],
                       [w, tilted(y_bottom, bottom, w)], [0, tilted(y_bottom, bottom, 0)]])
    h = cv2.getPerspectiveTransform(level, seen)  # output pixel -> where it is in the input
    return image.transform(image.size, Image.PERSPECTIVE, tuple((h.flatten() / h[2, 2])[:8]),
                           resample=Image.BICUBIC, fillcolor=background)


def _stand_columns(image: Image.Image, lean: tuple[float, float, float, float],
                   background: tuple[int, ...]) -> Image.Image:
    """Columns leaning differently on the left and the right stood upright: the rows'
    levelling applied to the picture turned on its side. The sides are widened first by as
    much as the lean can move a column, so nothing is cut off."""
    margin = int(np.ceil(np.tan(np.deg2rad(max(abs(lean[1]), abs(lean[3])))) * image.height))
    padded = Image.new(image.mode, (image.width + 2 * margin, image.height), background)
    padded.paste(image, (margin, 0))
    lean = (lean[0] + margin, lean[1], lean[2] + margin, lean[3])
    turned = padded.transpose(Image.Transpose.TRANSPOSE)
    return _level_keystone(turned, lean, background).transpose(Image.Transpose.TRANSPOSE)


def _unshear(image: Image.Image, degrees: float, background: tuple[int, ...]) -> Image.Image:
    """Columns leaning by ``degrees`` stood upright; the canvas widens so nothing is cut off."""
    t = float(np.tan(np.deg2rad(degrees)))
    width = image.width + int(np.ceil(abs(t) * image.height))
    offset = t * image.height if t > 0 else 0.0
    return image.transform((width, image.height), Image.AFFINE, (1, t, -offset, 0, 1, 0),
                           resample=Image.BICUBIC, fillcolor=background)


def _ink(image: Image.Image) -> _Ink:
    """Strokes on a small copy: pixels darker than their neighbourhood by a margin (lighter,
    in dark mode), so shading, grey paper and the desk around a photographed page do not
    count as ink."""
    gray = image.convert("L")
    scale = min(1.0, _WORK_SIDE / max(gray.size))
    if scale < 1:
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                           Image.BILINEAR)
    small = np.asarray(gray, dtype=np.float32)
    darker = darker_than_surroundings(small)
    ys, xs = np.nonzero((-darker if is_dark_mode(small) else darker) > _INK_CONTRAST)
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    if len(points) > _MAX_INK_POINTS:
        points = points[np.random.default_rng(0).choice(len(points), _MAX_INK_POINTS, replace=False)]
    return _Ink(points, small.shape[1], small.shape[0], image.height / small.shape[0])


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
