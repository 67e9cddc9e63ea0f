/*
 * cmd_config.c - `berth config`: the resolved compose model, or one list
 * from it, as docker compose's `config` prints them.
 *
 * The model is the loader's canonical tree (project.h). Printing it follows
 * docker compose: YAML through go-yaml's style (yaml_write.h), JSON as Go's
 * json.MarshalIndent writes it (top-level keys sorted, <, > and & escaped),
 * and after interpolation every "$" doubled, so the output loads again to
 * the same model. Each list (--services, --hash, ...) is one small
 * function; the output goes to a buffer first, so -q prints nothing and
 * -o writes the file whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "config_vars.h"
#include "loader.h"
#include "log.h"
#include "project.h"
#include "strv.h"
#include "xalloc.h"
#include "yaml_write.h"

static const char config_usage[] =
	"Usage: berth config [OPTIONS] [SERVICE...]\n"
	"\n"
	"Parse, resolve and print the compose model in canonical form: the\n"
	"files merged, variables interpolated, short syntax made long, paths\n"
	"absolute. With SERVICE names, only those services and their\n"
	"dependencies.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT         yaml (default) or json; for --variables,\n"
	"                              table (default), yaml or json\n"
	"  -q, --quiet                 only validate, print nothing\n"
	"  -o, --output FILE           write to FILE instead of standard output\n"
	"      --services              print the service names, dependencies first\n"
	"      --volumes               print the volume names, one per line\n"
	"      --networks              print the network names, one per line\n"
	"      --profiles              print every profile named, one per line\n"
	"      --images                print each service's image name\n"
	"      --hash SERVICES         print \"SERVICE HASH\" lines for SERVICES\n"
	"                              (a,b,... or \"*\" for all)\n"
	"      --variables             print the variables used and their defaults\n"
	"      --environment           print the environment used to interpolate\n"
	"      --no-interpolate        do not interpolate variables\n"
	"      --no-normalize          do not normalise the model\n"
	"      --no-path-resolution    leave relative paths as written\n"
	"      --no-env-resolution     leave env_file as is, not folded into\n"
	"                              environment\n"
	"      --resolve-image-digests not supported: needs a registry\n";

static int config_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.summary = "Parse, resolve and print the compose model",
	.usage = config_usage,
	.exec = config_exec,
};

/* What to print, in docker compose's order of precedence. */
enum config_mode {
	MODE_MODEL,
	MODE_SERVICES,
	MODE_VOLUMES,
	MODE_NETWORKS,
	MODE_HASH,
	MODE_PROFILES,
	MODE_IMAGES,
	MODE_VARIABLES,
	MODE_ENVIRONMENT,
};

struct config_opts {
	enum config_mode mode;
	const char *format; /* NULL: the mode's default */
	const char *output;
	const char *hash;
	bool quiet;
	bool no_interpolate;
	bool no_normalize;
	bool no_path_resolution;
	bool no_env_resolution;
	char **services;
	size_t nservices;
};

enum {
	OPT_FORMAT = 256,
	OPT_SERVICES,
	OPT_VOLUMES,
	OPT_NETWORKS,
	OPT_PROFILES,
	OPT_IMAGES,
	OPT_HASH,
	OPT_VARIABLES,
	OPT_ENVIRONMENT,
	OPT_NO_INTERPOLATE,
	OPT_NO_NORMALIZE,
	OPT_NO_PATH_RESOLUTION,
	OPT_NO_ENV_RESOLUTION,
	OPT_RESOLVE_DIGESTS,
};

