"""Who is calling: API keys are compared by hash and never kept in the clear."""
from __future__ import annotations

import hashlib
import hmac


def key_id(api_key: str) -> str:
    """A stable, non-reversible id for a key; jobs are owned by it."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:32]


class KeyRing:
    def __init__(self, keys: list[str]):
        self._ids = [key_id(k) for k in keys]

    def identify(self, api_key: str) -> str | None:
        candidate = key_id(api_key)
        match = None
        for known in self._ids:
            if hmac.compare_digest(candidate, known):
                match = known
        return match
