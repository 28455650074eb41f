#!/usr/bin/env bash
# The project's test command: installs what is missing, starts throwaway Redis and PostgreSQL on free
# ports, runs `swift test` against them, and always stops them. Extra arguments go to `swift test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

ensure_build_packages
"$here/check-deploy-files.sh"
"$here/check-layout.sh"
services=$("$here/test-services.sh" start) || die "could not start the test Redis/PostgreSQL"
eval "$services"
trap '"$here/test-services.sh" stop "$COORD_TEST_DIR"' EXIT
trap 'exit 130' INT TERM
log "redis $COORD_TEST_REDIS_URL, postgres $COORD_TEST_DATABASE_URL"
cd "$root"
swift build --build-tests
# Serial on purpose: many tests assert time bounds (timeouts, fail-fast, reconnect) and start real
# processes; run all at once on 2 cores they starve each other. Serial takes ~35 s here and is stable.
swift test --skip-build --no-parallel "$@"
# The OpenAPI document against a real node (Schemathesis; bounded, about 10 s), on full runs only.
if [ $# -eq 0 ]; then
    "$here/check-openapi.sh" || die "docs/openapi.json and the node disagree (scripts/check-openapi.sh)"
fi
# The dashboard in headless Chromium against a real node (bounded at 60 s, about 10 s), on full runs only;
# COORD_SKIP_BROWSER=1 skips it.
if [ $# -eq 0 ] && [ "${COORD_SKIP_BROWSER:-0}" != 1 ]; then
    "$here/check-dashboard.sh" || die "the dashboard does not show what the API answers (scripts/check-dashboard.sh)"
fi
# A short, bounded fuzzing pass of the two wire parsers on every run (longer campaigns: run the
# scripts by hand with more seconds). COORD_FUZZ_SECONDS=0 skips it.
fuzz_seconds=${COORD_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" -gt 0 ] && [ $# -eq 0 ]; then
    log "fuzzing the HTTP and WebSocket parsers for ${fuzz_seconds}s each"
    "$here/fuzz-http.sh" "$fuzz_seconds" > "$root/.build/fuzz-http.log" 2>&1 || { tail -n 40 "$root/.build/fuzz-http.log"; die "HTTP parser fuzzer found a crash"; }
    "$here/fuzz-websocket.sh" "$fuzz_seconds" > "$root/.build/fuzz-websocket.log" 2>&1 || { tail -n 40 "$root/.build/fuzz-websocket.log"; die "WebSocket fuzzer found a crash"; }
    "$here/fuzz-http-response.sh" "$fuzz_seconds" > "$root/.build/fuzz-http-response.log" 2>&1 || { tail -n 40 "$root/.build/fuzz-http-response.log"; die "HTTP response parser fuzzer found a crash"; }
    grep -h "stat::number_of_executed_units" "$root/.build/fuzz-http.log" "$root/.build/fuzz-websocket.log" "$root/.build/fuzz-http-response.log" | sed 's/^/[fuzz] /' >&2 || true
fi
