#!/usr/bin/env bash
# t0701-example-webapp.sh - examples/webapp as its README runs it: built
# images, a published port, a health check gate, a named volume; up --wait
# brings both services to healthy, the page and the store answer through
# the published port, down -v --rmi local leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/examples.sh"
test_project
example webapp
port=$(free_port)
export WEB_PORT=$port

expect "up -d --wait builds and starts the stack" ex up -d --wait --wait-timeout 120
check_service "store is running and healthy" store "running healthy"
check_service "web is running and healthy" web "running healthy"
check_eq "one container each" "$(count_service web) $(count_service store)" "1 1"
check_contains "the page is served on the published port" \
	"$(curl -sf "http://127.0.0.1:$port/")" "Hello from berth"
check_eq "a visit is counted in the store" \
	"$(curl -sf "http://127.0.0.1:$port/cgi-bin/visits")" "visits: 1"
check_eq "and the next one too" \
	"$(curl -sf "http://127.0.0.1:$port/cgi-bin/visits")" "visits: 2"
expect "port names the published address" ex port web 8080
check_contains "port's answer" "$OUT" ":$port"
expect "plan: nothing to do once up" ex plan

# The count lives in the volume: it survives a recreate.
expect "up --force-recreate" ex up -d --wait --force-recreate store
check_eq "the count survived" \
	"$(curl -sf "http://127.0.0.1:$port/cgi-bin/visits")" "visits: 3"

example_down
test_done
