/*
 * jsonlines.h - decoder for newline-delimited JSON streams.
 *
 * /events, /build and /images/create answer with one JSON object per line,
 * and reads split lines anywhere. Each complete line is parsed and handed
 * to the callback, which borrows the value (it is freed after the call).
 * A line that is not JSON is reported through the callback with a NULL
 * value and the raw text, so no byte of the stream is silently dropped.
 */
#ifndef BERTH_JSONLINES_H
#define BERTH_JSONLINES_H

#include <jansson.h>

#include "lines.h"

typedef void (*jsonlines_fn)(json_t *value, const char *raw, size_t len,
			     void *arg);

struct jsonlines {
	struct lines lines;
	jsonlines_fn fn;
	void *arg;
};

/* cap: the longest line accepted; longer ones come as raw text. */
void
jsonlines_init(struct jsonlines *j, size_t cap, jsonlines_fn fn, void *arg);
void jsonlines_release(struct jsonlines *j);
void jsonlines_feed(struct jsonlines *j, const char *data, size_t len);
/* End of stream: a last line without a newline is decoded too. */
void jsonlines_finish(struct jsonlines *j);

#endif
