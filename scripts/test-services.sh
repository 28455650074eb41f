#!/usr/bin/env bash
# Throwaway Redis and PostgreSQL for tests, on free loopback ports.
#   scripts/test-services.sh start   -> prints `export ...` lines (eval them), services keep running
#   scripts/test-services.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"

case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/coord-test.XXXXXX)
    chmod 755 "$dir"
    # Whatever started is stopped again if a later step fails: no half-started leftovers.
    trap 'stop_redis "$dir/redis"; stop_postgres "$dir/pg"; rm -rf "$dir"' EXIT
    redis_port=$(free_port)
    start_redis "$dir/redis" "$redis_port"
    pg_port=$(free_port)   # chosen after Redis holds its port, so the two never collide
    PG_FSYNC=off start_postgres "$dir/pg" "$pg_port"
    trap - EXIT
    echo "export COORD_TEST_DIR=$dir"
    echo "export COORD_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
    echo "export COORD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres"
    ;;
stop)
    dir=${2:?usage: test-services.sh stop DIR}
    stop_redis "$dir/redis"
    stop_postgres "$dir/pg"
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
