#!/usr/bin/env bash
# The README's run command: installs what is missing (apt-get), starts Redis and PostgreSQL under
# ./data on loopback, builds the node (release), migrates, starts three nodes behind HAProxy, and
# prints the URL and a dev admin token. Idempotent: running it again restarts the nodes with a fresh
# build and leaves Redis/PostgreSQL data in place. Stop everything with scripts/dev-down.sh.
#
# The nodes call the provider emulator (provider-emulator, loopback, demo keys) instead of the real
# providers, unless COORD_DEV_EMULATOR=0; a COORD_UPSTREAM_<SERVICE> or COORD_API_KEY_<SERVICE> already
# set in the environment wins over the emulator's.
#
# Ports (override by environment): COORD_DEV_PORT (HAProxy, 8080), COORD_DEV_NODE_PORTS ("8081 8082 8083"),
# COORD_DEV_REDIS_PORT (6380), COORD_DEV_PG_PORT (5433), COORD_DEV_EMULATOR_PORT (8090).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

lb_port=${COORD_DEV_PORT:-8080}
node_ports=(${COORD_DEV_NODE_PORTS:-8081 8082 8083})
redis_port=${COORD_DEV_REDIS_PORT:-6380}
pg_port=${COORD_DEV_PG_PORT:-5433}
emulator_port=${COORD_DEV_EMULATOR_PORT:-8090}
use_emulator=${COORD_DEV_EMULATOR:-1}
data="$root/data"

ensure_build_packages
ensure_packages haproxy
command -v swift >/dev/null || die "swift is not on PATH (Swift 6 toolchain required)"

mkdir -p "$data/logs" "$data/run"
ensure_traversable_by_postgres "$data"
start_redis "$data/redis" "$redis_port" persistent
start_postgres "$data/pg" "$pg_port"
as_pg_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'coordinator'" | grep -q 1 \
    || as_pg_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres coordinator

# A JWT secret made once per data folder: the dev token below is signed with it.
[ -s "$data/jwt-secret" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n=' > "$data/jwt-secret")

export COORD_REDIS_URL="redis://127.0.0.1:$redis_port"
export COORD_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/coordinator"
export COORD_JWT_SECRET
COORD_JWT_SECRET=$(cat "$data/jwt-secret")
export COORD_PUBLIC_URL="${COORD_PUBLIC_URL:-http://127.0.0.1:$lb_port}"
export COORD_MIGRATIONS_DIR="$root/migrations"
export COORD_OPENAPI_FILE="$root/docs/openapi.json"
export COORD_DRAIN_SECONDS="${COORD_DRAIN_SECONDS:-3}"   # HAProxy checks every 2 s: let it see "draining"
export COORD_CORS_ORIGINS="${COORD_CORS_ORIGINS:-http://127.0.0.1:$lb_port,http://localhost:$lb_port}"

log "building (release)"
(cd "$root" && swift build -c release --product coordinator 2>&1 | tail -n 3)
bin="$root/.build/release/coordinator"
if [ "$use_emulator" != 0 ]; then
    (cd "$root" && swift build -c release --product provider-emulator 2>&1 | tail -n 3)
fi

log "migrating"
"$bin" migrate

"$here/dev-down.sh" --nodes-only

if [ "$use_emulator" != 0 ]; then
    nohup "$root/.build/release/provider-emulator" --port "$emulator_port" >>"$data/logs/emulator.log" 2>&1 &
    echo $! > "$data/run/emulator.pid"
    wait_http "http://127.0.0.1:$emulator_port/_emulator/stats" 30 || die "provider emulator on port $emulator_port is not ready (see $data/logs/emulator.log)"
    emulator="http://127.0.0.1:$emulator_port"
    export COORD_UPSTREAM_STRIPE="${COORD_UPSTREAM_STRIPE:-$emulator}"   COORD_API_KEY_STRIPE="${COORD_API_KEY_STRIPE:-sk_test_demo}"
    export COORD_UPSTREAM_TWILIO="${COORD_UPSTREAM_TWILIO:-$emulator}"   COORD_API_KEY_TWILIO="${COORD_API_KEY_TWILIO:-ACdemo:token}"
    export COORD_UPSTREAM_SENDGRID="${COORD_UPSTREAM_SENDGRID:-$emulator}" COORD_API_KEY_SENDGRID="${COORD_API_KEY_SENDGRID:-SG.demo}"
    export COORD_UPSTREAM_SAMSARA="${COORD_UPSTREAM_SAMSARA:-$emulator}" COORD_API_KEY_SAMSARA="${COORD_API_KEY_SAMSARA:-samsara_api_demo}"
    export COORD_UPSTREAM_MAPS="${COORD_UPSTREAM_MAPS:-$emulator}"       COORD_API_KEY_MAPS="${COORD_API_KEY_MAPS:-AIza-demo}"
    export COORD_UPSTREAM_AIRTABLE="${COORD_UPSTREAM_AIRTABLE:-$emulator}" COORD_API_KEY_AIRTABLE="${COORD_API_KEY_AIRTABLE:-pat.demo}"
fi
i=0
for port in "${node_ports[@]}"; do
    i=$((i + 1))
    COORD_NODE_ID="node-$i" COORD_HTTP_PORT="$port" \
        nohup "$bin" serve >>"$data/logs/node-$i.log" 2>&1 &
    echo $! > "$data/run/node-$i.pid"
done
for port in "${node_ports[@]}"; do
    wait_http "http://127.0.0.1:$port/readyz" 30 || die "node on port $port is not ready (see $data/logs)"
done

"$here/haproxy-config.sh" "$lb_port" "${node_ports[@]}" > "$data/haproxy.cfg"
haproxy -c -q -f "$data/haproxy.cfg" || die "haproxy config invalid ($data/haproxy.cfg)"
haproxy -D -f "$data/haproxy.cfg" -p "$data/run/haproxy.pid"
wait_http "http://127.0.0.1:$lb_port/readyz" 30 || die "haproxy on port $lb_port does not answer"

token=$("$bin" token --sub dev-admin --role admin --ttl 24h)
echo "$token" > "$data/dev-admin-token"
cat <<MSG

Coordinator cluster is up: ${#node_ports[@]} nodes behind HAProxy.
  Dashboard:  http://127.0.0.1:$lb_port/#token=$token
  API:        http://127.0.0.1:$lb_port/api/v1/external-services/status
  Dev token:  $token
              (also in data/dev-admin-token; valid 24 h; make more with:
               COORD_JWT_SECRET=\$(cat data/jwt-secret) .build/release/coordinator token --sub me --role user --ttl 1h)
  Logs:       data/logs/   Stop: scripts/dev-down.sh
  Providers:  $([ "$use_emulator" != 0 ] && echo "emulated at $emulator (knobs: $emulator/_emulator/config, counters: $emulator/_emulator/stats)" || echo "the real ones (COORD_DEV_EMULATOR=0)")
Try:  curl -H "Authorization: Bearer \$(cat data/dev-admin-token)" http://127.0.0.1:$lb_port/api/v1/external-services/status
MSG
