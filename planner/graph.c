/*
 * graph.c - topological order, levels and cycle reports (graph.h).
 */
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "xalloc.h"

void
graph_init(struct graph *g, size_t n)
{
	g->n = n;
	g->ndeps = xcalloc(n ? n : 1, sizeof(*g->ndeps));
	g->capdeps = xcalloc(n ? n : 1, sizeof(*g->capdeps));
	g->deps = xcalloc(n ? n : 1, sizeof(*g->deps));
}

void
graph_release(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->deps[i]);
	free(g->deps);
	free(g->ndeps);
	free(g->capdeps);
	memset(g, 0, sizeof(*g));
}

void
graph_add_edge(struct graph *g, size_t a, size_t b)
{
	for (size_t i = 0; i < g->ndeps[a]; i++)
		if (g->deps[a][i] == b)
			return;
	ALLOC_GROW(g->deps[a], g->ndeps[a] + 1, g->capdeps[a]);
	g->deps[a][g->ndeps[a]++] = b;
}

enum { WHITE, GREY, BLACK };

struct walk {
	const struct graph *g;
	int *color;
	size_t *stack; /* the current DFS path, to report a cycle */
	size_t depth;
	size_t *order;
	size_t norder;
	size_t *level;
	size_t *cycle;
	size_t cycle_len;
};

static int
visit(struct walk *w, size_t v)
{
	size_t lvl = 0;

	w->color[v] = GREY;
	w->stack[w->depth++] = v;
	for (size_t i = 0; i < w->g->ndeps[v]; i++) {
		size_t d = w->g->deps[v][i];
		if (w->color[d] == GREY) {
			/* The cycle is the path from d's place to here. */
			size_t start = 0;
			while (w->stack[start] != d)
				start++;
			w->cycle_len = w->depth - start + 1;
			w->cycle = xcalloc(w->cycle_len, sizeof(size_t));
			memcpy(w->cycle, w->stack + start,
			       (w->depth - start) * sizeof(size_t));
			w->cycle[w->cycle_len - 1] = d;
			return -1;
		}
		if (w->color[d] == WHITE && visit(w, d) < 0)
			return -1;
		if (w->level[d] + 1 > lvl)
			lvl = w->level[d] + 1;
	}
	w->level[v] = lvl;
	w->color[v] = BLACK;
	w->depth--;
	w->order[w->norder++] = v;
	return 0;
}

int
graph_order(const struct graph *g, size_t *order, size_t *level, size_t **cycle,
	    size_t *cycle_len)
{
	struct walk w = { .g = g };
	int ret = 0;

	w.color = xcalloc(g->n + 1, sizeof(int));
	w.stack = xcalloc(g->n + 1, sizeof(size_t));
	w.level = level ? level : xcalloc(g->n + 1, sizeof(size_t));
	w.order = xcalloc(g->n + 1, sizeof(size_t));
	for (size_t v = 0; v < g->n && ret == 0; v++)
		if (w.color[v] == WHITE)
			ret = visit(&w, v);
	if (ret == 0) {
		/*
		 * Order by level, then by node number: a stable order in
		 * which every node comes after all it depends on.
		 */
		size_t k = 0, maxlvl = 0;
		for (size_t v = 0; v < g->n; v++)
			if (w.level[v] > maxlvl)
				maxlvl = w.level[v];
		for (size_t l = 0; l <= maxlvl && g->n; l++)
			for (size_t v = 0; v < g->n; v++)
				if (w.level[v] == l)
					order[k++] = v;
	} else if (cycle) {
		*cycle = w.cycle;
		*cycle_len = w.cycle_len;
		w.cycle = NULL;
	}
	free(w.cycle);
	free(w.color);
	free(w.stack);
	free(w.order);
	if (level == NULL)
		free(w.level);
	return ret;
}

void
graph_close_deps(const struct graph *g, bool *sel)
{
	size_t *todo = xcalloc(g->n + 1, sizeof(size_t));
	size_t ntodo = 0;

	for (size_t v = 0; v < g->n; v++)
		if (sel[v])
			todo[ntodo++] = v;
	while (ntodo) {
		size_t v = todo[--ntodo];
		for (size_t i = 0; i < g->ndeps[v]; i++) {
			size_t d = g->deps[v][i];
			if (!sel[d]) {
				sel[d] = true;
				todo[ntodo++] = d;
			}
		}
	}
	free(todo);
}
