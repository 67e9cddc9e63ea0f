#!/usr/bin/env bash
# t0704-example-live-edit.sh - examples/live-edit: up --wait brings the
# site up healthy on its published port; `berth watch --no-up` then syncs
# an edited page into the running container and rebuilds the image when
# the Dockerfile changes (on a copy of the example); down leaves nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/examples.sh"
test_project
example_copy live-edit
port=$(free_port)
export LIVE_PORT=$port
page() { curl -sf "http://127.0.0.1:$port/${1-}"; }

expect "up -d --wait builds and starts the site" ex up -d --wait --wait-timeout 120
check_service "web is running and healthy" web "running healthy"
check_contains "the page is served" "$(page)" "Edit me"
check_eq "the image's edition" "$(page edition.txt)" "first edition"

"$BERTH" -p "$P" -f "$EX/compose.yaml" watch --no-up >"$T/watch.txt" 2>&1 &
watch_pid=$!
# Whatever happens, the watch does not outlive the test.
# shellcheck disable=SC2154 # rc is set by the trap itself
trap 'rc=$?; kill -9 "$watch_pid" 2>/dev/null; (exit "$rc"); _cleanup' EXIT
watching() { grep -q "Watch enabled" "$T/watch.txt"; }
check "watch starts" wait_for 20 watching

sed -i 's/Edit me/Edited live/' "$EX/site/index.html"
edited() { page | grep -q "Edited live"; }
check "an edited page is synced into the container" wait_for 20 edited
mkdir -p "$EX/site/drafts"
echo draft >"$EX/site/drafts/next.html"
echo marker >"$EX/site/marker.txt"
marked() { page marker.txt | grep -q marker; }
check "a new file is synced" wait_for 20 marked
check "drafts/ is ignored" bash -c '! docker exec "$1-web-1" test -e /www/drafts/next.html' _ "$P"

id1=$(docker inspect -f '{{.Id}}' "$P-web-1")
sed -i 's/EDITION=first/EDITION=second/' "$EX/Dockerfile"
rebuilt() { page edition.txt | grep -q "second edition"; }
check "a Dockerfile edit rebuilds and recreates" wait_for 60 rebuilt
check "the container was recreated" test "$(docker inspect -f '{{.Id}}' "$P-web-1" 2>/dev/null)" != "$id1"

kill -INT "$watch_pid" 2>/dev/null
stopped() { ! kill -0 "$watch_pid"; }
check "watch stops on SIGINT" wait_for 15 stopped
wait "$watch_pid"
check_eq "with status 130" "$?" 130
check_contains "watch said what it synced" "$(cat "$T/watch.txt")" "Syncing"

expect "down -v --rmi local" ex down -v --rmi local
# The image the rebuild replaced is left untagged, as docker compose
# leaves it.
docker images -q --filter "label=com.docker.compose.project=$P" | xargs -r docker rmi >/dev/null
example_down
test_done
