"""olmOCR (or any vision-language model) behind an OpenAI-compatible chat-completions API.

Unlike the word engines this one returns whole tables: the model reads the picture and
writes HTML, which ``markup_tables.parse_tables`` turns into ``Table``s. It has no word
boxes, so it implements ``extract_tables`` instead of ``recognize``.

The default endpoint is DeepInfra's; a self-hosted vLLM server (``vllm serve
allenai/olmOCR-2-7B-1025``) works the same with its own base URL.

Upstream failures surface as ``OcrUpstreamError`` with a stable ``code`` the API can show.
Overload and transient failures (429, 500/502/503/504, connection errors, timeouts) are
retried with exponential backoff and full jitter, honouring ``Retry-After``; other 4xx are
not, since sending the same request again cannot succeed.
"""
from __future__ import annotations

import base64
import datetime as dt
import email.utils
import io
import logging
import random
import time

import requests
from PIL import Image, ImageChops
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from services.model import Table
from services.ocr.base import EngineUnavailable
from services.ocr.markup_tables import parse_tables

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.deepinfra.com/v1/openai"
DEFAULT_MODEL = "allenai/olmOCR-2-7B-1025"
PROMPT = (
    "Extract every table in this image. Write each table as an HTML <table>: put header rows "
    "in <thead> with <th> cells and the other rows in <tbody> with <td> cells, and use colspan "
    "and rowspan for merged cells so that every row covers the full width of its table. Copy "
    "the text of each cell verbatim, exactly as printed: keep numbers, signs, parentheses, "
    "currency symbols, percent signs, thousands separators and dates as they are; do not "
    "translate, correct, round or compute anything. Leave empty cells empty (<td></td>). If a "
    "table has a title or caption, put it in <caption>. Output only the HTML tables, in "
    "reading order, and nothing else; if the image has no table, output nothing."
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Photos compress better as JPEG; at this quality the artefacts do not hurt reading.
JPEG_QUALITY = 90


class OcrUpstreamError(RuntimeError):
    """The model's API failed. ``code``: upstream_auth_failed, upstream_rate_limited,
    upstream_timeout, upstream_unavailable, upstream_bad_request or upstream_bad_response;
    ``status`` is the HTTP status when there was one."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class OlmOcrEngine:
    name = "olmocr"

    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: str = "", model: str = DEFAULT_MODEL,
                 timeout_connect: float = 5, timeout_read: float = 120, max_retries: int = 4,
                 backoff_base: float = 1.0, backoff_max: float = 30, max_image_side: int = 1600,
                 session: requests.Session | None = None, max_tokens: int = 8000,
                 prompt: str = PROMPT, total_timeout: float | None = None):
        reason = self.unavailable_reason(api_key, base_url)
        if reason:
            raise EngineUnavailable(reason)
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.api_key = api_key
        self.model = self.version = model
        self.timeout = (timeout_connect, timeout_read)
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_image_side = max_image_side
        # Retries stop (and the last read is cut short) at this many seconds in all, so a
        # job runner's own timeout does not kill a request midway. None: no limit.
        self.total_timeout = total_timeout
        self.max_tokens = max_tokens
        self.prompt = prompt
        self.session = session or _pooled_session()

    @classmethod
    def unavailable_reason(cls, api_key: str | None, base_url: str | None = DEFAULT_BASE_URL) -> str | None:
        """Why the engine cannot run with these settings, or None. A self-hosted server that
        checks no key still needs some value: requests always carry one."""
        if not base_url or not base_url.startswith(("http://", "https://")):
            return f"OLMOCR_API_BASE_URL is not an http(s) URL: {base_url!r}"
        if not api_key:
            return "OLMOCR_API_KEY is not set"
        return None

    def extract_tables(self, image: Image.Image, locale: str = "en") -> list[Table]:
        return parse_tables(self.read(image), locale)

    def read(self, image: Image.Image) -> str:
        """The model's raw answer for one image."""
        mime, data = encode_image(image, self.max_image_side)
        payload = {
            "model": self.model,
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": self.prompt},
                {"type": "image_url",
                 "image_url": {"url": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"}},
            ]}],
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        return _answer(self._post(payload))

    def _post(self, payload: dict) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        deadline = time.monotonic() + self.total_timeout if self.total_timeout else None
        for attempt in range(self.max_retries + 1):
            retry_after = None
            timeout = self.timeout
            if deadline is not None:
                timeout = (timeout[0], max(0.1, min(timeout[1], deadline - time.monotonic())))
            try:
                response = self.session.post(self.url, json=payload, headers=headers, timeout=timeout)
            except requests.Timeout as exc:  # before ConnectionError: ConnectTimeout is both
                error = OcrUpstreamError("upstream_timeout", f"the OCR model did not answer in time: {exc}")
            except requests.ConnectionError as exc:
                if _read_timed_out(exc):
                    error = OcrUpstreamError("upstream_timeout", f"the OCR model did not answer in time: {exc}")
                else:
                    error = OcrUpstreamError("upstream_unavailable", f"cannot reach the OCR model: {exc}")
            else:
                if response.status_code == 200:
                    return response
                error = _status_error(response)
                if response.status_code not in RETRY_STATUSES:
                    raise error
                retry_after = _retry_after(response.headers.get("Retry-After"))
            delay = self._delay(attempt, retry_after)
            if attempt == self.max_retries or (deadline is not None and time.monotonic() + delay >= deadline):
                raise error
            log.warning("olmocr attempt %d failed (%s: %s); retrying in %.1fs",
                        attempt + 1, error.code, error.message, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the server gave one, else full jitter: uniform in
        [0, base * 2**attempt], both capped at backoff_max."""
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** attempt))


def _read_timed_out(exc: requests.ConnectionError) -> bool:
    """requests reports a timeout while reading the body (after the headers came) as a
    ConnectionError wrapping urllib3's ReadTimeoutError."""
    return any(isinstance(arg, ReadTimeoutError) for arg in exc.args)


def _pooled_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)  # retries are ours
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --- the request's image ------------------------------------------------------------------

def encode_image(image: Image.Image, max_side: int) -> tuple[str, bytes]:
    """(mime type, bytes): longest side at most ``max_side``, one channel when the picture
    has no colour, and PNG unless JPEG comes out smaller (photos)."""
    image = _flatten(image)
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    if image.mode == "RGB" and _is_gray(image):
        image = image.convert("L")
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    if jpeg.tell() < png.tell():
        return "image/jpeg", jpeg.getvalue()
    return "image/png", png.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB or L; transparency composited onto white, as it shows on a page."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _is_gray(image: Image.Image, tolerance: int = 24, share: float = 0.001) -> bool:
    """True when almost no pixel has channels further apart than ``tolerance`` (JPEG noise
    in a black-and-white scan leaves a little colour that does not matter)."""
    r, g, b = image.split()
    spread = ImageChops.lighter(ImageChops.difference(r, g), ImageChops.difference(g, b))
    coloured = sum(spread.histogram()[tolerance + 1:])
    return coloured <= share * image.width * image.height


# --- the response -------------------------------------------------------------------------

def _answer(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        raise OcrUpstreamError("upstream_bad_response", "the OCR model's answer is not JSON: "
                               + _snippet(response.text), response.status_code) from None
    try:
        choice = body["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        message = _error_message(body) or "no choices in the answer"
        raise OcrUpstreamError("upstream_bad_response", f"unexpected answer from the OCR model: {message}",
                               response.status_code) from None
    if isinstance(content, list):  # content parts, as some servers return
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str):
        raise OcrUpstreamError("upstream_bad_response", "the OCR model's answer has no content",
                               response.status_code)
    if choice.get("finish_reason") == "length":
        log.warning("olmocr answer was cut at max_tokens; the last table may be incomplete")
    return content


def _status_error(response: requests.Response) -> OcrUpstreamError:
    status = response.status_code
    detail = _error_message(_json_or_none(response)) or _snippet(response.text) or response.reason or ""
    if status in (401, 403):
        return OcrUpstreamError("upstream_auth_failed", f"the OCR API refused the key ({status}): {detail}", status)
    if status == 429:
        return OcrUpstreamError("upstream_rate_limited", f"the OCR API is rate limiting us: {detail}", status)
    if status >= 500:
        return OcrUpstreamError("upstream_unavailable", f"the OCR API failed ({status}): {detail}", status)
    return OcrUpstreamError("upstream_bad_request", f"the OCR API rejected the request ({status}): {detail}",
                            status)


def _json_or_none(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _error_message(body) -> str | None:
    """The message of an OpenAI ({"error": {"message"}}) or DeepInfra ({"detail"}) error."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    if isinstance(error, str):
        return error
    detail = body.get("detail")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and detail and isinstance(detail[0], dict) and detail[0].get("msg"):
        return "; ".join(str(d.get("msg")) for d in detail if isinstance(d, dict))
    if isinstance(detail, dict) and detail.get("error"):
        return str(detail["error"])
    return str(body["message"]) if body.get("message") else None


def _snippet(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "..."


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
