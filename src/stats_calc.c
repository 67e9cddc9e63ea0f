/*
 * stats_calc.c - the numbers and text of stats_calc.h.
 *
 * The engine sends unsigned 64-bit counters; they are read as integers
 * where the CLI subtracts them as integers (memory), and as doubles where
 * it works in float64 (CPU, network, block I/O), so the results match the
 * CLI's to the last digit printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "stats_calc.h"
#include "tmpl.h"
#include "xalloc.h"

const struct tmpl_field stats_fields[] = {
	{ "BlockIO", "BLOCK I/O" },   { "CPUPerc", "CPU %" },
	{ "Container", "CONTAINER" }, { "ID", "CONTAINER ID" },
	{ "MemPerc", "MEM %" },	      { "MemUsage", "MEM USAGE / LIMIT" },
	{ "Name", "NAME" },	      { "NetIO", "NET I/O" },
	{ "PIDs", "PIDS" },
};
const size_t stats_nfields = ARRAY_SIZE(stats_fields);

const char stats_table_format[] =
	"table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t"
	"{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";

/* A counter: an integer, or a real when the decoder made one. */
static unsigned long long
u64_of(const json_t *v)
{
	if (json_is_integer(v))
		return (unsigned long long)json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) > 0)
		return (unsigned long long)json_real_value(v);
	return 0;
}

static double
num_of(const json_t *v)
{
	return (double)u64_of(v);
}

double
stats_cpu_percent(const json_t *precpu, const json_t *cpu)
{
	const json_t *usage = json_object_get(cpu, "cpu_usage");
	double cpu_delta =
		num_of(json_object_get(usage, "total_usage")) -
		num_of(json_object_get(json_object_get(precpu, "cpu_usage"),
				       "total_usage"));
	double sys_delta = num_of(json_object_get(cpu, "system_cpu_usage")) -
			   num_of(json_object_get(precpu, "system_cpu_usage"));
	double online = num_of(json_object_get(cpu, "online_cpus"));

	/* Older engines leave online_cpus out: count the per-CPU times. */
	if (online == 0.0)
		online = (double)json_array_size(
			json_object_get(usage, "percpu_usage"));
	if (sys_delta > 0.0 && cpu_delta > 0.0)
		return cpu_delta / sys_delta * online * 100.0;
	return 0.0;
}

double
stats_mem_usage(const json_t *memory_stats)
{
	unsigned long long usage =
		u64_of(json_object_get(memory_stats, "usage"));
	const json_t *st = json_object_get(memory_stats, "stats");
	const json_t *v1 = json_object_get(st, "total_inactive_file");
	unsigned long long v;

	/* cgroup v1, then v2; a cache larger than the usage is ignored */
	if (v1 && (v = u64_of(v1)) < usage)
		return (double)(usage - v);
	if ((v = u64_of(json_object_get(st, "inactive_file"))) < usage)
		return (double)(usage - v);
	return (double)usage;
}

void
stats_numbers_of(const json_t *sample, struct stats_numbers *out)
{
	const json_t *mem = json_object_get(sample, "memory_stats");
	const json_t *blkio =
		json_object_get(json_object_get(sample, "blkio_stats"),
				"io_service_bytes_recursive");
	const char *key;
	const json_t *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->cpu_percent =
		stats_cpu_percent(json_object_get(sample, "precpu_stats"),
				  json_object_get(sample, "cpu_stats"));
	out->mem = stats_mem_usage(mem);
	out->mem_limit = num_of(json_object_get(mem, "limit"));
	if (out->mem_limit != 0.0)
		out->mem_percent = out->mem / out->mem_limit * 100.0;
	json_object_foreach ((json_t *)json_object_get(sample, "networks"), key,
			     v) {
		out->net_rx += num_of(json_object_get(v, "rx_bytes"));
		out->net_tx += num_of(json_object_get(v, "tx_bytes"));
	}
	/* The CLI sums in integers, by the first letter of the op. */
	unsigned long long rd = 0, wr = 0;
	json_array_foreach (blkio, i, v) {
		const char *op = json_string_value(json_object_get(v, "op"));
		if (op && (*op == 'r' || *op == 'R'))
			rd += u64_of(json_object_get(v, "value"));
		else if (op && (*op == 'w' || *op == 'W'))
			wr += u64_of(json_object_get(v, "value"));
	}
	out->blk_read = (double)rd;
	out->blk_write = (double)wr;
	out->pids = u64_of(json_object_get(
		json_object_get(sample, "pids_stats"), "current"));
}

char *
stats_percent(double v)
{
	return xasprintf("%.2f%%", v);
}

/* "A / B" from two sizes, both freed. */
static json_t *
pair(char *a, char *b)
{
	char *s = xasprintf("%s / %s", a, b);
	json_t *j = json_string(s);

	free(s);
	free(a);
	free(b);
	return j;
}

static json_t *
take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

json_t *
stats_row(const char *container, const json_t *sample, bool invalid, bool trunc)
{
	const char *id = json_string_value(json_object_get(sample, "id"));
	const char *name = json_string_value(json_object_get(sample, "name"));
	json_t *o = json_object();
	struct stats_numbers n;

	if (id == NULL)
		id = "";
	/* the engine's name has the leading "/" */
	name = name && strlen(name) > 1 ? name + 1 : "--";
	invalid = invalid || sample == NULL;
	if (!invalid)
		stats_numbers_of(sample, &n);
	json_object_set_new(o, "BlockIO",
			    invalid ? json_string("--") :
				      pair(format_size(n.blk_read),
					   format_size(n.blk_write)));
	json_object_set_new(o, "CPUPerc",
			    invalid ? json_string("--") :
				      take(stats_percent(n.cpu_percent)));
	json_object_set_new(o, "Container", json_string(container));
	json_object_set_new(o, "ID",
			    trunc ? json_stringn(id, strnlen(id, 12)) :
				    json_string(id));
	json_object_set_new(o, "MemPerc",
			    invalid ? json_string("--") :
				      take(stats_percent(n.mem_percent)));
	json_object_set_new(o, "MemUsage",
			    invalid ? json_string("-- / --") :
				      pair(format_binary_size(n.mem),
					   format_binary_size(n.mem_limit)));
	json_object_set_new(o, "Name", json_string(name));
	json_object_set_new(o, "NetIO",
			    invalid ? json_string("--") :
				      pair(format_size(n.net_rx),
					   format_size(n.net_tx)));
	json_object_set_new(o, "PIDs",
			    invalid ? json_string("--") :
				      take(xasprintf("%llu", n.pids)));
	return o;
}
