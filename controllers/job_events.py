"""Use case: the stream of a job's progress events, starting from its current state."""
from __future__ import annotations

from collections.abc import Iterator

from controllers.job_views import owned_job
from services.context import ServiceContext
from services.events import END_EVENTS, Subscription

Event = tuple[str, dict]


def job_events(ctx: ServiceContext, owner: str, job_id: str, heartbeat: float) -> Iterator[Event | None]:
    """(event, data) pairs, None for a heartbeat; ends with the job. Ownership is checked
    before the first item so a 404 can still be answered as JSON."""
    owned_job(ctx, owner, job_id)
    subscription = Subscription(ctx.redis, ctx.settings.key_prefix, job_id)
    return _stream(ctx, owner, job_id, subscription, heartbeat)


def _stream(ctx, owner, job_id, subscription, heartbeat) -> Iterator[Event | None]:
    try:
        record = owned_job(ctx, owner, job_id)
        yield "progress", {"job_id": job_id, **record.progress()}
        if record.status in END_EVENTS:
            yield record.status, {"job_id": job_id, "status": record.status, "error": record.error}
            return
        for item in subscription.events(heartbeat):
            yield item
            if item is not None and item[0] in END_EVENTS:
                return
    finally:
        subscription.close()
