"""Hostile uploads: generated and hand-made. No 500s, the right 4xx, and the worker keeps
serving other jobs."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import auth, wait_for_job
from tests.imaging import SALES, png_bytes, render_table

GOOD = png_bytes(render_table(SALES), unique=False)
JPEG = png_bytes(render_table(SALES), fmt="JPEG")
MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"BM", b"II*\x00",
         b"%PDF-1.7", b"PK\x03\x04", b"<svg", b""]
ALLOWED = {202, 400, 413, 415, 422}


def post(client, files, **form):
    data = {**form, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/v1/convert", data=data, headers=auth(), content_type="multipart/form-data")


def check(response):
    assert response.status_code in ALLOWED, response.get_data(as_text=True)[:500]
    if response.status_code != 202:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=2048),
       name=st.text(max_size=300), cut=st.integers(min_value=0, max_value=len(GOOD)))
def test_generated_uploads_never_break_the_api(client, magic, tail, name, cut):
    check(post(client, [(name, magic + tail)]))
    check(post(client, [(name or "x.png", GOOD[:cut])]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.dictionaries(st.text(min_size=1, max_size=50).filter(lambda k: k != "files"),
                            st.text(max_size=500), max_size=4))
def test_generated_form_fields_are_validated(client, form):
    response = post(client, [("a.png", GOOD)], **form)
    check(response)
    if set(form) - {"layout", "locale", "engine", "highlight_low_confidence"}:
        assert response.status_code == 400


def animated_gif(frames: int) -> bytes:
    images = [Image.new("P", (64, 64), i % 256) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=10, loop=0)
    return buffer.getvalue()


HAND_MADE = [
    ("png + zip polyglot", "poly.png", GOOD + b"PK\x03\x04" + b"\0" * 100, 202),
    ("png + html trailer", "poly2.png", GOOD + b"<html><script>alert(1)</script></html>", 202),
    ("jpeg cut in half", "half.jpg", JPEG[: len(JPEG) // 2], 422),
    ("wrong magic", "x.png", b"\x89PNX\r\n\x1a\n" + GOOD[8:], 415),
    ("zero bytes", "zero.png", b"", 400),
    ("nul name", "a\x00b.png", GOOD, 202),
    ("very long unicode name", "表" * 1000 + ".png", GOOD, 202),
    ("1000-frame gif", "anim.gif", animated_gif(1000), 202),
    ("svg", "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><text>1</text></svg>', 415),
]


@pytest.mark.parametrize("label,name,data,status", HAND_MADE, ids=[c[0] for c in HAND_MADE])
def test_hand_made_files(client, label, name, data, status):
    response = post(client, [(name, data)])
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 202:
        job = client.get(response.get_json()["status_url"], headers=auth()).get_json()
        assert len(job["files"][0]["name"]) <= 200 and "\x00" not in job["files"][0]["name"]


def test_huge_form_field_is_refused(client, services):
    response = post(client, [("a.png", GOOD)], locale="x" * (services.settings.max_content_length + 10))
    assert response.status_code in (400, 413)


def test_worker_survives_hostile_files_and_serves_the_next_job(client, worker):
    for name, data in (("anim.gif", animated_gif(1000)), ("poly.png", GOOD + b"PK\x03\x04" + b"\0" * 100)):
        wait_for_job(client, post(client, [(name, data)]).get_json()["job_id"])
    assert worker.poll() is None, "the worker process died"
    job = wait_for_job(client, post(client, [("after.png", png_bytes(render_table(SALES)))]).get_json()["job_id"])
    assert job["status"] == "finished"