static const struct option config_opts_table[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "output", required_argument, NULL, 'o' },
	{ "services", no_argument, NULL, OPT_SERVICES },
	{ "volumes", no_argument, NULL, OPT_VOLUMES },
	{ "networks", no_argument, NULL, OPT_NETWORKS },
	{ "profiles", no_argument, NULL, OPT_PROFILES },
	{ "images", no_argument, NULL, OPT_IMAGES },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "variables", no_argument, NULL, OPT_VARIABLES },
	{ "environment", no_argument, NULL, OPT_ENVIRONMENT },
	{ "no-interpolate", no_argument, NULL, OPT_NO_INTERPOLATE },
	{ "no-normalize", no_argument, NULL, OPT_NO_NORMALIZE },
	{ "no-path-resolution", no_argument, NULL, OPT_NO_PATH_RESOLUTION },
	{ "no-env-resolution", no_argument, NULL, OPT_NO_ENV_RESOLUTION },
	{ "resolve-image-digests", no_argument, NULL, OPT_RESOLVE_DIGESTS },
	CMD_OPT_HELP,
	{ NULL, 0, NULL, 0 },
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of obj (NULL: none) in a new sorted strv. */
static void
sorted_keys(const json_t *obj, struct strv *out)
{
	const char *key;
	json_t *val;

	strv_init(out);
	json_object_foreach ((json_t *)obj, key, val)
		strv_push(out, key);
	strv_sort(out);
}

/* A copy of v with every object's keys sorted, as Go prints a map. */
static json_t *
sorted_copy(const json_t *v)
{
	struct strv keys;
	json_t *out;
	size_t i;

	if (json_is_array(v)) {
		json_t *item;
		out = json_array();
		json_array_foreach (v, i, item)
			json_array_append_new(out, sorted_copy(item));
		return out;
	}
	if (!json_is_object(v))
		return json_incref((json_t *)v); /* scalars are shared */
	out = json_object();
	sorted_keys(v, &keys);
	for (i = 0; i < keys.n; i++)
		json_object_set_new(out, keys.v[i],
				    sorted_copy(json_object_get(v, keys.v[i])));
	strv_clear(&keys);
	return out;
}

/* services.<name> for the selected services, in name order. */
static json_t *
services_view(const struct project *p, const struct config_opts *co)
{
	json_t *all = json_object_get(p->model, "services");
	json_t *out = json_object();
	bool *sel = xcalloc(p->nservices + 1, sizeof(bool));
	struct strv keys;

	if (project_select(p, co->services, co->nservices, false, sel) < 0) {
		json_decref(out);
		out = NULL;
		goto done;
	}
	sorted_keys(all, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		int idx = project_service_index(p, keys.v[i]);
		if (idx >= 0 && !sel[idx])
			continue;
		json_object_set(out, keys.v[i],
				json_object_get(all, keys.v[i]));
	}
	strv_clear(&keys);
done:
	free(sel);
	return out;
}

/* Is v what Go's yaml.v3 takes for a zero value (omitempty drops it)? */
static bool
yaml_zero(const json_t *v)
{
	const char *k;
	json_t *e;

	if (v == NULL || json_is_null(v) || json_is_false(v))
		return true;
	if (json_is_string(v))
		return json_string_length(v) == 0;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (!json_is_object(v))
		return false;
	json_object_foreach ((json_t *)v, k, e) {
		if (!yaml_zero(e))
			return false;
	}
	return true;
}

/*
 * networks for YAML: compose-go's network ipam is a struct tagged
 * omitempty, which yaml.v3 leaves out when it is empty (and JSON keeps as
 * {}). A new object sharing the model's members.
 */
static json_t *
networks_yaml(const json_t *networks)
{
	json_t *out = json_object();
	const char *name;
	json_t *net;

	json_object_foreach ((json_t *)networks, name, net) {
		json_t *ipam = json_object_get(net, "ipam");
		if (ipam && json_is_object(ipam) && yaml_zero(ipam)) {
			json_t *copy = json_copy(net); /* shallow */
			json_object_del(copy, "ipam");
			json_object_set_new(out, name, copy);
		} else {
			json_object_set(out, name, net);
		}
	}
	return out;
}

/*
 * The model as docker compose orders it: compose-go's Project struct order
 * in YAML, and in JSON a Go map (sorted keys). Returns a new object whose
 * members are shared with the model, or NULL after reporting.
 */
