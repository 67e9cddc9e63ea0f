/*
 * fuzz_load.c - a libFuzzer target over the compose loader.
 *
 * The input is a compose file. It goes through project_load, the whole
 * pipeline every command uses (YAML, interpolation, merge, extends,
 * profiles, normalisation, validation, struct project), with a fixed
 * environment. A load error is an expected outcome; a crash, a leak, a
 * sanitizer report or a hang is a finding. A model that loads must also
 * survive `config`: printed as YAML, it must read back as the same tree.
 *
 * Built by tools/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined);
 * replay.c runs the same function over files, as a unit test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "buf.h"
#include "config_vars.h"
#include "loader.h"
#include "log.h"
#include "pos.h"
#include "strv.h"
#include "xalloc.h"
#include "yaml_load.h"
#include "yaml_write.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/berth-fuzz.XXXXXX";
static bool fuzz_dir_made;

static void
fuzz_cleanup(void)
{
	if (fuzz_dir_made) {
		rmdir(fuzz_dir);
		fuzz_dir_made = false;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	extern char **environ;
	struct strv drop = STRV_INIT;

	/* The project directory: empty, so relative paths name nothing. */
	if (mkdtemp(fuzz_dir) == NULL)
		die("fuzz: cannot make a scratch directory");
	fuzz_dir_made = true;
	atexit(fuzz_cleanup);
	/* The same environment every run: nothing from the caller's. */
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "COMPOSE_", 8) == 0 ||
		    strncmp(*e, "DOCKER_", 7) == 0)
			strv_push_nodup(&drop, xstrndup(*e, strcspn(*e, "=")));
	for (size_t i = 0; i < drop.n; i++)
		unsetenv(drop.v[i]);
	strv_clear(&drop);
	setenv("FUZZ_TAG", "1.0", 1);
	setenv("FROM_ENV", "from the environment", 1);
	setenv("HOME", fuzz_dir, 1);
	return 0;
}

/* Equal trees, numbers compared by value (YAML has one number syntax for
   what JSON keeps as integer or real, e.g. 1.0 prints as 1). */
static bool
same_tree(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *va;
	size_t i;

	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach ((json_t *)a, key, va) {
			json_t *vb = json_object_get(b, key);
			if (vb == NULL || !same_tree(va, vb))
				return false;
		}
		return true;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach (a, i, va) {
			if (!same_tree(va, json_array_get(b, i)))
				return false;
		}
		return true;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b),
			      json_string_length(a)) == 0;
	default:
		return true;
	}
}

/* `config` must print any loaded model, and its YAML must read back. The
   direct writer must write what libyaml's emitter writes. */
static void
check_printable(const json_t *model)
{
	struct buf out = BUF_INIT, ref = BUF_INIT;
	char *text, *json;
	size_t len;
	json_t *docs = NULL, *vars;

	if (yaml_write_buf(&out, model, 2) < 0 ||
	    yaml_write_emitter(&ref, model, 2) < 0)
		BUG("a loaded model cannot be written as YAML");
	if (strcmp(out.ptr, ref.ptr) != 0) {
		fprintf(stderr, "direct:\n%s\nlibyaml:\n%s\n", out.ptr,
			ref.ptr);
		BUG("the direct YAML writer differs from libyaml's");
	}
	text = out.ptr;
	len = out.len;
	if (yaml_load_string(&docs, text, len, "config output") < 0 ||
	    json_array_size(docs) != 1 ||
	    !same_tree(json_array_get(docs, 0), model)) {
		json = json_dumps(model, JSON_INDENT(2));
		fprintf(stderr, "model:\n%s\nprinted as:\n%s\n", json, text);
		free(json);
		BUG("config's YAML does not read back as the model");
	}
	json_decref(docs);
	json = json_dumps(model, JSON_INDENT(2));
	vars = config_variables(model);
	free(json);
	json_decref(vars);
	buf_release(&out);
	buf_release(&ref);
}

/* The config hash the plain way: a copy without the unhashed keys,
   dumped by jansson with sorted keys (project.h says what is left out). */
static void
reference_hash(const json_t *def, const json_t *content, char out[65])
{
	static const char *const unhashed[] = { "build", "pull_policy", "scale",
						"depends_on", "profiles" };
	json_t *copy = json_deep_copy(def);
	const char *key;
	json_t *val;
	void *tmp;
	unsigned char md[32];
	char *text;

	for (size_t i = 0; i < ARRAY_SIZE(unhashed); i++)
		json_object_del(copy, unhashed[i]);
	json_object_foreach_safe (copy, tmp, key, val) {
		if (strncmp(key, "x-", 2) == 0)
			json_object_del(copy, key);
	}
	json_object_del(json_object_get(copy, "deploy"), "replicas");
	/* The digests of its configs' and secrets' content (project.h). */
	if (content)
		json_object_set(copy, PROJECT_CONTENT_KEY, (json_t *)content);
	text = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
	if (text == NULL)
		BUG("jansson cannot dump a loaded service");
	SHA256((const unsigned char *)text, strlen(text), md);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(text);
	json_decref(copy);
}

/* Every service's hash is the one the plain way gives. */
static void
check_hashes(const struct project *p)
{
	for (size_t i = 0; i < p->nservices; i++) {
		char want[65];

		reference_hash(p->services[i].def, p->services[i].content,
			       want);
		if (strcmp(want, p->services[i].hash) != 0)
			BUG("service %s hashes to %s, not %s",
			    p->services[i].name, p->services[i].hash, want);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strv none = STRV_INIT;
	struct buf messages = BUF_INIT;
	struct project *p = NULL;
	struct load_opts o = {
		.project_dir = fuzz_dir,
		.env_files = &none,
		.profiles = &none,
		.quiet_warnings = true,
	};

	if (!fuzz_dir_made)
		LLVMFuzzerInitialize(NULL, NULL);
	/* Load errors are normal here: keep them off the terminal. */
	log_capture(&messages);
	if (project_load_buffer(&p, (const char *)data, size, &o) == 0) {
		check_printable(p->model);
		check_hashes(p);
	}
	log_capture(NULL);
	project_free(p);
	buf_release(&messages);
	diag_reset();
	pos_reset();
	return 0;
}
