/*
 * test_stats_calc.c - the columns of `berth stats` from recorded engine
 * stats samples (cgroup v1 as dockerd 20.10 sends them here, cgroup v2 as
 * newer hosts do), and the fields --format offers.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "stats_calc.h"
#include "test.h"

#define CHECK_FREE(expr, want)       \
	do {                         \
		char *s_ = (expr);   \
		CHECK_STR(s_, want); \
		free(s_);            \
	} while (0)

/* A streamed sample of a cgroup v1 host (trimmed), 2 CPUs. */
static const char sample_v1[] =
	"{\"read\":\"2026-11-28T03:43:35.735147793Z\","
	"\"preread\":\"2026-11-28T03:43:34.731640479Z\","
	"\"pids_stats\":{\"current\":3},"
	"\"blkio_stats\":{\"io_service_bytes_recursive\":["
	"{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":205672448},"
	"{\"major\":8,\"minor\":0,\"op\":\"Write\",\"value\":97959936},"
	"{\"major\":8,\"minor\":0,\"op\":\"Sync\",\"value\":97959936},"
	"{\"major\":8,\"minor\":0,\"op\":\"Async\",\"value\":205672448},"
	"{\"major\":8,\"minor\":0,\"op\":\"Total\",\"value\":303632384}]},"
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":2577421970,"
	"\"percpu_usage\":[851797519,1725624451]},"
	"\"system_cpu_usage\":21248080000000,\"online_cpus\":2},"
	"\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":1663409056,"
	"\"percpu_usage\":[678700358,984708698]},"
	"\"system_cpu_usage\":21246080000000,\"online_cpus\":2},"
	"\"memory_stats\":{\"usage\":10485760,\"max_usage\":14083712,"
	"\"stats\":{\"cache\":4194304,\"inactive_file\":1048576,"
	"\"total_inactive_file\":2097152,\"rss\":57344},"
	"\"limit\":25276502016},"
	"\"name\":\"/demo-web-1\","
	"\"id\":\"1096903681bb4577db56713bc28ca154e661bab7c0b5c6a3cb8e133989fd9e4e\","
	"\"networks\":{\"eth0\":{\"rx_bytes\":1234,\"tx_bytes\":567},"
	"\"eth1\":{\"rx_bytes\":800,\"tx_bytes\":0}}}";

/* cgroup v2: no total_* keys, lower-case blkio ops, no network. */
static const char sample_v2[] =
	"{\"pids_stats\":{\"current\":12,\"limit\":4096},"
	"\"blkio_stats\":{\"io_service_bytes_recursive\":["
	"{\"major\":259,\"minor\":0,\"op\":\"read\",\"value\":1536},"
	"{\"major\":259,\"minor\":0,\"op\":\"write\",\"value\":4096000}]},"
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":150000000},"
	"\"system_cpu_usage\":1004000000000,\"online_cpus\":4},"
	"\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":100000000},"
	"\"system_cpu_usage\":1000000000000,\"online_cpus\":4},"
	"\"memory_stats\":{\"usage\":52428800,"
	"\"stats\":{\"anon\":1000,\"file\":20000000,"
	"\"inactive_file\":10485760},\"limit\":1073741824},"
	"\"name\":\"/demo-db-1\",\"id\":\"abcdef0123456789abcdef\"}";

/* The first sample of a stream: precpu_stats is empty. */
static const char sample_first[] =
	"{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":2000000000},"
	"\"system_cpu_usage\":20000000000000,\"online_cpus\":2},"
	"\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0},"
	"\"throttling_data\":{}},\"memory_stats\":{},"
	"\"name\":\"/x\",\"id\":\"0123456789abcdef\"}";

/* A stopped container (the engine sends name and id only). */
static const char sample_stopped[] =
	"{\"read\":\"0001-01-01T00:00:00Z\",\"pids_stats\":{},"
	"\"blkio_stats\":{\"io_service_bytes_recursive\":null},"
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":0},"
	"\"throttling_data\":{}},\"precpu_stats\":{\"cpu_usage\":"
	"{\"total_usage\":0},\"throttling_data\":{}},\"memory_stats\":{},"
	"\"name\":\"/demo-old-1\",\"id\":\"feedfacefeedfacefeed\"}";

static json_t *
load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);

	if (j == NULL)
		fprintf(stderr, "fixture: %s\n", err.text);
	return j;
}