static json_t *
model_view(const struct project *p, const struct config_opts *co, bool json)
{
	static const char *const yaml_order[] = { "name",     "services",
						  "networks", "volumes",
						  "secrets",  "configs",
						  "models",   NULL };
	json_t *view = json_object(), *services = NULL;
	struct strv keys;

	if (!co->no_interpolate) {
		services = services_view(p, co);
		if (services == NULL) {
			json_decref(view);
			return NULL;
		}
	}
	for (size_t i = 0; !json && yaml_order[i]; i++) {
		json_t *v = json_object_get(p->model, yaml_order[i]);
		if (v)
			json_object_set(view, yaml_order[i], v);
	}
	sorted_keys(p->model, &keys);
	for (size_t i = 0; i < keys.n; i++)
		if (json_object_get(view, keys.v[i]) == NULL)
			json_object_set(view, keys.v[i],
					json_object_get(p->model, keys.v[i]));
	strv_clear(&keys);
	if (services)
		json_object_set_new(view, "services", services);
	if (!json && !co->no_interpolate &&
	    json_is_object(json_object_get(view, "networks")))
		json_object_set_new(
			view, "networks",
			networks_yaml(json_object_get(view, "networks")));
	return view;
}

/* Replace every "from" byte in b with the string "to". */
static void
buf_replace_byte(struct buf *b, char from, const char *to)
{
	struct buf out = BUF_INIT;
	const char *p = b->ptr, *end = b->ptr + b->len, *hit;

	if (memchr(p, from, b->len) == NULL)
		return;
	while ((hit = memchr(p, from, (size_t)(end - p)))) {
		buf_add(&out, p, (size_t)(hit - p));
		buf_adds(&out, to);
		p = hit + 1;
	}
	buf_add(&out, p, (size_t)(end - p));
	buf_release(b);
	*b = out;
}

/* Go's JSON encoder escapes <, > and & (and U+2028, U+2029); in JSON text
   they can only be inside strings, so the text is edited directly. */
static void
json_escape_like_go(struct buf *b)
{
	buf_replace_byte(b, '<', "\\u003c");
	buf_replace_byte(b, '>', "\\u003e");
	buf_replace_byte(b, '&', "\\u0026");
	for (size_t i = 0; i + 2 < b->len; i++) {
		unsigned char *s = (unsigned char *)b->ptr + i;
		if (s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9)) {
			struct buf out = BUF_INIT;
			buf_add(&out, b->ptr, i);
			buf_adds(&out, s[2] == 0xa8 ? "\\u2028" : "\\u2029");
			buf_add(&out, b->ptr + i + 3, b->len - i - 3);
			buf_release(b);
			*b = out;
		}
	}
}

/* JSON as Go's json.MarshalIndent(v, "", indent) writes it, plus "\n". */
static void
render_json(struct buf *out, const json_t *v, int indent, bool sort)
{
	char *text =
		json_dumps(v, JSON_INDENT(indent) | JSON_REAL_PRECISION(15) |
				      (sort ? JSON_SORT_KEYS : 0));

	buf_adds(out, text);
	buf_addch(out, '\n');
	free(text);
	json_escape_like_go(out);
}

static int
render_yaml(struct buf *out, const json_t *v, int indent)
{
	return yaml_write_buf(out, v, indent);
}

static int
render_model(const struct project *p, const struct config_opts *co,
	     struct buf *out)
{
	bool json = strcmp(co->format, "json") == 0;
	json_t *view = model_view(p, co, json);
	int ret = 0;

	if (view == NULL)
		return -1;
	if (json) {
		render_json(out, view, 2, co->no_interpolate);
	} else if (co->no_interpolate) {
		/* Uninterpolated, docker compose prints a plain map. */
		json_t *sorted = sorted_copy(view);
		ret = render_yaml(out, sorted, 2);
		json_decref(sorted);
	} else {
		ret = render_yaml(out, view, 2);
	}
	json_decref(view);
	/* Interpolated values are literal: "$" must not be read again as
	   the start of a variable. */
	if (ret == 0 && !co->no_interpolate)
		buf_replace_byte(out, '$', "$$");
	return ret;
}

static int
render_services(const struct project *p, struct buf *out)
{
	for (size_t i = 0; i < p->nservices; i++)
		buf_addf(out, "%s\n", p->services[p->order[i]].name);
	return 0;
}

