#!/usr/bin/env bash
# The CLI skeleton: version against the real engine, errors, help.
. "$(dirname "$0")/lib.sh"
test_project

expect "berth version talks to the engine" berth version
check_contains "berth's version is printed" "$OUT" "berth version "
engine_version=$(engine_curl http://localhost/version |
	sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n1)
check_contains "the engine's version is printed" "$OUT" "Engine: $engine_version"
check_contains "the API version is printed" "$OUT" "API "

expect "version --format json" berth version --format json
check_contains "json has the engine version" "$OUT" "\"version\":\"$engine_version\""

expect "version --short needs no engine" env DOCKER_HOST=unix:///nonexistent "$BERTH" version --short
expect "-v needs no engine" env DOCKER_HOST=unix:///nonexistent "$BERTH" -v
check_contains "-v prints the version" "$OUT" "berth version"

expect_fail "an unreachable engine fails" env DOCKER_HOST=unix:///nonexistent "$BERTH" version
check_contains "it names the engine address" "$OUT" \
	"berth: cannot reach the Docker engine at unix:///nonexistent: "
check_eq "exit status is 1" "$RC" 1

expect_fail "tcp engine that is not there" env DOCKER_HOST=tcp://127.0.0.1:1 "$BERTH" version
check_contains "it names the tcp address" "$OUT" "cannot reach the Docker engine at tcp://127.0.0.1:1"

expect_fail "an unsupported DOCKER_HOST is refused" env DOCKER_HOST=ssh://x "$BERTH" version
check_contains "it says why" "$OUT" 'unsupported DOCKER_HOST "ssh://x"'

expect_fail "an unknown command fails" berth frobnicate
check_contains "it names the command" "$OUT" 'unknown command "frobnicate"'
check_eq "usage errors exit 125" "$RC" 125

expect_fail "an unknown global option fails" berth --frob version
check_contains "usage is shown" "$OUT" "Usage: berth"

expect_fail "an unknown command option fails" berth version --frob
check_contains "the command's usage is shown" "$OUT" "Usage: berth version"

expect_fail "no command at all is a usage error" berth
check_contains "it prints the usage" "$OUT" "Usage: berth"

expect "berth --help" berth --help
check_contains "help lists commands" "$OUT" "version"

# Every listed command answers --help with its own usage.
for cmd in $("$BERTH" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	expect "berth $cmd --help" berth "$cmd" --help
	check_contains "$cmd --help shows its usage" "$OUT" "Usage: berth $cmd"
done

test_done
