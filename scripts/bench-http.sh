#!/usr/bin/env bash
# Benchmark (not a test): our HTTP server (HTTPBench, release build) against nginx serving the same
# small response, both under `wrk -t2 -c64 -d10s` in the same run. The machine is shared, so both
# sides run ROUNDS times (default 3), alternating (ours, nginx, nginx, ours, ...) so slow moments hit
# both; each round prints the load average, and the summary compares best-of and median req/s.
# Usage: [ROUNDS=3] scripts/bench-http.sh [duration=10s] [connections=64]
#        scripts/bench-http.sh idle-ws [count=10000]   (idle WebSocket connections: RSS and request latency)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
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
duration=${1:-10s}
connections=${2:-64}
ours_port=18180
nginx_port=18181
work=$(mktemp -d /tmp/bench-http.XXXXXX)
ours_pid=""
nginx_started=""
cleanup() {
    [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null && wait "$ours_pid" 2>/dev/null || true
    [ -n "$nginx_started" ] && nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

cd "$root"
swift build -c release --product HTTPBench >/dev/null
body='{"status":"ok"}'

# nginx: same body, same Content-Type, keep-alive without a request cap, no access log.
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
    server {
        listen 127.0.0.1:$nginx_port;
        location = /healthz {
            default_type application/json;
            return 200 '$body';
        }
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"
nginx_started=1

"$root/.build/release/HTTPBench" "$ours_port" 2 2>"$work/ours.log" &
ours_pid=$!
for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$ours_port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$nginx_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
[ "$(curl -fsS "http://127.0.0.1:$ours_port/healthz")" = "$body" ] || { echo "our server did not answer"; exit 1; }
[ "$(curl -fsS "http://127.0.0.1:$nginx_port/healthz")" = "$body" ] || { echo "nginx did not answer"; exit 1; }

run() { wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$1/healthz"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

run "$ours_port" >/dev/null 2>&1 || true   # warm-up (page faults, TCP)
run "$nginx_port" >/dev/null 2>&1 || true
rounds=${ROUNDS:-3}
ours_all=""; nginx_all=""
echo "wrk -t2 -c$connections -d$duration, GET /healthz ($(printf %s "$body" | wc -c) byte body), $rounds rounds"
one() {   # one() name port: runs wrk once, prints a line, appends req/s to the name's list
    local out rps_value p99_value
    out=$(run "$2")
    rps_value=$(echo "$out" | rps); p99_value=$(echo "$out" | p99)
    printf 'round %d %-6s %12s req/s   p99 %-9s load %s\n' "$round" "$1" "$rps_value" "$p99_value" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    echo "$out" | grep -E "Non-2xx|Socket errors" || true
    if [ "$1" = ours ]; then ours_all="$ours_all $rps_value"; else nginx_all="$nginx_all $rps_value"; fi
}
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then one ours "$ours_port"; one nginx "$nginx_port"
    else one nginx "$nginx_port"; one ours "$ours_port"; fi
done
best() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours_best=$(echo "$ours_all" | best); nginx_best=$(echo "$nginx_all" | best)
ours_median=$(echo "$ours_all" | median); nginx_median=$(echo "$nginx_all" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-8s best %12s   median %12s req/s\n' ours "$ours_best" "$ours_median" nginx "$nginx_best" "$nginx_median"
echo "ratio ours/nginx: best-of $(ratio "$ours_best" "$nginx_best"), median $(ratio "$ours_median" "$nginx_median")" \
    "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
