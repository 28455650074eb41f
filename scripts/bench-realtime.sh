#!/usr/bin/env bash
# Benchmark (not a test): one coordinator node (release build, 2 event loops) holding COUNT realtime
# WebSockets, each authenticated and subscribed to a room. Prints the node's RSS, the latency of
# requests made meanwhile, and the fan-out time of events published to all of them (publish POST
# to the last socket receiving it). Throwaway Redis and PostgreSQL on free ports, stopped on exit.
# Usage: scripts/bench-realtime.sh [count=10000] [events=20]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/common.sh"
count=${1:-10000}
events=${2:-20}
ulimit -n "$(ulimit -Hn)"   # COUNT server sockets in the node, COUNT client sockets in the client
cd "$root"
swift build -c release --product coordinator >/dev/null

eval "$("$root/scripts/test-services.sh" start)"
node_pid=""
cleanup() {
    [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
    "$root/scripts/test-services.sh" stop "$COORD_TEST_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

port=$(free_port)
secret="bench-realtime-secret-0123456789abcdef"
export COORD_JWT_SECRET=$secret COORD_HTTP_PORT=$port COORD_NODE_ID=bench-1 COORD_EVENT_LOOPS=2 \
    COORD_REDIS_URL=$COORD_TEST_REDIS_URL COORD_DATABASE_URL=$COORD_TEST_DATABASE_URL \
    COORD_MIGRATIONS_DIR="$root/migrations" \
    COORD_CLIENT_RATE_LIMIT_PER_MINUTE=1000000   # every socket's handshake counts for the one bench token
"$root/.build/release/coordinator" serve 2>/dev/null &
node_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the node did not become ready"; exit 1; }
token=$("$root/.build/release/coordinator" token --sub bench --role manager --ttl 1h)

python3 - "$port" "$count" "$events" "$node_pid" "$token" <<'PY'
import asyncio, json, os, statistics, subprocess, sys, time, urllib.request
port, count, events, pid, token = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
room = "api_status_updates"
MASK = bytes([1, 2, 3, 4])

def frame(text):
    data = text.encode()
    head = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + len(data).to_bytes(2, "big"))
    return head + MASK + bytes(b ^ MASK[i % 4] for i, b in enumerate(data))

async def read_message(reader, writer):
    while True:
        b1, b2 = await reader.readexactly(2)
        n = b2 & 0x7F
        if n == 126: n = int.from_bytes(await reader.readexactly(2), "big")
        elif n == 127: n = int.from_bytes(await reader.readexactly(8), "big")
        payload = await reader.readexactly(n)
        opcode = b1 & 0x0F
        if opcode == 0x9:   # server keepalive ping: answer it
            writer.write(bytes([0x8A, 0x80 | len(payload)]) + MASK + bytes(b ^ MASK[i % 4] for i, b in enumerate(payload)))
            continue
        if opcode == 0x8: raise ConnectionError("closed by the server")
        return json.loads(payload)

async def open_one(sem):
    async with sem:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write((f"GET /api/v1/realtime HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      f"Authorization: Bearer {token}\r\n\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"): raise RuntimeError(head[:60])
        writer.write(frame(json.dumps({"type": "subscribe", "room": room})))
        reply = await read_message(reader, writer)
        if reply.get("type") != "subscribed": raise RuntimeError(reply)
        return reader, writer

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1]) // 1024

def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def latency_ms(path="/healthz", samples=50):
    times = []
    for _ in range(samples):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"Authorization: Bearer {token}",
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
        times.append(float(out) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1]

def publish(n):
    body = json.dumps({"room": room, "event": "bench", "priority": "high", "data": {"n": n}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/realtime/publish", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["id"]

async def main():
    print(f"node RSS with 0 WebSockets: {rss_mb()} MB")
    p50, p99 = latency_ms()
    print(f"GET /healthz with 0 WebSockets (new connection each, 50 samples): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    sem = asyncio.Semaphore(200)
    start = time.time()
    conns = await asyncio.gather(*(open_one(sem) for _ in range(count)))
    print(f"opened and subscribed {len(conns)} realtime WebSockets to '{room}' in {time.time() - start:.1f} s")
    await asyncio.sleep(2)
    print(f"node RSS with {len(conns)} subscribed WebSockets: {rss_mb()} MB")
    p50, p99 = await asyncio.to_thread(latency_ms)
    print(f"GET /healthz meanwhile: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    p50, p99 = await asyncio.to_thread(latency_ms, "/api/v1/external-services/realtime-metrics", 20)
    print(f"GET /realtime-metrics meanwhile (20 samples): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    metrics = json.loads(subprocess.run(["curl", "-s", "-H", f"Authorization: Bearer {token}",
                                         f"http://127.0.0.1:{port}/api/v1/external-services/realtime-metrics"],
                                        capture_output=True, text=True).stdout)
    print(f"realtime-metrics says: connections {metrics['totals']['connections']}, "
          f"{room} subscribers {next(r['subscribers'] for r in metrics['rooms'] if r['room'] == room)}")

    fanout = []
    cpu_before = cpu_seconds()
    for n in range(events):
        waits = [asyncio.create_task(read_message(r, w)) for r, w in conns]
        t0 = time.perf_counter()
        event_id = await asyncio.to_thread(publish, n)
        received = await asyncio.gather(*waits)
        elapsed = (time.perf_counter() - t0) * 1000
        bad = [m for m in received if m.get("type") != "event" or m.get("id") != event_id or m["data"]["n"] != n]
        if bad: raise RuntimeError(f"event {n}: {len(bad)} sockets got something else, e.g. {bad[0]}")
        fanout.append(elapsed)
        await asyncio.sleep(0.1)
    cpu = cpu_seconds() - cpu_before
    fanout.sort()
    print(f"fan-out of {events} events to all {len(conns)} sockets (publish POST until the last socket has it): "
          f"p50 {statistics.median(fanout):.1f} ms, max {fanout[-1]:.1f} ms; every socket got every event once, in order")
    print(f"node CPU during the fan-out phase: {cpu:.2f} s for {events * len(conns)} deliveries "
          f"({cpu / (events * len(conns)) * 1e6:.1f} us each)")
    print(f"node RSS after: {rss_mb()} MB")
    for _, writer in conns: writer.close()

asyncio.run(main())
PY
