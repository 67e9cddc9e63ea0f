# examples.sh - helpers for the tests of the bundled examples
# (t07NN-example-NAME.sh), sourced after lib.sh and test_project:
#
#   example webapp          # $EX: examples/webapp (or a copy: example_copy)
#   ex up -d --wait         # berth -p $P -f $EX/compose.yaml up -d --wait
#   check_service "web is healthy" web "running healthy"
#   example_down            # down -v --rmi local, then nothing of $P left
#
# Tests that run longer loops use wait_for (below) rather than fixed sleeps.
#
# Builds keep their caches under $T (XDG_CACHE_HOME), so the tests leave
# nothing in the home directory.

# example NAME: test examples/NAME in place.
example() {
	EX=$SRC/examples/$1
	export XDG_CACHE_HOME=$T/cache
}

# example_copy NAME: test a copy of examples/NAME (for tests that edit it).
example_copy() {
	cp -a "$SRC/examples/$1" "$T/$1"
	EX=$T/$1
	export XDG_CACHE_HOME=$T/cache
}

ex() { berth -p "$P" -f "$EX/compose.yaml" "$@"; }

# A TCP port nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The project's containers as "SERVICE STATE HEALTH EXITCODE" lines, sorted
# (HEALTH "-" when the container has no health check), from ps --format
# json.
service_states() {
	ex ps -a --format json | python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    c = json.loads(line)
    print(c["Service"], c["State"], c.get("Health") or "-", c.get("ExitCode", 0))
' | sort
}

# check_service DESC SERVICE WANT: every container of SERVICE is in state
# WANT, "STATE HEALTH EXITCODE" or a prefix of it ("running healthy",
# "exited - 0"), and there is at least one.
check_service() {
	local desc=$1 svc=$2 want=$3 states bad
	states=$(service_states | awk -v s="$svc" '$1 == s { $1 = ""; sub(/^ /, ""); print }')
	bad=$(printf '%s\n' "$states" | grep -v "^$want" || true)
	if [ -n "$states" ] && [ -z "$bad" ]; then
		_report ok "$desc"
	else
		_report fail "$desc"
		printf '    want: %s\n    got:  %s\n' "$want" "${states:-no container}"
	fi
}

# count_service SERVICE: how many containers SERVICE has.
count_service() {
	service_states | awk -v s="$1" '$1 == s' | wc -l | tr -d ' '
}

# example_down [RMI]: `down -v --rmi RMI` (default local) succeeds and
# leaves no container, network, volume or image with the project's label.
example_down() {
	expect "down -v --rmi ${1:-local}" ex down -v --rmi "${1:-local}"
	check_eq "no container of $P is left" \
		"$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
	check_eq "no network of $P is left" \
		"$(docker network ls -q --filter "label=com.docker.compose.project=$P")" ""
	check_eq "no volume of $P is left" \
		"$(docker volume ls -q --filter "label=com.docker.compose.project=$P")" ""
	check_eq "no image of $P is left" \
		"$(docker images -q --filter "label=com.docker.compose.project=$P")" ""
}

# wait_for SECONDS CMD...: run CMD every half second until it succeeds;
# fails after SECONDS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.5
	done
}
