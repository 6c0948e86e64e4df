"""Use cases: create, list and revoke API keys (admin), and a caller's own usage."""
from __future__ import annotations

from controllers.schemas import CreateKeySchema, load
from services.api_keys import KeyRecord
from services.context import ServiceContext
from utils.errors import ApiError
from utils.timefmt import iso


def key_view(record: KeyRecord, settings) -> dict:
    return {
        "id": record.id, "name": record.name, "created_at": iso(record.created_at),
        "last_used_at": iso(record.last_used_at), "request_count": record.request_count,
        "rate": record.rate or settings.rate_limit_default, "quota": record.quota,
        "upload_rate": settings.rate_limit_uploads, "image_rate": settings.rate_limit_images,
        "revoked": record.revoked, "configured": record.static,
    }


def create_key(ctx: ServiceContext, body: dict) -> dict:
    params = load(CreateKeySchema(), body)
    api_key, record = ctx.keys.create(params["name"], rate=params["rate"], quota=params["quota"])
    return {"api_key": api_key, "note": "store this key now: it is not shown again", **key_view(record, ctx.settings)}


def list_keys(ctx: ServiceContext) -> dict:
    return {"keys": [key_view(r, ctx.settings) for r in ctx.keys.list()]}


def revoke_key(ctx: ServiceContext, key_id: str) -> dict:
    if not ctx.keys.revoke(key_id):
        raise ApiError(404, "key_not_found", f"no API key with id {key_id!r}")
    return key_view(ctx.keys.get(key_id), ctx.settings)


def my_key(ctx: ServiceContext, record: KeyRecord) -> dict:
    return key_view(ctx.keys.get(record.id) or record, ctx.settings)
