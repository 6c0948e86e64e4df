"""A request id on every request: taken from X-Request-ID when it looks sane, else new."""
from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

from utils import logs

_VALID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
HEADER = "X-Request-ID"


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        logs.clear()
        logs.bind(request_id=g.request_id)

    @app.after_request
    def echo_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response
