#!/usr/bin/env bash
# Benchmarks `reconciler --engine docker` against Debian's docker-compose (1.29)
# on the same real dockerd and the same stack: N busybox services (sleep), one
# network, one volume. Per size and round, alternately for each tool: cold `up`
# (nothing exists), no-op `up`, `down -t 0`; the volume is removed between
# rounds, outside the timing. Prints mean seconds and reconciler/compose ratios.
#
# Usage: scripts/bench-docker.sh [rounds, default 3] [sizes, default "10 50"]
# Needs: a daemon in DOCKER_HOST or RECONCILER_TEST_DOCKER_HOST (scripts/dockerd.sh
# start), busybox:latest on it, docker-compose (apt-get install docker-compose).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
sizes="${2:-10 50}"
export DOCKER_HOST="${DOCKER_HOST:-${RECONCILER_TEST_DOCKER_HOST:-}}"
[[ -n "$DOCKER_HOST" ]] || { echo "bench-docker.sh: set DOCKER_HOST (eval \"\$(scripts/dockerd.sh env)\" exports RECONCILER_TEST_DOCKER_HOST)" >&2; exit 1; }
command -v docker-compose >/dev/null || { echo "bench-docker.sh: docker-compose missing (apt-get install docker-compose)" >&2; exit 1; }
curl -fsS --unix-socket "${DOCKER_HOST#unix://}" http://localhost/_ping >/dev/null 2>&1 ||
	docker version >/dev/null 2>&1 || { echo "bench-docker.sh: no daemon answers at $DOCKER_HOST" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/reconciler" ./cmd/reconciler
rec="$work/reconciler"

# compose file readable by both (docker-compose 1.29 needs a version key).
stack() {
	local n=$1 f="$work/stack-$1.yml"
	{
		echo 'version: "3.8"'
		echo 'services:'
		for i in $(seq 1 "$n"); do
			printf '  s%d:\n    image: busybox:latest\n    command: ["sleep", "3600"]\n    networks: [net]\n    volumes: ["vol:/data"]\n' "$i"
		done
		echo 'networks:'
		echo '  net: {}'
		echo 'volumes:'
		echo '  vol: {}'
	} >"$f"
	echo "$f"
}

now() { date +%s.%N; }
# timed LABEL CMD...: runs CMD quietly, appends "LABEL seconds" to $work/times
timed() {
	local label=$1; shift
	local t0 t1
	t0=$(now)
	"$@" >"$work/last.log" 2>&1 || { echo "bench-docker.sh: failed: $*" >&2; tail -20 "$work/last.log" >&2; exit 1; }
	t1=$(now)
	echo "$label $(echo "$t1 - $t0" | bc -l)" >>"$work/times"
}

for n in $sizes; do
	f="$(stack "$n")"
	for r in $(seq 1 "$rounds"); do
		p=bdrec$n
		timed "rec $n cold" "$rec" --engine docker -p "$p" -f "$f" --progress quiet up
		timed "rec $n noop" "$rec" --engine docker -p "$p" -f "$f" --progress quiet up
		timed "rec $n down" "$rec" --engine docker -p "$p" -f "$f" --progress quiet down -t 0
		docker volume rm "${p}_vol" >/dev/null
		p=bddc$n
		timed "dc $n cold" docker-compose -p "$p" -f "$f" up -d
		timed "dc $n noop" docker-compose -p "$p" -f "$f" up -d
		timed "dc $n down" docker-compose -p "$p" -f "$f" down -t 0
		docker volume rm "${p}_vol" >/dev/null
		echo "size $n round $r done" >&2
	done
done

awk '
	{ key = $2 " " $3; sum[$1 " " key] += $4; cnt[$1 " " key]++; keys[key] = 1 }
	END {
		printf "%-12s %12s %12s %8s\n", "case", "reconciler", "compose1.29", "ratio"
		for (k in keys) {
			r = sum["rec " k] / cnt["rec " k]; d = sum["dc " k] / cnt["dc " k]
			printf "%-12s %11.3fs %11.3fs %8.2f\n", k, r, d, r / d
		}
	}' "$work/times" | sort -k1,1n -k2,2
