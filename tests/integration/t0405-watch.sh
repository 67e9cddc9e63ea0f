#!/usr/bin/env bash
# berth watch: develop.watch sync (files, new directories, deletions,
# ignore patterns, editor temp files, .dockerignore), sync+exec (and a
# change made while a batch applies),
# sync+restart and rebuild, applied to the running container.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

wait_for() {
	for _ in $(seq 1 100); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# in_ctr CMD: run CMD in the web container, retrying up to 10 s until it
# succeeds (a sync lands after the 500 ms debounce).
in_ctr() {
	for _ in $(seq 1 50); do
		docker exec "$P-web-1" sh -c "$1" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

mkdir -p src/lib cfg slow .git
echo one >src/a.txt
echo conf1 >cfg/app.conf
printf 'src/secret.txt\n' >.dockerignore
printf 'FROM %s\nCOPY src /app/src\n' "$TEST_IMAGE" >Dockerfile
cat >compose.yaml <<EOF
services:
  web:
    build: .
    stop_grace_period: 1s
    command: sh -c 'trap "exit 0" TERM; echo started \$\$(date +%s%N); while true; do sleep 0.1; done'
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/src
          ignore: ["*.log"]
        - action: sync+exec
          path: ./cfg
          target: /etc/app
          exec:
            command: sh -c 'echo reloaded >> /hook.txt'
        - action: sync+exec
          path: ./slow
          target: /etc/slow
          exec:
            command: sh -c 'sleep 2; echo done >> /slow.txt'
        - action: sync+restart
          path: ./restart.conf
          target: /etc/restart.conf
        - action: rebuild
          path: ./Dockerfile
EOF

"$BERTH" -p "$P" watch >"$T/w.txt" 2>&1 &
pid=$!
check "watch starts the service and watches" wait_for "$T/w.txt" "Watch enabled"

echo two >src/b.txt
check "a new file is synced" in_ctr 'test "$(cat /app/src/b.txt)" = two'
echo changed >src/a.txt
check "a changed file is synced" in_ctr 'test "$(cat /app/src/a.txt)" = changed'
mkdir -p src/new/deep
echo deep >src/new/deep/c.txt
check "a new directory tree is synced" in_ctr 'test "$(cat /app/src/new/deep/c.txt)" = deep'
rm src/b.txt
check "a deleted file is deleted" in_ctr '! test -e /app/src/b.txt'
rm -r src/new
check "a deleted directory is deleted" in_ctr '! test -e /app/src/new'
check_contains "sync is announced" "$(cat "$T/w.txt")" '⦿ Syncing service "web" after'

# Ignored: the rule's ignore, editor temp files, .dockerignore, .git.
echo x >src/debug.log
echo x >src/.a.txt.swp
echo x >src/a.txt~
echo x >src/secret.txt
echo marker >src/marker.txt
check "the marker arrives" in_ctr 'test -e /app/src/marker.txt'
check "the rule's ignore pattern holds" docker exec "$P-web-1" sh -c '! test -e /app/src/debug.log'
check "vim swap files are not synced" docker exec "$P-web-1" sh -c '! test -e /app/src/.a.txt.swp'
check "backup files are not synced" docker exec "$P-web-1" sh -c '! test -e /app/src/a.txt~'
check ".dockerignore holds" docker exec "$P-web-1" sh -c '! test -e /app/src/secret.txt'

# sync+exec: the file, then the hook.
echo conf2 >cfg/app.conf
check "sync+exec syncs" in_ctr 'test "$(cat /etc/app/app.conf)" = conf2'
check "and runs the hook" in_ctr 'grep -q reloaded /hook.txt'

# A change made while a batch is being applied (here: during a slow
# sync+exec hook) is applied next, not dropped with that batch.
echo s1 >slow/a.conf
check "the slow rule syncs" in_ctr 'test "$(cat /etc/slow/a.conf)" = s1'
echo during >src/during.txt
check "a change made while a batch applies is synced after it" \
	in_ctr 'test "$(cat /app/src/during.txt)" = during'
check "the slow hook ran once" in_ctr 'test "$(cat /slow.txt)" = done'

# sync+restart: the container restarts (a new start line in its logs).
started=$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")
echo r1 >restart.conf
check "sync+restart syncs" in_ctr 'test "$(cat /etc/restart.conf)" = r1'
for _ in $(seq 1 50); do
	[ "$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")" != "$started" ] && break
	sleep 0.2
done
check "and restarts" test "$(docker inspect -f '{{.State.StartedAt}}' "$P-web-1")" != "$started"

# rebuild: a new image, a new container.
id=$(docker inspect -f '{{.Id}}' "$P-web-1")
printf 'FROM %s\nCOPY src /app/src\nENV REBUILT=yes\n' "$TEST_IMAGE" >Dockerfile
for _ in $(seq 1 150); do
	new=$(docker inspect -f '{{.Id}}' "$P-web-1" 2>/dev/null || true)
	[ -n "$new" ] && [ "$new" != "$id" ] && break
	sleep 0.2
done
check "rebuild recreates the container" test "$new" != "$id"
check "from the new image" in_ctr 'test "$REBUILT" = yes'
check_contains "rebuild is announced" "$(cat "$T/w.txt")" '⦿ Rebuilding service "web"'

kill -INT "$pid"
wait "$pid"
check_eq "watch ends on Ctrl-C with 130" "$?" 130

# Without develop.watch there is nothing to watch.
mkdir plain && printf 'services:\n  x:\n    image: %s\n' "$TEST_IMAGE" >plain/compose.yaml
expect_fail "watch without rules fails" berth -p "$P" -f plain/compose.yaml watch --no-up
check_contains "and says why" "$OUT" "none of the selected services is configured for watch"

test_done
