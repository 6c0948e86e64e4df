"""Blob storage every web and worker process can reach, with expiry and no cron.

``redis`` (default) keeps blobs in Redis with a TTL. ``filesystem`` writes them below a
directory on a volume shared by all processes; a blob's mtime is its expiry time, expired
blobs read as missing and are swept, at most once a minute, by any process that writes.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Protocol

import redis


class Storage(Protocol):
    def put(self, key: str, data: bytes, ttl: int) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, *keys: str) -> None: ...


class RedisStorage:
    def __init__(self, client: redis.Redis, prefix: str):
        self._redis = client
        self._prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self._prefix}:blob:{key}"

    def put(self, key: str, data: bytes, ttl: int) -> None:
        self._redis.set(self._key(key), data, ex=ttl)

    def get(self, key: str) -> bytes | None:
        return self._redis.get(self._key(key))

    def delete(self, *keys: str) -> None:
        if keys:
            self._redis.delete(*(self._key(k) for k in keys))


class FilesystemStorage:
    SWEEP_EVERY = 60.0

    def __init__(self, root: str):
        self._root = Path(root)
        self._root.mkdir(parents=True, exist_ok=True)
        self._last_sweep = 0.0

    def _path(self, key: str) -> Path:
        safe = key.replace("..", "_").strip("/")
        return self._root / safe

    def put(self, key: str, data: bytes, ttl: int) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        expires = time.time() + ttl
        os.utime(tmp, (expires, expires))
        os.replace(tmp, path)
        self._maybe_sweep()

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            if path.stat().st_mtime < time.time():
                path.unlink(missing_ok=True)
                return None
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, *keys: str) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def _maybe_sweep(self) -> None:
        now = time.time()
        if now - self._last_sweep < self.SWEEP_EVERY:
            return
        self._last_sweep = now
        for path in self._root.rglob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < now and not path.name.startswith(".tmp-"):
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                continue


def make_storage(backend: str, client: redis.Redis, prefix: str, directory: str) -> Storage:
    if backend == "redis":
        return RedisStorage(client, prefix)
    if backend == "filesystem":
        return FilesystemStorage(directory)
    raise ValueError(f"STORAGE_BACKEND must be redis or filesystem, not {backend!r}")
