/*
 * validate.c - the compose schema as C tables, and reference checks
 * (validate.h).
 *
 * A schema is a list of {key, allowed types, check, sub-schema}; a
 * sub-schema describes a mapping value (or the mappings in a list). Keys
 * not listed are errors unless they start with "x-"; a schema with
 * `open` set (driver options, labels...) accepts any key.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "jsonx.h"
#include "log.h"
#include "pos.h"
#include "validate.h"
#include "xalloc.h"

enum {
	T_STR = 1,
	T_INT = 2,
	T_REAL = 4,
	T_BOOL = 8,
	T_NULL = 16,
	T_LIST = 32,
	T_MAP = 64,
};
#define T_NUM	 (T_INT | T_REAL)
#define T_SCALAR (T_STR | T_NUM | T_BOOL)
#define T_ANY	 (T_SCALAR | T_NULL | T_LIST | T_MAP)

enum check {
	C_NONE,
	C_DURATION, /* Go duration text */
	C_BYTES,    /* byte size: int or "512m" */
	C_PORTS,    /* list of port specs */
	C_VOLUMES,  /* list of volume specs */
	C_DICT,	    /* list of "K=V" strings or mapping of scalars/null */
	C_STRINGS,  /* list of strings */
	C_NAMES,    /* list of strings, or mapping of name -> sub */
};

struct schema;

struct field {
	const char *key;
	unsigned types;
	enum check check;
	const struct schema *sub; /* a mapping value, or list items */
	unsigned item_types;	  /* list items (0: any) */
};

struct schema {
	const struct field *fields; /* ends with a NULL key */
	bool open;		    /* any key is allowed */
	const struct schema *each;  /* every value follows this (maps of
				       user-named things) */
	unsigned each_types;
};

#define END                              \
	{                                \
		NULL, 0, C_NONE, NULL, 0 \
	}
#define OPEN(types)                     \
	{                               \
		NULL, true, NULL, types \
	}

static const struct schema s_open = OPEN(T_ANY);
static const struct schema s_strmap = OPEN(T_SCALAR | T_NULL);

