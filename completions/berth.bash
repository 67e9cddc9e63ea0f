# berth.bash - bash completion for berth: commands, global and per-command
# options and their values, and the service names of the project the
# command line names (-f, -p, --project-directory, --env-file, --profile).
#
# What berth's commands and options are comes from its own --help texts.
# The installed file has them built in: completions/gen.sh runs the built
# berth at build time and replaces the _berth_data line below with the
# table, so a Tab costs no process at all, except `berth config --services`
# when service names are wanted. Sourced from the source tree (not
# generated), the table is read from `berth --help` and each `berth CMD
# --help` on the first Tab instead, once per shell.
#
# Install: meson installs it as datadir/bash-completion/completions/berth;
# or `source completions/berth.bash` from ~/.bashrc.

# One line per fact, tab-separated: CMD KIND NAME ARG DESC, where CMD is
# "-" for berth itself, KIND is cmd (a command, for berth), opt (an option,
# ARG its value's name or "-") or pos (NAME: the Usage line's operands);
# see help.awk.
# @BERTH_DATA@ (gen.sh replaces the next line)
_berth_data=

# Where help.awk is, for the fallback (the generated file never needs it).
_berth_awk=${BASH_SOURCE[0]%/*}/help.awk

# The berth to ask: the one on the command line being completed, if it
# names a file, else the first in PATH.
_berth_bin() {
	local b=${COMP_WORDS[0]:-berth}
	b=${b/#\~/$HOME}
	if [[ $b == */* && -x $b ]]; then
		printf '%s' "$b"
	else
		printf 'berth'
	fi
}

# Fill the per-command tables from _berth_data (once per shell). Without
# a generated table, read the --help texts.
_berth_load() {
	[[ -n ${_berth_loaded-} ]] && return 0
	local bin c cmd kind name arg desc
	bin=$(_berth_bin)
	if [[ -z $_berth_data ]]; then
		_berth_data=$("$bin" --help 2>/dev/null | awk -v cmd=- -f "$_berth_awk")
		for c in $(printf '%s\n' "$_berth_data" | awk -F'\t' '$2 == "cmd" { print $3 }'); do
			_berth_data+=$'\n'$("$bin" "$c" --help 2>/dev/null |
				awk -v cmd="$c" -f "$_berth_awk")
		done
	fi
	declare -gA _berth_opts=() _berth_argopts=() _berth_pos=() _berth_descs=() \
		_berth_argof=()
	_berth_commands=
	while IFS=$'\t' read -r cmd kind name arg desc; do
		case $kind in
		cmd) _berth_commands+="$name " ;;
		pos) _berth_pos[$cmd]=$name ;;
		opt)
			_berth_opts[$cmd]+="$name "
			[[ $arg != - ]] && _berth_argopts[$cmd]+="$name "
			_berth_descs[$cmd $name]=$desc
			_berth_argof[$cmd $name]=$arg
			;;
		esac
	done <<<"$_berth_data"
	[[ -n $_berth_commands ]] && _berth_loaded=1
}

# Does option $2 of command $1 ("-" for berth) take a value?
_berth_takes_arg() {
	[[ " ${_berth_argopts[$1]-} " == *" $2 "* ]]
}

# The service names of the project named by the global options typed so
# far ($@), one per line; nothing when the project does not load.
_berth_services() {
	"$(_berth_bin)" "$@" config --services 2>/dev/null
}

