"""The record of a conversion job (a batch of files), kept in Redis with the retention TTL.

A job is one hash: ``meta`` (immutable JSON written at submit), ``status`` and timestamps,
and one ``file:<i>`` field per file written only by the worker that processes that file,
so concurrent workers never overwrite each other. Status changes go through a small Lua
compare-and-set so a canceled job is never revived by a worker finishing late.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

import redis

JOB_STATES = ("queued", "started", "finished", "failed", "canceled")
FILE_STATES = ("queued", "started", "finished", "failed", "canceled")
FINAL_STATES = ("finished", "failed", "canceled")

_SET_IF = """
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return 0 end
for i = 2, #ARGV do
  if current == ARGV[i] then
    redis.call('HSET', KEYS[1], 'status', ARGV[1])
    return 1
  end
end
return 0
"""


@dataclass
class FileEntry:
    """One unit of work: an uploaded image, or one page of an uploaded PDF. ``source`` is the
    index of the uploaded file whose bytes hold it (itself unless it is a page)."""

    index: int
    name: str
    size: int
    content_type: str
    width: int
    height: int
    sha256: str
    source: int | None = None
    page: int | None = None

    @property
    def upload_index(self) -> int:
        return self.index if self.source is None else self.source

    @property
    def label(self) -> str:
        """The name a person knows it by: the file name, with the page for a PDF page."""
        if self.page is None:
            return self.name
        stem = self.name.rsplit(".", 1)[0] if "." in self.name else self.name
        return f"{stem} p{self.page}"


@dataclass
class FileState:
    status: str = "queued"
    error: dict | None = None
    started_at: float | None = None
    finished_at: float | None = None
    tables: int | None = None
    timings: dict = field(default_factory=dict)
    cached: bool = False

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, raw: bytes | str | None) -> "FileState":
        return cls(**json.loads(raw)) if raw else cls()


@dataclass
class JobRecord:
    id: str
    owner: str
    created_at: float
    options: dict
    files: list[FileEntry]
    status: str
    started_at: float | None
    finished_at: float | None
    error: dict | None
    file_states: list[FileState]
    webhook: dict | None = None

    @property
    def done(self) -> int:
        return sum(s.status in FINAL_STATES for s in self.file_states)

    def progress(self) -> dict:
        return {"done": self.done, "total": len(self.files), "current_file": self.current_file}

    @property
    def current_file(self) -> str | None:
        for entry, state in zip(self.files, self.file_states):
            if state.status == "started":
                return entry.label
        return None


def new_job_id() -> str:
    return uuid.uuid4().hex


class JobStore:
    def __init__(self, client: redis.Redis, prefix: str, ttl: int):
        self._redis = client
        self._prefix = prefix
        self._ttl = ttl
        self._set_if = client.register_script(_SET_IF)

    def _key(self, job_id: str) -> str:
        return f"{self._prefix}:job:{job_id}"

    def _owner_key(self, owner: str) -> str:
        return f"{self._prefix}:owner:{owner}:jobs"

    def create(self, job_id: str, owner: str, options: dict, files: list[FileEntry],
               states: list[FileState] | None = None) -> None:
        now = time.time()
        states = states or [FileState() for _ in files]
        meta = {"id": job_id, "owner": owner, "created_at": now, "options": options,
                "files": [f.__dict__ for f in files]}
        mapping = {"meta": json.dumps(meta), "status": "queued"}
        mapping.update({f"file:{f.index}": state.to_json() for f, state in zip(files, states)})
        owner_key = self._owner_key(owner)
        with self._redis.pipeline() as pipe:
            pipe.hset(self._key(job_id), mapping=mapping)
            pipe.expire(self._key(job_id), self._ttl)
            pipe.zadd(owner_key, {job_id: now})
            pipe.zremrangebyscore(owner_key, "-inf", now - self._ttl)
            pipe.expire(owner_key, self._ttl)
            pipe.execute()

    def get(self, job_id: str) -> JobRecord | None:
        raw = self._redis.hgetall(self._key(job_id))
        if not raw or b"meta" not in raw:
            return None
        meta = json.loads(raw[b"meta"])
        files = [FileEntry(**f) for f in meta["files"]]

        def num(name: bytes):
            return float(raw[name]) if name in raw else None

        return JobRecord(
            id=meta["id"], owner=meta["owner"], created_at=meta["created_at"], options=meta["options"],
            files=files, status=raw[b"status"].decode(),
            started_at=num(b"started_at"), finished_at=num(b"finished_at"),
            error=json.loads(raw[b"error"]) if b"error" in raw else None,
            file_states=[FileState.from_json(raw.get(f"file:{f.index}".encode())) for f in files],
            webhook={"attempts": int(raw[b"webhook_attempts"]), **json.loads(raw[b"webhook_last"])}
            if b"webhook_last" in raw else None,
        )

    def status(self, job_id: str) -> str | None:
        raw = self._redis.hget(self._key(job_id), "status")
        return raw.decode() if raw else None

    def list_for_owner(self, owner: str, offset: int, limit: int) -> tuple[int, list[str]]:
        """Newest first; ids whose record has expired are dropped from the index."""
        key = self._owner_key(owner)
        self._redis.zremrangebyscore(key, "-inf", time.time() - self._ttl)
        total = self._redis.zcard(key)
        ids = [i.decode() for i in self._redis.zrevrange(key, offset, offset + limit - 1)]
        return total, ids

    def transition(self, job_id: str, new_status: str, allowed_from: tuple[str, ...]) -> bool:
        """Set the job status if it is currently one of ``allowed_from``."""
        return bool(self._set_if(keys=[self._key(job_id)], args=[new_status, *allowed_from]))

    def set_fields(self, job_id: str, **values) -> None:
        encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in values.items()}
        self._redis.hset(self._key(job_id), mapping=encoded)

    def file_state(self, job_id: str, index: int) -> FileState:
        return FileState.from_json(self._redis.hget(self._key(job_id), f"file:{index}"))

    def set_file_state(self, job_id: str, index: int, state: FileState) -> None:
        key = self._key(job_id)
        if self._redis.exists(key):
            self._redis.hset(key, f"file:{index}", state.to_json())

    def record_webhook_attempt(self, job_id: str, attempt: dict) -> None:
        """Keep the latest delivery attempt and count them (shown in the job status)."""
        key = self._key(job_id)
        if self._redis.exists(key):
            with self._redis.pipeline() as pipe:
                pipe.hset(key, "webhook_last", json.dumps(attempt))
                pipe.hincrby(key, "webhook_attempts", 1)
                pipe.execute()
