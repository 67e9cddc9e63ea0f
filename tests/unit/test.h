/*
 * test.h - a unit-test harness small enough to read in one go (after
 * redis's testhelp.h). A test file defines test functions, registers them
 * in main with TEST_RUN, and ends with `return test_report();`.
 *
 * CHECK records a failure with file:line and goes on, so one run shows
 * every broken expectation; REQUIRE stops the current test.
 */
#ifndef BERTH_TEST_H
#define BERTH_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_checks;
static const char *test_current;

#define CHECK(cond)                                                       \
	do {                                                              \
		test_checks++;                                            \
		if (!(cond)) {                                            \
			test_failures++;                                  \
			fprintf(stderr, "%s:%d: %s: check failed: %s\n",  \
				__FILE__, __LINE__, test_current, #cond); \
		}                                                         \
	} while (0)

#define REQUIRE(cond)                                                          \
	do {                                                                   \
		test_checks++;                                                 \
		if (!(cond)) {                                                 \
			test_failures++;                                       \
			fprintf(stderr, "%s:%d: %s: required: %s\n", __FILE__, \
				__LINE__, test_current, #cond);                \
			return;                                                \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                       \
	do {                                                                       \
		const char *g_ = (got), *w_ = (want);                              \
		test_checks++;                                                     \
		if ((g_ == NULL) != (w_ == NULL) ||                                \
		    (g_ && strcmp(g_, w_) != 0)) {                                 \
			test_failures++;                                           \
			fprintf(stderr,                                            \
				"%s:%d: %s: %s\n  got:  \"%s\"\n  want: \"%s\"\n", \
				__FILE__, __LINE__, test_current, #got,            \
				g_ ? g_ : "(null)", w_ ? w_ : "(null)");           \
		}                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                  \
	do {                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);      \
		test_checks++;                                                \
		if (g_ != w_) {                                               \
			test_failures++;                                      \
			fprintf(stderr, "%s:%d: %s: %s is %lld, want %lld\n", \
				__FILE__, __LINE__, test_current, #got, g_,   \
				w_);                                          \
		}                                                             \
	} while (0)

#define TEST_RUN(fn)                                                          \
	do {                                                                  \
		int before_ = test_failures;                                  \
		test_current = #fn;                                           \
		fn();                                                         \
		printf("%s %s\n", test_failures == before_ ? "ok  " : "FAIL", \
		       #fn);                                                  \
	} while (0)

static inline int
test_report(void)
{
	printf("%d checks, %d failed\n", test_checks, test_failures);
	if (test_checks == 0) {
		fprintf(stderr, "no checks ran\n");
		return 1;
	}
	return test_failures ? 1 : 0;
}

#endif
