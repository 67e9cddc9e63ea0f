#!/bin/sh
# gen.sh - build the installed completion scripts: fill in the table of
# berth's commands and options, read from the built berth's --help texts
# through help.awk, in place of the `_berth_data=` line that follows the
# @BERTH_DATA@ marker of a completion script.
#
#   completions/gen.sh BERTH HELP_AWK IN OUT
#
# A berth whose help cannot be read does not fail the build: the script
# is then installed without the table (it reads the help texts on the
# first Tab instead), with a warning, and tests/docs/check-completion.sh
# fails on it.
set -eu
berth=$1 awkprog=$2 in=$3 out=$4

data=$("$berth" --help | awk -v cmd=- -f "$awkprog") || data=
for c in $(printf '%s\n' "$data" | awk -F'\t' '$2 == "cmd" { print $3 }'); do
	if more=$("$berth" "$c" --help | awk -v cmd="$c" -f "$awkprog"); then
		data="$data
$more"
	else
		echo "gen.sh: warning: cannot read '$berth $c --help'" >&2
	fi
done
if ! printf '%s\n' "$data" | grep -q '	opt	--file	'; then
	echo "gen.sh: warning: no options read from '$berth --help';" \
		"$(basename "$out") will read them at completion time" >&2
	cp "$in" "$out"
	exit 0
fi

# As one $'...' word (bash and zsh both read it): \ ' tab and newline
# escaped.
BERTH_DATA=$(printf '%s\n' "$data" | awk '
	{ gsub(/\\/, "\\\\"); gsub(/\047/, "\\\047"); gsub(/\t/, "\\t")
	  printf "%s%s", (NR > 1 ? "\\n" : ""), $0 }')
export BERTH_DATA
awk '
	fill { print "_berth_data=$\047" ENVIRON["BERTH_DATA"] "\047"; fill = 0; done = 1; next }
	/@BERTH_DATA@/ { fill = 1 }
	{ print }
	END { if (!done) { print "gen.sh: no @BERTH_DATA@ marker" > "/dev/stderr"; exit 1 } }
' "$in" >"$out.tmp"
mv "$out.tmp" "$out"
