#!/usr/bin/env bash
# check-man.sh - the manual pages against the binary's own help.
#
# For berth(1) and every command `berth --help` lists, man/berth-CMD.1:
#   - the page exists, is installed by man/meson.build, and its .TH names it;
#   - `man --warnings -l` renders it with nothing on stderr;
#   - its SYNOPSIS, as rendered, is the command's Usage line;
#   - every option of `berth CMD --help` is a tag of its OPTIONS section,
#     and every option tagged there is one `berth CMD --help` has;
#   - option dashes are written \- (a bare - may render as a hyphen).
# For berth(1) also: every command has an entry under COMMANDS, and every
# environment variable the sources read has one under ENVIRONMENT; and
# README.md's Commands table lists every command.
# berth-compose(5) must render cleanly too. Any miss fails the test.
set -u
BERTH=${BERTH:?BERTH must point at the berth binary}
SRC=${BERTH_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN=$SRC/man
export LC_ALL=C
fails=0
checks=0

ok() { checks=$((checks + 1)); }
fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL $*"
}

if ! command -v man >/dev/null; then
	echo "FAIL man(1) is not installed (tools/setup.sh installs man-db)"
	exit 1
fi

# The Options: section of a help text: "-x" and "--long" tokens of the
# option lines (indented at most 8 columns; continuations are deeper).
help_options() {
	awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 } on' |
		grep -E '^ {2,8}-' |
		sed -E 's/^ +//; s/  .*//; s/ [^-][^ ]*//g; s/,/ /g' |
		tr ' ' '\n' | grep -E '^--?[A-Za-z0-9]' | sort -u
}

# The lines of the troff section named $2 in page $1.
section_src() {
	awk -v want="$2" '
		/^\.SH/ { sub(/^\.SH +/, ""); gsub(/"/, ""); on = ($0 == want); next }
		on' "$1"
}

# The option tokens of the .TP tags of the OPTIONS section of page $1.
# Font escapes and macro names are dropped, \- becomes -.
man_options() {
	section_src "$1" OPTIONS | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		sed -E 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]+ +//; s/"//g' |
		grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed -E 's/^[ ,]//' | sort -u
}

# Tag lines with a bare "-" (not \-) before a letter or another dash.
bare_dashes() {
	section_src "$1" OPTIONS | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		grep -E '(^|[^\\])-[-A-Za-z0-9]' || true
}

# The SYNOPSIS of page $1 as man renders it, on one line.
rendered_synopsis() {
	MANWIDTH=1000 man -l "$1" 2>/dev/null |
		awk '/^SYNOPSIS/ { on = 1; next } /^[^ ]/ { on = 0 } on' |
		tr -s ' \n' '  ' | sed -E 's/^ +//; s/ +$//'
}

check_page() {
	local page=$1 name warn
	name=$(basename "$page")
	name=${name%.*}
	if [ ! -f "$page" ]; then
		fail "$name: no page $page"
		return 1
	fi
	ok
	if grep -qF "'$(basename "$page")'" "$MAN/meson.build"; then ok; else
		fail "$name: man/meson.build does not install $(basename "$page")"
	fi
	if head -n 5 "$page" | sed 's/\\-/-/g' | grep -qiE "^\.TH \"?$name\"? "; then ok; else
		fail "$name: its .TH line does not name the page $name"
	fi
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then ok; else
		fail "$name: man --warnings complains:"
		printf '%s\n' "$warn" | sed 's/^/    | /'
	fi
}

# check_options NAME PAGE HELPTEXT
check_options() {
	local name=$1 page=$2 help=$3 o got want bare
	want=$(printf '%s\n' "$help" | help_options)
	got=$(man_options "$page")
	for o in $want; do
		if printf '%s\n' "$got" | grep -qxe "$o"; then ok; else
			fail "$name: option $o of '$name --help' is not documented in $(basename "$page")"
		fi
	done
	for o in $got; do
		if printf '%s\n' "$want" | grep -qxe "$o"; then ok; else
			fail "$name: $(basename "$page") documents $o, which '$name --help' does not list"
		fi
	done
	bare=$(bare_dashes "$page")
	if [ -z "$bare" ]; then ok; else
		fail "$name: write option dashes as \\- in $(basename "$page"):"
		printf '%s\n' "$bare" | sed 's/^/    | /'
	fi
}

# check_synopsis NAME PAGE HELPTEXT
check_synopsis() {
	local usage syn
	usage=$(printf '%s\n' "$3" | sed -n 's/^Usage: //p' | head -n 1)
	syn=$(rendered_synopsis "$2")
	if [ -n "$usage" ] && [ "$syn" = "$usage" ]; then ok; else
		fail "$1: SYNOPSIS of $(basename "$2") is not the Usage line"
		printf '    usage:    %s\n    synopsis: %s\n' "$usage" "$syn"
	fi
}

main_help=$("$BERTH" --help)
commands=$(printf '%s\n' "$main_help" |
	awk '/^Commands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print $1 }')
if [ -z "$commands" ]; then
	echo "FAIL no commands in 'berth --help'"
	exit 1
fi

# berth(1)
if check_page "$MAN/berth.1"; then
	check_synopsis berth "$MAN/berth.1" "$main_help"
	check_options berth "$MAN/berth.1" "$main_help"
	listed=$(section_src "$MAN/berth.1" COMMANDS |
		awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		sed -E 's/\\f[BIRP]//g; s/^\.[A-Z]+ +//; s/"//g' | awk '{ print $1 }')
	for c in $commands; do
		if printf '%s\n' "$listed" | grep -qx "$c"; then ok; else
			fail "berth: command $c has no entry under COMMANDS in berth.1"
		fi
	done
	# Environment variables the sources read (getenv, or looked up in
	# the project environment) must be documented.
	envsec=$(section_src "$MAN/berth.1" ENVIRONMENT | sed -E 's/\\f[BIRP]//g; s/\\-/-/g')
	vars=$(cat "$SRC"/src/*.c "$SRC"/planner/*.c "$SRC"/watchers/*.c 2>/dev/null |
		grep -oE '(getenv\(|env_get\([^,()]*,|jx_str\(env,) *"[A-Z][A-Z0-9_]*"' |
		grep -oE '"[A-Z0-9_]+"' | tr -d '"' | sort -u |
		grep -vxE 'HOME|PWD|DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND')
	for v in $vars; do
		if printf '%s\n' "$envsec" | grep -qw -- "$v"; then ok; else
			fail "berth: the sources read \$$v; berth.1 does not document it under ENVIRONMENT"
		fi
	done
fi

for c in $commands; do
	page=$MAN/berth-$c.1
	check_page "$page" || continue
	help=$("$BERTH" "$c" --help 2>&1)
	check_synopsis "berth $c" "$page" "$help"
	check_options "berth $c" "$page" "$help"
done

check_page "$MAN/berth-compose.5"

# README.md's Commands table lists every command.
readme=$(awk '/^## Commands/ { on = 1; next } /^## / { on = 0 } on' "$SRC/README.md")
for c in $commands; do
	if printf '%s\n' "$readme" | grep -qF "| \`$c\` |"; then ok; else
		fail "README.md: command $c is missing from the Commands table"
	fi
done

echo "# $checks checks, $fails failed"
[ "$fails" -eq 0 ]
