"""A real HTTP server on 127.0.0.1 that speaks just enough of the OpenAI chat-completions API.

Each test scripts the replies (``reply`` / ``reply_error`` / ``reply_raw``) and then reads
what the client sent from ``requests``. Replies are used in order; when the script runs
out the last one repeats, so "500 until the client gives up" is one scripted reply.
Bodies are shaped like OpenAI's and DeepInfra's real ones.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class Received:
    path: str
    headers: dict  # lower-cased names
    body: dict | None
    at: float  # time.monotonic() when the request arrived


def completion(content, model: str = "allenai/olmOCR-2-7B-1025", finish_reason: str = "stop") -> dict:
    return {
        "id": "chatcmpl-4c1e0d6f2a", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1312, "completion_tokens": 188, "total_tokens": 1500,
                  "estimated_cost": 0.00041},
    }


class FakeOpenAI:
    def __init__(self):
        self.script: list[Reply] = []
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                reply = fake._next(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                            body, time.monotonic()))
                if not self.path.endswith("/chat/completions"):
                    reply = Reply(404, json.dumps({"detail": "Not Found"}).encode())
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (read-timeout tests)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            if not self.script:
                return Reply(500, json.dumps({"error": {"message": "nothing scripted"}}).encode())
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    # --- scripting ----------------------------------------------------------------------

    def reply(self, content, *, delay: float = 0.0, finish_reason: str = "stop") -> None:
        self.reply_json(completion(content, finish_reason=finish_reason), delay=delay)

    def reply_json(self, body, status: int = 200, *, headers: dict | None = None, delay: float = 0.0) -> None:
        self.reply_raw(json.dumps(body).encode(), status, headers=headers, delay=delay)

    def reply_raw(self, body: bytes, status: int = 200, *, headers: dict | None = None,
                  delay: float = 0.0) -> None:
        self.script.append(Reply(status, body, dict(headers or {}), delay))

    def reply_error(self, status: int, message: str, *, type_: str = "invalid_request_error",
                    code: str | None = None, headers: dict | None = None) -> None:
        """An OpenAI-style error body."""
        self.reply_json({"error": {"message": message, "type": type_, "param": None, "code": code}},
                        status, headers=headers)

    def reply_detail(self, status: int, detail, *, headers: dict | None = None) -> None:
        """A DeepInfra-style error body."""
        self.reply_json({"detail": detail}, status, headers=headers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
