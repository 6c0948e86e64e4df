from __future__ import annotations

import io

from tests.conftest import auth, wait_for_job
from tests.imaging import SALES, png_bytes, render_table


def sample(text: str, prefix: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix))


def test_metrics_in_prometheus_format(client, worker):
    image = png_bytes(render_table(SALES[:3]))
    job = client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                      data={"files": [(io.BytesIO(image), "m.png")]}).get_json()
    wait_for_job(client, job["job_id"])
    client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                data={"files": [(io.BytesIO(image), "again.png")]})
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "# TYPE tablesnap_http_requests_total counter" in text
    assert sample(text, 'tablesnap_http_requests_total{method="POST",route="/api/v1/convert",status="202"}') >= 2
    assert sample(text, 'tablesnap_ocr_seconds_count{engine="rapidocr"}') >= 1
    assert sample(text, 'tablesnap_cache_total{outcome="hit"}') >= 1
    assert "tablesnap_queue_depth{" in text and 'tablesnap_workers{state="idle"}' in text
    buckets = [line for line in text.splitlines()
               if line.startswith('tablesnap_ocr_seconds_bucket{engine="rapidocr"')]
    counts = [float(line.rsplit(" ", 1)[1]) for line in buckets]
    assert counts == sorted(counts) and buckets[-1].count('le="+Inf"') == 1
    assert "/api/v1/jobs/" + job["job_id"] not in text, "routes are labelled by template, not by id"


def test_worker_logs_are_json_lines_correlated_with_the_request(client, worker):
    import json
    import time

    request_id = "corr-" + str(time.time_ns())
    image = png_bytes(render_table(SALES[:2]))
    job = client.post("/api/v1/convert", headers={**auth(), "X-Request-ID": request_id},
                      content_type="multipart/form-data", data={"files": [(io.BytesIO(image), "l.png")]}).get_json()
    wait_for_job(client, job["job_id"])
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
        mine = [entry for entry in lines if entry.get("request_id") == request_id]
        if len(mine) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert {entry["job_id"] for entry in mine} == {job["job_id"]}
    assert any(entry.get("file_index") == "0" for entry in mine)
    assert all({"ts", "level", "logger", "message"} <= set(entry) for entry in mine)
