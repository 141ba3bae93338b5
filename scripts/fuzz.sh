#!/usr/bin/env bash
# Runs every fuzz target of the module (each func FuzzX in a _test.go file)
# for the given time: go test -run='^$' -fuzz='^FuzzX$' -fuzztime=TIME ./pkg.
# usage: scripts/fuzz.sh TIME   (e.g. 10s, 5m)
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" at
# the end of -fuzztime while a worker is mid-input (golang/go#75804, fixed in
# Go 1.27). Such a run wrote no failing input; the target runs once more and
# fails only if that happens twice or an input is written.
set -euo pipefail
fuzztime=${1:?usage: scripts/fuzz.sh TIME}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=$(grep -rHoE --include='*_test.go' --exclude-dir=node_modules '^func Fuzz[A-Za-z0-9_]*' . || true)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz_target PKG NAME: 0 on success, 2 on the coordinator race, 1 otherwise.
fuzz_target() {
  local pkg=$1 name=$2 before after
  before=$(ls "$pkg/testdata/fuzz/$name" 2>/dev/null | wc -l)
  if go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" "$pkg" 2>&1 | tee "$log"; then
    return 0
  fi
  after=$(ls "$pkg/testdata/fuzz/$name" 2>/dev/null | wc -l)
  if [ "$before" = "$after" ] && grep -qx '    context deadline exceeded' "$log"; then
    return 2
  fi
  return 1
}

n=0
while IFS=: read -r file decl; do
  [ -n "$file" ] || continue
  pkg=$(dirname "$file")
  name=${decl#func }
  echo "fuzz: $name in $pkg for $fuzztime"
  status=0
  fuzz_target "$pkg" "$name" || status=$?
  if [ "$status" = 2 ]; then
    echo "fuzz: $name: 'context deadline exceeded' with no failing input (golang/go#75804); running it again"
    status=0
    fuzz_target "$pkg" "$name" || status=$?
  fi
  if [ "$status" != 0 ]; then
    echo "fuzz: $name in $pkg FAILED"
    exit 1
  fi
  n=$((n + 1))
done <<< "$targets"
echo "fuzz: $n targets run"
