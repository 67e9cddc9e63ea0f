#!/usr/bin/env bash
# run.sh - berth's `config` against docker-compose's on real compose files:
# the awesome-compose corpus in ../shared/corpus (see its README.md). For
# each sample, in a scratch copy with the missing build context folders
# made, both tools print the resolved model and compare.py checks they
# agree on what matters (it lists the deliberate differences and why).
# Every sample docker-compose loads must load in berth.
#
# Exits 77 (meson: skipped) when the corpus is not there.
set -u
BERTH=${BERTH:?BERTH must point at the berth binary}
SRC=${BERTH_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
corpus=$SRC/../shared/corpus
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$corpus/awesome" ]; then
	echo "SKIP no corpus at $corpus"
	exit 77
fi
if ! command -v docker-compose >/dev/null; then
	echo "FAIL docker-compose is not installed (tools/setup.sh installs it)"
	exit 1
fi
# docker-compose's own Python has PyYAML (Debian's python3-yaml).
py=/usr/bin/python3
"$py" -c 'import yaml' 2>/dev/null || py=python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "FAIL no Python with PyYAML (tools/setup.sh installs python3-yaml)"
	exit 1
fi

tmp=$(mktemp -d /tmp/berth-corpus.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$corpus/awesome/." "$tmp/"
# docker-compose refuses a build context that does not exist, and only
# the YAML is here: create every context a sample names, empty (the README
# lists them too).
for f in "$tmp"/*/compose.yaml "$tmp"/*/compose.yml; do
	"$py" - "$f" <<'PY'
import os, sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path)) or {}
for svc in (doc.get("services") or {}).values():
    build = (svc or {}).get("build")
    ctx = build if isinstance(build, str) else (build or {}).get("context")
    if isinstance(ctx, str) and "://" not in ctx and "$" not in ctx:
        os.makedirs(os.path.join(os.path.dirname(path), ctx), exist_ok=True)
PY
done

# Variables a sample's README asks for (difference 11 in compare.py).
sample_env() {
	case $1 in
	plex) echo PLEX_MEDIA_PATH=/srv/media ;;
	esac
}

# Both tools see the same clean environment.
clean_env=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$tmp")
fails=0
total=0
for dir in "$tmp"/*/; do
	sample=$(basename "$dir")
	file=compose.yaml
	[ -f "$dir/$file" ] || file=compose.yml
	[ -f "$dir/$file" ] || continue
	total=$((total + 1))
	v1file=$file
	# Difference 9 in compare.py: v1 predates the top-level name.
	if grep -q '^name:' "$dir/$file"; then
		sed '/^name:/d' "$dir/$file" >"$dir/compose.v1.yaml"
		v1file=compose.v1.yaml
	fi
	read -ra extra <<<"$(sample_env "$sample")"
	if ! (cd "$dir" && "${clean_env[@]}" "${extra[@]}" docker-compose -p corpus \
		-f "$v1file" config >v1.yaml 2>v1.err); then
		echo "FAIL $sample: docker-compose cannot load it:"
		sed 's/^/    | /' "$dir/v1.err"
		fails=$((fails + 1))
		continue
	fi
	if ! (cd "$dir" && "${clean_env[@]}" "${extra[@]}" "$BERTH" -p corpus \
		-f "$file" config --format json >berth.json 2>berth.err); then
		echo "FAIL $sample: docker-compose loads it, berth does not:"
		sed 's/^/    | /' "$dir/berth.err"
		fails=$((fails + 1))
		continue
	fi
	if "$py" "$here/compare.py" "$dir/v1.yaml" "$dir/berth.json" >"$dir/diff"; then
		echo "ok   $sample"
	else
		echo "FAIL $sample: berth's config differs from docker-compose's:"
		cat "$dir/diff"
		fails=$((fails + 1))
	fi
done
echo "# $total samples, $fails failed"
[ "$total" -gt 0 ] && [ "$fails" -eq 0 ]
