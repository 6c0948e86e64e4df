"""Every error leaves as ``{"error": {"code", "message", "details"}}`` with the right status."""
from __future__ import annotations

import logging

import redis
from flask import Flask, jsonify
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from utils.errors import ApiError

log = logging.getLogger(__name__)


def _respond(error: ApiError):
    response = jsonify(error.envelope())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return _respond(exc)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return _respond(ApiError(413, "payload_too_large",
                                 f"the request body is larger than the limit of {limit} bytes",
                                 {"max_content_length": limit}))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded):
        return _respond(ApiError(429, "rate_limited", f"rate limit exceeded: {exc.description}",
                                 {"limit": exc.description}))

    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def store_unavailable(exc):
        log.error("redis unavailable: %s", exc)
        return _respond(ApiError(503, "service_unavailable", "the job store is unreachable; try again shortly",
                                 headers={"Retry-After": "5"}))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        error = ApiError(exc.code or 500, _http_code(exc), exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            error.headers["Allow"] = ", ".join(exc.valid_methods)
        return _respond(error)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return _respond(ApiError(500, "internal_error", "an unexpected error occurred; it has been logged"))
