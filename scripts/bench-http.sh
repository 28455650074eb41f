#!/usr/bin/env bash
# Benchmark (not a test): `GET /healthz` of a real coordinator node (release build, 2 event loops, its
# own throwaway Redis and PostgreSQL, every middleware as shipped) against nginx returning the same
# body with the same Content-Type, both under `wrk -t2 -c64 -d10s` on this machine in the same run.
# Like for like, in two comparisons, each labelled in the output:
#   logged    the node as shipped (one JSON access log line per request, stderr to a file in the temp
#             dir) against nginx writing a JSON access log line per request to a file in the temp dir;
#   unlogged  the node with COORD_ACCESS_LOG=off against nginx with `access_log off`.
# The machine is shared, so each comparison runs ROUNDS times (default 3) after a warm-up, alternating
# (node, nginx, nginx, node, ...) so slow moments hit both; each round prints the load average, and the
# summary compares best-of and median req/s. Each round also prints the server's CPU time per request
# (user + system, all its threads or workers, from /proc): steadier than req/s on a shared machine.
# Log files are emptied after every round.
# nginx writes each access log line with its own write(2) (its default); the node's log writer batches
# lines on its own thread. NGINX_LOG_BUFFER=64k gives nginx its own batching (`buffer=64k flush=1s`).
# Usage: [ROUNDS=3] [LOGS=both|on|off] [NGINX_LOG_BUFFER=size] scripts/bench-http.sh [duration=10s] [connections=64]
#        [ROUNDS=3] scripts/bench-http.sh httpbench [duration] [connections]  (HTTPBench: the HTTP library
#                   alone, one sync route, no middleware, against nginx without access log)
#        scripts/bench-http.sh idle-ws [count=10000]   (idle WebSocket connections: RSS and request latency)
#        [ROUNDS=3] [LOGS=on|off] [COORDINATOR_BIN=path] [CLIENT_LIMIT=n] scripts/bench-http.sh status [duration=5s] [connections=32]
#                   (an authenticated Redis-backed route, GET /api/v1/external-services/status, beside
#                   /healthz on the same node and redis-benchmark on the same Redis: see below)
#        [ROUNDS=3] [LOGS=on|off] [COORDINATOR_BIN=path] scripts/bench-http.sh limits [duration=5s] [connections=32]
#                   (POST /api/v1/external-services/check-rate-limit the same way, beside redis-benchmark
#                   EVALSHA of RateLimitAcquire.lua with the same keys and arguments; scripts/bench-limits.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/common.sh"
if [ "${1:-}" = "idle-ws" ]; then
    exec "$root/scripts/bench-http.sh" __idle_ws "${2:-10000}"
fi
if [ "${1:-}" = "__idle_ws" ]; then
    count=$2
    port=18182
    ulimit -n "$(ulimit -Hn)"   # 10k server sockets + 10k client sockets, one process each
    cd "$root"
    swift build -c release --product HTTPBench >/dev/null
    "$root/.build/release/HTTPBench" "$port" 2 2>/dev/null &
    pid=$!
    trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM
    for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    rss() { awk '/VmRSS/ {print $2 " " $3}' "/proc/$pid/status"; }
    echo "server RSS before: $(rss)"
    python3 - "$port" "$count" "$pid" <<'PY'
import asyncio, os, subprocess, sys, time
port, count, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
request = ("GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
async def open_one(sem):
    async with sem:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(head[:40])
        return reader, writer
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
def latency_ms(samples=50):
    times = []
    for _ in range(samples):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", f"http://127.0.0.1:{port}/healthz"],
                             capture_output=True, text=True).stdout
        times.append(float(out) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1]
