from __future__ import annotations

import pytest
from flask import Flask

import config


def test_live_needs_nothing(client):
    response = client.get("/health/live")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_ready_with_a_worker_reports_queue_depth(client, worker):
    body = client.get("/health/ready").get_json()
    assert body["status"] == "ready"
    assert body["checks"]["redis"]["ok"] and body["checks"]["workers"]["count"] >= 1
    assert body["checks"]["queue"]["depth"] >= 0


def test_details_and_version(client, worker):
    body = client.get("/health").get_json()
    assert body["checks"]["workers"]["ok"] and body["default_engine"] == "rapidocr"
    version = client.get("/api/v1/version").get_json()
    assert version["api"] == "v1" and version["version"]


def test_ready_is_503_when_redis_is_unreachable(test_env, monkeypatch):
    from app import create_app

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    app: Flask = create_app(config.TestingConfig())
    client = app.test_client()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["ok"] is False
    assert client.get("/health/live").status_code == 200


@pytest.mark.parametrize("api_keys,admin_key,message", [
    ("", "", "needs API keys"),
    ("", "change-me", "placeholder"),
    ("short", "", "shorter than 32"),
])
def test_production_refuses_to_start_unsafely(test_env, monkeypatch, api_keys, admin_key, message):
    from app import create_app

    monkeypatch.setenv("API_KEYS", api_keys)
    monkeypatch.setenv("ADMIN_API_KEY", admin_key)
    with pytest.raises(RuntimeError, match=message):
        create_app("production")


def test_request_id_is_echoed_or_assigned(client):
    assert client.get("/health/live", headers={"X-Request-ID": "abc-123-def"}).headers["X-Request-ID"] == "abc-123-def"
    assert len(client.get("/health/live", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"]) == 32
