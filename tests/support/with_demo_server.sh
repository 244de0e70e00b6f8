#!/usr/bin/env bash
# Runs a command against the real vigil-server on a scratch demo database (seeded as of
# 2026-11-22) and a free loopback port: the command gets `--base-url URL` after its own
# arguments, and its exit status is this script's. The server and the database go afterwards.
#   with_demo_server.sh BIN_DIR [--sql FILE] -- COMMAND [ARGS...]
# --sql FILE is run on the database (sqlite3) before the server starts: rows a test needs that
# no command makes yet.
set -euo pipefail
bin=$1
shift
sql=
if [ "${1:-}" = --sql ]; then
  sql=$2
  shift 2
fi
[ "${1:-}" = -- ] || { echo "usage: with_demo_server.sh BIN_DIR [--sql FILE] -- COMMAND [ARGS...]" >&2; exit 2; }
shift
scratch=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
"$bin/vigil" seed --db "$scratch/demo.db" --profile demo --as-of 2026-11-22 >/dev/null
[ -z "$sql" ] || sqlite3 "$scratch/demo.db" <"$sql"
"$bin/vigil-server" --db "$scratch/demo.db" --listen 127.0.0.1:0 2>"$scratch/server.log" &
server_pid=$!
url=
for _ in $(seq 1 200); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$scratch/server.log" || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "vigil-server did not start:"; cat "$scratch/server.log"; exit 1; }
"$@" --base-url "$url"
