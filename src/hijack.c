/*
 * hijack.c - the hand-written HTTP exchange of hijack.h.
 *
 * The request is one write; the response header is read byte-block by
 * byte-block until the blank line; whatever came after it is already
 * stream data and is handed over in h->extra. An error answer is read in
 * full (Content-Length, or one chunk) for the engine's message. The
 * connection is the engine's unix socket or a tcp one, with TLS through
 * OpenSSL when the engine is spoken to with TLS (libcurl cannot hand over
 * a connection, so the TLS session is set up here with the same
 * certificates).
 */
#include <arpa/inet.h>
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
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>

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

/* The host of "host:port" or "[v6]:port", or NULL (reported) without a
   port. Caller frees. */
static char *
address_host(const char *address)
{
	const char *colon = strrchr(address, ':');
	char *host;

	if (colon == NULL || colon[1] == '\0') {
		error("no port in the engine address \"%s\"", address);
		return NULL;
	}
	host = xstrndup(address, (size_t)(colon - address));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	return host;
}

/* A tcp connection to the engine at "host:port" ("[v6]:port"). */
static int
connect_tcp(const char *address)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char *host = address_host(address);
	int fd = -1, err = 0, one = 1;

	if (host == NULL)
		return -1;
	err = getaddrinfo(host, strrchr(address, ':') + 1, &hints, &res);
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

/* OpenSSL's reason for the last failure, in its words; the queue is
   emptied. */
static const char *
tls_reason(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	ERR_clear_error();
	if (e == 0)
		return "the connection failed";
	ERR_error_string_n(e, buf, len);
	return buf;
}

/* The OpenSSL calls that write to the socket. */
enum tls_op { TLS_CONNECT, TLS_WRITE, TLS_SHUTDOWN };

/*
 * One of them, as SSL_get_error wants it (an empty error queue first:
 * libcurl shares this thread's). OpenSSL writes with write(2): a closed
 * peer raises SIGPIPE, which send's MSG_NOSIGNAL avoids for a plain
 * socket. Blocked around the call, and a SIGPIPE it raised taken back,
 * so a closed engine is an EPIPE here as there.
 */
