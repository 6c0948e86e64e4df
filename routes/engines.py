from __future__ import annotations

from flask import Blueprint, jsonify

from controllers import engines
from routes.common import services

bp = Blueprint("engines", __name__, url_prefix="/api/v1")


@bp.get("/engines")
def list_engines():
    return jsonify(engines.list_engines(services()))
