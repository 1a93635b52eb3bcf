# Sourced by the lab scripts: where things are, running the seed's
# commands under the tracer, starting and stopping examples in the
# background, and cleaning up whatever happens.
#
#   BPFTRACE_SYSCALLS  the tracer (default build/tracer/bpftrace-syscalls;
#                      or pass --tracer PATH as the lab's first argument)
#   EXAMPLES_BUILD     the built examples (default build/examples)
#   LAB_TRACE_DIR      write each traced command's trace to DIR/STEP.trace
#                      instead of stderr (the tests do, with
#   LAB_TRACER_ARGS    extra tracer options, e.g. --format=json)
set -euo pipefail

lab_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ "${1:-}" = "--tracer" ] && [ -n "${2:-}" ]; then
  BPFTRACE_SYSCALLS=$2
fi
tracer=${BPFTRACE_SYSCALLS:-$lab_root/build/tracer/bpftrace-syscalls}
examples=${EXAMPLES_BUILD:-$lab_root/build/examples}
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
for needed in "$tracer" "$bpftool" "$examples/hello-buffer-config"; do
  if [ ! -x "$needed" ]; then
    echo "lab: $needed is missing: run scripts/setup.sh first" >&2
    exit 77
  fi
done

lab_tmp=$(mktemp -d /tmp/bpfsc-lab.XXXXXX)
lab_pids=()   # examples running in the background
lab_pins=()   # bpffs paths to remove at the end

lab_cleanup() {
  local pid pin
  for pid in "${lab_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${lab_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pin in "${lab_pins[@]}"; do rm -f "$pin"; done
  rm -rf "$lab_tmp"
}
trap lab_cleanup EXIT

# A heading for each step of the lab.
step() {
  printf '\n=== %s\n' "$*"
}

# traced [-OPTION...] NAME COMMAND...: runs COMMAND under the tracer (with
# those tracer options), as the seed runs it under strace; -s 128 shows pin
# paths whole (the default stops at 32 bytes).
traced() {
  local options=()
  while [ "${1:0:1}" = "-" ]; do
    options+=("$1")
    shift
  done
  local name=$1
  shift
  step "bpftrace-syscalls ${options[*]}${options[*]:+ }$*"
  # shellcheck disable=SC2086  # LAB_TRACER_ARGS is a list of options
  if [ -n "${LAB_TRACE_DIR:-}" ]; then
    "$tracer" -s 128 "${options[@]}" ${LAB_TRACER_ARGS:-} -o "$LAB_TRACE_DIR/$name.trace" "$@"
  else
    "$tracer" -s 128 "${options[@]}" ${LAB_TRACER_ARGS:-} "$@"
  fi
}

# start_example VAR EXAMPLE ARGS...: starts an example in the background,
# waits until it is attached and sets VAR to the id of its map config.
# Its output goes to $lab_tmp/EXAMPLE.PID.out (shown by show_example).
start_example() {
  # Locals are prefixed: VAR is set with printf -v and must not name one.
  local se_var=$1 se_example=$2 se_out se_id="" se_i
  shift 2
  se_out=$lab_tmp/$se_example.$RANDOM.out
  : >"$se_out"
  "$examples/$se_example" "$@" >"$se_out" 2>&1 &
  lab_pids+=("$!")
  for ((se_i = 0; se_i < 150; se_i++)); do
    se_id=$(sed -n 's/.*: map config is id \([0-9][0-9]*\):.*/\1/p' "$se_out")
    [ -n "$se_id" ] && break
    if ! kill -0 "$!" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$se_id" ]; then
    echo "lab: $se_example did not start:" >&2
    cat "$se_out" >&2
    exit 1
  fi
  echo "started $se_example (pid $!): its map config is id $se_id"
  printf -v "$se_var" '%s' "$se_id"
  last_example_out=$se_out
}

# wait_for_output FILE TEXT: waits (up to 15 s) until FILE contains TEXT.
wait_for_output() {
  local i
  for ((i = 0; i < 150; i++)); do
    grep -qF -- "$2" "$1" && return 0
    sleep 0.1
  done
  echo "lab: no \"$2\" in $1 within 15 s" >&2
  exit 1
}

# stop_examples: SIGINT to every example started, then their statuses;
# each must end with status 0.
stop_examples() {
  local pid status=0
  for pid in "${lab_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${lab_pids[@]}"; do wait "$pid" || status=$?; done
  lab_pids=()
  if [ "$status" -ne 0 ]; then
    echo "lab: an example ended with status $status" >&2
    exit 1
  fi
}

# wait_gone map|prog ID: waits (up to 5 s) until the kernel has freed the
# object; fails if it has not.
wait_gone() {
  local i
  for ((i = 0; i < 50; i++)); do
    "$bpftool" "$1" show id "$2" >/dev/null 2>&1 || break
    sleep 0.1
  done
  if "$bpftool" "$1" show id "$2" >/dev/null 2>&1; then
    echo "lab: $1 $2 still exists" >&2
    exit 1
  fi
  echo "$1 $2 is gone"
}

# show_example FILE: what an example printed.
show_example() {
  local file
  file=$(basename "$1")
  step "output of ${file%%.*}"
  cat "$1"
}
