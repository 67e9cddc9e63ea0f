#!/usr/bin/env bash
# berth ps of a 30-service project stays fast because it makes one
# label-filtered list request (docker-compose takes ~460 ms here; berth's
# target of 25 ms is measured in bench/, never asserted in tests).
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

for i in $(seq -w 1 30); do
	docker create --label com.docker.compose.project="$P" \
		--label com.docker.compose.service="s$i" \
		--label com.docker.compose.container-number=1 \
		--label com.docker.compose.oneoff=False \
		--label com.docker.compose.config-hash=x \
		--name "$P-s$i-1" "$TEST_IMAGE" sleep 300 >/dev/null
done

expect "ps -a of 30 services" berth -p "$P" ps -a
check_eq "lists all 30" "$(printf '%s\n' "$OUT" | wc -l)" 31

# Speed lives in the benchmarks (bench/), not here: what the test checks is
# the reason ps is fast, one label-filtered list request and nothing else.
expect "ps -a with request tracing" berth --debug -p "$P" ps -a
requests=$(printf '%s\n' "$OUT" | grep 'engine request: ' | grep -vc 'GET /_ping')
lists=$(printf '%s\n' "$OUT" | grep -c 'engine request: GET /containers/json')
check_eq "ps makes one list request" "$lists" 1
check_eq "and no other request (but the version ping)" "$requests" 1

test_done
