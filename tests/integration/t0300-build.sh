#!/usr/bin/env bash
# berth build: the context as .dockerignore filters it, the digest label,
# what makes an image stale (and what does not), and build failures.
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

mkdir -p "$T/app/src" "$T/app/logs" "$T/outside"
cd "$T" || exit 1
cat >compose.yaml <<EOF
services:
  web:
    build:
      context: app
      args:
        GREETING: hello
    command: ["sleep", "1000"]
EOF
cat >app/Dockerfile <<EOF
FROM $TEST_IMAGE
ARG GREETING
COPY . /app
RUN echo "\$GREETING" > /greeting
EOF
printf 'int main(void) { return 0; }\n' >app/src/main.c
printf 'one\n' >app/a.c
printf 'noise\n' >app/logs/debug.log
printf 'secret\n' >"$T/outside/secret.txt"
ln -s "$T/outside/secret.txt" app/link-out
printf 'logs\n*.tmp\n' >app/.dockerignore
IMG="$P-web"

expect "build a service" berth -p "$P" build
check_contains "output has the service prefix and the step" "$OUT" "web | Step 1/"
check_contains "the image is tagged <project>-<service>" "$OUT" "Successfully tagged $IMG:latest"
labels=$(docker image inspect "$IMG" --format '{{json .Config.Labels}}')
check_contains "the digest label is set" "$labels" '"dev.berth.build-digest":"'
check_contains "the project label is set" "$labels" "\"com.docker.compose.project\":\"$P\""
check_contains "the service label is set" "$labels" '"com.docker.compose.service":"web"'
check_eq "the build arg reached the build" \
	"$(docker run --rm "$IMG" cat /greeting)" "hello"
check_eq "an ignored directory is not sent" \
	"$(docker run --rm "$IMG" sh -c 'test -e /app/logs; echo $?')" "1"
check_eq "a link out of the context is sent as a link" \
	"$(docker run --rm "$IMG" readlink /app/link-out)" "$T/outside/secret.txt"
check_eq "its target is not followed" \
	"$(docker run --rm "$IMG" sh -c 'cat /app/link-out 2>/dev/null || echo absent')" "absent"
id1=$(docker image inspect "$IMG" --format '{{.Id}}')

expect "up to date right after the build" berth -p "$P" build --dry-run
check_contains "dry run says so" "$OUT" 'would build service "web" as "'"$IMG"'": up to date'

expect "build again" berth -p "$P" build -q
check_eq "-q prints nothing" "$OUT" ""
check_eq "an unchanged rebuild gives the same image" \
	"$(docker image inspect "$IMG" --format '{{.Id}}')" "$id1"

printf 'two\n' >app/a.c
expect "dry run after an edit" berth -p "$P" build --dry-run
check_contains "the edited file is named" "$OUT" "context changed: a.c"
printf 'one\n' >app/a.c
expect "dry run after undoing the edit" berth -p "$P" build --dry-run
check_contains "back to up to date" "$OUT" "up to date"

printf 'more noise\n' >app/logs/debug.log
printf 'x\n' >app/scratch.tmp
expect "dry run after changing ignored files" berth -p "$P" build --dry-run
check_contains "ignored files do not make the image stale" "$OUT" "up to date"
touch app/src/main.c
expect "dry run after a touch" berth -p "$P" build --dry-run
check_contains "a touch does not make the image stale" "$OUT" "up to date"

chmod 755 app/src/main.c
expect "dry run after chmod" berth -p "$P" build --dry-run
check_contains "a mode change is a change" "$OUT" "context changed: src/main.c"
chmod 644 app/src/main.c