async def main():
    p50, p99 = latency_ms()
    print(f"GET /healthz with 0 idle sockets: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    sem = asyncio.Semaphore(500)
    start = time.time()
    conns = await asyncio.gather(*(open_one(sem) for _ in range(count)))
    print(f"opened {len(conns)} WebSocket connections in {time.time() - start:.1f} s")
    await asyncio.sleep(2)
    print(f"server RSS with {len(conns)} idle WebSockets: {rss()} MB")
    p50, p99 = await asyncio.to_thread(latency_ms)
    print(f"GET /healthz meanwhile (new connection each, 50 samples): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    # Echo still works on one of them.
    reader, writer = conns[0]
    writer.write(bytes([0x81, 0x84, 1, 2, 3, 4]) + bytes(b ^ k for b, k in zip(b"ping", [1, 2, 3, 4])))
    await writer.drain()
    frame = await reader.readexactly(6)
    print("echo on connection 0:", frame[2:].decode())
    for _, writer in conns:
        writer.close()
asyncio.run(main())
PY
    echo "server RSS after closing: $(rss)"
    exit 0
fi

mode=node
if [ "${1:-}" = "httpbench" ]; then mode=httpbench; shift; fi
if [ "${1:-}" = "status" ]; then mode=status; shift; fi
if [ "${1:-}" = "limits" ]; then mode=limits; shift; fi
# Both Redis-backed modes measure a route beside /healthz and redis-benchmark of its own command.
redis_mode=""; [ "$mode" = status ] || [ "$mode" = limits ] && redis_mode=1
if [ -n "$redis_mode" ]; then
    duration=${1:-5s}
    connections=${2:-32}
    LOGS=${LOGS:-on}; [ "$LOGS" = both ] && LOGS=on
else
    duration=${1:-10s}
    connections=${2:-64}
fi
rounds=${ROUNDS:-3}
logs=${LOGS:-both}
case "$logs" in both|on|off) ;; *) die "LOGS must be both, on or off" ;; esac
# The load generators (and nginx, the reference of the other modes) come from Debian.
if [ -n "$redis_mode" ]; then ensure_packages wrk redis-tools; else ensure_packages wrk nginx; fi
nginx_port=18181          # nginx without access log
nginx_logged_port=18183   # nginx with a JSON access log line per request
nginx_log_options=""
[ -n "${NGINX_LOG_BUFFER:-}" ] && nginx_log_options=" buffer=$NGINX_LOG_BUFFER flush=1s"
work=$(mktemp -d /tmp/bench-http.XXXXXX)
chmod 755 "$work"         # PostgreSQL runs as `postgres` and must reach its folder inside
ours_pid=""
nginx_started=""
services_started=""
stop_ours() {
    if [ -n "$ours_pid" ]; then
        kill "$ours_pid" 2>/dev/null || true
        wait "$ours_pid" 2>/dev/null || true
        ours_pid=""
    fi
}
cleanup() {
    stop_ours
    [ -n "$nginx_started" ] && nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true
    if [ -n "$services_started" ]; then stop_redis "$work/redis"; stop_postgres "$work/pg"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nginx_start BODY: one nginx (2 workers) answering BODY as application/json on /healthz, keep-alive
# without a request cap, on two ports: without access log, and with one JSON line per request (the
# fields of the node's access log line) to a file in the temp dir.
nginx_start() {
    mkdir -p "$work/logs"
    cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    log_format node escape=json '{"msg":"request","method":"\$request_method","path":"\$request_uri",'
        '"route":"\$uri","status":\$status,"durationMs":\$request_time,"requestId":"\$request_id",'
        '"remote":"\$remote_addr:\$remote_port"}';
    server {
        listen 127.0.0.1:$nginx_port;
        location = /healthz { default_type application/json; return 200 '$1'; }
    }
    server {
        listen 127.0.0.1:$nginx_logged_port;
        access_log $work/logs/access.log node$nginx_log_options;
        location = /healthz { default_type application/json; return 200 '$1'; }
    }
}
CONF
    nginx -p "$work" -c "$work/nginx.conf"
    nginx_started=1
    wait_http "http://127.0.0.1:$nginx_port/healthz" 10 || die "nginx did not answer"
}

run() { wrk -t2 -c"$connections" -d"$1" --latency "http://127.0.0.1:$2/healthz"; }
best() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# cpu_ticks PID...: user + system clock ticks (1/100 s) the processes used so far, all threads.
cpu_ticks() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
side_pids() { if [ "$1" = nginx ]; then pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' '; else echo "$ours_pid"; fi; }
truncate_logs() { for f in "$@"; do [ -f "$f" ] && : > "$f"; done; return 0; }

