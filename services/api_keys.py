"""API keys: random, shown once, stored only as a SHA-256 hash in Redis.

A key record holds its name, times, request count and its own limits. Keys listed in
API_KEYS (configuration) are also accepted, so a deployment can start with no admin step;
they have the default limits and no usage record.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import redis

KEY_PREFIX = "ts_"


def digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def key_id(api_key: str) -> str:
    """The public id of a key: what owns its jobs, safe to show and log."""
    return digest(api_key)[:16]


@dataclass
class KeyRecord:
    id: str
    name: str
    created_at: float | None = None
    last_used_at: float | None = None
    request_count: int = 0
    rate: str | None = None
    quota: str | None = None
    revoked: bool = False
    static: bool = False

    def public(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


class KeyStore:
    def __init__(self, client: redis.Redis, prefix: str, static_keys: list[str]):
        self._redis = client
        self._prefix = prefix
        self._static = {digest(k): KeyRecord(id=key_id(k), name="configured", static=True) for k in static_keys}

    def _record_key(self, id_: str) -> str:
        return f"{self._prefix}:apikey:{id_}"

    def _digest_key(self, hashed: str) -> str:
        return f"{self._prefix}:apikey-digest:{hashed}"

    def create(self, name: str, rate: str | None = None, quota: str | None = None) -> tuple[str, KeyRecord]:
        """A new key; the key itself is returned here and never again."""
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        record = KeyRecord(id=key_id(api_key), name=name, created_at=time.time(), rate=rate, quota=quota)
        fields = {"id": record.id, "name": name, "created_at": record.created_at, "request_count": 0,
                  "rate": rate or "", "quota": quota or "", "revoked": 0}
        with self._redis.pipeline() as pipe:
            pipe.hset(self._record_key(record.id), mapping=fields)
            pipe.set(self._digest_key(digest(api_key)), record.id)
            pipe.sadd(f"{self._prefix}:apikeys", record.id)
            pipe.execute()
        return api_key, record

    def authenticate(self, api_key: str) -> KeyRecord | None:
        """The key's record, counting this use; None for an unknown or revoked key."""
        hashed = digest(api_key)
        for known, record in self._static.items():
            if hmac.compare_digest(hashed, known):
                return record
        id_ = self._redis.get(self._digest_key(hashed))
        if id_ is None:
            return None
        record = self.get(id_.decode())
        if record is None or record.revoked:
            return None
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(self._record_key(record.id), "request_count", 1)
            pipe.hset(self._record_key(record.id), "last_used_at", time.time())
            pipe.execute()
        record.request_count += 1
        return record

    def get(self, id_: str) -> KeyRecord | None:
        raw = {k.decode(): v.decode() for k, v in self._redis.hgetall(self._record_key(id_)).items()}
        if not raw:
            return None
        return KeyRecord(
            id=raw["id"], name=raw["name"], created_at=float(raw["created_at"]),
            last_used_at=float(raw["last_used_at"]) if raw.get("last_used_at") else None,
            request_count=int(raw.get("request_count", 0)), rate=raw.get("rate") or None,
            quota=raw.get("quota") or None, revoked=raw.get("revoked") == "1",
        )

    def list(self) -> list[KeyRecord]:
        ids = sorted(i.decode() for i in self._redis.smembers(f"{self._prefix}:apikeys"))
        records = [r for r in (self.get(i) for i in ids) if r is not None]
        return sorted(records, key=lambda r: r.created_at or 0)

    def revoke(self, id_: str) -> bool:
        if not self._redis.exists(self._record_key(id_)):
            return False
        self._redis.hset(self._record_key(id_), "revoked", 1)
        return True