expect "dry run with another --build-arg" berth -p "$P" build --dry-run --build-arg GREETING=bye
check_contains "a build arg change makes it stale" "$OUT" "build args changed"
sed -i 's/GREETING: hello/GREETING: bye/' compose.yaml
expect "dry run after editing args in the compose file" berth -p "$P" build --dry-run
check_contains "so does one in the compose file" "$OUT" "build args changed"
expect "rebuild with the new arg" berth -p "$P" build
check_eq "the new arg is in the image" "$(docker run --rm "$IMG" cat /greeting)" "bye"
expect "up to date after the rebuild" berth -p "$P" build --dry-run
check_contains "dry run says up to date" "$OUT" "up to date"

# Only a link's target changes: the engine's COPY cache does not see it,
# so berth builds without the cache and the image holds the new target.
ln -sfn "$T/outside/other.txt" app/link-out
expect "dry run after relinking" berth -p "$P" build --dry-run
check_contains "the link is named" "$OUT" "context changed: link-out"
expect "rebuild after relinking" berth -p "$P" build
check_eq "the image has the new target" \
	"$(docker run --rm "$IMG" readlink /app/link-out)" "$T/outside/other.txt"

printf 'changed\n' >app/src/new.c
printf 'FROM %s\nCOPY . /app\nRUN echo two\n' "$TEST_IMAGE" >app/Dockerfile
expect "dry run after several changes" berth -p "$P" build --dry-run
check_contains "the changed paths are listed" "$OUT" "context changed: Dockerfile, src/new.c"
rm app/src/new.c

# Broken builds: the engine's message, the failing step, a failure status.
printf 'FROM %s\nRUN echo fine\nRUN exit 3\n' "$TEST_IMAGE" >app/Dockerfile
expect_fail "a failing RUN fails the build" berth -p "$P" build
check_contains "the failing step is named" "$OUT" 'build failed at "Step 3/'
check_contains "with the engine's message" "$OUT" "returned a non-zero code: 3"
check_eq "exit status 1" "$RC" 1
printf 'FROMX %s\n' "$TEST_IMAGE" >app/Dockerfile
expect_fail "a Dockerfile syntax error fails" berth -p "$P" build
check_contains "the engine's parse error is shown" "$OUT" "unknown instruction: FROMX"
rm app/Dockerfile
expect_fail "a missing Dockerfile fails before any request" berth -p "$P" build
check_contains "it names the Dockerfile" "$OUT" "$T/app/Dockerfile"

# Other shapes of build input.
cat >compose.yaml <<EOF
services:
  inline:
    build:
      context: app
      dockerfile_inline: |
        FROM $TEST_IMAGE
        RUN echo inline > /made
  outside:
    build:
      context: app
      dockerfile: $T/outside/Dockerfile
  a:
    image: $P-shared
    build: app2
  b:
    image: $P-shared
    build: app2
  remote:
    build: https://github.com/example/repo.git
EOF
printf 'FROM %s\nCOPY a.c /a.c\n' "$TEST_IMAGE" >outside/Dockerfile
mkdir -p app2
printf 'FROM %s\nRUN echo shared\n' "$TEST_IMAGE" >app2/Dockerfile
expect "dockerfile_inline builds" berth -p "$P" build inline
check_eq "the inline Dockerfile was used" "$(docker run --rm "$P-inline" cat /made)" "inline"
check_eq "the generated Dockerfile is not copied by COPY ." \
	"$(docker run --rm "$P-inline" sh -c 'ls -a / | grep -c dockerfile')" "0"
expect "a Dockerfile outside the context builds" berth -p "$P" build outside
check_eq "it saw the context" "$(docker run --rm "$P-outside" cat /a.c)" "one"
expect "two services with one image" berth -p "$P" build a b
check_eq "are built once" "$(printf '%s\n' "$OUT" | grep -c 'Successfully tagged')" "1"
expect_fail "a remote context is refused" berth -p "$P" build remote
check_contains "with a clear message" "$OUT" \
	'build context "https://github.com/example/repo.git": remote contexts are not supported yet'
expect_fail "an unknown service is refused" berth -p "$P" build nosuch
check_contains "it is named" "$OUT" "nosuch"

test_done
