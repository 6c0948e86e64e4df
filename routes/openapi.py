"""The OpenAPI document, built from the marshmallow schemas, and interactive docs at /docs.

Swagger UI's files come from the ``swagger-ui-bundle`` package and are served by the app
itself (no CDN), with the page's script in a file so a strict CSP can forbid inline scripts.
"""
from __future__ import annotations

from functools import lru_cache

import swagger_ui_bundle
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, jsonify, send_from_directory

from controllers.schemas import ConvertOptionsSchema, CreateKeySchema, PageQuerySchema, PreviewQuerySchema
from routes import schemas as out
from utils.version import __version__

bp = Blueprint("docs", __name__)

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = {
    400: "invalid input", 401: "missing or invalid API key", 404: "no such job (or not yours)",
    409: "the job is not in a state that allows this", 410: "the result has expired", 413: "too large",
    415: "not a supported image", 422: "the image cannot be decoded", 429: "rate limit exceeded",
    503: "Redis unreachable",
}
JOB_ID = {"in": "path", "name": "job_id", "required": True, "schema": {"type": "string"}}

# path, method, tag, summary, extra operation fields, {status: schema or (content type, description)}
OPERATIONS = [
    ("/api/v1/convert", "post", "jobs", "Upload images or PDFs and start a conversion job", "convert",
     {202: out.Accepted}, (400, 401, 413, 415, 422, 429, 503)),
    ("/api/v1/jobs", "get", "jobs", "The caller's jobs, newest first", "list",
     {200: out.JobPage}, (400, 401, 429)),
    ("/api/v1/jobs/{job_id}", "get", "jobs", "A job's status, progress, files and timings", "job",
     {200: out.Job}, (401, 404, 429)),
    ("/api/v1/jobs/{job_id}", "delete", "jobs", "Cancel a queued or running job and delete its files", "job",
     {200: out.Job}, (401, 404, 409, 429)),
    ("/api/v1/jobs/{job_id}/download", "get", "jobs", "The workbook (XLSX)", "job",
     {200: (XLSX, "the workbook")}, (401, 404, 409, 410, 429)),
    ("/api/v1/jobs/{job_id}/result", "get", "jobs", "The recovered tables as JSON", "job",
     {200: out.JobResult}, (401, 404, 409, 429)),
    ("/api/v1/jobs/{job_id}/preview", "get", "jobs", "The first rows of each table", "preview",
     {200: out.Preview}, (400, 401, 404, 409, 429)),
    ("/api/v1/jobs/{job_id}/events", "get", "jobs",
     "Server-Sent Events: progress, file_finished, file_failed, finished, failed, canceled", "job",
     {200: ("text/event-stream", "the event stream; ends with the job")}, (401, 404, 429)),
    ("/api/v1/engines", "get", "service", "OCR engines: available here or why not, and versions", None,
     {200: out.EngineList}, (401, 429)),
    ("/api/v1/keys/me", "get", "keys", "The caller's key and usage", None, {200: out.ApiKey}, (401, 429)),
    ("/api/v1/admin/keys", "get", "admin", "All API keys", "admin", {200: out.KeyList}, (401,)),
    ("/api/v1/admin/keys", "post", "admin", "Create an API key (shown once)", "create_key",
     {201: out.CreatedKey}, (400, 401)),
    ("/api/v1/admin/keys/{key_id}", "delete", "admin", "Revoke an API key", "revoke",
     {200: out.ApiKey}, (401, 404)),
    ("/api/v1/version", "get", "service", "Service and API version", "public", {200: out.Version}, (429,)),
    ("/health/live", "get", "service", "The process is up", "public", {200: out.Health}, ()),
    ("/health/ready", "get", "service", "Redis reachable and a worker registered", "public",
     {200: out.Health}, (503,)),
    ("/health", "get", "service", "Health details", "public", {200: out.Health}, (503,)),
    ("/metrics", "get", "service", "Prometheus metrics (cluster-wide, kept in Redis)", "public",
     {200: ("text/plain", "Prometheus text exposition format")}, ()),
]


def _extras(kind: str | None, converter) -> dict:
    if kind == "convert":
        options = converter.schema2jsonschema(ConvertOptionsSchema)
        options["properties"]["files"] = {"type": "array", "items": {"type": "string", "format": "binary"}}
        options["required"] = ["files"]
        return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": options}}}}
    if kind == "list":
        return {"parameters": [{"in": "query", "schema": PageQuerySchema}]}
    if kind == "job":
        return {"parameters": [JOB_ID]}
    if kind == "preview":
        return {"parameters": [JOB_ID, {"in": "query", "schema": PreviewQuerySchema}]}
    if kind == "create_key":
        return {"security": [{"AdminKey": []}],
                "requestBody": {"required": True, "content": {JSON: {"schema": CreateKeySchema}}}}
    if kind in ("admin", "revoke"):
        params = [{"in": "path", "name": "key_id", "required": True, "schema": {"type": "string"}}]
        return {"security": [{"AdminKey": []}], **({"parameters": params} if kind == "revoke" else {})}
    if kind == "public":
        return {"security": []}
    return {}


@lru_cache(maxsize=1)
def build_spec() -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(title="tablesnap", version=__version__, openapi_version="3.0.3", plugins=[plugin], info={
        "description": "Turn pictures of tables into spreadsheets with typed cells. Upload images, follow the "
                       "job, download the XLSX. Every error is `{\"error\": {\"code\", \"message\", \"details\"}}`."})
    spec.components.security_scheme("ApiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    spec.components.security_scheme("Bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("AdminKey", {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                                 "description": "the ADMIN_API_KEY"})
    spec.components.schema("Error", schema=out.Error)
    paths: dict[str, dict] = {}
    for path, method, tag, summary, kind, success, errors in OPERATIONS:
        responses = {}
        for status, body in success.items():
            if isinstance(body, tuple):
                responses[status] = {"description": body[1], "content": {body[0]: {"schema": {"type": "string"}}}}
            else:
                responses[status] = {"description": summary, "content": {JSON: {"schema": body}}}
        for status in errors:
            responses[status] = {"description": ERRORS[status], "content": {JSON: {"schema": "Error"}}}
        operation = {"tags": [tag], "summary": summary, "operationId": f"{method}_{path}".replace("/", "_"),
                     "security": [{"ApiKey": []}, {"Bearer": []}], "responses": responses,
                     **_extras(kind, plugin.converter)}
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tablesnap API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""

DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  persistAuthorization: true});"""


@bp.get("/docs")
def docs():
    return Response(DOCS_PAGE, mimetype="text/html")


@bp.get("/docs/init.js")
def docs_init():
    return Response(DOCS_INIT, mimetype="text/javascript")


@bp.get("/docs/static/<path:filename>")
def docs_static(filename: str):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
