from __future__ import annotations

from flask import Blueprint, jsonify, request

from controllers import api_keys
from routes.common import services

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.get("/keys")
def list_keys():
    return jsonify(api_keys.list_keys(services()))


@bp.post("/keys")
def create_key():
    body = request.get_json(silent=True)
    if body is None:
        body = request.form.to_dict()
    return jsonify(api_keys.create_key(services(), body)), 201


@bp.delete("/keys/<key_id>")
def revoke_key(key_id: str):
    return jsonify(api_keys.revoke_key(services(), key_id))