static const struct field f_bind[] = {
	{ "propagation", T_STR, C_NONE, NULL, 0 },
	{ "create_host_path", T_BOOL, C_NONE, NULL, 0 },
	{ "selinux", T_STR, C_NONE, NULL, 0 },
	{ "recursive", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_bind = { f_bind, false, NULL, 0 };
static const struct field f_volopt[] = {
	{ "nocopy", T_BOOL, C_NONE, NULL, 0 },
	{ "subpath", T_STR, C_NONE, NULL, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	END,
};
static const struct schema s_volopt = { f_volopt, false, NULL, 0 };
static const struct field f_tmpfs[] = {
	{ "size", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "mode", T_INT | T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_tmpfs = { f_tmpfs, false, NULL, 0 };
static const struct field f_svcvol[] = {
	{ "type", T_STR, C_NONE, NULL, 0 },
	{ "source", T_STR, C_NONE, NULL, 0 },
	{ "target", T_STR, C_NONE, NULL, 0 },
	{ "read_only", T_BOOL, C_NONE, NULL, 0 },
	{ "consistency", T_STR, C_NONE, NULL, 0 },
	{ "bind", T_MAP, C_NONE, &s_bind, 0 },
	{ "volume", T_MAP, C_NONE, &s_volopt, 0 },
	{ "tmpfs", T_MAP, C_NONE, &s_tmpfs, 0 },
	{ "image", T_MAP, C_NONE, &s_open, 0 },
	END,
};
static const struct schema s_svcvol = { f_svcvol, false, NULL, 0 };
static const struct field f_port[] = {
	{ "name", T_STR, C_NONE, NULL, 0 },
	{ "mode", T_STR, C_NONE, NULL, 0 },
	{ "host_ip", T_STR, C_NONE, NULL, 0 },
	{ "target", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "published", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "protocol", T_STR, C_NONE, NULL, 0 },
	{ "app_protocol", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_port = { f_port, false, NULL, 0 };
static const struct field f_health[] = {
	{ "test", T_STR | T_LIST, C_STRINGS, NULL, 0 },
	{ "interval", T_STR, C_DURATION, NULL, 0 },
	{ "timeout", T_STR, C_DURATION, NULL, 0 },
	{ "start_period", T_STR, C_DURATION, NULL, 0 },
	{ "start_interval", T_STR, C_DURATION, NULL, 0 },
	{ "retries", T_INT, C_NONE, NULL, 0 },
	{ "disable", T_BOOL, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_health = { f_health, false, NULL, 0 };
static const struct field f_dep[] = {
	{ "condition", T_STR, C_NONE, NULL, 0 },
	{ "restart", T_BOOL, C_NONE, NULL, 0 },
	{ "required", T_BOOL, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_dep = { f_dep, false, NULL, 0 };
static const struct field f_svcnet[] = {
	{ "aliases", T_LIST, C_STRINGS, NULL, 0 },
	{ "ipv4_address", T_STR, C_NONE, NULL, 0 },
	{ "ipv6_address", T_STR, C_NONE, NULL, 0 },
	{ "link_local_ips", T_LIST, C_STRINGS, NULL, 0 },
	{ "mac_address", T_STR, C_NONE, NULL, 0 },
	{ "driver_opts", T_MAP, C_NONE, &s_strmap, 0 },
	{ "priority", T_INT, C_NONE, NULL, 0 },
	{ "gw_priority", T_INT, C_NONE, NULL, 0 },
	{ "interface_name", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_svcnet = { f_svcnet, false, NULL, 0 };
static const struct field f_logging[] = {
	{ "driver", T_STR, C_NONE, NULL, 0 },
	{ "options", T_MAP | T_NULL, C_NONE, &s_strmap, 0 },
	END,
};
static const struct schema s_logging = { f_logging, false, NULL, 0 };
static const struct field f_mount[] = {
	{ "source", T_STR, C_NONE, NULL, 0 },
	{ "target", T_STR, C_NONE, NULL, 0 },
	{ "uid", T_STR, C_NONE, NULL, 0 },
	{ "gid", T_STR, C_NONE, NULL, 0 },
	{ "mode", T_INT | T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_mount = { f_mount, false, NULL, 0 };
static const struct field f_envfile[] = {
	{ "path", T_STR, C_NONE, NULL, 0 },
	{ "required", T_BOOL, C_NONE, NULL, 0 },
	{ "format", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_envfile = { f_envfile, false, NULL, 0 };
static const struct field f_ulimit[] = {
	{ "soft", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "hard", T_INT | T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_ulimit = { f_ulimit, false, NULL, 0 };
static const struct schema s_ulimits = { NULL, false, &s_ulimit,
					 T_INT | T_STR | T_MAP };
static const struct field f_extends[] = {
	{ "service", T_STR, C_NONE, NULL, 0 },
	{ "file", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_extends = { f_extends, false, NULL, 0 };
static const struct field f_restart_policy[] = {
	{ "condition", T_STR, C_NONE, NULL, 0 },
	{ "delay", T_STR, C_DURATION, NULL, 0 },
	{ "max_attempts", T_INT, C_NONE, NULL, 0 },
	{ "window", T_STR, C_DURATION, NULL, 0 },
	END,
};
static const struct schema s_restart_policy = { f_restart_policy, false, NULL,
						0 };
static const struct field f_update[] = {
	{ "parallelism", T_INT, C_NONE, NULL, 0 },
	{ "delay", T_STR, C_DURATION, NULL, 0 },
	{ "failure_action", T_STR, C_NONE, NULL, 0 },
	{ "monitor", T_STR, C_DURATION, NULL, 0 },
	{ "max_failure_ratio", T_NUM, C_NONE, NULL, 0 },
	{ "order", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_update = { f_update, false, NULL, 0 };
static const struct field f_resource[] = {
	{ "cpus", T_NUM | T_STR, C_NONE, NULL, 0 },
	{ "memory", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "pids", T_INT, C_NONE, NULL, 0 },
	{ "devices", T_LIST, C_NONE, NULL, T_MAP },
	{ "generic_resources", T_LIST, C_NONE, NULL, T_MAP },
	END,
};
static const struct schema s_resource = { f_resource, false, NULL, 0 };
static const struct field f_resources[] = {
	{ "limits", T_MAP, C_NONE, &s_resource, 0 },
	{ "reservations", T_MAP, C_NONE, &s_resource, 0 },
	END,
};
static const struct schema s_resources = { f_resources, false, NULL, 0 };
static const struct field f_deploy[] = {
	{ "mode", T_STR, C_NONE, NULL, 0 },
	{ "replicas", T_INT, C_NONE, NULL, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "update_config", T_MAP, C_NONE, &s_update, 0 },
	{ "rollback_config", T_MAP, C_NONE, &s_update, 0 },
	{ "resources", T_MAP, C_NONE, &s_resources, 0 },
	{ "restart_policy", T_MAP, C_NONE, &s_restart_policy, 0 },
	{ "placement", T_MAP, C_NONE, &s_open, 0 },
	{ "endpoint_mode", T_STR, C_NONE, NULL, 0 },
	END,
};
static const struct schema s_deploy = { f_deploy, false, NULL, 0 };
static const struct field f_build[] = {
	{ "context", T_STR, C_NONE, NULL, 0 },
	{ "dockerfile", T_STR, C_NONE, NULL, 0 },
	{ "dockerfile_inline", T_STR, C_NONE, NULL, 0 },
	{ "entitlements", T_LIST, C_STRINGS, NULL, 0 },
	{ "args", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "ssh", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "cache_from", T_LIST, C_STRINGS, NULL, 0 },
	{ "cache_to", T_LIST, C_STRINGS, NULL, 0 },
	{ "no_cache", T_BOOL, C_NONE, NULL, 0 },
	{ "additional_contexts", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "network", T_STR, C_NONE, NULL, 0 },
	{ "provenance", T_STR | T_BOOL, C_NONE, NULL, 0 },
	{ "sbom", T_STR | T_BOOL, C_NONE, NULL, 0 },
	{ "pull", T_BOOL, C_NONE, NULL, 0 },
	{ "target", T_STR, C_NONE, NULL, 0 },
	{ "shm_size", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "extra_hosts", T_LIST | T_MAP, C_NONE, NULL, 0 },
	{ "isolation", T_STR, C_NONE, NULL, 0 },
	{ "privileged", T_BOOL, C_NONE, NULL, 0 },
	{ "secrets", T_LIST, C_NONE, &s_mount, T_STR | T_MAP },
	{ "tags", T_LIST, C_STRINGS, NULL, 0 },
	{ "ulimits", T_MAP, C_NONE, &s_ulimits, 0 },
	{ "platforms", T_LIST, C_STRINGS, NULL, 0 },
	END,
};
static const struct schema s_build = { f_build, false, NULL, 0 };

#define STR_(k)                           \
	{                                 \
		k, T_STR, C_NONE, NULL, 0 \
	}
#define INT_(k)                           \
	{                                 \
		k, T_INT, C_NONE, NULL, 0 \
	}
#define BOOL_(k)                           \
	{                                  \
		k, T_BOOL, C_NONE, NULL, 0 \
	}
#define STRS_(k)                              \
	{                                     \
		k, T_LIST, C_STRINGS, NULL, 0 \
	}
#define STR_OR_LIST_(k)                               \
	{                                             \
		k, T_STR | T_LIST, C_STRINGS, NULL, 0 \
	}

static const struct field f_service[] = {
	{ "annotations", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "attach", T_BOOL, C_NONE, NULL, 0 },
	{ "blkio_config", T_MAP, C_NONE, &s_open, 0 },
	{ "build", T_STR | T_MAP, C_NONE, &s_build, 0 },
	STRS_("cap_add"),
	STRS_("cap_drop"),
	STR_("cgroup"),
	STR_("cgroup_parent"),
	{ "command", T_STR | T_LIST | T_NULL, C_STRINGS, NULL, 0 },
	{ "configs", T_LIST, C_NONE, &s_mount, T_STR | T_MAP },
	STR_("container_name"),
	INT_("cpu_count"),
	{ "cpu_percent", T_NUM, C_NONE, NULL, 0 },
	{ "cpu_period", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "cpu_quota", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "cpu_rt_period", T_INT | T_STR, C_NONE, NULL, 0 },
	{ "cpu_rt_runtime", T_INT | T_STR, C_NONE, NULL, 0 },
	INT_("cpu_shares"),
	{ "cpus", T_NUM | T_STR, C_NONE, NULL, 0 },
	{ "cpuset", T_STR, C_NONE, NULL, 0 },
	{ "credential_spec", T_MAP, C_NONE, &s_open, 0 },
	{ "depends_on", T_LIST | T_MAP, C_NAMES, &s_dep, 0 },
	{ "deploy", T_MAP | T_NULL, C_NONE, &s_deploy, 0 },
	{ "develop", T_MAP, C_NONE, &s_open, 0 },
	STRS_("device_cgroup_rules"),
	{ "devices", T_LIST, C_NONE, &s_open, T_STR | T_MAP },
	STR_OR_LIST_("dns"),
	STRS_("dns_opt"),
	STR_OR_LIST_("dns_search"),
	STR_("domainname"),
	{ "entrypoint", T_STR | T_LIST | T_NULL, C_STRINGS, NULL, 0 },
	{ "env_file", T_STR | T_LIST, C_NONE, &s_envfile, T_STR | T_MAP },
	{ "environment", T_LIST | T_MAP, C_DICT, NULL, 0 },
	{ "expose", T_LIST, C_NONE, NULL, T_STR | T_INT },
	{ "extends", T_STR | T_MAP, C_NONE, &s_extends, 0 },
	STRS_("external_links"),
	{ "extra_hosts", T_LIST | T_MAP, C_NONE, NULL, 0 },
	{ "gpus", T_STR | T_LIST, C_NONE, NULL, 0 },
	{ "group_add", T_LIST, C_NONE, NULL, T_STR | T_INT },
	{ "healthcheck", T_MAP, C_NONE, &s_health, 0 },
	STR_("hostname"),
	STR_("image"),
	BOOL_("init"),
	STR_("ipc"),
	STR_("isolation"),
	{ "label_file", T_STR | T_LIST, C_STRINGS, NULL, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	STRS_("links"),
	{ "logging", T_MAP, C_NONE, &s_logging, 0 },
	STR_("mac_address"),
	{ "mem_limit", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "mem_reservation", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "mem_swappiness", T_INT, C_NONE, NULL, 0 },
	{ "memswap_limit", T_INT | T_STR, C_BYTES, NULL, 0 },
	{ "models", T_LIST | T_MAP, C_NONE, NULL, 0 },
	STR_("network_mode"),
	{ "networks", T_LIST | T_MAP, C_NAMES, &s_svcnet, 0 },
	BOOL_("oom_kill_disable"),
	INT_("oom_score_adj"),
	STR_("pid"),
	INT_("pids_limit"),
	STR_("platform"),
	{ "ports", T_LIST, C_PORTS, &s_port, 0 },
	{ "post_start", T_LIST, C_NONE, NULL, T_MAP },
	{ "pre_start", T_LIST, C_NONE, NULL, T_MAP },
	{ "pre_stop", T_LIST, C_NONE, NULL, T_MAP },
	BOOL_("privileged"),
	STRS_("profiles"),
	{ "provider", T_MAP, C_NONE, &s_open, 0 },
	STR_("pull_policy"),
	STR_("pull_refresh_after"),
	BOOL_("read_only"),
	STR_("restart"),
	STR_("runtime"),
	INT_("scale"),
	{ "secrets", T_LIST, C_NONE, &s_mount, T_STR | T_MAP },
	STRS_("security_opt"),
	{ "shm_size", T_INT | T_STR, C_BYTES, NULL, 0 },
	BOOL_("stdin_open"),
	{ "stop_grace_period", T_STR, C_DURATION, NULL, 0 },
	STR_("stop_signal"),
	{ "storage_opt", T_MAP, C_NONE, &s_open, 0 },
	{ "sysctls", T_LIST | T_MAP, C_DICT, NULL, 0 },
	STR_OR_LIST_("tmpfs"),
	BOOL_("tty"),
	{ "ulimits", T_MAP, C_NONE, &s_ulimits, 0 },
	BOOL_("use_api_socket"),
	STR_("user"),
	STR_("userns_mode"),
	STR_("uts"),
	{ "volumes", T_LIST, C_VOLUMES, &s_svcvol, 0 },
	STRS_("volumes_from"),
	STR_("working_dir"),
	END,
};
static const struct schema s_service = { f_service, false, NULL, 0 };
static const struct schema s_services = { NULL, false, &s_service, T_MAP };

static const struct field f_network[] = {
	STR_("name"),
	STR_("driver"),
	{ "driver_opts", T_MAP, C_NONE, &s_strmap, 0 },
	{ "ipam", T_MAP, C_NONE, &s_open, 0 },
	{ "external", T_BOOL | T_MAP, C_NONE, &s_open, 0 },
	BOOL_("internal"),
	BOOL_("attachable"),
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	BOOL_("enable_ipv4"),
	BOOL_("enable_ipv6"),
	END,
};
static const struct schema s_network = { f_network, false, NULL, 0 };
static const struct schema s_networks = { NULL, false, &s_network,
					  T_MAP | T_NULL };
static const struct field f_volume[] = {
	STR_("name"),
	STR_("driver"),
	{ "driver_opts", T_MAP, C_NONE, &s_strmap, 0 },
	{ "external", T_BOOL | T_MAP, C_NONE, &s_open, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	END,
};
static const struct schema s_volume = { f_volume, false, NULL, 0 };
static const struct schema s_volumes = { NULL, false, &s_volume,
					 T_MAP | T_NULL };
static const struct field f_fileobj[] = {
	STR_("name"),
	STR_("file"),
	STR_("environment"),
	STR_("content"),
	{ "external", T_BOOL | T_MAP, C_NONE, &s_open, 0 },
	{ "labels", T_LIST | T_MAP, C_DICT, NULL, 0 },
	STR_("driver"),
	{ "driver_opts", T_MAP, C_NONE, &s_strmap, 0 },
	STR_("template_driver"),
	END,
};
static const struct schema s_fileobj = { f_fileobj, false, NULL, 0 };
static const struct schema s_fileobjs = { NULL, false, &s_fileobj, T_MAP };

static const struct field f_top[] = {
	STR_("version"),
	STR_("name"),
	{ "include", T_LIST, C_NONE, &s_open, T_STR | T_MAP },
	{ "services", T_MAP | T_NULL, C_NONE, &s_services, 0 },
	{ "networks", T_MAP | T_NULL, C_NONE, &s_networks, 0 },
	{ "volumes", T_MAP | T_NULL, C_NONE, &s_volumes, 0 },
	{ "secrets", T_MAP | T_NULL, C_NONE, &s_fileobjs, 0 },
	{ "configs", T_MAP | T_NULL, C_NONE, &s_fileobjs, 0 },
	{ "models", T_MAP | T_NULL, C_NONE, &s_open, 0 },
	END,
};
static const struct schema s_top = { f_top, false, NULL, 0 };

/* ---- walking ---- */

struct vctx {
	struct jx_path path; /* where the walk is */
	bool templates;	     /* "$" strings are values to come */
};

/* Is v a string that interpolation would still change (templates)? */
static bool
is_template(const struct vctx *p, const json_t *v)
{
	return p->templates && json_is_string(v) &&
	       strchr(json_string_value(v), '$') != NULL;
}

static unsigned
type_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return T_STR;
	case JSON_INTEGER:
		return T_INT;
	case JSON_REAL:
		return T_REAL;
	case JSON_TRUE:
	case JSON_FALSE:
		return T_BOOL;
	case JSON_ARRAY:
		return T_LIST;
	case JSON_OBJECT:
		return T_MAP;
	default:
		return T_NULL;
	}
}

static const char *
type_name(unsigned t)
{
	switch (t) {
	case T_STR:
		return "a string";
	case T_INT:
		return "an integer";
	case T_REAL:
		return "a number";
	case T_BOOL:
		return "a boolean";
	case T_LIST:
		return "a list";
	case T_MAP:
		return "a mapping";
	default:
		return "null";
	}
}

/* Singletons (null, booleans) have no position: fall back to where. */
static const json_t *
at(const json_t *v, const json_t *where)
{
	return pos_get(v) ? v : where;
}

static int
type_error(const json_t *v, const json_t *where, const char *path,
	   unsigned want)
{
	char list[128] = "";
	static const unsigned order[] = { T_STR,  T_INT, T_REAL, T_BOOL,
					  T_LIST, T_MAP, T_NULL };
	int n = 0;

	if ((want & T_NUM) == T_NUM)
		want &= ~(unsigned)T_INT;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (!(want & order[i]))
			continue;
		if (n++)
			strncat(list, " or ", sizeof(list) - strlen(list) - 1);
		strncat(list, type_name(order[i]),
			sizeof(list) - strlen(list) - 1);
	}
	return diag_error(at(v, where), path, "must be %s, not %s", list,
			  type_name(type_of(v)));
}

/* Edit distance, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) :
					     (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static int check_value(const json_t *v, const json_t *where,
		       const struct field *f, struct vctx *p);
static int
check_object(const json_t *obj, const struct schema *s, struct vctx *p);

static int
unknown_key(const json_t *obj, const char *key, const json_t *v,
	    const struct schema *s, struct vctx *p)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (const struct field *f = s->fields; f && f->key; f++) {
		size_t d = distance(key, f->key);
		if (d < bestd) {
			bestd = d;
			best = f->key;
		}
	}
	if (best)
		return diag_error_key(
			v, obj, p->path.buf,
			"unknown key \"%s\" (did you mean \"%s\"?)", key, best);
	return diag_error_key(v, obj, p->path.buf, "unknown key \"%s\"", key);
}

static int
check_object(const json_t *obj, const struct schema *s, struct vctx *p)
{
	const char *k;
	json_t *v;
	int ret = 0;

	json_object_foreach ((json_t *)obj, k, v) {
		const struct field *f = NULL;
		struct field each;
		size_t saved;

		if (strncmp(k, "x-", 2) == 0 && !s->each)
			continue;
		if (s->each) {
			each = (struct field){ k, s->each_types, C_NONE,
					       s->each, 0 };
			f = &each;
		} else if (s->open) {
			each = (struct field){ k, s->each_types, C_NONE, NULL,
					       0 };
			f = &each;
		} else {
			for (const struct field *g = s->fields; g && g->key;
			     g++)
				if (g->key[0] == k[0] &&
				    strcmp(g->key, k) == 0) {
					f = g;
					break;
				}
		}
		if (f == NULL) {
			ret = unknown_key(obj, k, v, s, p);
			continue;
		}
		saved = jx_path_key(&p->path, k);
		if (check_value(v, obj, f, p) < 0)
			ret = -1;
		jx_path_pop(&p->path, saved);
	}
	return ret;
}

static int
check_port(const json_t *e, const json_t *where, struct vctx *p)
{
	char *t = jx_scalar_text(e), *err = NULL;
	int ret = 0;

	if (canon_ports_parse(t, NULL, NULL, &err) < 0) {
		ret = diag_error(at(e, where), p->path.buf,
				 "invalid port \"%s\": %s", t, err);
		free(err);
	}
	free(t);
	return ret;
}

static int
check_volume(const json_t *e, const json_t *where, struct vctx *p)
{
	json_t *v = NULL;
	char *err = NULL;
	int ret = 0;

	if (canon_volume_parse(json_string_value(e), &v, &err) < 0) {
		ret = diag_error(e, p->path.buf, "invalid volume \"%s\": %s",
				 json_string_value(e), err);
		free(err);
	}
	json_decref(v);
	return ret;
}

static int
check_items(const json_t *v, const struct field *f, struct vctx *p)
{
	size_t i;
	json_t *e;
	int ret = 0;

	json_array_foreach (v, i, e) {
		size_t saved = jx_path_index(&p->path, i);
		unsigned t = type_of(e), want = f->item_types;

		switch (f->check) {
		case C_PORTS:
			want = T_STR | T_INT | T_MAP;
			break;
		case C_VOLUMES:
			want = T_STR | T_MAP;
			break;
		case C_DICT:
			want = T_STR | T_NUM | T_BOOL;
			break;
		case C_STRINGS:
		case C_NAMES:
			want = T_STR;
			break;
		default:
			break;
		}
		if (want && !(t & want)) {
			ret = type_error(e, v, p->path.buf, want);
		} else if (is_template(p, e)) {
			/* "${PORT:-80}:80" has its syntax once interpolated */
		} else if (f->check == C_PORTS && t != T_MAP) {
			if (check_port(e, v, p) < 0)
				ret = -1;
		} else if (f->check == C_VOLUMES && t == T_STR) {
			if (check_volume(e, v, p) < 0)
				ret = -1;
		} else if (t == T_MAP && f->sub) {
			if (check_object(e, f->sub, p) < 0)
				ret = -1;
		}
		jx_path_pop(&p->path, saved);
	}
	return ret;
}

static int
check_value(const json_t *v, const json_t *where, const struct field *f,
	    struct vctx *p)
{
	unsigned t = type_of(v);

	/* A template where a number or boolean goes: the schema allows
	   strings there, for what interpolation will make of them. */
	if (is_template(p, v) && (f->types & (T_NUM | T_BOOL)))
		return 0;
	if (!(t & f->types))
		return type_error(v, where, p->path.buf, f->types);
	if (is_template(p, v))
		return 0; /* no syntax to check yet */
	if (t == T_LIST)
		return check_items(v, f, p);
	if (t == T_MAP) {
		if (f->check == C_DICT) {
			struct field sc = { NULL, T_SCALAR | T_NULL, C_NONE,
					    NULL, 0 };
			const char *k;
			json_t *e;
			int ret = 0;
			json_object_foreach ((json_t *)v, k, e) {
				size_t saved = jx_path_key(&p->path, k);
				if (check_value(e, v, &sc, p) < 0)
					ret = -1;
				jx_path_pop(&p->path, saved);
			}
			return ret;
		}
		if (f->check == C_NAMES) {
			struct schema each = { NULL, false, f->sub,
					       T_MAP | T_NULL };
			return check_object(v, &each, p);
		}
		return f->sub ? check_object(v, f->sub, p) : 0;
	}
	if (f->check == C_DURATION && t == T_STR) {
		long long ns;
		if (canon_duration_parse(json_string_value(v), &ns) < 0)
			return diag_error(v, p->path.buf,
					  "invalid duration \"%s\"",
					  json_string_value(v));
	}
	if (f->check == C_BYTES && t == T_STR) {
		long long n;
		if (canon_bytes_parse(json_string_value(v), &n) < 0)
			return diag_error(v, p->path.buf, "invalid size \"%s\"",
					  json_string_value(v));
	}
	return 0;
}

static int
validate_walk(const json_t *model, bool templates)
{
	struct vctx p = { .templates = templates };

	jx_path_init(&p.path);
	if (!json_is_object(model))
		return diag_error(model, NULL,
				  "a compose file must be a mapping");
	return check_object(model, &s_top, &p);
}

int
validate_raw(const json_t *model)
{
	return validate_walk(model, false);
}

int
validate_raw_template(const json_t *model)
{
	return validate_walk(model, true);
}

/* ---- references ---- */

/* Is name defined under model.kind? If not, report it at node, whose
   key path is "services.SERVICE.KEY" or "services.SERVICE.KEY[i]" (the
   path is only made when there is something to report). */
static int
check_ref(const json_t *model, const char *kind, const char *what,
	  const char *name, const json_t *node, const char *service,
	  const char *key, long i)
{
	char *path;

	if (json_object_get(json_object_get(model, kind), name))
		return 0;
	path = i < 0 ? xasprintf("services.%s.%s", service, key) :
		       xasprintf("services.%s.%s[%ld]", service, key, i);
	diag_error(node, path, "undefined %s \"%s\"", what, name);
	free(path);
	return -1;
}

static int
service_refs(const json_t *model, const char *name, const json_t *s)
{
	static const char *const mounts[] = { "secrets", "configs" };
	const char *k;
	json_t *v, *nets = json_object_get(s, "networks");
	size_t i;
	int ret = 0;
	char *path;

	json_object_foreach (nets, k, v) {
		if (check_ref(model, "networks", "network", k, at(v, nets),
			      name, "networks", -1) < 0)
			ret = -1;
	}
	json_array_foreach (json_object_get(s, "volumes"), i, v) {
		const char *src = jx_str(v, "source"),
			   *type = jx_str(v, "type");
		if (!src || !type || strcmp(type, "volume") != 0)
			continue;
		if (check_ref(model, "volumes", "volume", src, v, name,
			      "volumes", (long)i) < 0)
			ret = -1;
	}
	for (size_t m = 0; m < 2; m++) {
		json_array_foreach (json_object_get(s, mounts[m]), i, v) {
			const char *src = jx_str(v, "source");
			if (!src)
				continue;
			if (check_ref(model, mounts[m], m ? "config" : "secret",
				      src, v, name, mounts[m], (long)i) < 0)
				ret = -1;
		}
	}
	json_t *scale = json_object_get(s, "scale");
	json_t *replicas =
		json_object_get(json_object_get(s, "deploy"), "replicas");
	if (json_is_integer(scale) && json_is_integer(replicas) &&
	    json_integer_value(scale) != json_integer_value(replicas)) {
		path = xasprintf("services.%s", name);
		ret = diag_error(scale, path,
				 "can't set distinct values on 'scale' (%lld) "
				 "and 'deploy.replicas' (%lld)",
				 (long long)json_integer_value(scale),
				 (long long)json_integer_value(replicas));
		free(path);
	}
	json_t *cn = json_object_get(s, "container_name");
	if (!json_is_integer(scale))
		scale = json_object_get(json_object_get(s, "deploy"),
					"replicas");
	if (json_is_string(cn) && json_is_integer(scale) &&
	    json_integer_value(scale) > 1) {
		path = xasprintf("services.%s.container_name", name);
		ret = diag_error(cn, path,
				 "container name \"%s\" must be unique: it "
				 "cannot be used with %lld replicas",
				 json_string_value(cn),
				 (long long)json_integer_value(scale));
		free(path);
	}
	return ret;
}

int
validate_refs(const json_t *model)
{
	const char *name;
	json_t *s;
	int ret = 0;

	json_object_foreach (json_object_get(model, "services"), name, s) {
		if (service_refs(model, name, s) < 0)
			ret = -1;
	}
	return ret;
}
