#!/usr/bin/env bash
# Benchmarks the reconciler binary on the embedded engine: cold `up`, no-op `up`
# and `config -q` at 100 and 1000 services, then prints the issue's ratios.
# Usage: scripts/bench-up.sh [benchtime, default 3x]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime="${1:-3x}"
out="$(go test ./cmd/reconciler -run '^$' -bench 'ColdUp|NoopUp|ConfigQ' -benchtime "$benchtime" -count 1)"
echo "$out"
ns() { awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" {print $3}' <<<"$out"; }
cold100=$(ns BenchmarkColdUp/100); cold1000=$(ns BenchmarkColdUp/1000)
noop1000=$(ns BenchmarkNoopUp/1000); cfg1000=$(ns BenchmarkConfigQ/1000)
awk -v c100="$cold100" -v c1000="$cold1000" -v n="$noop1000" -v q="$cfg1000" 'BEGIN {
	printf "cold up, 1000 services:          %.3f s (target <= 1 s)\n", c1000/1e9
	printf "no-op up / config -q, 1000:      %.3f s / %.3f s = %.2fx (target <= 1.5x)\n", n/1e9, q/1e9, n/q
	printf "t(1000)/t(100), cold up:         %.2f (target <= 12)\n", c1000/c100
}'
