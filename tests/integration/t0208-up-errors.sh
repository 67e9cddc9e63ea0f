#!/usr/bin/env bash
# Bad situations get one clear line, a non-zero exit, and no change to
# the engine: missing external resources, conflicting existing ones,
# impossible scale, missing images, incompatible flags, no engine.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

nothing_made() {
	check_eq "$1: no container was made" "$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""
}

cat >compose.yaml <<YAML
services:
  app:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    networks: [outside]
networks:
  outside:
    external: true
    name: $P-missing
YAML
expect_fail "a missing external network fails up" berth -p "$P" up -d
check_contains "it is named" "$OUT" "network \"$P-missing\" is declared as external, but could not be found"
check_contains "with a hint" "$OUT" "hint: create it first: docker network create $P-missing"
nothing_made "external network"
check_eq "no network was made" "$(docker network ls -q --filter "label=com.docker.compose.project=$P")" ""

cat >compose.yaml <<YAML
services:
  app:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    networks: [front]
networks:
  front:
    labels:
      tier: front
YAML
docker network create --label "com.docker.compose.project=$P" \
	--label com.docker.compose.network=front "${P}_front" >/dev/null
expect_fail "an existing network with other labels fails up" berth -p "$P" up -d
check_contains "the difference is named" "$OUT" \
	"network \"${P}_front\" exists with another configuration: label tier is unset, the compose file says \"front\""
check_contains "with a hint" "$OUT" "hint: remove it (berth down) or declare it external: true"
nothing_made "network conflict"
docker network rm "${P}_front" >/dev/null

cat >compose.yaml <<YAML
services:
  app:
    image: $TEST_IMAGE
    container_name: $P-fixed
YAML
expect_fail "container_name with --scale 2 fails" berth -p "$P" up -d --scale app=2
check_contains "it says why" "$OUT" "service \"app\" sets container_name \"$P-fixed\" and cannot have 2 replicas"
nothing_made "container_name"

cat >compose.yaml <<YAML
services:
  app:
    image: $P-not-there:1
    pull_policy: never
  built:
    build: .
YAML
printf 'FROM %s\n' "$TEST_IMAGE" >Dockerfile
expect_fail "a missing image with pull_policy never fails" berth -p "$P" up -d app
check_contains "the image is named" "$OUT" "image \"$P-not-there:1\" of service \"app\" is missing and its pull policy is \"never\""
expect_fail "a missing built image with --no-build fails" berth -p "$P" up -d --no-build built
check_contains "it says so" "$OUT" "image \"$P-built\" of service \"built\" is missing and --no-build was given"
nothing_made "missing images"

expect_fail "--force-recreate with --no-recreate" berth -p "$P" up -d --force-recreate --no-recreate
check_eq "is a usage error" "$RC" 125
check_contains "naming both" "$OUT" "--force-recreate and --no-recreate are incompatible"
expect_fail "-d with --abort-on-container-exit" berth -p "$P" up -d --abort-on-container-exit
check_eq "is a usage error" "$RC" 125
expect_fail "a bad --scale" berth -p "$P" up -d --scale app=x
check_contains "is named" "$OUT" 'invalid --scale "app=x"'

expect_fail "no engine" env DOCKER_HOST=unix:///nonexistent "$BERTH" -p "$P" up -d app
check_contains "says which engine" "$OUT" "cannot reach the Docker engine at unix:///nonexistent"

mkdir -p broken && cd broken || exit 1
cat >compose.yaml <<YAML
services:
  plain:
    image: $TEST_IMAGE
    command: sleep 300
  broken:
    build: .
YAML
printf 'FROM %s\nRUN exit 7\n' "$TEST_IMAGE" >Dockerfile
expect_fail "a broken Dockerfile fails up" berth -p "$P" up -d
check_contains "with the engine's words" "$OUT" "returned a non-zero code: 7"
nothing_made "a failed build in a new project"
check_eq "and no network was made" "$(docker network ls -q --filter "label=com.docker.compose.project=$P")" ""
cd ..

test_done
