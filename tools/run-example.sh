#!/usr/bin/env bash
# run-example.sh - set up (tools/setup.sh), then run berth on the bundled
# example stack, examples/hello: build its image (only when the build
# context changed since the last run), bring the stack up attached with
# prefixed logs, end when `hello` has said its piece, and take it down.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build/berth version
status=0
build/berth -f examples/hello/compose.yaml up --exit-code-from hello || status=$?
build/berth --progress quiet -f examples/hello/compose.yaml down
exit "$status"
