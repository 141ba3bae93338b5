#!/usr/bin/env bash
# Assembles docs/benchmarks.md from the generated sections in docs/bench/:
# vm.md (scripts/bench.sh: native and node), go.md (scripts/bench-go.sh:
# the storage and query goals) and browser.md
# (bench/browser/run.mjs: the browser page), with the chart of vm.md
# (bench/browser/vm-chart.mjs). Each benchmark script rewrites
# only its own section and then runs this, so the document always holds the
# tables of the last runs; none of it is edited by hand.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top/docs"
{
  echo "# Benchmarks"
  echo
  echo "Assembled by scripts/bench-docs.sh from the sections the benchmark runs generate in docs/bench/" \
    "(\`make bench\` runs them all); do not edit by hand."
  if [ -f bench/vm.md ]; then
    echo
    cat bench/vm.md
    # Its chart is drawn from its table (the browser section draws its own).
    node "$top/bench/browser/vm-chart.mjs" bench/vm.md bench/vm.svg
    echo
    echo "![Native and node: time / lua5.4's](bench/vm.svg)"
  fi
  if [ -f bench/go.md ]; then
    echo
    cat bench/go.md
  fi
  if [ -f bench/browser.md ]; then
    echo
    cat bench/browser.md
  fi
} > benchmarks.md
echo "wrote docs/benchmarks.md"
