#!/usr/bin/env bash
# berth run: a one-off container named <project>-<service>-run-<12 hex>
# with the one-off labels; exit code, --rm, -d, -e, -l, -u, -w,
# --entrypoint, -v, -p/-P, --name, --no-deps and dependencies, piped stdin,
# a TTY, and the service's restart policy cleared; --cap-add/--cap-drop,
# --env-from-file, --use-aliases, --pull, --quiet-pull, --build and
# --remove-orphans.
. "$(dirname "$0")/lib.sh"
test_project
# Built images carry the project label: remove them too on exit.
cleanup_images() {
	local rc=$?
	docker images -q --filter "label=com.docker.compose.project=$P" |
		sort -u | xargs -r docker rmi -f >/dev/null 2>&1
	(exit "$rc")
	_cleanup
}
trap cleanup_images EXIT
export XDG_CACHE_HOME=$T/cache
cd "$T" || exit 1
mkdir -p "$T/ctx"
cat >"$T/ctx/Dockerfile" <<EOF
FROM $TEST_IMAGE
RUN echo built >/stamp
EOF

cat >compose.yaml <<EOF
name: $P
x-svc: &svc
  image: $TEST_IMAGE
  command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"]
services:
  db:
    <<: *svc
  web:
    <<: *svc
    depends_on: [db]
    restart: always
    environment:
      FROM_FILE: yes
      OVERRIDE: file
    ports:
      - "127.0.0.1::80"
    labels:
      from.file: "1"
    networks:
      default:
        aliases: [web-alias]
  built:
    build: ./ctx
    command: ["cat", "/stamp"]
  absent:
    image: berth-test/no-such-image:latest
EOF
# expect_out DESC CMD...: like expect, with stdout alone in $OUT (the
# progress of the dependencies goes to stderr)
expect_out() {
	local desc=$1
	shift
	if OUT=$("$@" 2>/dev/null); then
		_report ok "$desc"
	else
		_report fail "$desc (exit $?)"
	fi
}
oneoffs() {
	docker ps -aq --filter label=com.docker.compose.project="$P" \
		--filter label=com.docker.compose.oneoff=True "$@"
}

expect_fail "run exits with the command's code" berth run web sh -c 'exit 3'
check_eq "exit code 3" "$RC" 3
check_eq "the dependency was started first" \
	"$(docker inspect -f '{{.State.Status}}' "$P-db-1")" running
check "the service itself was not started" \
	test -z "$(docker ps -aq --filter name="^$P-web-1\$")"
id=$(oneoffs)
check_eq "one one-off container is left" "$(echo "$id" | wc -w)" 1
name=$(docker inspect -f '{{.Name}}' "$id")
check "its name is <project>-web-run-<12 hex>" \
	expr "$name" : "^/$P-web-run-[0-9a-f]\{12\}\$"
labels=$(docker inspect -f '{{json .Config.Labels}}' "$id")
check_contains "oneoff label" "$labels" '"com.docker.compose.oneoff":"True"'
check_contains "service label" "$labels" '"com.docker.compose.service":"web"'
check_contains "project label" "$labels" "\"com.docker.compose.project\":\"$P\""
slug=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.slug"}}' "$id")
check "the slug label is 64 hex digits" expr "$slug" : '^[0-9a-f]\{64\}$'
check_eq "the name ends with the slug's first 12" "${name##*-}" \
	"$(echo "$slug" | cut -c1-12)"
check_eq "the restart policy is cleared" \
	"$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$id")" "no"
check_eq "ports are not published without -P" \
	"$(docker inspect -f '{{range $p, $b := .HostConfig.PortBindings}}{{$p}}{{end}}' "$id")" ""
check_contains "the service's labels are kept" "$labels" '"from.file":"1"'
docker rm -f "$id" >/dev/null

expect_out "run --rm" berth run --rm web echo hi
check_eq "output" "$OUT" "hi"
check_eq "--rm leaves nothing behind" "$(oneoffs | wc -l)" 0

expect_out "-e" berth run --rm -e A=1 -e OVERRIDE=cli web \
	sh -c 'echo $A $FROM_FILE $OVERRIDE'
check_eq "adds and overrides the environment" "$OUT" "1 yes cli"
expect_out "-u -w" berth run --rm -u 4321 -w /bin web sh -c 'echo $(id -u) $(pwd)'
check_eq "user and directory" "$OUT" "4321 /bin"
expect_out "--entrypoint" berth run --rm --entrypoint "echo entry" web point
check_eq "replaces the entrypoint, the command follows" "$OUT" "entry point"
expect_out "--entrypoint without a command" berth run --rm --entrypoint echo web
check_eq "runs the entrypoint alone" "$OUT" ""
mkdir -p "$T/data"
echo content >"$T/data/file"
expect_out "-v" berth run --rm -v ./data:/data web cat /data/file
check_eq "a relative bind mount" "$OUT" "content"
OUT=$(printf 'a\nb\n' | "$BERTH" run --rm -T web wc -l 2>/dev/null)
check_eq "piped stdin reaches the one-off" "$(echo $OUT)" 2

