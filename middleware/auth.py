"""API key authentication for the blueprints that need it (``X-API-Key`` or Bearer)."""
from __future__ import annotations

from flask import Flask, g, request

from services.api_keys import KeyRing
from utils.errors import ApiError


def presented_key() -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def init_app(app: Flask, protected_blueprints: tuple[str, ...]) -> None:
    keyring = KeyRing(app.config["SETTINGS"].api_keys)

    @app.before_request
    def require_api_key():
        if request.blueprint not in protected_blueprints:
            return None
        key = presented_key()
        if not key:
            raise ApiError(401, "missing_api_key", "send your API key in the X-API-Key header",
                           headers={"WWW-Authenticate": 'Bearer realm="tablesnap"'})
        owner = keyring.identify(key)
        if owner is None:
            raise ApiError(401, "invalid_api_key", "the API key is not valid",
                           headers={"WWW-Authenticate": 'Bearer realm="tablesnap", error="invalid_token"'})
        g.owner = owner
        return None
