#!/bin/sh
# Container and replica entrypoint: publish the feeds, then serve the dashboard on $PORT (default 8501).
set -e
cd "$(dirname "$0")/.."
python -m kizuna feeds > /dev/null
exec python deploy/serve.py \
  --server.port="${PORT:-8501}" --server.address="${ADDRESS:-0.0.0.0}" --server.headless=true
