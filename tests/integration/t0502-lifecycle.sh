#!/usr/bin/env bash
# stop, start, restart, kill, pause, unpause: the states they leave, the
# dependency order (stop dependents first, start dependencies first),
# restart's `restart: true` dependents, with a compose file and by name
# only; the progress output in each --progress mode.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
x-svc: &svc
  image: $TEST_IMAGE
  command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
services:
  db:
    <<: *svc
  web:
    <<: *svc
    depends_on:
      db:
        condition: service_started
        restart: true
  worker:
    <<: *svc
    depends_on: [db]
EOF

state() { docker inspect -f '{{.State.Status}}' "$P-$1-1"; }
started() { docker inspect -f '{{.State.StartedAt}}' "$P-$1-1"; }
# line number of the first progress line matching PATTERN in $OUT
line_of() { printf '%s\n' "$OUT" | grep -n -- "$1" | head -n1 | cut -d: -f1; }
# before A B: the line matching A comes before the one matching B
before() {
	local a b
	a=$(line_of "$1")
	b=$(line_of "$2")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

expect "up -d" berth up -d
check_eq "db runs" "$(state db)" running

expect "stop" berth --progress plain stop
check_eq "db is stopped" "$(state db)" exited
check_eq "web is stopped" "$(state web)" exited
check_eq "worker is stopped" "$(state worker)" exited
check_contains "plain progress names the container" "$OUT" \
	" Container $P-web-1  Stopped"
check "web stops before db starts stopping" \
	before "Container $P-web-1  Stopped" "Container $P-db-1  Stopping"
check "worker stops before db starts stopping" \
	before "Container $P-worker-1  Stopped" "Container $P-db-1  Stopping"

expect "start" berth --progress plain start
check_eq "db runs again" "$(state db)" running
check_eq "web runs again" "$(state web)" running
check "db starts before web" \
	before "Container $P-db-1  Started" "Container $P-web-1  Starting"

expect "stop one service" berth stop web
check_eq "web is stopped" "$(state web)" exited
check_eq "db still runs" "$(state db)" running
expect "start one service" berth start web
check_eq "web runs" "$(state web)" running
expect "start what runs already" berth start db
check_eq "db still runs" "$(state db)" running

expect_fail "stop -t with a bad value" berth stop -t soon
check_eq "is a usage error" "$RC" 125
expect "stop -t 0" berth stop -t 0 worker
check_eq "worker stopped at once" "$(state worker)" exited
expect "start worker" berth start worker

# restart: dependents with restart: true follow, others do not.
w0=$(started web)
k0=$(started worker)
d0=$(started db)
sleep 1
expect "restart db" berth --progress plain restart db
check "db restarted" test "$(started db)" != "$d0"
check "web (restart: true) restarted too" test "$(started web)" != "$w0"
check_eq "worker (restart: false) did not" "$(started worker)" "$k0"
check "db restarts before web" \
	before "Container $P-db-1  Started" "Container $P-web-1  Restarting"
w1=$(started web)
d1=$(started db)
sleep 1
expect "restart --no-deps db" berth restart --no-deps -t 1 db
check "db restarted" test "$(started db)" != "$d1"
check_eq "web did not" "$(started web)" "$w1"

# kill: SIGKILL by default, -s for another signal.
expect "kill -s SIGTERM web" berth kill -s SIGTERM web
sleep 1
check_eq "web ended" "$(state web)" exited
check_eq "it handled SIGTERM" \
	"$(docker inspect -f '{{.State.ExitCode}}' "$P-web-1")" 0
expect "kill" berth kill worker
sleep 1
check_eq "worker was SIGKILLed" \
	"$(docker inspect -f '{{.State.ExitCode}}' "$P-worker-1")" 137
expect "kill with nothing running" berth kill web
check_contains "says so" "$OUT" "no container to kill"
expect_fail "kill -s with a bad signal" berth kill -s 'SIG KILL'
check_eq "is a usage error" "$RC" 125

# pause and unpause.
expect "pause" berth pause
check_eq "db is paused" "$(state db)" paused
expect "pause again" berth pause
expect "ps shows paused" berth ps --format json db
check_contains "State paused" "$OUT" '"State":"paused"'
expect "unpause" berth unpause
check_eq "db runs" "$(state db)" running

# By name only, from elsewhere: the order comes from depends_on labels.
expect "start all again" berth start
cd / || exit 1
expect "stop by name only" berth -p "$P" --progress plain stop
check_eq "web is stopped" "$(state web)" exited
check "by name, web still stops before db" \
	before "Container $P-web-1  Stopped" "Container $P-db-1  Stopping"
expect "start by name only" berth -p "$P" --progress plain start
check "by name, db starts before web" \
	before "Container $P-db-1  Started" "Container $P-web-1  Starting"
expect_fail "an unknown service by name" berth -p "$P" stop nosuch
check_contains "is an error" "$OUT" "no such service: nosuch"
cd "$T" || exit 1

# Progress modes.
expect "--progress quiet" berth --progress quiet stop worker
check_eq "quiet prints nothing" "$OUT" ""
expect "--progress json" berth --progress json start worker
check_contains "json progress" "$OUT" \
	"{\"id\":\"Container $P-worker-1\",\"text\":\"Started\"}"
if command -v script >/dev/null; then
	OUT=$(script -qec "$BERTH stop worker" /dev/null </dev/null 2>&1)
	check_contains "a terminal gets the tty display" "$OUT" "[+] Stopping 1/1"
	check_contains "with a check mark" "$OUT" "✔"
	check_contains "and the container" "$OUT" "Container $P-worker-1"
	OUT=$(script -qec "$BERTH --ansi never start worker" /dev/null </dev/null 2>&1)
	check_not_contains "--ansi never: no escapes" "$OUT" $'\033['
else
	_report fail "script(1) is needed for the tty checks"
fi

# --dry-run: the same display, nothing changes.
expect "start all" berth start
expect "--dry-run stop" berth --dry-run --progress plain stop
check_contains "says what it would do" "$OUT" \
	"DRY-RUN MODE -  Container $P-web-1  Stopped"
check_eq "but db still runs" "$(state db)" running
check_eq "and web" "$(state web)" running

# kill leaves orphans alone unless --remove-orphans.
docker run -d --label com.docker.compose.project="$P" \
	--label com.docker.compose.service=ghost \
	--label com.docker.compose.container-number=1 \
	--label com.docker.compose.oneoff=False \
	--name "$P-ghost-1" "$TEST_IMAGE" sleep 300 >/dev/null
expect "kill db web worker" berth kill
check_eq "the orphan still runs" "$(state ghost)" running
expect "kill --remove-orphans" berth kill --remove-orphans
check_eq "the orphan was killed" "$(state ghost)" exited

# start needs containers to start.
cat >>compose.yaml <<EOF
  late:
    <<: *svc
EOF
expect_fail "start a service never created" berth start late
check_contains "is an error" "$OUT" 'service "late" has no container to start'

test_done
