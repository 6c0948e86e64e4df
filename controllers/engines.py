"""Use case: which OCR engines this deployment offers, and whether each can run."""
from __future__ import annotations

from services.context import ServiceContext
from services.ocr import ENGINE_NAMES, engine_status
from utils.errors import ApiError


def list_engines(ctx: ServiceContext) -> dict:
    default = ctx.settings.ocr_engine
    return {"default": default, "engines": [
        {**engine_status(name, ctx.settings).__dict__, "default": name == default} for name in ENGINE_NAMES]}


def require_available(ctx: ServiceContext, name: str) -> None:
    status = engine_status(name, ctx.settings)
    if not status.available:
        raise ApiError(400, "engine_unavailable", f"the {name} engine is not available here: {status.reason}",
                       {"engine": name, "reason": status.reason})
