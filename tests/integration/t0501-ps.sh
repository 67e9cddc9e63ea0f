#!/usr/bin/env bash
# berth ps: the table, -q, --services, --status/--filter, -a and one-offs,
# --format json (JSON Lines with the fields docker compose prints),
# --no-trunc, --orphans, and a project known by name only (-p, no file).
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

# Containers made by hand, labelled as compose labels them: ps needs no
# compose file with -p.
mk() { # mk SERVICE NUMBER [docker run options...] -- COMMAND...
	local svc=$1 num=$2
	shift 2
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	docker run -d --label com.docker.compose.project="$P" \
		--label com.docker.compose.service="$svc" \
		--label com.docker.compose.container-number="$num" \
		--label com.docker.compose.oneoff=False \
		--label com.docker.compose.config-hash=x \
		--name "$P-$svc-$num" "${opts[@]}" "$TEST_IMAGE" "$@" >/dev/null
}
mk web 1 -p 127.0.0.1::80 -- sleep 300
mk web 2 -- sleep 300
mk db 1 -- sleep 300
mk job 1 -- true
docker run -d --label com.docker.compose.project="$P" \
	--label com.docker.compose.service=web \
	--label com.docker.compose.oneoff=True \
	--label com.docker.compose.config-hash=x \
	--name "$P-web-run-0123456789ab" "$TEST_IMAGE" sleep 300 >/dev/null
docker wait "$P-job-1" >/dev/null

expect "ps with only -p" berth -p "$P" ps
check_eq "the table's header" "$(printf '%s\n' "$OUT" | head -n1 | tr -s ' ')" \
	"NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS"
check_eq "running service containers, sorted by name" \
	"$(printf '%s\n' "$OUT" | awk 'NR>1 {print $1}' | tr '\n' ' ')" \
	"$P-db-1 $P-web-1 $P-web-2 "
