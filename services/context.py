"""The services one process needs, built once from Settings by the web app and by a worker."""
from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue

from config import Settings
from services.jobstore import JobStore
from services.queueing import make_queue
from services.redis_client import redis_client
from services.storage import Storage, make_storage


@dataclass
class ServiceContext:
    settings: Settings
    redis: redis.Redis
    storage: Storage
    jobs: JobStore
    queue: Queue


def build_context(settings: Settings) -> ServiceContext:
    client = redis_client(settings.redis_url)
    return ServiceContext(
        settings=settings,
        redis=client,
        storage=make_storage(settings.storage_backend, client, settings.key_prefix, settings.storage_dir),
        jobs=JobStore(client, settings.key_prefix, settings.retention_seconds),
        queue=make_queue(client, settings.queue_name),
    )


def upload_key(job_id: str, index: int) -> str:
    return f"upload/{job_id}/{index}"


def result_key(job_id: str, index: int) -> str:
    return f"result/{job_id}/{index}"


def workbook_key(job_id: str) -> str:
    return f"workbook/{job_id}"
