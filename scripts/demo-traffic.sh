#!/usr/bin/env bash
# Sends a bounded mix of protected calls (POST /api/v1/external-services/call) through the dev
# cluster's load balancer to the provider emulator, so the dashboard has something to show: every
# service and operation, a few item errors (a declined card, an unknown address, a bad number), a
# few retried idempotency keys, at a gentle pace. Prints what came back, by service and status.
# Needs scripts/dev-up.sh to have run (it starts the emulator and points the nodes at it).
# Usage: scripts/demo-traffic.sh [calls=120] [pause-seconds=0.2]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/common.sh"
calls=${1:-120}
pause=${2:-0.2}
lb_port=${COORD_DEV_PORT:-8080}
token_file="$root/data/dev-admin-token"
[ -f "$token_file" ] || die "no $token_file: run scripts/dev-up.sh first"
token=$(cat "$token_file")
url="http://127.0.0.1:$lb_port/api/v1/external-services/call"
wait_http "http://127.0.0.1:$lb_port/readyz" 10 || die "the cluster on port $lb_port is not ready (scripts/dev-up.sh)"
payloads=(
  '{"service":"twilio","operation":"messages.create","payload":{"to":"+15005550006","from":"+15005550001","body":"Your code is 4242"}}'
  '{"service":"twilio","operation":"messages.create","payload":{"to":"+1555","from":"+15005550001","body":"bad number"}}'
  '{"service":"sendgrid","operation":"mail.send","payload":{"from":{"email":"ops@example.com"},"subject":"Weekly report","content":[{"type":"text/plain","value":"Hello"}],"to":[{"email":"ana@example.com"},{"email":"ben@example.com"}]}}'
  '{"service":"stripe","operation":"payment_intents.create","payload":{"amount":2000,"currency":"usd","metadata":{"order":"7"}}}'
  '{"service":"stripe","operation":"charges.create","payload":{"amount":500,"currency":"usd","source":"tok_chargeDeclined"}}'
  '{"service":"maps","operation":"distancematrix","payload":{"origins":["Berlin","Hamburg"],"destinations":["Munich"],"mode":"driving"}}'
  '{"service":"maps","operation":"distancematrix","payload":{"origins":["nowhere"],"destinations":["Munich"]}}'
  '{"service":"samsara","operation":"vehicles.stats","payload":{"vehicleIds":["101","102","ghost"],"types":["gps","engineStates"]}}'
  '{"service":"airtable","operation":"records.create","payload":{"baseId":"appDEMO0000000001","table":"Orders","fields":{"Name":"Order 7","Total":20}}}'
)
declare -A seen=()
for i in $(seq 1 "$calls"); do
    body=${payloads[$((RANDOM % ${#payloads[@]}))]}
    # Every tenth call repeats an idempotency key: answered from the first, not called again.
    if [ $((i % 10)) -eq 0 ]; then body="${body%\}},\"idempotencyKey\":\"demo-$((i / 20))\"}"; fi
    service=$(sed -E 's/.*"service":"([a-z]+)".*/\1/' <<<"$body")
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --max-time 15 -d "$body" "$url" || echo 000)
    seen["$service $code"]=$(( ${seen["$service $code"]:-0} + 1 ))
    sleep "$pause"
done
log "sent $calls calls to $url; answers by service and HTTP status:"
for key in "${!seen[@]}"; do echo "  $key: ${seen[$key]}"; done | sort
log "see them on the dashboard (scripts/dev-up.sh printed its URL) and in PostgreSQL: SELECT service, outcome, count(*) FROM upstream_calls GROUP BY 1, 2;"
