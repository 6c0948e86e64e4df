"""Use case: accept uploaded files, store them, and queue their conversion."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from controllers.schemas import ConvertOptionsSchema, load
from services.context import ServiceContext, upload_key
from services.images import InvalidImage, inspect_image
from services.jobstore import FileEntry, new_job_id
from services.queueing import enqueue_conversion
from utils.errors import ApiError
from utils.filenames import clean_filename

_STATUS_FOR = {"empty_file": 400, "unsupported_media_type": 415, "image_too_large": 413,
               "corrupt_image": 422, "image_too_small": 422}


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
    options["engine"] = options["engine"] or settings.ocr_engine
    options["highlight_low_confidence"] = settings.low_confidence if options["highlight_low_confidence"] else None
    entries = [_inspect(i, upload, settings.max_image_pixels) for i, upload in enumerate(uploads)]

    job_id = new_job_id()
    ttl = settings.retention_seconds
    for entry, upload in zip(entries, uploads):
        ctx.storage.put(upload_key(job_id, entry.index), upload.data, ttl)
    ctx.jobs.create(job_id, owner, options, entries)
    enqueue_conversion(ctx.queue, job_id, len(entries), timeout=settings.job_timeout, ttl=ttl,
                       request_id=request_id)
    return job_id


def _inspect(index: int, upload: Upload, max_pixels: int) -> FileEntry:
    name = clean_filename(upload.filename, index)
    try:
        info = inspect_image(upload.data, max_pixels)
    except InvalidImage as exc:
        raise ApiError(_STATUS_FOR.get(exc.code, 400), exc.code, f"{name}: {exc.message}",
                       {"file": name, "index": index}) from None
    return FileEntry(index=index, name=name, size=len(upload.data), content_type=info.content_type,
                     width=info.width, height=info.height, sha256=hashlib.sha256(upload.data).hexdigest())
