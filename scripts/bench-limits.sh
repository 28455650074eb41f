#!/usr/bin/env bash
# Benchmark (not a test): POST /api/v1/external-services/check-rate-limit on one release node (keep-alive,
# wrk with a Lua body script) beside redis-benchmark running EVALSHA of the same script on the same Redis
# with the same keys and arguments, at the same concurrency, in the same run; prints both, the ratio, and
# the route's p99 per round. Target: at least 0.35 of redis-benchmark's figure, p99 under 5 ms.
# Usage: [ROUNDS=3] [LOGS=on|off] scripts/bench-limits.sh [duration=5s] [connections=32]
exec "$(dirname "$0")/bench-http.sh" limits "$@"
