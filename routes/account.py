from __future__ import annotations

from flask import Blueprint, g, jsonify

from controllers import api_keys
from routes.common import services

bp = Blueprint("account", __name__, url_prefix="/api/v1/keys")


@bp.get("/me")
def me():
    return jsonify(api_keys.my_key(services(), g.api_key))
