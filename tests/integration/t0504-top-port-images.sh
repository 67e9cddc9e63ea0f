#!/usr/bin/env bash
# berth top, port and images.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 301 & wait"]
    ports:
      - "127.0.0.1::80"
      - "127.0.0.1::53/udp"
    scale: 2
  db:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 302 & wait"]
EOF
expect "up -d" berth up -d

expect "top" berth top
check_contains "a block per container, named" "$OUT" "$P-db-1"
check_contains "the second replica" "$OUT" "$P-web-2"
check_contains "ps columns" "$OUT" "UID"
check_contains "PID column" "$OUT" "PID"
check_contains "the processes" "$OUT" "sleep 302"
check_contains "web's processes" "$OUT" "sleep 301"
expect "top SERVICE" berth top db
check_not_contains "only that service" "$OUT" "sleep 301"
expect_fail "top of an unknown service" berth top nosuch
check_contains "is an error" "$OUT" "no such service: nosuch"

p1=$(docker port "$P-web-1" 80/tcp | head -n1)
expect "port" berth port web 80
check_eq "the address docker reports" "$OUT" "$p1"
p2=$(docker port "$P-web-2" 80/tcp | head -n1)
expect "port --index 2" berth port --index 2 web 80
check_eq "the second replica's" "$OUT" "$p2"
pu=$(docker port "$P-web-1" 53/udp | head -n1)
expect "port --protocol udp" berth port --protocol udp web 53
check_eq "the udp binding" "$OUT" "$pu"
expect_fail "a port not published" berth port web 81
check_contains "is an error naming the container" "$OUT" \
	"no port 81/tcp for container $P-web-1"
expect_fail "port of a service that publishes nothing" berth port db 80
check_contains "says which" "$OUT" "no port 80/tcp for container $P-db-1"
expect_fail "port --index 3" berth port --index 3 web 80
check_contains "says the number" "$OUT" \
	'service "web" is not running container #3'
expect_fail "port with a bad port" berth port web eighty
check_eq "is a usage error" "$RC" 125

id=$(docker image inspect -f '{{.Id}}' "$TEST_IMAGE")
expect "images" berth images
check_eq "a header and a line per container" \
	"$(printf '%s\n' "$OUT" | wc -l)" 4
check_eq "the header" "$(printf '%s\n' "$OUT" | head -n1 | tr -s ' ')" \
	"CONTAINER REPOSITORY TAG IMAGE ID SIZE"
check_contains "the repository and tag" "$OUT" "berth-test/busybox   latest"
check_contains "the short image ID" "$OUT" "$(echo "${id#sha256:}" | cut -c1-12)"
check_contains "the size" "$OUT" "MB"
expect "images -q" berth images -q
check_eq "each image once, full ID" "$OUT" "${id#sha256:}"
expect "images --format json" berth images --format json
check_contains "json" "$OUT" "\"ContainerName\":\"$P-db-1\""
check_contains "json ID" "$OUT" "\"ID\":\"$id\""
check_contains "json Repository" "$OUT" '"Repository":"berth-test/busybox"'
expect "images SERVICE" berth images db
check_not_contains "only that service" "$OUT" "$P-web-1"

test_done
