"""Ruling lines: thin straight strokes, darker than their surroundings, that frame cells.

Detection is a morphological black-hat (closing minus image) across the line direction,
which keeps only dark structures thinner than the kernel. Filled areas such as zebra
stripes or a shaded header are wider than that, so they vanish, edges included, however
light or dark they are; a 1 px light-grey or anti-aliased line survives because it is
thin. An opening along the line direction then drops text strokes, which are short.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from services.images import is_dark_mode
from services.model import Word

_MIN_CONTRAST = 10  # grey levels a line must differ from its surroundings
_MAX_THICKNESS = 7  # px; anything thicker is a filled area, not a rule
_NOISE_FACTOR = 3   # a line stands out of noise by this many times the noise's median black-hat
_SLANT_STEP = 0.5   # of the text height: most step, sideways or along, between pieces of one
_SLANT_PIECE = 2.5  # slanted rule, each at least this long (shorter ones may be noise)
_STEM_REACH = 0.3   # of the text height: how far ink of a glyph stem reaches past its word box


@dataclass(frozen=True)
class Segment:
    """One ruling: ``pos`` is y for a horizontal line and x for a vertical one."""

    pos: float
    start: float
    end: float
    thickness: float


@dataclass
class Rulings:
    """Everything later steps need from the pixels: the grayscale (light background),
    masks of accepted rulings for coverage checks, and the rulings themselves."""

    gray: np.ndarray
    h_mask: np.ndarray
    v_mask: np.ndarray
    horizontal: list[Segment]
    vertical: list[Segment]

    def h_coverage(self, y: float, x0: float, x1: float, tol: int = 2) -> float:
        """Fraction of columns in [x0, x1) with a horizontal-rule pixel within tol of y."""
        return _coverage(self.h_mask, y, x0, x1, tol)

    def v_coverage(self, x: float, y0: float, y1: float, tol: int = 2) -> float:
        """Fraction of rows in [y0, y1) with a vertical-rule pixel within tol of x."""
        return _coverage(self.v_mask.T, x, y0, y1, tol)


def _coverage(mask: np.ndarray, pos: float, start: float, end: float, tol: int) -> float:
    p, a, b = int(round(pos)), max(0, int(start)), min(mask.shape[1], int(np.ceil(end)))
    if b <= a:
        return 0.0
    band = mask[max(0, p - tol):p + tol + 1, a:b]
    return float(band.any(axis=0).mean()) if band.size else 0.0


def normalized_gray(image: Image.Image) -> np.ndarray:
    """Grayscale with a light background: dark-mode images are inverted."""
    gray = np.asarray(image.convert("L"))
    if is_dark_mode(gray):
        gray = 255 - gray
    return np.ascontiguousarray(gray)


def detect_rulings(image: Image.Image, words: list[Word], text_height: float) -> Rulings:
    gray = normalized_gray(image)
    thin = max(5, min(_MAX_THICKNESS + 2, int(round(0.45 * text_height)) | 1))
    min_len = max(8, int(round(0.8 * text_height)))
    boxes = np.array([w.bbox for w in words], dtype=float).reshape(-1, 4)
    # A word read with a bar in it holds a vertical rule, not glyph stems, however it sits.
    stem_boxes = np.array([w.bbox for w in words if "|" not in w.text], dtype=float).reshape(-1, 4)
    h_mask, horizontal = _rulings(gray, thin, min_len, 1.5 * text_height, boxes, 2.0)
    v_mask, vertical = _rulings(np.ascontiguousarray(gray.T), thin, min_len, 1.2 * text_height,
                                stem_boxes[:, [1, 0, 3, 2]], max(2.0, _STEM_REACH * text_height))
    return Rulings(gray, h_mask, v_mask.T, _join_slanted(horizontal, text_height),
                   _join_slanted(vertical, text_height))


def _join_slanted(segments: list[Segment], text_height: float) -> list[Segment]:
    """One ruling for the pieces of a slanted line: a photographed page leans, and the opening
    along the line cuts a rule that drifts across rows into pieces that follow each other
    end to start a little to one side. The joined ruling sits at their length-weighted mean."""
    chains: list[list[Segment]] = []
    step = _SLANT_STEP * text_height
    for seg in sorted(segments, key=lambda s: s.start):
        chain = next((c for c in chains
                      if min(seg.end - seg.start, c[-1].end - c[-1].start) >= _SLANT_PIECE * text_height
                      and abs(seg.pos - c[-1].pos) <= step
                      and -text_height <= seg.start - c[-1].end <= step), None)
        if chain is None:
            chains.append([seg])
        else:
            chain.append(seg)
    joined = []
    for chain in chains:
        lengths = [s.end - s.start for s in chain]
        joined.append(Segment(
            float(np.average([s.pos for s in chain], weights=lengths)), chain[0].start,
            max(s.end for s in chain), float(np.average([s.thickness for s in chain], weights=lengths))))
    joined.sort(key=lambda s: (s.pos, s.start))
    return joined


def _rulings(gray: np.ndarray, thin: int, min_len: int, keep_len: float,
             boxes: np.ndarray, reach: float) -> tuple[np.ndarray, list[Segment]]:
    """Horizontal rulings of ``gray`` (pass the transpose for vertical ones).

    Returns the mask of kept rulings and their segments. A segment is dropped when it is
    shorter than keep_len or lies inside a word box (a dash, an underscore, a strike-through).
    """
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, np.ones((thin, 1), np.uint8))
    # On a clean picture most of the black-hat is 0; sensor or scan noise lifts it everywhere,
    # and its typical level sets how dark a stroke must be to be more than noise.
    contrast = max(_MIN_CONTRAST, _NOISE_FACTOR * float(np.median(blackhat[::2, ::2])))
    binary = (blackhat > contrast).astype(np.uint8)
    binary = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8))
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, min_len), np.uint8))
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    kept = []
    segments: list[Segment] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < keep_len:
            continue
        thickness = float(binary[y:y + h, x:x + w].sum()) / w
        if thickness > _MAX_THICKNESS + 2 or _inside_a_word(x, y, x + w, y + h, boxes, reach):
            continue
        kept.append(contour)
        segments.append(Segment(y + h / 2.0, float(x), float(x + w), thickness))
    mask = np.zeros_like(binary)
    cv2.drawContours(mask, kept, -1, 1, thickness=cv2.FILLED)
    segments.sort(key=lambda s: (s.pos, s.start))
    return (mask & binary).astype(bool), segments


def _inside_a_word(x0: float, y0: float, x1: float, y1: float, boxes: np.ndarray,
                   reach: float) -> bool:
    """Whether word boxes spanning the segment's height cover most of its length, each box
    stretched by ``reach`` along it: strokes of text, such as the tops of "000" poking a few
    pixels out of an OCR box that ends short, baseline serifs joined across the words of
    "team from", or glyph stems stacked over a few rows. Most, not all, and a rule that merely
    crosses a word or two keeps most of its length outside them."""
    if not len(boxes):
        return False
    m = 2.0
    spans = boxes[(boxes[:, 1] - m <= y0) & (boxes[:, 3] + m >= y1)]
    covered = np.clip(np.minimum(spans[:, 2] + reach, x1) - np.maximum(spans[:, 0] - reach, x0), 0, None)
    return bool(covered.sum() >= 0.75 * (x1 - x0))
