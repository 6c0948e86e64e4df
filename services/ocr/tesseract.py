"""Tesseract (Debian's ``tesseract-ocr``) through its command line, one process per image.

We call the CLI rather than pytesseract: pytesseract is itself a wrapper that writes a temp
file and runs the same binary, and adds nothing we need. The image goes in on stdin as
PNG and word boxes come back as TSV.

Tesseract reads tables badly as they come: ruling lines turn into "|", "[" or swallow
whole rows, small text loses lone characters, uneven light and light-on-dark header rows
defeat its global threshold. So ``prepare`` first erases thin ruling lines, evens out the
lighting, turns dark filled areas light, and scales the image up until text is about
26 px tall. Page segmentation mode 6 (one uniform block of text) then reads a table row by
row. Share of words read exactly on 30 rendered tables (14-32 px fonts, ruled and unruled,
1,332 words): psm 6 0.495 on the raw image, 0.993 prepared; psm 4 0.975 raw, 0.982
prepared; sparse psm 11 0.876 raw, 0.888 prepared (it drops one-character cells: "7", "0").

OpenMP inside tesseract is limited to one thread by default: with several workers per
machine its threads only compete, and even alone it was slower (0.55 s against 0.2 s on a
1200x600 table on two cores).
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import cv2
import numpy as np
from PIL import Image

from services.model import Word
from services.ocr.base import EngineUnavailable
from services.tables.lines import normalized_gray

DEFAULT_PSM = 6
TEXT_HEIGHT = 26  # px: the median glyph height ``prepare`` scales small text up to
MAX_SCALE = 3.0
MAX_PIXELS = 20_000_000  # no upscaling past this: time grows with pixels
_THICK = 9  # px: a dark run thicker than this is a filled area, not a ruling
_RULING_RE = re.compile(r"^[|¦]+$")  # a ruling the eraser missed, read as text


class TesseractEngine:
    name = "tesseract"

    def __init__(self, lang: str = "eng", binary: str = "tesseract", psm: int = DEFAULT_PSM,
                 timeout: float = 120, threads: int = 1):
        reason = self.unavailable_reason(binary, lang)
        if reason:
            raise EngineUnavailable(reason)
        self.binary = shutil.which(binary)
        self.lang = lang
        self.psm = psm
        self.timeout = timeout
        self.threads = max(1, threads)
        self.version = _version(self.binary)

    @staticmethod
    def unavailable_reason(binary: str = "tesseract", lang: str = "eng") -> str | None:
        """Why tesseract cannot run with ``lang`` (e.g. "eng+deu") here, or None."""
        path = shutil.which(binary)
        if path is None:
            return "tesseract is not installed (apt-get install tesseract-ocr)"
        try:
            installed = installed_languages(path)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"tesseract does not run: {exc}"
        wanted = [code for code in lang.split("+") if code]
        if not wanted:
            return "no tesseract language given (OCR_LANG, e.g. eng or eng+deu)"
        missing = [code for code in wanted if code not in installed]
        if missing:
            packages = " ".join("tesseract-ocr-" + code.lower().replace("_", "-") for code in missing)
            return (f"tesseract has no language data for {', '.join(missing)} "
                    f"(apt-get install {packages}); installed: {', '.join(sorted(installed)) or 'none'}")
        return None

    def recognize(self, image: Image.Image) -> list[Word]:
        prepared, scale = prepare(image)
        png = io.BytesIO()
        prepared.save(png, format="PNG", compress_level=1)  # a pipe: speed over size
        command = [self.binary, "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": str(self.threads)}
        try:
            done = subprocess.run(command, input=png.getvalue(), capture_output=True,
                                  timeout=self.timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"tesseract took longer than {self.timeout:g}s") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"tesseract failed ({done.returncode}): {' | '.join(detail)}")
        words = parse_tsv(done.stdout.decode("utf-8", "replace"))
        if scale == 1:
            return words
        return [Word(w.text, tuple(v / scale for v in w.bbox), w.confidence) for w in words]


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """Grayscale, dark text on light, thin ruling lines painted over with the background
    around them, scaled by the returned factor so the median glyph is TEXT_HEIGHT px, and
    uneven lighting evened out (tesseract's global threshold fails on it)."""
    gray = normalized_gray(image)
    # Local threshold: uneven lighting stays background, and a filled (dark header) area
    # leaves only its outline, which the thickness test in _ruling_mask keeps from erasure.
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    height = _glyph_height(ink)
    lines = _ruling_mask(ink, 3 * height if height else 0)
    if lines.any():
        background = cv2.dilate(gray, np.ones((7, 7), np.uint8))  # a max filter: lines vanish
        gray = np.where(lines > 0, background, gray)
        height = _glyph_height(cv2.bitwise_and(ink, cv2.bitwise_not(lines)))
    gray = _invert_dark_fills(_even_out_lighting(gray), height)
    scale = _scale_for(height, gray.shape)
    if scale != 1:
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_LANCZOS4)
    return Image.fromarray(gray), scale


