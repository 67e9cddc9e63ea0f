#!/usr/bin/env bash
# run.sh - one golden test: run berth in a golden directory and compare what
# it prints with the expected files there (README.md in this folder says
# which file checks what). UPDATE_GOLDEN=1 rewrites the expected files from
# what berth printed instead.
#
#   BERTH=build/berth tests/golden/run.sh tests/golden/config/001-minimal
#
# berth runs with the golden directory as its working directory (so file
# discovery, compose.override.yaml and .env work as for a user) and a clean
# environment: PATH, HOME=/golden-home and the lines of the directory's
# `env` file, nothing else, so the machine's COMPOSE_* variables cannot
# leak in. Absolute paths differ per checkout: in the outputs the golden
# directory becomes $DIR and the source tree $SRC; in `args`, $DIR, $SRC
# and $OUT (a scratch file, compared with expected.outfile) are replaced
# by the real paths.
set -u
BERTH=${BERTH:?BERTH must point at the berth binary}
case $BERTH in */*) BERTH=$(cd "$(dirname "$BERTH")" && pwd)/$(basename "$BERTH") ;; esac
dir=${1:?usage: run.sh GOLDEN_DIR}
SRC=${BERTH_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SRC=$(cd "$SRC" && pwd -P)
update=${UPDATE_GOLDEN:-}

if [ ! -d "$dir" ]; then
	if [ -z "$update" ]; then
		echo "FAIL no golden directory $dir"
		echo "     create it (args, expected.json) or run with UPDATE_GOLDEN=1"
		exit 1
	fi
	mkdir -p "$dir"
fi
DIR=$(cd "$dir" && pwd -P)
scratch=$(mktemp -d /tmp/berth-golden.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
OUT=$scratch/out
fails=0
checks=0
written=0

# An example golden made by UPDATE_GOLDEN: point -f at the example.
case $DIR in
*/tests/golden/examples/*)
	if [ ! -f "$DIR/args" ]; then
		# shellcheck disable=SC2016 # $SRC is written literally
		printf -- '-f\n$SRC/examples/%s/compose.yaml\n' "$(basename "$DIR")" \
			>"$DIR/args"
	fi
	;;
esac

# The words of the args file, one per line (blank lines and #-lines
# skipped), with $DIR, $SRC and $OUT replaced.
args=()
if [ -f "$DIR/args" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		line=${line//\$DIR/$DIR}
		line=${line//\$SRC/$SRC}
		line=${line//\$OUT/$OUT}
		args+=("$line")
	done <"$DIR/args"
fi

# Not even ASAN_OPTIONS: `config --environment` prints the environment.
# Under the sanitizers their defaults still fail the run on a report.
envv=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/golden-home)
if [ -f "$DIR/env" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		envv+=("$line")
	done <"$DIR/env"
fi

# Absolute paths back to $DIR / $SRC, the scratch file to $OUT.
scrub() {
	sed -e "s|$scratch/out|\$OUT|g" -e "s|$DIR|\$DIR|g" -e "s|$SRC|\$SRC|g"
}

# run CMD...: berth's stdout, stderr and status in $scratch/{stdout,stderr},
# $status.
run() {
	(cd "$DIR" && env -i "${envv[@]}" "$BERTH" "$@") \
		>"$scratch/stdout.raw" 2>"$scratch/stderr.raw"
	status=$?
	scrub <"$scratch/stdout.raw" >"$scratch/stdout"
	scrub <"$scratch/stderr.raw" >"$scratch/stderr"
}

# compare WHAT GOT_FILE EXPECTED_FILE
compare() {
	checks=$((checks + 1))
	if [ -n "$update" ]; then
		if [ -f "$2" ]; then cp "$2" "$3"; else : >"$3"; fi
		written=$((written + 1))
		return
	fi
	[ -f "$2" ] || : >"$2"
	if cmp -s "$2" "$3"; then
		echo "ok   $1"
	else
		fails=$((fails + 1))
		echo "FAIL $1 differs from $(basename "$3") (- expected, + got):"
		diff -u "$3" "$2" | tail -n +3 | sed 's/^/    /'
	fi
}

# expect_status WHAT: success wanted (0), or failure (non-zero) when $1 is
# "fail", or the exact status in $1.
expect_status() {
	local want=$1 what=$2
	checks=$((checks + 1))
	if { [ "$want" = fail ] && [ "$status" -ne 0 ]; } ||
		{ [ "$want" != fail ] && [ "$status" -eq "$want" ]; }; then
		echo "ok   $what exits $status"
		return
	fi
	if [ -n "$update" ]; then
		echo "note $what exits $status (want $want); files written anyway"
		return
	fi
	fails=$((fails + 1))
	echo "FAIL $what exits $status, want $want; its stderr:"
	sed 's/^/    | /' "$scratch/stderr"
}

show() { printf 'berth'; printf ' %q' "${args[@]}" "$@"; }

has() { [ -f "$DIR/$1" ]; }

# expected.out: the args are the whole command line.
if has expected.out; then
	run "${args[@]}"
	want=0
	has expected.status && want=$(cat "$DIR/expected.status")
	expect_status "$want" "$(show)"
	compare "stdout of $(show)" "$scratch/stdout" "$DIR/expected.out"
	has expected.stderr &&
		compare "stderr of $(show)" "$scratch/stderr" "$DIR/expected.stderr"
	has expected.outfile &&
		compare "the file written" "$OUT" "$DIR/expected.outfile"
fi

# expected.json, expected.err: the args are global options for config.
if has expected.json || has expected.err ||
	{ [ -n "$update" ] && ! has expected.out && ! has expected.yaml; }; then
	run "${args[@]}" config --format json
	if has expected.json || { [ -n "$update" ] && [ "$status" -eq 0 ] && ! has expected.err; }; then
		expect_status 0 "$(show config --format json)"
		compare "$(show config --format json)" "$scratch/stdout" "$DIR/expected.json"
		has expected.stderr &&
			compare "its stderr" "$scratch/stderr" "$DIR/expected.stderr"
	else
		expect_status fail "$(show config --format json)"
		compare "stderr of $(show config --format json)" "$scratch/stderr" "$DIR/expected.err"
	fi
fi

if has expected.yaml; then
	run "${args[@]}" config
	expect_status 0 "$(show config)"
	compare "$(show config)" "$scratch/stdout" "$DIR/expected.yaml"
fi

if [ -n "$update" ]; then
	echo "wrote $written expected file(s) in $DIR"
	exit 0
fi
if [ "$checks" -eq 0 ]; then
	echo "FAIL $DIR has no expected.json, expected.yaml, expected.err or expected.out"
	exit 1
fi
echo "# $checks checks, $fails failed"
[ "$fails" -eq 0 ]
