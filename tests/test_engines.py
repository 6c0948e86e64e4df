"""Engines end to end through the API and a real worker: Tesseract from Debian, and olmOCR
against a local server that speaks the chat-completions protocol."""
from __future__ import annotations

import io
import shutil

import openpyxl
import pytest

from tests.conftest import auth, isolated_stack, wait_for_job
from tests.fake_openai import FakeOpenAI
from tests.imaging import SALES, png_bytes, render_table

HTML_ANSWER = """Here is the table:

<table><thead><tr><th>Region</th><th>Revenue</th><th>Growth</th><th>Date</th></tr></thead>
<tbody><tr><td>North</td><td>1,234.50</td><td>12.5%</td><td>2024-01-15</td></tr>
<tr><td>South</td><td>(987.00)</td><td>-3.2%</td><td>2024-02-01</td></tr></tbody></table>
"""


def upload(client, engine, image=None):
    data = image or png_bytes(render_table(SALES))
    return client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                       data={"engine": engine, "files": [(io.BytesIO(data), "t.png")]})


def test_engines_are_listed_with_availability(client):
    body = client.get("/api/v1/engines", headers=auth()).get_json()
    engines = {e["name"]: e for e in body["engines"]}
    assert body["default"] == "rapidocr" and engines["rapidocr"]["available"]
    assert engines["olmocr"]["available"] is False and "OLMOCR_API_KEY" in engines["olmocr"]["reason"]
    health = client.get("/health").get_json()
    assert health["engines"]["olmocr"]["available"] is False


def test_an_unconfigured_engine_is_refused_at_upload(client):
    response = upload(client, "olmocr")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "engine_unavailable" and "OLMOCR_API_KEY" in error["message"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed (apt-get install tesseract-ocr)")
def test_tesseract_job(client, worker):
    job = wait_for_job(client, upload(client, "tesseract").get_json()["job_id"])
    assert job["status"] == "finished", job
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result", headers=auth()).get_json()
    table = result["files"][0]["tables"][0]
    assert result["files"][0]["engine"] == "tesseract"
    texts = {(c["row"], c["col"]): c["text"] for c in table["cells"]}
    assert texts[(0, 0)] == "Region" and texts[(1, 1)] == "1,234.50" and texts[(4, 0)] == "West Coast"


@pytest.fixture
def olmocr_stack(test_env, monkeypatch, tmp_path):
    server = FakeOpenAI()
    with isolated_stack(test_env, monkeypatch, tmp_path, "olmocr", OLMOCR_API_KEY="sk-test-123",
                        OLMOCR_API_BASE_URL=server.base_url, OLMOCR_MAX_RETRIES="1") as (app, _, _):
        yield app.test_client(), server
    server.close()


def test_olmocr_job_reads_the_models_html_table(olmocr_stack):
    client, server = olmocr_stack
    server.reply(HTML_ANSWER)
    job = wait_for_job(client, upload(client, "olmocr").get_json()["job_id"])
    assert job["status"] == "finished", job
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-123"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/jobs/{job['job_id']}/download",
                                                        headers=auth()).data))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == SALES[0] and rows[1][:3] == ["North", 1234.5, 0.125] and rows[2][1] == -987


def test_olmocr_upstream_failure_is_a_clear_file_error(olmocr_stack):
    client, server = olmocr_stack
    server.reply_error(401, "Invalid API key", type_="authentication_error")
    job = wait_for_job(client, upload(client, "olmocr", png_bytes(render_table(SALES[:3]))).get_json()["job_id"])
    assert job["status"] == "failed"
    assert job["files"][0]["error"]["code"] == "upstream_auth_failed"
    assert len(server.requests) == 1, "a 401 is not retried"
