#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP response parser of the outbound client (pure Swift files
# only) and runs it for a bounded time. Usage: scripts/fuzz-http-response.sh [seconds=60]. Exit status
# non-zero if the fuzzer found a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
out="$root/.build/fuzz"
mkdir -p "$out/corpus-http-response"
cd "$root"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    Sources/HTTP/Client/Parser/*.swift Fuzz/HTTPResponseParserFuzz.swift -o "$out/fuzz-http-response"
# Seed corpus: a few valid responses so the fuzzer starts inside the grammar.
printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' > "$out/corpus-http-response/length"
printf 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n' > "$out/corpus-http-response/chunked"
printf 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n' > "$out/corpus-http-response/interim"
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close' > "$out/corpus-http-response/close"
cd "$out"
./fuzz-http-response -max_total_time="$seconds" -max_len=512 -print_final_stats=1 corpus-http-response
