"""Webhooks to a real local HTTP receiver: signed, retried after failures, SSRF refused."""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.webhooks import InvalidCallback, check_callback_url
from tests.conftest import WEBHOOK_SECRET, auth, wait_for_job
from tests.imaging import SALES, png_bytes, render_table


class Receiver:
    """A webhook endpoint on 127.0.0.1 that answers from a script of status codes."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} deliveries"
            time.sleep(0.05)
        return self.received


def upload(client, **form):
    return client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                       data={**form, "files": [(io.BytesIO(png_bytes(render_table(SALES[:3]))), "t.png")]})


def test_signed_summary_is_retried_until_delivered(client, worker):
    receiver = Receiver([500])
    job_id = upload(client, callback_url=receiver.url).get_json()["job_id"]
    wait_for_job(client, job_id)
    (_, first), (headers, body) = receiver.wait(2)
    assert json.loads(first)["job_id"] == json.loads(body)["job_id"]
    expected = hmac.new(WEBHOOK_SECRET.encode(), headers["X-Tablesnap-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Tablesnap-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "job.finished" and payload["job_id"] == job_id
    assert payload["files"][0]["status"] == "finished"
    deadline = time.monotonic() + 10
    while (status := client.get(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()).get("webhook", {}).get(
            "status_code") != 200:
        assert time.monotonic() < deadline, status.get("webhook")
        time.sleep(0.05)
    assert status["webhook"]["attempts"] == 2


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://10.0.0.1/x", "http://169.254.169.254/latest",
                                 "http://[::1]/x", "http://localhost/x", "ftp://example.com/x"])
def test_private_and_odd_targets_are_refused(url):
    with pytest.raises(InvalidCallback):
        check_callback_url(url, allow_private=False)


def test_upload_with_a_refused_callback_is_400(test_env, monkeypatch):
    from app import create_app

    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "false")
    client = create_app("testing").test_client()
    response = upload(client, callback_url="http://127.0.0.1:9/hook")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_callback_url"
