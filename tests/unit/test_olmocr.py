"""The olmOCR engine against a real local HTTP server that answers like the OpenAI/DeepInfra API."""
from __future__ import annotations

import base64
import email.utils
import io
import random
import time

import pytest
from PIL import Image

from services.ocr.base import EngineUnavailable
from services.ocr.olmocr import DEFAULT_MODEL, OcrUpstreamError, OlmOcrEngine, _retry_after, encode_image
from tests.fake_openai import FakeOpenAI
from tests.imaging import SALES, render_table
from tests.servers import free_port

KEY = "di-test-key-123"


@pytest.fixture
def fake():
    server = FakeOpenAI()
    yield server
    server.close()


def engine(fake: FakeOpenAI, **kwargs) -> OlmOcrEngine:
    options = {"base_url": fake.base_url, "api_key": KEY, "backoff_base": 0.01, "backoff_max": 2}
    return OlmOcrEngine(**{**options, **kwargs})


@pytest.fixture(scope="module")
def table_image() -> Image.Image:
    return render_table(SALES)


def texts(table) -> list[list[str | None]]:
    return [[c.text if c else None for c in row] for row in table.grid()]


# --- answers ------------------------------------------------------------------------------

def test_markdown_answer(fake, table_image):
    fake.reply("| Region | Revenue | Growth |\n|---|---:|---:|\n| North | 1,234.50 | 12.5% |\n"
               "| South | (987.00) | -3.2% |\n")
    [table] = engine(fake).extract_tables(table_image)
    assert texts(table) == [["Region", "Revenue", "Growth"], ["North", "1,234.50", "12.5%"],
                            ["South", "(987.00)", "-3.2%"]]
    assert table.header_rows == 1
    assert table.grid()[1][1].value.value == 1234.5
    assert table.grid()[2][1].value.value == -987
    assert table.grid()[1][2].value.kind == "percent"


def test_html_answer_with_merged_header(fake, table_image):
    fake.reply(
        "<table>\n<thead>\n<tr><th rowspan=\"2\">Region</th><th colspan=\"2\">Revenue</th></tr>\n"
        "<tr><th>2023</th><th>2024</th></tr>\n</thead>\n<tbody>\n"
        "<tr><td>North</td><td>1,200</td><td>1,350</td></tr>\n"
        "<tr><td>South</td><td>980</td><td>1,010</td></tr>\n</tbody>\n</table>")
    [table] = engine(fake).extract_tables(table_image)
    assert (table.n_rows, table.n_cols, table.header_rows) == (4, 3, 2)
    region, revenue = table.grid()[0][0], table.grid()[0][1]
    assert (region.text, region.rowspan, region.colspan) == ("Region", 2, 1)
    assert (revenue.text, revenue.rowspan, revenue.colspan) == ("Revenue", 1, 2)
    assert texts(table)[1] == [None, "2023", "2024"]
    assert table.grid()[3][2].value.value == 1010


def test_prose_around_the_table_is_ignored(fake, table_image):
    fake.reply("Sure! Here is the table from the image:\n\n| Item | Qty |\n|------|-----|\n"
               "| Apples | 3 |\n| Pears | 12 |\n\nLet me know if you need anything else.")
    [table] = engine(fake).extract_tables(table_image)
    assert texts(table) == [["Item", "Qty"], ["Apples", "3"], ["Pears", "12"]]
    assert table.title is None


def test_two_tables(fake, table_image):
    fake.reply("---\nprimary_language: en\nis_rotation_valid: True\nrotation_correction: 0\n"
               "is_table: True\nis_diagram: False\n---\n"
               "Table 1: Staff\n\n<table><tr><th>Name</th><th>Age</th></tr>"
               "<tr><td>Ann</td><td>34</td></tr></table>\n\n"
               "Table 2: Rooms\n\n<table><tr><th>Room</th><th>Seats</th></tr>"
               "<tr><td>A1</td><td>20</td></tr><tr><td>B2</td><td>8</td></tr></table>")
    first, second = engine(fake).extract_tables(table_image)
    assert first.title == "Table 1: Staff" and texts(first) == [["Name", "Age"], ["Ann", "34"]]
    assert second.title == "Table 2: Rooms" and second.n_rows == 3


