#!/usr/bin/env bash
# The whole test suite, twice: set up (packages, build) without the demo and
# run every Meson test in build/ (GCC); then build the same project with
# clang, ASan and UBSan in build-sanitize/ (any finding aborts: no
# recovery), run every test there too, and fuzz each fuzz target for
# $BPFSC_FUZZ_SECONDS (default 60). Ends with the line "N passed, N failed",
# summed from Meson's summaries of both builds. Arguments go to both
# `meson test` runs (a test name, --suite ...). BPFSC_SANITIZE=0 skips the
# second build (outside CI only: under CI=true it always runs).
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh --no-demo || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 status=0
# run_suite BUILD_DIR [meson test arguments]: runs, prints, adds to the counts.
run_suite() {
  local dir=$1 log
  shift
  log=$(mktemp)
  meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count() { sed -n "s/^$1:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$log" | tail -n 1; }
  local ok fail xpass timeout skipped
  ok=$(count Ok); fail=$(count Fail); xpass=$(count "Unexpected Pass"); timeout=$(count Timeout); skipped=$(count Skipped)
  rm -f "$log"
  local bad=$(( ${fail:-0} + ${xpass:-0} + ${timeout:-0} ))
  # Under CI nothing may skip: a skipped test counts as failed.
  if [ "${CI:-}" = "true" ]; then bad=$(( bad + ${skipped:-0} )); fi
  if [ "${ok:-0}" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi  # no test ran: that is a failure
  passed=$(( passed + ${ok:-0} )); failed=$(( failed + bad ))
}

run_suite build "$@"

if [ "${CI:-}" = "true" ] || [ "${BPFSC_SANITIZE:-1}" != 0 ]; then
  # The sanitizer build: clang (libFuzzer needs it), ASan and UBSan on all
  # code, warnings still errors. The programs the tests trace keep
  # LeakSanitizer off (test/support/lsan_off_in_tracees.c says why).
  if [ ! -f build-sanitize/build.ninja ]; then
    CC=clang CXX=clang++ meson setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false \
      -Dfuzzing=true -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all ||
      { echo "$passed passed, $(( failed + 1 )) failed"; exit 1; }
  fi
  if ninja -C build-sanitize; then
    run_suite build-sanitize "$@"
  else
    failed=$(( failed + 1 ))
  fi
fi

echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
