"""Job progress events on a Redis pub/sub channel per job.

Workers publish; any web process streams them to clients. Pub/sub keeps nothing, so a
client that connects late is first sent the current state from the job record.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

import redis

END_EVENTS = ("finished", "failed", "canceled")


def channel(prefix: str, job_id: str) -> str:
    return f"{prefix}:events:{job_id}"


def publish(client: redis.Redis, prefix: str, job_id: str, event: str, data: dict) -> None:
    client.publish(channel(prefix, job_id), json.dumps({"event": event, "data": data}))


class Subscription:
    """Subscribed on creation, so nothing published after it is missed."""

    def __init__(self, client: redis.Redis, prefix: str, job_id: str):
        self._pubsub = client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel(prefix, job_id))

    def events(self, heartbeat: float) -> Iterator[tuple[str, dict] | None]:
        """(event, data) as they come, None after ``heartbeat`` seconds of silence."""
        while True:
            message = self._pubsub.get_message(timeout=heartbeat)
            if message is None:
                yield None
                continue
            payload = json.loads(message["data"])
            yield payload["event"], payload["data"]

    def close(self) -> None:
        self._pubsub.close()
