"""RQ job functions. Arguments are ids only; the uploaded bytes stay in storage."""
from __future__ import annotations

from rq import get_current_job

from jobs import runtime
from services import conversion


def process_file(job_id: str, index: int) -> dict | None:
    try:
        state = conversion.convert_file(runtime.context(), runtime.engine, job_id, index)
    except conversion.PERMANENT_FAILURES:
        get_current_job().retries_left = 0  # retries are for dead workers, not for bad files
        raise
    return state.__dict__ if state else None


def assemble_workbook(job_id: str) -> str | None:
    return conversion.assemble_workbook(runtime.context(), job_id)
