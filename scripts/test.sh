#!/usr/bin/env bash
# Run the whole test suite (and the layer contracts) against a real Redis and real workers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_venv requirements-dev.txt
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
python scripts/ensure_redis.py
lint-imports
python -m pytest "${@:--q}" tests
