"""What the service costs on top of OCR, on the real stack.

Prints: model load time, warm per-image engine time on a 1200x600 screenshot, worker RSS,
and upload-to-downloaded-workbook time for one image minus the engine's own time.

    .venv/bin/python -m bench.service_overhead [--runs 10] [--worker-mode fork|simple]

Needs a Redis at REDIS_URL; uses a private database on it and starts its own gunicorn and worker.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import requests
from rq import Worker

from tests.conftest import start_worker
from tests.imaging import png_bytes, render_table
from tests.redis_db import claim_database, release_database
from tests.servers import start_gunicorn, stop

ROWS = [["Account", "Q1", "Q2", "Q3", "Q4", "Change"]] + [
    [f"Account {i:02d}", f"{1000 + 37 * i:,}.00", f"{1500 + 91 * i:,}.50", f"{900 + 13 * i:,}",
     f"({200 + i * 7:,})", f"{(i % 9) - 4}.{i % 10}%"] for i in range(1, 10)]
KEY = "bench-key-" + "b" * 40


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def engine_figures(image: bytes, runs: int) -> tuple[float, list[float]]:
    from services.ocr.rapid import RapidOcrEngine
    from services.pipeline import convert_image

    started = time.perf_counter()
    engine = RapidOcrEngine(threads=int(os.environ.get("OCR_THREADS", "0")))
    convert_image(image, engine, max_pixels=40_000_000)
    load = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        convert_image(image, engine, max_pixels=40_000_000)
        times.append(time.perf_counter() - started)
    return load, times


def service_figures(image: bytes, runs: int, env: dict, logs: Path) -> tuple[list[float], list[float], float]:
    worker = start_worker(env, logs / "worker.log")
    web, url = start_gunicorn(env, logs / "gunicorn.log")
    headers = {"X-API-Key": KEY}
    totals, engine_times = [], []
    try:
        from redis import Redis

        from services.queueing import make_queue
        queue = make_queue(Redis.from_url(env["REDIS_URL"]), env["QUEUE_NAME"])
        while not Worker.all(queue=queue):
            time.sleep(0.05)
        for i in range(runs + 1):
            started = time.perf_counter()
            accepted = requests.post(f"{url}/api/v1/convert", headers=headers,
                                     files=[("files", ("bench.png", image, "image/png"))], timeout=30).json()
            while (job := requests.get(accepted["status_url"], headers=headers, timeout=10).json())["status"] not in (
                    "finished", "failed"):
                time.sleep(0.005)
            workbook = requests.get(accepted["download_url"], headers=headers, timeout=30)
            assert workbook.ok and job["status"] == "finished", job
            if i == 0:
                continue  # the first job also pays the horse's first touch of the model
            totals.append(time.perf_counter() - started)
            timing = job["files"][0]["timings"]
            engine_times.append(timing["decode"] + timing["ocr"] + timing["tables"])
        worker_rss = rss_mb(worker.pid)
    finally:
        stop(web)
        stop(worker)
    return totals, engine_times, worker_rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--worker-mode", choices=["fork", "simple"], default=os.environ.get("WORKER_MODE", "fork"))
    args = parser.parse_args()
    image = png_bytes(render_table(ROWS, size=(1200, 600), font_size=16, row_height=44, origin=(40, 60)))

    load, times = engine_figures(image, args.runs)
    print(f"model load + first image (in-process): {load:.3f}s")
    print(f"engine per image, warm, 1200x600, {len(ROWS)}x{len(ROWS[0])}: median {statistics.median(times):.3f}s "
          f"min {min(times):.3f}s max {max(times):.3f}s over {args.runs}")

    url, token = claim_database()
    env = {"REDIS_URL": url, "REDIS_KEY_PREFIX": "bench", "QUEUE_NAME": "bench", "API_KEYS": KEY,
           "TABLESNAP_ENV": "testing", "WORKER_MODE": args.worker_mode}
    try:
        with tempfile.TemporaryDirectory() as logs:
            totals, engine_times, worker_rss = service_figures(image, args.runs, env, Path(logs))
    finally:
        release_database(url, token)
    overhead = [t - e for t, e in zip(totals, engine_times)]
    print(f"worker mode {args.worker_mode}: worker RSS {worker_rss:.0f} MB")
    print(f"upload -> finished -> downloaded, one image: median {statistics.median(totals):.3f}s "
          f"(engine inside the job: median {statistics.median(engine_times):.3f}s)")
    print(f"service overhead (end to end minus engine): median {statistics.median(overhead) * 1000:.0f} ms, "
          f"max {max(overhead) * 1000:.0f} ms over {len(overhead)} jobs")


if __name__ == "__main__":
    main()
