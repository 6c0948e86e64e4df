"""OCR engines by name: what each needs, whether it can run here, and building it.

An engine is built once per worker process and reused for every image. Whether it is
available is known without building it, so a request for an engine that cannot run is
refused at upload (400) instead of failing later in a worker.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import lru_cache

from config import Settings
from services.ocr.base import EngineUnavailable, OcrEngine

ENGINE_NAMES = ("rapidocr", "tesseract", "olmocr")


@dataclass(frozen=True)
class EngineStatus:
    name: str
    available: bool
    reason: str | None
    version: str | None
    description: str


@lru_cache(maxsize=8)
def _tesseract_version(binary: str) -> str:
    from services.ocr.tesseract import _version

    return _version(binary)


def engine_status(name: str, settings: Settings) -> EngineStatus:
    if name == "rapidocr":
        from services.ocr.second_reading import versions

        return EngineStatus(name, True, None, versions(),
                            "PP-OCRv4 detection, PP-OCRv4 + PP-OCRv6 recognition through ONNX Runtime, "
                            "offline on CPU (default)")
    if name == "tesseract":
        from services.ocr.tesseract import TesseractEngine

        reason = TesseractEngine.unavailable_reason(settings.tesseract_binary, settings.ocr_lang)
        version = _tesseract_version(settings.tesseract_binary) if shutil.which(settings.tesseract_binary) else None
        return EngineStatus(name, reason is None, reason, version, f"Tesseract ({settings.ocr_lang}), offline on CPU")
    if name == "olmocr":
        from services.ocr.olmocr import OlmOcrEngine

        reason = OlmOcrEngine.unavailable_reason(settings.olmocr_api_key, settings.olmocr_base_url)
        return EngineStatus(name, reason is None, reason, settings.olmocr_model,
                            "olmOCR vision-language model behind an OpenAI-compatible API (remote)")
    raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(ENGINE_NAMES)}")


def create_engine(name: str, settings: Settings) -> OcrEngine:
    status = engine_status(name, settings)
    if not status.available:
        raise EngineUnavailable(f"{name}: {status.reason}")
    if name == "rapidocr":
        from services.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=settings.ocr_threads)
    if name == "tesseract":
        from services.ocr.tesseract import TesseractEngine

        return TesseractEngine(lang=settings.ocr_lang, binary=settings.tesseract_binary, psm=settings.tesseract_psm,
                               threads=max(1, settings.ocr_threads))
    from services.ocr.olmocr import OlmOcrEngine

    return OlmOcrEngine(base_url=settings.olmocr_base_url, api_key=settings.olmocr_api_key,
                        model=settings.olmocr_model, timeout_connect=settings.olmocr_connect_timeout,
                        timeout_read=settings.olmocr_timeout, max_retries=settings.olmocr_max_retries,
                        max_image_side=settings.olmocr_max_image_side, max_tokens=settings.olmocr_max_tokens,
                        total_timeout=max(30, settings.job_timeout - 15))


def engine_version(name: str, settings: Settings) -> str:
    """The engine's version without building it (it goes into cache keys)."""
    return engine_status(name, settings).version or "unknown"


__all__ = ["ENGINE_NAMES", "EngineStatus", "EngineUnavailable", "OcrEngine", "create_engine", "engine_status",
           "engine_version"]
