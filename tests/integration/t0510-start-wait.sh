#!/usr/bin/env bash
# start --wait waits, as up --wait does, until the started services are
# running and healthy (a one-shot others depend on may have exited 0); a
# container that exits or a --wait-timeout that passes fails it. With only
# -p (no compose file) it works from the labels.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
services:
  db:
    image: $TEST_IMAGE
    command: ["sh", "-c", "rm -f /ready; trap 'exit 0' TERM; sleep 2; touch /ready; sleep 300 & wait"]
    healthcheck:
      test: ["CMD", "test", "-f", "/ready"]
      interval: 1s
      retries: 30
  init:
    image: $TEST_IMAGE
    command: ["true"]
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    depends_on:
      init:
        condition: service_completed_successfully
  crash:
    image: $TEST_IMAGE
    command: ["sh", "-c", "sleep 0.5; exit 3"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
    profiles: [bad]
  slow:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1000
    profiles: [bad]
EOF

expect "up --no-start" berth up --no-start
expect "start --wait" berth --progress plain start --wait
check_contains "waits for db" "$OUT" "Service db  Ready"
check_contains "and for web" "$OUT" "Service web  Ready"
check_contains "init, which web needs completed, may have exited" "$OUT" "Service init  Ready"
check_eq "db is healthy when start returns" \
	"$(docker inspect -f '{{.State.Health.Status}}' "$P-db-1")" healthy

expect "stop" berth stop -t 1
cd / || exit 1
expect "start --wait by name only" berth -p "$P" --progress plain start --wait db
check_contains "from the labels" "$OUT" "Service db  Ready"
check_eq "db is healthy" \
	"$(docker inspect -f '{{.State.Health.Status}}' "$P-db-1")" healthy
cd "$T" || exit 1

expect "create the bad ones" berth --profile bad up --no-start crash slow
expect_fail "start --wait of a container that exits" berth --profile bad start --wait crash
check_eq "exit 1" "$RC" 1
check_contains "says which and how" "$OUT" "container $P-crash-1 exited with code 3"

start=$(date +%s)
expect_fail "start --wait-timeout" berth --profile bad start --wait --wait-timeout 2 slow
check_contains "says it is not ready" "$OUT" "service \"slow\" not ready after 2s"
check "gives up after about 2 s" test $(($(date +%s) - start)) -lt 10
check_eq "the container was started all the same" \
	"$(docker inspect -f '{{.State.Running}}' "$P-slow-1")" true

expect_fail "a bad --wait-timeout" berth start --wait --wait-timeout soon
check_eq "is a usage error" "$RC" 125

expect "down" berth --profile bad down -t 0
test_done
