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
import time

import requests

from bench.stack import HEADERS, rss_mb, running_stack, screenshot, submit, wait
from tests.imaging import png_bytes


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


def service_figures(runs: int, worker_mode: str) -> tuple[list[float], list[float], float]:
    totals, engine_times = [], []
    with running_stack(1, {"WORKER_MODE": worker_mode}) as (base, workers):
        for i in range(runs + 1):
            image = png_bytes(screenshot(0))  # same pixels, new bytes: never a cache hit
            started = time.perf_counter()
            job = wait(submit(base, [("bench.png", image)])["status_url"], poll=0.005)
            workbook = requests.get(f"{base}/api/v1/jobs/{job['job_id']}/download", headers=HEADERS, timeout=30)
            assert workbook.ok and job["status"] == "finished", job
            if i == 0:
                continue  # the first job also pays the first touch of the model
            totals.append(time.perf_counter() - started)
            engine_times.append(sum(job["files"][0]["timings"].values()))
        worker_rss = rss_mb(workers[0].pid)
    return totals, engine_times, worker_rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--worker-mode", choices=["fork", "simple"], default=os.environ.get("WORKER_MODE", "simple"))
    args = parser.parse_args()
    image = png_bytes(screenshot(0))

    load, times = engine_figures(image, args.runs)
    print(f"model load + first image (in-process): {load:.3f}s")
    print(f"engine per image, warm, 1200x600 10x6 table: median {statistics.median(times):.3f}s "
          f"min {min(times):.3f}s max {max(times):.3f}s over {args.runs}")
    totals, engine_times, worker_rss = service_figures(args.runs, args.worker_mode)
    overhead = [t - e for t, e in zip(totals, engine_times)]
    print(f"worker mode {args.worker_mode}: worker RSS {worker_rss:.0f} MB")
    print(f"upload -> finished -> downloaded, one image: median {statistics.median(totals):.3f}s "
          f"(engine inside the job: median {statistics.median(engine_times):.3f}s)")
    print(f"service overhead (end to end minus engine): median {statistics.median(overhead) * 1000:.0f} ms, "
          f"max {max(overhead) * 1000:.0f} ms over {len(overhead)} jobs")


if __name__ == "__main__":
    main()
