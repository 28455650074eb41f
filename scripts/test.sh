#!/usr/bin/env bash
# The project's test command: installs what is missing, starts throwaway Redis and PostgreSQL on free
# ports, runs `swift test` against them, and always stops them. Extra arguments go to `swift test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

ensure_build_packages
"$here/check-deploy-files.sh"
eval "$("$here/test-services.sh" start)"
trap '"$here/test-services.sh" stop "$COORD_TEST_DIR"' EXIT INT TERM
log "redis $COORD_TEST_REDIS_URL, postgres $COORD_TEST_DATABASE_URL"
cd "$root"
swift build --build-tests
swift test --skip-build "$@"
