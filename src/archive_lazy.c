/*
 * archive_lazy.c - libarchive loaded on first use (archive_lazy.h).
 *
 * One dlopen of libarchive.so.13, one dlsym per function, all on the first
 * call; the pointers are kept for the process's life (the library is never
 * closed). Each wrapper has the exact type of the libarchive function it
 * stands for: the build fails if they drift apart.
 */
#define ARCHIVE_LAZY_IMPL
#include "archive_lazy.h"

#include <dlfcn.h>
#include <stdbool.h>

#include "log.h"

#define ARCHIVE_LAZY_SONAME "libarchive.so.13"

/* The pointers, typed from libarchive's own prototypes. */
static struct {
#define ARCHIVE_LAZY_FIELD(ret, name, params, args) __typeof__(&name) name;
#define ARCHIVE_LAZY_FIELD_V(name, params, args)    __typeof__(&name) name;
	ARCHIVE_LAZY_FUNCS(ARCHIVE_LAZY_FIELD, ARCHIVE_LAZY_FIELD_V)
#undef ARCHIVE_LAZY_FIELD
#undef ARCHIVE_LAZY_FIELD_V
} api;

/* Our wrapper and the real function must have one type. */
#define ARCHIVE_LAZY_CHECK(ret, name, params, args)                            \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&name),         \
						    __typeof__(&lazy_##name)), \
		       #name " does not match libarchive's prototype");
#define ARCHIVE_LAZY_CHECK_V(name, params, args) \
	ARCHIVE_LAZY_CHECK(void, name, params, args)
ARCHIVE_LAZY_FUNCS(ARCHIVE_LAZY_CHECK, ARCHIVE_LAZY_CHECK_V)
#undef ARCHIVE_LAZY_CHECK
#undef ARCHIVE_LAZY_CHECK_V

int
archive_lazy_load(void)
{
	static int state; /* 0: not tried, 1: loaded, -1: failed */
	void *h;

	if (state)
		return state > 0 ? 0 : -1;
	state = -1;
	h = dlopen(ARCHIVE_LAZY_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		error("cannot load %s, needed to make tar archives: %s",
		      ARCHIVE_LAZY_SONAME, dlerror());
		hint("install libarchive (Debian: the libarchive13 package)");
		return -1;
	}
	/* POSIX: a data pointer converts to a function pointer. */
#define ARCHIVE_LAZY_RESOLVE(ret, name, params, args)                      \
	*(void **)&api.name = dlsym(h, #name);                             \
	if (api.name == NULL) {                                            \
		error("cannot load %s: no symbol %s", ARCHIVE_LAZY_SONAME, \
		      #name);                                              \
		return -1;                                                 \
	}
#define ARCHIVE_LAZY_RESOLVE_V(name, params, args) \
	ARCHIVE_LAZY_RESOLVE(void, name, params, args)
	ARCHIVE_LAZY_FUNCS(ARCHIVE_LAZY_RESOLVE, ARCHIVE_LAZY_RESOLVE_V)
#undef ARCHIVE_LAZY_RESOLVE
#undef ARCHIVE_LAZY_RESOLVE_V
	state = 1;
	return 0;
}

/* A wrapper called without the library: nothing sensible can follow. */
static void
need_api(void)
{
	if (archive_lazy_load() < 0)
		die("cannot make a tar archive without %s",
		    ARCHIVE_LAZY_SONAME);
}

#define ARCHIVE_LAZY_WRAP(ret, name, params, args) \
	ret lazy_##name params                     \
	{                                          \
		need_api();                        \
		return api.name args;              \
	}
#define ARCHIVE_LAZY_WRAP_V(name, params, args) \
	void lazy_##name params                 \
	{                                       \
		need_api();                     \
		api.name args;                  \
	}
ARCHIVE_LAZY_FUNCS(ARCHIVE_LAZY_WRAP, ARCHIVE_LAZY_WRAP_V)
#undef ARCHIVE_LAZY_WRAP
#undef ARCHIVE_LAZY_WRAP_V
