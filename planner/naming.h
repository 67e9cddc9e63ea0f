/*
 * naming.h - engine names of a project's objects (COMPOSE-REFERENCE §3.3):
 * containers <project>-<service>-<N> (or container_name; "_" with
 * --compatibility), networks and volumes <project>_<key> unless the
 * top-level entry gives a `name`.
 */
#ifndef BERTH_NAMING_H
#define BERTH_NAMING_H

#include <stdbool.h>

#include <jansson.h>

struct project;
struct service;

/* "_" instead of "-" in container names, as docker-compose v1. */
void naming_set_compat(bool on);
bool naming_compat(void);

/* Caller frees. */
char *
naming_container(const struct project *p, const struct service *s, int number);
/* The image a service runs: image:, else <project>-<service>. Caller
 * frees. */
char *naming_image(const struct project *p, const struct service *s);
/* Is this name a recreate's temporary one, <12 hex>_<final>? */
bool naming_is_temporary(const char *name, const char *final_name);
/* The engine name of top-level network or volume key. Caller frees. */
char *naming_network(const struct project *p, const char *key);
char *naming_volume(const struct project *p, const char *key);

/*
 * The networks a service joins, as top-level keys in the order compose
 * connects them (priority high to low, then name); the first is the one
 * the container is created on. Empty when network_mode is set. A service
 * without networks joins "default". Returns the count; *keys is an array
 * of borrowed strings the caller frees.
 */
size_t naming_service_networks(const struct service *s, const char ***keys);

/* Is top-level network/volume key external? */
bool naming_network_external(const struct project *p, const char *key);
bool naming_volume_external(const struct project *p, const char *key);

#endif
