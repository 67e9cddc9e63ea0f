#!/usr/bin/env bash
# berth rm: only stopped containers, the confirmation (asked on stdin,
# "no" by default), -f, -s, -v and anonymous volumes, one-offs left alone.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF
name: $P
x-svc: &svc
  image: $TEST_IMAGE
  command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
services:
  db:
    <<: *svc
    volumes:
      - /data
  web:
    <<: *svc
    depends_on: [db]
EOF
exists() { docker inspect "$P-$1-1" >/dev/null 2>&1; }

expect "up -d" berth up -d
expect "rm while running" berth rm -f
check_contains "nothing is stopped" "$OUT" "No stopped containers"
check "web is still there" exists web

expect "stop web" berth stop web
expect "rm, answering nothing" sh -c "'$BERTH' rm </dev/null"
check_contains "says what it would remove" "$OUT" "Going to remove $P-web-1"
check_contains "asks" "$OUT" "Are you sure? [yN]"
check "no answer keeps the container" exists web
expect "rm, answering n" sh -c "echo n | '$BERTH' rm"
check "n keeps the container" exists web
expect "rm, answering y" sh -c "echo y | '$BERTH' --progress plain rm"
check "y removes it" test -z "$(docker ps -aq --filter name="^$P-web-1\$")"
check_contains "with progress" "$OUT" "Container $P-web-1  Removed"
check "db still runs" exists db

vol=$(docker inspect -f '{{range .Mounts}}{{.Name}}{{end}}' "$P-db-1")
check "db has an anonymous volume" test -n "$vol"
expect "rm -s -f" berth rm -s -f db
check_contains "it stops first" "$OUT" "Stopped"
check_contains "then says what it removes" "$OUT" "Going to remove $P-db-1"
check "db is gone" test -z "$(docker ps -aq --filter name="^$P-db-1\$")"
check "without -v its anonymous volume stays" docker volume inspect "$vol"
[ -n "$vol" ] && docker volume rm "$vol" >/dev/null 2>&1

expect "up -d again" berth up -d
vol=$(docker inspect -f '{{range .Mounts}}{{.Name}}{{end}}' "$P-db-1")
expect "stop" berth stop
expect "rm -f -v" berth rm -f -v
check "the anonymous volume is gone too" \
	test -z "$(docker volume ls -q --filter name="^$vol\$")"
check_eq "no service container is left" \
	"$(docker ps -aq --filter label=com.docker.compose.project="$P" | wc -l)" 0

# One-off containers are not rm's business.
expect "a one-off" berth run -d db true
sleep 1
expect "rm -f with only a stopped one-off" berth rm -f
check_contains "nothing to remove" "$OUT" "No stopped containers"
check_eq "the one-off stays" \
	"$(docker ps -aq --filter label=com.docker.compose.project="$P" \
		--filter label=com.docker.compose.oneoff=True | wc -l)" 1

# A container someone else is removing at the same moment (a DELETE
# of its own while rm runs): a slow removal (20000 files in its layer) answers
# berth's DELETE "already in progress", and rm waits for it.
cat >big.yaml <<EOF
name: $P
services:
  big:
    image: $TEST_IMAGE
    init: true
    command: ["sh", "-c", "mkdir /f; i=0; while [ \$\$i -lt 20000 ]; do : > /f/\$\$i; i=\$\$((i+1)); done; touch /done; exec sleep 1000"]
EOF
expect "up -d big" berth -f big.yaml up -d
for _ in $(seq 1 120); do
	docker exec "$P-big-1" test -f /done 2>/dev/null && break
	sleep 0.5
done
expect "stop it" berth -f big.yaml stop -t 0
# Straight to the API (the docker CLI takes longer to start than berth).
sock=/var/run/docker.sock
case ${DOCKER_HOST:-} in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
curl -s --unix-socket "$sock" -X DELETE \
	"http://docker/containers/$P-big-1?force=1" >/dev/null 2>&1 &
rm_pid=$!
sleep 0.05
expect "rm -f while another client removes the same container" \
	berth -f big.yaml rm -f
wait "$rm_pid"
check_contains "it says the container is removed" "$OUT" "Container $P-big-1  Removed"
check "it is gone" sh -c "! docker inspect '$P-big-1' >/dev/null 2>&1"

test_done
