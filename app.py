"""The application factory: ``create_app()`` for gunicorn (``app:create_app()``), tests and the CLI."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import cli
from config import Config, config_for
from middleware import auth, errors, rate_limits, request_id, request_metrics
from routes import account, admin, convert, engines, health, jobs, meta, openapi, web
from services.context import build_context
from utils import logs

API_BLUEPRINTS = ("convert", "jobs", "account", "engines")
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "admin"}


def create_app(config: Config | str | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.from_object(config if isinstance(config, Config) else config_for(config))
    app.json.sort_keys = False
    settings = app.config["SETTINGS"]
    if app.config["ENV_NAME"] == "production":
        _refuse_unsafe_production(settings)
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["tablesnap"] = build_context(settings)

    for blueprint in (convert.bp, jobs.bp, account.bp, engines.bp, admin.bp, health.bp, meta.bp, openapi.bp, web.bp):
        app.register_blueprint(blueprint)

    request_id.init_app(app)
    request_metrics.init_app(app)
    errors.init_app(app)
    auth.init_app(app, protected_blueprints=API_BLUEPRINTS, admin_blueprint="admin")
    rate_limits.init_app(app, upload_blueprint="convert", exempt_blueprints=("health", "docs", "web"))
    cli.init_app(app)
    logs.configure(settings.log_format, settings.log_level)
    return app


def _refuse_unsafe_production(settings) -> None:
    if not settings.api_keys and not settings.admin_api_key:
        raise RuntimeError("production needs API keys: set API_KEYS or ADMIN_API_KEY (to create keys)")
    admin_key = settings.admin_api_key
    if admin_key and (admin_key.lower() in PLACEHOLDER_SECRETS or len(admin_key) < 32):
        raise RuntimeError("ADMIN_API_KEY is a placeholder or shorter than 32 characters")
    secret = settings.webhook_secret
    if secret and (secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32):
        raise RuntimeError("WEBHOOK_SECRET is a placeholder or shorter than 32 characters")
    weak = [k for k in settings.api_keys if k.lower() in PLACEHOLDER_SECRETS or len(k) < 32]
    if weak:
        raise RuntimeError("API_KEYS holds a placeholder or a key shorter than 32 characters")
