#!/usr/bin/env bash
# Attached `berth up`: output of every attached container from its first
# line (attached before start), stderr to stderr, exit lines, exit status
# rules (--exit-code-from, --abort-on-container-exit/-failure, attach
# filters), and Ctrl-C: once stops gracefully, twice kills; status 130.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

wait_for() {
	for _ in $(seq 1 150); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	# Shown under the FAIL line (diag, lib.sh).
	diag "    waited 30 s for: $2"
	sed 's/^/    | /' "$1" >>"$_diag"
	return 1
}

cat >compose.yaml <<EOF
services:
  db:
    image: $TEST_IMAGE
    command: sh -c 'echo db first line; echo db to stderr >&2; sleep 2; echo db done'
  web:
    image: $TEST_IMAGE
    depends_on: [db]
    command: sh -c 'echo web first line; sleep 0.5; exit 3'
  quiet:
    image: $TEST_IMAGE
    attach: false
    command: sh -c 'echo quiet says something'
EOF

berth -p "$P" up --exit-code-from web >"$T/out.txt" 2>"$T/err.txt"
check_eq "--exit-code-from web: web's code" "$?" 3
out=$(cat "$T/out.txt")
check_contains "Attaching to the attached containers" "$out" "Attaching to db-1, web-1"
check_not_contains "attach: false is not attached" "$out" "quiet-1"
check_contains "the very first line of db (attached before start)" "$out" "db-1   | db first line"
check_contains "the very first line of web" "$out" "web-1  | web first line"
check_contains "its exit is told" "$out" "web-1 exited with code 3"
check_contains "the abort is told" "$out" "Aborting on container exit..."
check_contains "stderr lines go to stderr" "$(cat "$T/err.txt")" "db-1   | db to stderr"
check_not_contains "and not to stdout" "$out" "db to stderr"
check_eq "the exit line follows the container's last line" \
	"$(grep -n 'web-1' "$T/out.txt" | tail -n 1 | cut -d: -f2-)" "web-1 exited with code 3"
check_eq "db was stopped by the abort" \
	"$(docker inspect -f '{{.State.Running}}' "$P-db-1")" false

# logs leaves attach: false services out unless they are named.
expect "logs with the compose file" berth -p "$P" -f compose.yaml logs
check_not_contains "logs skips attach: false" "$OUT" "quiet-1"
check_contains "and shows the others" "$OUT" "web-1  | web first line"
expect "logs of an attach: false service, named" berth -p "$P" -f compose.yaml logs quiet
check_contains "named, it is shown" "$OUT" "quiet-1  | quiet says something"

# Without abort flags: up ends when every attached container has exited,
# with status 0 whatever their codes.
berth -p "$P" up --no-color >"$T/out2.txt" 2>/dev/null
check_eq "plain up: status 0 after all exited" "$?" 0
check_contains "db ran to its end" "$(cat "$T/out2.txt")" "db-1   | db done"
check_contains "db's exit" "$(cat "$T/out2.txt")" "db-1 exited with code 0"

# --abort-on-container-failure: the first non-zero exit ends it all.
berth -p "$P" up --abort-on-container-failure >"$T/out3.txt" 2>/dev/null
check_eq "--abort-on-container-failure: the failing code" "$?" 3
check_eq "db exited after the abort" \
	"$(grep -e 'Aborting' -e 'db-1 exited' "$T/out3.txt" | tr '\n' '/')" \
	"Aborting on container exit.../db-1 exited with code 0/"

# --no-attach and --attach choose whose output is shown.
berth -p "$P" up --no-attach db >"$T/out4.txt" 2>/dev/null
check_not_contains "--no-attach db hides db" "$(cat "$T/out4.txt")" "db-1   |"
check_contains "web still shown" "$(cat "$T/out4.txt")" "web-1  | web first line"
berth -p "$P" up --attach quiet --abort-on-container-exit >"$T/out5.txt" 2>/dev/null
check_contains "--attach shows an attach: false service" "$(cat "$T/out5.txt")" \
	"quiet-1  | quiet says something"
check_not_contains "and only it" "$(cat "$T/out5.txt")" "web-1  |"

# A container restarted by its policy is followed across its restarts,
# each run's output once, with "(restarting)" exit lines.
mkdir flaky
cat >flaky/compose.yaml <<EOF
services:
  flaky:
    image: $TEST_IMAGE
    restart: on-failure:2
    command: sh -c 'echo flaky run; exit 1'
