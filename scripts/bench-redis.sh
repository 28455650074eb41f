#!/usr/bin/env bash
# Benchmarks our Redis client against redis-benchmark at the same concurrency and pipelining depth:
# starts a throwaway Redis, builds coordinator-bench in release, runs both for INCR and for EVALSHA
# of a one-key script, and prints both figures and their ratio per test.
# The machine is shared, so both sides run ROUNDS times, alternating; the best figure of each side
# is compared (best-of-N filters out rounds slowed down by unrelated load), and so is the median.
#   scripts/bench-redis.sh     (TASKS=100 CONNECTIONS=2 BENCH_SECONDS=3 ROUNDS=3 change the load)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

TASKS=${TASKS:-100}
CONNECTIONS=${CONNECTIONS:-2}
BENCH_SECONDS=${BENCH_SECONDS:-3}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-1500000}
# Our client keeps TASKS commands in flight over CONNECTIONS connections: redis-benchmark gets the
# same number of connections, each with a pipeline of TASKS / CONNECTIONS commands.
DEPTH=$(( (TASKS + CONNECTIONS - 1) / CONNECTIONS ))

ensure_packages redis-server redis-tools
dir=$(mktemp -d /tmp/coord-bench-redis.XXXXXX)
port=$(free_port)
trap 'stop_redis "$dir"; rm -rf "$dir"' EXIT INT TERM
start_redis "$dir" "$port"
url="redis://127.0.0.1:$port"

cd "$root"
log "building coordinator-bench (release)"
swift build -c release --product coordinator-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/coordinator-bench"

# redis-benchmark -q prints progress lines ending in \r, then "NAME: N requests per second, ...".
rps() { tr '\r' '\n' | awk -F': ' '/requests per second/ { split($2, a, " "); print int(a[1]) }' | tail -1; }
max() { if [ "${1:-0}" -gt "${2:-0}" ]; then echo "$1"; else echo "${2:-0}"; fi; }
# median of the numbers given as arguments (the lower middle one for an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v o="$1" -v r="$2" 'BEGIN { printf "%.2f", (r > 0 ? o / r : 0) }'; }
all_ours_incr=() all_ours_evalsha=() all_ref_incr=() all_ref_evalsha=()

log "our client: $TASKS tasks over $CONNECTIONS connections; redis-benchmark: -c $CONNECTIONS -P $DEPTH"
ours_incr=0 ours_evalsha=0 ref_incr=0 ref_evalsha=0
for round in $(seq 1 "$ROUNDS"); do
    ours=$("$bench" redis --url "$url" --tasks "$TASKS" --connections "$CONNECTIONS" --seconds "$BENCH_SECONDS")
    sha=$(awk '$1 == "script_sha" { print $2 }' <<<"$ours")
    incr=$(awk '$1 == "incr_ops_per_sec" { print $2 }' <<<"$ours")
    evalsha=$(awk '$1 == "evalsha_ops_per_sec" { print $2 }' <<<"$ours")
    [ -n "$sha" ] && [ -n "$incr" ] && [ -n "$evalsha" ] || die "unexpected output from coordinator-bench: $ours"
    r_incr=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNECTIONS" -P "$DEPTH" -n "$REQUESTS" -t incr -q | rps)
    r_evalsha=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNECTIONS" -P "$DEPTH" -n $((REQUESTS / 3)) -q \
        evalsha "$sha" 1 bench:key | rps)
    log "round $round: ours incr=$incr evalsha=$evalsha; redis-benchmark incr=$r_incr evalsha=$r_evalsha" \
        "(load $(cut -d' ' -f1 /proc/loadavg))"
    all_ours_incr+=("$incr"); all_ours_evalsha+=("$evalsha"); all_ref_incr+=("$r_incr"); all_ref_evalsha+=("$r_evalsha")
    ours_incr=$(max "$ours_incr" "$incr"); ours_evalsha=$(max "$ours_evalsha" "$evalsha")
    ref_incr=$(max "$ref_incr" "$r_incr"); ref_evalsha=$(max "$ref_evalsha" "$r_evalsha")
done

printf '\n%-8s %16s %18s %7s %16s %18s %7s\n' test "ours best" "redis-bench best" ratio \
    "ours median" "redis-bench med." ratio
for test in incr evalsha; do
    o_var="ours_$test"; r_var="ref_$test"; o_all="all_ours_$test[@]"; r_all="all_ref_$test[@]"
    o_med=$(median "${!o_all}"); r_med=$(median "${!r_all}")
    printf '%-8s %16s %18s %7s %16s %18s %7s\n' "$test" "${!o_var}" "${!r_var}" "$(ratio "${!o_var}" "${!r_var}")" \
        "$o_med" "$r_med" "$(ratio "$o_med" "$r_med")"
done
echo "(best and median of $ROUNDS rounds; tasks=$TASKS connections=$CONNECTIONS depth=$DEPTH seconds=$BENCH_SECONDS;" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
