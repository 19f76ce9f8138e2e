#!/usr/bin/env bash
# Runs a private real dockerd (Debian docker.io 20.10, vfs storage, no iptables)
# for the docker-backed tests and for people, with its own data root and socket,
# and a busybox:latest image imported from Debian's busybox-static (no registry
# is reachable here), plus a stand-in nginx:latest built from the same files.
#
# Usage: scripts/dockerd.sh [--install] [--dir DIR] start|stop|env|status
#   start   start dockerd in the background (if not already up), wait for /_ping,
#           import busybox:latest if missing, print the export line
#   stop    stop the dockerd started from DIR (by its pid file) and wait for it
#   env     print the export lines for a running daemon
#   status  exit 0 when the daemon answers /_ping
# Options:
#   --install   apt-get install docker.io busybox-static when they are missing
#               (never done otherwise)
#   --dir DIR   where data, exec root, socket, pid file and log live
#               (default $RECONCILER_DOCKERD_DIR or /tmp/reconciler-dockerd)
# Env: RECONCILER_DOCKERD_STORAGE  storage driver for a new daemon (default vfs)
# Must run as root. Typical use:
#   scripts/dockerd.sh start && eval "$(scripts/dockerd.sh env)"
#   go test ./internal/dockertest/
set -euo pipefail

install=0
dir="${RECONCILER_DOCKERD_DIR:-/tmp/reconciler-dockerd}"
cmd=""
while (($#)); do
	case "$1" in
	--install) install=1 ;;
	--dir) dir="$2"; shift ;;
	--dir=*) dir="${1#--dir=}" ;;
	start | stop | env | status) cmd="$1" ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "dockerd.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[[ -n "$cmd" ]] || { echo "dockerd.sh: need start, stop, env or status (see --help)" >&2; exit 2; }

sock="$dir/docker.sock"
pidfile="$dir/dockerd.pid"
log="$dir/dockerd.log"
host="unix://$sock"

ping() { curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }

print_env() {
	echo "export RECONCILER_TEST_DOCKER_HOST=$host"
}

ensure_tools() {
	local missing=()
	command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
	[[ -x /bin/busybox ]] || missing+=(busybox-static)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	((${#missing[@]} == 0)) && return 0
	if ((install)); then
		echo "dockerd.sh: apt-get install ${missing[*]}" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		echo "dockerd.sh: missing ${missing[*]}; rerun with --install (apt-get) or install them" >&2
		exit 1
	fi
}

import_busybox() {
	if DOCKER_HOST="$host" docker image inspect busybox:latest >/dev/null 2>&1 &&
		DOCKER_HOST="$host" docker image inspect nginx:latest >/dev/null 2>&1; then
		return 0
	fi
	local root
	root="$(mktemp -d)"
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	local a
	for a in $("$root/bin/busybox" --list); do
		[[ "$a" == busybox ]] || ln -s busybox "$root/bin/$a"
	done
	mkdir -p "$root/tmp" "$root/etc"
	# No CMD, as docker import leaves it: the conformance cases and the
	# differential tests give every container its command, and
	# internal/dockertest's allowlist expects "No command specified" for a
	# create without one.
	tar -C "$root" -c . | DOCKER_HOST="$host" docker import - busybox:latest >/dev/null
	# A distinct stand-in for nginx:latest (same files, its own config and id), for
	# the emulator's conformance fixture, which runs an "nginx" container.
	tar -C "$root" -c . | DOCKER_HOST="$host" docker import \
		--change 'CMD ["sleep","3600"]' --change 'EXPOSE 80' - nginx:latest >/dev/null
	rm -rf "$root"
}

case "$cmd" in
status)
	ping
	;;
env)
	ping || { echo "dockerd.sh: no dockerd answers on $sock (run: $0 start)" >&2; exit 1; }
	print_env
	;;
start)
	[[ $(id -u) -eq 0 ]] || { echo "dockerd.sh: dockerd needs root" >&2; exit 1; }
	ensure_tools
	mkdir -p "$dir"
	if ! ping; then
		# vfs by default (works anywhere; RECONCILER_DOCKERD_STORAGE=overlay2
		# works on these VMs and changes little: start time is dockerd's own
		# per-container work, not the storage); iptables off: no netfilter here.
		# The default bridge (docker0) works; note it is shared with any
		# other dockerd on this machine.
		nohup dockerd --data-root "$dir/data" --exec-root "$dir/exec" \
			-H "$host" --pidfile "$pidfile" --storage-driver "${RECONCILER_DOCKERD_STORAGE:-vfs}" \
			--iptables=false --ip6tables=false >"$log" 2>&1 </dev/null &
		for _ in $(seq 1 120); do
			ping && break
			sleep 0.25
		done
		ping || { echo "dockerd.sh: dockerd did not answer /_ping within 30 s; last log lines:" >&2; tail -20 "$log" >&2; exit 1; }
	fi
	import_busybox
	print_env
	;;
stop)
	if [[ -f "$pidfile" ]]; then
		pid="$(cat "$pidfile")"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 120); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "dockerd.sh: dockerd $pid still running after 30 s" >&2
			exit 1
		fi
	else
		echo "dockerd.sh: no pid file $pidfile: nothing to stop" >&2
	fi
	;;
esac
