"""Putting a conversion job on the RQ queue, and taking it off again.

One RQ job per file, so a batch spreads over every worker, and one finishing job that
depends on all of them (failures allowed) and writes the workbook. Jobs are named by
dotted path so this module never imports the job code, and their arguments are plain
ids, serialised as JSON.
"""
from __future__ import annotations

import redis
from rq import Queue, Retry
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Dependency, Job, JobStatus
from rq.serializers import JSONSerializer

PROCESS_FILE = "jobs.convert.process_file"
ASSEMBLE_WORKBOOK = "jobs.convert.assemble_workbook"
DELIVER_WEBHOOK = "jobs.webhooks.deliver_webhook"


def file_job_id(job_id: str, index: int) -> str:
    return f"{job_id}-file-{index}"


def workbook_job_id(job_id: str) -> str:
    return f"{job_id}-workbook"


def make_queue(client: redis.Redis, name: str) -> Queue:
    return Queue(name, connection=client, serializer=JSONSerializer)


def enqueue_conversion(queue: Queue, job_id: str, file_indices: list[int], *, timeout: int, ttl: int,
                       retries: int = 1, request_id: str | None = None) -> None:
    """File jobs get ``retries`` more attempts, meant for a worker that died mid-job (the job
    function gives up at once on a failure that would only repeat)."""
    common = {"timeout": timeout, "result_ttl": ttl, "failure_ttl": ttl, "ttl": ttl,
              "meta": {"request_id": request_id, "tablesnap_job": job_id}}
    file_jobs = queue.enqueue_many([
        Queue.prepare_data(PROCESS_FILE, args=(job_id, i), job_id=file_job_id(job_id, i),
                           retry=Retry(max=retries) if retries else None, **common)
        for i in file_indices
    ])
    queue.enqueue_call(
        ASSEMBLE_WORKBOOK, args=(job_id,), job_id=workbook_job_id(job_id),
        depends_on=Dependency(jobs=file_jobs, allow_failure=True, enqueue_at_front=True), **common,
    )


def enqueue_webhook(queue: Queue, job_id: str, *, retry_intervals: list[int], timeout: int, ttl: int) -> None:
    """Delivery with retries (RQ's scheduler waits ``retry_intervals`` between attempts)."""
    queue.enqueue_call(DELIVER_WEBHOOK, args=(job_id,), job_id=f"{job_id}-webhook", timeout=timeout,
                       result_ttl=ttl, failure_ttl=ttl, ttl=ttl,
                       retry=Retry(max=len(retry_intervals), interval=retry_intervals) if retry_intervals else None)


def stop_conversion(queue: Queue, job_id: str, file_count: int) -> None:
    """Cancel what has not run and stop what is running; finished parts are left alone."""
    client = queue.connection
    for rq_id in [file_job_id(job_id, i) for i in range(file_count)] + [workbook_job_id(job_id)]:
        try:
            job = Job.fetch(rq_id, connection=client, serializer=JSONSerializer)
        except NoSuchJobError:
            continue
        status = job.get_status()
        if status == JobStatus.STARTED:
            try:
                send_stop_job_command(client, rq_id, serializer=JSONSerializer)
            except InvalidJobOperation:
                pass
        elif status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
            try:
                job.cancel()
            except InvalidJobOperation:
                pass


def reap_abandoned(queue: Queue) -> None:
    """Fail (or retry) jobs whose worker died: their heartbeat has expired. RQ's own
    maintenance does this only every few minutes; status reads call it too."""
    queue.started_job_registry.cleanup()
