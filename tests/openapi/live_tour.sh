#!/usr/bin/env bash
# Starts the real vigil-server on a scratch demo database and a free port, then has validate.mjs
# check every answer of a tour through the API against the OpenAPI document the server serves.
#   live_tour.sh NODE VALIDATE.mjs OPENAPI.json BIN_DIR
set -euo pipefail
node=$1 validate=$2 document=$3 bin=$4
scratch=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
"$bin/vigil" seed --db "$scratch/tour.db" --profile demo --as-of 2026-11-22 >/dev/null
"$bin/vigil-server" --db "$scratch/tour.db" --listen 127.0.0.1:0 2>"$scratch/server.log" &
server_pid=$!
url=
for _ in $(seq 1 200); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$scratch/server.log" || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "vigil-server did not start:"; cat "$scratch/server.log"; exit 1; }
"$node" "$validate" "$document" --base-url "$url" --login sgt.north:vigil-demo-password --probe-throttle
