"""Response shapes, for the OpenAPI document (requests are validated by controllers.schemas)."""
from __future__ import annotations

from marshmallow import Schema, fields


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"example": "unsupported_media_type"})
    message = fields.String(required=True)
    details = fields.Raw(allow_none=True)


class Error(Schema):
    error = fields.Nested(ErrorBody, required=True)


class Accepted(Schema):
    job_id = fields.String(required=True)
    status = fields.String(metadata={"example": "queued"})
    files = fields.Integer()
    status_url = fields.Url()
    download_url = fields.Url()
    result_url = fields.Url()


class Progress(Schema):
    done = fields.Integer()
    total = fields.Integer()
    current_file = fields.String(allow_none=True)


class Timings(Schema):
    queued_seconds = fields.Float(allow_none=True)
    processing_seconds = fields.Float(allow_none=True)
    total_seconds = fields.Float(allow_none=True)


class FileStatus(Schema):
    index = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    status = fields.String(metadata={"enum": ["queued", "started", "finished", "failed", "canceled"]})
    error = fields.Nested(ErrorBody, allow_none=True)
    tables = fields.Integer(allow_none=True)
    cached = fields.Boolean()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    timings = fields.Dict(keys=fields.String(), values=fields.Float())


class Job(Schema):
    job_id = fields.String()
    status = fields.String(metadata={"enum": ["queued", "started", "finished", "failed", "canceled"]})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    progress = fields.Nested(Progress)
    options = fields.Dict()
    timings = fields.Nested(Timings)
    error = fields.Nested(ErrorBody, allow_none=True)
    files = fields.List(fields.Nested(FileStatus))
    webhook = fields.Dict()
    links = fields.Dict(keys=fields.String(), values=fields.Url())


class JobPage(Schema):
    jobs = fields.List(fields.Nested(Job))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    has_more = fields.Boolean()


class CellOut(Schema):
    row = fields.Integer()
    col = fields.Integer()
    rowspan = fields.Integer()
    colspan = fields.Integer()
    text = fields.String()
    kind = fields.String(metadata={"enum": ["text", "number", "percent", "currency", "date", "empty"]})
    value = fields.Raw(allow_none=True)
    number_format = fields.String(allow_none=True)
    bbox = fields.List(fields.Float(), allow_none=True)
    confidence = fields.Float(allow_none=True)


class TableOut(Schema):
    n_rows = fields.Integer()
    n_cols = fields.Integer()
    header_rows = fields.Integer()
    title = fields.String(allow_none=True)
    bbox = fields.List(fields.Float(), allow_none=True)
    cells = fields.List(fields.Nested(CellOut))


class FileResult(Schema):
    index = fields.Integer()
    name = fields.String()
    status = fields.String()
    error = fields.Nested(ErrorBody, allow_none=True)
    width = fields.Integer()
    height = fields.Integer()
    engine = fields.String()
    tables = fields.List(fields.Nested(TableOut))


class JobResult(Schema):
    job_id = fields.String()
    files = fields.List(fields.Nested(FileResult))


class PreviewTable(Schema):
    title = fields.String(allow_none=True)
    n_rows = fields.Integer()
    n_cols = fields.Integer()
    header_rows = fields.Integer()
    rows = fields.List(fields.List(fields.String()))


class PreviewFile(Schema):
    index = fields.Integer()
    name = fields.String()
    status = fields.String()
    tables = fields.List(fields.Nested(PreviewTable))


class Preview(Schema):
    job_id = fields.String()
    files = fields.List(fields.Nested(PreviewFile))


class ApiKey(Schema):
    id = fields.String()
    name = fields.String()
    created_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)
    request_count = fields.Integer()
    rate = fields.String()
    quota = fields.String(allow_none=True)
    upload_rate = fields.String()
    image_rate = fields.String()
    revoked = fields.Boolean()
    configured = fields.Boolean()


class CreatedKey(ApiKey):
    api_key = fields.String(metadata={"description": "shown once"})
    note = fields.String()


class KeyList(Schema):
    keys = fields.List(fields.Nested(ApiKey))


class Version(Schema):
    version = fields.String()
    api = fields.String()


class Health(Schema):
    status = fields.String()
    checks = fields.Dict()


class Engine(Schema):
    name = fields.String()
    available = fields.Boolean()
    reason = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    description = fields.String()
    default = fields.Boolean()


class EngineList(Schema):
    default = fields.String()
    engines = fields.List(fields.Nested(Engine))
