#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the scale-out tests use, when they are
# installed but not running. Missing ones make those tests skip, or fail in CI.
set -u
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/hotline-redis.log || true
fi
for i in $(seq 1 20); do pg_up && redis_up && break; sleep 0.5; done
pg_up && echo "PostgreSQL: up" || echo "PostgreSQL: not available (its tests will skip, or fail in CI)"
redis_up && echo "Redis: up" || echo "Redis: not available (its tests will skip, or fail in CI)"
exit 0
