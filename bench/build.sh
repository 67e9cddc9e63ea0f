#!/usr/bin/env bash
# build.sh - image staleness checks and builds, timed.
#
#   bench/build.sh [-n RUNS] [-b BERTH] [-f FILES] [-s SIZE_KB]
#
# 1. The no-change check (`berth build --dry-run`: load the project, walk
#    and filter the context, digest it, inspect the image) on a context of
#    FILES files (default 10000) of SIZE_KB each (default 20: 200 MB):
#    warm (stat cache filled: no file is read) and cold (no stat cache:
#    every file is read and hashed; the page cache stays warm).
# 2. `berth build` against `docker build` of one small context, with the
#    engine's layer cache warm (nothing to rebuild) and with --no-cache.
#
# Prints the median wall time of RUNS runs (default 5) of each. Not a test:
# the machine is shared and noisy. Target: the warm check under 100 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
berth=$PWD/build/berth
files=10000
size_kb=20
while getopts n:b:f:s: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) berth=$(realpath "$OPTARG") ;;
	f) files=$OPTARG ;;
	s) size_kb=$OPTARG ;;
	*)
		sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
done
[ -x "$berth" ] || { echo "build.sh: no berth binary at $berth (ninja -C build)" >&2; exit 1; }

work=$(mktemp -d /tmp/berth-bench-build.XXXXXX)
proj=berthbench$$
export XDG_CACHE_HOME=$work/cache
cleanup() {
	docker images -q --filter "label=com.docker.compose.project=$proj" |
		sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
	docker rmi -f "$proj-docker" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# median of the wall times (ms) of running "$@" $runs times
median_ms() {
	local times=() t0 t1
	for _ in $(seq 1 "$runs"); do
		[ -n "${before:-}" ] && eval "$before"
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

echo "build.sh: generating $files files of $size_kb KiB in $work/big" >&2
mkdir -p "$work/big"
python3 - "$work/big" "$files" "$size_kb" <<'EOF'
import os, sys
root, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
block = os.urandom(kb * 1024)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(block[i % 997:] + block[:i % 997])
EOF
printf 'FROM berth-test/busybox:latest\nRUN true\n' >"$work/big/Dockerfile"
mkdir -p "$work/small/src"
for i in $(seq 1 50); do printf 'file %d\n' "$i" >"$work/small/src/f$i.txt"; done
printf 'FROM berth-test/busybox:latest\nCOPY src /src\nRUN cat /src/f1.txt\n' >"$work/small/Dockerfile"
cat >"$work/compose.yaml" <<EOF
services:
  big:
    build: big
  small:
    build: small
EOF

cd "$work"
echo "build.sh: first build of the big context (sends $((files * size_kb / 1024)) MB)" >&2
t0=$(date +%s%N)
"$berth" -p "$proj" build -q big
t1=$(date +%s%N)
first=$(((t1 - t0) / 1000000))

state=$("$berth" -p "$proj" build --dry-run big)
case $state in
*"up to date"*) ;;
*) echo "build.sh: expected up to date, got: $state" >&2; exit 1 ;;
esac

warm=$(median_ms "$berth" -p "$proj" build --dry-run big)
before="rm -f $XDG_CACHE_HOME/berth/$proj/$proj-big.stat"
cold=$(median_ms "$berth" -p "$proj" build --dry-run big)
before=

"$berth" -p "$proj" build -q small
docker build -q -t "$proj-docker" small >/dev/null 2>&1
b_cached=$(median_ms "$berth" -p "$proj" build -q small)
d_cached=$(median_ms docker build -q -t "$proj-docker" small)
b_nocache=$(median_ms "$berth" -p "$proj" build -q --no-cache small)
d_nocache=$(median_ms docker build -q --no-cache -t "$proj-docker" small)

cat <<EOF
| what | berth | docker |
|---|---|---|
| first build, $files files / $((files * size_kb / 1024)) MB context | ${first} ms | |
| no-change check, warm stat cache | ${warm} ms | |
| no-change check, no stat cache (all files hashed) | ${cold} ms | |
| small context, layer cache warm | ${b_cached} ms | ${d_cached} ms |
| small context, --no-cache | ${b_nocache} ms | ${d_nocache} ms |
EOF
