"""docker-compose.yml validates against the Compose Specification (check-jsonschema's vendored
schema, offline) and keeps its promises: nginx is the only published service, every setting the
app reads is passed, .env.example lists every variable with the compose default, grace periods
cover JOB_TIMEOUT, healthchecks gate start order, memory fits an 8 GB VPS.
"""
from __future__ import annotations

import re

import pytest
import yaml

from tests.deploy.settings import app_env_vars
from tests.deploy.tools import ROOT, require_tool, run

COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
VPS_BYTES = 8 * 1024**3
HEADROOM_BYTES = 1536 * 1024**2  # OS, Docker daemon, page cache
UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def interpolations() -> dict[str, str | None]:
    """VAR -> default for every ${VAR}, ${VAR:-default}, ${VAR:?message} in the file."""
    found: dict[str, str | None] = {}
    text = COMPOSE.read_text()
    for match in re.finditer(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?-)((?:[^{}]|\$\{[^}]*\})*)|:?\?[^}]*)?\}", text):
        name, op, default = match.groups()
        if op:
            found[name] = default
        else:
            found.setdefault(name, None)
    return found


def env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        stripped = line.strip()
        if re.match(r"^#\s*[A-Z_][A-Z0-9_]*=", stripped):  # documented but commented out
            stripped = stripped.lstrip("#").strip()
        elif not stripped or stripped.startswith("#"):
            continue
        key, _, value = stripped.partition("=")
        pairs[key] = value
    return pairs


def to_bytes(size: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kmg])?b?", str(size).lower())
    assert match, size
    return int(float(match.group(1)) * UNITS.get(match.group(2) or "", 1))


def seconds(value: str) -> int:
    total = 0
    for amount, unit in re.findall(r"(\d+)([hms])", value):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def test_compose_file_validates_against_compose_spec():
    tool = require_tool("check-jsonschema")
    result = run([tool, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_schema_check_rejects_unknown_keys(tmp_path):
    """Control: the schema check fails a service with an unknown key."""
    tool = require_tool("check-jsonschema")
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  web:\n    image: x\n    bogus_key: 1\n")
    result = run([tool, "--builtin-schema", "vendor.compose-spec", str(bad)])
    assert result.returncode != 0


def test_only_nginx_publishes_ports(compose):
    services = compose["services"]
    assert set(services) == {"redis", "web", "worker", "nginx"}
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"nginx"}
    ports = services["nginx"]["ports"]
    assert ports == ["${HTTP_PORT:-80}:8080", "${HTTPS_PORT:-443}:8443"]
    assert services["redis"]["networks"] == ["backend"]
    assert compose["networks"]["backend"]["internal"] is True
    assert "backend" not in services["nginx"]["networks"]


def test_web_and_worker_get_every_setting(compose):
    missing = {}
    for name in ("web", "worker"):
        env = compose["services"][name]["environment"]
        gaps = set(app_env_vars()) - set(env)
        if gaps:
            missing[name] = sorted(gaps)
        assert env["TABLESNAP_ENV"] == "${TABLESNAP_ENV:-production}"
    assert not missing, f"add to x-tablesnap-env in docker-compose.yml: {missing}"


def test_env_example_lists_every_variable_with_the_compose_default(compose):
    example = env_example()
    used = interpolations()
    assert not set(used) - set(example), f"add to .env.example: {sorted(set(used) - set(example))}"
    assert not set(app_env_vars()) - set(example), \
        f"add to .env.example: {sorted(set(app_env_vars()) - set(example))}"
    for name, default in used.items():
        if default is not None and "${" not in default:
            assert example[name] == default, f".env.example {name}={example[name]!r}, compose default {default!r}"
    # the two secrets compose cannot invent ship empty
    assert example["REDIS_PASSWORD"] == "" and example["API_KEYS"] == ""
    assert used["REDIS_PASSWORD"] is None  # ${REDIS_PASSWORD:?...}: required


def test_app_defaults_in_env_example_match_config_py():
    """Where compose does not deliberately depart from config.py, the documented default is
    config.py's (deliberate: OCR_THREADS=1 per 1-CPU worker, TRUSTED_PROXY_HOPS=1 behind nginx)."""
    deliberate = {"OCR_THREADS", "TRUSTED_PROXY_HOPS", "REDIS_URL", "API_KEYS"}
    example = env_example()
    for name, default in app_env_vars().items():
        if name in deliberate or default is None:
            continue
        if re.fullmatch(r"[\d_]+(\s*\*\s*[\d_]+)+", default):  # e.g. "50 * 1024 * 1024"
            default = str(eval(default, {}))
        assert example[name].lower() == default.lower().removesuffix(".0"), (name, example[name], default)


def test_worker_stops_gracefully_and_scales(compose):
    worker = compose["services"]["worker"]
    job_timeout = int(interpolations()["JOB_TIMEOUT"])
    assert seconds(worker["stop_grace_period"]) >= job_timeout + 30
    assert worker["command"] == ["python", "-m", "jobs.worker"]
    assert worker["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert "container_name" not in worker  # --scale worker=N needs generated names
    test = worker["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]


def test_start_order_waits_for_health(compose):
    services = compose["services"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    nginx_dep = services["nginx"]["depends_on"]["web"]
    assert nginx_dep["condition"] == "service_healthy" and nginx_dep["restart"] is True
    for name, svc in services.items():
        assert "healthcheck" in svc, name
        assert svc["restart"] == "unless-stopped", name


def test_web_runs_the_image_default_command(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd and compose["services"]["web"]["command"] == yaml.safe_load(cmd.group(1))
    assert "--no-control-socket" in compose["services"]["web"]["command"]


def test_memory_fits_an_8_gb_vps(compose):
    services = compose["services"]
    limits = {name: to_bytes(svc["deploy"]["resources"]["limits"]["memory"]) for name, svc in services.items()}
    replicas = int(re.search(r":-(\d+)", services["worker"]["deploy"]["replicas"]).group(1))
    assert limits["web"] == 1024**3
    assert limits["nginx"] == 128 * 1024**2
    total = limits["web"] + limits["redis"] + limits["nginx"] + replicas * limits["worker"]
    assert total <= VPS_BYTES - HEADROOM_BYTES
    three_workers = total + (3 - replicas) * limits["worker"]
    assert three_workers <= VPS_BYTES - HEADROOM_BYTES, "the documented ceiling of 3 workers must fit"
    command = " ".join(services["redis"]["command"])
    maxmemory = to_bytes(re.search(r"--maxmemory (\S+)", command).group(1))
    assert maxmemory < limits["redis"]


def test_redis_is_private_and_not_persistent(compose):
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--save ''" in command and "--appendonly no" in command
    assert "--maxmemory-policy noeviction" in command
    assert "requirepass" in command and "$$REDIS_PASSWORD" in command  # from env, not argv
    assert "--requirepass" not in command
    assert redis["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")


def test_containers_are_hardened(compose):
    for name, svc in compose["services"].items():
        assert svc.get("read_only") is True, name
        assert svc.get("cap_drop") == ["ALL"], name
        assert "no-new-privileges:true" in svc.get("security_opt", []), name
        assert any(t.startswith("/tmp") for t in svc.get("tmpfs", [])), name


def test_nginx_mounts_exist(compose):
    for volume in compose["services"]["nginx"]["volumes"]:
        source = volume.split(":", 1)[0]
        assert (ROOT / source).exists(), source
