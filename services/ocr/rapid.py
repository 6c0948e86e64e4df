"""The embedded default engine: PP-OCRv4 detection + recognition through ONNX Runtime.

The models ship inside the ``rapidocr_onnxruntime`` wheel, so it runs offline on CPU.
Recognition returns text lines; we split each line into words at spaces using the
per-character boxes the recogniser reports, because two neighbouring table cells are
often detected as one line when the gap between them is small.
"""
from __future__ import annotations

from importlib.metadata import version as package_version

import numpy as np
from PIL import Image

from services.model import Word


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 0):
        from rapidocr_onnxruntime import RapidOCR

        self.version = package_version("rapidocr_onnxruntime")
        # rapidocr_onnxruntime 1.4 takes settings as keyword arguments (Global ones unprefixed)
        # and copies the thread counts into the det/cls/rec sessions.
        threads_kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1} if threads > 0 else {}
        self._ocr = RapidOCR(print_verbose=False, **threads_kwargs)

    def recognize(self, image: Image.Image) -> list[Word]:
        lines, _ = self._ocr(np.asarray(image.convert("RGB"))[:, :, ::-1], return_word_box=True)
        words: list[Word] = []
        for quad, text, score, *chars in lines or []:
            words.extend(_split_line(quad, text, float(score), *(chars + [None] * 3)[:3]))
        return words


def _quad_bbox(quad) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


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
        word_text = "".join(chars[i] for i in current).strip()
        confs = [float(char_scores[i]) for i in current] if char_scores else [score]
        if word_text:
            words.append(Word(
                word_text,
                (min(b[0] for b in boxes), line_box[1], max(b[2] for b in boxes), line_box[3]),
                min(confs),
            ))
        current.clear()

    for i, ch in enumerate(chars):
        if ch.isspace():
            flush()
        else:
            current.append(i)
    flush()
    return words or [Word(text, line_box, score)]
