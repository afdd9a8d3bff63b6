#!/usr/bin/env bash
# Time the test suites that make runs, and report them:
#   bash scripts/dev/timed.sh NAME COMMAND...    run COMMAND (output as it comes), then print its time; keep
#                                                its time, result and output in .build/suites/NAME.*
#   bash scripts/dev/timed.sh --report NAME...   a table of those suites: time, result, pytest's tally, and
#                                                every skipped test with its reason (pytest -ra)
# Exits with COMMAND's status (the report: non-zero if a suite failed or has not run).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$repo/.build/suites"
mkdir -p "$dir"

if [ "${1:-}" = "--report" ]; then
  shift
  status=0
  printf '%-16s %8s  %-7s %s\n' suite seconds result "pytest tally"
  for name in "$@"; do
    if [ -f "$dir/$name.result" ]; then
      read -r result seconds <"$dir/$name.result"
      tally="$(grep -E '^=* *[0-9]+ (passed|failed|skipped|errors?)\b.* in [0-9.]+s' "$dir/$name.log" | tail -n1 | sed 's/=//g; s/^ *//; s/ *$//')"
      printf '%-16s %8s  %-7s %s\n' "$name" "$seconds" "$result" "$tally"
      [ "$result" = passed ] || status=1
    else
      printf '%-16s %8s  %-7s\n' "$name" - "not run"
      status=1
    fi
  done
  skipped="$(for name in "$@"; do [ -f "$dir/$name.log" ] && sed -n "s/^SKIPPED/$name: SKIPPED/p" "$dir/$name.log"; done)"
  if [ -n "$skipped" ]; then
    echo "Skipped tests:"
    echo "$skipped"
  else
    echo "Skipped tests: none"
  fi
  exit "$status"
fi

name="$1"
shift
rm -f "$dir/$name.result"
start=$SECONDS
"$@" 2>&1 | tee "$dir/$name.log"
status=${PIPESTATUS[0]}
seconds=$((SECONDS - start))
result=$([ "$status" -eq 0 ] && echo passed || echo failed)
echo "$result $seconds" >"$dir/$name.result"
echo "== $name: $result in ${seconds}s"
exit "$status"
