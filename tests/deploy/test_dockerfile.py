"""Dockerfile: hadolint finds nothing (errors or warnings), and the image is built the way the
deployment relies on (multi-stage, slim runtime, non-root, models proven offline at build time,
one image for web and worker, healthcheck, signals). The build-time OCR check itself is run
here too, in this interpreter, so a broken snippet fails before any docker build.
(No Docker engine is needed or used: the image itself is not built by these tests.)
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from fnmatch import fnmatch

import pytest

from tests.deploy.tools import ROOT, require_tool, run

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        current += " " + stripped.removesuffix("\\").strip() if current else stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            logical.append(current)
            current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in logical]


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def test_hadolint_reports_nothing():
    hadolint = require_tool("hadolint")
    result = run([hadolint, "--no-color", "-f", "json", str(DOCKERFILE)])
    findings = json.loads(result.stdout or "[]")
    assert not [f for f in findings if f["level"] == "error"], findings
    assert not findings, f"hadolint warnings/infos: {findings}"
    assert result.returncode == 0


def test_hadolint_catches_a_bad_dockerfile(tmp_path):
    """Control: the linter runs and flags obvious mistakes."""
    hadolint = require_tool("hadolint")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /tmp && pip install flask\nUSER root\n")
    findings = json.loads(run([hadolint, "--no-color", "-f", "json", str(bad)]).stdout or "[]")
    assert {f["code"] for f in findings} >= {"DL3007", "DL3003"}


def test_multi_stage_slim_non_root():
    builder, runtime = stages()
    assert re.fullmatch(r"\$\{PYTHON_IMAGE\} AS builder", builder[0][1])
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim(-\w+)?$", DOCKERFILE.read_text(), re.M)
    assert any(i == "RUN" and "pip install" in a and "-r /tmp/requirements.txt" in a for i, a in builder)
    assert any(i == "COPY" and a.startswith("--from=builder /opt/venv") for i, a in runtime)
    users = [a for i, a in runtime if i == "USER"]
    assert users and not re.match(r"(root|0)(:|$)", users[-1])
    assert "APP_UID=10001" in DOCKERFILE.read_text()
    apt = " ".join(a for i, a in runtime if i == "RUN" and "apt-get install" in a)
    for package in ("libgl1", "libglib2.0-0", "tini"):
        assert package in apt.split()
    assert "rm -rf /var/lib/apt/lists/*" in apt


def test_environment_signals_ports_and_commands():
    _, runtime = stages()
    env = " ".join(a for i, a in runtime if i == "ENV")
    for setting in ("PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=1", "OCR_THREADS=1",
                    "TABLESNAP_ENV=production"):
        assert setting in env.split()
    text = dict((i, a) for i, a in runtime if i in {"EXPOSE", "STOPSIGNAL", "ENTRYPOINT", "CMD", "HEALTHCHECK"})
    assert text["EXPOSE"] == "8000"
    assert text["STOPSIGNAL"] == "SIGTERM"
    assert json.loads(text["ENTRYPOINT"]) == ["/usr/bin/tini", "--"]
    cmd = json.loads(text["CMD"])
    assert cmd[0] == "gunicorn" and cmd[-1] == "app:create_app()"
    joined = " ".join(cmd)
    for flag in ("--bind 0.0.0.0:8000", "--workers 2", "--worker-class gthread", "--threads 4", "--no-control-socket"):
        assert flag in joined
    health = text["HEALTHCHECK"]
    assert "http://127.0.0.1:8000/health/live" in health and '"python"' in health and "curl" not in health


def build_time_ocr_check() -> str:
    _, runtime = stages()
    checks = [a for i, a in runtime if i == "RUN" and a.startswith("--network=none")]
    assert len(checks) == 1, "one RUN --network=none step proves the OCR model loads offline"
    argv = shlex.split(checks[0].removeprefix("--network=none").strip())
    assert argv[:2] == ["python", "-c"] and len(argv) == 3
    code = argv[2]
    assert "RapidOCR" in code and "import app, jobs.worker" in code
    return code


def test_build_time_ocr_check_runs_offline_here():
    code = build_time_ocr_check()
    pytest.importorskip("rapidocr_onnxruntime", reason="runtime requirements not installed")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "OMP_NUM_THREADS": "1",
                                 "OCR_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, result.stderr
    assert "OCR models load offline" in result.stdout


def test_dockerignore_keeps_secrets_and_clutter_out_but_the_app_in():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(name: str) -> bool:
        result = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            if fnmatch(name, pattern.lstrip("!").removeprefix("**/")):
                result = not negate
        return result

    for name in (".env", ".env.production", ".git", ".venv", "tests", ".tablesnap", "k8s", "nginx", "bench"):
        assert ignored(name), name
    app_entries = ["app.py", "config.py", "cli.py", "requirements.txt"] + [
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"tests", "bench"}]
    app_entries += [name for name in ("static", "templates") if (ROOT / name).is_dir()]  # the web page
    for name in app_entries:
        assert not ignored(name), f".dockerignore drops {name}, which the app needs"
