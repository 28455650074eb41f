#!/usr/bin/env bash
# Benchmark (not a test): POST /api/v1/external-services/call (maps distancematrix, one origin and one
# destination) through one release node with keep-alive, beside the same provider request sent
# straight to the provider emulator, both with `wrk` in the same run on this machine. The emulator
# answers with no added latency, so the comparison shows what the protected path costs: the payload
# check, the circuit breaker, the rate limits and budget reservation (one Lua script), the call over
# the node's pooled client, the settlement (another script). Prints both req/s, the ratio, and the
# node's added p50/p99 latency (node minus direct). Target: added p99 under 2 ms, ratio at least 0.5.
# The machine has 2 cores shared by wrk, the node, the emulator and Redis: read the ratio.
#
#   scripts/bench-upstream.sh [duration=10s] [connections=16]
#   ROUNDS=3 scripts/bench-upstream.sh        (rounds alternate node, direct, direct, node, ...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/common.sh"
duration=${1:-10s}
connections=${2:-16}
rounds=${ROUNDS:-2}
ensure_build_packages
ensure_packages wrk
cd "$root"
log "building the node and the emulator (release)"
swift build -c release --product coordinator >/dev/null
swift build -c release --product provider-emulator >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/bench-upstream.XXXXXX)
chmod 755 "$work"
pids=()
services_started=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [ -n "$services_started" ]; then stop_redis "$work/redis"; stop_postgres "$work/pg"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis_port=$(free_port)
start_redis "$work/redis" "$redis_port"
services_started=1
pg_port=$(free_port)
PG_FSYNC=off start_postgres "$work/pg" "$pg_port"

emulator_port=$(free_port)
"$bin/provider-emulator" --port "$emulator_port" >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$emulator_port/_emulator/stats" 30 || die "the emulator did not start"
curl -fsS -X POST -H 'Content-Type: application/json' -d '{"service":"maps","latencyMs":0}' \
    "http://127.0.0.1:$emulator_port/_emulator/config" >/dev/null

# Maps' limits and budget out of the way (the bench measures the path, not a refusal).
cat > "$work/services.json" <<JSON
{"maps": {"burstPerSecond": 1000000, "sustainedPerMinute": 60000000, "dailyLimitMicros": 100000000000000, "monthlyBudgetMicros": 100000000000000}}
JSON
secret="bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
node_port=$(free_port)
env -i PATH="$PATH" COORD_HTTP_PORT="$node_port" COORD_NODE_ID=bench-node COORD_EVENT_LOOPS=2 \
    COORD_REDIS_URL="redis://127.0.0.1:$redis_port" COORD_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres" \
    COORD_JWT_SECRET="$secret" COORD_MIGRATIONS_DIR="$root/migrations" COORD_ACCESS_LOG=off \
    COORD_CLIENT_RATE_LIMIT_PER_MINUTE=0 COORD_SERVICES_FILE="$work/services.json" \
    COORD_UPSTREAM_MAPS="http://127.0.0.1:$emulator_port" COORD_API_KEY_MAPS=bench-key \
    "$bin/coordinator" serve >"$work/node.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$node_port/readyz" 60 || { tail -5 "$work/node.log" >&2; die "the node never became ready"; }
token=$(env -i PATH="$PATH" COORD_JWT_SECRET="$secret" "$bin/coordinator" token --sub bench --role user --ttl 1h)
payload='{"service":"maps","operation":"distancematrix","payload":{"origins":["Berlin"],"destinations":["Hamburg"],"mode":"driving"}}'
direct_path="/maps/api/distancematrix/json?origins=Berlin&destinations=Hamburg&mode=driving&key=bench-key"
# The budget answers 503 for its first seconds on a fresh Redis (rebuilt from the ledger first).
for _ in $(seq 1 100); do
    code=$(curl -s -o "$work/first.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "$payload" "http://127.0.0.1:$node_port/api/v1/external-services/call")
    [ "$code" = 200 ] && break
    sleep 0.2
done
[ "$code" = 200 ] || { cat "$work/first.json" >&2; tail -5 "$work/node.log" >&2; die "POST /call answered $code"; }
grep -q '"succeeded":true' "$work/first.json" || { cat "$work/first.json" >&2; die "the call did not succeed"; }

cat > "$work/call.lua" <<LUA
wrk.method = "POST"
wrk.body = '$payload'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
node_run() { wrk -t2 -c"$connections" -d"$1" --latency -s "$work/call.lua" "http://127.0.0.1:$node_port/api/v1/external-services/call"; }
direct_run() { wrk -t2 -c"$connections" -d"$1" --latency "http://127.0.0.1:$emulator_port$direct_path"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
# pct OUT LABEL: the latency percentile in ms (wrk prints us, ms or s).
pct() { echo "$1" | awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'; }
errors() { echo "$1" | awk '/Non-2xx|Socket errors/ {print}'; }

node_run 3s >/dev/null; direct_run 3s >/dev/null   # warm-up: pools, caches, page faults
echo "== POST /call through the node vs the same maps request straight to the emulator: wrk -t2 -c$connections -d$duration, $rounds rounds"
best_node=0; best_direct=0; node_p50=""; node_p99=""; direct_p50=""; direct_p99=""
for round in $(seq 1 "$rounds"); do
    for side in $([ $((round % 2)) = 1 ] && echo "node direct" || echo "direct node"); do
        if [ "$side" = node ]; then out=$(node_run "$duration"); else out=$(direct_run "$duration"); fi
        r=$(echo "$out" | rps); p50=$(pct "$out" 50%); p99=$(pct "$out" 99%)
        printf '  round %d %-6s %10s req/s  p50 %7s ms  p99 %7s ms  load %s %s\n' "$round" "$side" "$r" "$p50" "$p99" \
            "$(cut -d' ' -f1 /proc/loadavg)" "$(errors "$out")"
        if [ "$side" = node ] && awk -v a="$r" -v b="$best_node" 'BEGIN { exit !(a > b) }'; then best_node=$r; node_p50=$p50; node_p99=$p99; fi
        if [ "$side" = direct ] && awk -v a="$r" -v b="$best_direct" 'BEGIN { exit !(a > b) }'; then best_direct=$r; direct_p50=$p50; direct_p99=$p99; fi
    done
done
echo "best: node $best_node req/s, direct $best_direct req/s, ratio $(awk -v a="$best_node" -v b="$best_direct" 'BEGIN { printf "%.2f", a / b }') (target >= 0.5)"
echo "added latency (node - direct, best rounds): p50 $(awk -v a="$node_p50" -v b="$direct_p50" 'BEGIN { printf "%.3f", a - b }') ms, p99 $(awk -v a="$node_p99" -v b="$direct_p99" 'BEGIN { printf "%.3f", a - b }') ms (target p99 < 2 ms)"
stats=$(curl -fsS "http://127.0.0.1:$emulator_port/_emulator/stats")
echo "emulator: $(echo "$stats" | python3 -c 'import json,sys; print("maps requests", json.load(sys.stdin)["services"]["maps"]["requests"])')"
