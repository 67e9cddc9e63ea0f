/*
 * engine.c - Docker Engine API over libcurl's multi interface on libev.
 *
 * The glue follows curl's docs/examples/evhiperfifo.c: curl tells us which
 * sockets to watch (socket callback) and when to wake it (timer callback);
 * libev tells curl when a socket is ready or the timer fired, and after each
 * of those we collect finished transfers from curl_multi_info_read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <ev.h>

#include "buf.h"
#include "engine.h"
#include "log.h"
#include "xalloc.h"

#define DEFAULT_HOST "unix:///var/run/docker.sock"
/* Ceiling for a buffered (non-streamed) answer: lists, inspects. */
#define BODY_MAX (256u << 20)

struct engine {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer;
	char *host;	   /* as given: unix:///..., tcp://... */
	char *socket_path; /* for unix:// hosts */
	char *base_url;	   /* http://localhost or https://host:port */
	bool tls, tls_verify;
	char *cert_dir;
	char api_version[16];
	bool negotiated;
	/* Requests started from inside a curl callback, added next turn. */
	struct engine_req *deferred;
	ev_timer defer_timer;
};

struct engine_req {
	struct engine *e;
	CURL *easy;
	struct curl_slist *headers;
	struct engine_req_opts o;
	char *body; /* owned copy of o.body */
	struct buf resp;
	char errbuf[CURL_ERROR_SIZE];
	char *transport_error;
	char content_type[128];
	char api_version[16];
	char *path_stat; /* X-Docker-Container-Path-Stat, or NULL */
	long status;
	bool done;
	bool timed_out; /* curl gave up after o.timeout_ms */
	bool paused;
	bool deferred; /* waiting in e->deferred to be added */
	struct engine_req *defer_next;
	json_t *msg_json;
};

/* One per socket curl asks us to watch. */
struct sock_watch {
	ev_io io;
	struct engine *e;
};

static void check_done(struct engine *e);

static void
on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	int running;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(e);
}

static int
curl_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct engine *e = arg;

	ev_timer_stop(e->loop, &e->timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&e->timer, (double)timeout_ms / 1000.0, 0.);
		ev_timer_start(e->loop, &e->timer);
	}
	return 0;
}

static void
on_socket(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sock_watch *sw = (struct sock_watch *)w;
	struct engine *e = sw->e;
	int running, action = 0;

	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(e->multi, w->fd, action, &running);
	check_done(e);
}

static int
curl_socket_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct engine *e = arg;
	struct sock_watch *sw = sockp;

	if (what == CURL_POLL_REMOVE) {
		if (sw) {
			ev_io_stop(e->loop, &sw->io);
			free(sw);
			curl_multi_assign(e->multi, s, NULL);
		}
		return 0;
	}
	int events = ((what & CURL_POLL_IN) ? EV_READ : 0) |
		     ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (sw == NULL) {
		sw = xcalloc(1, sizeof(*sw));
		sw->e = e;
		curl_multi_assign(e->multi, s, sw);
	} else {
		ev_io_stop(e->loop, &sw->io);
	}
	ev_io_init(&sw->io, on_socket, s, events);
	ev_io_start(e->loop, &sw->io);
	return 0;
}

static void
finish(struct engine_req *req, CURLcode rc)
{
	struct engine *e = req->e;

	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &req->status);
	req->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	if (rc != CURLE_OK) {
		long os_errno = 0;
		const char *why = req->errbuf[0] ? req->errbuf :
						   curl_easy_strerror(rc);

		/*
		 * curl words a unix socket failure as "failed to connect to
		 * localhost port 80": the OS's reason says more.
		 */
		curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &os_errno);
		if (e->socket_path && rc == CURLE_COULDNT_CONNECT && os_errno)
			req->transport_error =
				xasprintf("%s", strerror((int)os_errno));
		else
			req->transport_error = xstrdup(why);
	}
	curl_multi_remove_handle(e->multi, req->easy);
	req->done = true;
	if (req->o.on_done)
		req->o.on_done(req, req->o.arg);
}

static void
check_done(struct engine *e)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(e->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct engine_req *req = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &req);
		finish(req, msg->data.result);
	}
}

/*
 * libcurl refuses curl_multi_add_handle from inside its own callbacks
 * (CURLM_RECURSIVE_API_CALL), and a stream's on_data runs inside one:
 * a request started there is added on the next loop turn instead.
 */
