#!/usr/bin/env bash
# Benchmarks `reconciler --engine docker` against Debian's docker-compose (1.29)
# on the same real dockerd and the same stack: N busybox services (sleep), one
# network, one volume. Per size and round, alternately for each tool: cold `up`
# (nothing exists), no-op `up`, `down -t 0`; the volume is removed between
# rounds, outside the timing. Prints, per case, reconciler's and compose's mean
# seconds with their range over the rounds, the ratio of the means, and at 50
# services the issue's target (half of what docker compose v5.5 took on such a
# machine: 8.98 s cold, 0.136 s no-op, 3.39 s down -t 0), with the load average
# before and after (the machines are shared: compare ratios, repeat).
#
# Usage: scripts/bench-docker.sh [rounds, default 3] [sizes, default "10 50"]
# Env:   BENCH_REC_FLAGS  extra flags for reconciler's up and down (e.g. "--parallel 8")
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
read -r -a recflags <<<"${BENCH_REC_FLAGS:-}"
echo "bench-docker.sh: rounds=$rounds sizes=\"$sizes\" BENCH_REC_FLAGS=\"${BENCH_REC_FLAGS:-}\" daemon=$DOCKER_HOST ($(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
echo "bench-docker.sh: load before: $(cut -d' ' -f1-3 /proc/loadavg)"

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
		timed "rec $n cold" "$rec" --engine docker -p "$p" -f "$f" --progress quiet up "${recflags[@]}"
		timed "rec $n noop" "$rec" --engine docker -p "$p" -f "$f" --progress quiet up "${recflags[@]}"
		timed "rec $n down" "$rec" --engine docker -p "$p" -f "$f" --progress quiet down -t 0 "${recflags[@]}"
		docker volume rm "${p}_vol" >/dev/null
		p=bddc$n
		timed "dc $n cold" docker-compose -p "$p" -f "$f" up -d
		timed "dc $n noop" docker-compose -p "$p" -f "$f" up -d
		timed "dc $n down" docker-compose -p "$p" -f "$f" down -t 0
		docker volume rm "${p}_vol" >/dev/null
		echo "size $n round $r done" >&2
	done
done

echo "bench-docker.sh: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Targets at 50 services: half of docker compose v5.5's 8.98 s / 0.136 s / 3.39 s (issue 7).
awk '
	BEGIN { target["50 cold"] = 4.49; target["50 noop"] = 0.068; target["50 down"] = 1.695 }
	{
		t = $1 " " $2 " " $3; v = $4; sum[t] += v; cnt[t]++; keys[$2 " " $3] = 1
		if (!(t in lo) || v < lo[t]) lo[t] = v
		if (!(t in hi) || v > hi[t]) hi[t] = v
	}
	END {
		printf "%-8s %-26s %-26s %6s  %s\n", "case", "reconciler mean [range]", "compose1.29 mean [range]", "ratio", "target (50 only)"
		for (k in keys) {
			r = sum["rec " k] / cnt["rec " k]; d = sum["dc " k] / cnt["dc " k]
			tgt = ""
			if (k in target) tgt = sprintf("%.3fs: %s (%.1fx the target)", target[k], r <= target[k] ? "met" : "not met", r / target[k])
			rs = sprintf("%.3fs [%.3f-%.3f]", r, lo["rec " k], hi["rec " k])
			ds = sprintf("%.3fs [%.3f-%.3f]", d, lo["dc " k], hi["dc " k])
			printf "%-8s %-26s %-26s %6.2f  %s\n", k, rs, ds, r / d, tgt
		}
	}' "$work/times" | sort -k1,1n -k2,2
