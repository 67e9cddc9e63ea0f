#!/usr/bin/env bash
# Lifecycle hooks: post_start runs in the container (through the exec API)
# after up starts it, with the hook's user, working_dir and environment,
# and not again on a no-op up; start and restart run it too. pre_stop runs
# before stop, restart, down and a recreate stop the container, and only
# in a running one. A hook exiting non-zero fails the command with an
# error naming the service, the container and the status, and the hook's
# last output lines.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    volumes: [data:/data]
    post_start:
      - command: sh -c 'mkdir -p /hk && chmod 777 /hk'
      - command: sh -c 'echo "\$\$GREETING \$\$(id -u) \$\$(pwd)" >> /hk/started'
        user: "1000"
        working_dir: /etc
        environment:
          GREETING: hello
      - command: ["echo", "post-start says hi"]
    pre_stop:
      - command: ["sh", "-c", "date +%s%N >> /data/stopped; echo pre-stop says bye"]
volumes:
  data: {}
EOF

cat >bad.yaml <<EOF
name: $P
services:
  bad:
    image: $TEST_IMAGE
    command: ["sleep", "300"]
    post_start:
      - command: ["sh", "-c", "echo from-the-hook; exit 3"]
EOF

cat >badstop.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    pre_stop:
      - command: ["sh", "-c", "echo cannot-stop; exit 4"]
EOF

cat >hang.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
    post_start:
      - command: ["sleep", "600"]
EOF

state() { docker inspect -f '{{.State.Status}}' "$1"; }
stops() {
	docker run --rm -v "${P}_data:/data" "$TEST_IMAGE" \
		sh -c 'cat /data/stopped 2>/dev/null | wc -l'
}
started_lines() { docker exec "$P-web-1" cat /hk/started; }

expect "up -d runs post_start" berth up -d
check_eq "the hook wrote its file, as user 1000, in working_dir, with its env" \
	"$(started_lines)" "hello 1000 /etc"
id1=$(docker inspect -f '{{.Id}}' "$P-web-1")

expect "a second up -d" berth up -d
check_eq "the container is untouched" \
	"$(docker inspect -f '{{.Id}}' "$P-web-1")" "$id1"
check_eq "no hook ran again" "$(started_lines)" "hello 1000 /etc"

expect "stop runs pre_stop" berth stop
check_eq "the container is stopped" "$(state "$P-web-1")" exited
check_eq "pre_stop wrote to the volume once" "$(stops)" 1

expect "stop of a stopped container" berth stop
check_eq "no pre_stop in a container that is not running" "$(stops)" 1

expect "start runs post_start" berth start
check_eq "post_start ran on start" "$(started_lines | wc -l)" 2

expect "restart runs pre_stop and post_start" berth restart
check_eq "pre_stop ran on restart" "$(stops)" 2
check_eq "post_start ran on restart" "$(started_lines | wc -l)" 3

expect "up -d --force-recreate" berth up -d --force-recreate
check_eq "pre_stop ran before the recreate stopped the old container" \
	"$(stops)" 3
check_eq "post_start ran in the new container" "$(started_lines)" \
	"hello 1000 /etc"

expect "down runs pre_stop" berth down
check "the container is gone" \
	sh -c "! docker inspect '$P-web-1' >/dev/null 2>&1"
check_eq "pre_stop ran on down" "$(stops)" 4

# Ctrl-C in an attached up runs pre_stop before it stops the container.
"$BERTH" up >"$T/attached.txt" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
	[ "$(started_lines 2>/dev/null)" = "hello 1000 /etc" ] && break
	sleep 0.2
done
check_eq "attached up ran post_start" "$(started_lines)" "hello 1000 /etc"
kill -INT "$pid"
wait "$pid"
check_eq "Ctrl-C: status 130" "$?" 130
check_eq "pre_stop ran before the Ctrl-C stop" "$(stops)" 5
check_eq "and the container stopped" "$(state "$P-web-1")" exited
check "post_start's output in the log stream, as compose shows it" \
	grep -qE '^web-1 -> +\| post-start says hi$' "$T/attached.txt"
check "pre_stop's output too" \
	grep -qE '^web-1 -> +\| pre-stop says bye$' "$T/attached.txt"
check_eq "each once" "$(grep -c 'says' "$T/attached.txt")" 2
expect "down" berth down

# Attached, a failing hook's output was shown as it ran: not again.
"$BERTH" -f bad.yaml up >"$T/bad.txt" 2>&1
check "attached up with a failing post_start fails" test $? -ne 0
check_eq "the hook's output is shown once" \
	"$(grep -c 'from-the-hook' "$T/bad.txt")" 1
check_contains "and the error follows" "$(cat "$T/bad.txt")" \
	"post_start hook of service \"bad\" exited with status 3"
expect "down" berth -f bad.yaml down

# A failing post_start fails up, naming service, container and status.
expect_fail "up -d with a failing post_start" berth -f bad.yaml up -d
check_contains "the error names service, container and status" "$OUT" \
	"post_start hook of service \"bad\" exited with status 3 in container \"$P-bad-1\""
check_contains "the hook's output follows, prefixed" "$OUT" \
	"bad-1 -> | from-the-hook"
expect "down" berth -f bad.yaml down

# A failing pre_stop fails stop and leaves the container running.
expect "up -d" berth -f badstop.yaml up -d
expect_fail "stop with a failing pre_stop" berth -f badstop.yaml stop
check_contains "the error names the pre_stop hook" "$OUT" \
	"pre_stop hook of service \"web\" exited with status 4 in container \"$P-web-1\""
check_contains "its output follows" "$OUT" "web-1 -> | cannot-stop"
check_eq "the container still runs" "$(state "$P-web-1")" running

# Ctrl-C while a hook runs: up stops waiting for it, as for a health
# check, instead of hanging until the hook ends.
"$BERTH" -f hang.yaml up -d >"$T/hang.txt" 2>&1 &
pid=$!
check "the hanging hook runs" wait_for_text "$T/hang.txt" "web-1  Starting"
sleep 1
start=$(date +%s)
kill -INT "$pid"
wait "$pid"
check_eq "Ctrl-C during a hook: status 130" "$?" 130
check "at once" test $(($(date +%s) - start)) -lt 5
check_contains "the start says it was interrupted" "$(cat "$T/hang.txt")" \
	"Container $P-web-1  Error interrupted"
expect "down" berth -f hang.yaml down -t 0

test_done
