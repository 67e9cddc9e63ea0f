#!/usr/bin/env bash
# Services sharing one image: and build: are built once by up (one POST
# /build), every one of them waits for that build and runs its image, and
# no dangling image with the project label is left behind.
. "$(dirname "$0")/lib.sh"
test_project

cleanup_images() {
	local rc=$?
	docker ps -aq --filter "label=com.docker.compose.project=$P" |
		xargs -r docker rm -f -v >/dev/null 2>&1
	docker images -q --filter "label=com.docker.compose.project=$P" |
		sort -u | xargs -r docker rmi -f >/dev/null 2>&1
	(exit "$rc")
	_cleanup
}
trap cleanup_images EXIT
export XDG_CACHE_HOME=$T/cache

mkdir -p "$T/app"
cd "$T" || exit 1
printf 'FROM %s\nCOPY . /app\n' "$TEST_IMAGE" >app/Dockerfile
echo v1 >app/version
cat >compose.yaml <<EOF
services:
  api:
    image: $P-shared
    build: app
    command: ["sleep", "1000"]
    init: true
  worker:
    image: $P-shared
    build: app
    command: ["sleep", "1000"]
    init: true
  cron:
    image: $P-shared
    build: app
    command: ["sleep", "1000"]
    init: true
EOF

dangling() {
	docker images -q --filter dangling=true \
		--filter "label=com.docker.compose.project=$P" | sort -u
}

"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan: one build for the shared image" \
	"$(grep -c "^build .*image:$P-shared" plan.out)" 1

expect "up -d builds" berth -p "$P" --debug up -d
check_eq "one build request" "$(grep -c 'engine request: POST /build' <<<"$OUT")" 1
id=$(docker image inspect -f '{{.Id}}' "$P-shared")
for s in api worker cron; do
	check_eq "$s runs the built image" \
		"$(docker inspect -f '{{.Image}}' "$P-$s-1")" "$id"
done
check_eq "no dangling labelled image" "$(dangling)" ""

echo v2 >app/version
expect "up -d after an edit" berth -p "$P" --debug up -d
check_eq "one build request again" "$(grep -c 'engine request: POST /build' <<<"$OUT")" 1
id2=$(docker image inspect -f '{{.Id}}' "$P-shared")
check "a new image" test "$id2" != "$id"
for s in api worker cron; do
	check_eq "$s is recreated on it" \
		"$(docker inspect -f '{{.Image}}' "$P-$s-1")" "$id2"
done
check_eq "$P-cron-1 sees the edit" "$(docker exec "$P-cron-1" cat /app/version)" v2
# The replaced image is dangling now, but no build raced another: only
# that one, and removing it leaves none.
docker rmi "$id" >/dev/null 2>&1
check_eq "no other dangling labelled image" "$(dangling)" ""

expect "a third up builds nothing" berth -p "$P" --debug up -d
check_eq "no build request" "$(grep -c 'engine request: POST /build' <<<"$OUT")" 0

expect "down" berth -p "$P" down -t 0
test_done
