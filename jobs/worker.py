"""The RQ worker: ``python -m jobs.worker`` (same queue, Redis and serializer as the web app).

Both modes load the OCR model once per worker process, never per job:
- ``simple`` (WORKER_MODE default): jobs run in the worker process itself. Measured on a
  1200x600 screenshot (bench/service_overhead, see the README), forking costs about 0.35 s
  before each image and 0.45 s before each workbook; running in place costs ~10-20 ms. The
  price: a cancel cannot interrupt the image being read (it is discarded when it ends, within
  JOB_TIMEOUT at worst), and a crash takes the worker down (its supervisor restarts it and the
  job is retried, FILE_JOB_RETRIES).
- ``fork``: RQ forks a work horse per job; the model is loaded in the parent before the first
  fork, so each horse inherits it. A cancel stops the running image at once; a crash kills only
  the horse.
"""
from __future__ import annotations

from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from jobs import runtime
from utils import logs


class TablesnapWorker(Worker):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("serializer", JSONSerializer)
        super().__init__(*args, **kwargs)
        runtime.preload()


class TablesnapSimpleWorker(SimpleWorker):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("serializer", JSONSerializer)
        super().__init__(*args, **kwargs)
        runtime.preload()


WORKER_CLASSES = {"fork": TablesnapWorker, "simple": TablesnapSimpleWorker}


def main() -> None:
    ctx = runtime.context()
    logs.configure(ctx.settings.log_format, ctx.settings.log_level)
    worker_class = WORKER_CLASSES[ctx.settings.worker_mode]
    worker = worker_class([ctx.queue], connection=ctx.redis,
                          maintenance_interval=ctx.settings.worker_maintenance_seconds)
    worker.work(with_scheduler=True, logging_level=ctx.settings.log_level)


if __name__ == "__main__":
    main()
