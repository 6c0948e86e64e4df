"""Job webhooks: a signed POST of the job summary to the client's ``callback_url``.

The URL is checked at upload and again before every delivery (a name may resolve
elsewhere later): it must be http(s) and every address it resolves to must be public,
unless private targets are allowed by configuration. Redirects are not followed.
The signature is HMAC-SHA256 over ``"<timestamp>.<body>"`` with WEBHOOK_SECRET, sent as
``X-Tablesnap-Signature: sha256=<hex>`` next to ``X-Tablesnap-Timestamp``.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import uuid
from urllib.parse import urlsplit

import requests

from services.jobstore import JobRecord


class InvalidCallback(ValueError):
    pass


class DeliveryFailed(RuntimeError):
    pass


def check_callback_url(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidCallback("callback_url must be an http or https URL with a host")
    if parts.username or parts.password:
        raise InvalidCallback("callback_url must not carry credentials")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise InvalidCallback(f"callback_url host {parts.hostname!r} does not resolve") from None
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise InvalidCallback(f"callback_url resolves to a non-public address ({address}); refused")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def job_payload(record: JobRecord) -> dict:
    return {
        "event": f"job.{record.status}",
        "job_id": record.id,
        "status": record.status,
        "error": record.error,
        "created_at": record.created_at,
        "finished_at": record.finished_at,
        "files": [{"index": e.index, "name": e.name, "page": e.page, "status": s.status, "tables": s.tables, "error": s.error}
                  for e, s in zip(record.files, record.file_states)],
        "links": {"status": f"/api/v1/jobs/{record.id}", "download": f"/api/v1/jobs/{record.id}/download"},
    }


def deliver(url: str, payload: dict, secret: str, *, allow_private: bool, timeout: float,
            session: requests.Session | None = None) -> int:
    """POST once; returns the status code, raises DeliveryFailed for anything but 2xx."""
    check_callback_url(url, allow_private)
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "tablesnap-webhook/1",
        "X-Tablesnap-Event": payload["event"],
        "X-Tablesnap-Delivery": uuid.uuid4().hex,
        "X-Tablesnap-Timestamp": timestamp,
        "X-Tablesnap-Signature": sign(secret, timestamp, body),
    }
    try:
        response = (session or requests).post(url, data=body, headers=headers, timeout=(5, timeout),
                                              allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"the callback answered {response.status_code}")
    return response.status_code
