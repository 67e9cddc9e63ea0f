/*
 * graph.h - a dependency graph over nodes numbered 0..n-1.
 *
 * An edge a -> b means "a depends on b": b starts before a and stops after
 * it. The graph gives a topological order, the levels that may start in
 * parallel, and, when there is a cycle, the cycle itself so the message can
 * name it ("web -> api -> web").
 */
#ifndef BERTH_GRAPH_H
#define BERTH_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

struct graph {
	size_t n;
	size_t *ndeps; /* per node: how many dependencies */
	size_t **deps; /* per node: the nodes it depends on */
	size_t *capdeps;
};

void graph_init(struct graph *g, size_t n);
void graph_release(struct graph *g);
/* a depends on b; a repeated edge is kept once. */
void graph_add_edge(struct graph *g, size_t a, size_t b);

/*
 * Fill order (n entries) with dependencies first and level (n entries, may
 * be NULL) with each node's level: 0 for no dependencies, else one more
 * than its deepest dependency. Ties keep node order, so the result is
 * stable. Returns 0, or -1 on a cycle, with the cycle's nodes in *cycle
 * (first node repeated at the end; caller frees) and its length in
 * *cycle_len.
 */
int graph_order(const struct graph *g, size_t *order, size_t *level,
		size_t **cycle, size_t *cycle_len);

/*
 * Mark in sel (n bools) every node reachable from those already marked,
 * following dependencies: a service and all it needs.
 */
void graph_close_deps(const struct graph *g, bool *sel);

#endif
