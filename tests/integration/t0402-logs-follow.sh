#!/usr/bin/env bash
# berth logs -f: follows containers that start later (scale up, restart)
# through the project's events, never prints a line twice, ends when no
# followed container runs any more, and exits 130 on Ctrl-C.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

run_ctr web 1 "$TEST_IMAGE" sh -c 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo web $i; sleep 0.2; done'
sleep 2 # some lines before logs -f begins, for --tail
"$BERTH" -p "$P" logs -f --tail 3 >"$T/f.txt" 2>"$T/ferr.txt" &
pid=$!
check "logs -f prints what is there" wait_for_text "$T/f.txt" "web-1  | web "

# Scale up: a new container of the service, after logs -f began.
run_ctr web 2 "$TEST_IMAGE" sh -c 'echo second hello; sleep 1; echo second bye'
check "a container started later is followed" wait_for_text "$T/f.txt" "web-2  | second hello"
check "to its end" wait_for_text "$T/f.txt" "web-2  | second bye"

# Restart it: the new output follows, the old is not repeated.
docker restart -t 1 "$P-web-2" >/dev/null
check "after a restart its new output follows" wait_for_text "$T/f.txt" "web-2  | second bye"
for _ in $(seq 1 50); do
	[ "$(grep -c 'web-2  | second hello' "$T/f.txt")" -ge 2 ] && break
	sleep 0.2
done
check_eq "the restarted run is printed once, the first not again" \
	"$(grep -c 'web-2  | second hello' "$T/f.txt")" 2

# When every followed container has stopped, logs -f ends by itself.
ended=no
for _ in $(seq 1 100); do
	if ! kill -0 "$pid" 2>/dev/null; then
		ended=yes
		break
	fi
	sleep 0.2
done
check_eq "logs -f ends once nothing runs" "$ended" yes
wait "$pid"
check_eq "with status 0" "$?" 0
check_eq "nothing on stderr" "$(cat "$T/ferr.txt")" ""

# Exactly what the engine has, once each: compare with the complete logs
# (web-1 from where --tail 3 began).
berth -p "$P" logs --no-color >"$T/all.txt"
check_eq "web-2: every line exactly once" \
	"$(grep '^web-2' "$T/f.txt")" "$(grep '^web-2' "$T/all.txt")"
first=$(grep -m1 '^web-1' "$T/f.txt")
check_eq "web-1: every line from the tail on, once" \
	"$(grep '^web-1' "$T/f.txt")" "$(grep '^web-1' "$T/all.txt" | sed -n "/^$first\$/,\$p")"
check_not_contains "--tail 3 left the first lines out" "$first" "web 1"

# Ctrl-C ends logs -f with 130.
run_ctr sleeper 1 "$TEST_IMAGE" sh -c 'echo sleeping; exec sleep 600'
"$BERTH" -p "$P" logs -f sleeper >"$T/s.txt" 2>&1 &
pid=$!
check "following the sleeper" wait_for_text "$T/s.txt" "sleeper-1  | sleeping"
kill -INT "$pid"
wait "$pid"
check_eq "Ctrl-C: status 130" "$?" 130

# -f with --tail 0: only what comes next.
"$BERTH" -p "$P" logs -f --tail 0 sleeper >"$T/t0.txt" 2>&1 &
pid=$!
sleep 1
docker exec "$P-sleeper-1" sh -c 'echo via exec >/proc/1/fd/1'
check "new output arrives" wait_for_text "$T/t0.txt" "sleeper-1  | via exec"
check_not_contains "old output does not" "$(cat "$T/t0.txt")" "sleeping"
kill -TERM "$pid"
wait "$pid"
check_eq "SIGTERM: status 130" "$?" 130

test_done