static void
on_defer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct engine *e = w->data;
	struct engine_req *list = e->deferred;

	e->deferred = NULL;
	while (list) {
		struct engine_req *req = list;
		list = req->defer_next;
		req->deferred = false;
		req->defer_next = NULL;
		/* Still inside a callback (a nested loop): next turn, then. */
		if (curl_multi_add_handle(e->multi, req->easy) ==
		    CURLM_RECURSIVE_API_CALL) {
			req->deferred = true;
			req->defer_next = e->deferred;
			e->deferred = req;
			if (!ev_is_active(&e->defer_timer)) {
				ev_timer_set(&e->defer_timer, 0.01, 0.);
				ev_timer_start(loop, &e->defer_timer);
			}
		}
	}
}

static void
defer_unlink(struct engine_req *req)
{
	struct engine_req **pp = &req->e->deferred;

	while (*pp && *pp != req)
		pp = &(*pp)->defer_next;
	if (*pp)
		*pp = req->defer_next;
	req->deferred = false;
}

/* Parse DOCKER_HOST and the TLS variables into e. */
static int
parse_host(struct engine *e)
{
	const char *host = getenv("DOCKER_HOST");
	const char *tlsv = getenv("DOCKER_TLS_VERIFY");
	const char *tls = getenv("DOCKER_TLS");
	const char *certs = getenv("DOCKER_CERT_PATH");

	if (host == NULL || *host == '\0')
		host = DEFAULT_HOST;
	e->host = xstrdup(host);
	e->tls_verify = tlsv && *tlsv;
	e->tls = e->tls_verify || (tls && *tls);
	if (certs && *certs)
		e->cert_dir = xstrdup(certs);
	else
		e->cert_dir = xasprintf("%s/.docker",
					getenv("HOME") ? getenv("HOME") : "");

	if (strncmp(host, "unix://", 7) == 0) {
		e->socket_path = xstrdup(host + 7);
		e->base_url = xstrdup("http://localhost");
		return 0;
	}
	if (strncmp(host, "tcp://", 6) == 0 ||
	    strncmp(host, "http://", 7) == 0 ||
	    strncmp(host, "https://", 8) == 0) {
		const char *rest = strstr(host, "://") + 3;
		size_t len = strcspn(rest, "/");
		bool https = e->tls || strncmp(host, "https://", 8) == 0;
		e->tls = https;
		e->base_url = xasprintf("%s://%.*s", https ? "https" : "http",
					(int)len, rest);
		return 0;
	}
	error("unsupported DOCKER_HOST \"%s\"", host);
	hint("use unix:///path/to/docker.sock or tcp://host:port");
	return -1;
}

int
engine_open(struct engine **out, struct ev_loop *loop)
{
	static bool curl_ready;
	struct engine *e = xcalloc(1, sizeof(*e));

	*out = NULL;
	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = true;
	}
	e->loop = loop;
	snprintf(e->api_version, sizeof(e->api_version), "%s", ENGINE_API_MIN);
	if (parse_host(e) < 0) {
		engine_free(e);
		return -1;
	}
	e->multi = curl_multi_init();
	if (e->multi == NULL)
		die("cannot initialise libcurl");
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	ev_timer_init(&e->timer, on_timer, 0., 0.);
	e->timer.data = e;
	ev_timer_init(&e->defer_timer, on_defer, 0., 0.);
	e->defer_timer.data = e;
	*out = e;
	return 0;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	if (e->multi) {
		ev_timer_stop(e->loop, &e->timer);
		ev_timer_stop(e->loop, &e->defer_timer);
		curl_multi_cleanup(e->multi);
	}
	free(e->host);
	free(e->socket_path);
	free(e->base_url);
	free(e->cert_dir);
	free(e);
}

struct ev_loop *
engine_loop(struct engine *e)
{
	return e->loop;
}

const char *
engine_host(const struct engine *e)
{
	return e->host;
}

