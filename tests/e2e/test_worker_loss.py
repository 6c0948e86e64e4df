"""A worker killed in the middle of a job (with its work horse, as when a node dies): the job
is retried by another worker once the dead one's heartbeat expires, never lost or stuck."""
from __future__ import annotations

import io
import os
import signal
import time

import pytest
from rq import Worker

from tests.conftest import auth, isolated_stack, wait_for_job
from tests.imaging import SALES, png_bytes, render_table

BIG_ROWS = [SALES[0]] + [[f"Row {r}", f"{r * 1234.5:,.2f}", f"{r % 97}.{r % 10}%", f"2024-{r % 12 + 1:02d}-01"]
                         for r in range(1, 90)]


def kill_busy_worker(ctx, workers) -> None:
    """SIGKILL the worker process group (worker and work horse) that is running a job."""
    deadline = time.monotonic() + 60
    busy = []
    while not busy:
        assert time.monotonic() < deadline, "no worker took the job"
        busy = [w for w in Worker.all(queue=ctx.queue) if w.get_current_job_id()]
        time.sleep(0.05)
    victim = next(p for p in workers if p.pid == busy[0].pid)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()


@pytest.fixture
def isolated(test_env, monkeypatch, tmp_path):
    """An app and two workers on a queue of their own. An in-process worker cannot beat its
    heart mid-job: its job counts as abandoned JOB_TIMEOUT + 60 s after it started, so a short
    limit keeps the test short."""
    with isolated_stack(test_env, monkeypatch, tmp_path, "worker-loss", workers=2, JOB_TIMEOUT="30") as (app, procs, _):
        yield app, procs


def test_job_of_a_killed_worker_is_retried_elsewhere(isolated):
    app, workers = isolated
    ctx = app.extensions["tablesnap"]
    client = app.test_client()
    image = png_bytes(render_table(BIG_ROWS, size=(1400, 4300)))
    response = client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(image), "big.png")]})
    job_id = response.get_json()["job_id"]

    kill_busy_worker(ctx, workers)
    job = wait_for_job(client, job_id, timeout=240)
    assert job["status"] == "finished", job
    assert job["files"][0]["status"] == "finished" and job["files"][0]["tables"] >= 1
