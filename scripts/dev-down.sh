#!/usr/bin/env bash
# Stops what scripts/dev-up.sh started: HAProxy, the nodes, then Redis and PostgreSQL (data is kept in
# ./data; delete that folder to start from nothing). `--nodes-only` stops HAProxy and the nodes only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"
data="$root/data"

stop_pidfile() {
    local file=$1 pid i
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        # Longer than the node's drain + shutdown grace (3 s + 10 s by default) before SIGKILL.
        for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

stop_pidfile "$data/run/haproxy.pid"
for f in "$data"/run/node-*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
[ "${1:-}" = "--nodes-only" ] && exit 0
stop_redis "$data/redis"
stop_postgres "$data/pg"
log "stopped"
