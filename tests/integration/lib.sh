# lib.sh - helpers for integration tests: the real berth binary against the
# real dockerd. Source it first thing in a tNNNN-*.sh script:
#
#   . "$(dirname "$0")/lib.sh"
#   test_project            # unique project name in $P, scratch dir in $T
#   expect "berth up works" berth -p "$P" up -d
#   test_done
#
# Every check prints "ok" or "FAIL" with its description; test_done exits
# non-zero when anything failed. Tests remove only what carries their own
# project label, on exit, whatever happened.

set -u
BERTH=${BERTH:?BERTH must point at the berth binary}
SRC=${BERTH_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TEST_IMAGE=berth-test/busybox:latest
_fails=0
_checks=0
P=
T=

berth() { "$BERTH" "$@"; }

_report() {
	_checks=$((_checks + 1))
	if [ "$1" = ok ]; then
		echo "ok   $2"
	else
		_fails=$((_fails + 1))
		echo "FAIL $2"
		# What a helper that gave up inside check saw (diag).
		[ -n "$_diag" ] && [ -s "$_diag" ] && cat "$_diag"
	fi
	[ -n "$_diag" ] && : >"$_diag"
}

# diag TEXT...: said under the next FAIL line. Helpers run inside check
# (which silences their stdout and stderr) explain themselves this way; a
# file, not an inherited descriptor, so that no process a test leaves
# running (a restarted dockerd) holds the test's output open.
_diag=
diag() {
	[ -n "$_diag" ] || _diag=$(mktemp /tmp/berth-diag.XXXXXX)
	printf '%s\n' "$@" >>"$_diag"
}

# expect DESC CMD...: CMD succeeds. Output is kept in $OUT (stdout+stderr).
expect() {
	local desc=$1
	shift
	if OUT=$("$@" 2>&1); then
		_report ok "$desc"
	else
		_report fail "$desc (exit $?)"
		printf '%s\n' "$OUT" | sed 's/^/    | /'
	fi
}

# expect_fail DESC CMD...: CMD fails (non-zero). Output in $OUT, status $RC.
expect_fail() {
	local desc=$1
	shift
	if OUT=$("$@" 2>&1); then
		RC=0
		_report fail "$desc (succeeded, should have failed)"
		printf '%s\n' "$OUT" | sed 's/^/    | /'
	else
		RC=$?
		_report ok "$desc"
	fi
}

# check DESC CONDITION...: a test(1)-style or any command condition.
check() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		_report ok "$desc"
	else
		_report fail "$desc"
	fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		_report ok "$1"
	else
		_report fail "$1"
		printf '    got:  %s\n    want: %s\n' "$2" "$3"
	fi
}

# check_contains DESC HAYSTACK NEEDLE
check_contains() {
	case $2 in
	*"$3"*) _report ok "$1" ;;
	*)
		_report fail "$1"
		printf '    missing: %s\n    in:\n' "$3"
		printf '%s\n' "$2" | sed 's/^/    | /'
		;;
	esac
}

# check_not_contains DESC HAYSTACK NEEDLE
check_not_contains() {
	case $2 in
	*"$3"*)
		_report fail "$1"
		printf '    unexpected: %s\n' "$3"
		;;
	*) _report ok "$1" ;;
	esac
}

engine_curl() {
	curl -sf --unix-socket "${DOCKER_SOCK:-/var/run/docker.sock}" "$@"
}

# The engine must answer: integration tests never skip silently.
require_engine() {
	if ! engine_curl http://localhost/_ping >/dev/null; then
		echo "FAIL no Docker engine answers on ${DOCKER_SOCK:-/var/run/docker.sock}"
		echo "     start dockerd (tools/setup.sh does) and run again"
		exit 1
	fi
}

# Build berth-test/busybox once: FROM scratch plus Debian's busybox-static.
ensure_test_image() {
	docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
	(
		flock 9
		docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && exit 0
		"$SRC/tools/build-test-image.sh"
	) 9>/tmp/berth-test-image.lock
}

