#!/usr/bin/env bash
# run-example.sh - set up (tools/setup.sh), then run berth on the bundled
# example stack, examples/hello.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build/berth version
