"""RQ job: deliver a job's webhook. A failed attempt raises, so RQ retries it on schedule."""
from __future__ import annotations

import time

from jobs import runtime
from services import webhooks


def deliver_webhook(job_id: str) -> int | None:
    ctx = runtime.context()
    record = ctx.jobs.get(job_id)
    if record is None or not record.options.get("callback_url"):
        return None
    settings = ctx.settings
    attempt = {"attempted_at": time.time()}
    try:
        attempt["status_code"] = webhooks.deliver(
            record.options["callback_url"], webhooks.job_payload(record), settings.webhook_secret,
            allow_private=settings.webhook_allow_private, timeout=settings.webhook_timeout)
        return attempt["status_code"]
    except (webhooks.DeliveryFailed, webhooks.InvalidCallback) as exc:
        attempt["error"] = str(exc)
        raise
    finally:
        ctx.jobs.record_webhook_attempt(job_id, attempt)
