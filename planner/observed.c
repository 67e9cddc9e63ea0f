/*
 * observed.c - the actual state of a project, from engine list answers
 * (observed.h). Pure data handling: the engine calls are in src/observe.c.
 */
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "observed.h"
#include "xalloc.h"

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static const char *
label_of(const json_t *labels, const char *key)
{
	return json_string_value(json_object_get(labels, key));
}

/* "Up 3 minutes (healthy)" -> "healthy"; NULL without a health part. */
static char *
health_from_status(const char *status)
{
	static const char *const states[] = { "(healthy)", "(unhealthy)",
					      "(health: starting)", NULL };
	static const char *const names[] = { "healthy", "unhealthy",
					     "starting" };

	for (size_t i = 0; status && states[i]; i++)
		if (strstr(status, states[i]))
			return xstrdup(names[i]);
	return NULL;
}

static void
container_fill(struct obs_container *c, json_t *e)
{
	json_t *names = json_object_get(e, "Names");
	const char *name = json_string_value(json_array_get(names, 0));
	json_t *labels = json_object_get(e, "Labels");
	const char *num = label_of(labels, LABEL_NUMBER);
	const char *oneoff = label_of(labels, LABEL_ONEOFF);

	if (name && *name == '/')
		name++;
	c->id = xstrdup(json_string_value(json_object_get(e, "Id")) ?
				json_string_value(json_object_get(e, "Id")) :
				"");
	c->name = xstrdup(name ? name : c->id);
	c->service = dup_or_null(label_of(labels, LABEL_SERVICE));
	c->number = num ? atoi(num) : 0;
	c->oneoff = oneoff && strcmp(oneoff, "True") == 0;
	c->state = dup_or_null(json_string_value(json_object_get(e, "State")));
	c->status =
		dup_or_null(json_string_value(json_object_get(e, "Status")));
	c->health = health_from_status(c->status);
	c->config_hash = dup_or_null(label_of(labels, LABEL_CONFIG_HASH));
	c->berth_hash = label_of(labels, LABEL_BERTH_HASH) != NULL;
	c->image = dup_or_null(json_string_value(json_object_get(e, "Image")));
	c->image_id =
		dup_or_null(json_string_value(json_object_get(e, "ImageID")));
	c->replace = dup_or_null(label_of(labels, LABEL_REPLACE));
	c->created = json_integer_value(json_object_get(e, "Created"));
	c->labels = json_is_object(labels) ? json_incref(labels) :
					     json_object();
	c->ports = json_incref(json_object_get(e, "Ports"));
	c->raw = json_incref(e);
}

void
observed_add_containers(struct observed *o, const json_t *list)
{
	size_t i, n = json_array_size(list);

	if (n == 0)
		return;
	o->containers = xreallocarray(o->containers, o->ncontainers + n,
				      sizeof(*o->containers));
	for (i = 0; i < n; i++) {
		struct obs_container *c = &o->containers[o->ncontainers++];
		memset(c, 0, sizeof(*c));
		container_fill(c, json_array_get(list, i));
	}
}

void
observed_add_networks(struct observed *o, const json_t *list)
{
	size_t i, n = json_array_size(list);

	if (n == 0)
		return;
	o->networks = xreallocarray(o->networks, o->nnetworks + n,
				    sizeof(*o->networks));
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *labels = json_object_get(e, "Labels");
		struct obs_network *nw = &o->networks[o->nnetworks++];

		nw->id = dup_or_null(
			json_string_value(json_object_get(e, "Id")));
		nw->name = xstrdup(
			json_string_value(json_object_get(e, "Name")) ?
				json_string_value(json_object_get(e, "Name")) :
				"");
		nw->key = dup_or_null(label_of(labels, LABEL_NETWORK));
		nw->labels = json_is_object(labels) ? json_incref(labels) :
						      json_object();
		nw->raw = json_incref(e);
	}
}

