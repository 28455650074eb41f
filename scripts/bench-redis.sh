#!/usr/bin/env bash
# Benchmarks our Redis client against redis-benchmark at the same concurrency and pipelining depth:
# starts a throwaway Redis, builds coordinator-bench in release, runs both for INCR and for EVALSHA
# of a one-key script, and prints both figures and their ratio per test. Ours runs twice per round:
# with the tasks on the global pool (any caller) and on the client's own executors (opt-in).
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
bench=$(build_bench)

# redis-benchmark -q prints progress lines ending in \r, then "NAME: N requests per second, ...".
rps() { tr '\r' '\n' | awk -F': ' '/requests per second/ { split($2, a, " "); print int(a[1]) }' | tail -1; }
# median of the numbers given as arguments (the lower middle one for an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v o="$1" -v r="$2" 'BEGIN { printf "%.2f", (r > 0 ? o / r : 0) }'; }
all_ours_incr=() all_ours_evalsha=() all_client_incr=() all_client_evalsha=() all_ref_incr=() all_ref_evalsha=()

# Prints "incr evalsha sha" of one run of coordinator-bench with the given --executor.
run_ours() {
    local out sha incr evalsha
    out=$("$bench" redis --url "$url" --tasks "$TASKS" --connections "$CONNECTIONS" --seconds "$BENCH_SECONDS" \
        --executor "$1")
    sha=$(awk '$1 == "script_sha" { print $2 }' <<<"$out")
    incr=$(awk '$1 == "incr_ops_per_sec" { print $2 }' <<<"$out")
    evalsha=$(awk '$1 == "evalsha_ops_per_sec" { print $2 }' <<<"$out")
    [ -n "$sha" ] && [ -n "$incr" ] && [ -n "$evalsha" ] || die "unexpected output from coordinator-bench: $out"
    echo "$incr $evalsha $sha"
}

# "global": the tasks on Swift's global pool (any caller); "client": task i on
# redis.executor(for: i), the connection threads as task executors (callers must opt in).
log "our client: $TASKS tasks over $CONNECTIONS connections, on the global pool and on the client's" \
    "executors; redis-benchmark: -c $CONNECTIONS -P $DEPTH"
for round in $(seq 1 "$ROUNDS"); do
    read -r incr evalsha sha <<<"$(run_ours global)"
    read -r c_incr c_evalsha _ <<<"$(run_ours client)"
    r_incr=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNECTIONS" -P "$DEPTH" -n "$REQUESTS" -t incr -q | rps)
    r_evalsha=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNECTIONS" -P "$DEPTH" -n $((REQUESTS / 3)) -q \
        evalsha "$sha" 1 bench:key | rps)
    log "round $round: ours (global pool) incr=$incr evalsha=$evalsha; ours (client executor)" \
        "incr=$c_incr evalsha=$c_evalsha; redis-benchmark incr=$r_incr evalsha=$r_evalsha" \
        "(load $(cut -d' ' -f1 /proc/loadavg))"
    all_ours_incr+=("$incr"); all_ours_evalsha+=("$evalsha"); all_ref_incr+=("$r_incr"); all_ref_evalsha+=("$r_evalsha")
    all_client_incr+=("$c_incr"); all_client_evalsha+=("$c_evalsha")
done

best() { printf '%s\n' "$@" | sort -n | tail -1; }
printf '\n%-24s %12s %18s %7s %12s %18s %7s\n' test "ours best" "redis-bench best" ratio \
    "ours median" "redis-bench med." ratio
for row in "incr global-pool:ours:incr" "incr client-executor:client:incr" \
    "evalsha global-pool:ours:evalsha" "evalsha client-executor:client:evalsha"; do
    IFS=: read -r name side test <<<"$row"
    o_all="all_${side}_$test[@]"; r_all="all_ref_$test[@]"
    o_best=$(best "${!o_all}"); r_best=$(best "${!r_all}")
    o_med=$(median "${!o_all}"); r_med=$(median "${!r_all}")
    printf '%-24s %12s %18s %7s %12s %18s %7s\n' "$name" "$o_best" "$r_best" "$(ratio "$o_best" "$r_best")" \
        "$o_med" "$r_med" "$(ratio "$o_med" "$r_med")"
done
echo "(best and median of $ROUNDS rounds; tasks=$TASKS connections=$CONNECTIONS depth=$DEPTH seconds=$BENCH_SECONDS;" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
