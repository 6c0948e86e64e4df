from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Worker

from tests.redis_db import claim_database, release_database

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "test-key-" + "x" * 40
OTHER_KEY = "other-key-" + "y" * 40
ADMIN_KEY = "admin-key-" + "z" * 40
WEBHOOK_SECRET = "webhook-secret-" + "w" * 40


@pytest.fixture(scope="session")
def test_env(tmp_path_factory):
    """Environment for the app and for worker subprocesses: a private Redis database."""
    url, token = claim_database()
    env = {
        "REDIS_URL": url,
        "REDIS_KEY_PREFIX": "tablesnap-test",
        "QUEUE_NAME": "tablesnap-test",
        "API_KEYS": f"{API_KEY},{OTHER_KEY}",
        "TABLESNAP_ENV": "testing",
        "STORAGE_DIR": str(tmp_path_factory.mktemp("storage")),
        "OCR_THREADS": "1",
        "MAX_BATCH_SIZE": "5",
        "MAX_CONTENT_LENGTH": str(8 * 1024 * 1024),
        "MAX_IMAGE_PIXELS": "20000000",
        "RATE_LIMIT_DEFAULT": "100000/minute",
        "RATE_LIMIT_UPLOADS": "100000/minute",
        "RATE_LIMIT_IMAGES": "100000/minute",
        "ADMIN_API_KEY": ADMIN_KEY,
        "SSE_HEARTBEAT_SECONDS": "0.5",
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "WEBHOOK_RETRY_INTERVALS": "1,1",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    release_database(url, token)


@pytest.fixture(scope="session")
def app(test_env):
    from app import create_app

    return create_app("testing")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def services(app):
    return app.extensions["tablesnap"]


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    """A real worker in its own process group, so a test can kill it together with its work horse."""
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "jobs.worker"], cwd=ROOT, env={**os.environ, **env},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_workers(services, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(Worker.all(queue=services.queue)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {count} worker(s) registered after {timeout}s")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def worker(test_env, app, tmp_path_factory):
    """One real RQ worker process for the session, with the real OCR engine."""
    ctx = app.extensions["tablesnap"]
    log_path = tmp_path_factory.mktemp("logs") / "worker.log"
    proc = start_worker(test_env, log_path)
    proc.log_path = log_path
    try:
        wait_for_workers(ctx, 1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def isolated_stack(test_env: dict, monkeypatch, tmp_path: Path, name: str, workers: int = 1, **extra_env):
    """An app and ``workers`` real workers on a queue and key prefix of their own.
    Yields (app, worker processes, environment)."""
    from app import create_app

    env = {**test_env, "QUEUE_NAME": name, "REDIS_KEY_PREFIX": name, **extra_env}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = create_app("testing")
    procs = [start_worker(env, tmp_path / f"{name}-worker{i}.log") for i in range(workers)]
    try:
        wait_for_workers(app.extensions["tablesnap"], workers)
        yield app, procs, env
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)


def auth(key: str = API_KEY) -> dict:
    return {"X-API-Key": key}


def wait_for_job(client, job_id: str, key: str = API_KEY, timeout: float = 120) -> dict:
    """The job's status once it has ended (finished, failed or canceled)."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/v1/jobs/{job_id}", headers=auth(key)).get_json()
        if body["status"] in ("finished", "failed", "canceled"):
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {body['status']} after {timeout}s: {body}")
        time.sleep(0.1)
