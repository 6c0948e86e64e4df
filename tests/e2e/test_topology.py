"""The compose topology for real on loopback, without Docker: Debian's nginx in front of
gunicorn, Redis, two rq workers. Uploads and downloads go through nginx; one worker is
killed (with its work horse) in the middle of a job, which then finishes on the other."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time

import openpyxl
import pytest
import requests

from tests.conftest import API_KEY, start_worker, wait_for_workers
from tests.deploy.test_nginx import free_port, nginx_args, nginx_binary, prefix, write_config  # noqa: F401
from tests.e2e.test_worker_loss import BIG_ROWS, kill_busy_worker
from tests.imaging import SALES, png_bytes, render_table
from tests.servers import start_gunicorn, stop

HEADERS = {"X-API-Key": API_KEY}


@pytest.fixture
def topology(test_env, prefix, tmp_path, monkeypatch):  # noqa: F811
    from app import create_app

    binary = nginx_binary()
    env = {**test_env, "QUEUE_NAME": "topology", "REDIS_KEY_PREFIX": "topology", "TRUSTED_PROXY_HOPS": "1",
           "JOB_TIMEOUT": "30"}  # see test_worker_loss: abandoned after JOB_TIMEOUT + 60 s
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    ctx = create_app("testing").extensions["tablesnap"]
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
    web, upstream = start_gunicorn(env, tmp_path / "gunicorn.log")
    port = free_port()
    write_config(prefix, upstream=upstream.removeprefix("http://"), listen=f"127.0.0.1:{port}")
    nginx = subprocess.Popen(nginx_args(binary, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_workers(ctx, 2)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                if requests.get(f"{base}/health/ready", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not come up"
            time.sleep(0.1)
        yield base, ctx, workers
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        stop(web)
        for proc in workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)


def test_through_nginx_upload_events_download_and_a_lost_worker(topology):
    base, ctx, workers = topology

    accepted = requests.post(f"{base}/api/v1/convert", headers=HEADERS, timeout=30,
                             files=[("files", ("sales.png", png_bytes(render_table(SALES)), "image/png"))]).json()
    assert accepted["status_url"].startswith(base), "links name the proxy's address (ProxyFix)"
    events = []
    with requests.get(f"{base}/api/v1/jobs/{accepted['job_id']}/events", headers=HEADERS, stream=True,
                      timeout=60) as stream:
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("event: "):
                events.append(line[7:])
            if events and events[-1] in ("finished", "failed"):
                break
    assert events[0] == "progress" and events[-1] == "finished"
    download = requests.get(accepted["download_url"], headers=HEADERS, timeout=30)
    assert download.status_code == 200 and download.headers.get("X-Request-ID")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert sheet["A1"].value == "Region" and sheet["B2"].value == 1234.5

    big = png_bytes(render_table(BIG_ROWS, size=(1400, 4300)))
    job = requests.post(f"{base}/api/v1/convert", headers=HEADERS, timeout=30,
                        files=[("files", ("big.png", big, "image/png"))]).json()
    kill_busy_worker(ctx, workers)

    deadline = time.monotonic() + 240
    while (status := requests.get(job["status_url"], headers=HEADERS, timeout=30).json())["status"] not in (
            "finished", "failed"):
        assert time.monotonic() < deadline, json.dumps(status)[:500]
        time.sleep(0.5)
    assert status["status"] == "finished" and status["files"][0]["status"] == "finished"
