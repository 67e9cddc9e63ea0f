#!/usr/bin/env bash
# berth push and pull against real registries (Debian's docker-registry):
# one open, one behind basic auth, both on 127.0.0.1 (an insecure registry
# to dockerd by default), started here and stopped on exit.
. "$(dirname "$0")/lib.sh"
test_project

if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
	echo "FAIL docker-registry and htpasswd are needed (tools/setup.sh installs them)"
	exit 1
fi

REG_PIDS=()
cleanup_all() {
	local rc=$?
	for pid in "${REG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	docker images --format '{{.Repository}}:{{.Tag}}' |
		grep -F "/$P/" | xargs -r docker rmi -f >/dev/null 2>&1
	docker images -q --filter "label=com.docker.compose.project=$P" |
		sort -u | xargs -r docker rmi -f >/dev/null 2>&1
	(exit "$rc")
	_cleanup
}
trap cleanup_all EXIT
export XDG_CACHE_HOME=$T/cache

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry NAME PORT [AUTH]: a registry with its storage in $T.
start_registry() {
	local name=$1 port=$2 auth=${3:-}
	mkdir -p "$T/$name"
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $T/$name}}"
		echo "http: {addr: 127.0.0.1:$port}"
		[ -n "$auth" ] && echo "auth: {htpasswd: {realm: berth-test, path: $T/htpasswd}}"
	} >"$T/$name.yml"
	docker-registry serve "$T/$name.yml" >"$T/$name.log" 2>&1 &
	REG_PIDS+=($!)
	for _ in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && return 0
		sleep 0.1
	done
	echo "FAIL registry $name did not start:"
	cat "$T/$name.log"
	exit 1
}

htpasswd -Bbn alice s3cret >"$T/htpasswd" 2>/dev/null
R1=127.0.0.1:$(free_port)
start_registry open "${R1#*:}"
R2=127.0.0.1:$(free_port)
start_registry auth "${R2#*:}" auth

mkdir -p "$T/app" "$T/nocreds" "$T/dockercfg"
cd "$T" || exit 1
printf 'FROM %s\nRUN echo built > /built\n' "$TEST_IMAGE" >app/Dockerfile
cat >compose.yaml <<EOF
services:
  app:
    image: $R1/$P/app:v1
    build: app
  only:
    image: $R1/$P/app:v1
    command: ["sleep", "1000"]
  missing:
    image: $R1/$P/nothing:v1
  priv:
    image: $R2/$P/app:v1
    build: app
  privpull:
    image: $R2/$P/app:v1
  local:
    build: app
  derived:
    build: derived
EOF
mkdir -p derived
printf 'FROM %s\nRUN cat /built\n' "$R2/$P/app:v1" >derived/Dockerfile
export DOCKER_CONFIG=$T/nocreds

expect "build the image to push" berth -p "$P" build app
expect "push it to the open registry" berth -p "$P" push app
check_contains "the push is reported" "$OUT" "app"
tags=$(curl -s "http://$R1/v2/$P/app/tags/list")
check_contains "the registry has the tag" "$tags" '"v1"'

docker rmi -f "$R1/$P/app:v1" >/dev/null
check "the local image is gone" test -z "$(docker images -q "$R1/$P/app:v1")"
expect "pull a service whose image is only in the registry" berth -p "$P" pull only
check "the image is back" docker image inspect "$R1/$P/app:v1"
check_eq "and it is the one that was built" \
	"$(docker run --rm "$R1/$P/app:v1" cat /built)" "built"

expect "pull --policy missing skips a present image" berth -p "$P" pull --policy missing only
check_not_contains "nothing is pulled" "$OUT" "Pulling from"
expect "pull -q" berth -p "$P" pull -q only
check_eq "-q prints nothing" "$OUT" ""

docker rmi -f "$R1/$P/app:v1" >/dev/null
expect "up pulls a missing image from the registry" berth -p "$P" up -d only
check "the image was pulled" docker image inspect "$R1/$P/app:v1"
check_eq "and the service runs" "$(docker ps -q --filter "label=com.docker.compose.project=$P" \
	--filter label=com.docker.compose.service=only | wc -l)" "1"

expect_fail "pulling an image the registry does not have fails" berth -p "$P" pull missing
check_contains "the image is named" "$OUT" "$R1/$P/nothing"
check_contains "with the registry's message" "$OUT" "not found"
expect "--ignore-pull-failures goes on" berth -p "$P" pull --ignore-pull-failures missing

expect "nothing to pull for a build-only service" berth -p "$P" pull local
check_eq "so nothing is printed" "$OUT" ""

# The registry behind basic auth.
expect "build for the private registry" berth -p "$P" build priv
expect_fail "push without credentials fails" berth -p "$P" push priv
check_contains "it names the image" "$OUT" "$R2/$P/app:v1"
check_contains "with the registry's reason" "$OUT" "auth"

cat >"$T/dockercfg/config.json" <<EOF
{"auths": {"$R2": {"auth": "$(printf 'alice:s3cret' | base64)"}}}
EOF
expect "push with config.json credentials" env DOCKER_CONFIG="$T/dockercfg" "$BERTH" -p "$P" push priv
tags=$(curl -s -u alice:s3cret "http://$R2/v2/$P/app/tags/list")
check_contains "the private registry has the tag" "$tags" '"v1"'

docker rmi -f "$R2/$P/app:v1" >/dev/null
expect "--ignore-buildable skips a service that builds" berth -p "$P" pull --ignore-buildable priv
check_eq "so nothing is pulled" "$OUT" ""
expect "a failed pull of a buildable service is only a hint" berth -p "$P" pull priv
check_contains "that says it can be built" "$OUT" "can be built instead"
expect_fail "pull of the private image without credentials fails" berth -p "$P" pull privpull
check_contains "it names the image" "$OUT" "$R2/$P/app:v1"
check_contains "and says credentials are missing" "$OUT" "auth"
expect "pull with credentials works" env DOCKER_CONFIG="$T/dockercfg" "$BERTH" -p "$P" pull privpull
check "the private image is here" docker image inspect "$R2/$P/app:v1"

docker rmi -f "$R2/$P/app:v1" >/dev/null
expect_fail "a build FROM the private registry needs credentials" berth -p "$P" build derived
check_contains "the registry's refusal is shown" "$OUT" "auth"
expect "a build FROM the private registry uses config.json" \
	env DOCKER_CONFIG="$T/dockercfg" "$BERTH" -p "$P" build derived
check_contains "the base image was pulled with the credentials" "$OUT" "Successfully tagged $P-derived"

cat >"$T/dockercfg/config.json" <<EOF
{"auths": {"http://$R2": {"auth": "$(printf 'alice:wrong' | base64)"}}}
EOF
docker rmi -f "$R2/$P/app:v1" >/dev/null
expect_fail "wrong credentials fail" env DOCKER_CONFIG="$T/dockercfg" "$BERTH" -p "$P" pull privpull
check_contains "with the registry's answer" "$OUT" "$R2/$P/app:v1"

test_done
