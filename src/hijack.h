/*
 * hijack.h - an engine request whose connection becomes a raw two-way
 * stream: POST /exec/{id}/start and POST /containers/{id}/attach with
 * stdin.
 *
 * The Engine API "hijacks" these connections: after the response header
 * (101 UPGRADED, or 200 from older engines) the socket carries the
 * process's input one way and its output the other. libcurl cannot hand
 * such a socket over, so this small file speaks the one HTTP exchange
 * itself, over the engine's unix socket or a tcp connection, with TLS
 * (OpenSSL, the certificates libcurl's requests use) when the engine
 * wants it. The stream is read and written through hijack_read and
 * hijack_write, which hide the TLS layer.
 */
#ifndef BERTH_HIJACK_H
#define BERTH_HIJACK_H

#include <stddef.h>
#include <sys/types.h>

struct engine;

struct hijack {
	int fd;	     /* the stream's socket, non-blocking; -1 when closed */
	char *extra; /* stream bytes read along with the header */
	size_t extra_len;
	void *ssl; /* the TLS session over fd (an OpenSSL SSL *), or NULL */
};

#define HIJACK_INIT               \
	{                         \
		-1, NULL, 0, NULL \
	}

/*
 * Send method path (without the /vX.Y prefix; negotiated first) with a
 * JSON body (or NULL), asking for the upgrade. Returns 0 with out open, or
 * -1 after reporting (the engine's message for an error answer).
 */
int hijack_open(struct engine *e, const char *method, const char *path,
		const char *body, struct hijack *out);
void hijack_close(struct hijack *h);

/*
 * read(2) and send(2) on the stream, through TLS when there is some:
 * > 0 bytes, 0 at the end of the stream (read), or -1 with errno (EAGAIN
 * when the socket would block: wait for it to be readable or writable).
 * A read returns what TLS has decrypted already before the socket is
 * asked again, so read until EAGAIN.
 */
ssize_t hijack_read(struct hijack *h, void *buf, size_t len);
ssize_t hijack_write(struct hijack *h, const void *buf, size_t len);

/*
 * End of input for the process: shutdown(SHUT_WR), or TLS's close_notify
 * (the engine reads it as EOF; its output goes on). 0 when done, or -1
 * with errno EAGAIN: call again once the socket is writable.
 */
int hijack_shutdown_write(struct hijack *h);

#endif
