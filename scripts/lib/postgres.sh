# A throwaway PostgreSQL cluster for the SubQuery client test: Debian's
# server, a fresh cluster in a temporary directory, listening on a free
# 127.0.0.1 port only (its Unix socket inside that directory), trust
# authentication for the `postgres` role. Sourced after scripts/lib/setup.sh.
#
#   ensure_postgres_server          # apt: postgresql (idempotent)
#   start_throwaway_postgres [LOG]  # exports ENTROOS_PG_HOST/PORT/USER
#   stop_throwaway_postgres         # stops it, keeps its server log as LOG,
#                                   # removes the directory
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# `postgres` user the Debian package creates and its commands run through
# runuser.

ensure_postgres_server() {
  apt_install postgresql
}

postgres_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$dir/pg_ctl" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
  printf '%s\n' "$dir"
}

# Runs a PostgreSQL server command as the cluster's owner.
as_postgres_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_local_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

start_throwaway_postgres() {
  ENTROOS_PG_LOG="${1:-}"
  local bin
  bin="$(postgres_bin_dir)"
  if [ "$(id -u)" -eq 0 ]; then
    # In /tmp, which the postgres user can reach whatever TMPDIR is.
    ENTROOS_PG_DIR="$(mktemp -d /tmp/entroos-pg.XXXXXX)"
    chown postgres: "$ENTROOS_PG_DIR"
  else
    ENTROOS_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/entroos-pg.XXXXXX")"
  fi
  as_postgres_owner "$bin/initdb" -D "$ENTROOS_PG_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --no-sync >"$ENTROOS_PG_DIR/initdb.log" 2>&1 \
    || { cat "$ENTROOS_PG_DIR/initdb.log" >&2; return 1; }
  ENTROOS_PG_PORT="$(free_local_port)"
  as_postgres_owner "$bin/pg_ctl" -D "$ENTROOS_PG_DIR/data" -l "$ENTROOS_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $ENTROOS_PG_PORT -k $ENTROOS_PG_DIR -c fsync=off" start >/dev/null \
    || { cat "$ENTROOS_PG_DIR/server.log" >&2; return 1; }
  export ENTROOS_PG_DIR ENTROOS_PG_PORT
  export ENTROOS_PG_HOST=127.0.0.1 ENTROOS_PG_USER=postgres
}

stop_throwaway_postgres() {
  [ -n "${ENTROOS_PG_DIR:-}" ] && [ -d "$ENTROOS_PG_DIR" ] || return 0
  local bin
  bin="$(postgres_bin_dir)"
  as_postgres_owner "$bin/pg_ctl" -D "$ENTROOS_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [ -n "${ENTROOS_PG_LOG:-}" ]; then
    cp "$ENTROOS_PG_DIR/server.log" "$ENTROOS_PG_LOG" 2>/dev/null || true
  fi
  rm -rf "$ENTROOS_PG_DIR" || true
  unset ENTROOS_PG_DIR
}
