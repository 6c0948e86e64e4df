"""Request schemas: what each use case accepts, unknown fields refused."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from services.ocr import ENGINE_NAMES
from services.xlsx import LAYOUTS
from utils.errors import ApiError


class ConvertOptionsSchema(Schema):
    class Meta:
        unknown = RAISE

    layout = fields.String(load_default="sheet_per_image", validate=validate.OneOf(LAYOUTS))
    engine = fields.String(load_default=None, validate=validate.OneOf(ENGINE_NAMES))
    locale = fields.String(load_default="en", validate=validate.Regexp(r"^[A-Za-z]{2}([_-][A-Za-z]{2})?$"))
    highlight_low_confidence = fields.Boolean(load_default=True)
    pages = fields.String(load_default=None, validate=validate.Regexp(r"^[\d\s,-]{1,200}$"),
                          metadata={"description": "PDF pages, e.g. 1-3,7 (default: all)"})
    callback_url = fields.Url(load_default=None, schemes={"http", "https"}, require_tld=False,
                              validate=validate.Length(max=2048))


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PreviewQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    rows = fields.Integer(load_default=10, validate=validate.Range(min=1, max=200))


def load(schema: Schema, data) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        unknown = [k for k, v in exc.messages.items() if v == ["Unknown field."]]
        code = "unknown_option" if unknown and len(unknown) == len(exc.messages) else "invalid_option"
        raise ApiError(400, code, "some options are not valid", exc.messages) from None


def _valid_limit(value: str) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValidationError("not a limit such as '60/minute' or '1000/day'") from None


class CreateKeySchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rate = fields.String(load_default=None, validate=_valid_limit)
    quota = fields.String(load_default=None, validate=_valid_limit)
