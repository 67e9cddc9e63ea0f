#!/usr/bin/env bash
# fuzz.sh - fuzz the compose loader for a bounded time: build
# tests/fuzz/fuzz_load.c with clang (libFuzzer, ASan, UBSan, coverage on
# all of berth's code) in ./build-fuzz, run it on the seed corpus
# (tests/fuzz/corpus) for FUZZ_RUNS inputs (default 300000, about a
# minute here) or at most FUZZ_SECONDS (default 120), and write
# build-fuzz/fuzz-result.json, one line in meson's testlog.json format,
# which tools/run-tests.sh counts:
#
#   {"name": "fuzz_load", "result": "OK"}      or "FAIL"
#
# An input that crashes, leaks or hangs is copied to tests/fuzz/regressions
# (commit it: the fuzz_replay unit test replays every file there) and the
# run fails. New interesting inputs go to tests/fuzz/corpus-run (ignored
# by git) and are reused by the next run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
secs=${FUZZ_SECONDS:-120}
# A fixed seed makes a run repeatable: the same binary and corpus explore
# the same inputs in the same order, so CI finds what a developer's run of
# the same seed would have found first. FUZZ_SEED=0 picks a random seed
# (for long exploratory runs).
seed=${FUZZ_SEED:-1}
# With the seed fixed, a run bounded by a count of inputs (about a minute
# here) is the same run on any machine; the time bound is only a cap.
runs=${FUZZ_RUNS:-300000}
dir=build-fuzz
result=$dir/fuzz-result.json

report() {
	mkdir -p "$dir"
	printf '{"name": "fuzz_load", "result": "%s"}\n' "$1" >"$result"
	echo "fuzz: $1${2:+ ($2)}"
	[ "$1" = OK ]
	exit $?
}

command -v clang >/dev/null || report FAIL "clang is not installed (tools/setup.sh)"
rm -f "$result"
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dintegration=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >"$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log"; report FAIL "meson setup failed"; }
	rm -f "$dir.setup.log"
fi
ninja -C "$dir" tests/fuzz_load >/dev/null ||
	{ ninja -C "$dir" tests/fuzz_load | tail -20; report FAIL "build failed"; }

mkdir -p tests/fuzz/corpus-run "$dir/artifacts"
rm -f "$dir"/artifacts/*
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
echo "fuzz: loader, $runs inputs from seed $seed, at most ${secs}s (log: $dir/fuzz.log)"
"$dir/tests/fuzz_load" -max_total_time="$secs" -timeout=10 -seed="$seed" -runs="$runs" \
	-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
	-artifact_prefix="$PWD/$dir/artifacts/" \
	"$PWD/tests/fuzz/corpus-run" "$PWD/tests/fuzz/corpus" >"$dir/fuzz.log" 2>&1
status=$?
grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$dir/fuzz.log" | tail -2

found=0
for a in "$dir"/artifacts/*; do
	[ -f "$a" ] || continue
	found=$((found + 1))
	cp "$a" "tests/fuzz/regressions/$(basename "$a")"
	echo "fuzz: finding saved as tests/fuzz/regressions/$(basename "$a")"
done
if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
	grep -E 'ERROR|SUMMARY|BUG|==[0-9]+==' "$dir/fuzz.log" | head -20
	report FAIL "exit $status, $found finding(s); see $dir/fuzz.log"
fi
report OK
