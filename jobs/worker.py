"""The RQ worker: ``python -m jobs.worker`` (same queue, Redis and serializer as the web app).

Both modes load the OCR model once per worker process, never per job:
- ``fork`` (WORKER_MODE default): RQ forks a work horse per job; the model is loaded in the
  parent before the first fork, so each horse inherits it. A crash or stop kills only the horse.
- ``simple``: jobs run in the worker process itself. No fork per job, but a running job
  cannot be stopped by a cancel (it is discarded when it ends) and a crash takes the worker down.
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
