"""Use cases: one job's state, and the caller's jobs page by page."""
from __future__ import annotations

from controllers.job_views import job_detail, job_summary, owned_job
from controllers.schemas import PageQuerySchema, load
from services.context import ServiceContext
from services.queueing import reap_abandoned


def get_job(ctx: ServiceContext, owner: str, job_id: str) -> dict:
    record = owned_job(ctx, owner, job_id)
    if record.status in ("queued", "started"):  # queued too: a worker may die before it records the start
        reap_abandoned(ctx.queue)
        record = owned_job(ctx, owner, job_id)
    return job_detail(record)


def list_jobs(ctx: ServiceContext, owner: str, query: dict) -> dict:
    params = load(PageQuerySchema(), query)
    page, per_page = params["page"], params["per_page"]
    total, ids = ctx.jobs.list_for_owner(owner, (page - 1) * per_page, per_page)
    records = [r for r in (ctx.jobs.get(i) for i in ids) if r is not None]
    return {
        "jobs": [job_summary(r) for r in records],
        "page": page, "per_page": per_page, "total": total,
        "has_more": page * per_page < total,
    }