/* The keys of a top-level section (volumes, networks), sorted. */
static int
render_section(const struct project *p, const char *section, struct buf *out)
{
	struct strv keys;

	sorted_keys(json_object_get(p->model, section), &keys);
	for (size_t i = 0; i < keys.n; i++)
		buf_addf(out, "%s\n", keys.v[i]);
	strv_clear(&keys);
	return 0;
}

/* Every profile of every service (the project was loaded with all on). */
static int
render_profiles(const struct project *p, struct buf *out)
{
	struct strv all = STRV_INIT;
	const char *name;
	json_t *def, *prof;
	size_t i;

	json_object_foreach (json_object_get(p->model, "services"), name, def) {
		json_array_foreach (json_object_get(def, "profiles"), i, prof) {
			const char *s = json_string_value(prof);
			if (s && !strv_contains(&all, s))
				strv_push(&all, s);
		}
	}
	strv_sort(&all);
	for (i = 0; i < all.n; i++)
		buf_addf(out, "%s\n", all.v[i]);
	strv_clear(&all);
	return 0;
}

static int
render_images(const struct project *p, struct buf *out)
{
	for (size_t i = 0; i < p->nservices; i++) {
		const struct service *s = &p->services[i];
		const char *image =
			json_string_value(json_object_get(s->def, "image"));
		if (image && *image)
			buf_addf(out, "%s\n", image);
		else
			buf_addf(out, "%s-%s\n", p->name, s->name);
	}
	return 0;
}

static int
render_hash(const struct project *p, const char *spec, struct buf *out)
{
	struct strv names = STRV_INIT;
	int ret = 0;

	if (strcmp(spec, "*") == 0)
		for (size_t i = 0; i < p->nservices; i++)
			strv_push(&names, p->services[i].name);
	else
		strv_split(&names, spec, ',');
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		int idx = project_service_index(p, names.v[i]);
		if (idx < 0) {
			ret = error("no such service: \"%s\"", names.v[i]);
			continue;
		}
		buf_addf(out, "%s %s\n", names.v[i], p->services[idx].hash);
	}
	strv_clear(&names);
	return ret;
}

/* Width in characters of UTF-8 s (what Go's tabwriter counts). */
static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* docker compose's table: tabwriter with minimum width 20, padding 3. */
static void
render_var_table(const json_t *vars, const struct strv *names, struct buf *out)
{
	static const char *const fields[] = { "Name", "Required",
					      "DefaultValue", "PresenceValue" };
	static const char *const heads[] = { "NAME", "REQUIRED",
					     "DEFAULT VALUE",
					     "ALTERNATE VALUE" };
	size_t width[3] = { 0, 0, 0 };
	const char *cell[4];

	for (size_t r = 0; r <= names->n; r++) {
		const json_t *v = r ? json_object_get(vars, names->v[r - 1]) :
				      NULL;
		for (int c = 0; c < 3; c++) {
			const json_t *f = json_object_get(v, fields[c]);
			cell[c] = !v		   ? heads[c] :
				  json_is_true(f)  ? "true" :
				  json_is_false(f) ? "false" :
						     json_string_value(f);
			if (text_width(cell[c]) + 3 > width[c])
				width[c] = text_width(cell[c]) + 3;
		}
	}
	for (int c = 0; c < 3; c++)
		if (width[c] < 20)
			width[c] = 20;
	for (size_t r = 0; r <= names->n; r++) {
		const json_t *v = r ? json_object_get(vars, names->v[r - 1]) :
				      NULL;
		for (int c = 0; c < 4; c++) {
			const json_t *f = json_object_get(v, fields[c]);
			cell[c] = !v		   ? heads[c] :
				  json_is_true(f)  ? "true" :
				  json_is_false(f) ? "false" :
						     json_string_value(f);
			buf_adds(out, cell[c]);
			if (c < 3)
				buf_addf(out, "%*s",
					 (int)(width[c] - text_width(cell[c])),
					 "");
		}
		buf_addch(out, '\n');
	}
}

