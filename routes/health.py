from __future__ import annotations

from flask import Blueprint, Response, jsonify

from controllers import health
from routes.common import services
from utils.version import __version__

bp = Blueprint("health", __name__)


@bp.get("/health/live")
def live():
    return jsonify({"status": "ok"})


@bp.get("/health/ready")
def ready():
    ok, checks = health.readiness(services())
    return jsonify({"status": "ready" if ok else "not_ready", "checks": checks}), 200 if ok else 503


@bp.get("/health")
def details():
    ok, report = health.details(services(), __version__)
    return jsonify(report), 200 if ok else 503


@bp.get("/metrics")
def metrics():
    return Response(health.metrics_text(services()), mimetype="text/plain; version=0.0.4")
