# syntax=docker/dockerfile:1.7
#
# tablesnap: one image for the web process (default CMD: gunicorn) and the RQ worker
# (command override: `python -m jobs.worker`).
#
#   docker build -t tablesnap:0.1.0 .
#   docker run --rm -p 8000:8000 -e API_KEYS=... -e REDIS_URL=redis://... tablesnap:0.1.0
#   docker run --rm -e API_KEYS=... -e REDIS_URL=redis://... tablesnap:0.1.0 python -m jobs.worker
#
# Needs BuildKit (default in Docker >= 23): `RUN --network=none` proves the OCR model loads offline.
# Wheels only (no compiler in the builder); every dependency has manylinux wheels for amd64.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------------------------
# builder: a virtualenv with the pinned runtime requirements
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

COPY requirements.txt /tmp/requirements.txt
# pip compiles the installed modules to .pyc here, so the read-only runtime never needs to.
RUN pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt \
    && pip check

# ---------------------------------------------------------------------------------------------
# runtime: slim Python, system libraries OpenCV needs, the venv, the app, a non-root user
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG APP_UID=10001
ARG APP_GID=10001

LABEL org.opencontainers.image.title="tablesnap" \
      org.opencontainers.image.description="Table images to XLSX: Flask API (gunicorn) and RQ OCR worker" \
      org.opencontainers.image.version="0.1.0"

# Threads: scale by processes (gunicorn workers, worker replicas), not by threads inside one.
# OCR_THREADS=1 pins ONNX Runtime's intra-op pool per worker process; 0 lets ONNX Runtime take
# every core of the node, which oversubscribes a CPU-limited container. OMP/OpenBLAS pools off.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    OMP_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    OCR_THREADS=1 \
    TABLESNAP_ENV=production \
    STORAGE_DIR=/var/lib/tablesnap \
    FORWARDED_ALLOW_IPS=*

# libgl1 + libglib2.0-0: opencv-python (pulled in by rapidocr) links against them.
# tini: PID 1 that forwards SIGTERM to gunicorn / the RQ worker only (not to RQ's work horse,
# which runs in its own process group) and reaps zombies.
# Versions are not pinned: the Debian security archive replaces them; rebuild to pick up fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 tini \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid "${APP_GID}" app \
    && useradd --system --uid "${APP_UID}" --gid app --home-dir /home/app --create-home \
       --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0750 /var/lib/tablesnap

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Application code (see .dockerignore), owned by root and read-only for the app user.
COPY . /app
RUN python -m compileall -q /app

USER ${APP_UID}:${APP_GID}

# Models are baked in: they ship inside the rapidocr_onnxruntime wheel. Load them and run OCR
# once on a blank image with the network switched off, and import both entry points, so a
# broken wheel, a missing system library or any run-time download fails the build, not a pod.
RUN --network=none python -c "import pathlib, numpy, rapidocr_onnxruntime as r; from rapidocr_onnxruntime import RapidOCR; models = sorted(p.name for p in (pathlib.Path(r.__file__).parent / 'models').glob('*.onnx')); assert len(models) >= 3, models; result, _ = RapidOCR(params={'Global.print_verbose': False})(numpy.full((64, 256, 3), 255, numpy.uint8)); assert not result, result; import app, jobs.worker; print('OCR models load offline:', ', '.join(models))"

EXPOSE 8000

# Liveness of the web process only (the worker serves no HTTP: compose overrides this check
# for the worker, Kubernetes ignores HEALTHCHECK and uses its own probes). No curl in slim.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status == 200 else 1)"]

# gunicorn: graceful stop on SIGTERM; RQ: warm shutdown (finishes the current job) on SIGTERM.
STOPSIGNAL SIGTERM

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--no-control-socket", "--access-logfile", "-", "app:create_app()"]