check_contains "the command is quoted" "$OUT" '"sleep 300"'
check_contains "the created column" "$OUT" " ago "
check_contains "the status column" "$OUT" "Up "
check_contains "the published port" "$OUT" "127.0.0.1:"
check_contains "the port mapping" "$OUT" "->80/tcp"
header=$(printf '%s\n' "$OUT" | head -n1)
col=${header%%IMAGE*}
check_eq "columns are padded to the widest cell plus 3" "${#col}" \
	$((${#P} + 6 + 3))

expect "ps -a" berth -p "$P" ps -a
check_contains "-a shows stopped containers" "$OUT" "$P-job-1"
check_contains "with their exit status" "$OUT" "Exited (0)"
check_contains "-a shows one-off containers" "$OUT" "$P-web-run-0123456789ab"

expect "ps -q" berth -p "$P" ps -q
check_eq "-q prints full IDs, one a line" "$(printf '%s\n' "$OUT" | wc -l)" 3
check_eq "the IDs are the containers'" "$(printf '%s\n' "$OUT" | sort)" \
	"$(docker ps -q --no-trunc --filter label=com.docker.compose.project="$P" \
		--filter label=com.docker.compose.oneoff=False | sort)"

expect "ps --services" berth -p "$P" ps --services
check_eq "--services lists each service once" "$OUT" "db
web"

expect "ps --status exited" berth -p "$P" ps --status exited
check_eq "only exited containers" \
	"$(printf '%s\n' "$OUT" | awk 'NR>1 {print $1}')" "$P-job-1"
expect "ps --filter status=running --status exited" \
	berth -p "$P" ps -q --filter status=running --status exited
check_eq "statuses add up" "$(printf '%s\n' "$OUT" | wc -l)" 4
expect_fail "an unknown filter" berth -p "$P" ps --filter name=x
check_contains "is named" "$OUT" 'unknown filter "name=x"'
check_eq "and is a usage error" "$RC" 125

expect "ps SERVICE" berth -p "$P" ps -q db
check_eq "only that service" "$OUT" \
	"$(docker inspect -f '{{.Id}}' "$P-db-1")"

expect "ps --format json" berth -p "$P" ps --format json
check_eq "one JSON object a line" "$(printf '%s\n' "$OUT" | wc -l)" 3
first=$(printf '%s\n' "$OUT" | head -n1)
for key in Command CreatedAt ExitCode Health ID Image Labels LocalVolumes \
	Mounts Name Names Networks Ports Project Publishers RunningFor \
	Service Size State Status; do
	check_contains "json has $key" "$first" "\"$key\":"
done
check_contains "json Name" "$first" "\"Name\":\"$P-db-1\""
check_contains "json Project" "$first" "\"Project\":\"$P\""
check_contains "json State" "$first" '"State":"running"'
check_contains "json Command is quoted like the table" "$first" \
	'"Command":"\"sleep 300\""'
id12=$(docker inspect -f '{{.Id}}' "$P-db-1" | cut -c1-12)
check_contains "json ID is truncated" "$first" "\"ID\":\"$id12\""
web1=$(printf '%s\n' "$OUT" | grep "\"Name\":\"$P-web-1\"")
check_contains "Publishers list the binding" "$web1" \
	'"Publishers":[{"URL":"127.0.0.1","TargetPort":80,"PublishedPort":'
check_contains "Labels are k=v" "$web1" "com.docker.compose.service=web"
expect "ps -a --format json" berth -p "$P" ps -a --format json --status exited
check_contains "ExitCode of an exited container" "$OUT" '"ExitCode":0'

docker run -d --label com.docker.compose.project="$P" \
	--label com.docker.compose.service=fail \
	--label com.docker.compose.container-number=1 \
	--label com.docker.compose.oneoff=False \
	--name "$P-fail-1" "$TEST_IMAGE" sh -c 'exit 3' >/dev/null
docker wait "$P-fail-1" >/dev/null
expect "json of a failed container" berth -p "$P" ps --format json -a fail
check_contains "ExitCode is the container's" "$OUT" '"ExitCode":3'

expect "ps --format TEMPLATE" berth -p "$P" ps --format '{{.Name}}:{{.State}}' db
check_eq "fields substituted" "$OUT" "$P-db-1:running"
expect "ps --format 'table ...'" berth -p "$P" ps \
	--format 'table {{.Service}}\t{{.Name}}' db
check_eq "a header row and aligned cells" "$OUT" \
	"SERVICE   NAME
db        $P-db-1"
expect "ps --format '{{json .Publishers}}'" berth -p "$P" ps \
	--format '{{json .Publishers}}' db
check_eq "json of a field" "$OUT" "[]"
expect_fail "an unknown template field" berth -p "$P" ps --format '{{.Nope}}'
check_contains "is refused" "$OUT" 'unsupported --format action "{{.Nope}}"'

expect "ps --no-trunc" berth -p "$P" ps --no-trunc --format json db
check_contains "--no-trunc gives the full ID" "$OUT" \
	"\"ID\":\"$(docker inspect -f '{{.Id}}' "$P-db-1")\""
docker run -d --label com.docker.compose.project="$P" \
	--label com.docker.compose.service=long \
	--label com.docker.compose.container-number=1 \
	--label com.docker.compose.oneoff=False \
	--name "$P-long-1" "$TEST_IMAGE" sleep 300000000000000 >/dev/null
expect "a long command" berth -p "$P" ps long
check_contains "is cut to 20 characters with an ellipsis" "$OUT" \
	'"sleep 3000000000000…"'
expect "a long command, --no-trunc" berth -p "$P" ps --no-trunc long
check_contains "is whole" "$OUT" '"sleep 300000000000000"'

# With a compose file: its services, orphans, unknown names.
cat >compose.yaml <<EOF
name: $P
services:
  web:
    image: $TEST_IMAGE
  db:
    image: $TEST_IMAGE
EOF
expect "ps with the compose file" berth ps --services
check_eq "orphans show by default" "$OUT" "db
long
web"
expect "ps --orphans=false" berth ps --orphans false --services
check_eq "only the file's services" "$OUT" "db
web"
expect_fail "an unknown service with a file" berth ps nosuch
check_contains "is an error" "$OUT" "no such service: nosuch"
expect "an unknown service by name only" berth -p "$P" ps -q nosuch
check_eq "matches nothing" "$OUT" ""

# No compose file, no -p: COMPOSE_PROJECT_NAME names the project.
cd / || exit 1
expect "ps by COMPOSE_PROJECT_NAME" env COMPOSE_PROJECT_NAME="$P" "$BERTH" ps -q db
check_eq "finds the project" "$OUT" "$(docker inspect -f '{{.Id}}' "$P-db-1")"
expect_fail "ps with neither" env -u COMPOSE_PROJECT_NAME "$BERTH" ps
check_contains "the loader's error" "$OUT" "no configuration file provided"
cd "$T" || exit 1

# A project nobody made: an empty table.
expect "ps of an empty project" berth -p "$P-none" ps
check_eq "just the header" "$(printf '%s\n' "$OUT" | wc -l)" 1

# Every container of the project carries its label.
check_eq "docker finds every container by the project label" \
	"$(docker ps -aq --filter label=com.docker.compose.project="$P" | wc -l)" 7

test_done
