#!/usr/bin/env bash
# Prints an HAProxy configuration: LISTEN_PORT in front of the given node ports, HTTP and WebSocket
# upgrade, health checks against /readyz. Usage: haproxy-config.sh LISTEN_PORT NODE_PORT...
set -euo pipefail
listen=$1; shift
cat <<CFG
global
    maxconn 9000

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # WebSockets stay open: a long tunnel timeout; nodes ping every 30 s.
    timeout tunnel 1h
    timeout http-request 10s
    # A node that is draining or restarting refuses connections: try another one instead of a 503.
    retries 3
    option redispatch

frontend coordinator
    bind 127.0.0.1:$listen
    default_backend nodes

backend nodes
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 2s fall 2 rise 1
CFG
i=0
for port in "$@"; do
    i=$((i + 1))
    echo "    server node-$i 127.0.0.1:$port check"
done
