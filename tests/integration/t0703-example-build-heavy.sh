#!/usr/bin/env bash
# t0703-example-build-heavy.sh - examples/build-heavy as its README walks
# through it, on a copy: three built images (build args, .dockerignore, a
# two-stage build with a target); after an edit `plan` names the one stale
# image and why, an ignored file changes nothing, changed build args count
# too, and `up` rebuilds exactly the stale images.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/examples.sh"
test_project
example_copy build-heavy
image_id() { docker image inspect -f '{{.Id}}' "$P-$1" 2>/dev/null; }

expect "up -d --wait builds and starts the three services" ex up -d --wait --wait-timeout 120
for s in api worker docs; do
	check_service "$s is running" "$s" "running"
	check "$s's image carries dev.berth.build-digest" bash -c \
		'[ -n "$(docker image inspect -f "{{index .Config.Labels \"dev.berth.build-digest\"}}" "$1")" ]' _ "$P-$s"
done
check_contains "the build argument reached the api image" "$(ex logs api)" "hello from the api image"
check_contains "and the worker's" "$(ex logs worker)" "log level info, batches of 10"
expect "plan: nothing to do once up" ex plan

api1=$(image_id api) worker1=$(image_id worker) docs1=$(image_id docs)
echo "version 2" >"$EX/api/src/message.txt"
expect_fail "plan after an edit exits non-zero" ex plan
check_eq "with status 2" "$RC" 2
check_contains "plan names the stale image and the file" "$OUT" \
	"build     image:$P-api  context changed: src/message.txt"
check_contains "and recreates its container" "$OUT" "recreate  $P-api-1"
check_not_contains "the worker is not stale" "$OUT" "image:$P-worker"
check_not_contains "the docs are not stale" "$OUT" "image:$P-docs"

echo noise >>"$EX/api/debug.log"
mkdir -p "$EX/docs/drafts" && echo draft >"$EX/docs/drafts/next.txt"
expect_fail "plan after editing ignored files" ex plan
check_eq "still one build" "$(printf '%s\n' "$OUT" | grep -c '^build')" 1

sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' "$EX/compose.yaml"
expect_fail "plan after changing a build argument" ex plan
check_contains "names the worker's build args" "$OUT" "image:$P-worker  build args changed"

expect "up -d --wait rebuilds the stale images" ex up -d --wait
check "api was rebuilt" test "$(image_id api)" != "$api1"
check "worker was rebuilt" test "$(image_id worker)" != "$worker1"
check_eq "docs was not" "$(image_id docs)" "$docs1"
check_contains "the worker runs with the new argument" "$(ex logs worker)" "log level debug"
expect "plan: nothing to do again" ex plan

# The images the rebuild replaced are left untagged (as docker compose
# leaves them); down --rmi local removes the tagged ones.
expect "down -v --rmi local" ex down -v --rmi local
check_eq "no tagged image of $P is left" \
	"$(docker images --filter "label=com.docker.compose.project=$P" --format '{{.Repository}}' | grep -v '^<none>$')" ""
docker images -q --filter "label=com.docker.compose.project=$P" | xargs -r docker rmi >/dev/null
example_down
test_done
