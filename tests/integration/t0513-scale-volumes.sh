#!/usr/bin/env bash
# berth scale and berth volumes.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF2
name: $P
services:
  web:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 301 & wait"]
    volumes:
      - webdata:/data
  other:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 302 & wait"]
    volumes:
      - otherdata:/data
volumes:
  webdata:
  otherdata:
EOF2
expect "up -d" berth up -d
other_id=$(docker ps -q --filter "label=com.docker.compose.project=$P" \
	--filter "label=com.docker.compose.service=other")
web1_id=$(docker ps -q --filter "name=^$P-web-1\$")

# scale
numbers() {
	docker ps -a --filter "label=com.docker.compose.project=$P" \
		--filter "label=com.docker.compose.service=$1" \
		--format '{{.Label "com.docker.compose.container-number"}}' |
		sort -n | tr '\n' ' '
}
expect "scale web=3" berth scale web=3
check_eq "web has replicas 1, 2, 3" "$(numbers web)" "1 2 3 "
check_eq "all three run" "$(docker ps -q --filter "label=com.docker.compose.project=$P" \
	--filter "label=com.docker.compose.service=web" | wc -l)" 3
check_eq "web-1 was not recreated" \
	"$(docker ps -q --filter "name=^$P-web-1\$")" "$web1_id"
check_eq "other was left alone" "$(docker ps -q \
	--filter "label=com.docker.compose.project=$P" \
	--filter "label=com.docker.compose.service=other")" "$other_id"
check_eq "still one other" "$(numbers other)" "1 "

expect "scale web=1" berth scale web=1
check_eq "replicas 2 and 3 removed" "$(numbers web)" "1 "
check_eq "web-1 kept" "$(docker ps -q --filter "name=^$P-web-1\$")" \
	"$web1_id"
check_eq "other still untouched" "$(docker ps -q \
	--filter "label=com.docker.compose.project=$P" \
	--filter "label=com.docker.compose.service=other")" "$other_id"

expect "scale two services at once" berth scale web=2 other=0
check_eq "web 1 2" "$(numbers web)" "1 2 "
check_eq "other gone" "$(numbers other)" ""

expect_fail "scale without a number" berth scale web
check_contains "compose's message" "$OUT" "invalid scale specifier: web"
expect_fail "scale with a bad number" berth scale web=x
check_contains "says why" "$OUT" "can't parse replica value as int: web=x"
expect_fail "scale of an unknown service" berth scale nosuch=2
check_contains "names it" "$OUT" "nosuch"
expect_fail "scale with nothing" berth scale
check_eq "a usage error" "$RC" 125
check_eq "nothing changed" "$(numbers web)" "1 2 "

# volumes
expect "volumes" berth volumes
check_eq "table: header and both volumes, sorted" "$OUT" \
	"$(printf 'DRIVER    VOLUME NAME\nlocal     %s\nlocal     %s' \
		"${P}_otherdata" "${P}_webdata")"
expect "volumes -q" berth volumes -q
check_eq "names only" "$OUT" "$(printf '%s\n%s' "${P}_otherdata" "${P}_webdata")"
expect "volumes --format json" berth volumes --format json
check_eq "one object a line" "$(printf '%s\n' "$OUT" | wc -l)" 2
check_contains "the name" "$OUT" "\"Name\":\"${P}_webdata\""
check_contains "the driver" "$OUT" '"Driver":"local"'
check_contains "the labels" "$OUT" "com.docker.compose.project=$P"
check "valid JSON" python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$OUT"
expect "volumes web" berth volumes web
check_contains "web's volume" "$OUT" "${P}_webdata"
check_not_contains "not other's (no container mounts it)" "$OUT" "${P}_otherdata"
expect "volumes --format TEMPLATE" berth volumes --format '{{.Name}} {{.Scope}}' web
check_eq "the template" "$OUT" "${P}_webdata local"
expect "volumes --format 'table ...'" berth volumes --format 'table {{.Name}}\t{{.Driver}}' web
w=$((${#P} + 8 + 3)) # the widest cell, "${P}_webdata", and 3 spaces
check_eq "a header and aligned cells" "$OUT" \
	"$(printf '%-*s%s\n%-*s%s' "$w" "VOLUME NAME" DRIVER "$w" "${P}_webdata" local)"
expect_fail "volumes of an unknown service" berth volumes nosuch
check_contains "is an error" "$OUT" "no such service: nosuch"
expect_fail "an unsupported template" berth volumes --format '{{.Nope}}'
check_contains "says which" "$OUT" "{{.Nope}}"
cd / || exit 1
expect "volumes with -p alone" berth -p "$P" volumes -q
check_contains "finds them by label" "$OUT" "${P}_webdata"
test_done
