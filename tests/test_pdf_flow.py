"""PDF uploads through the API: pages fan out to jobs, one sheet per table named by page."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from tests.conftest import auth, wait_for_job
from tests.imaging import SALES
from tests.pdfs import PRODUCTS, STAFF, encrypted_pdf, table_pdf


def upload(client, name, data, **form):
    return client.post("/api/v1/convert", headers=auth(), content_type="multipart/form-data",
                       data={**form, "files": [(io.BytesIO(data), name)]})


def test_text_pdf_pages_become_sheets_with_exact_typed_cells(client, worker):
    response = upload(client, "report.pdf", table_pdf([PRODUCTS, STAFF, SALES]), pages="1,3")
    assert response.status_code == 202, response.get_json()
    job = wait_for_job(client, response.get_json()["job_id"])
    assert job["status"] == "finished"
    assert [(f["name"], f["page"], f["status"]) for f in job["files"]] == [
        ("report.pdf", 1, "finished"), ("report.pdf", 3, "finished")]
    download = client.get(f"/api/v1/jobs/{job['job_id']}/download", headers=auth())
    assert "report.xlsx" in download.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["report p1", "report p3"]
    products = [list(r) for r in book["report p1"].iter_rows(values_only=True)]
    assert products[0] == PRODUCTS[0]
    assert products[3] == ["Gizmo Pro", 1500, 0.75, dt.datetime(2024, 1, 9)]
    result = client.get(f"/api/v1/jobs/{job['job_id']}/result", headers=auth()).get_json()
    assert result["files"][0]["engine"] == "pdf-text"


def test_pdf_errors_are_clear(client, services):
    from tests.pdfs import truncated_pdf

    cases = [
        (encrypted_pdf(PRODUCTS), {}, 422, "encrypted_pdf"),
        (truncated_pdf(PRODUCTS), {}, 422, "corrupt_pdf"),
        (table_pdf([PRODUCTS]), {"pages": "2"}, 400, "invalid_pages"),
        (table_pdf([PRODUCTS]), {"pages": "1;2"}, 400, "invalid_option"),
        (table_pdf([PRODUCTS] * (services.settings.max_pdf_pages + 1)), {}, 413, "too_many_pages"),
    ]
    for data, form, status, code in cases:
        response = upload(client, "x.pdf", data, **form)
        assert response.status_code == status, (code, response.get_json())
        assert response.get_json()["error"]["code"] == code
