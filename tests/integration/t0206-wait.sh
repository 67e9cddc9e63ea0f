#!/usr/bin/env bash
# up --wait: returns once services run (or are healthy); an init container
# that exits 0 is fine when others depend on it completing; a timeout
# names each service that is not ready.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

cat >compose.yaml <<YAML
services:
  init:
    image: $TEST_IMAGE
    command: ["sh", "-c", "sleep 1; exit 0"]
  app:
    image: $TEST_IMAGE
    command: ["sh", "-c", "sleep 1; mkdir -p /tmp; touch /tmp/up; exec sleep 1000"]
    init: true
    depends_on:
      init: {condition: service_completed_successfully}
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/up"]
      interval: 300ms
YAML

expect "up --wait" berth -p "$P" up --wait
check_eq "app is healthy when up returns" "$(docker inspect -f '{{.State.Health.Status}}' "$P-app-1")" healthy
check_eq "init exited 0" "$(docker inspect -f '{{.State.ExitCode}}' "$P-init-1")" 0
expect "down" berth -p "$P" down -t 0

cat >compose.yaml <<YAML
services:
  slow:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    healthcheck:
      test: ["CMD", "false"]
      interval: 30s
      start_period: 60s
  quick:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
YAML
start=$(date +%s)
expect_fail "up --wait --wait-timeout 2 gives up" berth -p "$P" up --wait --wait-timeout 2
end=$(date +%s)
check "it gave up after about 2 seconds" test $((end - start)) -lt 10
# Why depends on how far a loaded engine got in 2 s: the container is
# starting, or not even started yet; either way the service is named.
check_contains "the slow service is named" "$OUT" \
	"service \"slow\" not ready after 2s: "
case $OUT in
*"$P-slow-1 is starting"* | *"not started yet"*) _report ok "with why" ;;
*) _report fail "with why" ;;
esac
check_not_contains "the quick one is not" "$OUT" 'service "quick" not ready'
check_contains "the summary line" "$OUT" "application not ready after 2s"

cat >compose.yaml <<YAML
services:
  crash:
    image: $TEST_IMAGE
    command: ["sh", "-c", "sleep 1; exit 4"]
    # Never healthy before it crashes: without a health check a container
    # counts as ready while it runs, and one that exits at once may be
    # seen running first (a race, in docker compose too).
    healthcheck:
      test: ["CMD-SHELL", "exit 1"]
      interval: 30s
YAML
expect_fail "up --wait with a crashing service fails" berth -p "$P" up --wait
check_contains "and says how it exited" "$OUT" "exited with code 4"

test_done
