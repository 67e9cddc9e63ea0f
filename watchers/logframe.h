/*
 * logframe.h - decoder for the engine's multiplexed stdout/stderr stream.
 *
 * Logs and attach of a container without a TTY arrive as frames: an 8-byte
 * header {stream, 0, 0, 0, size (4 bytes, big-endian)} and size bytes of
 * payload. Reads split frames anywhere, headers included, so the decoder
 * keeps the partial header and the payload bytes still owed between calls,
 * and hands out payload as it arrives (a frame may come in several pieces).
 * Lines are assembled above it, per stream (lines.h).
 */
#ifndef BERTH_LOGFRAME_H
#define BERTH_LOGFRAME_H

#include <stddef.h>
#include <stdint.h>

enum logframe_stream {
	LOGFRAME_STDIN = 0,
	LOGFRAME_STDOUT = 1,
	LOGFRAME_STDERR = 2,
	LOGFRAME_SYSTEM = 3,
};

struct logframe {
	unsigned char hdr[8];
	size_t hdr_len;	    /* header bytes collected so far */
	uint32_t remaining; /* payload bytes of the current frame still due */
	int stream;
};

typedef void (*logframe_fn)(int stream, const char *data, size_t len,
			    void *arg);

void logframe_init(struct logframe *f);
/*
 * Decode len bytes; fn gets every payload piece with its stream. Returns 0,
 * or -1 when a header is not a valid frame header (the stream is then not
 * multiplexed: a TTY container sends raw bytes).
 */
int logframe_feed(struct logframe *f, const char *data, size_t len,
		  logframe_fn fn, void *arg);
/* True between frames: no header or payload is half-read. */
int logframe_at_boundary(const struct logframe *f);

#endif
