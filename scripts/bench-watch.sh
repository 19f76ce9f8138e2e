#!/usr/bin/env bash
# Benchmarks `reconciler up --watch` on the embedded engine and prints the issue's
# figures: resident memory of a watch over N services (default 1000) once converged,
# and its CPU use while idle (no edits) over a window (default 10 s), with the
# resync period given (default 0 = off; pass 30s to include the default resync).
# Save -> converged latency is a Go benchmark:
#   go test ./reconciler -run '^$' -bench SaveToConverged -benchtime 20x
# Usage: scripts/bench-watch.sh [services] [idle-seconds] [resync]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
idle="${2:-10}"
resync="${3:-0}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/reconciler" ./cmd/reconciler
{
	echo "name: benchwatch"
	echo "services:"
	for i in $(seq 1 "$n"); do
		printf '  s%d:\n    image: busybox\n    command: ["sleep", "infinity"]\n' "$i"
	done
} >"$work/compose.yaml"

port=$((20000 + RANDOM % 20000))
start=$(date +%s.%N)
"$work/reconciler" --state "$work/state.db" --progress quiet up --watch --resync "$resync" \
	--metrics-addr "127.0.0.1:$port" -f "$work/compose.yaml" >"$work/out.log" 2>&1 &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
	kill -0 "$pid" 2>/dev/null || { cat "$work/out.log"; echo "watch exited" >&2; exit 1; }
	sleep 0.1
done
ready=$(date +%s.%N)

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$idle"
t1=$(ticks)
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")

awk -v n="$n" -v conv="$(awk -v a="$start" -v b="$ready" 'BEGIN {print b - a}')" -v rss="$rss_kb" -v hwm="$hwm_kb" \
	-v dt="$((t1 - t0))" -v hz="$hz" -v idle="$idle" -v resync="$resync" 'BEGIN {
	printf "services:                          %d\n", n
	printf "start -> converged (readyz):       %.2f s\n", conv
	printf "RSS once converged:                %.1f MB (peak %.1f MB; target <= 150 MB)\n", rss/1024, hwm/1024
	printf "CPU while idle for %d s (resync %s): %.2f%% of one core (%d ticks at %d Hz)\n", idle, resync, 100*dt/hz/idle, dt, hz
}'