def test_empty_answer(fake, table_image):
    fake.reply("")
    assert engine(fake).extract_tables(table_image) == []


def test_answer_cut_at_max_tokens_keeps_the_rows_it_has(fake, table_image):
    fake.reply("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>",
               finish_reason="length")
    [table] = engine(fake).extract_tables(table_image)
    assert texts(table) == [["A", "B"], ["1", "2"], ["3", None]]


def test_malformed_json_body(fake, table_image):
    fake.reply_raw(b'{"id": "chatcmpl-1", "choices": [{"message": ', headers={"Content-Type": "application/json"})
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert err.value.code == "upstream_bad_response"
    assert len(fake.requests) == 1


def test_answer_without_choices(fake, table_image):
    fake.reply_json({"id": "chatcmpl-1", "object": "chat.completion", "choices": []})
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert err.value.code == "upstream_bad_response"


def test_answer_with_null_content(fake, table_image):
    fake.reply(None)
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert err.value.code == "upstream_bad_response"


# --- retries and failures -----------------------------------------------------------------

def test_429_honours_retry_after_then_succeeds(fake, table_image):
    fake.reply_error(429, "Rate limit reached for requests", type_="requests", code="rate_limit_exceeded",
                     headers={"Retry-After": "1"})
    fake.reply("| A | B |\n|---|---|\n| 1 | 2 |")
    [table] = engine(fake, backoff_base=0.01).extract_tables(table_image)
    assert table.n_rows == 2
    assert len(fake.requests) == 2
    assert fake.requests[1].at - fake.requests[0].at >= 0.95


def test_429_until_give_up_is_rate_limited(fake, table_image):
    fake.reply_detail(429, "Rate limited", headers={"Retry-After": "0"})
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake, max_retries=2).extract_tables(table_image)
    assert (err.value.code, err.value.status) == ("upstream_rate_limited", 429)
    assert len(fake.requests) == 3


def test_500s_until_give_up(fake, table_image):
    fake.reply_error(500, "Internal server error", type_="server_error")
    started = time.monotonic()
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake, max_retries=3, backoff_base=0.01).extract_tables(table_image)
    assert (err.value.code, err.value.status) == ("upstream_unavailable", 500)
    assert len(fake.requests) == 3 + 1
    assert time.monotonic() - started < 5


def test_transient_502_then_success(fake, table_image):
    fake.reply_raw(b"<html><body>502 Bad Gateway</body></html>", 502, headers={"Content-Type": "text/html"})
    fake.reply("| A |\n|---|\n| x |")
    assert len(engine(fake).extract_tables(table_image)) == 1
    assert len(fake.requests) == 2


def test_slow_reply_times_out(fake, table_image):
    fake.reply("| A |\n|---|\n| x |", delay=1.5)
    started = time.monotonic()
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake, timeout_read=0.3, max_retries=1).extract_tables(table_image)
    assert err.value.code == "upstream_timeout"
    assert len(fake.requests) == 2
    assert time.monotonic() - started < 1.5


def test_total_timeout_bounds_all_attempts(fake, table_image):
    fake.reply("| A |\n|---|\n| x |", delay=2)
    started = time.monotonic()
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake, timeout_read=10, max_retries=4, total_timeout=0.8).extract_tables(table_image)
    assert err.value.code == "upstream_timeout"
    assert time.monotonic() - started < 1.6


def test_nothing_listening_is_unavailable(table_image):
    eng = OlmOcrEngine(f"http://127.0.0.1:{free_port()}/v1", KEY, max_retries=1, backoff_base=0.01)
    with pytest.raises(OcrUpstreamError) as err:
        eng.extract_tables(table_image)
    assert err.value.code == "upstream_unavailable" and err.value.status is None


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_is_not_retried(fake, table_image, status):
    fake.reply_error(status, "Incorrect API key provided", code="invalid_api_key")
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert (err.value.code, err.value.status) == ("upstream_auth_failed", status)
    assert len(fake.requests) == 1


