#!/usr/bin/env bash
# up --watch: attached, develop.watch is applied alongside the output
# until Ctrl-C; detached (-d --watch), a watcher is left running in the
# background (pid file, log), a second up -d --watch starts no other, and
# down stops it.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"
export XDG_STATE_HOME=$T/state
state=$XDG_STATE_HOME/berth/$P

kill_watcher() {
	local rc=$?
	[ -f "$state/watch.pid" ] && kill "$(cut -d' ' -f1 "$state/watch.pid")" 2>/dev/null
	(exit "$rc")
	_cleanup
}
trap kill_watcher EXIT

wait_for() {
	for _ in $(seq 1 100); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	sed 's/^/    | /' "$1" >&2
	return 1
}

# in_ctr CMD: CMD succeeds in the web container within 10 s.
in_ctr() {
	for _ in $(seq 1 50); do
		docker exec "$P-web-1" sh -c "$1" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status"; }

mkdir src
echo one >src/a.txt
cat >compose.yaml <<EOF
services:
  web:
    image: $TEST_IMAGE
    command: sh -c 'echo web is up; exec sleep 1000'
    init: true
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/src
EOF

# Attached.
"$BERTH" -p "$P" up --watch >"$T/att.txt" 2>&1 &
pid=$!
check "attached: the output is followed" wait_for "$T/att.txt" "web-1  | web is up"
sleep 1
echo two >src/b.txt
check "attached: a new file is synced" in_ctr 'test "$(cat /app/src/b.txt)" = two'
check "attached: the sync is told with the output" wait_for "$T/att.txt" \
	'⦿ Syncing service "web" after'
kill -INT "$pid"
wait "$pid"
check_eq "attached: Ctrl-C ends it with 130" "$?" 130
check_eq "and stops the service" "$(docker inspect -f '{{.State.Running}}' "$P-web-1")" false
expect "-w is --watch" berth -p "$P" up --help
check_contains "in the help" "$OUT" "-w, --watch"

# Detached.
expect "up -d --watch" berth -p "$P" up -d --watch
check_contains "says where the watcher is" "$OUT" "watching in the background (pid "
check_contains "and its log" "$OUT" "log: $state/watch.log)"
check "the pid file exists" test -s "$state/watch.pid"
wpid=$(cut -d' ' -f1 "$state/watch.pid")
check_contains "the pid printed is the pid file's" "$OUT" "(pid $wpid,"
check "the watcher runs" alive "$wpid"
check "in another session than ours" \
	test "$(ps -o sid= -p "$wpid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
check "not our child" test "$(ps -o ppid= -p "$wpid" | tr -d ' ')" != $$
check "the log says watch is on" wait_for "$state/watch.log" "Watch enabled"
echo three >src/c.txt
check "detached: a new file is synced" in_ctr 'test "$(cat /app/src/c.txt)" = three'
check "the log tells the sync" wait_for "$state/watch.log" '⦿ Syncing service "web"'

expect "a second up -d --watch" berth -p "$P" up -d --watch
check_contains "leaves the watcher be" "$OUT" "already watching in the background (pid $wpid,"
check_eq "one watcher only" "$(pgrep -fc -- "-p $P .*watch --no-up")" 1

expect "down" berth -p "$P" down -t 0
check "down stops the watcher" sh -c "! kill -0 $wpid 2>/dev/null || grep -q '^State:.*Z' /proc/$wpid/status"
check "and removes the pid file" test ! -e "$state/watch.pid"

# The rules are checked before anything starts.
mkdir plain && printf 'services:\n  x:\n    image: %s\n    command: ["sleep", "1000"]\n' \
	"$TEST_IMAGE" >plain/compose.yaml
expect_fail "up -d --watch without rules fails" berth -p "$P" -f plain/compose.yaml up -d --watch
check_contains "saying why" "$OUT" "none of the selected services is configured for watch"
check_eq "and nothing was created" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
check "nor a watcher" test ! -e "$state/watch.pid"

test_done
