"""Use case: cancel a queued or running job and delete its files."""
from __future__ import annotations

import time

from controllers.job_views import job_detail, owned_job
from services.context import ServiceContext, result_key, upload_key, workbook_key
from services.conversion import notify_end
from services.jobstore import FINAL_STATES, FileState
from services.queueing import stop_conversion
from utils.errors import ApiError


def cancel_job(ctx: ServiceContext, owner: str, job_id: str) -> dict:
    record = owned_job(ctx, owner, job_id)
    if record.status != "canceled":
        if not ctx.jobs.transition(job_id, "canceled", ("queued", "started")):
            status = ctx.jobs.status(job_id)
            raise ApiError(409, "job_already_ended", f"the job has already {status}; it expires on its own",
                           {"status": status})
        now = time.time()
        ctx.jobs.set_fields(job_id, finished_at=now)
        for entry, state in zip(record.files, record.file_states):
            if state.status not in FINAL_STATES:
                ctx.jobs.set_file_state(job_id, entry.index,
                                        FileState(status="canceled", started_at=state.started_at, finished_at=now))
        stop_conversion(ctx.queue, job_id, len(record.files))
        notify_end(ctx, job_id, "canceled")
    ctx.storage.delete(*{upload_key(job_id, e.upload_index) for e in record.files},
                       *[result_key(job_id, e.index) for e in record.files], workbook_key(job_id))
    return job_detail(owned_job(ctx, owner, job_id))
