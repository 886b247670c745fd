#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages, in a temporary folder on a loopback port.
#
#   scripts/postgres.sh start DB...   installs PostgreSQL if needed, starts it, creates the databases,
#                                     and prints two lines: the data folder and the base URL
#                                     (append a database name to it).
#   scripts/postgres.sh stop FOLDER   stops that server and removes its folder.
set -euo pipefail

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# initdb and postgres refuse to run as root; run them as the package's postgres user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  shift
  if [ -z "$(bin_dir)" ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  BIN="$(bin_dir)"
  DIR="$(mktemp -d /tmp/gateway-postgres.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_owner "$BIN/initdb" -D "$DIR/data" -U gateway --auth=trust --encoding=UTF8 >/dev/null
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >/dev/null
  for db in "$@"; do as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U gateway "$db"; done
  echo "$DIR"
  echo "postgres://gateway@127.0.0.1:$PORT/"
  ;;
stop)
  DIR="$2"
  as_owner "$(bin_dir)/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
  rm -rf "$DIR"
  ;;
*)
  echo "usage: $0 start DB... | stop FOLDER" >&2
  exit 2
  ;;
esac
