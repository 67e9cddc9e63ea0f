#!/usr/bin/env bash
# Two berth up runs on one project do not duplicate containers (the
# project lock); Ctrl-C during up exits 130 and a new up converges; a
# recreate interrupted between its steps is finished by the next up.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

{
	echo "services:"
	for i in 1 2 3 4 5 6; do
		cat <<YAML
  s$i:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
YAML
	done
} >compose.yaml

"$BERTH" -p "$P" up -d >a.out 2>&1 &
a=$!
"$BERTH" -p "$P" up -d >b.out 2>&1 &
b=$!
wait $a
ra=$?
wait $b
rb=$?
check_eq "first up succeeds" "$ra" 0
check_eq "second up succeeds" "$rb" 0
check_eq "six containers, no duplicates" \
	"$(docker ps -a --filter "label=com.docker.compose.project=$P" --format '{{.Names}}' | sort | uniq | wc -l)" 6
check_eq "six containers in all" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l)" 6
check_contains "one run waited for the other" "$(cat a.out b.out)" \
	"another berth is changing project \"$P\" (pid "
expect "down" berth -p "$P" down -t 0

# Interrupt while up waits for a slow health check.
cat >compose.yaml <<YAML
services:
  db:
    image: $TEST_IMAGE
    command: ["sh", "-c", "mkdir -p /tmp; exec sleep 1000"]
    init: true
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 300ms
      retries: 3
      # Failures in the start period do not count: db never turns
      # unhealthy however slow the machine, and is healthy once the test
      # creates /tmp/ok.
      start_period: 10m
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on:
      db: {condition: service_healthy}
YAML
"$BERTH" -p "$P" up -d >int.out 2>&1 &
pid=$!
# Interrupt once up waits for db to be healthy: it becomes healthy only
# when the test says so, however slow the machine.
for _ in $(seq 600); do
	grep -q "Service db  Waiting" int.out && break
	sleep 0.05
done
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
end=$(date +%s)
check_eq "an interrupted up exits 130" "$rc" 130
check "it stops at once, without waiting for the health check" test $((end - start)) -lt 8
check_contains "the wait says it was interrupted" "$(cat int.out)" "Service db  Error interrupted"
check "web was not started" test "$(docker inspect -f '{{.State.Running}}' "$P-web-1" 2>/dev/null)" != true
docker exec "$P-db-1" touch /tmp/ok
expect "up again converges" berth -p "$P" up -d
check_eq "web runs" "$(docker inspect -f '{{.State.Running}}' "$P-web-1")" true
check_eq "db is healthy" "$(docker inspect -f '{{.State.Health.Status}}' "$P-db-1")" healthy
expect "and nothing is left to do" berth -p "$P" plan

# Ctrl-C at any moment of the wait, also while a check of db is in
# flight (a health probe every 10 ms keeps those going): up always
# gives up at once. Eight tries at varied moments.
cat >intr.yaml <<YAML
name: $P-intr
services:
  db:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 10ms
      retries: 3
      start_period: 10m
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on:
      db: {condition: service_healthy}
YAML
hangs=0
for i in 1 2 3 4 5 6 7 8; do
	"$BERTH" -f intr.yaml up -d >intr.out 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q "Service db  Waiting" intr.out && break
		sleep 0.05
	done
	sleep "0.$((i - 1))"
	kill -INT "$pid"
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		hangs=$((hangs + 1))
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
done
check_eq "an interrupted wait never hangs (of 8)" "$hangs" 0
berth -f intr.yaml down -t 0 >/dev/null 2>&1

# A recreate interrupted after the new container was made and the old
# one removed: the temporary <id>_<name> container is renamed next time.
old_id=$(docker inspect -f '{{.Id}}' "$P-web-1")
mapfile -t labels < <(docker inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{"\n"}}{{end}}' "$P-web-1" | sed '/^$/d')
args=()
for l in "${labels[@]}"; do args+=(--label "$l"); done
tmp="${old_id:0:12}_$P-web-1"
docker create --name "$tmp" "${args[@]}" --label "com.docker.compose.replace=$P-web-1" \
	--init --network "${P}_default" "$TEST_IMAGE" sleep 1000 >/dev/null
expect_fail "plan sees the leftover while the old one exists" berth -p "$P" plan
check_contains "it would be removed" "$OUT" "remove    $tmp"
docker rm -f "$P-web-1" >/dev/null
expect_fail "plan sees the unfinished recreate" berth -p "$P" plan
check_contains "it would be renamed" "$OUT" "rename    $P-web-1"
expect "up finishes it" berth -p "$P" up -d
check_eq "web-1 is back" "$(docker inspect -f '{{.State.Running}}' "$P-web-1")" true
check "no temporary container is left" test -z "$(docker ps -aq --filter name="$tmp")"

test_done
