#!/usr/bin/env bash
# berth events (text and --json, service filter) and berth wait (exit code
# of the first container to exit, --down-project).
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

run_ctr web 1 "$TEST_IMAGE" sleep 600
run_ctr db 1 "$TEST_IMAGE" sleep 600

"$BERTH" -p "$P" events >"$T/ev.txt" 2>&1 &
evpid=$!
"$BERTH" -p "$P" events --json web >"$T/evj.txt" 2>&1 &
jpid=$!
sleep 1
docker restart -t 0 "$P-web-1" "$P-db-1" >/dev/null
check "a start event is printed" wait_for_text "$T/ev.txt" " container start "
check "db's too" wait_for_text "$T/ev.txt" "(name=$P-db-1, image=$TEST_IMAGE"
webid=$(docker inspect -f '{{.Id}}' "$P-web-1")
check "the text form: time, type, action, id, attributes" \
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z container start $webid \(name=$P-web-1, image=$TEST_IMAGE" "$T/ev.txt"
check_not_contains "compose labels are left out" "$(cat "$T/ev.txt")" "com.docker.compose"
check "--json: one object per line" wait_for_text "$T/evj.txt" "\"action\":\"start\""
check "json fields" grep -q "\"type\":\"container\",\"action\":\"start\",\"id\":\"$webid\",\"service\":\"web\",\"attributes\":{\"name\":\"$P-web-1\"" "$T/evj.txt"
check_not_contains "the service filter leaves db out" "$(cat "$T/evj.txt")" "$P-db-1"
check "every line is JSON" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$T/evj.txt"
kill -INT "$evpid" "$jpid"
wait "$evpid"
check_eq "events ends on Ctrl-C with 130" "$?" 130
wait "$jpid"

# wait: blocks until the service's containers exit, with the first code.
"$BERTH" -p "$P" wait web >"$T/w.txt" 2>&1 &
wpid=$!
sleep 1
check "wait is still waiting" kill -0 "$wpid"
docker exec "$P-web-1" kill -TERM 1 2>/dev/null
docker kill -s KILL "$P-web-1" >/dev/null
wait "$wpid"
check_eq "wait exits with the container's code" "$?" 137
check_contains "and says so" "$(cat "$T/w.txt")" "web-1 exited with code 137"

expect_fail "wait needs a running container" berth -p "$P" wait web
check_contains "it says what is missing" "$OUT" "no running container of web"
expect_fail "wait needs a service" berth -p "$P" wait
check_eq "usage error" "$RC" 125
expect_fail "an unknown service" berth -p "$P" wait nosuch
check_contains "is named" "$OUT" "no such service: nosuch"

# --down-project takes the project down after the exit.
run_ctr job 1 "$TEST_IMAGE" sh -c 'sleep 1; exit 4'
berth -p "$P" wait --down-project job >"$T/d.txt" 2>&1
check_eq "wait --down-project: the job's code" "$?" 4
check_eq "no container of the project is left" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l | tr -d ' ')" 0

test_done
