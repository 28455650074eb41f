#!/usr/bin/env bash
# Checks two rules of the layout (docs/architecture.md) that a grep can see, on every test run:
#   1. no Redis key or channel literal outside the key space type and the Lua scripts: keys are
#      `<prefix>:{<tag>}:<field>` and only `Sources/Coordination/KeySpace/KeySpace.swift` spells them;
#   2. no middleware decides by path prefix: which middleware applies is the route group's business.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
status=0
# A string literal holding a hash tag of ours ({svc:, {room:, {node:, {cluster}, or the old {coord}).
keys=$(grep -rnE '"[^"]*\{(svc:|room:|node:|cluster\}|coord\})' Sources Tests --include='*.swift' \
    | grep -v -e '^Sources/Coordination/KeySpace/KeySpace.swift:' -e '^Tests/CoordinationTests/KeySpace/' || true)
if [ -n "$keys" ]; then
    echo "[check-layout] Redis key literals outside KeySpace (use KeySpace instead):" >&2
    echo "$keys" >&2
    status=1
fi
prefix=$(grep -rnE '(hasPrefix|starts\(with)\("/' Sources/HTTP/Router/Middleware Sources/Node/Auth --include='*.swift' || true)
if [ -n "$prefix" ]; then
    echo "[check-layout] path-prefix checks in middleware (register the route in a group instead):" >&2
    echo "$prefix" >&2
    status=1
fi
[ $status -eq 0 ] && echo "[check-layout] key space and route groups: ok" >&2
exit $status
