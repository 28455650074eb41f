#!/usr/bin/env bash
# A bounded chaos soak of the Redis client: a throwaway Redis is SIGKILLed and restarted at random
# intervals while `coordinator-bench redis-soak` runs tasks (half on the client's executor, half on
# the global pool) that INCR their own keys and check every reply. Fails if a reply is wrong, a
# command hangs past its bound, an error has an unexpected code, or nothing succeeds at the end.
#   scripts/soak-redis.sh [SECONDS]      (default 30; TASKS=40)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

seconds=${1:-30}
TASKS=${TASKS:-40}
ensure_packages redis-server redis-tools
dir=$(mktemp -d /tmp/coord-soak-redis.XXXXXX)
port=$(free_port)
chaos=""
cleanup() {
    [ -n "$chaos" ] && kill "$chaos" 2>/dev/null || true
    wait 2>/dev/null || true
    stop_redis "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
start_redis "$dir" "$port"

cd "$root"
bench=$(build_bench)

# The chaos loop: Redis up 0.5-2.5 s, then SIGKILL, down 0.1-1 s, restart; it stops 4 s before the
# end so the run finishes with Redis up (the soak then checks that commands succeed again).
(
    end=$(( $(date +%s) + seconds - 4 ))
    kills=0
    while [ "$(date +%s)" -lt "$end" ]; do
        sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.5 + (r % 200) / 100 }')"
        [ "$(date +%s)" -lt "$end" ] || break
        kill -KILL "$(cat "$dir/redis.pid")" 2>/dev/null || true
        rm -f "$dir/redis.pid"
        kills=$((kills + 1))
        sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.1 + (r % 90) / 100 }')"
        start_redis "$dir" "$port" 2>/dev/null
    done
    log "chaos: Redis killed and restarted $kills times"
) &
chaos=$!

log "soak: $TASKS tasks for ${seconds}s against redis://127.0.0.1:$port"
status=0
"$bench" redis-soak --url "redis://127.0.0.1:$port" --tasks "$TASKS" --seconds "$seconds" || status=$?
wait "$chaos" 2>/dev/null || true
chaos=""
[ "$status" -eq 0 ] && log "soak passed" || log "soak FAILED"
exit "$status"