expect_out "run -d" berth run -d -l extra.label=x --name "$P-custom" web sleep 300
cid=$OUT
check_eq "-d prints the container id" \
	"$(docker inspect -f '{{.Id}}' "$P-custom")" "$cid"
check_eq "--name names it" "$(docker inspect -f '{{.Name}}' "$cid")" "/$P-custom"
check_eq "-l labels it" \
	"$(docker inspect -f '{{index .Config.Labels "extra.label"}}' "$cid")" x
check_eq "it runs" "$(docker inspect -f '{{.State.Status}}' "$cid")" running
expect "ps -a shows it" berth ps -a
check_contains "the one-off" "$OUT" "$P-custom"
expect "ps does not" berth ps
check_not_contains "no one-off without -a" "$OUT" "$P-custom"
docker rm -f "$cid" >/dev/null

expect_out "run -d --rm" berth run -d --rm web true
sleep 2
check_eq "the engine removed it" "$(oneoffs | wc -l)" 0

expect_out "run -P" berth run -d -P web sleep 300
check_contains "publishes the service's ports" \
	"$(docker inspect -f '{{json .HostConfig.PortBindings}}' "$OUT")" '"80/tcp"'
docker rm -f "$OUT" >/dev/null
expect_out "run -p" berth run -d -p 127.0.0.1::9999 web sleep 300
check_contains "publishes the port given" \
	"$(docker port "$OUT" 9999/tcp)" "127.0.0.1:"
docker rm -f "$OUT" >/dev/null
expect_fail "run -p with a bad port" berth run -p 127.0.0.1::web web true
check_contains "says so" "$OUT" 'invalid --publish "127.0.0.1::web"'
check_eq "and creates nothing" "$(oneoffs | wc -l)" 0

expect "stop the dependency" berth stop db
expect_out "run --no-deps" berth run --rm --no-deps web true
check_eq "the dependency stays stopped" \
	"$(docker inspect -f '{{.State.Status}}' "$P-db-1")" exited

expect_fail "run an unknown service" berth run nosuch true
check_contains "says so" "$OUT" "no such service: nosuch"
expect_fail "run without a service" berth run
check_eq "is a usage error" "$RC" 125
cd / || exit 1
expect_fail "run needs the compose file" berth -p "$P" run web true
cd "$T" || exit 1

# Signals to berth go to the one-off (without a TTY).
"$BERTH" run --rm -T web sh -c "trap 'exit 9' TERM; echo ready; sleep 60 & wait" \
	>"$T/sig.out" 2>/dev/null </dev/null &
pid=$!
for _ in $(seq 50); do grep -q ready "$T/sig.out" 2>/dev/null && break; sleep 0.2; done
kill -TERM "$pid"
wait "$pid"
check_eq "SIGTERM reaches the container, its exit code comes back" "$?" 9
check_eq "and --rm still removes it" "$(oneoffs | wc -l)" 0

if command -v script >/dev/null; then
	OUT=$(script -qec "$BERTH run --rm web sh -c 'tty; exit 4'; echo rc=\$?" \
		/dev/null < <(sleep 5) 2>&1)
	check_contains "a terminal gets a TTY" "$OUT" "/dev/pts/"
	check_contains "the exit code is kept" "$OUT" "rc=4"
else
	_report fail "script(1) is needed for the tty checks"
fi

# --cap-add / --cap-drop
expect_out "run --cap-add --cap-drop" berth run -d --no-deps \
	--cap-add NET_ADMIN --cap-add SYS_TIME --cap-drop CHOWN web sleep 300
check_eq "CapAdd" "$(docker inspect -f '{{.HostConfig.CapAdd}}' "$OUT")" \
	"[NET_ADMIN SYS_TIME]"
check_eq "CapDrop" "$(docker inspect -f '{{.HostConfig.CapDrop}}' "$OUT")" \
	"[CHOWN]"
docker rm -f "$OUT" >/dev/null

# --env-from-file: over the service's environment, under -e
printf 'X=from-file\nOVERRIDE=envfile\n# a comment\n' >"$T/a.env"
printf 'Y=second\n' >"$T/b.env"
expect_out "run --env-from-file" berth run --rm --no-deps \
	--env-from-file a.env --env-from-file "$T/b.env" web \
	sh -c 'echo $X $Y $OVERRIDE'
