"""Use case: accept uploaded files, store them, and queue their conversion.

Files whose content was read before (same bytes, engine and options) are answered from the
result cache without OCR; when every file is a hit the workbook is written right here and
the job is finished on arrival.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from controllers.engines import require_available
from controllers.schemas import ConvertOptionsSchema, load
from services.context import ServiceContext, cache_key_for, result_key, upload_key
from services.conversion import assemble_workbook
from services.images import InvalidImage, inspect_image
from services.pdf import inspect_pdf, is_pdf, parse_pages
from services.jobstore import FileEntry, FileState, new_job_id
from services.queueing import enqueue_conversion
from services.webhooks import InvalidCallback, check_callback_url
from utils.errors import ApiError
from utils.filenames import clean_filename

_STATUS_FOR = {"empty_file": 400, "unsupported_media_type": 415, "image_too_large": 413,
               "corrupt_image": 422, "image_too_small": 422, "encrypted_pdf": 422, "corrupt_pdf": 422,
               "empty_pdf": 422, "too_many_pages": 413, "invalid_pages": 400}


@dataclass
class Upload:
    filename: str
    data: bytes


def submit_conversion(ctx: ServiceContext, owner: str, uploads: list[Upload], form: dict,
                      request_id: str | None = None) -> str:
    """Validate everything first, so a bad request stores nothing; returns the new job id."""
    options = load(ConvertOptionsSchema(), form)
    settings = ctx.settings
    if not uploads:
        raise ApiError(400, "no_files", "attach one or more images as multipart form fields named 'files'")
    if len(uploads) > settings.max_batch_size:
        raise ApiError(400, "too_many_files",
                       f"{len(uploads)} files sent; at most {settings.max_batch_size} per job",
                       {"max_batch_size": settings.max_batch_size})
    if options["callback_url"]:
        _check_callback(options["callback_url"], settings)
    options["engine"] = options["engine"] or settings.ocr_engine
    require_available(ctx, options["engine"])
    options["highlight_low_confidence"] = settings.low_confidence if options["highlight_low_confidence"] else None

    entries, hits = _entries(ctx, uploads, options)
    hit_count = sum(hit is not None for hit in hits)
    if hit_count:
        ctx.metrics.inc("tablesnap_cache_total", {"outcome": "hit"}, hit_count)

    job_id = new_job_id()
    ttl = settings.retention_seconds
    states, misses, stored = [], [], set()
    for entry, hit in zip(entries, hits):
        if hit is None:
            if entry.upload_index not in stored:
                ctx.storage.put(upload_key(job_id, entry.upload_index), uploads[entry.upload_index].data, ttl)
                stored.add(entry.upload_index)
            states.append(FileState())
            misses.append(entry.index)
        else:
            ctx.storage.put(result_key(job_id, entry.index), json.dumps(hit["result"]).encode(), ttl)
            now = time.time()
            states.append(FileState(status="finished", cached=True, started_at=now, finished_at=now,
                                    tables=len(hit["result"]["tables"])))
    ctx.jobs.create(job_id, owner, options, entries, states)
    if misses:
        enqueue_conversion(ctx.queue, job_id, misses, timeout=settings.job_timeout, ttl=ttl,
                           retries=settings.file_job_retries, request_id=request_id)
    else:
        assemble_workbook(ctx, job_id)
    return job_id


def _check_callback(url: str, settings) -> None:
    if not settings.webhook_secret:
        raise ApiError(400, "webhooks_disabled", "this service has no WEBHOOK_SECRET, so it sends no webhooks")
    try:
        check_callback_url(url, settings.webhook_allow_private)
    except InvalidCallback as exc:
        raise ApiError(400, "invalid_callback_url", str(exc), {"callback_url": url}) from None


def _entries(ctx: ServiceContext, uploads: list[Upload], options: dict) -> tuple[list[FileEntry], list[dict | None]]:
    """The units of work (an image, or each chosen page of a PDF) and their cache hits.
    Everything is checked by content here; a cache hit skips decoding an image again."""
    settings = ctx.settings
    entries, hits = [], []
    for source, upload in enumerate(uploads):
        name = clean_filename(upload.filename, source)
        digest = hashlib.sha256(upload.data).hexdigest()
        pages: list[int | None] = [None]
        if is_pdf(upload.data):
            pages = _checked(name, source, lambda: parse_pages(
                options["pages"], inspect_pdf(upload.data, settings.max_pdf_pages)))
        cached = ctx.cache.get_many([cache_key_for(ctx, digest, options, page) for page in pages])
        for page, raw in zip(pages, cached):
            hit = json.loads(raw) if raw else None
            if hit is not None:
                content_type, width, height = hit["content_type"], hit["result"]["width"], hit["result"]["height"]
            elif page is not None:
                content_type, width, height = "application/pdf", 0, 0
            else:
                info = _checked(name, source, lambda: inspect_image(upload.data, settings.max_image_pixels))
                content_type, width, height = info.content_type, info.width, info.height
            entries.append(FileEntry(index=len(entries), name=name, size=len(upload.data), content_type=content_type,
                                     width=width, height=height, sha256=digest, source=source, page=page))
            hits.append(hit)
    return entries, hits


def _checked(name: str, index: int, check):
    try:
        return check()
    except InvalidImage as exc:
        raise ApiError(_STATUS_FOR.get(exc.code, 400), exc.code, f"{name}: {exc.message}",
                       {"file": name, "index": index}) from None
