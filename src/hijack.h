/*
 * hijack.h - an engine request whose connection becomes a raw two-way
 * stream: POST /exec/{id}/start and POST /containers/{id}/attach with
 * stdin.
 *
 * The Engine API "hijacks" these connections: after the response header
 * (101 UPGRADED, or 200 from older engines) the socket carries the
 * process's input one way and its output the other. libcurl cannot hand
 * such a socket over, so this small file speaks the one HTTP exchange
 * itself, over the engine's unix socket or a tcp connection without TLS;
 * with TLS it reports that interactive sessions are not supported.
 */
#ifndef BERTH_HIJACK_H
#define BERTH_HIJACK_H

#include <stddef.h>

struct engine;

struct hijack {
	int fd;	     /* the stream, non-blocking; -1 when closed */
	char *extra; /* stream bytes read along with the header */
	size_t extra_len;
};

#define HIJACK_INIT         \
	{                   \
		-1, NULL, 0 \
	}

/*
 * Send method path (without the /vX.Y prefix; negotiated first) with a
 * JSON body (or NULL), asking for the upgrade. Returns 0 with out open, or
 * -1 after reporting (the engine's message for an error answer).
 */
int hijack_open(struct engine *e, const char *method, const char *path,
		const char *body, struct hijack *out);
void hijack_close(struct hijack *h);

#endif