_cleanup() {
	local rc=$?
	# A failed check fails the test, whatever an EXIT trap ran last.
	[ "${_fails:-0}" -gt 0 ] && [ "$rc" -eq 0 ] && rc=1
	if [ -n "$P" ]; then
		docker ps -aq --filter "label=com.docker.compose.project=$P" |
			xargs -r docker rm -f -v >/dev/null 2>&1
		docker network ls -q --filter "label=com.docker.compose.project=$P" |
			xargs -r docker network rm >/dev/null 2>&1
		docker volume ls -q --filter "label=com.docker.compose.project=$P" |
			xargs -r docker volume rm -f >/dev/null 2>&1
		# Images berth built for the project (they carry its label).
		docker images -q --filter "label=com.docker.compose.project=$P" |
			sort -u | xargs -r docker rmi -f >/dev/null 2>&1
	fi
	[ -n "$T" ] && rm -rf "$T"
	[ -n "$_diag" ] && rm -f "$_diag"
	exit "$rc"
}

# test_project: a project name no other test uses, and a scratch directory.
test_project() {
	require_engine
	ensure_test_image
	P="bt$$-$(basename "$0" .sh | tr -cd 'a-z0-9' | cut -c1-20)"
	T=$(mktemp -d "/tmp/berth-$P.XXXXXX")
	trap _cleanup EXIT
	trap 'exit 130' INT TERM
}

test_done() {
	echo "# $_checks checks, $_fails failed"
	[ "$_checks" -gt 0 ] || { echo "FAIL no checks ran"; exit 1; }
	[ "$_fails" -eq 0 ]
	exit $?
}

# run_ctr SERVICE NUMBER [docker run options] IMAGE COMMAND...: a detached
# container with the compose labels of service SERVICE, replica NUMBER,
# named as compose names it; -p "$P" alone then finds it, no file needed.
run_ctr() {
	local svc=$1 num=$2
	shift 2
	docker run -d --label "com.docker.compose.project=$P" \
		--label "com.docker.compose.service=$svc" \
		--label "com.docker.compose.container-number=$num" \
		--label com.docker.compose.oneoff=False \
		--name "$P-$svc-$num" "$@" >/dev/null
}

# wait_for_text FILE TEXT: up to 20 s for TEXT to appear in FILE; when
# it does not, what FILE holds is shown.
wait_for_text() {
	for _ in $(seq 1 100); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	diag "    waited 20 s for: $2"
	sed 's/^/    | /' "$1" >>"$_diag" 2>/dev/null
	return 1
}

# start_relay SCRIPT [ARG...]: python3 SCRIPT SOCKET ARG... in the
# background, SOCKET the engine's unix socket; the script prints the port
# it listens on, set in $port. Stopped when the test ends.
start_relay() {
	local script=$1 sock=/var/run/docker.sock
	shift
	case ${DOCKER_HOST:-} in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
	python3 "$script" "$sock" "$@" >port.txt 2>relay.err &
	_relay=$!
	# The test's status survives the kill (_cleanup exits with $?).
	trap 'rc=$?; kill $_relay 2>/dev/null; (exit $rc); _cleanup' EXIT
	for _ in $(seq 1 50); do [ -s port.txt ] && break; sleep 0.1; done
	port=$(head -n 1 port.txt)
}

# check_streams FN HOW: the hijacked streams of exec and run through FN
# (a function running berth against some engine; service box runs):
# output, exit status and stdin with its end, each way.
check_streams() {
	local fn=$1 how=$2
	expect "exec $how" "$fn" exec -T box sh -c 'echo from-exec'
	check_eq "exec's output came back" "$OUT" from-exec
	"$fn" exec -T box sh -c 'exit 6' >/dev/null 2>&1
	check_eq "exec's exit status came back" "$?" 6
	check_eq "stdin went in, and its end" \
		"$(printf 'line one\nline two\n' | "$fn" exec -T box sh -c 'wc -l')" 2
	check_eq "a long output arrives whole" \
		"$("$fn" exec -T box sh -c 'seq 1 20000' | wc -l)" 20000
	check_eq "a long input goes in whole, then its end" \
		"$(seq 1 300000 | "$fn" exec -T box sh -c 'wc -l')" 300000
	expect "run --rm $how" "$fn" run --rm -T box sh -c 'echo from-run'
	check_contains "run's output came back" "$OUT" from-run
	"$fn" run --rm -T box sh -c 'exit 4' >/dev/null 2>&1
	check_eq "run's exit status came back" "$?" 4
}
