"""Shared helpers: repository paths, finding check tools, running them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
NGINX = ROOT / "nginx"
INSTALL_HINT = "pip install -r requirements-deploy-check.txt"


def find_tool(name: str) -> str | None:
    """A console script next to this interpreter (the venv), else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def require_tool(name: str, hint: str = INSTALL_HINT) -> str:
    path = find_tool(name)
    if path is None:
        pytest.skip(f"{name} not installed ({hint})")
    return path


def run(args: list[str], timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
