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
    # A node that crashes with requests in flight closes their connections without an answer (or,
    # hung, never answers): send those again too. Each retry goes to another node (redispatch 1),
    # at most 3. Past a refused connection (nothing was sent), only idempotent methods are retried:
    # see disable-l7-retry in the backend. HAProxy keeps a copy of each request for this (requests
    # larger than tune.bufsize, 16 kB, are never retried); no http-buffer-request needed.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend coordinator
    bind 127.0.0.1:$listen
    default_backend nodes

backend nodes
    balance leastconn
    # Replaying a POST could do its work twice: L7 retries for GET/HEAD (METH_GET) and OPTIONS only.
    http-request disable-l7-retry unless METH_GET || METH_OPTIONS
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 2s fall 2 rise 1
CFG
i=0
for port in "$@"; do
    i=$((i + 1))
    echo "    server node-$i 127.0.0.1:$port check"
done