EOF
berth -p "$P" -f flaky/compose.yaml up >"$T/flaky.txt" 2>/dev/null
check_eq "restarts: up still ends with 0" "$?" 0
check_eq "three runs, each printed once" "$(grep -c 'flaky-1  | flaky run' "$T/flaky.txt")" 3
check_eq "two restarts told" "$(grep -c 'flaky-1 exited with code 1 (restarting)' "$T/flaky.txt")" 2
check_eq "the last exit is final" "$(tail -n 1 "$T/flaky.txt")" "flaky-1 exited with code 1"
docker rm -f "$P-flaky-1" >/dev/null

# Output is read from each container's log after its start: a burst of
# containers printing at once loses no first line, a container that ran
# before shows only this run's lines, and one whose log cannot be read
# (logging driver "none") is attached to instead.
cat >compose.yaml <<EOF
services:
  burst:
    image: $TEST_IMAGE
    command: sh -c 'echo burst first; echo burst second'
    deploy:
      replicas: 8
  blind:
    image: $TEST_IMAGE
    logging:
      driver: none
    command: sh -c 'sleep 0.5; echo blind speaks'
EOF
berth -p "$P" up >"$T/burst1.txt" 2>/dev/null
check_eq "burst: up ends with 0" "$?" 0
check_eq "burst: every first line" "$(grep -c '| burst first' "$T/burst1.txt")" 8
check_eq "burst: every second line" "$(grep -c '| burst second' "$T/burst1.txt")" 8
check_contains "no readable log: attached instead" "$(cat "$T/burst1.txt")" "blind-1  | blind speaks"
check_contains "and its exit is told" "$(cat "$T/burst1.txt")" "blind-1 exited with code 0"
berth -p "$P" up >"$T/burst2.txt" 2>/dev/null
check_eq "again: only this run's lines, each once" "$(grep -c '| burst first' "$T/burst2.txt")" 8
check_eq "again: the exits" "$(grep -c 'burst-[0-9]* exited with code 0' "$T/burst2.txt")" 8
berth -p "$P" down -t 0 >/dev/null 2>&1

# Ctrl-C once: a graceful stop, status 130.
cat >compose.yaml <<EOF
services:
  polite:
    image: $TEST_IMAGE
    stop_grace_period: 20s
    command: sh -c 'trap "echo got TERM; exit 0" TERM; echo polite up; while true; do sleep 0.1; done'
  stubborn:
    image: $TEST_IMAGE
    stop_grace_period: 60s
    command: sh -c 'trap "echo ignoring TERM" TERM; echo stubborn up; while true; do sleep 0.1; done'
EOF
"$BERTH" -p "$P" up polite >"$T/int.txt" 2>&1 &
pid=$!
check "polite is up" wait_for "$T/int.txt" "polite-1  | polite up"
kill -INT "$pid"
wait "$pid"
check_eq "Ctrl-C once: status 130" "$?" 130
int=$(cat "$T/int.txt")
check_contains "it says so" "$int" "Gracefully stopping... (press Ctrl+C again to force)"
check_contains "the container got SIGTERM" "$int" "polite-1  | got TERM"
check_contains "and exited" "$int" "polite-1 exited with code 0"

# Twice: kill.
"$BERTH" -p "$P" up stubborn >"$T/kill.txt" 2>&1 &
pid=$!
check "stubborn is up" wait_for "$T/kill.txt" "stubborn-1  | stubborn up"
kill -INT "$pid"
check "the first Ctrl-C asked it to stop" wait_for "$T/kill.txt" "stubborn-1  | ignoring TERM"
start=$(date +%s)
kill -INT "$pid"
wait "$pid"
check_eq "Ctrl-C twice: status 130" "$?" 130
check "killed well before its 60 s grace period" test $(($(date +%s) - start)) -lt 20
check_eq "killed: 137" "$(docker inspect -f '{{.State.ExitCode}}' "$P-stubborn-1")" 137

# SIGTERM behaves like the first Ctrl-C.
"$BERTH" -p "$P" up polite >"$T/term.txt" 2>&1 &
pid=$!
check "polite is up again" wait_for "$T/term.txt" "polite-1  | polite up"
kill -TERM "$pid"
wait "$pid"
check_eq "SIGTERM: status 130" "$?" 130
check_contains "a graceful stop" "$(cat "$T/term.txt")" "polite-1  | got TERM"
check_eq "the earlier run's lines are not shown again" "$(grep -c 'polite up' "$T/term.txt")" 1

test_done
