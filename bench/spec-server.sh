# Sourced by the A/B scripts (aof-ab.sh, aof-pinned.sh, pinned-ab.sh, lock-ipi.sh); needs PORT and WORK.
# start_spec SPEC [WRAPPER...]: SPEC is "label|server|args|ENV=value ...". Starts the server in an emptied $WORK/data on
# loopback port $PORT, with WRAPPER (such as taskset -c 1) in front and $SPEC_ARGS before the spec's own arguments, and
# waits up to 10 s for it to answer PING. Sets label and pid (stop the server by that PID).
start_spec() {
  local spec=$1 server args envs
  shift
  IFS='|' read -r label server args envs <<< "$spec"
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  # shellcheck disable=SC2086
  ( cd "$WORK/data" && exec env $envs "$@" "$server" --port $PORT --dir "$WORK/data" --save "" ${SPEC_ARGS:-} $args ) >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do redis-cli -p $PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
}
