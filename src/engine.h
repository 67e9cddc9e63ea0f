/*
 * engine.h - the Docker Engine HTTP API client.
 *
 * One struct engine owns one libcurl multi handle driven by a libev loop
 * (socket and timer callbacks, the pattern of curl's evhiperfifo.c), so any
 * number of requests and long-lived streams (logs, events, build output) run
 * at once on one thread. Connections are reused across requests.
 *
 * Ownership: engine_open gives the caller an engine to engine_free. A
 * request from engine_start belongs to the caller once its on_done callback
 * has run (engine_req_free it there or later); engine_cancel frees it at
 * once without calling on_done. Paths are API paths without the version
 * prefix ("/containers/json?all=1"): the engine adds the negotiated one.
 */
#ifndef BERTH_ENGINE_H
#define BERTH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct ev_loop;
struct engine;
struct engine_req;

/* The highest Engine API version berth speaks. */
#define ENGINE_API_MAX "1.45"
/* What berth assumes before (or without) negotiation. */
#define ENGINE_API_MIN "1.41"

/*
 * Streamed response data. Return 0 to go on, or ENGINE_PAUSE to stop
 * reading from the engine until engine_req_resume (backpressure); data is
 * then delivered again on resume.
 */
#define ENGINE_PAUSE 1
typedef int (*engine_data_fn)(struct engine_req *req, const char *data,
			      size_t len, void *arg);
/* Streamed request body: fill buf, return bytes written, 0 at the end. */
typedef size_t (*engine_read_fn)(char *buf, size_t size, void *arg);
typedef void (*engine_done_fn)(struct engine_req *req, void *arg);

struct engine_req_opts {
	const char *method; /* "GET" when NULL */
	const char *path;   /* without the /vX.Y prefix */
	const char *body;   /* request body, copied; or NULL */
	size_t body_len;
	const char *content_type; /* defaults to application/json */
	engine_read_fn read_body; /* streamed (chunked) upload instead */
	engine_data_fn on_data;	  /* stream the response instead of buffering */
	engine_done_fn on_done;
	void *arg;
	long timeout_ms;	  /* 0: none (streams) */
	const char *extra_header; /* one "Name: value" header, or NULL */
};

/* Where DOCKER_HOST (or the default socket) points; no I/O happens yet. */
int engine_open(struct engine **out, struct ev_loop *loop);
void engine_free(struct engine *e);
struct ev_loop *engine_loop(struct engine *e);
/* The host as the user would write it: unix:///var/run/docker.sock */
const char *engine_host(const struct engine *e);
/*
 * "host:port" of a tcp engine, else NULL (a unix socket); *tls says
 * whether it is spoken to with TLS, and then *verify (DOCKER_TLS_VERIFY)
 * and *cert_dir (DOCKER_CERT_PATH, else ~/.docker: ca.pem, cert.pem,
 * key.pem) as libcurl's requests use them.
 */
const char *engine_tcp_address(const struct engine *e, bool *tls, bool *verify,
			       const char **cert_dir);
/* The API version in use ("1.41"), after engine_negotiate. */
const char *engine_api_version(const struct engine *e);

/*
 * GET /_ping and settle the API version: the lower of the engine's and
 * ENGINE_API_MAX. Prints "cannot reach the Docker engine at ..." and returns
 * -1 when the engine does not answer. Cheap after the first call.
 */
int engine_negotiate(struct engine *e);

/*
 * Start a request. Allowed from any callback, on_data included: libcurl
 * refuses new transfers from inside its callbacks, so such a request is
 * handed to curl on the next loop turn.
 */
struct engine_req *
engine_start(struct engine *e, const struct engine_req_opts *o);
/* engine_start with a JSON body (NULL: none), the answer buffered. */
struct engine_req *
engine_start_json(struct engine *e, const char *method, const char *path,
		  const json_t *body, engine_done_fn done, void *arg);
void engine_cancel(struct engine_req *req);

/*
 * A container's DELETE answered 409 "removal ... already in progress":
 * another client (docker rm, a second down) removes it this very moment,
 * the end that was asked for. engine_wait_removed waits for that removal
 * (POST /containers/{id}/wait?condition=removed, 60 s at most: a removal
 * that fails elsewhere never says "removed"); engine_removal_wait_error
 * reads its answer: NULL when the container is gone, else why not (the
 * engine's or the connection's words; the string lives with req).
 */
bool engine_req_removal_elsewhere(const struct engine_req *req);
struct engine_req *engine_wait_removed(struct engine *e, const char *id,
				       engine_done_fn done, void *arg);
const char *engine_removal_wait_error(const struct engine_req *req);
void engine_req_free(struct engine_req *req);
void engine_req_resume(struct engine_req *req);

/* After on_done: transport error text (NULL when the engine answered). */
const char *engine_req_transport_error(const struct engine_req *req);
/* The HTTP status; for a stream, known once its headers are in (else 0). */
long engine_req_status(const struct engine_req *req);
/* The buffered response body (NUL-terminated), empty when streamed. */
const char *engine_req_body(const struct engine_req *req, size_t *len);
const char *engine_req_content_type(const struct engine_req *req);
const char *engine_req_header_api_version(const struct engine_req *req);
/* The X-Docker-Container-Path-Stat header (base64 JSON), or NULL. */
const char *engine_req_header_path_stat(const struct engine_req *req);
struct engine *engine_req_engine(const struct engine_req *req);
/*
 * Report a finished request's failure as one line through error(): either
 * "cannot reach the Docker engine at HOST: REASON" or the engine's own
 * message with its HTTP status. Returns -1; returns 0 for a 2xx answer.
 */
int engine_req_report(const struct engine_req *req);
/* The engine's {"message": ...} text of an error answer (borrowed). */
const char *engine_req_message(const struct engine_req *req);

/*
 * Synchronous convenience for top-level code (never from a loop callback):
 * run one request to completion. Returns the HTTP status (>= 100), or -1
 * after reporting a transport error. When out is given and the answer is
 * JSON, *out receives it (new reference). Errors >= 400 are not reported:
 * see engine_call.
 */
long engine_call_status(struct engine *e, const char *method, const char *path,
			json_t *body, json_t **out);
/* Like engine_call_status, but any non-2xx answer is reported; 0 or -1. */
int engine_call(struct engine *e, const char *method, const char *path,
		json_t *body, json_t **out);

/* Run the loop until *flag becomes true. */
void engine_wait(struct engine *e, const bool *flag);

/* Percent-encode s for a query string; caller frees. */
char *engine_escape(const char *s);
/* Append "?key=value" (or "&..." once q has a '?') to the path in q,
   value escaped; a NULL value adds nothing. */
struct buf;
void engine_query_add(struct buf *q, const char *key, const char *value);

#endif
