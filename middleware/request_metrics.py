"""Request counts and latency by route template (not raw path, so job ids do not explode
the label set), method and status; the latency also goes back to the client in Server-Timing."""
from __future__ import annotations

import time

from flask import Flask, current_app, g, request

from services.metrics import LATENCY_BUCKETS


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def record(response):
        started = g.pop("request_started", None)
        if started is None:
            return response
        elapsed = time.perf_counter() - started
        response.headers["Server-Timing"] = f"app;dur={elapsed * 1000:.1f}"
        route = request.url_rule.rule if request.url_rule else "unmatched"
        metrics = current_app.extensions["tablesnap"].metrics
        try:
            metrics.inc("tablesnap_http_requests_total",
                        {"route": route, "method": request.method, "status": response.status_code})
            metrics.observe("tablesnap_http_request_duration_seconds", {"route": route},
                            elapsed, LATENCY_BUCKETS)
        except Exception:  # metrics must never turn an answer into an error (e.g. Redis down)
            current_app.logger.warning("could not record request metrics", exc_info=True)
        return response
