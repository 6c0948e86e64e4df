"""What a worker process holds for all its jobs: the service context and the OCR engine.

``TablesnapWorker`` calls ``preload()`` before it forks any job, so every forked job process
inherits the loaded model. A plain ``rq worker`` still works: the first job builds it.
"""
from __future__ import annotations

import logging

from config import load_settings
from services.context import ServiceContext, build_context
from services.ocr import OcrEngine, create_engine
from services.result_cache import pipeline_fingerprint

log = logging.getLogger(__name__)

_context: ServiceContext | None = None
_engines: dict[str, OcrEngine] = {}


def context() -> ServiceContext:
    global _context
    if _context is None:
        _context = build_context(load_settings())
    return _context


def engine(name: str | None = None) -> OcrEngine:
    settings = context().settings
    name = name or settings.ocr_engine
    if name not in _engines:
        _engines[name] = create_engine(name, settings)
    return _engines[name]


def preload() -> OcrEngine:
    """Build the context and the default engine, and run it once so lazy initialisation
    (ONNX session warm-up) happens here rather than in the first job."""
    from PIL import Image, ImageDraw

    default = engine()
    pipeline_fingerprint()  # once, so every forked job uses the same cache keys
    sample = Image.new("RGB", (240, 60), "white")
    ImageDraw.Draw(sample).text((10, 20), "warm up 123", fill="black")
    default.recognize(sample)
    log.info("OCR engine %s %s loaded", default.name, default.version)
    return default
