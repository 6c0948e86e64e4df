"""The content-hash cache: identical uploads are answered without OCR, and never reveal
anything about the first uploader."""
from __future__ import annotations

import io
import shutil
import threading
import time

import pytest

from services import result_cache
from services.result_cache import ResultCache, pipeline_fingerprint
from tests.conftest import OTHER_KEY, auth, wait_for_job
from tests.imaging import SALES, png_bytes, render_table


def upload(client, name, data, key=None, **form):
    return client.post("/api/v1/convert", data={**form, "files": [(io.BytesIO(data), name)]},
                       headers=auth(*(key and [key] or [])), content_type="multipart/form-data")


def test_identical_upload_is_finished_on_arrival_from_the_cache(client, worker):
    image = png_bytes(render_table(SALES))
    first = wait_for_job(client, upload(client, "secret-name.png", image).get_json()["job_id"])
    assert first["files"][0]["cached"] is False

    started = time.perf_counter()
    response = upload(client, "mine.png", image, key=OTHER_KEY)
    elapsed = time.perf_counter() - started
    assert response.status_code == 202
    second = client.get(response.get_json()["status_url"], headers=auth(OTHER_KEY)).get_json()
    assert second["status"] == "finished", "an all-cached job is finished on arrival"
    assert second["files"][0]["cached"] is True and second["files"][0]["name"] == "mine.png"
    assert elapsed < 1.0
    result = client.get(f"/api/v1/jobs/{second['job_id']}/result", headers=auth(OTHER_KEY)).get_json()
    assert "secret-name" not in str(result) and first["job_id"] not in str(result)
    book = client.get(f"/api/v1/jobs/{second['job_id']}/download", headers=auth(OTHER_KEY))
    assert book.status_code == 200 and "mine.xlsx" in book.headers["Content-Disposition"]


def test_options_that_change_the_output_are_part_of_the_key(client, worker):
    image = png_bytes(render_table(SALES[:3]))
    wait_for_job(client, upload(client, "a.png", image).get_json()["job_id"])
    german = upload(client, "a.png", image, locale="de").get_json()
    job = client.get(german["status_url"], headers=auth()).get_json()
    assert job["status"] != "finished" or job["files"][0]["cached"] is False
    assert wait_for_job(client, german["job_id"])["files"][0]["cached"] is False


def test_identical_uploads_in_flight_do_one_ocr(client, worker):
    image = png_bytes(render_table(SALES[:4]))
    ids = [upload(client, f"{i}.png", image).get_json()["job_id"] for i in range(3)]
    files = [wait_for_job(client, job_id)["files"][0] for job_id in ids]
    assert all(f["status"] == "finished" for f in files)
    assert sum(not f["cached"] for f in files) == 1


def test_a_second_worker_waits_for_the_first_ones_entry(services):
    cache = ResultCache(services.redis, "tablesnap-test:cache-unit", ttl=60)
    assert cache.claim("k", seconds=10)
    assert not cache.claim("k", seconds=10)
    threading.Timer(0.3, cache.put, args=("k", b"tables")).start()
    assert cache.wait("k", timeout=5) == b"tables"
    assert cache.claim("other", seconds=10)
    cache.release("other")
    assert cache.wait("other", timeout=5) is None, "a released claim without an entry means: convert it yourself"


@pytest.fixture
def services_copy(tmp_path, monkeypatch):
    copy = tmp_path / "services"
    shutil.copytree(result_cache._SERVICES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(result_cache, "_SERVICES", copy)
    pipeline_fingerprint.cache_clear()
    yield copy
    pipeline_fingerprint.cache_clear()


@pytest.mark.parametrize("changed", ["ocr/second_reading.py", "preprocess.py", "tables/assemble.py"])
def test_a_change_to_code_the_tables_depend_on_changes_the_fingerprint(services_copy, changed):
    before = pipeline_fingerprint()
    path = services_copy / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    pipeline_fingerprint.cache_clear()
    assert pipeline_fingerprint() != before
