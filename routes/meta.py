from __future__ import annotations

from flask import Blueprint, jsonify

from utils.version import API_VERSION, __version__

bp = Blueprint("meta", __name__)


@bp.get("/api/v1/version")
def version():
    return jsonify({"version": __version__, "api": API_VERSION})