const char *
engine_api_version(const struct engine *e)
{
	return e->api_version;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct engine_req *req = arg;
	size_t len = size * n;
	static const char ct[] = "content-type:";
	static const char av[] = "api-version:";
	static const char ps[] = "x-docker-container-path-stat:";
	char *dst = NULL;
	size_t dstlen = 0, skip = 0;

	/* The blank line ends the headers: streams know their status now. */
	if (len <= 2 && req->status == 0)
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE,
				  &req->status);
	if (len > sizeof(ct) - 1 &&
	    strncasecmp(data, ct, sizeof(ct) - 1) == 0) {
		dst = req->content_type;
		dstlen = sizeof(req->content_type);
		skip = sizeof(ct) - 1;
	} else if (len > sizeof(av) - 1 &&
		   strncasecmp(data, av, sizeof(av) - 1) == 0) {
		dst = req->api_version;
		dstlen = sizeof(req->api_version);
		skip = sizeof(av) - 1;
	}
	if (len > sizeof(ps) - 1 &&
	    strncasecmp(data, ps, sizeof(ps) - 1) == 0) {
		const char *v = data + sizeof(ps) - 1;
		size_t vlen = len - (sizeof(ps) - 1);

		while (vlen && isspace((unsigned char)*v))
			v++, vlen--;
		while (vlen && isspace((unsigned char)v[vlen - 1]))
			vlen--;
		free(req->path_stat);
		req->path_stat = xstrndup(v, vlen);
	}
	if (dst) {
		const char *v = data + skip;
		size_t vlen = len - skip;
		while (vlen && isspace((unsigned char)*v))
			v++, vlen--;
		while (vlen && isspace((unsigned char)v[vlen - 1]))
			vlen--;
		if (vlen >= dstlen)
			vlen = dstlen - 1;
		memcpy(dst, v, vlen);
		dst[vlen] = '\0';
	}
	return len;
}

static size_t
on_write(char *data, size_t size, size_t n, void *arg)
{
	struct engine_req *req = arg;
	size_t len = size * n;

	if (req->status == 0)
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE,
				  &req->status);
	/* Error answers are always buffered, to read the engine's message. */
	if (req->o.on_data && req->status < 300) {
		if (req->o.on_data(req, data, len, req->o.arg) ==
		    ENGINE_PAUSE) {
			req->paused = true;
			return CURL_WRITEFUNC_PAUSE;
		}
		return len;
	}
	if (req->resp.len + len > BODY_MAX)
		return 0; /* curl reports a write error */
	buf_add(&req->resp, data, len);
	return len;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct engine_req *req = arg;

	return req->o.read_body(buf, size * n, req->o.arg);
}

