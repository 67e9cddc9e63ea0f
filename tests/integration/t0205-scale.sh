#!/usr/bin/env bash
# Scaling keeps numbers stable: new containers get max+1, scaling down
# removes the highest numbers first, the others are left alone.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

cat >compose.yaml <<YAML
services:
  w:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    deploy:
      replicas: 2
YAML

names() {
	docker ps -a --filter "label=com.docker.compose.project=$P" --format '{{.Names}}' | sort | tr '\n' ' '
}

expect "up -d with deploy.replicas 2" berth -p "$P" up -d
check_eq "two containers" "$(names)" "$P-w-1 $P-w-2 "
id1=$(docker inspect -f '{{.Id}}' "$P-w-1")

expect "--scale w=4" berth -p "$P" up -d --scale w=4
check_eq "four containers" "$(names)" "$P-w-1 $P-w-2 $P-w-3 $P-w-4 "
check_eq "w-1 untouched" "$(docker inspect -f '{{.Id}}' "$P-w-1")" "$id1"
check_eq "number label" "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.container-number"}}' "$P-w-4")" 4

docker rm -f "$P-w-2" >/dev/null
expect "plan --scale w=3 after a gap" berth -p "$P" plan --scale w=3
check_eq "nothing to do: three remain" "$OUT" ""
expect_fail "plan --scale w=4 after a gap" berth -p "$P" plan --scale w=4
check_contains "the new one is numbered max+1" "$OUT" "create    $P-w-5  scale up"

expect "--scale w=1" berth -p "$P" up -d --scale w=1 -t 0
check_eq "the lowest number stays" "$(names)" "$P-w-1 "
check_eq "and is the same container" "$(docker inspect -f '{{.Id}}' "$P-w-1")" "$id1"

expect "back to the file's 2" berth -p "$P" up -d
check_eq "w-2 comes back as the next number" "$(names)" "$P-w-1 $P-w-2 "

expect_fail "--scale of an unknown service" berth -p "$P" up -d --scale nope=2
check_contains "is named" "$OUT" 'no such service: "nope"'

test_done
