#!/usr/bin/env bash
# Start Debian's Redis on 127.0.0.1:6379 for the tests (the shared cache: JUNHENG_CACHE_URL=redis://127.0.0.1:6379/0).
# Nothing is saved to disk: the cache holds only what the platform can compute again.
set -euo pipefail
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no \
    --logfile /tmp/junheng-redis.log --dir /tmp
fi
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
  sleep 0.2
done
echo "Redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') ready: redis://127.0.0.1:6379/0"