# compare LABEL OURS_NAME OURS_PORT NGINX_PORT LOGFILE...: warm-up, alternating rounds, summary;
# the log files are emptied after each run so they stay small.
compare() {
    local label=$1 name=$2 ours=$3 theirs=$4
    shift 4
    local logfiles=("$@") ours_all="" nginx_all="" ours_cpu="" nginx_cpu="" round
    run 3s "$ours" >/dev/null 2>&1 || true     # warm-up (page faults, TCP, caches)
    run 3s "$theirs" >/dev/null 2>&1 || true
    truncate_logs "${logfiles[@]}"
    echo "== $label: wrk -t2 -c$connections -d$duration, GET /healthz ($(printf %s "$body" | wc -c) byte body), $rounds rounds"
    one() {   # one NAME PORT: runs wrk once, prints a line, appends req/s to that side's list
        local out rps_value p99_value pids before after requests cpu
        pids=$(side_pids "$1")
        before=$(cpu_ticks $pids)
        out=$(run "$duration" "$2")
        after=$(cpu_ticks $pids)
        rps_value=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        p99_value=$(echo "$out" | awk '$1 == "99%" {print $2}')
        requests=$(echo "$out" | awk '/requests in/ {print $1}')
        cpu=$(awk -v t=$((after - before)) -v n="$requests" 'BEGIN { printf "%.1f", t * 10000 / n }')
        p99_value=${p99_value:-?}
        printf 'round %d %-6s %12s req/s   p99 %-9s server cpu %5s us/req   load %s\n' "$round" "$1" "$rps_value" \
            "$p99_value" "$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
        echo "$out" | grep -E "Non-2xx|Socket errors" || true
        if [ "$1" = nginx ]; then nginx_all="$nginx_all $rps_value"; nginx_cpu="$nginx_cpu $cpu"
        else ours_all="$ours_all $rps_value"; ours_cpu="$ours_cpu $cpu"; fi
        truncate_logs "${logfiles[@]}"
    }
    for round in $(seq 1 "$rounds"); do
        if [ $((round % 2)) -eq 1 ]; then one "$name" "$ours"; one nginx "$theirs"
        else one nginx "$theirs"; one "$name" "$ours"; fi
    done
    local ours_best nginx_best ours_median nginx_median
    ours_best=$(echo "$ours_all" | best); nginx_best=$(echo "$nginx_all" | best)
    ours_median=$(echo "$ours_all" | median); nginx_median=$(echo "$nginx_all" | median)
    printf '%-8s best %12s   median %12s req/s\n' "$name" "$ours_best" "$ours_median" nginx "$nginx_best" "$nginx_median"
    echo "ratio $name/nginx ($label): best-of $(ratio "$ours_best" "$nginx_best"), median $(ratio "$ours_median" "$nginx_median")" \
        "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
    local ours_cpu_median nginx_cpu_median
    ours_cpu_median=$(echo "$ours_cpu" | median); nginx_cpu_median=$(echo "$nginx_cpu" | median)
    echo "server cpu per request, median: $name $ours_cpu_median us, nginx $nginx_cpu_median us" \
        "(nginx/$name $(ratio "$nginx_cpu_median" "$ours_cpu_median"))"
}

