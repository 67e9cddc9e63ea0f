#!/usr/bin/env bash
# logs.sh - log throughput and memory, berth against the alternatives.
#
#   bench/logs.sh [-n RUNS] [-b BERTH] [-s SERVICES] [-l LINES] [-F FOLLOWERS]
#
# 1. `logs` of SERVICES containers (default 10) that each printed LINES
#    numbered lines (default 20000): berth, docker-compose (v1, the Debian
#    package, when installed) and SERVICES raw curl readers of the same
#    /logs endpoints in parallel (the engine's own speed: the ceiling).
#    Median wall time of RUNS runs (default 3), lines/s, peak RSS.
# 2. `berth logs -f` over FOLLOWERS busy containers (default 30, each a
#    line every 10 ms) for 15 s, output to a slow pipe reader and to
#    /dev/null: peak RSS and peak anonymous memory (heap; RSS also counts
#    the shared libraries), sampled every 100 ms.
#
# Not a test: the machine is shared and noisy. Targets: >= 200k lines/s;
# logs -f over 30 busy services under 10 MB.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
berth=$PWD/build/berth
services=10
lines=20000
followers=30
while getopts n:b:s:l:F: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) berth=$(realpath "$OPTARG") ;;
	s) services=$OPTARG ;;
	l) lines=$OPTARG ;;
	F) followers=$OPTARG ;;
	*)
		sed -n '2,17s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
done
[ -x "$berth" ] || { echo "logs.sh: no berth binary at $berth" >&2; exit 1; }

image=berth-test/busybox:latest
sock=/var/run/docker.sock
proj=berthbenchlogs$$
work=$(mktemp -d /tmp/berth-bench-logs.XXXXXX)
cleanup() {
	docker ps -aq --filter "label=com.docker.compose.project=$proj" |
		xargs -r docker rm -f >/dev/null 2>&1 || true
	docker ps -aq --filter "label=com.docker.compose.project=${proj}f" |
		xargs -r docker rm -f >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# A compose file, so docker-compose v1 knows the services too.
{
	echo "version: '3'"
	echo "services:"
	for i in $(seq 1 "$services"); do
		echo "  s$i:"
		echo "    image: $image"
		echo "    command: sh -c 'seq 1 $lines | sed \"s/^/line /\"'"
	done
} >"$work/docker-compose.yml"
cd "$work"
"$berth" -p "$proj" up -d >/dev/null 2>&1
ids=$(docker ps -aq --filter "label=com.docker.compose.project=$proj")
docker wait $ids >/dev/null
total=$((services * lines))
echo "logs: $services containers x $lines lines = $total lines; median of $runs runs"

# run_timed NAME CMD...: median wall ms and the largest max RSS (KiB).
run_timed() {
	local name=$1 t=() rss=0 r
	shift
	for _ in $(seq 1 "$runs"); do
		local t0 t1
		t0=$(date +%s%N)
		/usr/bin/time -f %M -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
			{ echo "  $name: failed: $(tail -n 2 "$work/err")"; return; }
		t1=$(date +%s%N)
		t+=($(((t1 - t0) / 1000000)))
		r=$(tail -n 1 "$work/time")
		((r > rss)) && rss=$r
	done
	local med
	med=$(printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
	printf '  %-28s %6d ms  %9d lines/s  max RSS %6d KiB\n' "$name" "$med" \
		$((total * 1000 / (med > 0 ? med : 1))) "$rss"
}

curl_all() {
	for id in $ids; do
		curl -s --unix-socket "$sock" \
			"http://localhost/v1.41/containers/$id/logs?stdout=1&stderr=1" \
			-o /dev/null &
	done
	wait
}
export -f curl_all
export ids sock

run_timed "berth logs" "$berth" -p "$proj" logs
run_timed "berth logs --merge" "$berth" -p "$proj" logs --merge
if command -v docker-compose >/dev/null; then
	run_timed "docker-compose logs (v1)" docker-compose -p "$proj" logs --no-color
fi
run_timed "$services raw curl readers" bash -c curl_all

# logs -f over busy containers: memory must stay flat.
for i in $(seq 1 "$followers"); do
	docker run -d --label "com.docker.compose.project=${proj}f" \
		--label "com.docker.compose.service=busy$i" \
		--label com.docker.compose.container-number=1 \
		--label com.docker.compose.oneoff=False --name "${proj}f-busy$i-1" \
		"$image" sh -c 'i=0; while true; do i=$((i+1)); echo busy line $i; sleep 0.01; done' \
		>/dev/null
done
sleep 2

# follow_peak SINK: run logs -f 15 s into SINK, sample its memory.
follow_peak() {
	local pid peak_rss=0 peak_anon=0 rss anon
	case $1 in
	slow)
		"$berth" -p "${proj}f" logs -f |
			python3 -c '
import sys, time
while sys.stdin.buffer.read(4096):
    time.sleep(0.005)' &
		;;
	null) "$berth" -p "${proj}f" logs -f >/dev/null & ;;
	esac
	sleep 0.5
	pid=$(pgrep -n -f "$berth -p ${proj}f logs -f")
	for _ in $(seq 1 150); do
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
		anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
		((rss > peak_rss)) && peak_rss=$rss
		((anon > peak_anon)) && peak_anon=$anon
		sleep 0.1
	done
	kill -INT "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	printf '  logs -f, %2d busy, %-12s peak RSS %6d KiB, heap (RssAnon) %6d KiB\n' \
		"$followers" "$1 reader:" "$peak_rss" "$peak_anon"
}
echo "follow: $followers containers printing every 10 ms, 15 s"
follow_peak null
follow_peak slow
