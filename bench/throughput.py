"""Throughput of the real stack (gunicorn, Redis, N rq workers) on generated screenshots.

    .venv/bin/python -m bench.throughput [--images 12] [--workers 1 2 4] [--polls 2000] [--threads 1]

For each N: images/second over a batch of distinct images submitted one per job, p50/p95
time from upload to finished, service overhead per image (end to end minus engine time,
as share of engine time), worker RSS. Then, with the stack idle: cache-hit latency of an
identical upload (server-side and end to end), status polls per second, and the rate
limiter's cost per request. Bounded in requests and time; loopback only.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time

import requests

from bench.stack import HEADERS, cpu_count, rss_mb, running_stack, screenshot, submit, wait
from tests.imaging import png_bytes


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_batch(base: str, images: list[bytes]) -> tuple[float, list[float], list[float]]:
    """Submit every image as its own job at once; returns (wall seconds, per-job end-to-end, engine seconds)."""
    started = time.perf_counter()
    accepted = [(time.perf_counter(), submit(base, [(f"{i}.png", data)])) for i, data in enumerate(images)]
    done_at: dict[str, float] = {}
    jobs: dict[str, dict] = {}
    while len(done_at) < len(accepted):
        for _, body in accepted:
            if body["job_id"] in done_at:
                continue
            job = requests.get(body["status_url"], headers=HEADERS, timeout=30).json()
            if job["status"] in ("finished", "failed"):
                done_at[body["job_id"]] = time.perf_counter()
                jobs[body["job_id"]] = job
        time.sleep(0.25)  # a client polling harder would take CPU from the workers being measured
    wall = max(done_at.values()) - started
    latencies = [done_at[b["job_id"]] - t for t, b in accepted]
    engine = [sum(f["timings"].values()) for j in jobs.values() for f in j["files"] if f["status"] == "finished"]
    return wall, latencies, engine


def poll_rate(url: str, total: int, seconds: float, threads: int = 8) -> float:
    """Status GETs per second from ``threads`` clients, stopping at ``total`` requests or ``seconds``."""
    count = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        nonlocal count
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                if count >= total:
                    return
                count += 1
            session.get(url, headers=HEADERS, timeout=30).raise_for_status()

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return count / (time.perf_counter() - started)


def server_ms(base: str, data: bytes, runs: int = 20) -> tuple[float, float]:
    """Median server-side time (the app's Server-Timing) and end-to-end time (upload to
    finished, seen by the client) in ms of an upload answered from the cache."""
    wait(submit(base, [("warm.png", data)])["status_url"])
    request_ms, e2e_ms = [], []
    for _ in range(runs):
        started = time.perf_counter()
        response = requests.post(f"{base}/api/v1/convert", headers=HEADERS, timeout=60,
                                 files=[("files", ("again.png", data, "image/png"))])
        body = response.json()
        request_ms.append(float(response.headers["Server-Timing"].split("dur=")[1]))
        job = wait(body["status_url"], poll=0.001)
        assert job["files"][0]["cached"], job
        e2e_ms.append((time.perf_counter() - started) * 1000)
    return statistics.median(request_ms), statistics.median(e2e_ms)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1,
                        help="OCR_THREADS per worker, as compose and k8s run them; 0 shares the cores (cores // N)")
    args = parser.parse_args()
    cores = cpu_count()
    base_rate = None
    print(f"{cores} cores; {args.images} distinct 1200x600 screenshots, one job each")
    for n in args.workers:
        threads = args.threads or max(1, cores // n)
        with running_stack(n, {"OCR_THREADS": str(threads)}) as (base, procs):
            wait(submit(base, [("warm.png", png_bytes(screenshot(999)))])["status_url"])
            images = [png_bytes(screenshot(seed)) for seed in range(args.images)]
            wall, latencies, engine = run_batch(base, images)
            rss = [rss_mb(p.pid) for p in procs]
        rate = len(images) / wall
        base_rate = base_rate or rate
        mean_latency_per_image = wall * n / len(images)
        overhead = (mean_latency_per_image - statistics.mean(engine)) / statistics.mean(engine)
        print(f"workers {n} (OCR_THREADS={threads}): {rate:.2f} images/s ({rate / base_rate:.2f}x of 1 worker); "
              f"upload->finished p50 {pct(latencies, .5):.2f}s p95 {pct(latencies, .95):.2f}s; "
              f"engine {statistics.mean(engine):.3f}s/image; worker time beyond engine {overhead * 100:.1f}%; "
              f"worker RSS {statistics.mean(rss):.0f} MB")

    with running_stack(1) as (base, _):
        request_ms, e2e_ms = server_ms(base, png_bytes(screenshot(7)))
        print(f"cache hit: server side {request_ms:.1f} ms, upload to finished seen by the client "
              f"{e2e_ms:.1f} ms (median of 20)")
        job = submit(base, [("poll.png", png_bytes(screenshot(8)))])
        wait(job["status_url"])
        limited = poll_rate(job["status_url"], args.polls, 30)
    with running_stack(1, {"RATE_LIMIT_ENABLED": "false"}) as (base, _):
        job = submit(base, [("poll.png", png_bytes(screenshot(8)))])
        wait(job["status_url"])
        unlimited = poll_rate(job["status_url"], args.polls, 30)
    print(f"status polls: {limited:.0f}/s with rate limiting, {unlimited:.0f}/s without "
          f"(limiter cost {(1 / limited - 1 / unlimited) * 1000:.2f} ms per request)")
    if base_rate:
        print(f"polls per OCR image at 1 worker: {limited / base_rate:.0f}x")


if __name__ == "__main__":
    main()
