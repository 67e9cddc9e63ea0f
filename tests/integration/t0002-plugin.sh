#!/usr/bin/env bash
# berth as a Docker CLI plugin: `docker compose ...` runs berth.
. "$(dirname "$0")/lib.sh"
test_project

mkdir -p "$T/docker/cli-plugins"
cp "$BERTH" "$T/docker/cli-plugins/docker-compose"

expect "the metadata call is answered" "$T/docker/cli-plugins/docker-compose" docker-cli-plugin-metadata
check_contains "metadata names the schema" "$OUT" '"SchemaVersion":"0.1.0"'
check_contains "metadata carries berth's version" "$OUT" '"Version":"'

expect "docker compose version runs berth" env DOCKER_CONFIG="$T/docker" docker compose version
check_contains "it prints berth's version" "$OUT" "berth version"

test_done
