#!/usr/bin/env bash
# berth exec: exit codes, -e, -w, -u, -T with piped stdin (and large
# input), --index, -d, stdout and stderr kept apart, errors, and a TTY
# session through script(1).
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
    environment:
      FROM_FILE: yes
  idle:
    image: $TEST_IMAGE
    command: ["true"]
EOF
expect "up -d" berth up -d

expect "exec a command" berth exec -T web echo hello
check_eq "its output" "$OUT" "hello"
expect_fail "exec's exit code" berth exec -T web sh -c 'exit 7'
check_eq "is the command's" "$RC" 7
expect "the service's environment" berth exec -T web sh -c 'echo $FROM_FILE'
check_eq "is there" "$OUT" "yes"
expect "-e" berth exec -T -e A=1 -e B=two web sh -c 'echo $A $B'
check_eq "sets variables" "$OUT" "1 two"
export BERTH_T_VAR=fromhere
expect "-e KEY" berth exec -T -e BERTH_T_VAR web sh -c 'echo $BERTH_T_VAR'
check_eq "takes our value" "$OUT" "fromhere"
expect "-w" berth exec -T -w /bin web pwd
check_eq "sets the directory" "$OUT" "/bin"
expect "-u" berth exec -T -u 1234:5678 web sh -c 'echo $(id -u):$(id -g)'
check_eq "sets the user" "$OUT" "1234:5678"
expect "options after the command are the command's" \
	berth exec -T web ls -d /bin
check_eq "ls -d" "$OUT" "/bin"

OUT=$(echo hi | "$BERTH" exec -T web cat)
check_eq "piped stdin reaches the command, and its end too" "$OUT" "hi"
seq 1 200000 >"$T/big"
OUT=$("$BERTH" exec -T web wc -l <"$T/big")
check_eq "a large file on stdin arrives whole" "$(echo $OUT)" 200000
OUT=$("$BERTH" exec -T web cat <"$T/big" | tail -n1)
check_eq "and can come back while it is sent" "$OUT" 200000
OUT=$("$BERTH" exec -T web sh -c 'echo out; echo err >&2' 2>/dev/null)
check_eq "stdout goes to stdout" "$OUT" "out"
OUT=$("$BERTH" exec -T web sh -c 'echo out; echo err >&2' 2>&1 >/dev/null)
check_eq "stderr goes to stderr" "$OUT" "err"

expect "--index 2" berth exec -T --index 2 web hostname
check_eq "runs in the second replica" "$OUT" \
	"$(docker inspect -f '{{.Config.Hostname}}' "$P-web-2")"
expect "no --index: the first" berth exec -T web hostname
check_eq "runs in replica 1" "$OUT" \
	"$(docker inspect -f '{{.Config.Hostname}}' "$P-web-1")"

expect "-d" berth exec -d web sh -c 'echo done >/detached'
sleep 1
expect "the detached command ran" berth exec -T web cat /detached
check_eq "it wrote its file" "$OUT" "done"

expect_fail "exec in a service that is not running" berth exec -T idle true
check_contains "says so" "$OUT" 'service "idle" is not running'
expect_fail "exec in an unknown service" berth exec -T nosuch true
check_contains "says so" "$OUT" "no such service: nosuch"
expect_fail "--index beyond the replicas" berth exec -T --index 3 web true
check_contains "names the number" "$OUT" \
	'service "web" is not running container #3'
expect_fail "exec without a command" berth exec web
check_eq "is a usage error" "$RC" 125
expect_fail "a command that does not exist" berth exec -T web nosuchcmd
check "fails like docker exec (126 or 127)" test "$RC" -ge 126

cd / || exit 1
expect "exec by project name only" berth -p "$P" exec -T web echo named
check_eq "works" "$OUT" "named"
cd "$T" || exit 1

if command -v script >/dev/null; then
	OUT=$(script -qec "$BERTH exec web sh -c 'tty; exit 5'; echo rc=\$?" \
		/dev/null < <(sleep 5) 2>&1)
	check_contains "a terminal gets a TTY" "$OUT" "/dev/pts/"
	check_contains "the exit code is kept" "$OUT" "rc=5"
	OUT=$(script -qec "$BERTH exec -T web sh -c 'tty; true'" /dev/null \
		< <(sleep 5) 2>&1)
	check_contains "-T: no TTY" "$OUT" "not a tty"
	OUT=$(printf 'echo typed-$((6*7))\nexit 3\n' |
		script -qec "$BERTH exec web sh; echo rc=\$?" /dev/null 2>&1)
	check_contains "keys typed reach the TTY shell" "$OUT" "typed-42"
	check_contains "and its exit code comes back" "$OUT" "rc=3"
else
	_report fail "script(1) is needed for the tty checks"
fi

test_done
