/*
 * logframe.c - incremental decoder of multiplexed log frames (logframe.h).
 */
#include <string.h>

#include "logframe.h"

void
logframe_init(struct logframe *f)
{
	memset(f, 0, sizeof(*f));
}

int
logframe_at_boundary(const struct logframe *f)
{
	return f->hdr_len == 0 && f->remaining == 0;
}

int
logframe_feed(struct logframe *f, const char *data, size_t len, logframe_fn fn,
	      void *arg)
{
	while (len > 0) {
		if (f->remaining == 0) {
			size_t take = sizeof(f->hdr) - f->hdr_len;
			if (take > len)
				take = len;
			memcpy(f->hdr + f->hdr_len, data, take);
			f->hdr_len += take;
			data += take;
			len -= take;
			if (f->hdr_len < sizeof(f->hdr))
				return 0;
			/* Byte 0 is the stream, 1-3 are always zero. */
			if (f->hdr[0] > LOGFRAME_SYSTEM || f->hdr[1] ||
			    f->hdr[2] || f->hdr[3])
				return -1;
			f->stream = f->hdr[0];
			f->remaining = (uint32_t)f->hdr[4] << 24 |
				       (uint32_t)f->hdr[5] << 16 |
				       (uint32_t)f->hdr[6] << 8 |
				       (uint32_t)f->hdr[7];
			f->hdr_len = 0;
			continue;
		}
		size_t take = f->remaining < len ? f->remaining : len;
		fn(f->stream, data, take, arg);
		f->remaining -= (uint32_t)take;
		data += take;
		len -= take;
	}
	return 0;
}
