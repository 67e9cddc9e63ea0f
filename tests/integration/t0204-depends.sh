#!/usr/bin/env bash
# depends_on conditions: service_healthy waits for the health check,
# service_completed_successfully fails up with the job's exit code,
# required: false turns failures into warnings, an unhealthy dependency
# is named with its last health check output.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

cat >compose.yaml <<YAML
services:
  db:
    image: $TEST_IMAGE
    command: ["sh", "-c", "sleep 2; mkdir -p /tmp; touch /tmp/ready; exec sleep 1000"]
    init: true
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 500ms
      retries: 60
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on:
      db: {condition: service_healthy}
YAML

expect "up -d waits for the healthy dependency" berth -p "$P" up -d
check_contains "progress shows the wait" "$OUT" "Service db  Healthy"
check_eq "db is healthy" "$(docker inspect -f '{{.State.Health.Status}}' "$P-db-1")" healthy
db_start=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$P-db-1")" +%s.%N)
web_start=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")" +%s.%N)
check "web started after db became healthy (2s)" \
	awk -v a="$db_start" -v b="$web_start" 'BEGIN { exit !(b - a >= 2) }'
expect "down" berth -p "$P" down -t 0

cat >compose.yaml <<YAML
services:
  job:
    image: $TEST_IMAGE
    command: ["sh", "-c", "exit 3"]
  app:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on:
      job: {condition: service_completed_successfully}
  other:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
YAML
expect_fail "a failing job fails up" berth -p "$P" up -d
check_eq "exit status 1" "$RC" 1
check_contains "the job and its exit code are named" "$OUT" \
	'service "job" didn'"'"'t complete successfully: exit 3'
check "app was not started" test "$(docker inspect -f '{{.State.Running}}' "$P-app-1" 2>/dev/null)" != true
check_eq "independent services still start" "$(docker inspect -f '{{.State.Running}}' "$P-other-1")" true

# required: false: a warning, and app starts anyway.
sed -i 's/job: {condition: service_completed_successfully}/job: {condition: service_completed_successfully, required: false}/' compose.yaml
expect "an optional failing job only warns" berth -p "$P" up -d
check_contains "the warning names it" "$OUT" "warning: service \"job\""
check_eq "app runs" "$(docker inspect -f '{{.State.Running}}' "$P-app-1")" true
expect "down" berth -p "$P" down -t 0

cat >compose.yaml <<YAML
services:
  bad:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    healthcheck:
      test: ["CMD-SHELL", "echo db is not ready; exit 1"]
      interval: 300ms
      retries: 2
  plain:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    depends_on:
      bad: {condition: service_healthy}
  api:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    depends_on:
      plain: {condition: service_healthy}
YAML
expect_fail "an unhealthy dependency fails up" berth -p "$P" up -d
check_contains "it is named, with its last health check" "$OUT" \
	"service \"bad\" is not ready: container $P-bad-1 is unhealthy; last health check: db is not ready"
check_contains "a dependency without healthcheck is named" "$OUT" \
	"service \"plain\" is not ready: container $P-plain-1 has no healthcheck"

test_done
