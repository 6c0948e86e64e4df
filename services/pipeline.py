"""One image in, recovered tables out: the whole domain pipeline, shared by RQ jobs and the CLI."""
from __future__ import annotations

import time

from services.images import load_rgb
from services.model import ImageResult
from services.ocr.base import OcrEngine
from services.preprocess import straighten
from services.tables import recover_tables


def convert_image(data: bytes, engine: OcrEngine, *, max_pixels: int, locale: str = "en") -> ImageResult:
    started = time.perf_counter()
    image = load_rgb(data, max_pixels)
    image, _ = straighten(image)
    decoded = time.perf_counter()
    if hasattr(engine, "extract_tables"):  # engines that read whole tables (olmocr) skip recovery
        tables = engine.extract_tables(image, locale=locale)
        recognised = time.perf_counter()
    else:
        words = engine.recognize(image)
        recognised = time.perf_counter()
        tables = recover_tables(image, words, locale=locale)
    finished = time.perf_counter()
    return ImageResult(
        tables=tables, width=image.width, height=image.height, engine=engine.name,
        timings={"decode": decoded - started, "ocr": recognised - decoded, "tables": finished - recognised},
    )
