"""Use cases: liveness, readiness and the detailed health report."""
from __future__ import annotations

import time

from rq import Worker

from controllers.engines import list_engines
from services.context import ServiceContext


def readiness(ctx: ServiceContext) -> tuple[bool, dict]:
    """Ready when Redis answers and at least one worker listens on our queue."""
    checks: dict = {}
    started = time.perf_counter()
    try:
        ctx.redis.ping()
        checks["redis"] = {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return False, checks
    workers = Worker.all(queue=ctx.queue)
    checks["workers"] = {"ok": bool(workers), "count": len(workers)}
    checks["queue"] = {"name": ctx.queue.name, "depth": ctx.queue.count}
    return bool(workers), checks


def details(ctx: ServiceContext, version: str) -> tuple[bool, dict]:
    ready, checks = readiness(ctx)
    if checks["redis"]["ok"]:
        checks["workers"]["busy"] = sum(w.get_state() == "busy" for w in Worker.all(queue=ctx.queue))
        checks["queue"]["failed"] = ctx.queue.failed_job_registry.count
        checks["queue"]["started"] = ctx.queue.started_job_registry.count
    return ready, {
        "status": "ok" if ready else "degraded",
        "version": version,
        "storage_backend": ctx.settings.storage_backend,
        "default_engine": ctx.settings.ocr_engine,
        "engines": {e["name"]: {"available": e["available"], "reason": e["reason"], "version": e["version"]}
                    for e in list_engines(ctx)["engines"]},
        "checks": checks,
    }


def metrics_text(ctx: ServiceContext) -> str:
    """Stored counters and histograms plus the queue and worker gauges, measured now."""
    queue = ctx.queue
    registries = {"queued": queue.count, "started": queue.started_job_registry.count,
                  "deferred": queue.deferred_job_registry.count, "scheduled": queue.scheduled_job_registry.count,
                  "failed": queue.failed_job_registry.count, "finished": queue.finished_job_registry.count}
    workers = Worker.all(queue=queue)
    return ctx.metrics.render({
        "tablesnap_queue_depth": ("RQ jobs waiting in the queue", [({"queue": queue.name}, queue.count)]),
        "tablesnap_rq_jobs": ("RQ jobs by state", [({"queue": queue.name, "state": k}, v) for k, v in registries.items()]),
        "tablesnap_workers": ("registered workers by state",
                              [({"state": s}, sum(w.get_state() == s for w in workers)) for s in ("idle", "busy")]),
    })
