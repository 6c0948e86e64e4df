"""The services one process needs, built once from Settings by the web app and by a worker."""
from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue

from config import Settings
from services.api_keys import KeyStore
from services.jobstore import JobStore
from services.metrics import Metrics
from services.queueing import make_queue
from services.redis_client import redis_client
from services.ocr import engine_version
from services.result_cache import ResultCache, cache_key, pipeline_fingerprint
from services.storage import Storage, make_storage


@dataclass
class ServiceContext:
    settings: Settings
    redis: redis.Redis
    storage: Storage
    jobs: JobStore
    queue: Queue
    keys: KeyStore
    cache: ResultCache
    metrics: Metrics


def build_context(settings: Settings) -> ServiceContext:
    client = redis_client(settings.redis_url)
    return ServiceContext(
        settings=settings,
        redis=client,
        storage=make_storage(settings.storage_backend, client, settings.key_prefix, settings.storage_dir),
        jobs=JobStore(client, settings.key_prefix, settings.retention_seconds),
        queue=make_queue(client, settings.queue_name),
        keys=KeyStore(client, settings.key_prefix, settings.api_keys),
        cache=ResultCache(client, settings.key_prefix, settings.cache_ttl_seconds),
        metrics=Metrics(client, settings.key_prefix),
    )


def upload_key(job_id: str, index: int) -> str:
    return f"upload/{job_id}/{index}"


def result_key(job_id: str, index: int) -> str:
    return f"result/{job_id}/{index}"


def workbook_key(job_id: str) -> str:
    return f"workbook/{job_id}"


def cache_key_for(ctx: ServiceContext, content_sha256: str, options: dict, page: int | None = None) -> str:
    """The result-cache key of one file (or PDF page) of a job with these options."""
    engine = options["engine"]
    settings = ctx.settings
    version = f"{engine_version(engine, settings)}+{pipeline_fingerprint()}"
    return cache_key(content_sha256, engine, version, {"locale": options.get("locale", "en"), "page": page,
                                                        "dpi": settings.pdf_dpi if page else None})
