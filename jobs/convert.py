"""RQ job functions. Arguments are ids only; the uploaded bytes stay in storage."""
from __future__ import annotations

from jobs import runtime
from services import conversion


def process_file(job_id: str, index: int) -> dict | None:
    state = conversion.convert_file(runtime.context(), runtime.engine, job_id, index)
    return state.__dict__ if state else None


def assemble_workbook(job_id: str) -> str | None:
    return conversion.assemble_workbook(runtime.context(), job_id)
