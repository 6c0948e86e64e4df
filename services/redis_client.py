"""One Redis client per process and URL.

RQ stores pickled/JSON bytes, so the shared client must not decode responses.
"""
from __future__ import annotations

from functools import lru_cache

import redis


@lru_cache(maxsize=8)
def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)
