#!/usr/bin/env bash
# Checks the deployment files that no engine here can run: docker-compose.yml parses as YAML and
# describes Redis, PostgreSQL, three nodes and HAProxy; both HAProxy configurations are valid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"
ensure_packages haproxy python3 python3-yaml

/usr/bin/python3 - "$root/docker-compose.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
need = {"redis", "postgres", "node-1", "node-2", "node-3", "haproxy"}
missing = need - set(services)
assert not missing, f"docker-compose.yml lacks services: {missing}"
ids = {services[n]["environment"]["COORD_NODE_ID"] for n in ("node-1", "node-2", "node-3")}
assert ids == {"node-1", "node-2", "node-3"}, f"node ids not distinct: {ids}"
print("docker-compose.yml: ok")
PY
# The compose file's servers are Docker host names: unresolvable here, which HAProxy only warns about.
haproxy -c -q -f "$root/deploy/haproxy.cfg" 2>/dev/null || die "deploy/haproxy.cfg is invalid (haproxy -c -f deploy/haproxy.cfg)"
echo "deploy/haproxy.cfg: ok"
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
"$here/haproxy-config.sh" 8080 8081 8082 8083 > "$cfg"
haproxy -c -q -f "$cfg" || die "the configuration from scripts/haproxy-config.sh is invalid"
echo "generated haproxy config: ok"
# Both configurations retry what a dead node dropped, and only idempotent requests past a refused connection.
for file in "$root/deploy/haproxy.cfg" "$cfg"; do
    for line in "retry-on conn-failure empty-response response-timeout" "option redispatch 1" \
                "http-request disable-l7-retry unless METH_GET || METH_OPTIONS"; do
        grep -qF "$line" "$file" || die "$file lacks \"$line\" (both HAProxy configurations must retry the same way)"
    done
done
echo "haproxy retries: ok"