# COMPREPLY from words ($1, space-separated) that start with $cur.
_berth_reply() {
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# Service names followed by $1 ("=" for scale, ":" for cp), no space
# after them; the rest of the arguments are the global options.
_berth_service_words() {
	local sep=$1 s w=()
	shift
	for s in $(_berth_services "$@"); do
		w+=("$s$sep")
	done
	_berth_reply "${w[*]}"
	compopt -o nospace 2>/dev/null
	return 0
}

_berth_files() {
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
	compopt -o filenames 2>/dev/null
}

_berth_dirs() {
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
	compopt -o filenames 2>/dev/null
}

# Complete the value of option $2 of command $1. The global options typed
# so far are in the array gl.
_berth_value() {
	local cmd=$1 opt=$2
	local desc=${_berth_descs[$cmd $opt]-} arg=${_berth_argof[$cmd $opt]-}
	local w words=
	case $cmd:$opt in
	-:--ansi) _berth_reply "never always auto"; return ;;
	-:--progress) _berth_reply "auto tty plain json quiet"; return ;;
	-:--project-directory) _berth_dirs; return ;;
	*:--pull) _berth_reply "always missing never build policy"; return ;;
	pull:--policy) _berth_reply "missing always"; return ;;
	down:--rmi) _berth_reply "local all"; return ;;
	ps:--status) _berth_reply "paused restarting removing running dead created exited"; return ;;
	ps:--filter) _berth_reply "status="; compopt -o nospace 2>/dev/null; return ;;
	ps:--orphans) _berth_reply "true false"; return ;;
	port:--protocol) _berth_reply "tcp udp sctp"; return ;;
	kill:-s | kill:--signal)
		_berth_reply "SIGHUP SIGINT SIGQUIT SIGKILL SIGUSR1 SIGUSR2 SIGTERM SIGSTOP SIGCONT SIGWINCH"
		return
		;;
	esac
	case $opt in
	--format)
		# The formats the option's description names.
		for w in pretty json yaml table text; do
			[[ $desc == *"$w"* ]] && words+="$w "
		done
		_berth_reply "$words"
		return
		;;
	esac
	case $arg in
	FILE) _berth_files ;;
	DIR) [[ $cmd == - ]] && _berth_dirs ;;
	SERVICE | SERVICES) _berth_reply "$(_berth_services "${gl[@]}")" ;;
	SERVICE=NUM)
		_berth_reply "$(_berth_services "${gl[@]}" | sed 's/$/=/')"
		compopt -o nospace 2>/dev/null
		;;
	esac
}

_berth() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]-}
	local i w cmd='' cmdi=0 skip='' gl=() npos=0 pos kinds
	COMPREPLY=()
	_berth_load || return 0
	# --opt=value: bash splits it at "=" (COMP_WORDBREAKS).
	[[ $prev == = ]] && prev=${COMP_WORDS[COMP_CWORD - 2]-}

	# The global options before the command, and the command word.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -n $skip ]]; then
			[[ $w == = ]] && continue
			gl+=("${w/#\~/$HOME}")
			skip=
			continue
		fi
		case $w in
		-f | --file | -p | --project-name | --project-directory | --env-file | --profile)
			gl+=("$w")
			skip=1
			;;
		--file=* | --project-name=* | --project-directory=* | --env-file=* | --profile=*)
			gl+=("$w")
			;;
		-*) _berth_takes_arg - "$w" && skip=1 ;;
		*)
			cmd=$w
			cmdi=$i
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ -n $skip ]]; then
			_berth_value - "$prev"
		elif [[ $cur == -* ]]; then
			_berth_reply "${_berth_opts[-]-}"
		else
			_berth_reply "$_berth_commands"
		fi
		return 0
	fi
	[[ " $_berth_commands " == *" $cmd "* ]] || return 0

	# The command's own words: an option's value, or the how-manieth
	# operand the word being completed is.
	skip=
	for ((i = cmdi + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -n $skip ]]; then
			[[ $w == = ]] || skip=
		elif [[ $w == -- ]]; then
			:
		elif [[ $w == -* && $npos -eq 0 ]]; then
			_berth_takes_arg "$cmd" "$w" && skip=1
		else
			npos=$((npos + 1))
		fi
	done
	if [[ -n $skip ]]; then
		_berth_value "$cmd" "$prev"
		return 0
	fi
	if [[ $cur == -* && $npos -eq 0 ]]; then
		_berth_reply "${_berth_opts[$cmd]-}"
		return 0
	fi

	# Operands, from the Usage line: "[SERVICE...]", "SERVICE COMMAND
	# [ARGS...]", "[COMMAND]" (help)...
	read -ra kinds <<<"${_berth_pos[$cmd]-}"
	((${#kinds[@]})) || return 0
	if ((npos < ${#kinds[@]})); then
		pos=${kinds[npos]}
	else
		pos=${kinds[${#kinds[@]} - 1]}
		[[ $pos == *... ]] || return 0
	fi
	pos=${pos//[\[\].]/}
	case $cmd:$pos in
	help:COMMAND) _berth_reply "$_berth_commands" ;;
	*:SERVICE) _berth_reply "$(_berth_services "${gl[@]}")" ;;
	*:SERVICE=*) _berth_service_words = "${gl[@]}" ;; # scale
	*:SERVICE:*)  # cp, either way: SERVICE:PATH or a local path
		_berth_service_words : "${gl[@]}"
		_berth_files
		;;
	*PATH*) _berth_service_words : "${gl[@]}" && _berth_files ;;
	*:COMMAND | *:ARGS) _berth_files ;;
	esac
	return 0
}

complete -F _berth berth
