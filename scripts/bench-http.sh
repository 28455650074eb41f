#!/usr/bin/env bash
# Benchmark (not a test): our HTTP server (HTTPBench, release build) against nginx serving the same
# small response, both under `wrk -t2 -c64 -d10s` in the same run. Prints requests/s, p99 and the ratio.
# Usage: scripts/bench-http.sh [duration=10s] [connections=64]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
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
ours=$(run "$ours_port")
nginx_out=$(run "$nginx_port")
ours_rps=$(echo "$ours" | rps); ours_p99=$(echo "$ours" | p99)
nginx_rps=$(echo "$nginx_out" | rps); nginx_p99=$(echo "$nginx_out" | p99)
ratio=$(awk -v a="$ours_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
echo "wrk -t2 -c$connections -d$duration, GET /healthz ($(printf %s "$body" | wc -c) byte body)"
printf '%-8s %12s req/s   p99 %s\n' "ours" "$ours_rps" "$ours_p99" "nginx" "$nginx_rps" "$nginx_p99"
echo "ratio ours/nginx: $ratio"
echo "$ours" | grep -E "Non-2xx|Socket errors" || true
