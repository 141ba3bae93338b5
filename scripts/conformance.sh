#!/usr/bin/env bash
# Runs the shared conformance suite (../shared/conformance/run.sh) with the
# interpreter given and fails only on failures that luatest/known_failures.txt
# does not list; a listed program that passes is pointed out.
# usage: scripts/conformance.sh INTERPRETER
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
suite="$top/../shared/conformance/run.sh"
if [ ! -x "$suite" ]; then
  echo "conformance: no shared suite at $suite, skipped"
  exit 0
fi
out=$("$suite" "$@") || true
echo "$out"
known=$(sed -n 's#^conformance/\([^ ]*\).*#\1#p' "$top/luatest/known_failures.txt")
passed=$(grep -c '^PASS ' <<< "$out" || true)
skipped=0 failed=0
while read -r name; do
  [ -n "$name" ] || continue
  if grep -qxF "$name" <<< "$known"; then
    skipped=$((skipped + 1))
  else
    echo "unexpected failure: $name"
    failed=$((failed + 1))
  fi
done < <(sed -n 's/^FAIL \([^ ]*\).*/\1/p' <<< "$out")
for name in $known; do
  if grep -qx "PASS $name" <<< "$out"; then
    echo "$name passes now: take it off luatest/known_failures.txt"
  fi
done
echo "conformance: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