static int
tls_call(SSL *ssl, enum tls_op op, const void *buf, int len)
{
	sigset_t pipe_set, old;
	struct timespec zero = { 0, 0 };
	int n, saved;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	ERR_clear_error();
	errno = 0;
	n = op == TLS_CONNECT ? SSL_connect(ssl) :
	    op == TLS_WRITE   ? SSL_write(ssl, buf, len) :
				SSL_shutdown(ssl);
	saved = errno;
	if (n <= 0 && saved == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

/*
 * A TLS session over fd with the engine at address, as libcurl's requests
 * make it: client certificate cert.pem/key.pem of cert_dir when present;
 * with verify, the engine's certificate checked against ca.pem and the
 * host name (or IP address). NULL after reporting.
 */
static SSL *
tls_start(int fd, const char *address, bool verify, const char *cert_dir)
{
	char *ca = xasprintf("%s/ca.pem", cert_dir);
	char *cert = xasprintf("%s/cert.pem", cert_dir);
	char *key = xasprintf("%s/key.pem", cert_dir);
	char *host = address_host(address);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	unsigned char ip[16];
	bool is_ip;
	char why[256];

	if (host == NULL || ctx == NULL) {
		if (ctx == NULL)
			error("cannot set up TLS: %s",
			      tls_reason(why, sizeof(why)));
		goto done;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Engines close without close_notify; that is the stream's end. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (access(cert, R_OK) == 0 && access(key, R_OK) == 0 &&
	    (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	     SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)) {
		error("cannot use the client certificate %s: %s", cert,
		      tls_reason(why, sizeof(why)));
		goto done;
	}
	if (verify) {
		if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
			error("cannot load the CA certificate %s: %s", ca,
			      tls_reason(why, sizeof(why)));
			hint("set DOCKER_CERT_PATH to the directory of ca.pem, "
			     "cert.pem and key.pem");
			goto done;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		error("cannot set up TLS: %s", tls_reason(why, sizeof(why)));
		goto done;
	}
	SSL_set_fd(ssl, fd);
	is_ip = inet_pton(AF_INET, host, ip) == 1 ||
		inet_pton(AF_INET6, host, ip) == 1;
	if (!is_ip)
		SSL_set_tlsext_host_name(ssl, host);
	if (verify) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
		if (is_ip)
			X509_VERIFY_PARAM_set1_ip_asc(vp, host);
		else
			X509_VERIFY_PARAM_set1_host(vp, host, 0);
	}
	if (tls_call(ssl, TLS_CONNECT, NULL, 0) != 1) {
		long vr = SSL_get_verify_result(ssl);
		if (verify && vr != X509_V_OK)
			error("cannot reach the Docker engine at tcp://%s: its "
			      "certificate: %s",
			      address, X509_verify_cert_error_string(vr));
		else
			error("cannot reach the Docker engine at tcp://%s: "
			      "TLS: %s",
			      address, tls_reason(why, sizeof(why)));
		hint("check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) and "
		     "DOCKER_TLS_VERIFY");
		ERR_clear_error();
		SSL_free(ssl);
		ssl = NULL;
	}
done:
	SSL_CTX_free(ctx); /* ssl holds its own reference */
	free(host);
	free(ca);
	free(cert);
	free(key);
	return ssl;
}

/*
 * The engine's connection into h: its unix socket, or a tcp one, with
 * TLS when the engine wants it (the raw stream is read and written here,
 * not through libcurl).
 */
static int
connect_engine(struct engine *e, struct hijack *h)
{
	const char *address, *cert_dir;
	bool tls, verify;

	address = engine_tcp_address(e, &tls, &verify, &cert_dir);
	if (address == NULL)
		return (h->fd = connect_unix(engine_host(e) +
					     strlen("unix://")));
	if ((h->fd = connect_tcp(address)) < 0 || !tls)
		return h->fd;
	h->ssl = tls_start(h->fd, address, verify, cert_dir);
	return h->ssl ? 0 : -1;
}

/* SSL's EAGAIN, EOF and failures as read(2) and write(2) say them. */
static ssize_t
tls_result(SSL *ssl, int n)
{
	int saved = errno;

	switch (SSL_get_error(ssl, n)) {
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (saved == 0)
			return 0; /* EOF */
		errno = saved;
		return -1;
	default:
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
}

ssize_t
hijack_read(struct hijack *h, void *buf, size_t len)
{
	int n;

	if (h->ssl == NULL)
		return read(h->fd, buf, len);
	ERR_clear_error(); /* SSL_get_error reads the queue */
	errno = 0;
	n = SSL_read(h->ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);
	return n > 0 ? n : tls_result(h->ssl, n);
}

ssize_t
hijack_write(struct hijack *h, const void *buf, size_t len)
{
	int n;

	if (h->ssl == NULL)
		return send(h->fd, buf, len, MSG_NOSIGNAL);
	n = tls_call(h->ssl, TLS_WRITE, buf,
		     len > 1 << 30 ? 1 << 30 : (int)len);
	if (n > 0)
		return n;
	/* A write that "ends the stream" is a closed engine, as send says
	   it (0 would look like progress to a write loop). */
	if (tls_result(h->ssl, n) == 0) {
		errno = EPIPE;
		return -1;
	}
	return -1;
}

int
hijack_shutdown_write(struct hijack *h)
{
	int n;

	if (h->ssl == NULL) {
		shutdown(h->fd, SHUT_WR);
		return 0;
	}
	/* Sends close_notify (0: sent; the read side stays open for the
	   output); a full socket buffer asks to be called again. */
	n = tls_call(h->ssl, TLS_SHUTDOWN, NULL, 0);
	if (n < 0 && SSL_get_error(h->ssl, n) == SSL_ERROR_WANT_WRITE) {
		errno = EAGAIN;
		return -1;
	}
	ERR_clear_error();
	return 0;
}

static int
write_all(struct hijack *h, const char *p, size_t len)
{
	while (len) {
		ssize_t n = hijack_write(h, p, len);
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
read_more(struct hijack *h, struct buf *b, size_t need)
{
	char tmp[4096];

	while (b->len < need) {
		ssize_t n = hijack_read(h, tmp, sizeof(tmp));
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
report_answer(struct hijack *h, struct buf *b, size_t body_at, long status)
{
	char *cl = header_value(b->ptr, "Content-Length");
	char *te = header_value(b->ptr, "Transfer-Encoding");
	const char *body = "";
	json_t *j = NULL;
	int ret;

	if (cl) {
		read_more(h, b, body_at + strtoul(cl, NULL, 10));
		body = b->ptr + body_at;
	} else if (te && strcasecmp(te, "chunked") == 0) {
		/* One chunk holds the whole JSON message in practice. */
		const char *eol;
		while ((eol = strstr(b->ptr + body_at, "\r\n")) == NULL)
			if (read_more(h, b, b->len + 1) < 0)
				break;
		if (eol) {
			unsigned long size =
				strtoul(b->ptr + body_at, NULL, 16);
			size_t data_at = (size_t)(eol - b->ptr) + 2;
			read_more(h, b, data_at + size);
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
	struct hijack conn = HIJACK_INIT;
	const char *end;
	int ret = -1;
	long status;

	*out = (struct hijack)HIJACK_INIT;
	if (engine_negotiate(e) < 0 || connect_engine(e, &conn) < 0)
		goto done;
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
	if (write_all(&conn, req.ptr, req.len) < 0) {
		error("cannot send to the Docker engine: %s", strerror(errno));
		goto done;
	}
	while ((end = strstr(resp.ptr, "\r\n\r\n")) == NULL)
		if (read_more(&conn, &resp, resp.len + 1) < 0) {
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
		report_answer(&conn, &resp, body_at, status);
		goto done;
	}
	conn.extra_len = resp.len - body_at;
	conn.extra = xmalloc(conn.extra_len + 1);
	memcpy(conn.extra, resp.ptr + body_at, conn.extra_len);
	fcntl(conn.fd, F_SETFL, fcntl(conn.fd, F_GETFL) | O_NONBLOCK);
	*out = conn;
	conn = (struct hijack)HIJACK_INIT;
	ret = 0;
done:
	hijack_close(&conn);
	buf_release(&req);
	buf_release(&resp);
	return ret;
}

void
hijack_close(struct hijack *h)
{
	if (h == NULL)
		return;
	SSL_free(h->ssl);
	h->ssl = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->extra);
	h->extra = NULL;
	h->extra_len = 0;
}