void
observed_add_volumes(struct observed *o, const json_t *list)
{
	size_t i, n = json_array_size(list);

	if (n == 0)
		return;
	o->volumes =
		xreallocarray(o->volumes, o->nvolumes + n, sizeof(*o->volumes));
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *labels = json_object_get(e, "Labels");
		struct obs_volume *v = &o->volumes[o->nvolumes++];

		v->name = xstrdup(
			json_string_value(json_object_get(e, "Name")) ?
				json_string_value(json_object_get(e, "Name")) :
				"");
		v->key = dup_or_null(label_of(labels, LABEL_VOLUME));
		v->labels = json_is_object(labels) ? json_incref(labels) :
						     json_object();
		v->raw = json_incref(e);
	}
}

void
observed_release(struct observed *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->ncontainers; i++) {
		struct obs_container *c = &o->containers[i];
		free(c->id);
		free(c->name);
		free(c->service);
		free(c->state);
		free(c->status);
		free(c->health);
		free(c->config_hash);
		free(c->image);
		free(c->image_id);
		free(c->replace);
		json_decref(c->labels);
		json_decref(c->ports);
		json_decref(c->raw);
		json_decref(c->inspect);
	}
	for (i = 0; i < o->nnetworks; i++) {
		free(o->networks[i].id);
		free(o->networks[i].name);
		free(o->networks[i].key);
		json_decref(o->networks[i].labels);
		json_decref(o->networks[i].raw);
	}
	for (i = 0; i < o->nvolumes; i++) {
		free(o->volumes[i].name);
		free(o->volumes[i].key);
		json_decref(o->volumes[i].labels);
		json_decref(o->volumes[i].raw);
	}
	free(o->containers);
	free(o->networks);
	free(o->volumes);
	memset(o, 0, sizeof(*o));
}

static int
cmp_number(const void *a, const void *b)
{
	const struct obs_container *x = *(const struct obs_container *const *)a;
	const struct obs_container *y = *(const struct obs_container *const *)b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	/* Same number (a recreate's temporary twin): older first. */
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t
observed_service_containers(const struct observed *o, const char *svc,
			    bool include_oneoff,
			    const struct obs_container ***out)
{
	const struct obs_container **v;
	size_t n = 0;

	v = xcalloc(o->ncontainers + 1, sizeof(*v));
	for (size_t i = 0; i < o->ncontainers; i++) {
		const struct obs_container *c = &o->containers[i];
		if (c->service == NULL || strcmp(c->service, svc) != 0)
			continue;
		if (c->oneoff && !include_oneoff)
			continue;
		v[n++] = c;
	}
	qsort(v, n, sizeof(*v), cmp_number);
	*out = v;
	return n;
}

const struct obs_network *
observed_network(const struct observed *o, const char *name)
{
	for (size_t i = 0; i < o->nnetworks; i++)
		if (strcmp(o->networks[i].name, name) == 0)
			return &o->networks[i];
	return NULL;
}

const struct obs_volume *
observed_volume(const struct observed *o, const char *name)
{
	for (size_t i = 0; i < o->nvolumes; i++)
		if (strcmp(o->volumes[i].name, name) == 0)
			return &o->volumes[i];
	return NULL;
}

const struct obs_container *
observed_container(const struct observed *o, const char *id_or_name)
{
	for (size_t i = 0; i < o->ncontainers; i++) {
		const struct obs_container *c = &o->containers[i];
		if (strcmp(c->id, id_or_name) == 0 ||
		    strcmp(c->name, id_or_name) == 0)
			return c;
	}
	return NULL;
}

void
observed_set_inspect(struct observed *o, const char *id, json_t *inspect)
{
	for (size_t i = 0; i < o->ncontainers; i++) {
		struct obs_container *c = &o->containers[i];
		if (strcmp(c->id, id) == 0) {
			json_decref(c->inspect);
			c->inspect = json_incref(inspect);
			return;
		}
	}
}
