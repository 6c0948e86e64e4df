"""Upload -> RQ job on a real worker -> XLSX and JSON results, through the Flask app."""
from __future__ import annotations

import datetime as dt
import io
import time

import openpyxl
import pytest

from tests.conftest import OTHER_KEY, auth, wait_for_job
from tests.imaging import SALES, png_bytes, render_table


def upload(client, files, key=None, **form):
    data = {**form, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/v1/convert", data=data, headers=auth(*(key and [key] or [])),
                       content_type="multipart/form-data")


@pytest.fixture(scope="module")
def finished_batch(app, worker):
    client = app.test_client()
    response = upload(client, [("sales.png", png_bytes(render_table(SALES))),
                               ("plain.png", png_bytes(render_table(SALES, bordered=False)))])
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    return body, wait_for_job(client, body["job_id"])


def test_upload_answers_at_once_with_links(finished_batch):
    accepted, _ = finished_batch
    assert set(accepted) >= {"job_id", "status_url", "download_url"}
    assert accepted["status_url"].endswith(f"/api/v1/jobs/{accepted['job_id']}")
    assert accepted["download_url"].endswith(f"/api/v1/jobs/{accepted['job_id']}/download")


def test_batch_job_reports_progress_files_and_timings(finished_batch):
    _, job = finished_batch
    assert job["status"] == "finished"
    assert job["progress"] == {"done": 2, "total": 2, "current_file": None}
    assert [f["name"] for f in job["files"]] == ["sales.png", "plain.png"]
    assert all(f["status"] == "finished" and f["tables"] == 1 for f in job["files"])
    assert all(f["timings"]["ocr"] > 0 for f in job["files"])
    assert job["timings"]["total_seconds"] >= job["timings"]["processing_seconds"] > 0


def test_download_is_a_typed_workbook_with_a_sheet_per_image(client, finished_batch):
    accepted, _ = finished_batch
    response = client.get(f"/api/v1/jobs/{accepted['job_id']}/download", headers=auth())
    assert response.status_code == 200
    assert "sales-and-1-more.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["sales", "plain"]
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0] == ["Region", "Revenue", "Growth", "Date"]
        assert rows[1] == ["North", 1234.5, 0.125, dt.datetime(2024, 1, 15)]
        assert rows[2] == ["South", -987, pytest.approx(-0.032), dt.datetime(2024, 2, 1)]
        assert rows[4][0] == "West Coast"
        assert "%" in sheet["C2"].number_format
        assert sheet["A1"].font.bold


def test_result_json_has_typed_cells_with_boxes(client, finished_batch):
    accepted, _ = finished_batch
    body = client.get(f"/api/v1/jobs/{accepted['job_id']}/result", headers=auth()).get_json()
    table = body["files"][0]["tables"][0]
    assert (table["n_rows"], table["n_cols"]) == (5, 4)
    cell = next(c for c in table["cells"] if c["row"] == 1 and c["col"] == 1)
    assert cell["text"] == "1,234.50" and cell["kind"] == "number" and cell["value"] == 1234.5
    assert len(cell["bbox"]) == 4 and 0 < cell["confidence"] <= 1
    date = next(c for c in table["cells"] if c["row"] == 1 and c["col"] == 3)
    assert (date["kind"], date["value"]) == ("date", "2024-01-15")


def test_preview_shows_first_rows(client, finished_batch):
    accepted, _ = finished_batch
    body = client.get(f"/api/v1/jobs/{accepted['job_id']}/preview?rows=2", headers=auth()).get_json()
    assert body["files"][1]["tables"][0]["rows"] == [SALES[0], SALES[1]]


def test_list_shows_own_jobs_newest_first_and_paginates(client, finished_batch):
    accepted, _ = finished_batch
    first = client.get("/api/v1/jobs?per_page=1", headers=auth()).get_json()
    assert first["total"] >= 1 and len(first["jobs"]) == 1 and first["per_page"] == 1
    ids = [j["job_id"] for j in client.get("/api/v1/jobs?per_page=100", headers=auth()).get_json()["jobs"]]
    assert accepted["job_id"] in ids
    others = client.get("/api/v1/jobs?per_page=100", headers=auth(OTHER_KEY)).get_json()["jobs"]
    assert accepted["job_id"] not in [j["job_id"] for j in others]


