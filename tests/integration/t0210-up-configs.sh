#!/usr/bin/env bash
# Configs and secrets: file sources are bind mounts, content: and
# environment: sources are copied into the container before it starts
# (mode, uid, gid of the long syntax), and their content is part of the
# config hash: editing a config file recreates exactly the services that
# mount it, and plan names it.
. "$(dirname "$0")/lib.sh"
test_project
cd "$T"

echo v1 >app.conf
cat >compose.yaml <<EOF
services:
  web:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    configs:
      - app
      - source: inline
        target: /etc/inline.conf
        mode: 0440
        uid: "1000"
        gid: "42"
    secrets:
      - token
  other:
    image: $TEST_IMAGE
    command: ["sleep", "1000"]
    init: true
    secrets:
      - source: token
        target: tok
configs:
  app:
    file: ./app.conf
  inline:
    content: |
      inline says \${GREETING:-hi}
secrets:
  token:
    environment: TOKEN
EOF

expect_fail "an unset secret variable is an error" berth -p "$P" up -d
check_contains "naming the variable" "$OUT" \
	'environment variable "TOKEN" required by secrets "token" of service'
check_eq "and nothing was created" \
	"$(docker ps -aq --filter "label=com.docker.compose.project=$P")" ""

export TOKEN=s3cret
expect "up -d" berth -p "$P" up -d
expect "the file config is mounted" berth -p "$P" exec -T web cat /app
check_eq "with the file's content" "$OUT" "v1"
expect "the content config is copied" berth -p "$P" exec -T web cat /etc/inline.conf
check_eq "with the interpolated content" "$OUT" "inline says hi"
expect "its owner and mode" berth -p "$P" exec -T web stat -c '%u:%g %a' /etc/inline.conf
check_eq "from the long syntax" "$OUT" "1000:42 440"
expect "the environment secret is copied" berth -p "$P" exec -T web cat /run/secrets/token
check_eq "with the variable's value" "$OUT" "s3cret"
expect "its default mode" berth -p "$P" exec -T web stat -c '%u:%g %a' /run/secrets/token
check_eq "is 0444, root" "$OUT" "0:0 444"
expect "a relative secret target" berth -p "$P" exec -T other cat /run/secrets/tok
check_eq "lands under /run/secrets" "$OUT" "s3cret"

expect "plan after up says nothing" berth -p "$P" plan
web=$(docker inspect -f '{{.Id}}' "$P-web-1")
other=$(docker inspect -f '{{.Id}}' "$P-other-1")
hash1=$(berth -p "$P" config --hash web)

echo v2 >app.conf
check "config --hash changes with the file" test "$(berth -p "$P" config --hash web)" != "$hash1"
"$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 after the edit" "$?" 2
check_contains "plan names the config" "$(cat plan.out)" \
	"recreate  $P-web-1  configs.app content changed"
check_not_contains "other is left alone" "$(cat plan.out)" "$P-other-1"
expect "up -d after the edit" berth -p "$P" up -d
check "web is recreated" test "$(docker inspect -f '{{.Id}}' "$P-web-1")" != "$web"
check_eq "other is not" "$(docker inspect -f '{{.Id}}' "$P-other-1")" "$other"
expect "web sees the edit" berth -p "$P" exec -T web cat /app
check_eq "the new content" "$OUT" "v2"

TOKEN=rotated "$BERTH" -p "$P" plan >plan.out 2>&1
check_eq "plan exits 2 for a new secret value" "$?" 2
check_contains "naming the secret" "$(cat plan.out)" "secrets.token content changed"
check_contains "for both services" "$(cat plan.out)" "recreate  $P-other-1"
expect "up -d with the new value" env TOKEN=rotated "$BERTH" -p "$P" up -d
expect "the new value is copied" berth -p "$P" exec -T other cat /run/secrets/tok
check_eq "rotated" "$OUT" "rotated"
TOKEN=rotated expect "then nothing to do" berth -p "$P" plan

expect "down" berth -p "$P" down -t 0
test_done
