"""Bad uploads get the JSON error envelope with the right status, and nothing is stored."""
from __future__ import annotations

import io
import struct
import zlib

import pytest

from tests.conftest import auth
from tests.imaging import SALES, png_bytes, render_table

GOOD = png_bytes(render_table(SALES))


def post(client, files=(), headers=None, **form):
    data = {**form, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/v1/convert", data=data, headers=auth() if headers is None else headers,
                       content_type="multipart/form-data")


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a size, with one tiny compressed row: a decompression bomb shape."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def stored_keys(services):
    """Keys holding jobs, files or results (request metrics and rate-limit counters excluded)."""
    prefix = services.settings.key_prefix
    bookkeeping = (f"{prefix}:metrics".encode(), f"{prefix}:limits".encode(), f"{prefix}:apikey".encode())
    return lambda: {k for k in services.redis.scan_iter(f"{prefix}:*") if not k.startswith(bookkeeping)}


CASES = [
    ("empty file", [("t.png", b"")], 400, "empty_file"),
    ("text named png", [("t.png", b"hello, this is not an image at all")], 415, "unsupported_media_type"),
    ("html named png", [("t.png", b"<!doctype html><html><script>alert(1)</script></html>")], 415, "unsupported_media_type"),
    ("broken pdf", [("t.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")], 422, "corrupt_pdf"),
    ("truncated png", [("t.png", GOOD[: len(GOOD) // 2])], 422, "corrupt_image"),
    ("decompression bomb", [("t.png", png_header(60000, 60000))], 413, "image_too_large"),
    ("over MAX_IMAGE_PIXELS", [("t.png", png_header(5000, 5000))], 413, "image_too_large"),
    ("1x1", [("t.png", png_bytes(render_table(SALES, size=(1, 1))))], 422, "image_too_small"),
    ("one bad among good", [("a.png", GOOD), ("b.png", b"nope")], 415, "unsupported_media_type"),
    ("too many files", [("a.png", GOOD)] * 6, 400, "too_many_files"),
    ("no files", [], 400, "no_files"),
]


@pytest.mark.parametrize("label,files,status,code", CASES, ids=[c[0] for c in CASES])
def test_bad_uploads_are_refused_and_store_nothing(client, stored_keys, label, files, status, code):
    before = stored_keys()
    error = assert_error(post(client, files), status, code)
    assert stored_keys() == before
    if label == "one bad among good":
        assert error["details"] == {"file": "b.png", "index": 1}


def test_a_lying_extension_is_judged_by_content(client, worker):
    jpeg = png_bytes(render_table(SALES), fmt="JPEG")
    response = post(client, [("really-a-jpeg.png", jpeg)])
    assert response.status_code == 202


def test_unknown_options_are_refused(client):
    error = assert_error(post(client, [("a.png", GOOD)], colour="blue"), 400, "unknown_option")
    assert "colour" in error["details"]


def test_invalid_option_values_are_refused(client):
    error = assert_error(post(client, [("a.png", GOOD)], layout="diagonal"), 400, "invalid_option")
    assert "layout" in error["details"]


def test_file_parts_under_another_name_are_refused(client):
    response = client.post("/api/v1/convert", data={"file": (io.BytesIO(GOOD), "a.png")}, headers=auth(),
                           content_type="multipart/form-data")
    assert_error(response, 400, "unknown_option")


def test_body_over_max_content_length_is_413(client, services):
    big = b"\0" * (services.settings.max_content_length + 1024)
    assert_error(post(client, [("big.png", big)]), 413, "payload_too_large")


def test_path_traversal_in_file_names_is_neutralised(client, services, worker):
    response = post(client, [("../../etc/passwd.png", GOOD)])
    job = client.get(f"/api/v1/jobs/{response.get_json()['job_id']}", headers=auth()).get_json()
    assert job["files"][0]["name"] == "passwd.png"


@pytest.mark.parametrize("headers,code", [({}, "missing_api_key"), ({"X-API-Key": "wrong"}, "invalid_api_key"),
                                          ({"Authorization": "Bearer wrong"}, "invalid_api_key")])
def test_requests_without_a_valid_key_are_401(client, headers, code):
    response = post(client, [("a.png", GOOD)], headers=headers)
    assert_error(response, 401, code)
    assert "WWW-Authenticate" in response.headers


def test_bearer_token_is_accepted(client):
    response = client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {auth()['X-API-Key']}"})
    assert response.status_code == 200


def test_unknown_routes_and_methods_use_the_envelope(client):
    assert_error(client.get("/api/v1/nope", headers=auth()), 404, "not_found")
    response = client.put("/api/v1/convert", headers=auth())
    assert_error(response, 405, "method_not_allowed")


def test_unknown_job_id_is_404(client):
    assert_error(client.get("/api/v1/jobs/" + "0" * 32, headers=auth()), 404, "job_not_found")
    assert_error(client.get("/api/v1/jobs/..%2f..%2fetc", headers=auth()), 404, "not_found")


def test_bad_pagination_is_400(client):
    assert_error(client.get("/api/v1/jobs?per_page=0", headers=auth()), 400, "invalid_option")
    assert_error(client.get("/api/v1/jobs?sort=asc", headers=auth()), 400, "unknown_option")
