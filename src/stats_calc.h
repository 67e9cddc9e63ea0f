/*
 * stats_calc.h - the numbers of `berth stats`, as the Docker CLI computes
 * them from the engine's stats JSON on Linux (stats_helpers.go) and prints
 * them (formatter_stats.go).
 *
 * Pure functions over one stats sample (GET /containers/{id}/stats): no
 * engine, so all of it is unit-tested (tests/unit/test_stats_calc.c).
 * Returned strings and JSON belong to the caller.
 */
#ifndef BERTH_STATS_CALC_H
#define BERTH_STATS_CALC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tmpl.h"

/* One sample's numbers (stats_helpers.go's StatsEntry). */
struct stats_numbers {
	double cpu_percent;
	double mem, mem_limit, mem_percent; /* memory without the page cache */
	double net_rx, net_tx;
	double blk_read, blk_write;
	unsigned long long pids;
};

/*
 * CPU % between precpu_stats and cpu_stats: container time over system
 * time, times the online CPUs; 0 when either did not grow (as the first
 * sample of a stream, whose precpu_stats is empty).
 */
double stats_cpu_percent(const json_t *precpu, const json_t *cpu);
/* memory_stats.usage less the inactive page cache (cgroup v1
   total_inactive_file, or v2 inactive_file). */
double stats_mem_usage(const json_t *memory_stats);
void stats_numbers_of(const json_t *sample, struct stats_numbers *out);

/* "12.34%" */
char *stats_percent(double v);

/*
 * One row as the Docker CLI's stats formatter has it: an object with the
 * keys Container, Name, ID, CPUPerc, MemUsage, MemPerc, NetIO, BlockIO,
 * PIDs (sorted, as `--format json` prints them), all strings. container:
 * the id berth follows. sample: the latest one, or NULL before the first
 * (ID "", Name "--"). invalid: no usable numbers (no sample yet, or the
 * stream failed): the values are "--". trunc: a 12-character ID.
 */
json_t *stats_row(const char *container, const json_t *sample, bool invalid,
		  bool trunc);

/* The fields of stats_row with their table headers, for --format. */
extern const struct tmpl_field stats_fields[];
extern const size_t stats_nfields;
/* The default --format: the columns of `docker stats` on Linux. */
extern const char stats_table_format[];

#endif
