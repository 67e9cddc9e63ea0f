/*
 * loop.c - SIGINT/SIGTERM as loop events, SIGPIPE ignored (loop.h).
 */
#include <signal.h>
#include <stdlib.h>

#include <ev.h>

#include "loop.h"
#include "xalloc.h"

struct handler {
	loop_signal_fn fn;
	void *arg;
};

static struct ev_loop *sig_loop;
static ev_signal sig_int, sig_term;
static struct handler *stack;
static size_t nstack, stack_alloc;
static unsigned interrupts;

static void
on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	interrupts++;
	if (nstack) {
		struct handler h = stack[nstack - 1];
		h.fn(w->signum, interrupts, h.arg);
		return;
	}
	if (interrupts > 1)
		exit(130); /* EXIT_INTERRUPTED (cmd.h) */
	ev_break(loop, EVBREAK_ALL);
}

void
loop_signals_init(struct ev_loop *loop)
{
	if (sig_loop)
		return;
	signal(SIGPIPE, SIG_IGN);
	sig_loop = loop;
	ev_signal_init(&sig_int, on_signal, SIGINT);
	ev_signal_init(&sig_term, on_signal, SIGTERM);
	ev_signal_start(loop, &sig_int);
	ev_signal_start(loop, &sig_term);
	/* Waiting for a signal alone must not keep ev_run from returning. */
	ev_unref(loop);
	ev_unref(loop);
}

void
loop_signals_push(loop_signal_fn fn, void *arg)
{
	ALLOC_GROW(stack, nstack + 1, stack_alloc);
	stack[nstack].fn = fn;
	stack[nstack].arg = arg;
	nstack++;
}

void
loop_signals_pop(void)
{
	if (nstack)
		nstack--;
	if (nstack == 0) {
		free(stack);
		stack = NULL;
		stack_alloc = 0;
	}
}

unsigned
loop_interrupts(void)
{
	return interrupts;
}

void
loop_signals_stop(void)
{
	if (sig_loop == NULL)
		return;
	ev_ref(sig_loop);
	ev_ref(sig_loop);
	ev_signal_stop(sig_loop, &sig_int);
	ev_signal_stop(sig_loop, &sig_term);
	sig_loop = NULL;
	signal(SIGPIPE, SIG_DFL);
	free(stack);
	stack = NULL;
	nstack = stack_alloc = 0;
	interrupts = 0;
}
