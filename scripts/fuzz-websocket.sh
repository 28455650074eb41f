#!/usr/bin/env bash
# Fuzzes the WebSocket frame decoder and message assembler with libFuzzer for a bounded time.
# Usage: scripts/fuzz-websocket.sh [seconds=60]. Builds with the toolchain's swiftc (no SwiftPM) over
# the codec sources, which need nothing but the standard library (the handshake, which needs
# Cryptography, is left out). New corpus entries and crash files go to .build/fuzz-websocket/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
out="$root/.build/fuzz-websocket"
mkdir -p "$out/corpus"

sources=()
for file in "$root"/Sources/HTTP/WebSocket/*.swift; do
    [[ "$(basename "$file")" == "WebSocketHandshake.swift" ]] && continue
    sources+=("$file")
done

swiftc -sanitize=fuzzer,address -parse-as-library -Onone -g -swift-version 6 \
    -module-name WebSocketFuzz -package-name coordinator "${sources[@]}" "$root"/Fuzz/WebSocket/*.swift -o "$out/fuzz-websocket"

cd "$out"
# -max_len bounds one input; the small-limits mode (first byte) makes size limits reachable.
exec ./fuzz-websocket -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
    "$out/corpus" "$root/Fuzz/WebSocket/seeds"
