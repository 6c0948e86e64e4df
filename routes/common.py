from __future__ import annotations

from flask import current_app, g

from services.context import ServiceContext


def services() -> ServiceContext:
    return current_app.extensions["tablesnap"]


def owner() -> str:
    return g.owner