static const char *
field(const json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

static void
test_percent(void)
{
	CHECK_FREE(stats_percent(91.4012914), "91.40%");
	CHECK_FREE(stats_percent(0), "0.00%");
	CHECK_FREE(stats_percent(0.005001), "0.01%");
}

static void
test_cgroup_v1(void)
{
	json_t *s = load(sample_v1), *row;
	struct stats_numbers n;

	REQUIRE(s);
	stats_numbers_of(s, &n);
	/* (2577421970 - 1663409056) / 2e9 * 2 CPUs * 100 */
	CHECK(n.cpu_percent > 91.4012 && n.cpu_percent < 91.4013);
	/* usage less total_inactive_file (not inactive_file) */
	CHECK(n.mem == 8388608.0);
	CHECK_INT((long long)n.pids, 3);
	row = stats_row("1096903681bb4577db56713bc28ca154e661bab7c0b5c6a3cb8e"
			"133989fd9e4e",
			s, false, true);
	CHECK_STR(field(row, "ID"), "1096903681bb");
	CHECK_STR(field(row, "Container"),
		  "1096903681bb4577db56713bc28ca154e661bab7c0b5c6a3cb8e133989fd"
		  "9e4e");
	CHECK_STR(field(row, "Name"), "demo-web-1");
	CHECK_STR(field(row, "CPUPerc"), "91.40%");
	CHECK_STR(field(row, "MemUsage"), "8MiB / 23.54GiB");
	CHECK_STR(field(row, "MemPerc"), "0.03%");
	CHECK_STR(field(row, "NetIO"), "2.03kB / 567B");
	CHECK_STR(field(row, "BlockIO"), "206MB / 98MB");
	CHECK_STR(field(row, "PIDs"), "3");
	json_decref(row);
	row = stats_row("x", s, false, false);
	CHECK_STR(field(row, "ID"),
		  "1096903681bb4577db56713bc28ca154e661bab7c0b5"
		  "c6a3cb8e133989fd9e4e");
	json_decref(row);
	json_decref(s);
}

static void
test_cgroup_v2(void)
{
	json_t *s = load(sample_v2), *row;

	REQUIRE(s);
	row = stats_row("abcdef0123456789abcdef", s, false, true);
	/* 5e7 / 4e9 * 4 CPUs * 100 */
	CHECK_STR(field(row, "CPUPerc"), "5.00%");
	/* 50MiB less inactive_file 10MiB, of 1GiB */
	CHECK_STR(field(row, "MemUsage"), "40MiB / 1GiB");
	CHECK_STR(field(row, "MemPerc"), "3.91%");
	CHECK_STR(field(row, "NetIO"), "0B / 0B");
	CHECK_STR(field(row, "BlockIO"), "1.54kB / 4.1MB");
	CHECK_STR(field(row, "PIDs"), "12");
	CHECK_STR(field(row, "ID"), "abcdef012345");
	CHECK_STR(field(row, "Name"), "demo-db-1");
	json_decref(row);
	json_decref(s);
}

static void
test_memory(void)
{
	json_t *m;

	/* a v1 cache larger than the usage: the v2 key is tried next */
	m = load("{\"usage\":1000,\"stats\":{\"total_inactive_file\":2000,"
		 "\"inactive_file\":300}}");
	CHECK(stats_mem_usage(m) == 700.0);
	json_decref(m);
	m = load("{\"usage\":1000,\"stats\":{\"inactive_file\":5000}}");
	CHECK(stats_mem_usage(m) == 1000.0);
	json_decref(m);
	m = load("{\"usage\":1000}");
	CHECK(stats_mem_usage(m) == 1000.0);
	json_decref(m);
	CHECK(stats_mem_usage(NULL) == 0.0);
}

static void
test_cpu(void)
{
	json_t *s = load(sample_first), *row, *pre, *cur;
	double d;

	REQUIRE(s);
	/* No precpu: the whole usage over the whole system time, as the
	   CLI computes it for a stream's first sample. */
	row = stats_row("0123456789abcdef", s, false, true);
	CHECK_STR(field(row, "CPUPerc"), "0.02%");
	CHECK_STR(field(row, "MemUsage"), "0B / 0B");
	CHECK_STR(field(row, "MemPerc"), "0.00%");
	json_decref(row);
	json_decref(s);
	/* no online_cpus: the per-CPU list counts them */
	pre = load("{\"cpu_usage\":{\"total_usage\":0},"
		   "\"system_cpu_usage\":1000}");
	cur = load("{\"cpu_usage\":{\"total_usage\":100,"
		   "\"percpu_usage\":[1,2,3]},\"system_cpu_usage\":2000}");
	d = stats_cpu_percent(pre, cur);
	CHECK(d > 29.9999 && d < 30.0001);
	/* no CPU time spent, or the system clock did not move: 0 */
	CHECK(stats_cpu_percent(cur, cur) == 0.0);
	CHECK(stats_cpu_percent(cur, pre) == 0.0);
	json_decref(pre);
	json_decref(cur);
}

static void
test_stopped_and_invalid(void)
{
	json_t *s = load(sample_stopped), *row;

	REQUIRE(s);
	row = stats_row("feedfacefeedfacefeed", s, false, true);
	CHECK_STR(field(row, "CPUPerc"), "0.00%");
	CHECK_STR(field(row, "MemUsage"), "0B / 0B");
	CHECK_STR(field(row, "MemPerc"), "0.00%");
	CHECK_STR(field(row, "NetIO"), "0B / 0B");
	CHECK_STR(field(row, "BlockIO"), "0B / 0B");
	CHECK_STR(field(row, "PIDs"), "0");
	CHECK_STR(field(row, "Name"), "demo-old-1");
	json_decref(row);
	/* a stream that failed keeps the name, loses the numbers */
	row = stats_row("feedfacefeedfacefeed", s, true, true);
	CHECK_STR(field(row, "Name"), "demo-old-1");
	CHECK_STR(field(row, "ID"), "feedfacefeed");
	CHECK_STR(field(row, "CPUPerc"), "--");
	CHECK_STR(field(row, "MemUsage"), "-- / --");
	CHECK_STR(field(row, "MemPerc"), "--");
	CHECK_STR(field(row, "NetIO"), "--");
	CHECK_STR(field(row, "BlockIO"), "--");
	CHECK_STR(field(row, "PIDs"), "--");
	json_decref(row);
	json_decref(s);
	/* no sample yet */
	row = stats_row("feedfacefeedfacefeed", NULL, false, true);
	CHECK_STR(field(row, "Name"), "--");
	CHECK_STR(field(row, "ID"), "");
	CHECK_STR(field(row, "CPUPerc"), "--");
	json_decref(row);
}

/* The keys of a row are the fields --format knows, with docker's headers. */
static void
test_fields(void)
{
	json_t *a = load(sample_v2), *row;
	const char *key;
	json_t *v;
	size_t i = 0;
	char *d;

	REQUIRE(a);
	row = stats_row("c2", a, false, true);
	json_decref(a);
	CHECK_INT(json_object_size(row), stats_nfields);
	json_object_foreach (row, key, v) {
		REQUIRE(i < stats_nfields);
		CHECK_STR(key, stats_fields[i].field);
		i++;
	}
	/* --format json: the keys sorted, as Go marshals the CLI's map */
	d = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
	CHECK_STR(d, "{\"BlockIO\":\"1.54kB / 4.1MB\",\"CPUPerc\":\"5.00%\","
		     "\"Container\":\"c2\",\"ID\":\"abcdef012345\","
		     "\"MemPerc\":\"3.91%\",\"MemUsage\":\"40MiB / 1GiB\","
		     "\"Name\":\"demo-db-1\",\"NetIO\":\"0B / 0B\","
		     "\"PIDs\":\"12\"}");
	free(d);
	json_decref(row);
	for (i = 0; i < stats_nfields; i++)
		if (strcmp(stats_fields[i].field, "MemUsage") == 0)
			CHECK_STR(stats_fields[i].header, "MEM USAGE / LIMIT");
		else if (strcmp(stats_fields[i].field, "ID") == 0)
			CHECK_STR(stats_fields[i].header, "CONTAINER ID");
	CHECK_STR(stats_table_format,
		  "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t"
		  "{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}");
}

int
main(void)
{
	TEST_RUN(test_percent);
	TEST_RUN(test_cgroup_v1);
	TEST_RUN(test_cgroup_v2);
	TEST_RUN(test_memory);
	TEST_RUN(test_cpu);
	TEST_RUN(test_stopped_and_invalid);
	TEST_RUN(test_fields);
	return test_report();
}
