"""The real stack: gunicorn + rq worker + Redis, driven over HTTP like a client would."""
from __future__ import annotations

import datetime as dt
import io
import time

import openpyxl
import pytest
import requests

from tests.conftest import API_KEY
from tests.imaging import png_bytes, render_table
from tests.servers import start_gunicorn, stop

INVOICE = [
    ["Item", "Qty", "Unit price", "Discount", "Shipped"],
    ["Paper A4", "12", "$4.99", "5%", "03/15/2024"],
    ["Toner black", "2", "$89.00", "0%", "03/18/2024"],
    ["Stapler", "1", "$15.50", "12.5%", "04/02/2024"],
    ["Desk lamp", "3", "$1,249.00", "20%", "04/30/2024"],
]


@pytest.fixture(scope="module")
def server(test_env, worker, tmp_path_factory):
    proc, url = start_gunicorn(test_env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    yield url
    stop(proc)


@pytest.mark.parametrize("bordered", [True, False], ids=["bordered", "borderless"])
def test_upload_poll_download_typed_workbook(server, bordered):
    headers = {"X-API-Key": API_KEY}
    image = png_bytes(render_table(INVOICE, bordered=bordered))
    accepted = requests.post(f"{server}/api/v1/convert", headers=headers,
                             files=[("files", ("invoice.png", image, "image/png"))], timeout=30)
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    deadline = time.monotonic() + 120
    while (job := requests.get(body["status_url"], headers=headers, timeout=10).json())["status"] not in (
            "finished", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "finished", job

    download = requests.get(body["download_url"], headers=headers, timeout=30)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename=invoice.xlsx' in download.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == INVOICE[0]
    assert rows[1] == ["Paper A4", 12, 4.99, 0.05, dt.datetime(2024, 3, 15)]
    assert rows[4] == ["Desk lamp", 3, 1249, 0.2, dt.datetime(2024, 4, 30)]
    assert sheet["C2"].number_format.startswith('"$"') or "$" in sheet["C2"].number_format
    assert sheet["D4"].number_format == "0.0%"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E5"
    assert download.headers.get("X-Request-ID")
