#!/usr/bin/env bash
# A bounded chaos soak of the PostgreSQL client: a throwaway PostgreSQL (fsync on) is crash-restarted
# (`pg_ctl restart -m immediate`) at random intervals while `coordinator-bench pg-soak` runs tasks that
# append numbered rows (single INSERTs and 10-row batches) and remember which were acknowledged.
# Fails if an acknowledged row is missing afterwards, a row appears that was never sent, an error has
# an unexpected code, a call hangs past its bound, or writes do not succeed again at the end.
#   scripts/soak-postgres.sh [SECONDS]      (default 30; TASKS=16)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

seconds=${1:-30}
TASKS=${TASKS:-16}
ensure_build_packages
dir=$(mktemp -d /tmp/coord-soak-pg.XXXXXX)
port=$(free_port)
chaos=""
cleanup() {
    [ -n "$chaos" ] && kill "$chaos" 2>/dev/null || true
    wait 2>/dev/null || true
    stop_postgres "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
PG_FSYNC=on start_postgres "$dir" "$port"

cd "$root"
bench=$(build_bench)

# The chaos loop: up 1-3 s, then an immediate (crash-like) restart; it stops 6 s before the end so the
# run finishes with PostgreSQL up (the soak then checks that writes succeed again).
(
    end=$(( $(date +%s) + seconds - 6 ))
    restarts=0
    while [ "$(date +%s)" -lt "$end" ]; do
        sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 1 + (r % 200) / 100 }')"
        [ "$(date +%s)" -lt "$end" ] || break
        as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" \
            -l "$dir/pg.log" restart >/dev/null 2>&1 || log "chaos: restart failed (see $dir/pg.log)"
        restarts=$((restarts + 1))
    done
    log "chaos: PostgreSQL crash-restarted $restarts times"
) &
chaos=$!

log "soak: $TASKS tasks for ${seconds}s against postgres on port $port"
status=0
"$bench" pg-soak --url "postgres://postgres@127.0.0.1:$port/postgres" --tasks "$TASKS" --seconds "$seconds" || status=$?
wait "$chaos" 2>/dev/null || true
chaos=""
[ "$status" -eq 0 ] && log "soak passed" || log "soak FAILED"
exit "$status"
