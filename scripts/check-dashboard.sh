#!/usr/bin/env bash
# Checks the dashboard page in a real browser: starts a node on a free port against the Redis and
# PostgreSQL that scripts/test.sh started (COORD_TEST_REDIS_URL, COORD_TEST_DATABASE_URL), on a
# database of its own (created here, dropped after) and a key prefix of its own, so the figures are
# exactly what this check drives; mints a manager and a user token; then scripts/dashboard_check.py
# drives calls with the API, opens the page in headless Chromium (Selenium) and asserts the rendered
# values equal the API's, that live alerts reach the lists, and that a user token degrades the
# manager-only parts. Installs what it needs: Debian's chromium, chromium-driver and python3-venv,
# and Selenium (PyPI) in a venv under .build. Bounded (the Python part is killed after 60 s) and it
# always stops the node and the browser.
#
#   scripts/check-dashboard.sh          (inside scripts/test.sh, or with COORD_TEST_* set by hand)
#   COORD_BIN=.build/release/coordinator scripts/check-dashboard.sh
#   DASHBOARD_KEEP_LOG=1 scripts/check-dashboard.sh   (prints the node's log at the end)
#   DASHBOARD_SCREENSHOT=/tmp/dashboard.png scripts/check-dashboard.sh   (the manager page, once checked)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

: "${COORD_TEST_REDIS_URL:?set by scripts/test.sh (or scripts/test-services.sh start)}"
: "${COORD_TEST_DATABASE_URL:?set by scripts/test.sh (or scripts/test-services.sh start)}"
bin=${COORD_BIN:-$root/.build/debug/coordinator}
[ -x "$bin" ] || die "no node binary at $bin (swift build first)"
# 4.52.0 needs a certifi newer than the registry has here.
selenium_version="4.51.0"
limit_seconds=${DASHBOARD_CHECK_SECONDS:-60}

ensure_packages chromium chromium-driver python3 python3-venv postgresql-client-15
# Debian's own python3 (python3-venv is installed for it), not whatever python3 comes first in PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# Selenium in a venv made once and kept under .build (the version pin decides when it is remade).
venv="$root/.build/venv-dashboard"
if [ "$("$venv/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null)" != "$selenium_version" ]; then
    log "installing selenium $selenium_version into $venv"
    rm -rf "$venv"
    mkdir -p "$root/.build"
    "$python" -m venv "$venv" || die "python3 -m venv failed (apt-get install python3-venv)"
    "$venv/bin/pip" install -q --disable-pip-version-check "selenium==$selenium_version" || die "pip install selenium failed"
fi

work=$(mktemp -d /tmp/coord-dashboard.XXXXXX)
nonce=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
database="coord_dashboard_$nonce"
database_url="${COORD_TEST_DATABASE_URL%/*}/$database"
node_pid=""
check_pid=""
watchdog_pid=""
database_made=""
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    [ -n "$watchdog_pid" ] && kill -- "-$watchdog_pid" 2>/dev/null || true
    # The check runs in its own process group (setsid): chromedriver and Chromium go with it.
    if [ -n "$check_pid" ]; then
        kill -TERM -- "-$check_pid" 2>/dev/null || true
        sleep 0.2
        kill -KILL -- "-$check_pid" 2>/dev/null || true
    fi
    [ -n "$node_pid" ] && stop_pid "$node_pid"
    if [ "${DASHBOARD_KEEP_LOG:-0}" = 1 ] && [ -f "$work/node.log" ]; then tail -n 50 "$work/node.log" >&2; fi
    if [ -n "$database_made" ]; then
        psql -q "$COORD_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
psql -q "$COORD_TEST_DATABASE_URL" -c "CREATE DATABASE $database" >/dev/null || die "cannot create database $database"
database_made=1
secret="dashboard-check-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$(free_port)
env -i PATH="$PATH" \
    COORD_NODE_ID="dashboard-check" COORD_HTTP_PORT="$port" COORD_EVENT_LOOPS=1 \
    COORD_KEY_PREFIX="dash$nonce" \
    COORD_REDIS_URL="$COORD_TEST_REDIS_URL" COORD_DATABASE_URL="$database_url" \
    COORD_JWT_SECRET="$secret" COORD_MIGRATIONS_DIR="$root/migrations" COORD_OPENAPI_FILE="$root/docs/openapi.json" \
    COORD_ACCESS_LOG=off "$bin" serve >"$work/node.log" 2>&1 &
node_pid=$!
wait_http "http://127.0.0.1:$port/readyz" 30 || { tail -n 20 "$work/node.log" >&2; die "the node did not become ready"; }
manager=$(env -i PATH="$PATH" COORD_JWT_SECRET="$secret" "$bin" token --sub dashboard-check --role manager --ttl 10m)
user=$(env -i PATH="$PATH" COORD_JWT_SECRET="$secret" "$bin" token --sub dashboard-check-user --role user --ttl 10m)

log "headless chromium against a node on port $port (at most ${limit_seconds}s)"
status=0
DASHBOARD_BASE="http://127.0.0.1:$port" DASHBOARD_MANAGER_TOKEN="$manager" DASHBOARD_USER_TOKEN="$user" \
    DASHBOARD_WORK="$work" DASHBOARD_SECONDS="$limit_seconds" DASHBOARD_SCREENSHOT="${DASHBOARD_SCREENSHOT:-}" \
    setsid "$venv/bin/python" "$here/dashboard_check.py" &
check_pid=$!
# A watchdog in its own process group too (so that stopping it stops its sleep).
setsid bash -c "sleep $((limit_seconds + 5)); echo '[check-dashboard.sh] error: the browser check ran past ${limit_seconds}s: killing it' >&2; kill -KILL -- -$check_pid" &
watchdog_pid=$!
wait "$check_pid" || status=$?
kill -- "-$watchdog_pid" 2>/dev/null || true
watchdog_pid=""
log "dashboard check finished in $(( $(date +%s) - started ))s (exit $status)"
if [ "$status" -ne 0 ]; then
    tail -n 30 "$work/node.log" >&2
    die "the dashboard does not show what the API answers (see above)"
fi
