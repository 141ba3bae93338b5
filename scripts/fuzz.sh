#!/usr/bin/env bash
# Runs every fuzz target of the module (each func FuzzX in a _test.go file)
# for the given time: go test -run='^$' -fuzz='^FuzzX$' -fuzztime=TIME ./pkg.
# usage: scripts/fuzz.sh TIME   (e.g. 10s, 5m)
set -euo pipefail
fuzztime=${1:?usage: scripts/fuzz.sh TIME}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=$(grep -rHoE --include='*_test.go' --exclude-dir=node_modules '^func Fuzz[A-Za-z0-9_]*' . || true)
n=0
while IFS=: read -r file decl; do
  [ -n "$file" ] || continue
  pkg=$(dirname "$file")
  name=${decl#func }
  echo "fuzz: $name in $pkg for $fuzztime"
  go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" "$pkg"
  n=$((n + 1))
done <<< "$targets"
echo "fuzz: $n targets run"
