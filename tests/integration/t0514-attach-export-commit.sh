#!/usr/bin/env bash
# berth attach, export and commit.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

IMG="berth-test/commit-$P"
trap 'rc=$?; docker rmi -f "$IMG:t1" >/dev/null 2>&1; (exit $rc); _cleanup' EXIT

cat >compose.yaml <<EOF2
name: $P
services:
  ticker:
    image: $TEST_IMAGE
    # Waits for the go file, so nothing is printed before attach.
    command: ["sh", "-c", "while [ ! -e /go ]; do sleep 0.1; done; i=0; while [ \$\$i -lt 10 ]; do echo tick \$\$i; echo err \$\$i >&2; i=\$\$((i+1)); sleep 0.2; done; exit 3"]
  box:
    image: $TEST_IMAGE
    command: ["sh", "-c", "echo before; echo hello >/made-here; trap 'echo got INT; exit 7' INT; trap 'exit 0' TERM; sleep 303 & wait"]
  cat:
    image: $TEST_IMAGE
    stdin_open: true
    # exit 5 tells the line arrived (the engine ends the output stream as
    # our stdin ends, so an echo could be lost, with docker attach too)
    command: ["sh", "-c", "read line; [ \"\$\$line\" = hi ] && exit 5; exit 6"]
EOF2
expect "up -d" berth up -d

# attach: output printed after attaching, then the container's exit code
timeout 60 "$BERTH" attach --no-stdin ticker >attach.out 2>attach.err </dev/null &
apid=$!
sleep 1
docker exec "$P-ticker-1" touch /go
wait "$apid"
check_eq "attach exits with the container's code" "$?" 3
check_contains "its stdout" "$(cat attach.out)" "tick 0"
check_contains "to the end" "$(cat attach.out)" "tick 9"
check_contains "its stderr on ours" "$(cat attach.err)" "err 9"
check_not_contains "not mixed" "$(cat attach.out)" "err "

expect "logs show box's first line" berth logs box
timeout 60 "$BERTH" attach box >box.out 2>&1 </dev/null &
bpid=$!
sleep 1
docker exec "$P-box-1" sh -c 'echo later >/proc/1/fd/1'
sleep 0.5
check_contains "attach shows what comes after" "$(cat box.out)" "later"
check_not_contains "not what came before" "$(cat box.out)" "before"
kill -INT "$bpid"
wait "$bpid"
check_eq "Ctrl-C goes to the container, attach exits with its code" "$?" 7
check_contains "the container got it" "$(cat box.out)" "got INT"

# stdin goes to a container that keeps it open
OUT=$(echo hi | timeout 60 "$BERTH" attach cat 2>&1)
check_eq "our stdin reached it: cat exits 5" "$?" 5

expect_fail "attach to a stopped service" berth attach ticker
check_contains "says so" "$OUT" "ticker"
expect_fail "attach to an unknown service" berth attach nosuch
check_contains "names it" "$OUT" "no such service: nosuch"
expect_fail "attach with a bad --sig-proxy" berth attach --sig-proxy=maybe box
check_eq "a usage error" "$RC" 125

# export
expect "start box again" berth up -d box
expect "export -o" berth export -o "$T/box.tar" box
check "the archive exists" test -s "$T/box.tar"
list=$(tar -tf "$T/box.tar")
check_contains "it holds the image's files" "$list" "bin/busybox"
check_contains "and the container's own" "$list" "made-here"
check_eq "no temporary file left" "$(ls "$T" | grep -c berth-)" 0
check_eq "mode 0600" "$(stat -c %a "$T/box.tar")" 600
berth export box >"$T/out.tar" 2>/dev/null
check_eq "export to stdout exits 0" "$?" 0
check "stdout is the same archive" cmp -s "$T/box.tar" "$T/out.tar"
if command -v script >/dev/null; then
	OUT=$(script -qec "$BERTH -p $P export box" /dev/null </dev/null)
	check_contains "a terminal stdout is refused" "$OUT" \
		"output option is required when exporting to terminal"
	check_not_contains "no archive on the terminal" "$OUT" "busybox"
else
	_report fail "script(1) is needed to test a terminal stdout"
fi
expect_fail "export into a missing directory" berth export -o /nonexistent/x.tar box
check_contains "says which" "$OUT" "/nonexistent"
expect_fail "export of an unknown service" berth export -o x.tar nosuch

# commit
expect "commit with -m and -c" berth commit -m "seeded by test" \
	-a "Test <t@example.com>" -c 'CMD ["cat", "/made-here"]' \
	-c "ENV FOO=bar" box "$IMG:t1"
check_contains "reports the new id" "$OUT" "sha256:"
check_eq "the image's CMD" "$(docker image inspect -f '{{json .Config.Cmd}}' "$IMG:t1")" \
	'["cat","/made-here"]'
check_eq "the message" "$(docker image inspect -f '{{.Comment}}' "$IMG:t1")" \
	"seeded by test"
check_eq "the author" "$(docker image inspect -f '{{.Author}}' "$IMG:t1")" \
	"Test <t@example.com>"
check_contains "the ENV change" \
	"$(docker image inspect -f '{{json .Config.Env}}' "$IMG:t1")" "FOO=bar"
check_eq "the container's changes are in it" \
	"$(docker run --rm "$IMG:t1")" hello
expect "commit --pause=false, no tag" berth commit --pause=false box
check_contains "an untagged image" "$OUT" "sha256:"
untagged=$(printf '%s\n' "$OUT" | grep -oE 'sha256:[0-9a-f]{64}' | head -n1)
[ -n "$untagged" ] && docker rmi "$untagged" >/dev/null 2>&1
expect_fail "a bad reference" berth commit box 'Bad/Name'
check_eq "a usage error" "$RC" 125
expect_fail "a bad change" berth commit -c "NOPE x" box
check_contains "the engine's message" "$OUT" "nope is not a valid change command"
test_done
