#!/usr/bin/env bash
# check-completion.sh - the bash completion, in a non-interactive bash:
# COMP_WORDS/COMP_CWORD set by hand, _berth called, COMPREPLY checked.
#
#   check-completion.sh [GENERATED]
#
# Both the script meson generates (GENERATED, with berth's commands and
# options built in) and completions/berth.bash as it is in the source tree
# (which reads the --help texts on the first Tab) must offer the same:
# commands, options, option values, and the service names of the compose
# file the command line names. Every option of every `berth CMD --help`
# must be offered after `berth CMD -`. With zsh installed, the zsh
# scripts must at least parse.
set -u
BERTH=${BERTH:?BERTH must point at the berth binary}
case $BERTH in */*) BERTH=$(cd "$(dirname "$BERTH")" && pwd)/$(basename "$BERTH") ;; esac
SRC=${BERTH_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
generated=${1:-}
case $generated in '' | /*) ;; *) generated=$PWD/$generated ;; esac
fails=0
checks=0
T=$(mktemp -d /tmp/berth-completion.XXXXXX)
trap 'rm -rf "$T"' EXIT

cat >"$T/compose.yaml" <<'YAML'
services:
  alpha: {image: berth-test/busybox:latest}
  beta: {image: berth-test/busybox:latest, depends_on: [alpha]}
  gamma-db: {image: berth-test/busybox:latest}
YAML
mkdir -p "$T/proj"
printf 'services:\n  inproj: {image: berth-test/busybox:latest}\n' >"$T/proj/compose.yaml"

# Queries are collected first, then answered by one non-interactive bash
# that sources the script once (a fresh shell per query would read the
# help texts again every time), then checked.
queries=()
descs=()
wants=()
modes=()

# q MODE DESC WORDS(space-separated, each must / must not be offered) --
# WORD...: the words offered for the last WORD (the first word is the
# berth binary, as a user typing its path would have it).
q() {
	local mode=$1 desc=$2 want=$3 w line=$BERTH
	shift 4
	for w in "$@"; do line+=$'\t'$w; done
	modes+=("$mode")
	descs+=("$desc")
	wants+=("$want")
	queries+=("$line")
}

# answer SCRIPT: one line per query, the words offered, space-separated.
cat >"$T/answer.bash" <<'ANSWER'
source "$1" || exit 1
while IFS= read -r line; do
	IFS=$'\t' read -ra COMP_WORDS <<<"$line"
	# A trailing tab: the word being completed is empty.
	[[ $line == *$'\t' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_berth
	echo " ${COMPREPLY[*]} "
done
ANSWER
answer() {
	printf '%s\n' "${queries[@]}" |
		(cd "$T" && bash --norc --noprofile "$T/answer.bash" "$1")
}

check_answers() {
	local i got w miss
	mapfile -t got < <(answer "$script")
	for i in "${!queries[@]}"; do
		miss=
		for w in ${wants[i]}; do
			if [ "${modes[i]}" = offers ]; then
				[[ ${got[i]-} == *" $w "* ]] || miss+=" $w"
			else
				[[ ${got[i]-} != *" $w "* ]] || miss+=" $w"
			fi
		done
		checks=$((checks + 1))
		if [ -z "$miss" ]; then
			echo "ok   [$label] ${descs[i]}"
		else
			fails=$((fails + 1))
			echo "FAIL [$label] ${descs[i]}: ${modes[i]/offers/missing}$miss"
			echo "     offered:${got[i]-}"
		fi
	done
}

q offers "berth u offers up" "up" -- u
q not "berth u does not offer down" "down" -- u
q offers "berth up --de offers --detach" "--detach" -- up --de
q offers "the services of -f FILE after logs" "alpha beta gamma-db" \
	-- -f "$T/compose.yaml" logs ''
q offers "services by prefix" "gamma-db" -- -f "$T/compose.yaml" logs -f g
q offers "services of --project-directory" "inproj" \
	-- --project-directory "$T/proj" up ''
q offers "services after --file=FILE" "alpha" -- --file = "$T/compose.yaml" stop ''
q offers "global options" "--file --project-name --ansi --dry-run" -- --
q offers "--ansi values" "never always auto" -- --ansi ''
q offers "commands after a global option's value" "logs" -- -p demo lo
q offers "--scale offers SERVICE=" "alpha= beta=" -- -f "$T/compose.yaml" up --scale ''
q offers "--format values of ps" "table json" -- ps --format ''
q offers "help offers commands" "up down logs" -- help ''
q offers "exec's first operand is a service" "alpha beta" -- -f "$T/compose.yaml" exec ''
q not "exec's second operand is no service" "alpha" -- -f "$T/compose.yaml" exec beta ''
q offers "scale offers SERVICE=" "alpha= beta=" -- -f "$T/compose.yaml" scale ''
q offers "cp offers SERVICE: first" "alpha: gamma-db:" -- -f "$T/compose.yaml" cp ''
q offers "and SERVICE: second" "beta:" -- -f "$T/compose.yaml" cp ./x ''
q not "no services after an option value" "alpha" -- -f "$T/compose.yaml" logs --tail ''
# Every command, and every option of its --help.
for c in $("$BERTH" --help | awk '/^Commands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print $1 }'); do
	q offers "command $c" "$c" -- "${c:0:2}"
	opts=$("$BERTH" "$c" --help | awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 } on' |
		grep -E '^ {2,8}-' | sed -E 's/^ +//; s/  .*//; s/ [^-][^ ]*//g; s/,/ /g')
	[ -n "$opts" ] && q offers "every option of '$c --help'" "$opts" -- "$c" -
done

if [ -n "$generated" ]; then
	label=generated
	script=$generated
	if grep -q "^_berth_data=\$'" "$script"; then
		checks=$((checks + 1))
		echo "ok   [$label] the table is built in"
	else
		checks=$((checks + 1))
		fails=$((fails + 1))
		echo "FAIL [$label] $script has no built-in table"
	fi
	check_answers
fi
label=source
script=$SRC/completions/berth.bash
check_answers

if command -v zsh >/dev/null; then
	for f in "$SRC/completions/_berth" ${generated:+"$(dirname "$generated")/_berth"}; do
		checks=$((checks + 1))
		if [ -f "$f" ] && zsh -n "$f"; then
			echo "ok   zsh parses $f"
		else
			fails=$((fails + 1))
			echo "FAIL zsh cannot parse $f"
		fi
	done
fi

echo "# $checks checks, $fails failed"
[ "$fails" -eq 0 ]
