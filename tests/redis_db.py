"""Each test run claims a Redis database of its own on REDIS_URL's server, so runs never
see each other's data; it is flushed when claimed and when released."""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse, urlunparse

import redis

LOCK = "tablesnap-test-run"


def claim_database(base_url: str | None = None, lock_seconds: int = 3 * 3600) -> tuple[str, str]:
    base_url = base_url or os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    token = uuid.uuid4().hex
    parsed = urlparse(base_url)
    databases = int(redis.Redis.from_url(base_url).config_get("databases").get("databases", 16))
    for db in range(databases - 1, 0, -1):
        url = urlunparse(parsed._replace(path=f"/{db}"))
        client = redis.Redis.from_url(url)
        if client.set(LOCK, token, nx=True, ex=lock_seconds):
            for key in client.scan_iter(count=1000):
                if key != LOCK.encode():
                    client.delete(key)
            return url, token
    raise RuntimeError(f"no free Redis database on {base_url}: every one is claimed by another test run")


def release_database(url: str, token: str) -> None:
    client = redis.Redis.from_url(url)
    if client.get(LOCK) == token.encode():
        client.flushdb()
