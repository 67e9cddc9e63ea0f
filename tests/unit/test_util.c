/*
 * test_util.c - buf, strv and the dependency graph.
 */
#include <stdlib.h>

#include "buf.h"
#include "graph.h"
#include "log.h"
#include "strv.h"
#include "test.h"

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	CHECK_STR(b.ptr, "");
	buf_addf(&b, "%s-%d", "web", 1);
	CHECK_STR(b.ptr, "web-1");
	for (int i = 0; i < 1000; i++)
		buf_addch(&b, 'x');
	CHECK_INT(b.len, 1005);
	buf_consume(&b, 1000);
	CHECK_STR(b.ptr, "xxxxx");
	size_t len;
	char *s = buf_detach(&b, &len);
	CHECK_INT(len, 5);
	CHECK_STR(b.ptr, "");
	free(s);
	buf_release(&b);
}

static void
test_strv(void)
{
	struct strv v = STRV_INIT;
	strv_split(&v, "a.yaml::b.yaml:", ':');
	CHECK_INT(v.n, 2);
	CHECK_STR(v.v[1], "b.yaml");
	CHECK(v.v[2] == NULL);
	CHECK(strv_contains(&v, "a.yaml"));
	strv_pushf(&v, "%d", 0);
	strv_sort(&v);
	CHECK_STR(v.v[0], "0");
	strv_clear(&v);
	CHECK_INT(v.n, 0);
}

static void
test_log_capture(void)
{
	struct buf b = BUF_INIT;
	log_capture(&b);
	CHECK_INT(error("no such service \"%s\"", "web"), -1);
	hint("check the name");
	log_capture(NULL);
	CHECK_STR(b.ptr,
		  "berth: no such service \"web\"\nhint: check the name\n");
	buf_release(&b);
}

static void
test_graph_order_and_levels(void)
{
	/* 0 db, 1 api -> db, 2 web -> api, 3 cache, 4 worker -> db, cache */
	struct graph g;
	graph_init(&g, 5);
	graph_add_edge(&g, 1, 0);
	graph_add_edge(&g, 2, 1);
	graph_add_edge(&g, 4, 0);
	graph_add_edge(&g, 4, 3);
	graph_add_edge(&g, 4, 3); /* kept once */
	size_t order[5], level[5];
	REQUIRE(graph_order(&g, order, level, NULL, NULL) == 0);
	size_t want[5] = { 0, 3, 1, 4, 2 };
	for (int i = 0; i < 5; i++)
		CHECK_INT(order[i], want[i]);
	CHECK_INT(level[2], 2);
	CHECK_INT(level[4], 1);
	CHECK_INT(g.ndeps[4], 2);

	bool sel[5] = { false, false, true, false, false };
	graph_close_deps(&g, sel);
	CHECK(sel[0] && sel[1] && sel[2] && !sel[3] && !sel[4]);
	graph_release(&g);
}

static void
test_graph_cycle(void)
{
	/* 0 web -> 1 api -> 2 auth -> 1 api */
	struct graph g;
	graph_init(&g, 3);
	graph_add_edge(&g, 0, 1);
	graph_add_edge(&g, 1, 2);
	graph_add_edge(&g, 2, 1);
	size_t order[3], *cycle = NULL, len = 0;
	CHECK(graph_order(&g, order, NULL, &cycle, &len) == -1);
	REQUIRE(cycle != NULL);
	CHECK_INT(len, 3);
	CHECK_INT(cycle[0], 1);
	CHECK_INT(cycle[1], 2);
	CHECK_INT(cycle[2], 1);
	free(cycle);
	graph_release(&g);
}

int
main(void)
{
	TEST_RUN(test_buf);
	TEST_RUN(test_strv);
	TEST_RUN(test_log_capture);
	TEST_RUN(test_graph_order_and_levels);
	TEST_RUN(test_graph_cycle);
	return test_report();
}
