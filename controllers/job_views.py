"""How a job is shown to its owner. Shared by the status, list and cancel use cases."""
from __future__ import annotations

from services.context import ServiceContext
from services.jobstore import JobRecord
from utils.errors import ApiError
from utils.timefmt import iso


def owned_job(ctx: ServiceContext, owner: str, job_id: str) -> JobRecord:
    """The job if it exists and belongs to ``owner``; 404 otherwise, so ids of other
    callers' jobs cannot be probed."""
    record = ctx.jobs.get(job_id) if job_id.isalnum() and len(job_id) <= 64 else None
    if record is None or record.owner != owner:
        raise ApiError(404, "job_not_found", f"no job {job_id!r} (jobs expire after their retention time)")
    return record


def job_summary(record: JobRecord) -> dict:
    end = record.finished_at
    return {
        "job_id": record.id,
        "status": record.status,
        "created_at": iso(record.created_at),
        "started_at": iso(record.started_at),
        "finished_at": iso(end),
        "progress": record.progress(),
        "options": {k: v for k, v in record.options.items() if v is not None},
        "timings": {
            "queued_seconds": _span(record.created_at, record.started_at),
            "processing_seconds": _span(record.started_at, end),
            "total_seconds": _span(record.created_at, end),
        },
        "error": record.error,
    }


def job_detail(record: JobRecord) -> dict:
    detail = job_summary(record)
    detail["files"] = [
        {
            "index": entry.index, "name": entry.name, "page": entry.page, "size": entry.size,
            "content_type": entry.content_type,
            "width": entry.width, "height": entry.height, "status": state.status, "error": state.error,
            "tables": state.tables, "cached": state.cached,
            "started_at": iso(state.started_at), "finished_at": iso(state.finished_at),
            "timings": {k: round(v, 4) for k, v in state.timings.items()},
        }
        for entry, state in zip(record.files, record.file_states)
    ]
    if record.webhook is not None:
        detail["webhook"] = {**record.webhook, "attempted_at": iso(record.webhook["attempted_at"])}
    return detail


def _span(start: float | None, end: float | None) -> float | None:
    return round(end - start, 3) if start is not None and end is not None else None
