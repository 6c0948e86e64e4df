from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def clean_filename(name: str | None, index: int) -> str:
    """The last path component of a client's file name, without control characters,
    at most 200 characters; ``image-<n>`` when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    return name[:200] or f"image-{index + 1}"
