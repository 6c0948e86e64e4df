"""The work behind the RQ jobs: convert one uploaded file, then assemble the workbook.

Kept free of RQ so the same steps run in-process for the CLI and benchmarks.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from services.context import ServiceContext, cache_key_for, result_key, upload_key, workbook_key
from services import events
from services.images import InvalidImage
from services.jobstore import FINAL_STATES, FileEntry, FileState
from services.metrics import OCR_BUCKETS
from services.model import ImageResult
from services.ocr.base import OcrEngine
from services.ocr.olmocr import OcrUpstreamError
from services.pdf import convert_pdf_page
from services.pipeline import convert_image
from services.queueing import enqueue_webhook
from services.xlsx import WorkbookEntry, write_workbook

log = logging.getLogger(__name__)


class FileGone(RuntimeError):
    """The upload expired or was deleted before a worker got to it."""


PERMANENT_FAILURES = (InvalidImage, FileGone, OcrUpstreamError)  # the remote engine has already retried


def convert_file(ctx: ServiceContext, engine_for: Callable[[str | None], OcrEngine],
                 job_id: str, index: int) -> FileState | None:
    """Convert file ``index`` of a job with the engine the job asked for, or take its tables
    from the result cache, and record the outcome. Returns None when the job was canceled or
    has expired. A failure is recorded for the file and raised again, so RQ records it too."""
    jobs = ctx.jobs
    record = jobs.get(job_id)
    if record is None or record.status == "canceled":
        return None
    jobs.transition(job_id, "started", ("queued",))
    if record.started_at is None:
        jobs.set_fields(job_id, started_at=time.time())
    state = FileState(status="started", started_at=time.time())
    jobs.set_file_state(job_id, index, state)
    notify_progress(ctx, job_id)
    entry = record.files[index]
    key = cache_key_for(ctx, entry.sha256, record.options, entry.page)
    try:
        payload = _cached(ctx, key)
        state.cached = payload is not None
        if payload is None:
            payload = _convert_and_cache(ctx, engine_for, record.options, job_id, entry, key)
    except Exception as exc:
        state.status, state.finished_at = "failed", time.time()
        state.error = _describe_failure(exc)
        ctx.metrics.inc("tablesnap_files_total", {"outcome": "failed", "code": state.error["code"]})
        if _record_unless_canceled(ctx, job_id, index, state):
            _notify(ctx, job_id, "file_failed", {"index": index, "name": entry.label, "error": state.error})
            notify_progress(ctx, job_id)
        raise
    result = payload["result"]
    ctx.metrics.inc("tablesnap_cache_total", {"outcome": "hit" if state.cached else "miss"})
    if not _store_unless_canceled(ctx, job_id, result_key(job_id, index), json.dumps(result).encode()):
        return None
    state.status, state.finished_at = "finished", time.time()
    state.tables = len(result["tables"])
    state.timings = {} if state.cached else result["timings"]
    ctx.metrics.inc("tablesnap_files_total", {"outcome": "finished", "code": ""})
    if _record_unless_canceled(ctx, job_id, index, state):
        _notify(ctx, job_id, "file_finished",
                {"index": index, "name": entry.label, "tables": state.tables, "cached": state.cached})
        notify_progress(ctx, job_id)
    return state


def _cached(ctx: ServiceContext, key: str) -> dict | None:
    """The cache entry, waiting for it when another worker is converting the same content;
    None when this worker should convert (it then holds the claim)."""
    found = ctx.cache.get(key)
    if found is None and not ctx.cache.claim(key, ctx.settings.job_timeout):
        found = ctx.cache.wait(key, timeout=ctx.settings.job_timeout)
    return json.loads(found) if found is not None else None


def _convert_and_cache(ctx: ServiceContext, engine_for, options: dict, job_id: str, entry, key: str) -> dict:
    try:
        data = ctx.storage.get(upload_key(job_id, entry.upload_index))
        if data is None:
            raise FileGone("the upload has expired or was deleted")
        settings, engine, locale = ctx.settings, engine_for(options.get("engine")), options.get("locale", "en")
        if entry.page is None:
            result = convert_image(data, engine, max_pixels=settings.max_image_pixels, locale=locale)
        else:
            result = convert_pdf_page(data, entry.page, engine, dpi=settings.pdf_dpi, max_dpi=settings.pdf_max_dpi,
                                      max_pixels=settings.max_image_pixels, locale=locale)
    except BaseException:
        ctx.cache.release(key)
        raise
    ctx.metrics.observe("tablesnap_ocr_seconds", {"engine": result.engine}, sum(result.timings.values()), OCR_BUCKETS)
    payload = {"content_type": entry.content_type, "result": result.to_dict()}
    ctx.cache.put(key, json.dumps(payload).encode())
    return payload


def _store_unless_canceled(ctx: ServiceContext, job_id: str, key: str, data: bytes) -> bool:
    """Store a result only for a live job. Checked again after writing, because a cancel that
    lands in between deletes the job's files before this write."""
    if ctx.jobs.status(job_id) in (None, "canceled"):
        return False
    ctx.storage.put(key, data, ctx.settings.retention_seconds)
    if ctx.jobs.status(job_id) in (None, "canceled"):
        ctx.storage.delete(key)
        return False
    return True


