"""The fork worker mode: a cancel stops the image being read at once (RQ's stop command
kills the work horse), and the worker goes on with the next job."""
from __future__ import annotations

import io
import time

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from services.queueing import file_job_id
from tests.conftest import auth, isolated_stack, wait_for_job
from tests.imaging import SALES, png_bytes, render_table
from tests.test_convert_flow import big_table_png


@pytest.fixture
def fork_worker_app(test_env, monkeypatch, tmp_path):
    with isolated_stack(test_env, monkeypatch, tmp_path, "fork-mode", WORKER_MODE="fork") as (app, _, _):
        yield app


def upload(client, name, data):
    return client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(data), name)]}).get_json()["job_id"]


def test_cancel_stops_the_running_image(fork_worker_app):
    client = fork_worker_app.test_client()
    ctx = fork_worker_app.extensions["tablesnap"]
    job_id = upload(client, "big.png", big_table_png())
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()["files"][0]["status"] != "started":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()["status"] == "canceled"
    rq_job = Job.fetch(file_job_id(job_id, 0), connection=ctx.redis, serializer=JSONSerializer)
    deadline = time.monotonic() + 10
    while rq_job.get_status() not in ("stopped", "failed"):
        assert time.monotonic() < deadline, rq_job.get_status()
        time.sleep(0.05)
    next_job = upload(client, "next.png", png_bytes(render_table(SALES[:2])))
    assert wait_for_job(client, next_job, timeout=60)["status"] == "finished"
