/*
 * hijack.c - the hand-written HTTP exchange of hijack.h.
 *
 * The request is one write; the response header is read byte-block by
 * byte-block until the blank line; whatever came after it is already
 * stream data and is handed over in h->extra. An error answer is read in
 * full (Content-Length, or one chunk) for the engine's message. The
 * connection is the engine's unix socket or a plain tcp one; TLS would
 * need the stream to go through libcurl and is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "engine.h"
#include "hijack.h"
#include "log.h"
#include "xalloc.h"

static int
connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error("socket path too long: \"%s\"", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error("cannot create a socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		error("cannot reach the Docker engine at unix://%s: %s", path,
		      strerror(err));
		return -1;
	}
	return fd;
}

/* A connection to a plain tcp engine at "host:port" ("[v6]:port"). */
static int
connect_tcp(const char *address)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	const char *colon = strrchr(address, ':');
	char *host;
	int fd = -1, err = 0, one = 1;

	if (colon == NULL || colon[1] == '\0')
		return error("no port in the engine address \"%s\"", address);
	host = xstrndup(address, (size_t)(colon - address));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	err = getaddrinfo(host, colon + 1, &hints, &res);
	free(host);
	if (err)
		return error("cannot reach the Docker engine at tcp://%s: %s",
			     address, gai_strerror(err));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return error("cannot reach the Docker engine at tcp://%s: %s",
			     address, strerror(err ? err : ECONNREFUSED));
	/* Keystrokes go out at once. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * The engine's connection: its unix socket, or a tcp one without TLS
 * (the raw stream is read and written here, not through libcurl).
 */
static int
connect_engine(struct engine *e)
{
	const char *host = engine_host(e), *address;

	if (strncmp(host, "unix://", 7) == 0)
		return connect_unix(host + 7);
	if ((address = engine_plain_tcp_address(e)) != NULL)
		return connect_tcp(address);
	error("interactive sessions need a unix socket or a tcp engine "
	      "without TLS, not \"%s\" with TLS",
	      host);
	hint("use -d (exec, run), or DOCKER_HOST=unix:///path/to/docker.sock");
	return -1;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until b holds more than need bytes, or EOF. */
static int
read_more(int fd, struct buf *b, size_t need)
{
	char tmp[4096];

	while (b->len < need) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf_add(b, tmp, (size_t)n);
	}
	return 0;
}

/* Value of header name in the header block hdr, or NULL. Caller frees. */
static char *
header_value(const char *hdr, const char *name)
{
	size_t nlen = strlen(name);

	for (const char *l = strstr(hdr, "\r\n"); l; l = strstr(l, "\r\n")) {
		l += 2;
		if (strncasecmp(l, name, nlen) == 0 && l[nlen] == ':') {
			const char *v = l + nlen + 1;
			while (*v == ' ')
				v++;
			return xstrndup(v, strcspn(v, "\r\n"));
		}
	}
	return NULL;
}

/* Read an error answer's body after the header and report it. */
static int
report_answer(int fd, struct buf *b, size_t body_at, long status)
{
	char *cl = header_value(b->ptr, "Content-Length");
	char *te = header_value(b->ptr, "Transfer-Encoding");
	const char *body = "";
	json_t *j = NULL;
	int ret;

	if (cl) {
		read_more(fd, b, body_at + strtoul(cl, NULL, 10));
		body = b->ptr + body_at;
	} else if (te && strcasecmp(te, "chunked") == 0) {
		/* One chunk holds the whole JSON message in practice. */
		const char *eol;
		while ((eol = strstr(b->ptr + body_at, "\r\n")) == NULL)
			if (read_more(fd, b, b->len + 1) < 0)
				break;
		if (eol) {
			unsigned long size =
				strtoul(b->ptr + body_at, NULL, 16);
			size_t data_at = (size_t)(eol - b->ptr) + 2;
			read_more(fd, b, data_at + size);
			if (data_at + size < b->len)
				buf_setlen(b, data_at + size);
			body = b->ptr + data_at;
		}
	}
	j = json_loads(body, 0, NULL);
	if (json_is_string(json_object_get(j, "message")))
		body = json_string_value(json_object_get(j, "message"));
	ret = error("error response from engine (HTTP %ld): %s", status, body);
	json_decref(j);
	free(cl);
	free(te);
	return ret;
}

int
hijack_open(struct engine *e, const char *method, const char *path,
	    const char *body, struct hijack *out)
{
	struct buf req = BUF_INIT, resp = BUF_INIT;
	const char *end;
	int fd = -1, ret = -1;
	long status;

	out->fd = -1;
	out->extra = NULL;
	out->extra_len = 0;
	if (engine_negotiate(e) < 0 || (fd = connect_engine(e)) < 0)
		return -1;
	buf_addf(&req,
		 "%s /v%s%s HTTP/1.1\r\n"
		 "Host: docker\r\n"
		 "User-Agent: berth\r\n"
		 "Connection: Upgrade\r\n"
		 "Upgrade: tcp\r\n",
		 method, engine_api_version(e), path);
	if (body)
		buf_addf(&req,
			 "Content-Type: application/json\r\n"
			 "Content-Length: %zu\r\n",
			 strlen(body));
	buf_adds(&req, "\r\n");
	if (body)
		buf_adds(&req, body);
	if (write_all(fd, req.ptr, req.len) < 0) {
		error("cannot send to the Docker engine: %s", strerror(errno));
		goto done;
	}
	while ((end = strstr(resp.ptr, "\r\n\r\n")) == NULL)
		if (read_more(fd, &resp, resp.len + 1) < 0) {
			error("the Docker engine closed the connection");
			goto done;
		}
	if (strncmp(resp.ptr, "HTTP/1.", 7) != 0 || strlen(resp.ptr) < 12) {
		error("unexpected answer from the Docker engine");
		goto done;
	}
	status = strtol(resp.ptr + 9, NULL, 10);
	size_t body_at = (size_t)(end - resp.ptr) + 4;
	if (status != 101 && status != 200) {
		report_answer(fd, &resp, body_at, status);
		goto done;
	}
	out->extra_len = resp.len - body_at;
	out->extra = xmalloc(out->extra_len + 1);
	memcpy(out->extra, resp.ptr + body_at, out->extra_len);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	out->fd = fd;
	fd = -1;
	ret = 0;
done:
	if (fd >= 0)
		close(fd);
	buf_release(&req);
	buf_release(&resp);
	return ret;
}

void
hijack_close(struct hijack *h)
{
	if (h == NULL)
		return;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->extra);
	h->extra = NULL;
	h->extra_len = 0;
}
