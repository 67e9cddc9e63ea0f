#!/usr/bin/env bash
# berth logs: prefixed whole lines from many containers at once, TTY and
# non-TTY, --tail, --since/--until, -t, --merge, --index, a closed stdout.
# Containers are made by hand with the compose labels: -p alone selects
# the project, no compose file needed.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

# Ten services printing 20,000 numbered lines each, as fast as they can.
for i in $(seq 1 10); do
	run_ctr "s$i" 1 "$TEST_IMAGE" sh -c 'seq 1 20000 | sed "s/^/line /"'
done
docker wait $(docker ps -aq --filter "label=com.docker.compose.project=$P") >/dev/null

berth -p "$P" logs >"$T/all.txt" 2>"$T/err.txt"
check_eq "logs of 10 containers exits 0" "$?" 0
check_eq "nothing on stderr" "$(cat "$T/err.txt")" ""
check_eq "200,000 lines" "$(wc -l <"$T/all.txt" | tr -d ' ')" 200000
# Every line whole, with its prefix, each number once and in order.
summary=$(awk '
	{
		if (!match($0, /^s[0-9]+-1 +\| line [0-9]+$/)) { bad++; next }
		split($0, f, " "); p = f[1]; n = f[4]
		if (n != last[p] + 1) bad++
		last[p] = n; count[p]++
	}
	END {
		ok = 0
		for (p in count) if (count[p] == 20000 && last[p] == 20000) ok++
		print ok, bad + 0
	}' "$T/all.txt")
check_eq "each container: 20000 lines in sequence, none broken" "$summary" "10 0"
check "the prefix is padded to the widest name plus one" \
	grep -qx "s1-1   | line 1" "$T/all.txt"

expect "logs of one service" berth -p "$P" logs s3
check_eq "only s3's lines" "$(printf '%s\n' "$OUT" | grep -vc '^s3-1  | ')" 0

expect "--tail 5" berth -p "$P" logs --tail 5 s7
check_eq "the last five lines" "$OUT" "$(printf 's7-1  | line %s\n' 19996 19997 19998 19999 20000)"
expect "-n 0 prints nothing" berth -p "$P" logs -n 0 s7
check_eq "no lines" "$OUT" ""

# | head: berth ends quietly with status 0 when the reader goes away.
berth -p "$P" logs | head -n 3 >"$T/head.txt"
check_eq "| head -n 3: berth exits 0" "${PIPESTATUS[0]}" 0
check_eq "head got three lines" "$(wc -l <"$T/head.txt" | tr -d ' ')" 3

# A last line without a newline, stderr, a TTY, a line longer than 64 KiB.
run_ctr noeol 1 "$TEST_IMAGE" sh -c 'echo first; sleep 0.2; echo to-stderr >&2; sleep 0.2; printf "no newline at the end"'
run_ctr tty 1 -t "$TEST_IMAGE" sh -c 'echo tty one; echo tty two'
run_ctr long 1 "$TEST_IMAGE" sh -c 'head -c 100000 /dev/zero | tr "\0" x; echo; echo after'
docker wait "$P-noeol-1" "$P-tty-1" "$P-long-1" >/dev/null

expect "logs noeol" berth -p "$P" logs --no-color noeol
check_eq "stderr and the unterminated line come out whole" "$OUT" \
	"noeol-1  | first
noeol-1  | to-stderr
noeol-1  | no newline at the end"

expect "logs of a TTY container" berth -p "$P" logs tty
check_contains "raw stream lines" "$OUT" "tty-1  | tty one"
check_contains "second raw line" "$OUT" "tty-1  | tty two"

berth -p "$P" logs --no-log-prefix long >"$T/long.txt"
check_eq "a 100,000-byte line comes in two marked pieces, then the next" \
	"$(awk '{ print length($0) }' "$T/long.txt" | tr '\n' ' ')" "65542 34464 5 "
check_eq "the first piece says it continues" \
	"$(head -n 1 "$T/long.txt" | tail -c 7)" " [...]"
check_eq "no byte lost" "$(tr -cd x <"$T/long.txt" | wc -c | tr -d ' ')" 100000

# -t prints the engine's timestamps; --since and --until select by them.
run_ctr clock 1 "$TEST_IMAGE" sh -c 'echo early; sleep 1.5; echo late'
docker wait "$P-clock-1" >/dev/null
expect "logs -t" berth -p "$P" logs -t --no-log-prefix clock
check "lines start with an RFC3339 timestamp" \
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z early$' <<<"$OUT"
late_ts=$(printf '%s\n' "$OUT" | awk '$2 == "late" { print $1 }')
early_ts=$(printf '%s\n' "$OUT" | awk '$2 == "early" { print $1 }')
expect "--since TIMESTAMP" berth -p "$P" logs --since "$late_ts" --no-log-prefix clock
check_eq "only the late line" "$OUT" "late"
expect "--until TIMESTAMP" berth -p "$P" logs --until "$early_ts" --no-log-prefix clock
check_eq "only the early line" "$OUT" "early"
expect "--since 1h" berth -p "$P" logs --since 1h --no-log-prefix clock
check_eq "both lines" "$OUT" "early
late"
expect "--since 1h30m" berth -p "$P" logs --since 1h30m clock
check_contains "relative durations combine" "$OUT" "clock-1  | late"
expect_fail "a bad --since is refused" berth -p "$P" logs --since yesterday
check_contains "it says which option" "$OUT" 'invalid value "yesterday" for --since'

# --merge: all containers' lines in timestamp order.
# Both wait for the same second, then alternate every 0.2 s.
t0=$(($(date +%s) + 3))
barrier="while [ \$(date +%s) -lt $t0 ]; do sleep 0.05; done"
run_ctr ma 1 "$TEST_IMAGE" sh -c "$barrier; for i in 1 3 5 7; do echo ma \$i; sleep 0.4; done"
run_ctr mb 1 "$TEST_IMAGE" sh -c "$barrier; sleep 0.2; for i in 2 4 6 8; do echo mb \$i; sleep 0.4; done"
docker wait "$P-ma-1" "$P-mb-1" >/dev/null
expect "--merge -t" berth -p "$P" logs --merge -t ma mb
check_eq "eight lines" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 8
ts=$(printf '%s\n' "$OUT" | awk '{ print $3 }')
check_eq "timestamps ascend" "$ts" "$(printf '%s\n' "$ts" | sort)"
expect "--merge" berth -p "$P" logs --merge --no-log-prefix ma mb
check_eq "interleaved by time" "$(printf '%s\n' "$OUT" | awk '{ print $2 }' | tr '\n' ' ')" \
	"1 2 3 4 5 6 7 8 "

# --index picks one container number of each service.
run_ctr multi 1 "$TEST_IMAGE" echo from one
run_ctr multi 2 "$TEST_IMAGE" echo from two
docker wait "$P-multi-1" "$P-multi-2" >/dev/null
expect "--index 2" berth -p "$P" logs --index 2 multi
check_eq "container 2 only" "$OUT" "multi-2  | from two"

# Colours: never when not a terminal, always with --ansi always.
expect "--ansi always" berth --ansi always -p "$P" logs multi
check_contains "the prefix is coloured" "$OUT" $'\033['
expect "--ansi always --no-color" berth --ansi always -p "$P" logs --no-color multi
check_not_contains "--no-color wins" "$OUT" $'\033['

expect_fail "an unknown service is refused" berth -p "$P" logs nosuch
check_contains "it is named" "$OUT" "no such service: nosuch"
expect_fail "a bad --tail is refused" berth -p "$P" logs --tail lots
check_eq "usage error" "$RC" 125

test_done
