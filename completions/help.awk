# help.awk - berth's --help texts as completion data (completions/*).
#
#   berth CMD --help | awk -v cmd=CMD -f help.awk
#
# prints one tab-separated line per fact: CMD KIND NAME ARG DESC, where
# CMD is "-" for `berth --help`; KIND is "cmd" (a command, NAME, with its
# summary), "opt" (an option, NAME, taking a value called ARG, or none) or
# "pos" (NAME: the Usage line's operands, "[SERVICE...]"). An empty ARG
# or DESC is "-" (shells' read collapses empty tab-separated fields).
# Option lines are indented at most 8 columns; deeper lines continue the
# description.
function trim(s) { sub(/^ +/, "", s); sub(/ +$/, "", s); return s }
NR == 1 && /^Usage: / {
	u = $0
	sub(/^Usage: berth /, "", u)
	if (cmd != "-") sub(/^[^ ]+ ?/, "", u)
	gsub(/\[OPTIONS\] ?/, "", u)
	print cmd "\tpos\t" trim(u) "\t-\t-"
	next
}
$0 == "Options:" || $0 == "Commands:" { flush(); sec = $0; next }
/^[^ ]/ { flush(); sec = ""; next }
sec == "Commands:" && NF >= 1 {
	d = $0
	sub(/^ +[^ ]+ */, "", d)
	print cmd "\tcmd\t" $1 "\t-\t" d
	next
}
sec == "Options:" {
	match($0, /^ */)
	if (RLENGTH > 8 && nopt > 0) {
		for (i = 1; i <= nopt; i++) desc[i] = desc[i] " " trim($0)
		next
	}
	flush()
	n = split(trim($0), w, / +/)
	i = 1
	if (w[i] ~ /^-[A-Za-z0-9],$/) { names[++nopt] = substr(w[i], 1, 2); i++ }
	if (w[i] ~ /^--?[A-Za-z0-9]/) { names[++nopt] = w[i]; i++ }
	arg = ""
	if (i <= n && w[i] ~ /^[A-Z[]/) { arg = w[i]; i++ }
	d = ""
	for (; i <= n; i++) d = d (d == "" ? "" : " ") w[i]
	for (k = 1; k <= nopt; k++) { args[k] = arg; desc[k] = d }
}
function flush(  k) {
	for (k = 1; k <= nopt; k++)
		print cmd "\topt\t" names[k] "\t" (args[k] == "" ? "-" : args[k]) \
			"\t" (desc[k] == "" ? "-" : desc[k])
	nopt = 0
}
END { flush() }
