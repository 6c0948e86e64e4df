"""Service metrics kept in Redis, so web processes, workers and their short-lived work horses
all add to the same numbers; ``render`` writes them in the Prometheus text format.

The figures are cluster-wide: every pod's /metrics shows the same totals, so scrape one
target (the Service), not every pod.
"""
from __future__ import annotations

import redis

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
OCR_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)

HELP = {
    "tablesnap_http_requests_total": ("counter", "HTTP requests by route, method and status"),
    "tablesnap_http_request_duration_seconds": ("histogram", "HTTP request latency by route"),
    "tablesnap_ocr_seconds": ("histogram", "seconds per image spent in OCR and table recovery, by engine"),
    "tablesnap_files_total": ("counter", "files processed by outcome"),
    "tablesnap_cache_total": ("counter", "result cache lookups by outcome (hit or miss)"),
}


def _labels(labels: dict) -> str:
    return ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                    for k, v in sorted(labels.items()))


def _order(field: str) -> tuple:
    """Sort samples by name and labels, histogram buckets by their bound."""
    name, _, labels = field.partition("|")
    bound = float("inf")
    rest = []
    for part in labels.split(","):
        if part.startswith('le="'):
            value = part[4:-1]
            bound = float("inf") if value == "+Inf" else float(value)
        else:
            rest.append(part)
    return name.rsplit("_", 1)[0], rest, name, bound


class Metrics:
    def __init__(self, client: redis.Redis, prefix: str):
        self._redis = client
        self._key = f"{prefix}:metrics"

    def inc(self, name: str, labels: dict, amount: float = 1, pipe=None) -> None:
        (pipe or self._redis).hincrbyfloat(self._key, f"{name}|{_labels(labels)}", amount)

    def observe(self, name: str, labels: dict, value: float, buckets: tuple) -> None:
        with self._redis.pipeline(transaction=False) as pipe:
            for bound in buckets:
                if value <= bound:
                    self.inc(f"{name}_bucket", {**labels, "le": bound}, pipe=pipe)
            self.inc(f"{name}_bucket", {**labels, "le": "+Inf"}, pipe=pipe)
            self.inc(f"{name}_sum", labels, value, pipe=pipe)
            self.inc(f"{name}_count", labels, pipe=pipe)
            pipe.execute()

    def render(self, gauges: dict[str, tuple[str, list[tuple[dict, float]]]]) -> str:
        """The exposition text: stored counters and histograms, then ``gauges`` measured now
        ({name: (help, [(labels, value)])})."""
        series: dict[str, list[str]] = {}
        for field, value in sorted(self._redis.hgetall(self._key).items(), key=lambda kv: _order(kv[0].decode())):
            name, _, labels = field.decode().partition("|")
            family = name.rsplit("_", 1)[0] if name.endswith(("_bucket", "_sum", "_count")) else name
            series.setdefault(family, []).append(f"{name}{{{labels}}} {float(value):g}")
        lines = []
        for family, samples in series.items():
            kind, text = HELP.get(family, ("untyped", family))
            lines += [f"# HELP {family} {text}", f"# TYPE {family} {kind}", *samples]
        for name, (text, samples) in gauges.items():
            lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
            lines += [f"{name}{{{_labels(labels)}}} {value:g}" for labels, value in samples]
        return "\n".join(lines) + "\n"
