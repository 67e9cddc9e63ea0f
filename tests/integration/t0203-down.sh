#!/usr/bin/env bash
# down removes containers and networks and keeps named volumes; down -v
# removes them too; external networks and volumes are never removed;
# --remove-orphans; down works from the project name alone.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

docker network create "$P-ext" >/dev/null
docker volume create "$P-extvol" >/dev/null
trap 'rc=$?; docker network rm "$P-ext" >/dev/null 2>&1; docker volume rm "$P-extvol" >/dev/null 2>&1; (exit $rc); _cleanup' EXIT

cat >compose.yaml <<YAML
services:
  app:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    volumes: [data:/data, ext:/ext]
    networks: [default, outside]
  side:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
volumes:
  data: {}
  ext:
    external: true
    name: $P-extvol
networks:
  outside:
    external: true
    name: $P-ext
YAML

expect "up -d" berth -p "$P" up -d
check_contains "app joined the external network too" \
	"$(docker inspect -f '{{json .NetworkSettings.Networks}}' "$P-app-1")" "\"$P-ext\""
docker exec "$P-app-1" sh -c 'echo keep >/data/f'

# side disappears from the file: an orphan.
sed -i '/^  side:/,/^    init: true/d' compose.yaml
expect "up -d with an orphan" berth -p "$P" up -d
check_contains "orphans are named in a warning" "$OUT" "orphan containers ($P-side-1)"
check_eq "the orphan is kept without --remove-orphans" "$(docker inspect -f '{{.State.Running}}' "$P-side-1")" true
expect_fail "plan --remove-orphans has changes" berth -p "$P" plan --remove-orphans
check_eq "so it exits 2" "$RC" 2
check_contains "plan shows the removal" "$OUT" "remove    $P-side-1"
expect "up -d --remove-orphans" berth -p "$P" up -d --remove-orphans
check "the orphan is gone" test -z "$(docker ps -aq --filter name="^$P-side-1\$")"

expect "down" berth -p "$P" down -t 1
check_contains "containers are removed" "$OUT" "Container $P-app-1  Removed"
check_contains "the network is removed" "$OUT" "Network ${P}_default  Removed"
check_eq "no container left" "$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
check_eq "the named volume stays" "$(docker volume ls -q --filter name="^${P}_data\$")" "${P}_data"
check "the external network stays" docker network inspect "$P-ext"

expect "up -d again" berth -p "$P" up -d
check_eq "data is back" "$(docker exec "$P-app-1" cat /data/f)" keep

# Without the compose file: the project name is enough.
mkdir elsewhere && cd elsewhere
expect "down -v by project name" berth -p "$P" down -v -t 1
cd "$T"
check_eq "no container left" "$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
check_eq "the named volume is removed" "$(docker volume ls -q --filter "label=com.docker.compose.project=$P")" ""
check "the external volume stays" docker volume inspect "$P-extvol"
check "the external network stays" docker network inspect "$P-ext"

expect "down of nothing succeeds" berth -p "$P" down

# --rmi local removes the images built for the project, not pulled ones.
mkdir built && printf 'FROM %s\nCMD ["sleep", "1000"]\n' "$TEST_IMAGE" >built/Dockerfile
cat >compose.yaml <<YAML
services:
  built:
    build: ./built
    init: true
  pulled:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
YAML
expect "up -d builds" berth -p "$P" up -d
check "the built image exists" docker image inspect "$P-built"
expect "down --rmi local" berth -p "$P" down --rmi local -t 0
check_contains "the built image is removed" "$OUT" "Image $P-built  Removed"
check "it is gone" test -z "$(docker image ls -q "$P-built")"
check "the pulled image stays" docker image inspect "$TEST_IMAGE"
docker image rm -f "$P-built" >/dev/null 2>&1

# A container someone else is removing at the same moment (a DELETE of
# its own while down runs): its removal takes a while (20000 files in its
# layer), the engine answers berth's DELETE "already in progress", and
# down waits for that removal instead of failing.
cat >compose.yaml <<YAML
services:
  big:
    image: $TEST_IMAGE
    init: true
    command: ["sh", "-c", "mkdir /f; i=0; while [ \$\$i -lt 20000 ]; do : > /f/\$\$i; i=\$\$((i+1)); done; touch /done; exec sleep 1000"]
YAML
expect "up -d" berth -p "$P" up -d
for _ in $(seq 1 120); do
	docker exec "$P-big-1" test -f /done 2>/dev/null && break
	sleep 0.5
done
# Straight to the API (the docker CLI takes longer to start than berth).
sock=/var/run/docker.sock
case ${DOCKER_HOST:-} in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
curl -s --unix-socket "$sock" -X DELETE \
	"http://docker/containers/$P-big-1?force=1" >/dev/null 2>&1 &
rm_pid=$!
sleep 0.05
expect "down while another client removes the same container" berth -p "$P" down
wait "$rm_pid"
check_contains "it says the container is removed" "$OUT" "Container $P-big-1  Removed"
check "it is gone" sh -c "! docker inspect '$P-big-1' >/dev/null 2>&1"

test_done