static int
render_variables(const struct project *p, const char *format, struct buf *out)
{
	json_t *vars = config_variables(p->model);
	struct strv names;
	int ret = 0;

	sorted_keys(vars, &names);
	if (strcmp(format, "json") == 0) {
		/* A Go map of structs: names sorted, fields in struct order. */
		json_t *sorted = json_object();
		for (size_t i = 0; i < names.n; i++)
			json_object_set(sorted, names.v[i],
					json_object_get(vars, names.v[i]));
		render_json(out, sorted, 4, false);
		json_decref(sorted);
	} else if (strcmp(format, "yaml") == 0) {
		/* yaml.Marshal of the Go struct: lowercased field names. */
		json_t *y = json_object();
		for (size_t i = 0; i < names.n; i++) {
			json_t *v = json_object_get(vars, names.v[i]);
			json_object_set_new(
				y, names.v[i],
				json_pack("{s:O, s:O, s:O, s:O}", "name",
					  json_object_get(v, "Name"),
					  "defaultvalue",
					  json_object_get(v, "DefaultValue"),
					  "presencevalue",
					  json_object_get(v, "PresenceValue"),
					  "required",
					  json_object_get(v, "Required")));
		}
		ret = render_yaml(out, y, 4);
		json_decref(y);
	} else {
		render_var_table(vars, &names, out);
	}
	strv_clear(&names);
	json_decref(vars);
	return ret;
}

static int
render_environment(const struct project *p, struct buf *out)
{
	struct strv lines = STRV_INIT;
	const char *key;
	json_t *val;

	json_object_foreach (p->environment, key, val) {
		if (json_is_string(val))
			strv_pushf(&lines, "%s=%s", key,
				   json_string_value(val));
	}
	qsort(lines.v, lines.n, sizeof(*lines.v), cmp_str);
	for (size_t i = 0; i < lines.n; i++)
		buf_addf(out, "%s\n", lines.v[i]);
	strv_clear(&lines);
	return 0;
}

static int
render(const struct project *p, const struct config_opts *co, struct buf *out)
{
	switch (co->mode) {
	case MODE_SERVICES:
		return render_services(p, out);
	case MODE_VOLUMES:
		return render_section(p, "volumes", out);
	case MODE_NETWORKS:
		return render_section(p, "networks", out);
	case MODE_HASH:
		return render_hash(p, co->hash, out);
	case MODE_PROFILES:
		return render_profiles(p, out);
	case MODE_IMAGES:
		return render_images(p, out);
	case MODE_VARIABLES:
		return render_variables(p, co->format, out);
	case MODE_ENVIRONMENT:
		return render_environment(p, out);
	case MODE_MODEL:
		break;
	}
	return render_model(p, co, out);
}