static void
setup_tls(struct engine_req *req)
{
	struct engine *e = req->e;
	char *ca = xasprintf("%s/ca.pem", e->cert_dir);
	char *cert = xasprintf("%s/cert.pem", e->cert_dir);
	char *key = xasprintf("%s/key.pem", e->cert_dir);

	/* curl copies string options, so these can be freed at once. */
	curl_easy_setopt(req->easy, CURLOPT_SSLCERT, cert);
	curl_easy_setopt(req->easy, CURLOPT_SSLKEY, key);
	if (e->tls_verify) {
		curl_easy_setopt(req->easy, CURLOPT_CAINFO, ca);
	} else {
		curl_easy_setopt(req->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(req->easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	free(ca);
	free(cert);
	free(key);
}

struct engine_req *
engine_start(struct engine *e, const struct engine_req_opts *o)
{
	struct engine_req *req = xcalloc(1, sizeof(*req));
	const char *method = o->method ? o->method : "GET";
	char *url;

	req->e = e;
	req->o = *o;
	buf_init(&req->resp);
	req->easy = curl_easy_init();
	if (req->easy == NULL)
		die("cannot initialise libcurl");
	if (strcmp(o->path, "/_ping") == 0)
		url = xasprintf("%s/_ping", e->base_url);
	else
		url = xasprintf("%s/v%s%s", e->base_url, e->api_version,
				o->path);
	curl_easy_setopt(req->easy, CURLOPT_URL, url);
	free(url);
	if (e->socket_path)
		curl_easy_setopt(req->easy, CURLOPT_UNIX_SOCKET_PATH,
				 e->socket_path);
	if (e->tls)
		setup_tls(req);
	curl_easy_setopt(req->easy, CURLOPT_PRIVATE, req);
	curl_easy_setopt(req->easy, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(req->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(req->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(req->easy, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(req->easy, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(req->easy, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(req->easy, CURLOPT_CUSTOMREQUEST, method);
	if (o->timeout_ms > 0)
		curl_easy_setopt(req->easy, CURLOPT_TIMEOUT_MS, o->timeout_ms);

	/* Streams must not be held back by Nagle or buffering. */
	curl_easy_setopt(req->easy, CURLOPT_TCP_NODELAY, 1L);
	req->headers = curl_slist_append(NULL, "Expect:");
	if (o->body || o->read_body) {
		char *ct = xasprintf("Content-Type: %s",
				     o->content_type ? o->content_type :
						       "application/json");
		req->headers = curl_slist_append(req->headers, ct);
		free(ct);
	}
	if (o->extra_header)
		req->headers = curl_slist_append(req->headers, o->extra_header);
	curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers);
	if (o->read_body) {
		curl_easy_setopt(req->easy, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(req->easy, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(req->easy, CURLOPT_READDATA, req);
	} else if (o->body) {
		req->body = xmalloc(o->body_len + 1);
		memcpy(req->body, o->body, o->body_len);
		req->body[o->body_len] = '\0';
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)o->body_len);
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDSIZE, 0L);
	}
	/* CUSTOMREQUEST keeps the method; UPLOAD alone would say PUT. */
	curl_easy_setopt(req->easy, CURLOPT_CUSTOMREQUEST, method);
	/* A HEAD answer has headers only: do not wait for a body. */
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(req->easy, CURLOPT_NOBODY, 1L);
	if (log_debug_enabled())
		debug("engine request: %s %s", method, o->path);
	if (curl_multi_add_handle(e->multi, req->easy) ==
	    CURLM_RECURSIVE_API_CALL) {
		req->deferred = true;
		req->defer_next = e->deferred;
		e->deferred = req;
		/* libev forbids ev_timer_set on an active watcher; an
		   active one runs this list on the next turn anyway. */
		if (!ev_is_active(&e->defer_timer)) {
			ev_timer_set(&e->defer_timer, 0., 0.);
			ev_timer_start(e->loop, &e->defer_timer);
		}
	}
	return req;
}

void
engine_req_free(struct engine_req *req)
{
	if (req == NULL)
		return;
	if (req->deferred)
		defer_unlink(req);
	else if (!req->done)
		curl_multi_remove_handle(req->e->multi, req->easy);
	curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->headers);
	buf_release(&req->resp);
	free(req->body);
	free(req->transport_error);
	free(req->path_stat);
	json_decref(req->msg_json);
	free(req);
}

void
engine_cancel(struct engine_req *req)
{
	engine_req_free(req);
}

void
engine_req_resume(struct engine_req *req)
{
	if (!req->paused || req->done)
		return;
	req->paused = false;
	curl_easy_pause(req->easy, CURLPAUSE_CONT);
}

const char *
engine_req_transport_error(const struct engine_req *req)
{
	return req->transport_error;
}

long
engine_req_status(const struct engine_req *req)
{
	return req->status;
}

const char *
engine_req_body(const struct engine_req *req, size_t *len)
{
	if (len)
		*len = req->resp.len;
	return req->resp.ptr;
}

const char *
engine_req_content_type(const struct engine_req *req)
{
	return req->content_type;
}

const char *
engine_req_header_api_version(const struct engine_req *req)
{
	return req->api_version;
}

const char *
engine_req_header_path_stat(const struct engine_req *req)
{
	return req->path_stat;
}

struct engine *
engine_req_engine(const struct engine_req *req)
{
	return req->e;
}

const char *
engine_req_message(const struct engine_req *req)
{
	struct engine_req *r = (struct engine_req *)req;
	json_t *m;

	if (r->msg_json == NULL)
		r->msg_json = json_loadb(r->resp.ptr, r->resp.len, 0, NULL);
	m = json_object_get(r->msg_json, "message");
	if (json_is_string(m))
		return json_string_value(m);
	/* Not JSON: the body itself, trimmed, is the message. */
	while (r->resp.len &&
	       isspace((unsigned char)r->resp.ptr[r->resp.len - 1]))
		buf_setlen(&r->resp, r->resp.len - 1);
	return r->resp.ptr;
}

int
engine_req_report(const struct engine_req *req)
{
	if (req->transport_error) {
		error("cannot reach the Docker engine at %s: %s", req->e->host,
		      req->transport_error);
		hint("is dockerd running? DOCKER_HOST selects another engine");
		return -1;
	}
	if (req->status >= 200 && req->status < 300)
		return 0;
	return error("error response from engine (HTTP %ld): %s", req->status,
		     engine_req_message(req));
}

/* How long a removal by another client is waited for. */
#define REMOVAL_WAIT_MS 60000

bool
engine_req_removal_elsewhere(const struct engine_req *req)
{
	const char *msg = engine_req_message(req);

	return req->status == 409 && msg && strstr(msg, "already in progress");
}

struct engine_req *
engine_wait_removed(struct engine *e, const char *id, engine_done_fn done,
		    void *arg)
{
	char *path = xasprintf("/containers/%s/wait?condition=removed", id);
	struct engine_req *req =
		engine_start(e, &(struct engine_req_opts){
					.method = "POST",
					.path = path,
					.on_done = done,
					.arg = arg,
					.timeout_ms = REMOVAL_WAIT_MS,
				});

	free(path);
	return req;
}

const char *
engine_removal_wait_error(const struct engine_req *req)
{
	if (req->timed_out)
		return "another client's removal of it did not end in 60 s";
	if (req->transport_error)
		return req->transport_error;
	if ((req->status >= 200 && req->status < 300) || req->status == 404)
		return NULL;
	return engine_req_message(req);
}

static void
sync_done(struct engine_req *req, void *arg)
{
	*(bool *)arg = true;
}

void
engine_wait(struct engine *e, const bool *flag)
{
	while (!*flag)
		ev_run(e->loop, EVRUN_ONCE);
}

struct engine_req *
engine_start_json(struct engine *e, const char *method, const char *path,
		  const json_t *body, engine_done_fn done, void *arg)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct engine_req_opts o = {
		.method = method,
		.path = path,
		.body = text,
		.body_len = text ? strlen(text) : 0,
		.on_done = done,
		.arg = arg,
	};
	struct engine_req *req = engine_start(e, &o);

	free(text); /* engine_start copied it */
	return req;
}

/* Run one request to completion; the caller frees the result. */
static struct engine_req *
run_sync(struct engine *e, const char *method, const char *path, json_t *body)
{
	bool done = false;
	struct engine_req *req =
		engine_start_json(e, method, path, body, sync_done, &done);

	engine_wait(e, &done);
	return req;
}

long
engine_call_status(struct engine *e, const char *method, const char *path,
		   json_t *body, json_t **out)
{
	struct engine_req *req;
	long status;

	if (out)
		*out = NULL;
	if (engine_negotiate(e) < 0)
		return -1;
	req = run_sync(e, method, path, body);
	if (req->transport_error) {
		engine_req_report(req);
		engine_req_free(req);
		return -1;
	}
	status = req->status;
	if (out && req->resp.len)
		*out = json_loadb(req->resp.ptr, req->resp.len, 0, NULL);
	engine_req_free(req);
	return status;
}

int
engine_call(struct engine *e, const char *method, const char *path,
	    json_t *body, json_t **out)
{
	struct engine_req *req;
	int ret;

	if (out)
		*out = NULL;
	if (engine_negotiate(e) < 0)
		return -1;
	req = run_sync(e, method, path, body);
	ret = engine_req_report(req);
	if (ret == 0 && out && req->resp.len)
		*out = json_loadb(req->resp.ptr, req->resp.len, 0, NULL);
	engine_req_free(req);
	return ret;
}

/* Compare dotted API versions numerically: "1.9" < "1.41". */
static int
version_cmp(const char *a, const char *b)
{
	char *ea, *eb;

	for (;;) {
		long x = strtol(a, &ea, 10);
		long y = strtol(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' || *eb != '.')
			return (*ea == '.') - (*eb == '.');
		a = ea + 1;
		b = eb + 1;
	}
}

const char *
engine_tcp_address(const struct engine *e, bool *tls, bool *verify,
		   const char **cert_dir)
{
	if (e->socket_path)
		return NULL;
	*tls = e->tls;
	*verify = e->tls_verify;
	*cert_dir = e->cert_dir;
	/* base_url is "http://host:port", or "https://..." with TLS. */
	return strstr(e->base_url, "://") + 3;
}

int
engine_negotiate(struct engine *e)
{
	struct engine_req *req;
	const char *v;

	if (e->negotiated)
		return 0;
	req = run_sync(e, "GET", "/_ping", NULL);
	if (engine_req_report(req) < 0) {
		engine_req_free(req);
		return -1;
	}
	v = req->api_version;
	if (*v == '\0' || version_cmp(v, ENGINE_API_MAX) > 0)
		v = ENGINE_API_MAX;
	snprintf(e->api_version, sizeof(e->api_version), "%s", v);
	e->negotiated = true;
	engine_req_free(req);
	return 0;
}

void
engine_query_add(struct buf *q, const char *key, const char *value)
{
	char *esc;

	if (value == NULL)
		return;
	esc = engine_escape(value);
	buf_addf(q, "%c%s=%s", q->ptr && strchr(q->ptr, '?') ? '&' : '?', key,
		 esc);
	free(esc);
}

char *
engine_escape(const char *s)
{
	struct buf b = BUF_INIT;
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			buf_addch(&b, c);
		} else {
			buf_addch(&b, '%');
			buf_addch(&b, hex[c >> 4]);
			buf_addch(&b, hex[c & 15]);
		}
	}
	return buf_detach(&b, NULL);
}
