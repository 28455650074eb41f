#!/usr/bin/env bash
# Stops what scripts/dev-up.sh started: HAProxy, the nodes and the provider emulator, then Redis and
# PostgreSQL (data is kept in ./data; delete that folder to start from nothing). `--nodes-only` stops
# HAProxy, the nodes and the emulator only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"
data="$root/data"

# SIGTERM to every process at once (each node drains in parallel), then SIGKILL whatever is still
# there after longer than a node's drain + shutdown grace (3 s + 10 s by default).
stop_pidfiles() {
    local pids=() file pid i
    for file in "$@"; do
        [ -f "$file" ] || continue
        pid=$(cat "$file")
        kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
        rm -f "$file"
    done
    for i in $(seq 1 200); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && return 0
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

stop_pidfile_list=("$data/run/haproxy.pid" "$data/run/emulator.pid")
for f in "$data"/run/node-*.pid; do [ -e "$f" ] && stop_pidfile_list+=("$f"); done
stop_pidfiles "${stop_pidfile_list[@]}"
[ "${1:-}" = "--nodes-only" ] && exit 0
stop_redis "$data/redis"
stop_postgres "$data/pg"
log "stopped"
