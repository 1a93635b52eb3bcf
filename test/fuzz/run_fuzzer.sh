#!/usr/bin/env bash
# run_fuzzer.sh TARGET CORPUS replay|fuzz: runs TARGET over every input of
# CORPUS (seeds and past crashes); with "fuzz" (a libFuzzer build), then
# fuzzes it for $BPFSC_FUZZ_SECONDS (default 60) from a copy of CORPUS, so
# the checkout is not written. A crash, a leak, a sanitizer report or a
# timeout (10 s for one input) fails; the crashing input is printed in
# hex so that it can be added to CORPUS as a regression.
set -euo pipefail
target=$1 corpus=$2 mode=$3
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
  echo "no inputs in $corpus" >&2
  exit 1
fi
if [ "$mode" = replay ]; then
  exec "$target" "$corpus"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus/." "$work/"
"$target" -runs=0 "$work"
status=0
# libFuzzer exits with 77 on a crash by default, which meson reads as a
# skip: a finding must fail.
"$target" -max_total_time="${BPFSC_FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$work/" "$work" || status=$?
for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
  [ -e "$crash" ] || continue
  echo "failing input $(basename "$crash"):"
  od -An -tx1 -v "$crash" | head -c 20000
done
exit $status
