"""Render nginx/nginx.conf.template: the five ${NAME} placeholders only, as envsubst does
when given that list, so nginx's own $variables stay untouched.

    python -m tests.deploy.nginx_render > nginx/nginx.conf     # the compose rendering
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "nginx" / "nginx.conf.template"
PLACEHOLDERS = ("TABLESNAP_UPSTREAM", "NGINX_LISTEN", "NGINX_RUN_DIR", "NGINX_ERROR_LOG", "NGINX_ACCESS_LOG")
COMPOSE_VALUES = {
    "TABLESNAP_UPSTREAM": "web:8000",
    "NGINX_LISTEN": "8080",
    "NGINX_RUN_DIR": "/tmp",
    "NGINX_ERROR_LOG": "/dev/stderr",
    "NGINX_ACCESS_LOG": "/dev/stdout",
}
_PATTERN = re.compile(r"\$\{(" + "|".join(PLACEHOLDERS) + r")\}")


def render(values: dict[str, str], template: str | None = None) -> str:
    missing = set(PLACEHOLDERS) - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    text = TEMPLATE.read_text() if template is None else template
    return _PATTERN.sub(lambda m: values[m.group(1)], text)


if __name__ == "__main__":
    sys.stdout.write(render(COMPOSE_VALUES))
