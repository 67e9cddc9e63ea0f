#!/usr/bin/env bash
# config.sh - `berth config` against `docker-compose config`, side by side
# in one run, on generated compose files of 10, 100 and 1000 services.
# Prints a markdown table: median wall time of each (hyperfine when
# installed, else a timed loop), the ratio, and each one's peak RSS
# (GNU time's %M). Not a test: the machine is shared and noisy, so compare
# the ratio and the targets, not absolute numbers across runs.
#
#   bench/config.sh [-n RUNS] [-b BERTH] [SIZES...]     (default 10 100 1000)
#
# Target: 1000 services under 75 ms and 30 MB peak for berth.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
berth=$PWD/build/berth
while getopts n:b: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) berth=$(realpath "$OPTARG") ;;
	*)
		sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
((${#sizes[@]})) || sizes=(10 100 1000)

[ -x "$berth" ] || { echo "config.sh: no berth binary at $berth (ninja -C build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "config.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
peer=$(command -v docker-compose || true)

work=$(mktemp -d /tmp/berth-bench-config.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A stack of n services shaped like real ones: image, command, a port,
# environment, labels, a named volume, and some depends_on.
generate() {
	local n=$1 f=$2 i
	{
		# No top-level name: docker-compose 1.29 predates it (-p names it).
		echo "services:"
		for ((i = 0; i < n; i++)); do
			cat <<EOF
  svc$i:
    image: "berth-test/busybox:latest"
    command: ["sh", "-c", "echo service $i; sleep 3600"]
    ports:
      - "$((20000 + i)):80"
    environment:
      SERVICE_INDEX: "$i"
      LOG_LEVEL: "\${LOG_LEVEL:-info}"
      DATABASE_URL: postgres://db:5432/app
    labels:
      com.example.tier: "bench"
    volumes:
      - data$((i % 10)):/data
    restart: unless-stopped
EOF
			if ((i % 10 != 0)); then
				echo "    depends_on: [svc$((i - i % 10))]"
			fi
		done
		echo "volumes:"
		for ((i = 0; i < 10 && i < n; i++)); do
			echo "  data$i: {}"
		done
	} >"$f"
}

# median_ms CMD...: the median wall time of CMD in milliseconds.
median_ms() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N --warmup 1 --runs "$runs" --style none \
			--export-json "$work/h.json" -- "$(printf '%q ' "$@")" \
			>"$work/h.log" 2>&1 || {
			echo "config.sh: hyperfine failed on: $*" >&2
			tail -5 "$work/h.log" >&2
			exit 1
		}
		python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/h.json"
		return
	fi
	local t0 t1 times=()
	"$@" >/dev/null 2>&1 # warm-up
	for ((r = 0; r < runs; r++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) * 1000}')")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

# peak_mb CMD...: CMD's peak resident set size in MB.
peak_mb() {
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
	awk '{printf "%.1f\n", $1/1024}' "$work/rss"
}

echo "| services | berth median (ms) | docker-compose median (ms) | ratio | berth peak RSS (MB) | docker-compose peak RSS (MB) |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	f=$work/compose-$n.yaml
	generate "$n" "$f"
	if ! "$berth" -p bench -f "$f" config >/dev/null 2>"$work/err"; then
		echo "config.sh: berth config fails on $n services:" >&2
		cat "$work/err" >&2
		exit 1
	fi
	bt=$(median_ms "$berth" -p bench -f "$f" config)
	bm=$(peak_mb "$berth" -p bench -f "$f" config)
	pt=- pm=- ratio=-
	if [ -n "$peer" ]; then
		pt=$(median_ms "$peer" -p bench -f "$f" config)
		pm=$(peak_mb "$peer" -p bench -f "$f" config)
		ratio=$(awk -v a="$pt" -v b="$bt" 'BEGIN {printf "%.1fx", a / b}')
	fi
	echo "| $n | $bt | $pt | $ratio | $bm | $pm |"
	if [ "$n" = 1000 ]; then
		awk -v t="$bt" -v m="$bm" 'BEGIN {
			printf "\ntarget for 1000 services: < 75 ms (%s: %s ms), < 30 MB (%s: %s MB)\n",
				t < 75 ? "met" : "MISSED", t, m < 30 ? "met" : "MISSED", m }'
	fi
done
[ -n "$peer" ] || echo "(docker-compose not installed: apt-get install docker-compose)"