check_eq "its values, over the service's" "$OUT" "from-file second envfile"
expect_out "-e wins over --env-from-file" berth run --rm --no-deps \
	--env-from-file a.env -e X=cli web sh -c 'echo $X'
check_eq "the -e value" "$OUT" "cli"
expect_fail "run --env-from-file with a missing file" berth run --rm \
	--no-deps --env-from-file nosuch.env web true
check_contains "says so" "$OUT" "nosuch.env"
check_eq "and creates nothing" "$(oneoffs | wc -l)" 0

# --use-aliases
expect_out "run -d without --use-aliases" berth run -d --no-deps web sleep 300
check_not_contains "no service alias" \
	"$(docker inspect -f '{{json .NetworkSettings.Networks}}' "$OUT")" \
	web-alias
docker rm -f "$OUT" >/dev/null
expect_out "run -d --use-aliases" berth run -d --no-deps --use-aliases web \
	sleep 300
check_contains "the service's alias" \
	"$(docker inspect -f "{{json (index .NetworkSettings.Networks \"${P}_default\").Aliases}}" "$OUT")" \
	'"web-alias"'
docker rm -f "$OUT" >/dev/null

# --pull (nothing can be pulled here: a pull is seen by its failure)
expect_out "run --pull missing with the image present" berth run --rm \
	--no-deps --pull missing web echo ok
check_eq "runs without pulling" "$OUT" ok
expect_fail "run --pull always" berth run --rm --no-deps --pull always web true
check_contains "pulls although the image is present" "$OUT" "$TEST_IMAGE"
check_eq "and creates nothing" "$(oneoffs | wc -l)" 0
expect_fail "run --pull never with the image missing" berth run --rm \
	--pull never absent true
check_contains "says so" "$OUT" \
	'image "berth-test/no-such-image:latest" of service "absent" is missing and --pull is "never"'
check_eq "and creates nothing" "$(oneoffs | wc -l)" 0
expect_fail "run --pull with a bad policy" berth run --pull sometimes web true
check_eq "is a usage error" "$RC" 125
# --quiet-pull is accepted (no usage error); the pull's failure is still
# reported, on one line. (Without a registry no progress can be seen.)
expect_fail "run --quiet-pull" berth run --rm --quiet-pull absent true
check_eq "fails as the pull does, not as a usage error" "$RC" 1
check_contains "the failure is reported" "$OUT" \
	'cannot pull "berth-test/no-such-image:latest"'
check_eq "on one line" "$(printf '%s\n' "$OUT" | wc -l)" 1

# --build
expect "run builds a missing image" berth run --rm built
check_contains "the build ran" "$OUT" "Step 1/"
check_contains "and the command" "$OUT" "built"
expect "run with the image present" berth run --rm built
check_not_contains "does not build" "$OUT" "Step 1/"
expect "run --build" berth run --rm --build built
check_contains "builds anyway" "$OUT" "Step 1/"
check_contains "then runs" "$OUT" "built"

# --remove-orphans
cat >orphan.yaml <<EOF
name: $P
services:
  gone:
    image: $TEST_IMAGE
    command: ["sleep", "300"]
EOF
expect "an orphan-to-be" berth -f orphan.yaml up -d
expect "run without --remove-orphans" berth run --rm --no-deps web true
check_contains "warns about the orphan" "$OUT" "$P-gone-1"
check_eq "and keeps it" \
	"$(docker ps -aq --filter name="^$P-gone-1\$" | wc -l)" 1
expect "run --remove-orphans" berth run --rm --no-deps --remove-orphans web true
check_eq "removes it" \
	"$(docker ps -aq --filter name="^$P-gone-1\$" | wc -l)" 0

# In a project with nothing yet, run creates the service's network and
# named volume first, as docker compose does.
mkdir -p "$T/fresh"
cat >"$T/fresh/compose.yaml" <<EOF
name: ${P}fresh
services:
  solo:
    image: $TEST_IMAGE
    volumes: [store:/store]
volumes:
  store: {}
EOF
expect "run in a fresh project" berth -f "$T/fresh/compose.yaml" run --rm -T solo \
	sh -c 'echo kept >/store/f; echo ran'
check_contains "the one-off ran" "$OUT" "ran"
check "its network was created" docker network inspect "${P}fresh_default"
check_eq "its volume was created and holds the data" \
	"$(docker run --rm -v "${P}fresh_store:/s" "$TEST_IMAGE" cat /s/f)" kept
expect "down -v the fresh project" berth -f "$T/fresh/compose.yaml" down -v

check_eq "every container carries the project label" \
	"$(docker ps -aq --filter label=com.docker.compose.project="$P" | wc -l)" \
	"$(docker ps -aq --filter name="^$P-" | wc -l)"

test_done