def _invert_dark_fills(gray: np.ndarray, height: float | None) -> np.ndarray:
    """Light text on a dark filled area (a shaded header row) turned dark on light, since
    tesseract takes such an area for a picture. A fill is what stays dark after an opening
    that removes text strokes, with the light glyphs inside it closed up, and at least
    1.5 glyph heights tall and wide. Runs after lighting is evened out, so shadows are paper."""
    h = height or 15
    dark = np.where(gray < 128, 255, 0).astype(np.uint8)
    stroke = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(0.35 * h)) | 1,) * 2)
    glyph = cv2.getStructuringElement(cv2.MORPH_RECT, (int(1.5 * h) | 1,) * 2)
    solid = cv2.morphologyEx(cv2.morphologyEx(dark, cv2.MORPH_OPEN, stroke), cv2.MORPH_CLOSE, glyph)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=4)
    big = (np.minimum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= 1.5 * h)
    big[0] = False
    if not big.any():
        return gray
    return np.where(big[labels], 255 - gray, gray).astype(np.uint8)


def _ruling_mask(ink: np.ndarray, min_length: float) -> np.ndarray:
    """Pixels of long, thin horizontal or vertical dark runs: longer than ``min_length``
    (three glyph heights, so letter stems stay), 1/15 of the image and 30 px."""
    h, w = ink.shape

    def opened(mask, kw, kh):
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))

    horizontal = opened(ink, int(max(30, w // 15, min_length)), 1)
    horizontal = cv2.bitwise_and(horizontal, cv2.bitwise_not(opened(horizontal, 1, _THICK)))
    vertical = opened(ink, 1, int(max(30, h // 15, min_length)))
    vertical = cv2.bitwise_and(vertical, cv2.bitwise_not(opened(vertical, _THICK, 1)))
    return cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))


def _even_out_lighting(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's brightness, estimated as a wide max filter (computed at a
    quarter size: it only has to follow the light). The estimate never drops below half
    the brightest paper, so a dark filled area stays dark instead of becoming paper."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(9, min(small.shape) // 6) | 1
    paper = cv2.blur(cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))), (k, k))
    paper = np.maximum(paper, 0.5 * float(np.percentile(paper, 95))).astype(np.float32)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(gray.astype(np.float32) * (255.0 / np.maximum(paper, 1.0)), 0, 255).astype(np.uint8)


def _glyph_height(ink: np.ndarray) -> float | None:
    """Median height of glyph-like connected components; None when there are too few."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    glyphs = heights[(heights >= 4) & (heights <= ink.shape[0] / 4) & (widths <= 3 * heights)]
    return float(np.median(glyphs)) if len(glyphs) >= 5 else None


def _scale_for(height: float | None, shape: tuple[int, ...]) -> float:
    """Upscale factor bringing the median glyph to TEXT_HEIGHT, within MAX_SCALE/MAX_PIXELS."""
    if not height:
        return 1.0
    scale = min(MAX_SCALE, TEXT_HEIGHT / height, (MAX_PIXELS / (shape[0] * shape[1])) ** 0.5)
    return scale if scale > 1.05 else 1.0


def parse_tsv(tsv: str) -> list[Word]:
    """Words from tesseract's TSV, in its reading order (block, paragraph, line, word).

    Columns: level page_num block_num par_num line_num word_num left top width height conf
    text. Level 5 rows are words; conf -1 marks rows that hold no recognised text.
    """
    words: list[Word] = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = fields[11].strip()
        try:
            left, top, width, height = (int(v) for v in fields[6:10])
            conf = float(fields[10])
        except ValueError:
            continue
        if conf < 0 or not text or _RULING_RE.match(text):
            continue
        words.append(Word(text, (float(left), float(top), float(left + width), float(top + height)),
                          min(1.0, conf / 100)))
    return words


def installed_languages(binary: str = "tesseract") -> set[str]:
    done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    lines = (done.stdout + "\n" + done.stderr).splitlines()
    # The first line is 'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (2):'
    return {line.strip() for line in lines if line.strip() and not line.startswith("List of")
            and " " not in line.strip()}


def _version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    match = re.search(r"tesseract\s+v?(\S+)", done.stdout + done.stderr)
    return match.group(1) if match else "unknown"
