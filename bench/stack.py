"""The real stack for benchmarks: a private Redis database, gunicorn and N rq workers."""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

import requests
from redis import Redis
from rq import Worker

from services.queueing import make_queue
from tests.conftest import start_worker
from tests.imaging import render_table
from tests.redis_db import claim_database, release_database
from tests.servers import start_gunicorn, stop

KEY = "bench-key-" + "b" * 40
HEADERS = {"X-API-Key": KEY}


def table_rows(seed: int, rows: int = 10) -> list[list[str]]:
    """A 1200x600-screenshot-sized table whose numbers depend on ``seed``."""
    header = ["Account", "Q1", "Q2", "Q3", "Q4", "Change"]
    return [header] + [[f"Account {seed}-{i:02d}", f"{1000 + 37 * i + seed:,}.00", f"{1500 + 91 * i:,}.50",
                        f"{900 + 13 * i + seed:,}", f"({200 + i * 7:,})", f"{(i % 9) - 4}.{(i + seed) % 10}%"]
                       for i in range(1, rows)]


def screenshot(seed: int):
    return render_table(table_rows(seed), size=(1200, 600), font_size=16, row_height=44, origin=(40, 60))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.contextmanager
def running_stack(workers: int, extra_env: dict | None = None, web_workers: int = 2):
    """Yields (base url, worker processes); everything is stopped and the database freed after."""
    url, token = claim_database()
    env = {"REDIS_URL": url, "REDIS_KEY_PREFIX": "bench", "QUEUE_NAME": "bench", "API_KEYS": KEY,
           "TABLESNAP_ENV": "testing", "LOG_LEVEL": "WARNING",
           # limits stay on (their cost is part of what is measured) but high enough never to refuse
           "RATE_LIMIT_DEFAULT": "10000000/minute", "RATE_LIMIT_UPLOADS": "10000000/minute",
           "RATE_LIMIT_IMAGES": "10000000/minute", **(extra_env or {})}
    procs, web = [], None
    try:
        with tempfile.TemporaryDirectory() as logs:
            procs = [start_worker(env, Path(logs) / f"worker{i}.log") for i in range(workers)]
            web, base = start_gunicorn(env, Path(logs) / "gunicorn.log", workers=web_workers)
            queue = make_queue(Redis.from_url(url), "bench")
            while len(Worker.all(queue=queue)) < workers:
                time.sleep(0.05)
            yield base, procs
    finally:
        for proc in procs:
            stop(proc)
        if web is not None:
            stop(web)
        release_database(url, token)


def submit(base: str, files: list[tuple[str, bytes]]) -> dict:
    response = requests.post(f"{base}/api/v1/convert", headers=HEADERS, timeout=60,
                             files=[("files", (name, data, "image/png")) for name, data in files])
    response.raise_for_status()
    return response.json()


def wait(status_url: str, poll: float = 0.02, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while (job := requests.get(status_url, headers=HEADERS, timeout=30).json())["status"] not in (
            "finished", "failed", "canceled"):
        if time.monotonic() > deadline:
            raise TimeoutError(job)
        time.sleep(poll)
    return job


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
