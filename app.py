"""The application factory: ``create_app()`` for gunicorn (``app:create_app()``), tests and the CLI."""
from __future__ import annotations

import logging

from flask import Flask

import cli
from config import Config, config_for
from middleware import auth, errors, request_id
from routes import convert, health, jobs
from services.context import build_context


def create_app(config: Config | str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config if isinstance(config, Config) else config_for(config))
    app.json.sort_keys = False
    _check_production(app)
    app.extensions["tablesnap"] = build_context(app.config["SETTINGS"])

    request_id.init_app(app)
    errors.init_app(app)
    auth.init_app(app, protected_blueprints=("convert", "jobs"))

    for blueprint in (convert.bp, jobs.bp, health.bp):
        app.register_blueprint(blueprint)

    cli.init_app(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _check_production(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and not app.config["SETTINGS"].api_keys:
        raise RuntimeError("API_KEYS is empty: production refuses to start without API keys")
