#!/usr/bin/env bash
# berth up rebuilds exactly the stale images: a second up builds nothing,
# editing one service's context rebuilds and recreates that service only,
# and an edit to a .dockerignored file changes nothing.
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

mkdir -p "$T/web" "$T/worker"
cd "$T" || exit 1
cat >compose.yaml <<EOF
services:
  web:
    build: web
    command: ["sleep", "1000"]
  worker:
    build: worker
    command: ["sleep", "1000"]
EOF
printf 'FROM %s\nCOPY . /app\n' "$TEST_IMAGE" >web/Dockerfile
printf 'FROM %s\nCOPY . /app\n' "$TEST_IMAGE" >worker/Dockerfile
printf 'v1\n' >web/index.html
printf 'tmp\n' >web/cache.tmp
printf '*.tmp\n' >web/.dockerignore
printf 'job\n' >worker/job.sh

cid() { docker ps -q --filter "label=com.docker.compose.project=$P" \
	--filter "label=com.docker.compose.service=$1"; }
iid() { docker image inspect "$P-$1" --format '{{.Id}}' 2>/dev/null; }

expect "first up builds and starts" berth -p "$P" up -d
check_contains "web was built" "$OUT" "Successfully tagged $P-web:latest"
check_contains "worker was built" "$OUT" "Successfully tagged $P-worker:latest"
check_eq "web serves the first version" \
	"$(docker exec "$(cid web)" cat /app/index.html)" "v1"
web1=$(cid web) worker1=$(cid worker)
webimg=$(iid web) workerimg=$(iid worker)

expect "second up" berth -p "$P" up -d
check_not_contains "builds nothing" "$OUT" "Step 1/"
check_eq "web's container is kept" "$(cid web)" "$web1"
check_eq "worker's container is kept" "$(cid worker)" "$worker1"
check_eq "web's image is the same" "$(iid web)" "$webimg"

printf 'v2\n' >web/index.html
expect "up after editing web's context" berth -p "$P" up -d
check_contains "web is rebuilt" "$OUT" "Successfully tagged $P-web:latest"
check_not_contains "worker is not rebuilt" "$OUT" "Successfully tagged $P-worker"
check "web's container is recreated" test "$(cid web)" != "$web1"
check_eq "worker's container is kept" "$(cid worker)" "$worker1"
check_eq "worker's image is the same" "$(iid worker)" "$workerimg"
check_eq "web serves the edit" \
	"$(docker exec "$(cid web)" cat /app/index.html)" "v2"
web2=$(cid web)

printf 'other\n' >web/cache.tmp
expect "up after editing an ignored file" berth -p "$P" up -d
check_not_contains "builds nothing" "$OUT" "Step 1/"
check_eq "web's container is kept" "$(cid web)" "$web2"

test_done
