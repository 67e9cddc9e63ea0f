/*
 * naming.c - engine names of containers, networks and volumes (naming.h).
 */
#include <stdlib.h>
#include <string.h>

#include "naming.h"
#include "project.h"
#include "xalloc.h"

static bool compat;

void
naming_set_compat(bool on)
{
	compat = on;
}

bool
naming_compat(void)
{
	return compat;
}

char *
naming_container(const struct project *p, const struct service *s, int number)
{
	const char *cn =
		json_string_value(json_object_get(s->def, "container_name"));
	char sep = compat ? '_' : '-';

	if (cn && *cn)
		return xstrdup(cn);
	return xasprintf("%s%c%s%c%d", p->name, sep, s->name, sep, number);
}

char *
naming_image(const struct project *p, const struct service *s)
{
	const char *img = json_string_value(json_object_get(s->def, "image"));

	if (img && *img)
		return xstrdup(img);
	return xasprintf("%s%c%s", p->name, compat ? '_' : '-', s->name);
}

bool
naming_is_temporary(const char *name, const char *final_name)
{
	if (final_name == NULL || strlen(name) < 14 || name[12] != '_')
		return false;
	for (int i = 0; i < 12; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return strcmp(name + 13, final_name) == 0;
}

static char *
top_level_name(const struct project *p, const char *section, const char *key)
{
	json_t *def = json_object_get(json_object_get(p->model, section), key);
	const char *name = json_string_value(json_object_get(def, "name"));

	if (name && *name)
		return xstrdup(name);
	return xasprintf("%s_%s", p->name, key);
}

char *
naming_network(const struct project *p, const char *key)
{
	return top_level_name(p, "networks", key);
}

char *
naming_volume(const struct project *p, const char *key)
{
	return top_level_name(p, "volumes", key);
}

static bool
is_external(const struct project *p, const char *section, const char *key)
{
	json_t *def = json_object_get(json_object_get(p->model, section), key);
	json_t *ext = json_object_get(def, "external");

	/* The legacy long form external: {name: x} counts too. */
	return json_is_true(ext) || json_is_object(ext);
}

bool
naming_network_external(const struct project *p, const char *key)
{
	return is_external(p, "networks", key);
}

bool
naming_volume_external(const struct project *p, const char *key)
{
	return is_external(p, "volumes", key);
}

struct net_pri {
	const char *key;
	long long priority;
};

static int
cmp_net(const void *a, const void *b)
{
	const struct net_pri *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return strcmp(x->key, y->key);
}

size_t
naming_service_networks(const struct service *s, const char ***keys)
{
	json_t *nets = json_object_get(s->def, "networks");
	const char *mode =
		json_string_value(json_object_get(s->def, "network_mode"));
	struct net_pri *v;
	const char *key;
	json_t *cfg;
	size_t n = 0;

	*keys = xcalloc(json_object_size(nets) + 2, sizeof(**keys));
	if (mode && *mode)
		return 0;
	if (json_object_size(nets) == 0) {
		(*keys)[0] = "default";
		return 1;
	}
	v = xcalloc(json_object_size(nets), sizeof(*v));
	json_object_foreach (nets, key, cfg) {
		v[n].key = key;
		v[n].priority =
			json_integer_value(json_object_get(cfg, "priority"));
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_net);
	for (size_t i = 0; i < n; i++)
		(*keys)[i] = v[i].key;
	free(v);
	return n;
}