def _record_unless_canceled(ctx: ServiceContext, job_id: str, index: int, state: FileState) -> bool:
    if ctx.jobs.status(job_id) in (None, "canceled"):
        return False
    ctx.jobs.set_file_state(job_id, index, state)
    return True


def _notify(ctx: ServiceContext, job_id: str, event: str, data: dict) -> None:
    events.publish(ctx.redis, ctx.settings.key_prefix, job_id, event, {"job_id": job_id, **data})


def notify_progress(ctx: ServiceContext, job_id: str) -> None:
    record = ctx.jobs.get(job_id)
    if record is not None:
        _notify(ctx, job_id, "progress", record.progress())


def notify_end(ctx: ServiceContext, job_id: str, status: str, error: dict | None = None) -> None:
    """Tell event listeners the job ended, and its webhook if it asked for one (on finish or failure)."""
    _notify(ctx, job_id, status, {"status": status, "error": error})
    record = ctx.jobs.get(job_id)
    if status != "canceled" and record is not None and record.options.get("callback_url"):
        settings = ctx.settings
        enqueue_webhook(ctx.queue, job_id, retry_intervals=settings.webhook_retry_intervals,
                        timeout=int(settings.webhook_timeout) + 10, ttl=settings.retention_seconds)


def _describe_failure(exc: Exception) -> dict:
    if isinstance(exc, InvalidImage):
        return {"code": exc.code, "message": exc.message}
    if isinstance(exc, FileGone):
        return {"code": "file_expired", "message": str(exc)}
    if isinstance(exc, OcrUpstreamError):
        return {"code": exc.code, "message": exc.message}
    name = type(exc).__name__
    if name == "JobTimeoutException":
        return {"code": "timeout", "message": "the image took longer than the job time limit"}
    log.exception("conversion failed")
    return {"code": "conversion_failed", "message": f"{name}: {exc}"}


def load_result(ctx: ServiceContext, job_id: str, index: int) -> ImageResult | None:
    raw = ctx.storage.get(result_key(job_id, index))
    return ImageResult.from_dict(json.loads(raw)) if raw else None


def _workbook_entries(entry: FileEntry, result: ImageResult | None, error: str) -> list[WorkbookEntry]:
    """One entry per image; for a PDF page, one per table found on it (a sheet each)."""
    if result is None:
        return [WorkbookEntry(name=entry.label, result=None, error=error)]
    if entry.page is None or len(result.tables) <= 1:
        return [WorkbookEntry(name=entry.label, result=result)]
    return [WorkbookEntry(name=f"{entry.label} t{n}", result=replace(result, tables=[table]))
            for n, table in enumerate(result.tables, start=1)]


def assemble_workbook(ctx: ServiceContext, job_id: str) -> str | None:
    """Write the job's workbook from every finished file; files that never reached a final
    state (their worker died) are marked failed here. Returns the job's final status."""
    jobs = ctx.jobs
    record = jobs.get(job_id)
    if record is None or record.status == "canceled":
        return None
    entries = []
    for entry, state in zip(record.files, record.file_states):
        result = load_result(ctx, job_id, entry.index) if state.status == "finished" else None
        if state.status == "finished" and result is None:
            state = FileState(status="failed", error={"code": "result_missing", "message": "the result has expired"})
        if state.status not in FINAL_STATES:
            state = FileState(status="failed", started_at=state.started_at, finished_at=time.time(),
                              error={"code": "worker_lost", "message": "the worker stopped while reading this file"})
            jobs.set_file_state(job_id, entry.index, state)
        entries.extend(_workbook_entries(entry, result, (state.error or {}).get("message", "failed")))
    if not any(e.result for e in entries):
        jobs.set_fields(job_id, finished_at=time.time(),
                        error={"code": "all_files_failed", "message": "no file could be converted"})
        if jobs.transition(job_id, "failed", ("queued", "started")):
            notify_end(ctx, job_id, "failed", {"code": "all_files_failed", "message": "no file could be converted"})
        return "failed"
    book = write_workbook(entries, layout=record.options.get("layout", "sheet_per_image"),
                          highlight_low_confidence=record.options.get("highlight_low_confidence"))
    ctx.storage.put(workbook_key(job_id), book, ctx.settings.retention_seconds)
    jobs.set_fields(job_id, finished_at=time.time())
    if jobs.transition(job_id, "finished", ("queued", "started")):
        notify_end(ctx, job_id, "finished")
    return "finished"