cd "$root"
if [ "$mode" = httpbench ]; then
    ours_port=18180
    swift build -c release --product HTTPBench >/dev/null
    body='{"status":"ok"}'
    nginx_start "$body"
    "$root/.build/release/HTTPBench" "$ours_port" 2 2>"$work/ours.log" &
    ours_pid=$!
    wait_http "http://127.0.0.1:$ours_port/healthz" 10 || die "HTTPBench did not answer"
    [ "$(curl -fsS "http://127.0.0.1:$ours_port/healthz")" = "$body" ] || die "HTTPBench answered another body"
    compare "HTTPBench, no access logs" ours "$ours_port" "$nginx_port"
    exit 0
fi

# COORDINATOR_BIN: a coordinator binary built elsewhere (an earlier commit, for a before/after in the
# same minutes); by default this checkout's release build.
if [ -n "${COORDINATOR_BIN:-}" ]; then
    coordinator=$COORDINATOR_BIN
else
    swift build -c release --product coordinator >/dev/null
    coordinator="$root/.build/release/coordinator"
fi
redis_port=$(free_port)
start_redis "$work/redis" "$redis_port"
services_started=1
pg_port=$(free_port)
PG_FSYNC=off start_postgres "$work/pg" "$pg_port"
node_port=$(free_port)
body=""
# The per-client limit (every /api/v1 request of the one bench token is checked in Redis): on, as
# shipped, the highest accepted, above what a run sends (under 60,000 req/s), so no request is refused
# (a refusal stops the run: Non-2xx); CLIENT_LIMIT=0 turns it off
# (the node makes no check), to measure what the check costs.
client_limit=${CLIENT_LIMIT:-1000000}
# The node's HS256 secret, kept so the status mode can sign a token with `coordinator token`.
jwt_secret="bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# start_node ACCESS_LOG(on|off): the release node with 2 event loops, stderr (its logs) to a file.
start_node() {
    : > "$work/node.log"
    env -i PATH="$PATH" COORD_HTTP_PORT="$node_port" COORD_NODE_ID=bench-node COORD_EVENT_LOOPS=2 \
        COORD_REDIS_URL="redis://127.0.0.1:$redis_port" \
        COORD_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres" \
        COORD_JWT_SECRET="$jwt_secret" \
        COORD_MIGRATIONS_DIR="$root/migrations" COORD_ACCESS_LOG="$1" \
        COORD_CLIENT_RATE_LIMIT_PER_MINUTE="$client_limit" \
        "$coordinator" serve >>"$work/node.log" 2>&1 &
    ours_pid=$!
    wait_http "http://127.0.0.1:$node_port/readyz" 60 || { tail -5 "$work/node.log" >&2; die "the node never became ready"; }
    body=$(curl -fsS "http://127.0.0.1:$node_port/healthz")
    if [ -z "$redis_mode" ]; then   # the Redis-backed modes compare with redis-benchmark, not nginx
        [ -n "$nginx_started" ] || nginx_start "$body"
        [ "$(curl -fsS "http://127.0.0.1:$nginx_port/healthz")" = "$body" ] || die "nginx answered another body"
    fi
    [ "$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$node_port/healthz")" = application/json ] \
        || die "the node's /healthz is not application/json"
}

# request_lines FILE: access log lines in FILE (a check that logging is really on or off).
request_lines() { grep -c '"msg":"request"' "$1" || true; }

if [ -n "$redis_mode" ]; then
    if [ "$mode" = status ]; then
    # An authenticated route that reads Redis, GET /api/v1/external-services/status (a user token, the
    # live nodes from Redis heartbeats, the catalog), beside GET /healthz on the same node and
    # redis-benchmark on the node's own Redis, all at the same concurrency (wrk -t2 -cN; redis-benchmark
    # -c N, unpipelined, so each client waits for its reply as each wrk connection waits for its
    # response), alternating in the same rounds so slow moments hit all three.
    # The reference command: the route's own Redis command, EVALSHA of LiveNodes.lua (HGETALL of the
    # members hash under {cluster}, prune, in one round trip), with the same key and argument. Its Lua
    # is the file the node embeds, so its SHA is the one the node runs (checked with SCRIPT EXISTS
    # once the route has been called). Unpipelined redis-benchmark at the same
    # concurrency is bound, like the route, by one round trip per request.
    start_node "$logs"
    token=$(env -i PATH="$PATH" COORD_JWT_SECRET="$jwt_secret" "$coordinator" token \
        --sub bench --role user --ttl 1h) || die "coordinator token failed"
    route="/api/v1/external-services/status"
    for _ in $(seq 1 50); do
        curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$node_port$route" | grep -q '"bench-node"' && break
        sleep 0.1
    done
    curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$node_port$route" | grep -q '"id":"bench-node"' \
        || die "the status route did not list the node (no heartbeat yet?)"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$node_port$route")" = 401 ] \
        || die "the status route answered without a token"
    script_file="$root/Sources/Coordination/Scripts/Cluster/LiveNodes.lua"
    [ -f "$script_file" ] || die "$script_file not found"
    sha=$(sha1sum "$script_file" | cut -d' ' -f1)
    members='coord:{cluster}:members'
    if [ "$(redis-cli -p "$redis_port" SCRIPT EXISTS "$sha")" != 1 ]; then
        # An older binary (COORDINATOR_BIN) reads the nodes another way; the reference stays the same.
        log "note: the node has not run $script_file (sha $sha); loading it for the reference"
        [ "$(redis-cli -p "$redis_port" -x SCRIPT LOAD < "$script_file")" = "$sha" ] || die "SCRIPT LOAD gave another sha"
    fi
    if [ "$(redis-cli -p "$redis_port" EVALSHA "$sha" 1 "$members" 10000 | head -1)" != bench-node ]; then
        # An older binary keeps its heartbeats elsewhere: give the reference one entry to read.
        [ -n "${COORDINATOR_BIN:-}" ] || die "the reference script read no node record"
        redis-cli -p "$redis_port" HSET "$members" bench-node "0:$(($(date +%s) * 1000))" >/dev/null
        redis-cli -p "$redis_port" PEXPIRE "$members" 3600000 >/dev/null
    fi
    reference=(EVALSHA "$sha" 1 "$members" 3600000)
    route_args=(-H "Authorization: Bearer $token")
    else
    # POST /api/v1/external-services/check-rate-limit for stripe (burst 100/s, sustained 1000/min),
    # one unit, consuming: under saturation nearly every call is a denial with its retryAfterMs
    # computed, as is the reference, which runs the very script the node runs (the file it embeds)
    # on the same keys with the same arguments, so both sides do the same Redis work.
    start_node "$logs"
    token=$(env -i PATH="$PATH" COORD_JWT_SECRET="$jwt_secret" "$coordinator" token \
        --sub bench --role user --ttl 1h) || die "coordinator token failed"
    route="/api/v1/external-services/check-rate-limit"
    limits_body='{"service":"stripe","units":1}'
    cat > "$work/check.lua" <<LUA
wrk.method = "POST"
wrk.body = '$limits_body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
    reply=$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "$limits_body" "http://127.0.0.1:$node_port$route") || die "the route refused the bench request"
    echo "$reply" | grep -q '"tiers"' || die "unexpected answer: $reply"
    # The node runs the budget prelude followed by the rate-limit script (BudgetScripts.swift): the
    # same bytes here, so the SHA is the one the node loaded.
    script_file="$work/acquire.lua"
    cat "$root/Sources/Coordination/Scripts/Budget/BudgetPrelude.lua" \
        "$root/Sources/Coordination/Scripts/RateLimit/RateLimitAcquire.lua" > "$script_file"
    sha=$(sha1sum "$script_file" | cut -d' ' -f1)
    [ "$(redis-cli -p "$redis_port" SCRIPT EXISTS "$sha")" = 1 ] || die "the node did not run $script_file (sha $sha)"
    reference=(EVALSHA "$sha" 4 'coord:{svc:stripe}:rl:state' 'coord:{svc:stripe}:rl:burst'
        'coord:{svc:stripe}:rl:sustained' 'coord:{svc:stripe}:limits' 1 1 enforce 2 100 1000 1000 60000)
    [ "$(redis-cli -p "$redis_port" EVALSHA "${reference[@]:1}" | head -1)" -ge 0 ] 2>/dev/null \
        || die "the reference command fails: $(redis-cli -p "$redis_port" EVALSHA "${reference[@]:1}" 2>&1 | head -1)"
    route_args=(-s "$work/check.lua")
    fi
    seconds=${duration%s}
    # redis-benchmark -q prints progress lines ending in \r, then "NAME: N requests per second, ...".
    rb_rps() { tr '\r' '\n' | awk -F': ' '/requests per second/ { split($2, a, " "); print a[1] }' | tail -1; }
    rb_run() { redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$connections" -n "$1" -q "${reference[@]}" | rb_rps; }
    wrk_run() { wrk -t2 -c"$connections" -d"$1" --latency "${@:3}" "http://127.0.0.1:$node_port$2"; }
    # Warm-up; the reference's request count is sized from its warm-up to last about $duration.
    wrk_run 2s /healthz >/dev/null
    wrk_run 2s "$route" "${route_args[@]}" >/dev/null
    rb_requests=$(awk -v r="$(rb_run 50000)" -v s="$seconds" 'BEGIN { n = int(r * s); print (n < 50000 ? 50000 : n) }')
    truncate_logs "$work/node.log"
    echo "== $mode: wrk -t2 -c$connections -d$duration (access log $logs), GET /healthz and $route" \
        "(user token), redis-benchmark -c $connections -n $rb_requests ${reference[*]}, $rounds rounds"
    all_health="" all_route="" all_ref="" cpu_health="" cpu_route="" p99_route=""
    one_wrk() {   # one_wrk NAME PATH [wrk args]: prints a line, sets rps_value and cpu
        local name=$1 path=$2 out before after requests
        shift 2
        before=$(cpu_ticks "$ours_pid")
        out=$(wrk_run "$duration" "$path" "$@")
        after=$(cpu_ticks "$ours_pid")
        rps_value=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        p99_value=$(echo "$out" | awk '$1 == "99%" {print $2}')
        requests=$(echo "$out" | awk '/requests in/ {print $1}')
        cpu=$(awk -v t=$((after - before)) -v n="$requests" 'BEGIN { printf "%.1f", t * 10000 / n }')
        p99_value=${p99_value:-?}
        printf 'round %d %-14s %12s req/s   p99 %-9s node cpu %5s us/req   load %s\n' "$round" "$name" "$rps_value" \
            "$p99_value" "$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
        echo "$out" | grep -E "Non-2xx|Socket errors" && die "errors during the run" || true
        truncate_logs "$work/node.log"
    }
    one_health() { one_wrk healthz /healthz; all_health="$all_health $rps_value"; cpu_health="$cpu_health $cpu"; }
    one_route() {
        one_wrk "$mode" "$route" "${route_args[@]}"
        all_route="$all_route $rps_value"; cpu_route="$cpu_route $cpu"; p99_route="$p99_route $p99_value"
    }
    one_ref() {
        local value
        value=$(rb_run "$rb_requests")
        printf 'round %d %-14s %12s req/s   load %s\n' "$round" redis-benchmark "$value" "$(cut -d' ' -f1 /proc/loadavg)"
        all_ref="$all_ref $value"
    }
    for round in $(seq 1 "$rounds"); do
        if [ $((round % 2)) -eq 1 ]; then one_health; one_route; one_ref
        else one_ref; one_route; one_health; fi
    done
    health_median=$(echo "$all_health" | median); route_median=$(echo "$all_route" | median)
    ref_median=$(echo "$all_ref" | median)
    printf '%-16s best %12s   median %12s req/s\n' healthz "$(echo "$all_health" | best)" "$health_median" \
        "$mode" "$(echo "$all_route" | best)" "$route_median" redis-benchmark "$(echo "$all_ref" | best)" "$ref_median"
    echo "ratio $mode/healthz (same node): median $(ratio "$route_median" "$health_median")," \
        "best-of $(ratio "$(echo "$all_route" | best)" "$(echo "$all_health" | best)")"
    echo "ratio $mode/redis-benchmark: median $(ratio "$route_median" "$ref_median")," \
        "best-of $(ratio "$(echo "$all_route" | best)" "$(echo "$all_ref" | best)")" \
        "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "node cpu per request, median: healthz $(echo "$cpu_health" | median) us, $mode $(echo "$cpu_route" | median) us"
    [ -n "$p99_route" ] && echo "$mode p99 per round (wrk):$p99_route"
    stop_ours
    exit 0
fi

if [ "$logs" != off ]; then
    start_node on
    curl -fsS -o /dev/null "http://127.0.0.1:$node_port/healthz"
    curl -fsS -o /dev/null "http://127.0.0.1:$nginx_logged_port/healthz"
    sleep 0.2
    [ -n "$nginx_log_options" ] && sleep 1.2   # a buffered nginx log is flushed within flush=1s
    [ "$(request_lines "$work/node.log")" -gt 0 ] || die "the node wrote no access log line"
    [ "$(request_lines "$work/logs/access.log")" -gt 0 ] || die "nginx wrote no access log line"
    compare "logged: node access log as shipped vs nginx access log to a file${NGINX_LOG_BUFFER:+ (nginx buffer=$NGINX_LOG_BUFFER flush=1s)}" node "$node_port" \
        "$nginx_logged_port" "$work/node.log" "$work/logs/access.log"
    stop_ours
fi
if [ "$logs" != on ]; then
    start_node off
    curl -fsS -o /dev/null "http://127.0.0.1:$node_port/healthz"
    sleep 0.2
    [ "$(request_lines "$work/node.log")" -eq 0 ] || die "COORD_ACCESS_LOG=off still wrote access log lines"
    compare "unlogged: node COORD_ACCESS_LOG=off vs nginx access_log off" node "$node_port" "$nginx_port" "$work/node.log"
    stop_ours
fi