static int
write_output(const char *path, const struct buf *b)
{
	FILE *f = stdout;

	if (path) {
		/* docker compose writes nothing at all for empty output. */
		if (b->len == 0)
			return 0;
		f = fopen(path, "w");
		if (f == NULL)
			return error("cannot write '%s': %s", path,
				     strerror(errno));
	}
	fwrite(b->ptr, 1, b->len, f);
	if (path && fclose(f) != 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* The option's mode, keeping the one docker compose would act on. */
static void
set_mode(struct config_opts *co, enum config_mode m)
{
	if (co->mode == MODE_MODEL || m < co->mode)
		co->mode = m;
}

static int
unsupported(const char *opt, const char *why)
{
	error("config %s is not supported", opt);
	hint("%s", why);
	return EXIT_USAGE;
}

/* Parse argv into co; returns -1 to go on, or an exit status. */
static int
config_parse(int argc, char **argv, struct config_opts *co)
{
	int c;

	while ((c = cmd_getopt(&cmd_config_entry, argc, argv,
			       "qo:", config_opts_table)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			co->format = optarg;
			break;
		case 'q':
			co->quiet = true;
			break;
		case 'o':
			co->output = optarg;
			break;
		case OPT_SERVICES:
			set_mode(co, MODE_SERVICES);
			break;
		case OPT_VOLUMES:
			set_mode(co, MODE_VOLUMES);
			break;
		case OPT_NETWORKS:
			set_mode(co, MODE_NETWORKS);
			break;
		case OPT_PROFILES:
			set_mode(co, MODE_PROFILES);
			break;
		case OPT_IMAGES:
			set_mode(co, MODE_IMAGES);
			break;
		case OPT_HASH:
			co->hash = optarg;
			set_mode(co, MODE_HASH);
			break;
		case OPT_VARIABLES:
			set_mode(co, MODE_VARIABLES);
			break;
		case OPT_ENVIRONMENT:
			set_mode(co, MODE_ENVIRONMENT);
			break;
		case OPT_NO_INTERPOLATE:
			co->no_interpolate = true;
			break;
		case OPT_NO_NORMALIZE:
			co->no_normalize = true;
			break;
		case OPT_NO_PATH_RESOLUTION:
			co->no_path_resolution = true;
			break;
		case OPT_NO_ENV_RESOLUTION:
			co->no_env_resolution = true;
			break;
		case OPT_RESOLVE_DIGESTS:
			return unsupported("--resolve-image-digests",
					   "pinning images to digests needs a "
					   "registry; use `docker compose "
					   "config --resolve-image-digests`");
		default:
			return cmd_getopt_exit(c);
		}
	}
	co->services = argv + optind;
	co->nservices = (size_t)(argc - optind);
	return -1;
}

static int
config_check_format(struct config_opts *co)
{
	const char *f = co->format;

	if (f == NULL) {
		co->format = co->mode == MODE_VARIABLES ? "table" : "yaml";
		return 0;
	}
	if (strcmp(f, "yaml") == 0 || strcmp(f, "json") == 0 ||
	    (co->mode == MODE_VARIABLES && strcmp(f, "table") == 0))
		return 0;
	return cmd_usage_error(&cmd_config_entry, "unknown format \"%s\"", f);
}

static int
config_exec(struct globals *g, int argc, char **argv)
{
	struct config_opts co = { .mode = MODE_MODEL };
	struct strv all_profiles = STRV_INIT;
	struct project *p = NULL;
	struct load_opts o;
	struct buf out = BUF_INIT;
	int ret;

	ret = config_parse(argc, argv, &co);
	if (ret >= 0)
		return ret;
	if (config_check_format(&co) != 0)
		return EXIT_USAGE;
	cmd_load_opts(g, &o);
	o.services = co.services;
	o.nservices = co.nservices;
	o.no_interpolate = co.no_interpolate;
	o.no_normalize = co.no_normalize;
	o.no_hash = co.mode != MODE_HASH; /* only --hash prints them */
	/* Only the model printed changes: the lists (--hash above all) come
	   from the project as up sees it, as in docker compose. */
	if (co.mode == MODE_MODEL) {
		o.no_path_resolution = co.no_path_resolution;
		o.no_env_resolution = co.no_env_resolution;
	}
	if (co.mode == MODE_VARIABLES) {
		/* Variables are read from the model as written. */
		o.quiet_warnings = true;
		co.no_interpolate = true;
	}
	/* Short syntax cannot be made long before "${PORT}:80" has a value:
	   uninterpolated, the model stays as written (as in docker
	   compose). */
	if (co.no_interpolate) {
		o.no_interpolate = true;
		o.no_normalize = true;
	}
	if (co.mode == MODE_PROFILES) {
		/* Disabled services name profiles too: enable them all. */
		strv_push(&all_profiles, "*");
		o.profiles = &all_profiles;
	}
	if (co.nservices && co.mode == MODE_VARIABLES)
		warning("service filtering is not applied when --variables "
			"is set");
	else if (co.nservices && co.no_interpolate && co.mode == MODE_MODEL)
		warning("service filtering is not applied when "
			"--no-interpolate is set");
	ret = EXIT_FAIL;
	if (project_load(&p, &o) < 0)
		goto done;
	/* Quiet, only what can fail is worked out (--hash names services). */
	if ((!co.quiet || co.mode == MODE_HASH) && render(p, &co, &out) < 0)
		goto done;
	if (!co.quiet && write_output(co.output, &out) < 0)
		goto done;
	ret = EXIT_OK;
done:
	project_free(p);
	buf_release(&out);
	strv_clear(&all_profiles);
	return ret;
}