def test_bad_request_is_not_retried_and_says_why(fake, table_image):
    fake.reply_error(400, "max_tokens must be at most 16384", code="invalid_value")
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert (err.value.code, err.value.status) == ("upstream_bad_request", 400)
    assert "max_tokens must be at most 16384" in err.value.message
    assert len(fake.requests) == 1


def test_deepinfra_detail_message(fake, table_image):
    fake.reply_detail(404, "Model is not available")
    with pytest.raises(OcrUpstreamError) as err:
        engine(fake).extract_tables(table_image)
    assert err.value.code == "upstream_bad_request" and "Model is not available" in err.value.message


def test_retry_after_forms():
    assert _retry_after("3") == 3
    assert _retry_after(None) is None and _retry_after("soon") is None
    in_two = email.utils.formatdate(time.time() + 2, usegmt=True)
    assert 0.5 <= _retry_after(in_two) <= 2.5
    assert _retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0


def test_retry_after_is_capped_at_backoff_max(fake, table_image):
    fake.reply_error(503, "overloaded", headers={"Retry-After": "3600"})
    fake.reply("")
    started = time.monotonic()
    engine(fake, backoff_max=0.2).extract_tables(table_image)
    assert time.monotonic() - started < 2


# --- the request --------------------------------------------------------------------------

def sent_image(fake: FakeOpenAI) -> tuple[str, bytes, Image.Image]:
    content = fake.requests[-1].body["messages"][0]["content"]
    url = next(part["image_url"]["url"] for part in content if part["type"] == "image_url")
    header, data = url.split(",", 1)
    raw = base64.b64decode(data)
    return header, raw, Image.open(io.BytesIO(raw))


def test_request_shape_and_downscaled_image(fake):
    big = render_table(SALES, size=(3000, 1500), font_size=40, row_height=90, origin=(120, 120))
    fake.reply("")
    engine(fake, max_image_side=1600).extract_tables(big)

    received = fake.requests[0]
    assert received.path == "/v1/chat/completions"
    assert received.headers["authorization"] == f"Bearer {KEY}"
    body = received.body
    assert body["model"] == DEFAULT_MODEL and body["temperature"] == 0 and body["max_tokens"] > 0
    [message] = body["messages"]
    assert message["role"] == "user"
    assert [p["type"] for p in message["content"]] == ["text", "image_url"]
    assert "<table>" in message["content"][0]["text"]

    header, raw, image = sent_image(fake)
    assert header == "data:image/png;base64"
    assert image.size == (1600, 800)
    assert image.mode == "L"  # black on white goes as one channel
    assert len(raw) < 60_000
    assert int(received.headers["content-length"]) < 100_000


def test_colour_photo_goes_as_jpeg_when_smaller(fake):
    photo = Image.frombytes("RGB", (900, 600), random.Random(7).randbytes(900 * 600 * 3))
    fake.reply("")
    engine(fake).extract_tables(photo)
    header, raw, image = sent_image(fake)
    assert header == "data:image/jpeg;base64" and image.mode == "RGB" and image.size == (900, 600)


def test_encode_keeps_small_images_and_flattens_transparency():
    rgba = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    mime, data = encode_image(rgba, 1600)
    image = Image.open(io.BytesIO(data))
    assert mime == "image/png" and image.size == (200, 100) and image.mode == "L"
    assert image.getpixel((5, 5)) == 255


def test_unavailable_without_key():
    assert OlmOcrEngine.unavailable_reason("", "https://api.deepinfra.com/v1/openai") == "OLMOCR_API_KEY is not set"
    assert OlmOcrEngine.unavailable_reason("k", "https://api.deepinfra.com/v1/openai") is None
    assert "OLMOCR_API_BASE_URL" in OlmOcrEngine.unavailable_reason("k", "")
    with pytest.raises(EngineUnavailable, match="OLMOCR_API_KEY"):
        OlmOcrEngine(api_key="")


def test_name_and_version():
    eng = OlmOcrEngine(api_key="k", model="allenai/olmOCR-2-7B-1025-FP8")
    assert (eng.name, eng.version) == ("olmocr", "allenai/olmOCR-2-7B-1025-FP8")
