#!/usr/bin/env bash
# up -d converges and a second up -d changes nothing: same container ids,
# `plan` exits 0, progress lines, labels docker can filter on.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

cat >compose.yaml <<YAML
services:
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on: [db]
    environment:
      FOO: bar
  db:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    scale: 2
YAML

"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 when something would change" "$?" 2
out=$(cat plan.out)
check_contains "plan creates the network" "$out" "create    network:${P}_default"
check_contains "plan creates web-1" "$out" "create    $P-web-1"
check_contains "and says why" "$out" "no container"

expect "up -d" berth -p "$P" up -d
check_contains "plain progress when stderr is not a terminal" "$OUT" "Container $P-web-1  Started"
check_not_contains "no tty marks in plain mode" "$OUT" "✔"
ids=$(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)
check_eq "docker ps by project label finds all three" "$(echo "$ids" | wc -l)" 3
check_eq "every container is running" \
	"$(docker ps --filter "label=com.docker.compose.project=$P" --format '{{.State}}' | sort -u)" running
names=$(docker ps --filter "label=com.docker.compose.project=$P" --format '{{.Names}}' | sort | tr '\n' ' ')
check_eq "names are project-service-number" "$names" "$P-db-1 $P-db-2 $P-web-1 "
check_eq "service label" "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$P-web-1")" web
check_eq "oneoff label" "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.oneoff"}}' "$P-web-1")" False
check_eq "depends_on label" "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.depends_on"}}' "$P-web-1")" \
	"db:service_started:false"
check_eq "config_files label" "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.project.config_files"}}' "$P-web-1")" \
	"$T/compose.yaml"
check_eq "environment" "$(docker exec "$P-web-1" sh -c 'echo $FOO')" bar
check_contains "on the project network" \
	"$(docker inspect -f '{{json .NetworkSettings.Networks}}' "$P-web-1")" "\"${P}_default\""
check_contains "with the service alias" \
	"$(docker inspect -f '{{json .NetworkSettings.Networks}}' "$P-web-1")" '"web"'

expect "plan after up says nothing" berth -p "$P" plan
check_eq "plan prints nothing" "$OUT" ""
expect "second up -d" berth -p "$P" up -d
check_contains "unchanged containers are reported running" "$OUT" "Container $P-web-1  Running"
check_not_contains "nothing is created" "$OUT" "Created"
check_not_contains "nothing is started" "$OUT" "Started"
check_not_contains "nothing is stopped" "$OUT" "Stopp"
ids2=$(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)
check_eq "container ids unchanged" "$ids2" "$ids"

expect "--progress quiet prints nothing" berth -p "$P" --progress quiet up -d
check_eq "quiet output" "$OUT" ""

expect "plan --format json" berth -p "$P" plan --format json
check_contains "json says no changes" "$OUT" '"changes":0'

# A stopped container is started again, and plan says so first.
docker stop -t 0 "$P-web-1" >/dev/null
"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 for a stopped container" "$?" 2
check_contains "plan starts web-1" "$(cat plan.out)" "start     $P-web-1"
check_contains "because it exited" "$(cat plan.out)" "container exited"
expect "up starts it" berth -p "$P" up -d
check_eq "web-1 runs again" "$(docker inspect -f '{{.State.Running}}' "$P-web-1")" true
check_eq "same container" "$(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)" "$ids"

expect "--dry-run changes nothing" berth -p "$P" --dry-run up -d --force-recreate
check_contains "dry run prints the plan" "$OUT" "recreate  $P-web-1"
check_eq "ids unchanged by the dry run" \
	"$(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)" "$ids"

expect "create makes containers without starting" berth -p "$P" create --scale db=3
check_eq "db-3 exists" "$(docker inspect -f '{{.State.Status}}' "$P-db-3")" created

expect "down" berth -p "$P" down -t 0
check_eq "no container left" "$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
check_eq "no network left" "$(docker network ls -q --filter "label=com.docker.compose.project=$P")" ""

test_done
