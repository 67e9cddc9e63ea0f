#!/usr/bin/env bash
# Changing one service recreates only it, plan names the changed field
# beforehand, and data in named and anonymous volumes survives; -V gives
# fresh anonymous volumes.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

write() {
	cat >compose.yaml <<YAML
services:
  app:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    environment:
      FOO: $1
    volumes:
      - data:/data
      - /anon
  other:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
volumes:
  data: {}
YAML
}

write bar
expect "up -d" berth -p "$P" up -d
app_id=$(docker inspect -f '{{.Id}}' "$P-app-1")
other_id=$(docker inspect -f '{{.Id}}' "$P-other-1")
docker exec "$P-app-1" sh -c 'echo named >/data/f; echo anon >/anon/f'

write baz
"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2" "$?" 2
check_contains "plan names the changed field" "$(cat plan.out)" \
	"recreate  $P-app-1  environment.FOO changed (bar -> baz)"
check_not_contains "the other service is left alone" "$(cat plan.out)" "$P-other-1"

expect "up -d recreates" berth -p "$P" up -d
check_contains "progress says recreated" "$OUT" "Container $P-app-1  Recreated"
check "app got a new container" test "$(docker inspect -f '{{.Id}}' "$P-app-1")" != "$app_id"
check_eq "other kept its container" "$(docker inspect -f '{{.Id}}' "$P-other-1")" "$other_id"
check_eq "the new environment" "$(docker exec "$P-app-1" sh -c 'echo $FOO')" baz
check_eq "named volume data survives" "$(docker exec "$P-app-1" cat /data/f)" named
check_eq "anonymous volume data survives" "$(docker exec "$P-app-1" cat /anon/f)" anon
check_eq "the replace label names the old container" \
	"$(docker inspect -f '{{index .Config.Labels "com.docker.compose.replace"}}' "$P-app-1")" "$P-app-1"
check_eq "no temporary container is left" \
	"$(docker ps -a --filter "label=com.docker.compose.project=$P" --format '{{.Names}}' | grep -c _)" 0
expect "plan is empty afterwards" berth -p "$P" plan

expect "--force-recreate" berth -p "$P" up -d --force-recreate other
check "other was recreated" test "$(docker inspect -f '{{.Id}}' "$P-other-1")" != "$other_id"

expect "-V renews anonymous volumes" berth -p "$P" up -d -V app
check_eq "named volume data still there" "$(docker exec "$P-app-1" cat /data/f)" named
check "anonymous volume is new" test -z "$(docker exec "$P-app-1" sh -c 'cat /anon/f 2>/dev/null')"

# A container made by another tool (foreign hash) that matches the file
# is not recreated; berth compares it field by field.
docker rm -f "$P-other-1" >/dev/null
docker create --name "$P-other-1" --init \
	--label com.docker.compose.project="$P" --label com.docker.compose.service=other \
	--label com.docker.compose.container-number=1 --label com.docker.compose.oneoff=False \
	--label com.docker.compose.config-hash=0123456789abcdef \
	--network "${P}_default" --network-alias other \
	"$TEST_IMAGE" sleep 1000 >/dev/null
docker start "$P-other-1" >/dev/null
foreign=$(docker inspect -f '{{.Id}}' "$P-other-1")
expect "plan leaves a matching foreign container alone" berth -p "$P" plan
expect "up -d" berth -p "$P" up -d
check_eq "the foreign container is kept" "$(docker inspect -f '{{.Id}}' "$P-other-1")" "$foreign"

# restart: true restarts a dependent around its dependency's recreate;
# network_mode: service:X follows X into a new container.
cat >compose.yaml <<YAML
services:
  db:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    environment: {V: "1"}
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    depends_on:
      db: {condition: service_started, restart: true}
  side:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    network_mode: "service:db"
YAML
expect "up -d" berth -p "$P" up -d --remove-orphans -t 0
web_id=$(docker inspect -f '{{.Id}}' "$P-web-1")
web_started=$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")
sed -i 's/V: "1"/V: "2"/' compose.yaml
expect_fail "plan" berth -p "$P" plan
check_contains "web is stopped for db's recreate" "$OUT" "stop      $P-web-1   db is recreated (restart: true)"
check_contains "side follows db" "$OUT" "recreate  $P-side-1  db is recreated (network_mode)"
expect "up -d" berth -p "$P" up -d -t 0
check_eq "web keeps its container" "$(docker inspect -f '{{.Id}}' "$P-web-1")" "$web_id"
check "but was restarted" test "$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")" != "$web_started"
check_eq "side shares db's network namespace" \
	"$(docker inspect -f '{{.HostConfig.NetworkMode}}' "$P-side-1")" \
	"container:$(docker inspect -f '{{.Id}}' "$P-db-1")"
check_eq "side runs" "$(docker inspect -f '{{.State.Running}}' "$P-side-1")" true

test_done
