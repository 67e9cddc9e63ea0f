#!/usr/bin/env bash
# berth start waits for depends_on conditions, as docker compose does: a
# service starts once its dependency is healthy, or has completed; a
# dependency that fails stops the start with compose's message; the
# conditions also come from the labels when only -p is given.
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
    command: ["sh", "-c", "exit \${INIT_EXIT:-0}"]
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
EOF
line_of() { printf '%s\n' "$OUT" | grep -n -- "$1" | head -n1 | cut -d: -f1; }
before() {
	local a b
	a=$(line_of "$1")
	b=$(line_of "$2")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

# Created, not started: start does the waiting.
expect "up --no-start" berth up --no-start
expect "start" berth --progress plain start
check "db is healthy before web starts" \
	before "Container $P-db-1  Healthy" "Container $P-web-1  Starting"
check "init completed before web starts" \
	before "Container $P-init-1  Exited" "Container $P-web-1  Starting"
check_eq "db is healthy now" \
	"$(docker inspect -f '{{.State.Health.Status}}' "$P-db-1")" healthy
check_eq "web runs" "$(docker inspect -f '{{.State.Status}}' "$P-web-1")" running

expect "stop by name only" berth -p "$P" stop
cd / || exit 1
expect "start by name only" berth -p "$P" --progress plain start
check "the label's condition is waited for too" \
	before "Container $P-db-1  Healthy" "Container $P-web-1  Starting"
cd "$T" || exit 1

# A dependency that does not complete successfully.
expect "stop" berth stop
docker rm -f "$P-init-1" >/dev/null
expect "recreate init failing" env INIT_EXIT=3 "$BERTH" up --no-start init
expect_fail "start with a failing dependency" berth start
check_contains "compose's message" "$OUT" \
	"service \"init\" didn't complete successfully: exit 3"
check_eq "web was not started" \
	"$(docker inspect -f '{{.State.Status}}' "$P-web-1")" exited

test_done
