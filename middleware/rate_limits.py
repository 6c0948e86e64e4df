"""Rate limits with flask-limiter on Redis, so every gunicorn process and pod shares the counts.

Authenticated requests are counted per API key (a key's own rate and quota replace the
default), others per client address. Uploads have a stricter request limit plus a limit on
images, where a batch upload costs as many hits as it has files. Health routes are exempt.
"""
from __future__ import annotations

from flask import Flask, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _identity() -> str:
    record = g.get("api_key")
    return f"key:{record.id}" if record else f"ip:{get_remote_address()}"


def init_app(app: Flask, upload_blueprint: str, exempt_blueprints: tuple[str, ...]) -> Limiter:
    settings = app.config["SETTINGS"]

    def default_limits() -> str:
        record = g.get("api_key")
        if record is None:
            return settings.rate_limit_anonymous
        return ";".join(filter(None, [record.rate or settings.rate_limit_default, record.quota]))

    limiter = Limiter(key_func=_identity, default_limits=[default_limits], strategy="sliding-window-counter")
    limiter.init_app(app)
    uploads = app.blueprints[upload_blueprint]
    limiter.limit(lambda: settings.rate_limit_uploads, override_defaults=False, scope="uploads")(uploads)
    limiter.limit(lambda: settings.rate_limit_images, override_defaults=False, scope="images",
                  cost=lambda: max(1, len(request.files.getlist("files"))))(uploads)
    for name in exempt_blueprints:
        limiter.exempt(app.blueprints[name])
    return limiter
