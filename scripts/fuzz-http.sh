#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request parser (pure Swift files only) and runs it for a
# bounded time. Usage: scripts/fuzz-http.sh [seconds=60]. Exit status non-zero if the fuzzer found a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
out="$root/.build/fuzz"
mkdir -p "$out/corpus-http"
cd "$root"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    Sources/HTTP/Parser/*.swift Fuzz/HTTPParserFuzz.swift -o "$out/fuzz-http"
# Seed corpus: a few valid requests so the fuzzer starts inside the grammar.
printf 'GET /a?b=c HTTP/1.1\r\nHost: a\r\n\r\n' > "$out/corpus-http/get"
printf 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' > "$out/corpus-http/post"
printf 'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n' > "$out/corpus-http/chunked"
printf 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: b\r\nExpect: 100-continue\r\n\r\n' > "$out/corpus-http/pipelined"
cd "$out"
./fuzz-http -max_total_time="$seconds" -max_len=512 -print_final_stats=1 corpus-http
