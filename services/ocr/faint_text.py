"""A second look for the text the detector missed on a faint page.

PP-OCR's detector overlooks whole words of faint text (grey on grey in a dim photo of a
screen: "Chicago" and "Phoenix" gone from a column whose other rows it found), while the
recognisers read those words well once shown them. Stretching the contrast of the whole page
makes the detector see them, but also fuses blurred neighbours across narrow column gaps
into one line, so the stretched page is only searched where nothing was found: every line
already read is painted over with its own background first. A page on which the detector
found nothing at all is looked at again too; blank and noisy pages still give nothing.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

# Grey levels between a line's ink and its background (median over the lines found) below
# which the page counts as faint: a quarter of the full range.
_FAINT_CONTRAST = 64
_COVER_MARGIN = 0.25  # of a line's height: how far past its box a found line is painted over
_MAX_HEIGHT = 1.5  # a line found on the second look is at most this many times the usual line's height


def worth_a_second_look(rgb: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether ``rgb`` may hold text the detector missed: it found no line at all, or the lines
    it found (their ``boxes``) are mostly faint."""
    gray = np.asarray(Image.fromarray(rgb).convert("L"))
    contrasts = []
    for x0, y0, x1, y1 in boxes:
        crop = gray[max(0, int(y0)):int(np.ceil(y1)), max(0, int(x0)):int(np.ceil(x1))]
        if crop.size:
            low, high = np.percentile(crop, (5, 90))
            contrasts.append(high - low)
    return not contrasts or float(np.median(contrasts)) < _FAINT_CONTRAST


def unread_text_copy(rgb: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """``rgb`` with its contrast stretched and each found line (its box, widened) painted over
    with the box's median colour, its background: ink covers less of a line's box than the
    background does. Only text not yet found is left to detect."""
    page = np.asarray(ImageOps.autocontrast(Image.fromarray(rgb), cutoff=1)).copy()
    height, width = page.shape[:2]
    for x0, y0, x1, y1 in boxes:
        margin = _COVER_MARGIN * (y1 - y0)
        left, top = max(0, int(x0 - margin)), max(0, int(y0 - margin))
        right, bottom = min(width, int(np.ceil(x1 + margin))), min(height, int(np.ceil(y1 + margin)))
        if right > left and bottom > top:
            patch = page[top:bottom, left:right]
            patch[:] = np.median(patch.reshape(-1, patch.shape[-1]), axis=0).astype(page.dtype)
    return page


def like_found_text(box: tuple[float, float, float, float], text: str,
                    found: list[tuple[float, float, float, float]]) -> bool:
    """Whether a line found on the second look (``box``, ``text``) is text like the lines found
    before: a letter or digit, no taller than they are. The painted-over page has edges of
    its own, between patches and along rules, which the recogniser reads as dashes."""
    if not any(c.isalnum() for c in text):
        return False
    return not found or box[3] - box[1] <= _MAX_HEIGHT * float(np.median([y1 - y0 for _, y0, _, y1 in found]))
