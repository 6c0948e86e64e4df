"""nginx/: the template renders, `nginx -t` accepts it (plain and with the optional TLS files),
nginx/nginx.conf is the template's compose rendering, and a real nginx on loopback, in front
of a stub upstream, does what the config promises (headers, request ids, limits, streaming).

Needs the nginx binary (Debian: apt-get install nginx); skipped without it.
"""
from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.nginx_render import COMPOSE_VALUES, PLACEHOLDERS, TEMPLATE, render
from tests.deploy.tools import NGINX, ROOT, find_tool, run

NGINX_HINT = "apt-get install nginx"


def nginx_binary() -> str:
    path = find_tool("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)
    if path is None:
        pytest.skip(f"nginx binary not installed ({NGINX_HINT})")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_args(binary: str, prefix: Path) -> list[str]:
    return [binary, "-p", f"{prefix}/", "-c", "conf/nginx.conf", "-e", str(prefix / "error.log"), "-g", "daemon off;"]


@pytest.fixture
def prefix():
    """An nginx prefix directory with conf/ = a copy of nginx/ (snippets, tablesnap.d).
    World-readable, so nginx worker processes (user nobody when the tests run as root) can
    use the temp paths below it."""
    path = Path(tempfile.mkdtemp(prefix="tablesnap-nginx-"))
    path.chmod(0o755)
    conf = path / "conf"
    conf.mkdir()
    shutil.copytree(NGINX / "snippets", conf / "snippets")
    shutil.copytree(NGINX / "tablesnap.d", conf / "tablesnap.d")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def write_config(prefix: Path, upstream: str, listen: str) -> Path:
    conf = prefix / "conf" / "nginx.conf"
    conf.write_text(render({
        "TABLESNAP_UPSTREAM": upstream,
        "NGINX_LISTEN": listen,
        "NGINX_RUN_DIR": str(prefix),
        "NGINX_ERROR_LOG": str(prefix / "error.log"),
        "NGINX_ACCESS_LOG": str(prefix / "access.log"),
    }))
    return conf


# ---- static checks (no nginx binary needed) -------------------------------------------------

def test_compose_nginx_conf_is_the_rendered_template():
    expected = render(COMPOSE_VALUES)
    actual = (NGINX / "nginx.conf").read_text()
    assert actual == expected, (
        "nginx/nginx.conf is out of date: python -m tests.deploy.nginx_render > nginx/nginx.conf")


def test_template_uses_exactly_the_documented_placeholders():
    text = TEMPLATE.read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", code))
    assert used == set(PLACEHOLDERS)


def test_body_limit_matches_max_content_length():
    from tests.deploy.settings import app_env_vars

    text = app_env_vars()["MAX_CONTENT_LENGTH"]  # "50 * 1024 * 1024" in config.py
    assert re.fullmatch(r"[\d_]+(\s*\*\s*[\d_]+)*", text), text
    default = eval(text, {})
    locations = (NGINX / "snippets" / "tablesnap-locations.conf").read_text()
    size = re.search(r"^client_max_body_size\s+(\d+)m;", locations, re.M)
    assert size and int(size.group(1)) * 1024 * 1024 == default


def test_events_location_streams():
    locations = (NGINX / "snippets" / "tablesnap-locations.conf").read_text()
    block = re.search(r"location ~ \^/api/v1/jobs/\[\^/\]\+/events\$ \{(.*?)\n\}", locations, re.S)
    assert block, "no location for /api/v1/jobs/<id>/events"
    body = block.group(1)
    for directive in ("proxy_buffering off;", "proxy_cache off;", "gzip off;", 'add_header X-Accel-Buffering "no" always;',
                      "include snippets/security-headers.conf;"):
        assert directive in body


# ---- nginx -t ---------------------------------------------------------------------------------

def test_nginx_syntax_on_loopback(prefix):
    binary = nginx_binary()
    write_config(prefix, upstream="127.0.0.1:9", listen=f"127.0.0.1:{free_port()}")
    result = run(nginx_args(binary, prefix)[:-2] + ["-t"], timeout=30)
    assert result.returncode == 0, result.stderr


def test_nginx_syntax_with_tls_and_https_redirect(prefix):
    binary = nginx_binary()
    openssl = find_tool("openssl")
    if openssl is None:
        pytest.skip("openssl not installed (needed for a throwaway certificate)")
    conf = prefix / "conf"
    shutil.copy(conf / "tablesnap.d" / "tls.conf.example", conf / "tablesnap.d" / "tls.conf")
    shutil.copy(conf / "tablesnap.d" / "redirect-to-https.inc.example", conf / "tablesnap.d" / "redirect-to-https.inc")
    (conf / "certs").mkdir()
    made = run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", str(conf / "certs" / "privkey.pem"), "-out", str(conf / "certs" / "fullchain.pem")])
    assert made.returncode == 0, made.stderr
    write_config(prefix, upstream="127.0.0.1:9", listen=f"127.0.0.1:{free_port()}")
    result = run(nginx_args(binary, prefix)[:-2] + ["-t"], timeout=30)
    assert result.returncode == 0, result.stderr


# ---- a real nginx on loopback ------------------------------------------------------------------

APP_CSP = "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'"


class StubUpstream(BaseHTTPRequestHandler):
    """Plays gunicorn: echoes the request headers it got, streams events, sends big JSON."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _json(self, payload: dict, extra: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.endswith("/events"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"event: progress\ndata: {\"done\": 0}\n\n")
            self.wfile.flush()
            time.sleep(1.5)
            self.wfile.write(b"event: finished\ndata: {\"done\": 1}\n\n")
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/page":
            self._json({}, extra={"Content-Security-Policy": APP_CSP})
            return
        if self.path == "/big.json":
            self._json({"rows": [{"cell": "x" * 20, "n": i} for i in range(200)]})
            return
        # The app's own (weaker) header must be replaced by the edge's.
        self._json({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}},
                   extra={"X-Frame-Options": "SAMEORIGIN"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self._json({"received": length})


@pytest.fixture
def proxy(prefix):
    binary = nginx_binary()
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), StubUpstream)
    upstream.daemon_threads = True
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    port = free_port()
    write_config(prefix, upstream=f"127.0.0.1:{upstream.server_port}", listen=f"127.0.0.1:{port}")
    proc = subprocess.Popen(nginx_args(binary, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                upstream.shutdown()
                pytest.fail(f"nginx did not start: {proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.05)
    try:
        yield {"port": port, "upstream": upstream, "prefix": prefix}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        upstream.shutdown()
        upstream.server_close()


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        names = [k.lower() for k, _ in response.getheaders()]
        doubled = {n for n in names if names.count(n) > 1} & (set(SECURITY_HEADERS) | {"content-security-policy"})
        assert not doubled, f"headers sent twice: {doubled}"
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_security_headers(headers: dict) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (name, headers.get(name))
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in headers  # plain HTTP never carries HSTS
    assert "server" not in headers or headers["server"] == "nginx"  # server_tokens off: no version


def test_proxy_headers_request_id_and_security_headers(proxy):
    port = proxy["port"]
    status, headers, body = request(port, "GET", "/health/live", {"Host": "tablesnap.example.com"})
    assert status == 200
    seen = json.loads(body)["headers"]
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-host"] == "tablesnap.example.com"
    assert seen["host"] == "tablesnap.example.com"
    assert re.fullmatch(r"[0-9a-f]{32}", seen["x-request-id"])  # generated by nginx
    assert_security_headers(headers)

    _, _, body = request(port, "GET", "/", {"X-Request-ID": "client-chosen-id-1234"})
    assert json.loads(body)["headers"]["x-request-id"] == "client-chosen-id-1234"  # passed through

    _, _, body = request(port, "GET", "/", {"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", json.loads(body)["headers"]["x-request-id"])  # replaced

    _, _, body = request(port, "GET", "/", {"X-Forwarded-For": "203.0.113.9"})
    assert json.loads(body)["headers"]["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"  # appended


def test_gzip_for_json(proxy):
    status, headers, body = request(proxy["port"], "GET", "/big.json", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["rows"][199]["n"] == 199


def test_upload_under_limit_passes_and_over_limit_is_json_413(proxy):
    port = proxy["port"]
    status, _, body = request(port, "POST", "/api/v1/convert", {"Content-Type": "application/octet-stream"},
                              body=b"x" * (2 * 1024 * 1024))
    assert status == 200 and json.loads(body)["received"] == 2 * 1024 * 1024

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/convert HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
                     b"boundary=x\r\nContent-Length: " + str(50 * 1024 * 1024 + 1).encode() + b"\r\n\r\n")
        raw = b""
        while b"\r\n\r\n" not in raw or not raw.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            raw += chunk
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"application/json" in head.lower()
    assert json.loads(payload)["error"]["code"] == "payload_too_large"


def test_event_stream_is_not_buffered(proxy):
    conn = http.client.HTTPConnection("127.0.0.1", proxy["port"], timeout=10)
    started = time.monotonic()
    conn.request("GET", "/api/v1/jobs/abc123/events", headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("X-Accel-Buffering") == "no"
    assert response.getheader("Content-Encoding") is None
    first = response.readline()  # de-chunked by http.client
    first_at = time.monotonic() - started
    rest = response.read()
    total = time.monotonic() - started
    conn.close()
    assert first.startswith(b"event: progress")
    assert b"event: finished" in rest
    # The first event arrived while the upstream was still sleeping before the second.
    assert first_at < 1.0 <= total, (first_at, total)


def test_upstream_down_is_json_503(proxy):
    proxy["upstream"].shutdown()
    proxy["upstream"].server_close()
    status, headers, body = request(proxy["port"], "GET", "/api/v1/jobs")
    assert status == 503
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "service_unavailable"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    assert_security_headers(headers)


def test_nginx_health_endpoint(proxy):
    status, _, body = request(proxy["port"], "GET", "/nginx-health")
    assert status == 200 and body == b"ok\n"


def test_access_log_is_json_with_request_id(proxy):
    request(proxy["port"], "GET", "/", {"X-Request-ID": "logged-request-id-42"})
    log = proxy["prefix"] / "access.log"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "logged-request-id-42" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.05)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(e["request_id"] == "logged-request-id-42" and e["status"] == 200 for e in entries)



def test_content_security_policy_is_the_apps_or_the_edge_default(proxy):
    port = proxy["port"]
    _, headers, _ = request(port, "GET", "/page")
    assert headers["content-security-policy"] == APP_CSP  # the app's own, not duplicated
    _, headers, _ = request(port, "GET", "/api/v1/version")
    default = headers["content-security-policy"]
    assert "script-src 'self'" in default and "'unsafe-inline'" not in default and "blob:" in default
    _, headers, _ = request(port, "GET", "/docs")
    docs = headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in docs and "script-src 'self';" in docs
    _, headers, _ = request(port, "GET", "/health/live")
    assert headers["x-frame-options"] == "DENY"  # the stub's SAMEORIGIN replaced, not doubled
