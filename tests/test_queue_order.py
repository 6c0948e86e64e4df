"""With several jobs waiting, a job whose images are done gets its workbook at once instead of
queueing behind every image submitted after it."""
from __future__ import annotations

import io
import os
import signal

from tests.conftest import auth, isolated_stack, start_worker, wait_for_job, wait_for_workers
from tests.imaging import SALES, png_bytes, render_table


def test_first_job_finishes_before_later_jobs_images_are_read(test_env, monkeypatch, tmp_path):
    with isolated_stack(test_env, monkeypatch, tmp_path, "queue-order", workers=0) as (app, _, env):
        client = app.test_client()
        job_ids = []
        for n in range(3):
            image = png_bytes(render_table(SALES, size=(1200 + 10 * n, 600)))  # distinct: no cache hits
            response = client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                                   data={"files": [(io.BytesIO(image), f"t{n}.png")]})
            assert response.status_code == 202, response.get_json()
            job_ids.append(response.get_json()["job_id"])

        worker = start_worker(env, tmp_path / "queue-order-worker.log")
        try:
            wait_for_workers(app.extensions["tablesnap"], 1)
            first, *later = [wait_for_job(client, job_id) for job_id in job_ids]
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    assert first["status"] == "finished" and all(job["status"] == "finished" for job in later)
    assert all(first["finished_at"] < job["files"][0]["started_at"] for job in later)
