# Runs the zombienet CLI (installed from the repository's package.json
# into node_modules/) with the native provider on the networks and tests
# of zombienet/, with `entroos-node` taken from PATH, from the repository
# root. Sourced by scripts/test-zombienet.sh.
#
# Zombienet and every node it spawns share one process group (`timeout`
# makes it), so a run that crashes, hangs past ZOMBIENET_TIMEOUT seconds
# (default 600) or is interrupted leaves no node behind:
# kill_zombienet_group stops whatever is left of it.

ZOMBIENET_GROUP=""

kill_zombienet_group() {
  if [ -n "$ZOMBIENET_GROUP" ]; then
    kill -KILL -- "-$ZOMBIENET_GROUP" 2>/dev/null || true
    ZOMBIENET_GROUP=""
  fi
}

# Zombienet's output without its colour escapes.
plain_text() {
  sed 's/\x1b\[[0-9;]*m//g'
}

# Removes the node databases of a finished run (75 MB a node), keeping its
# logs, chain specs and keystores.
drop_node_databases() {
  [ -d "$1" ] || return 0
  find "$1" -path '*/data/chains/*/db' -type d -prune -exec rm -rf {} +
}

# run_zombienet_test RUNS NAME: `zombienet -p native test
# zombienet/NAME.zndsl`. The run directory (chain specs, keystores, every
# node's log under logs/) is RUNS/NAME, zombienet's own output
# RUNS/NAME.out. Prints the result of each assertion; fails when one fails.
run_zombienet_test() {
  local runs="$1" name="$2" status=0
  rm -rf "${runs:?}/$name"
  mkdir -p "$runs"
  timeout --kill-after=15 "${ZOMBIENET_TIMEOUT:-600}" \
    node_modules/.bin/zombienet -p native -l text -d "$runs/$name" -f test "zombienet/$name.zndsl" \
    </dev/null >"$runs/$name.out" 2>&1 &
  ZOMBIENET_GROUP=$!
  wait "$ZOMBIENET_GROUP" || status=$?
  kill_zombienet_group
  drop_node_databases "$runs/$name"
  plain_text <"$runs/$name.out" | grep -E '✅|❌|Result: ' || true
  if [ "$status" -ne 0 ]; then
    echo "zombienet test $name failed (exit $status); its output: $runs/$name.out, node logs: $runs/$name/" >&2
    plain_text <"$runs/$name.out" | tail -n 40 >&2
  fi
  return "$status"
}
