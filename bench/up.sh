#!/usr/bin/env bash
# up.sh - the lifecycle of a project with berth, docker-compose and the raw
# engine floor, side by side: cold `up -d` of N services, a no-op `up -d`,
# `ps`, recreating one changed service, and `down`. Prints a markdown
# table of median wall times (ms) and berth's peak RSS. Not a test: the
# machine is shared and noisy; compare ratios and targets, not runs.
#
#   bench/up.sh [-n RUNS] [-b BERTH] [SIZES...]      (default 1 10 30)
#
# The raw floor is what any tool must spend: the project network, then one
# create and one start request per container on it, all in parallel,
# through curl; for a no-op, one label-filtered list. Targets: no-op up -d
# of 30 services < 25 ms, berth
# peak RSS < 10 MB. docker-compose (apt package) is installed if missing.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=3
berth=$PWD/build/berth
image=${IMAGE:-berth-test/busybox:latest}
sock=${DOCKER_SOCK:-/var/run/docker.sock}
while getopts n:b: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) berth=$(realpath "$OPTARG") ;;
	*)
		sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
((${#sizes[@]})) || sizes=(1 10 30)

[ -x "$berth" ] || { echo "up.sh: no berth binary at $berth" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "up.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
docker image inspect "$image" >/dev/null 2>&1 ||
	{ echo "up.sh: image $image missing (tools/build-test-image.sh)" >&2; exit 1; }
if ! command -v docker-compose >/dev/null; then
	echo "up.sh: installing docker-compose (apt)" >&2
	apt-get install -y docker-compose >/dev/null 2>&1 ||
		echo "up.sh: could not install docker-compose; its column stays empty" >&2
fi
peer=$(command -v docker-compose || true)

rid=$(printf '%04x%x' $RANDOM $$)
work=$(mktemp -d /tmp/berth-bench-up.XXXXXX)
cleanup() {
	docker ps -aq --filter label=com.docker.compose.project |
		xargs -r docker inspect -f '{{.Id}} {{index .Config.Labels "com.docker.compose.project"}}' |
		awk -v p="bu$rid" 'index($2, p) == 1 {print $1}' | xargs -r docker rm -f >/dev/null 2>&1
	docker network ls --format '{{.Name}}' | awk -v p="bu$rid" 'index($1, p) == 1' |
		xargs -r docker network rm >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api=$(curl -s --unix-socket "$sock" http://localhost/version |
	sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p')
api=http://localhost/v${api:-1.41}

# generate N VALUE: N services, flat, one environment value to change.
generate() {
	local n=$1 v=$2 i
	echo "services:"
	for ((i = 1; i <= n; i++)); do
		printf '  s%02d:\n    image: %s\n    command: ["sleep", "100000"]\n' "$i" "$image"
		printf '    init: true\n    stop_grace_period: 1s\n'
		printf '    environment:\n      BENCH_VAL: "%s"\n' "$( ((i == 1)) && echo "$v" || echo a)"
	done
}

# ms CMD...: wall time of one run in milliseconds.
ms() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else printf "%.1f\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak_mb() {
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1
	tail -n1 "$work/rss" | awk '{printf "%.1f\n", $1/1024}'
}

# One tool through the lifecycle; appends "step ms" lines to $work/TOOL.
lifecycle() {
	local tool=$1 n=$2 r=$3 d=$work/$1-$2-$3 p="bu$rid$1$2r$3"
	shift 3
	local -a cmd=("$@")
	mkdir -p "$d"
	generate "$n" a >"$d/compose.yaml"
	(
		cd "$d" || exit 1
		echo "cold $(ms "${cmd[@]}" -p "$p" -f compose.yaml up -d)"
		echo "noop $(ms "${cmd[@]}" -p "$p" -f compose.yaml up -d)"
		echo "ps $(ms "${cmd[@]}" -p "$p" -f compose.yaml ps)"
		generate "$n" "b$r" >compose.yaml
		echo "recreate $(ms "${cmd[@]}" -p "$p" -f compose.yaml up -d)"
		echo "down $(ms "${cmd[@]}" -p "$p" -f compose.yaml down -t 1)"
	) >>"$work/$tool-$n"
}

# The engine floor: the same calls a compose tool must make, with nothing
# else: create the project network, then every container on it (create +
# start) at once through curl; one filtered list; removal of all of them
# and the network.
raw() {
	local n=$1 r=$2 p="bu${rid}raw$1r$2" i t0 ids
	t0=$EPOCHREALTIME
	curl -s --unix-socket "$sock" -H 'Content-Type: application/json' \
		-d "{\"Name\":\"${p}_default\",\"Labels\":{\"com.docker.compose.project\":\"$p\"}}" \
		"$api/networks/create" >/dev/null
	for ((i = 1; i <= n; i++)); do
		(
			id=$(curl -s --unix-socket "$sock" -H 'Content-Type: application/json' \
				-d "{\"Image\":\"$image\",\"Cmd\":[\"sleep\",\"100000\"],\"Labels\":{\"com.docker.compose.project\":\"$p\"},\"HostConfig\":{\"Init\":true,\"NetworkMode\":\"${p}_default\"},\"NetworkingConfig\":{\"EndpointsConfig\":{\"${p}_default\":{\"Aliases\":[\"s$i\"]}}}}" \
				"$api/containers/create?name=$p-$i" | sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')
			curl -s --unix-socket "$sock" -X POST "$api/containers/$id/start" >/dev/null
		) &
	done
	wait
	echo "cold $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f\n", (b - a) * 1000}')" >>"$work/raw-$n"
	echo "noop $(ms curl -s --unix-socket "$sock" -G "$api/containers/json" \
		--data-urlencode "all=1" --data-urlencode "filters={\"label\":[\"com.docker.compose.project=$p\"]}")" >>"$work/raw-$n"
	ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p")
	t0=$EPOCHREALTIME
	for i in $ids; do
		curl -s --unix-socket "$sock" -X DELETE "$api/containers/$i?force=1" >/dev/null &
	done
	wait
	curl -s --unix-socket "$sock" -X DELETE "$api/networks/${p}_default" >/dev/null
	echo "down $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f\n", (b - a) * 1000}')" >>"$work/raw-$n"
}

get() { awk -v s="$2" '$1 == s {print $2}' "$work/$1" 2>/dev/null | median; }

echo "| services | step | berth (ms) | docker-compose (ms) | raw engine floor (ms) | compose / berth |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	for ((r = 1; r <= runs; r++)); do
		lifecycle berth "$n" "$r" "$berth"
		[ -n "$peer" ] && lifecycle compose "$n" "$r" "$peer"
		raw "$n" "$r"
	done
	for step in cold noop ps recreate down; do
		b=$(get "berth-$n" "$step")
		c=$( [ -n "$peer" ] && get "compose-$n" "$step" || echo -)
		f=$(get "raw-$n" "$step")
		ratio=$(awk -v a="$c" -v b="$b" 'BEGIN {if (a+0 > 0 && b+0 > 0) printf "%.1fx", a / b; else print "-"}')
		echo "| $n | $step | $b | $c | ${f:--} | $ratio |"
	done
done

# Peak memory of berth: a cold up of the largest size, then the no-op.
n=${sizes[-1]}
d=$work/peak && mkdir -p "$d" && generate "$n" a >"$d/compose.yaml"
cd "$d"
p="bu${rid}rss"
cold=$(peak_mb "$berth" -p "$p" -f compose.yaml up -d)
noop=$(peak_mb "$berth" -p "$p" -f compose.yaml up -d)
noop_ms=$(for ((r = 0; r < 5; r++)); do ms "$berth" -p "$p" -f compose.yaml up -d; done | median)
"$berth" -p "$p" -f compose.yaml down -t 1 >/dev/null 2>&1
cd - >/dev/null
echo
echo "berth peak RSS, $n services: cold up -d $cold MB, no-op up -d $noop MB"
awk -v t="$noop_ms" -v m="$cold" -v n="$n" 'BEGIN {
	printf "targets: no-op up -d of %d services < 25 ms (%s: %s ms), peak < 10 MB (%s: %s MB)\n",
		n, t < 25 ? "met" : "MISSED", t, m < 10 ? "met" : "MISSED", m }'
