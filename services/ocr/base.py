"""The contract every OCR engine meets."""
from __future__ import annotations

from typing import Protocol

from PIL import Image

from services.model import Word


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (binary missing, no API key, ...); the message says why."""


class OcrEngine(Protocol):
    """A word engine implements ``recognize``; table structure is then recovered from the words.
    A table engine (a vision-language model) implements ``extract_tables`` instead."""

    name: str
    version: str

    def recognize(self, image: Image.Image) -> list[Word]:
        """Words (text with pixel boxes in ``image`` coordinates and 0..1 confidence)."""
        ...
