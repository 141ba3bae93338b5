#!/usr/bin/env bash
# The storage and query goals of issues 3 and 4 (make bench-go; make bench runs
# it too): the Go benchmarks of engine/, persist/ and query/, natively and as
# WebAssembly under node (go_js_wasm_exec), each figure beside its goal.
# Writes docs/bench/go.md, then assembles docs/benchmarks.md
# (scripts/bench-docs.sh).
# Each figure is the median of BENCH_GO_COUNT runs (go test -count, default 3):
# one run can land on a collection of the heap the previous benchmarks left.
# Environment: BENCH_GO_TIME (go test -benchtime, default 1s), BENCH_GO_COUNT.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
benchtime=${BENCH_GO_TIME:-1s}
count=${BENCH_GO_COUNT:-3}
wasm_exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run TARGET PKG PATTERN [go test flags]: appends "TARGET name ns/op extra..." lines.
run() {
  local target=$1 pkg=$2 pattern=$3
  shift 3
  local env=() exec=()
  if [ "$target" = wasm ]; then env=(GOOS=js GOARCH=wasm); exec=(-exec="$wasm_exec"); fi
  echo "== $target $pkg -bench '$pattern'" >&2
  env "${env[@]}" go test -run '^$' -bench "$pattern" -benchtime "$benchtime" -count "$count" "${exec[@]}" "$@" "$pkg" |
    awk -v t="$target" '/^Benchmark/ { name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name); line = t " " name " " $3; for (i = 5; i + 1 <= NF; i += 2) line = line " " $(i + 1) "=" $i; print line }' >> "$out/results"
}

for target in native wasm; do
  run $target ./engine/ 'PersistFunction|BatchSets$'
  run $target ./query/ 'BuildIndex|IndexedQuery|FullScan/.*/10k$'
done
run native ./persist/ 'CommitOneChange'
# A million records do not fit the default wasm heap quickly: 1K and 100K there.
run wasm ./persist/ 'CommitOneChange/memstore/records=(1000|100000)$'
run native ./query/ 'IndexMemory' -benchtime 1x -count 1

# One row per benchmark: native and wasm figures, the goal, whether both meet it.
awk -v benchtime="$benchtime" -v count="$count" '
function goal(name) {
  if (name ~ /^PersistFunction\//) return 1
  if (name ~ /^BatchSets\/.*ops=1000$/) return 5
  if (name ~ /^BatchSets\/.*ops=10000$/) return 40
  if (name ~ /^BuildIndex\//) return 10
  if (name ~ /^IndexedQuery\//) return 0.1
  if (name ~ /^FullScan\//) return 2
  return 0
}
# median of the runs of name on target, kept in runs[name, target, 1..k]
function median(name, target,   k, i, j, v) {
  k = nruns[name, target]
  for (i = 2; i <= k; i++) {
    v = runs[name, target, i]
    for (j = i - 1; j >= 1 && runs[name, target, j] > v; j--) runs[name, target, j + 1] = runs[name, target, j]
    runs[name, target, j + 1] = v
  }
  return runs[name, target, int((k + 1) / 2)]
}
{
  target = $1; name = $2
  if (!(name in seen)) { seen[name] = 1; order[n++] = name }
  runs[name, target, ++nruns[name, target]] = $3 / 1e6
  for (i = 4; i <= NF; i++) if ($i ~ /^%overhead=/) { split($i, kv, "="); pct[name] = kv[2] }
}
END {
  for (key in nruns) { split(key, part, SUBSEP); fig[part[1], part[2]] = median(part[1], part[2]) }
  print "## Storage and query goals (Go benchmarks)"
  print ""
  print "`scripts/bench-go.sh` (`make bench-go`): the benchmarks of engine/, persist/ and query/ natively and as"
  print "WebAssembly under node, ms per operation (go test -bench, `-benchtime " benchtime "`, median of " count " runs); goals from issues 3 and 4."
  print "Commits changing one record must cost the same at every collection size; index memory is the"
  print "index'"'"'s bytes as a share of the collection'"'"'s."
  print ""
  print "| benchmark | native (ms) | wasm (ms) | goal | met |"
  print "| --- | ---: | ---: | ---: | :---: |"
  for (i = 0; i < n; i++) {
    name = order[i]
    nat = ((name, "native") in fig) ? sprintf("%.3f", fig[name, "native"]) : "–"
    was = ((name, "wasm") in fig) ? sprintf("%.3f", fig[name, "wasm"]) : "–"
    g = goal(name); goalText = "–"; met = ""
    if (g > 0) {
      goalText = "< " g " ms"
      met = "yes"
      if (((name, "native") in fig) && fig[name, "native"] >= g) met = "no"
      if (((name, "wasm") in fig) && fig[name, "wasm"] >= g) met = "no"
    }
    if (name in pct) {
      nat = pct[name] "%"; goalText = "< 20%"; met = (pct[name] < 20) ? "yes" : "no"
    }
    print "| " name " | " nat " | " was " | " goalText " | " met " |"
  }
}' "$out/results" > docs/bench/go.md
echo "wrote docs/bench/go.md"
scripts/bench-docs.sh
