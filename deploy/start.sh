#!/bin/sh
# Container and replica entrypoint: publish the feeds, then serve the dashboard on $PORT (default 8501).
set -e
cd "$(dirname "$0")/.."
# A folder that cannot be written (read-only image, no volume) costs the feeds, not the dashboard.
python -m kizuna feeds > /dev/null || echo "start.sh: starting without fresh feeds" >&2
exec python -m kizuna serve \
  --server.port="${PORT:-8501}" --server.address="${ADDRESS:-0.0.0.0}" --server.headless=true
