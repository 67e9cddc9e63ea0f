#!/usr/bin/env bash
# berth stats: the Docker CLI's stats table of the project's containers,
# once (--no-stream) and live (following containers that start later).
. "$(dirname "$0")/lib.sh"
test_project
cd "$T" || exit 1

cat >compose.yaml <<EOF2
name: $P
services:
  busy:
    image: $TEST_IMAGE
    command: ["sh", "-c", "while :; do :; done"]
  idle:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
  late:
    image: $TEST_IMAGE
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 303 & wait"]
EOF2
expect "up -d" berth up -d busy idle
busy_id=$(docker inspect -f '{{.Id}}' "$P-busy-1")

expect "stats --no-stream" berth stats --no-stream
check_eq "the header" "$(printf '%s\n' "$OUT" | head -n1 | tr -s ' ')" \
	"CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS"
check_eq "a row per container" "$(printf '%s\n' "$OUT" | wc -l)" 3
check_contains "the busy container" "$OUT" "$P-busy-1"
check_contains "the idle container" "$OUT" "$P-idle-1"
check_contains "a short ID" "$OUT" "${busy_id:0:12}   $P-busy-1"
check "memory as usage / limit in binary units" \
	grep -qE "$P-idle-1 +[0-9.]+%? +[0-9.]+(B|KiB|MiB) / [0-9.]+(MiB|GiB|TiB)" \
	<<<"$OUT"
check "idle: two processes" grep -qE "$P-idle-1 .* 2$" <<<"$OUT"

# CPU %: the engine measures over a second; poll against a loaded host.
cpu=0
for _ in 1 2 3 4 5; do
	cpu=$(berth stats --no-stream --format '{{.CPUPerc}}' busy)
	case $cpu in 0.00% | '') sleep 1 ;; *) break ;; esac
done
check "a busy loop shows CPU % > 0 ($cpu)" \
	awk -v c="${cpu%\%}" 'BEGIN { exit !(c + 0 > 0) }'

expect "--format json" berth stats --no-stream --format json
check_eq "one object per container" "$(printf '%s\n' "$OUT" | grep -c '^{')" 2
row=$(printf '%s\n' "$OUT" | grep "\"Name\":\"$P-busy-1\"")
# field KEY: the string value of KEY in $row
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\\1/" <<<"$row"; }
check_eq "docker's keys, sorted" \
	"$(grep -oE '"[A-Za-z]+":' <<<"$row" | tr -d '":' | paste -sd,)" \
	"BlockIO,CPUPerc,Container,ID,MemPerc,MemUsage,Name,NetIO,PIDs"
check_eq "Container is the full id" "$(field Container)" "$busy_id"
check_eq "ID the short one" "$(field ID)" "${busy_id:0:12}"
check "NetIO in decimal units" \
	grep -qE '^[0-9.]+(B|kB|MB) / [0-9.]+(B|kB|MB)$' <<<"$(field NetIO)"
check "PIDs" test "$(field PIDs)" = 1
expect "--no-trunc" berth stats --no-stream --no-trunc --format '{{.ID}}' busy
check_eq "the full id" "$OUT" "$busy_id"

expect "a service" berth stats --no-stream idle
check_eq "only its container" "$(printf '%s\n' "$OUT" | wc -l)" 2
check_not_contains "not the other" "$OUT" "$P-busy-1"

expect "a template" berth stats --no-stream --format '{{.Name}}'
check_eq "names" "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" \
	"$P-busy-1 $P-idle-1 "
expect "a table template" berth stats --no-stream \
	--format 'table {{.Name}}\t{{.PIDs}}' idle
check_eq "header and row" "$(printf '%s\n' "$OUT" | tr -s ' ' | tr '\n' '|')" \
	"NAME PIDS|$P-idle-1 2|"
expect_fail "an unknown field" berth stats --no-stream --format '{{.Status}}'
check_contains "is refused" "$OUT" 'unsupported --format action "{{.Status}}"'
check_eq "as a usage error" "$RC" 125
expect_fail "an unknown service" berth stats --no-stream nosuch
check_contains "is an error" "$OUT" "no such service: nosuch"

expect "stop idle" berth stop -t 1 idle
expect "stats without --all" berth stats --no-stream --format '{{.Name}}'
check_eq "the running one only" "$OUT" "$P-busy-1"
expect "stats --all" berth stats --no-stream -a --format '{{.Name}} {{.PIDs}}'
check_contains "the stopped one too" "$OUT" "$P-idle-1 0"

# Live: tables one after the other (not a terminal); a container that
# starts meanwhile is added, one that stops is dropped; Ctrl-C: 130.
# wait_for_re FILE ERE: up to 20 s for a line matching ERE.
wait_for_re() {
	for _ in $(seq 1 100); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
# (the binary itself, not the berth function: $! must be its pid)
"$BERTH" stats --format '{{.Name}} {{.MemUsage}}' >>live.out 2>live.err &
pid=$!
# It runs until interrupted: never leave it behind.
trap 'rc=$?; kill "$pid" 2>/dev/null; (exit $rc); _cleanup' EXIT
check "the stream shows the running container" wait_for_text live.out "$P-busy-1"
check_not_contains "not the stopped one" "$(cat live.out)" "$P-idle-1"
expect "up late" berth up -d late
check "a container started later is followed" wait_for_text live.out "$P-late-1 "
check "with its numbers" wait_for_re live.out "^$P-late-1 [0-9.]+[KMG]iB / "
expect "stop late" berth stop -t 1 late
: >live.out
sleep 2
check "a stopped container is dropped" \
	test "$(grep -c "$P-late-1" live.out)" -eq 0
check "while the others go on" grep -q "$P-busy-1" live.out
kill -INT "$pid"
(sleep 15 && kill -KILL "$pid") >/dev/null 2>&1 &
watchdog=$!
wait "$pid"
check_eq "Ctrl-C exits 130" "$?" 130
kill "$watchdog" 2>/dev/null
check_eq "nothing on stderr" "$(cat live.err)" ""

# --no-stream with nothing to show prints nothing, as the CLI does.
expect "down" berth down -t 1
expect "stats of an empty project" berth stats --no-stream
check_eq "prints nothing" "$OUT" ""
test_done
