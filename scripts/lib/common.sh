#!/usr/bin/env bash
# Shared helpers for the project's scripts: installing Debian packages that are missing, finding free
# ports, and starting/stopping Redis and PostgreSQL in a folder we own. Sourced, never run.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs the Debian packages that are not installed yet (needs root; apt-get update once first).
ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# The packages every build and test needs.
ensure_build_packages() {
    ensure_packages redis-server redis-tools libhiredis-dev libpq-dev libssl-dev pkg-config \
        postgresql-15 postgresql-client-15 curl openssl haproxy
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now (bash only: no python needed).
# Below the kernel's ephemeral range (32768+), so no outgoing connection holds it meanwhile.
free_port() {
    local port i
    for i in $(seq 1 200); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# start_redis DIR PORT [persistent]: Redis on loopback, pid and log in DIR. With "persistent" (the
# dev cluster) it keeps an append-only file in DIR, fsynced every second, so the cost ledger's
# outbox and the budget counters survive a Redis restart; throwaway test and bench servers keep
# nothing.
start_redis() {
    local dir=$1 port=$2 persistence=(--save '' --appendonly no)
    [ "${3:-}" = persistent ] && persistence=(--save '' --appendonly yes --appendfsync everysec)
    mkdir -p "$dir"
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        log "redis already running on port $port"
        return 0
    fi
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis.pid" \
        --dir "$dir" --logfile "$dir/redis.log" "${persistence[@]}" >/dev/null \
        || die "redis-server failed to start (see $dir/redis.log)"
    local i
    for i in $(seq 1 100); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    die "redis did not answer on port $port (see $dir/redis.log)"
}

stop_redis() {
    local dir=$1
    [ -f "$dir/redis.pid" ] || return 0
    local pid
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    rm -f "$dir/redis.pid"
}

# Runs a command as the PostgreSQL owner: initdb refuses root, so as root we become `postgres`.
as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# start_postgres DIR PORT: initdb (once) and start PostgreSQL on loopback with trust auth; the Unix
# socket stays in DIR, not /var/run/postgresql.
start_postgres() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
            || die "initdb failed (see $dir/initdb.log)"
    fi
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        log "postgres already running"
        return 0
    fi
    as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} -c max_connections=200" \
        -l "$dir/pg.log" start >/dev/null || die "postgres failed to start (see $dir/pg.log)"
}

stop_postgres() {
    local dir=$1
    [ -f "$dir/data/PG_VERSION" ] || return 0
    as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# PostgreSQL runs as `postgres`, which must be able to reach a data folder inside the checkout. A
# checkout under /root (mode 700) is not reachable, so as root we grant traversal (o+x, not listing) on
# each ancestor that lacks it, and say so.
ensure_traversable_by_postgres() {
    local dir=$1
    [ "$(id -u)" -eq 0 ] || return 0
    runuser -u postgres -- test -x "$dir" 2>/dev/null && return 0
    local d=$dir
    while [ "$d" != "/" ]; do
        if [ -d "$d" ] && [ "$(stat -c %A "$d" | cut -c10)" != "x" ] && [ "$(stat -c %A "$d" | cut -c10)" != "t" ]; then
            log "granting traversal (chmod o+x) on $d so the postgres user can reach its data folder"
            chmod o+x "$d"
        fi
        d=$(dirname "$d")
    done
}

# wait_http URL SECONDS: polls until the URL answers 200.
wait_http() {
    local url=$1 seconds=${2:-30} i
    for i in $(seq 1 $((seconds * 10))); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# build_bench: builds coordinator-bench in release (in the current directory's package) and prints
# the path of the binary.
build_bench() {
    log "building coordinator-bench (release)"
    swift build -c release --product coordinator-bench >/dev/null
    echo "$(swift build -c release --show-bin-path)/coordinator-bench"
}
