"""Keys created by the admin API and CLI, used, counted and revoked, against the real Redis."""
from __future__ import annotations

from tests.conftest import ADMIN_KEY, API_KEY


def admin(client, method, path, **kwargs):
    return getattr(client, method)(f"/api/v1/admin{path}", headers={"X-API-Key": ADMIN_KEY}, **kwargs)


def test_admin_creates_a_key_shown_once_stored_as_hash(client, services):
    response = admin(client, "post", "/keys", json={"name": "acme", "rate": "100/minute", "quota": "1000/day"})
    assert response.status_code == 201
    body = response.get_json()
    key = body["api_key"]
    assert key.startswith("ts_") and len(key) >= 43
    assert (body["name"], body["rate"], body["quota"]) == ("acme", "100/minute", "1000/day")
    stored = b"".join(k + (services.redis.get(k) or b"") if services.redis.type(k) == b"string" else k
                      for k in services.redis.scan_iter("tablesnap-test:apikey*"))
    assert key.encode() not in stored
    listed = admin(client, "get", "/keys").get_json()["keys"]
    assert all("api_key" not in k for k in listed)
    assert body["id"] in [k["id"] for k in listed]


def test_a_created_key_works_counts_use_and_can_be_revoked(client):
    created = admin(client, "post", "/keys", json={"name": "temp"}).get_json()
    headers = {"X-API-Key": created["api_key"]}
    for _ in range(3):
        assert client.get("/api/v1/jobs", headers=headers).status_code == 200
    me = client.get("/api/v1/keys/me", headers=headers).get_json()
    assert me["id"] == created["id"] and me["request_count"] == 4 and me["last_used_at"]
    assert admin(client, "delete", f"/keys/{created['id']}").get_json()["revoked"] is True
    response = client.get("/api/v1/jobs", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "invalid_api_key"


def test_admin_routes_need_the_admin_key(client):
    assert client.get("/api/v1/admin/keys").status_code == 401
    assert client.get("/api/v1/admin/keys", headers={"X-API-Key": API_KEY}).status_code == 401


def test_admin_input_is_validated(client):
    response = admin(client, "post", "/keys", json={"name": "x", "rate": "lots"})
    assert response.status_code == 400 and "rate" in response.get_json()["error"]["details"]
    assert admin(client, "post", "/keys", json={"rate": "5/minute"}).status_code == 400
    assert admin(client, "delete", "/keys/nope").status_code == 404


def test_version_needs_no_key(client):
    assert client.get("/api/v1/version").status_code == 200


def test_cli_creates_lists_and_revokes(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["keys", "create", "--name", "from-cli", "--rate", "10/minute"])
    assert created.exit_code == 0, created.output
    key_id = created.output.split("id: ")[1].split()[0]
    assert "from-cli" in runner.invoke(args=["keys", "list"]).output
    assert runner.invoke(args=["keys", "revoke", key_id]).exit_code == 0
    assert f"{key_id}  revoked" in runner.invoke(args=["keys", "list"]).output
