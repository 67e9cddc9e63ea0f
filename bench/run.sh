#!/usr/bin/env bash
# run.sh - the whole benchmark page: berth next to docker-compose (Debian's
# package) and the engine's own floor, in one run on the same generated
# stacks. Runs config.sh, up.sh, logs.sh and build.sh one after another and
# writes their markdown tables, with the machine and the command, to
# bench/RESULTS.md (and stdout). Not a test: the machine is shared and
# noisy, so read the ratios and the same run's floor rows, not absolute
# numbers across runs.
#
#   bench/run.sh [-n RUNS] [-q]      -q: quick (fewer runs, smaller stacks)
set -uo pipefail
cd "$(dirname "$0")/.."

runs=5
quick=0
while getopts n:q opt; do
	case $opt in
	n) runs=$OPTARG ;;
	q) quick=1 ;;
	*)
		sed -n '2,10s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
done

tools/setup.sh >/dev/null || exit 1
command -v docker-compose >/dev/null ||
	apt-get install -y -qq docker-compose time >/dev/null

out=bench/RESULTS.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	echo "# berth benchmarks"
	echo
	echo "Run on $(date -u +%Y-%m-%d) with \`bench/run.sh -n $runs$([ $quick = 1 ] && echo ' -q')\`:"
	echo "$(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB,"
	echo "$(. /etc/os-release && echo "$PRETTY_NAME"), dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null),"
	echo "berth $(build/berth --version | awk '{print $3}'), docker-compose $(docker-compose version --short 2>/dev/null)."
	echo "Medians; ratios are docker-compose's time over berth's."
	echo
	if [ $quick = 1 ]; then
		echo "## config"; bench/config.sh -n "$runs" 10 100 1000; echo
		echo "## lifecycle"; bench/up.sh -n 1 1 10; echo
		echo "## logs"; bench/logs.sh -n 1 -l 5000; echo
	else
		echo "## config"; bench/config.sh -n "$runs"; echo
		echo "## lifecycle"; bench/up.sh -n 3; echo
		echo "## logs"; bench/logs.sh -n 3; echo
		echo "## images"; bench/build.sh -n 3; echo
	fi
} 2>&1 | tee "$tmp"
cp "$tmp" "$out"
echo "written to $out" >&2
