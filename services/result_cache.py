"""Recovered tables cached by content: the same image bytes, read by the same engine and
pipeline with the same options, give the same tables, so they are read only once.

Entries are keyed by content only (never by API key or job), so a hit reveals nothing about
who uploaded the image first. A short lock per entry makes concurrent identical uploads do
one OCR: the first worker converts, the others wait for its entry.
"""
from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path

import redis

_SERVICES = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """A hash of the code that decides what tables come out, so a new release never serves
    results of an older one. All of services/ocr counts, not only the engine's own module:
    an engine reads through the helpers beside it (rapid.py through second_reading.py)."""
    digest = hashlib.sha256()
    files = sorted((_SERVICES / "tables").glob("*.py")) + sorted((_SERVICES / "ocr").glob("*.py")) + [
        _SERVICES / name for name in ("values.py", "pipeline.py", "images.py", "preprocess.py", "pdf.py")]
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(content_sha256: str, engine: str, engine_version: str, options: dict) -> str:
    material = json.dumps({"sha256": content_sha256, "engine": engine, "version": engine_version,
                           "options": options}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


class ResultCache:
    def __init__(self, client: redis.Redis, prefix: str, ttl: int):
        self._redis = client
        self._prefix = prefix
        self._ttl = ttl

    def _entry(self, key: str) -> str:
        return f"{self._prefix}:cache:{key}"

    def _lock(self, key: str) -> str:
        return f"{self._prefix}:cache-lock:{key}"

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        return self._redis.mget([self._entry(k) for k in keys]) if keys else []

    def get(self, key: str) -> bytes | None:
        return self._redis.get(self._entry(key))

    def put(self, key: str, payload: bytes) -> None:
        with self._redis.pipeline() as pipe:
            pipe.set(self._entry(key), payload, ex=self._ttl)
            pipe.delete(self._lock(key))
            pipe.execute()

    def claim(self, key: str, seconds: int) -> bool:
        """True if this caller should compute the entry; False if another is already at it."""
        return bool(self._redis.set(self._lock(key), 1, nx=True, ex=seconds))

    def release(self, key: str) -> None:
        self._redis.delete(self._lock(key))

    def wait(self, key: str, timeout: float, poll: float = 0.1) -> bytes | None:
        """The entry once another worker has written it; None if it gave up (lock gone or timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.get(key)
            if found is not None:
                return found
            if not self._redis.exists(self._lock(key)):
                return self.get(key)
            time.sleep(poll)
        return None
