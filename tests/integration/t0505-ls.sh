#!/usr/bin/env bash
# berth ls: projects with their state counts and config files; -a, -q,
# --format json, --filter name=.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    scale: 2
  job:
    image: $TEST_IMAGE
    command: ["true"]
EOF
expect "up -d" berth up -d
sleep 1

expect "ls" berth ls
check_eq "the header" "$(printf '%s\n' "$OUT" | head -n1 | tr -s ' ')" \
	"NAME STATUS CONFIG FILES"
line=$(printf '%s\n' "$OUT" | grep "^$P ")
check_contains "the project's running containers" "$line" "running(2)"
check_contains "its compose file" "$line" "$T/compose.yaml"
check_not_contains "stopped ones not counted without -a" "$line" "exited"

expect "ls -a" berth ls -a
line=$(printf '%s\n' "$OUT" | grep "^$P ")
check_contains "-a counts each state, sorted" "$line" "exited(1), running(2)"

expect "ls -q --filter" berth ls -q --filter "name=^$P\$"
check_eq "-q prints the name" "$OUT" "$P"
expect "ls --filter name= matches a part" berth ls -q --filter "name=${P#bt}"
check_contains "a substring matches" "$OUT" "$P"
expect "ls --filter with no match" berth ls -q --filter "name=^$P-nothing\$"
check_eq "no project" "$OUT" ""

expect "ls --format json" berth ls --format json --filter "name=^$P\$"
check_eq "a JSON array" "$OUT" \
	"[{\"Name\":\"$P\",\"Status\":\"running(2)\",\"ConfigFiles\":\"$T/compose.yaml\"}]"

expect_fail "ls with an unknown filter" berth ls --filter label=x
check_eq "is a usage error" "$RC" 125

expect "stop" berth stop
expect "ls" berth ls -q
check_not_contains "a stopped project is not listed" "$OUT" "$P"
expect "ls -a" berth ls -a -q
check_contains "but is with -a" "$OUT" "$P"

test_done
