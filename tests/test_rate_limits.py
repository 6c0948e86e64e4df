"""Rate limits on the real Redis: per key, per image for uploads, exempt health, 503 without Redis."""
from __future__ import annotations

import io
import uuid

import pytest

from tests.conftest import API_KEY, OTHER_KEY
from tests.imaging import SALES, png_bytes, render_table


@pytest.fixture
def limited_app(test_env, monkeypatch):
    from app import create_app

    monkeypatch.setenv("REDIS_KEY_PREFIX", f"tablesnap-test-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("RATE_LIMIT_DEFAULT", "5/minute")
    monkeypatch.setenv("RATE_LIMIT_UPLOADS", "100/minute")
    monkeypatch.setenv("RATE_LIMIT_IMAGES", "4/minute")
    monkeypatch.setenv("RATE_LIMIT_ANONYMOUS", "3/minute")
    return create_app("testing")


def test_limit_per_key_with_headers_then_429_envelope(limited_app):
    client = limited_app.test_client()
    for i in range(5):
        response = client.get("/api/v1/jobs", headers={"X-API-Key": API_KEY})
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "5"
        assert response.headers["X-RateLimit-Remaining"] == str(4 - i)
        assert "X-RateLimit-Reset" in response.headers
    refused = client.get("/api/v1/jobs", headers={"X-API-Key": API_KEY})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/jobs", headers={"X-API-Key": OTHER_KEY}).status_code == 200


def test_batch_uploads_count_images(limited_app):
    client = limited_app.test_client()
    image = png_bytes(render_table(SALES[:2], size=(400, 200), origin=(10, 10)))

    def upload(count):
        files = [(io.BytesIO(image), f"{i}.png") for i in range(count)]
        return client.post("/api/v1/convert", data={"files": files}, headers={"X-API-Key": API_KEY},
                           content_type="multipart/form-data")

    assert upload(3).status_code == 202
    refused = upload(2)
    assert refused.status_code == 429, "3 + 2 images exceed 4 images a minute"


def test_health_is_exempt_and_anonymous_calls_are_limited_by_address(limited_app):
    client = limited_app.test_client()
    for _ in range(10):
        assert client.get("/health/live").status_code == 200
    statuses = [client.get("/api/v1/version").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_redis_down_answers_503_envelope(test_env, monkeypatch):
    from app import create_app

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    client = create_app("testing").test_client()
    response = client.get("/api/v1/jobs", headers={"X-API-Key": API_KEY})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
