"""OCR engines by name. An engine is built once per process and reused for every image."""
from __future__ import annotations

from services.ocr.base import EngineUnavailable, OcrEngine

ENGINE_NAMES = ("rapidocr",)


def create_engine(name: str, threads: int = 0) -> OcrEngine:
    if name == "rapidocr":
        from services.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=threads)
    raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(ENGINE_NAMES)}")


def engine_version(name: str) -> str:
    """The engine's version without loading it (it goes into cache keys)."""
    from importlib.metadata import version

    if name == "rapidocr":
        return version("rapidocr_onnxruntime")
    raise EngineUnavailable(f"unknown OCR engine {name!r}")


def engine_module(name: str) -> str:
    return {"rapidocr": "rapid"}[name]


__all__ = ["ENGINE_NAMES", "EngineUnavailable", "OcrEngine", "create_engine", "engine_version", "engine_module"]
