"""Storage backends and job records against the real Redis."""
from __future__ import annotations

import os
import time

import pytest

from services.jobstore import FileEntry, FileState, JobStore
from services.storage import FilesystemStorage, RedisStorage


@pytest.fixture(params=["redis", "filesystem"])
def storage(request, services, tmp_path):
    if request.param == "redis":
        return RedisStorage(services.redis, "tablesnap-test:storage-test")
    return FilesystemStorage(str(tmp_path))


def test_storage_round_trip_and_delete(storage):
    storage.put("upload/abc/0", b"\x89PNG data", ttl=60)
    assert storage.get("upload/abc/0") == b"\x89PNG data"
    storage.delete("upload/abc/0", "upload/abc/1")
    assert storage.get("upload/abc/0") is None


def test_storage_expires(storage):
    storage.put("result/abc/0", b"{}", ttl=1)
    time.sleep(1.2)
    assert storage.get("result/abc/0") is None


def test_filesystem_sweep_removes_expired_files(tmp_path):
    store = FilesystemStorage(str(tmp_path))
    store.put("a/old", b"1", ttl=1)
    time.sleep(1.1)
    store._last_sweep = 0
    store.put("a/new", b"2", ttl=60)
    assert sorted(os.listdir(tmp_path / "a")) == ["new"]


def entries(n: int) -> list[FileEntry]:
    return [FileEntry(i, f"f{i}.png", 10, "image/png", 100, 50, "0" * 64) for i in range(n)]


def test_job_record_lifecycle(services):
    store = JobStore(services.redis, "tablesnap-test:records", ttl=120)
    store.create("job1", "owner-a", {"layout": "single_sheet"}, entries(2))
    record = store.get("job1")
    assert (record.status, record.done, len(record.files)) == ("queued", 0, 2)
    assert store.transition("job1", "started", ("queued",))
    store.set_file_state("job1", 0, FileState(status="started"))
    assert store.get("job1").current_file == "f0.png"
    store.set_file_state("job1", 0, FileState(status="finished"))
    assert store.get("job1").done == 1
    assert store.transition("job1", "canceled", ("queued", "started"))
    assert not store.transition("job1", "finished", ("queued", "started")), "a canceled job must stay canceled"
    assert store.status("job1") == "canceled"


def test_listing_is_per_owner_newest_first(services):
    store = JobStore(services.redis, "tablesnap-test:listing", ttl=120)
    for name in ("j1", "j2", "j3"):
        store.create(name, "owner-a", {}, entries(1))
        time.sleep(0.01)
    store.create("other", "owner-b", {}, entries(1))
    assert store.list_for_owner("owner-a", 0, 2) == (3, ["j3", "j2"])
    assert store.list_for_owner("owner-a", 2, 2) == (3, ["j1"])
    assert store.list_for_owner("owner-b", 0, 10) == (1, ["other"])
    assert 0 < services.redis.ttl("tablesnap-test:listing:job:j1") <= 120
