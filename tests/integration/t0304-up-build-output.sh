#!/usr/bin/env bash
# What up shows of builds: plain prefixed lines when not on a terminal,
# nothing with --quiet-build (errors still), and on a terminal one status
# line per service in the progress block instead of the build log. -y is
# accepted and changes nothing. libarchive is loaded only when a tar is
# made (src/archive_lazy.h).
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

mkdir -p "$T/web"
cd "$T" || exit 1
printf 'FROM %s\nCOPY . /app\nRUN echo built-here\n' "$TEST_IMAGE" >web/Dockerfile
echo v1 >web/index.html
cat >compose.yaml <<EOF
services:
  web:
    build: web
    command: ["sleep", "1000"]
    init: true
EOF

check "berth is not linked with libarchive" sh -c "! readelf -d '$BERTH' | grep -q 'NEEDED.*libarchive'"
expect "config" env LD_DEBUG=files "$BERTH" -p "$P" config --hash '*'
check_not_contains "does not load libarchive" "$OUT" "libarchive.so"

expect "up -d --quiet-build" env LD_DEBUG=files "$BERTH" -p "$P" up -d --quiet-build
check_contains "a build loads libarchive" "$OUT" "file=libarchive.so.13"
check_not_contains "shows no build step" "$OUT" "Step 1/"
check_not_contains "nor the build's own output" "$OUT" "built-here"
check "but built the image" docker image inspect "$P-web"
check_contains "and started the container" "$OUT" "Container $P-web-1  Started"

echo v2 >web/index.html
expect "up -d (not a terminal)" berth -p "$P" up -d
check_contains "prefixed build lines" "$OUT" "web | Step 1/"

echo v3 >web/index.html
printf 'FROM %s\nCOPY . /app\nRUN exit 7\n' "$TEST_IMAGE" >web/Dockerfile
expect_fail "a failing build with --quiet-build" berth -p "$P" up -d --quiet-build
check_contains "still says why" "$OUT" "service \"web\": build failed"
printf 'FROM %s\nCOPY . /app\nRUN echo built-here\n' "$TEST_IMAGE" >web/Dockerfile

# On a terminal (script(1) gives one): the build is a status line.
echo v4 >web/index.html
script -qec "$BERTH -p $P up -d" /dev/null >tty.out 2>&1
check_eq "up -d on a terminal" "$?" 0
out=$(tr -d '\r' <tty.out)
check_contains "a Building block" "$out" "Building"
check_contains "with the service's step as its status" "$out" "Service web Step 1/"
check_not_contains "not the plain build lines" "$out" "web | Step"
check_contains "then the containers" "$out" "Container $P-web-1"
check_eq "the new content is served" "$(docker exec "$P-web-1" cat /app/index.html)" v4

expect "-y is accepted" berth -p "$P" up -d -y
check_contains "and changes nothing" "$OUT" "Container $P-web-1  Running"
expect "--yes too" berth -p "$P" up -d --yes
expect "up --help" berth up --help
check_contains "says -y is for compatibility" "$OUT" "accepted for compatibility"

expect "down" berth -p "$P" down -t 0
test_done
