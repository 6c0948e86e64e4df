"""API key authentication (``X-API-Key`` or ``Authorization: Bearer``) for the API blueprints,
and the admin key for the admin blueprint."""
from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request

from utils.errors import ApiError


def presented_key() -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _unauthorized(code: str, message: str) -> ApiError:
    error = 'error="invalid_token"' if code.startswith("invalid") else ""
    return ApiError(401, code, message, headers={"WWW-Authenticate": f'Bearer realm="tablesnap"{", " + error if error else ""}'})


def init_app(app: Flask, protected_blueprints: tuple[str, ...], admin_blueprint: str) -> None:
    settings = app.config["SETTINGS"]

    @app.before_request
    def require_api_key():
        if request.blueprint not in (*protected_blueprints, admin_blueprint):
            return None
        key = presented_key()
        if not key:
            raise _unauthorized("missing_api_key", "send your API key in the X-API-Key header")
        if request.blueprint == admin_blueprint:
            if not settings.admin_api_key or not hmac.compare_digest(key.encode(), settings.admin_api_key.encode()):
                raise _unauthorized("invalid_api_key", "the admin key is not valid")
            return None
        record = current_app.extensions["tablesnap"].keys.authenticate(key)
        if record is None:
            raise _unauthorized("invalid_api_key", "the API key is not valid or has been revoked")
        g.api_key = record
        g.owner = record.id
        return None
