"""Schemathesis against the app's own OpenAPI document: generated requests for every
operation must never get a 5xx, and the document itself must be valid."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.conftest import ADMIN_KEY, API_KEY


@pytest.fixture(scope="module")
def api_app(test_env):
    from app import create_app

    return create_app("testing")


def operations():
    """Every operation of the document, loaded from a throwaway app (ids only matter here)."""
    import os

    from app import create_app

    saved = os.environ.get("API_KEYS")
    os.environ["API_KEYS"] = API_KEY
    try:
        loaded = schemathesis.openapi.from_wsgi("/openapi.json", create_app("testing"))
        return [op.ok() for op in loaded.get_all_operations()]
    finally:
        os.environ.pop("API_KEYS") if saved is None else os.environ.__setitem__("API_KEYS", saved)


@pytest.mark.parametrize("operation", operations(), ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_operation_answers_5xx(api_app, operation):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", api_app)
    live = next(op.ok() for op in schema.get_all_operations()
                if op.ok().method == operation.method and op.ok().path == operation.path)

    @given(case=live.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        key = ADMIN_KEY if case.path.startswith("/api/v1/admin") else API_KEY
        response = case.call(headers={"X-API-Key": key})
        readiness = case.path.startswith("/health") and response.status_code == 503
        assert response.status_code < 500 or readiness, (case.method, case.path, response.text[:300])
        if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
            assert set(response.json()) == {"error"}
        case.validate_response(response, checks=[status_code_conformance])

    check()


def test_document_lists_every_route(api_app):
    spec = api_app.test_client().get("/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in api_app.url_map.iter_rules():
        if rule.endpoint.startswith(("docs.", "web.")):
            continue
        path = str(rule).replace("<job_id>", "{job_id}").replace("<key_id>", "{key_id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    assert spec["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"


def test_docs_page_and_assets_are_served_locally(api_app):
    client = api_app.test_client()
    page = client.get("/docs").get_data(as_text=True)
    assert "/docs/static/swagger-ui-bundle.js" in page and "http" not in page.split("<body>")[1]
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