def test_another_key_cannot_see_the_job(client, finished_batch):
    accepted, _ = finished_batch
    for suffix in ("", "/download", "/result", "/preview"):
        response = client.get(f"/api/v1/jobs/{accepted['job_id']}{suffix}", headers=auth(OTHER_KEY))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "job_not_found"


def test_single_sheet_layout_stacks_tables_under_titles(client, worker):
    response = upload(client, [("a.png", png_bytes(render_table(SALES))), ("b.png", png_bytes(render_table(SALES[:3])))],
                      layout="single_sheet")
    job = wait_for_job(client, response.get_json()["job_id"])
    assert job["status"] == "finished"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/jobs/{job['job_id']}/download", headers=auth()).data))
    assert len(book.sheetnames) == 1
    column_a = [c.value for c in book.worksheets[0]["A"]]
    assert column_a.index("b.png") > column_a.index("a.png") >= 0
    assert "West Coast" in column_a


def test_a_failing_image_fails_only_its_entry(client, services, worker):
    response = upload(client, [("good.png", png_bytes(render_table(SALES))), ("gone.png", png_bytes(render_table(SALES[:2])))])
    job_id = response.get_json()["job_id"]
    services.storage.delete(f"upload/{job_id}/1")
    job = wait_for_job(client, job_id)
    assert job["status"] == "finished"
    assert [f["status"] for f in job["files"]] == ["finished", "failed"]
    assert job["files"][1]["error"]["code"] == "file_expired"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/jobs/{job_id}/download", headers=auth()).data))
    assert book.sheetnames[-1] == "Summary"


def test_cancel_queued_job_deletes_its_files(client, services, worker):
    response = upload(client, [("one.png", png_bytes(render_table(SALES)))] * 3)
    job_id = response.get_json()["job_id"]
    canceled = client.delete(f"/api/v1/jobs/{job_id}", headers=auth())
    assert canceled.status_code == 200
    assert canceled.get_json()["status"] == "canceled"
    assert all(services.storage.get(f"upload/{job_id}/{i}") is None for i in range(3))
    assert client.get(f"/api/v1/jobs/{job_id}/download", headers=auth()).status_code == 409
    again = client.delete(f"/api/v1/jobs/{job_id}", headers=auth())
    assert again.status_code == 200 and again.get_json()["status"] == "canceled"


def test_everything_expires_with_the_retention_time(client, services, worker):
    response = upload(client, [("t.png", png_bytes(render_table(SALES[:2])))])
    job_id = response.get_json()["job_id"]
    wait_for_job(client, job_id)
    retention = services.settings.retention_seconds
    redis = services.redis
    keys = [k for k in redis.scan_iter(f"*{job_id}*")]
    assert keys, "the job left no keys"
    for key in keys:
        assert 0 < redis.ttl(key) <= retention, key


def test_cancel_of_a_running_job_and_the_worker_goes_on(client, services, worker):
    """With the default in-process worker the image being read is finished and discarded;
    tests/e2e/test_worker_modes.py covers the fork mode, where it is stopped at once."""
    job_id = upload(client, [("big.png", big_table_png())]).get_json()["job_id"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()["files"][0]["status"] != "started":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    canceled = client.delete(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()
    assert canceled["status"] == "canceled" and canceled["files"][0]["status"] == "canceled"
    next_job = upload(client, [("next.png", png_bytes(render_table(SALES[:2])))]).get_json()["job_id"]
    assert wait_for_job(client, next_job, timeout=120)["status"] == "finished"
    after = client.get(f"/api/v1/jobs/{job_id}", headers=auth()).get_json()
    assert after["status"] == "canceled" and after["files"][0]["status"] == "canceled"
    assert services.storage.get(f"result/{job_id}/0") is None, "a canceled job keeps no result"


def big_table_png() -> bytes:
    """A page-sized table that takes the OCR a few seconds."""
    rows = [[f"Row {r}", f"{r * 1234.5:,.2f}", f"{r % 97}.{r % 10}%", f"2024-{r % 12 + 1:02d}-{r % 28 + 1:02d}"]
            for r in range(1, 90)]
    return png_bytes(render_table([SALES[0]] + rows, size=(1400, 4300), font_size=20, row_height=46))
