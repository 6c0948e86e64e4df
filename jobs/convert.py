"""RQ job functions. Arguments are ids only; the uploaded bytes stay in storage."""
from __future__ import annotations

import logging

from rq import get_current_job

from jobs import runtime
from services import conversion
from utils import logs

log = logging.getLogger(__name__)


def _context(job_id: str, **extra):
    """Log lines of this job carry its id and the id of the request that created it."""
    current = get_current_job()
    request_id = current.meta.get("request_id") if current else None
    return logs.log_context(job_id=job_id, request_id=request_id, **extra)


def process_file(job_id: str, index: int) -> dict | None:
    with _context(job_id, file_index=str(index)):
        try:
            state = conversion.convert_file(runtime.context(), runtime.engine, job_id, index)
        except conversion.PERMANENT_FAILURES:
            get_current_job().retries_left = 0  # retries are for dead workers, not for bad files
            raise
        log.info("file %s of job %s: %s", index, job_id, state.status if state else "skipped (canceled)")
        return state.__dict__ if state else None


def assemble_workbook(job_id: str) -> str | None:
    with _context(job_id):
        status = conversion.assemble_workbook(runtime.context(), job_id)
        log.info("job %s %s", job_id, status or "skipped (canceled)")
        return status
