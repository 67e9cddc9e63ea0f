#!/usr/bin/env bash
# run-tests.sh - set up (tools/setup.sh) and run the whole test suite:
#   1. unit and integration tests (meson test) against the real dockerd;
#   2. the unit tests and a set of integration tests again under
#      AddressSanitizer, UBSan and LeakSanitizer (gcc);
#   3. the loader fuzzer for a bounded time, when one is built.
# Ends with one line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

results=()
status=0

# 1. Everything against the real engine.
meson test -C build --print-errorlogs --num-processes 2 || status=1
results+=(build/meson-logs/testlog.json)

# 2. Sanitizers (ASan, UBSan, LeakSanitizer) over the unit tests, and over
#    the integration tests that drive the most code: the event loop's
#    streams, builds, hooks, exec and run against the real engine.
if [ ! -f build-asan/build.ninja ]; then
	CC=gcc meson setup build-asan -Db_sanitize=address,undefined \
		-Db_lundef=false -Dintegration=true >/dev/null
else
	meson configure build-asan -Dintegration=true >/dev/null
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
asan_integration=(t0201-up-converge t0202-recreate t0204-depends
	t0302-up-build t0401-logs t0402-logs-follow t0403-up-attached
	t0404-events-wait t0405-watch t0506-exec t0507-run t0211-create-extras
	t0212-lifecycle-hooks t0516-tls-engine)
if ninja -C build-asan >/dev/null; then
	meson test -C build-asan --suite unit --print-errorlogs || status=1
	meson test -C build-asan --no-rebuild --logbase asan-integration \
		--num-processes 2 --print-errorlogs "${asan_integration[@]}" ||
		status=1
else
	status=1
fi
results+=(build-asan/meson-logs/testlog.json)
results+=(build-asan/meson-logs/asan-integration.json)

# 3. Fuzzing, when the fuzz target exists.
if [ -x tools/fuzz.sh ]; then
	tools/fuzz.sh || status=1
	[ -f build-fuzz/fuzz-result.json ] && results+=(build-fuzz/fuzz-result.json)
fi

python3 - "${results[@]}" <<'PY' || status=1
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
if passed == 0:
    failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
exit $status
