from __future__ import annotations

import datetime as dt


def iso(ts: float | None) -> str | None:
    """A Unix time as ISO 8601 UTC with milliseconds, or None."""
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
