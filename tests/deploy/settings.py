"""What the deployment files must cover, read from the code: every environment variable the
service reads (config.py, jobs/worker.py) and the defaults config.py gives them."""
from __future__ import annotations

import ast
import re

from tests.deploy.tools import ROOT

# Read outside config.py's Settings: jobs/worker.py (LOG_LEVEL), Config (SECRET_KEY), config_for.
EXTRA_SOURCES = ("jobs/worker.py",)
SECRETS = {"API_KEYS", "REDIS_URL", "SECRET_KEY", "OLMOCR_API_KEY"}


def _env_calls(source: str) -> dict[str, str | None]:
    """NAME -> default (as text, None when not a literal) for _str/_int/_float/_list("NAME", default)
    and os.environ.get("NAME", default) calls."""
    found: dict[str, str | None] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in {"_str", "_int", "_float", "_list", "get", "getenv"}:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        if not re.fullmatch(r"[A-Z][A-Z0-9_]+", first.value):
            continue
        default = None
        if len(node.args) > 1:
            try:
                default = str(ast.literal_eval(node.args[1]))
            except ValueError:
                default = ast.unparse(node.args[1])
        found[first.value] = default
    return found


def app_env_vars() -> dict[str, str | None]:
    """Every variable the web and worker processes read, with config.py's default."""
    found = _env_calls((ROOT / "config.py").read_text())
    for path in EXTRA_SOURCES:
        for name, default in _env_calls((ROOT / path).read_text()).items():
            found.setdefault(name, default)
    return found
