"""Progress events as Server-Sent Events through gunicorn, from upload to finish."""
from __future__ import annotations

import json
import time

import pytest
import requests

from services.api_keys import key_id
from services.jobstore import FileEntry
from tests.conftest import API_KEY
from tests.imaging import SALES, png_bytes, render_table
from tests.servers import start_gunicorn, stop

HEADERS = {"X-API-Key": API_KEY}


def read_events(response, stop_after: set[str], limit: float = 120):
    """(event, data) pairs, and the number of heartbeat comments seen."""
    events, heartbeats, event, deadline = [], 0, None, time.monotonic() + limit
    for line in response.iter_lines(decode_unicode=True):
        assert time.monotonic() < deadline
        if line.startswith(": heartbeat"):
            heartbeats += 1
        elif line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            events.append((event, json.loads(line[6:])))
            if event in stop_after:
                break
    return events, heartbeats


@pytest.fixture(scope="module")
def server(test_env, worker, tmp_path_factory):
    proc, url = start_gunicorn(test_env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    yield url
    stop(proc)


def test_stream_follows_a_batch_to_the_end(server):
    files = [("files", (f"{i}.png", png_bytes(render_table(SALES)), "image/png")) for i in range(2)]
    accepted = requests.post(f"{server}/api/v1/convert", headers=HEADERS, files=files, timeout=30).json()
    with requests.get(f"{server}/api/v1/jobs/{accepted['job_id']}/events", headers=HEADERS, stream=True,
                      timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["X-Accel-Buffering"] == "no"
        events, _ = read_events(response, {"finished", "failed"})
    names = [e for e, _ in events]
    assert names[0] == "progress" and names[-1] == "finished"
    assert names.count("file_finished") + names.count("file_failed") + (names[0] == "progress") >= 2
    assert events[-1][1]["download_url"] == accepted["download_url"]
    progress = [d for e, d in events if e == "progress"]
    assert progress[-1]["done"] == 2 and progress[-1]["total"] == 2


def test_late_client_gets_the_current_state_and_heartbeats(server):
    image = png_bytes(render_table(SALES[:2]))
    accepted = requests.post(f"{server}/api/v1/convert", headers=HEADERS,
                             files=[("files", ("late.png", image, "image/png"))], timeout=30).json()
    while requests.get(accepted["status_url"], headers=HEADERS, timeout=10).json()["status"] != "finished":
        time.sleep(0.1)
    with requests.get(f"{server}/api/v1/jobs/{accepted['job_id']}/events", headers=HEADERS, stream=True,
                      timeout=30) as response:
        events, _ = read_events(response, {"finished"})
    assert [e for e, _ in events] == ["progress", "finished"]
    assert events[0][1]["done"] == 1


def test_heartbeats_keep_an_idle_stream_open(server, services):
    idle_job = "idle" + "0" * 28
    services.jobs.create(idle_job, key_id(API_KEY), {}, [FileEntry(0, "x.png", 1, "image/png", 10, 10, "0" * 64)])
    with requests.get(f"{server}/api/v1/jobs/{idle_job}/events", headers=HEADERS, stream=True,
                      timeout=30) as response:
        heartbeats = 0
        for line in response.iter_lines(decode_unicode=True):
            heartbeats += line.startswith(": heartbeat")
            if heartbeats == 2:
                break
    assert heartbeats == 2


def test_unknown_job_stream_is_a_json_404(server):
    response = requests.get(f"{server}/api/v1/jobs/{'f' * 32}/events", headers=HEADERS, timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"] == "job_not_found"
