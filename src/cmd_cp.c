/*
 * cmd_cp.c - `berth cp`: copy files and directories between a service's
 * container and the local filesystem, as `docker compose cp` does.
 *
 * The engine's archive API does the container side: HEAD (or the
 * X-Docker-Container-Path-Stat header of GET) tells what a path is, GET
 * streams a tar of it, PUT extracts a tar into a directory. Where the
 * copy lands follows docker cp's rules (cp_paths.h); the tars are made
 * and extracted as they stream (cp_archive.h).
 *
 * From a service, the copy comes from one container: --index N, or the
 * lowest-numbered. To a service, it goes to every container of it (one
 * after another), or to --index N only; --all adds one-off containers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ev.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cmd.h"
#include "cp_archive.h"
#include "cp_paths.h"
#include "engine.h"
#include "lifecycle.h"
#include "log.h"
#include "progress.h"
#include "xalloc.h"

static const char cp_usage[] =
	"Usage: berth cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n"
	"       berth cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH\n"
	"\n"
	"Copy files/folders between a service container and the local\n"
	"filesystem. \"-\" is a tar archive on standard output or input.\n"
	"\n"
	"Options:\n"
	"      --all               include containers created by `run`\n"
	"  -a, --archive           archive mode: keep the files' uid and gid\n"
	"  -L, --follow-link       always follow a symbolic link in SRC_PATH\n"
	"      --index N           the service's container number N (default:\n"
	"                          every container to copy to, the first to\n"
	"                          copy from)\n";

static int cp_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_cp_entry = {
	.name = "cp",
	.summary = "Copy files/folders between a service container and the "
		   "local filesystem",
	.usage = cp_usage,
	.exec = cp_exec,
};

/* Go's os.FileMode bits in the engine's path stat. */
#define GO_MODE_DIR	  (1UL << 31)
#define GO_MODE_SYMLINK	  (1UL << 27)
#define GO_MODE_DEVICE	  (1UL << 26)
#define GO_MODE_IRREGULAR (1UL << 19)

struct cp_opts {
	bool all, archive, follow, dry_run;
	int index;
};

/* What the engine says of a container path. */
struct cp_stat {
	bool exists;
	unsigned long mode; /* Go's os.FileMode */
	char *link;	    /* linkTarget, or NULL */
};

static void
cp_stat_release(struct cp_stat *s)
{
	free(s->link);
	memset(s, 0, sizeof(*s));
}

/* Decode the X-Docker-Container-Path-Stat header into s. */
static int
cp_stat_decode(const char *b64, struct cp_stat *s)
{
	size_t len = strlen(b64), pad = 0;
	unsigned char *raw = xmalloc(len / 4 * 3 + 4);
	int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	json_t *j = NULL, *link;
	int ret = -1;

	while (pad < len && pad < 2 && b64[len - 1 - pad] == '=')
		pad++;
	if (n >= (int)pad)
		j = json_loadb((const char *)raw, (size_t)n - pad, 0, NULL);
	if (json_is_object(j)) {
		s->exists = true;
		s->mode = (unsigned long)json_integer_value(
			json_object_get(j, "mode"));
		link = json_object_get(j, "linkTarget");
		if (json_string_length(link))
			s->link = xstrdup(json_string_value(link));
		ret = 0;
	}
	json_decref(j);
	free(raw);
	return ret;
}

static void
on_req_done(struct engine_req *req, void *arg)
{
	*(bool *)arg = true;
}

/*
 * HEAD the path in container id. A path the engine cannot stat (missing,
 * or an error) leaves s->exists false: docker cp goes on regardless and
 * lets the copy itself fail with the engine's message.
 */
static int
cp_stat_path(struct engine *e, const char *id, const char *path,
	     struct cp_stat *s)
{
	char *q = engine_escape(path);
	char *url = xasprintf("/containers/%s/archive?path=%s", id, q);
	struct engine_req_opts o = { .method = "HEAD", .path = url };
	struct engine_req *req;
	const char *hdr;
	bool done = false;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	o.on_done = on_req_done;
	o.arg = &done;
	req = engine_start(e, &o);
	engine_wait(e, &done);
	if (engine_req_transport_error(req))
		ret = engine_req_report(req);
	else if (engine_req_status(req) == 200 &&
		 (hdr = engine_req_header_path_stat(req)))
		cp_stat_decode(hdr, s);
	engine_req_free(req);
	free(url);
	free(q);
	return ret;
}

/* ---- from a container ---- */

#define FILL_MAX (256 * 1024)

/* A streamed GET of a container path's tar. */
struct cp_get {
	struct engine *e;
	struct engine_req *req;
	struct buf fill;  /* arrived, not yet handed to libarchive */
	struct buf given; /* handed over: valid until the next read */
	int out_fd;	  /* "-": the tar goes here as it comes */
	bool done, paused, write_failed;
};

static int
get_on_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct cp_get *g = arg;

	if (g->out_fd >= 0) {
		while (len && !g->write_failed) {
			ssize_t n = write(g->out_fd, data, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				g->write_failed = true;
				error("cannot write the archive: %s",
				      strerror(errno));
				break;
			}
			data += n;
			len -= (size_t)n;
		}
		return 0;
	}
	/* Backpressure: the engine waits while libarchive catches up. */
	if (g->fill.len >= FILL_MAX) {
		g->paused = true;
		return ENGINE_PAUSE;
	}
	buf_add(&g->fill, data, len);
	return 0;
}

static void
get_on_done(struct engine_req *req, void *arg)
{
	((struct cp_get *)arg)->done = true;
}

/* The answer is complete: did it go well? 0 or -1 (reported). */
static int
get_result(struct cp_get *g)
{
	if (g->write_failed)
		return -1;
	return engine_req_report(g->req);
}

/* cp_read_fn over the GET: run the loop until more of the tar is in. */
static long
get_read(void *arg, const void **buf)
{
	struct cp_get *g = arg;
	struct buf tmp;

	buf_reset(&g->given);
	/* Never paused here: a pause needs a full fill, resumed below. */
	while (g->fill.len == 0 && !g->done)
		ev_run(engine_loop(g->e), EVRUN_ONCE);
	if (g->fill.len == 0)
		return get_result(g) < 0 ? -1 : 0;
	tmp = g->given;
	g->given = g->fill;
	g->fill = tmp;
	if (g->paused) {
		g->paused = false;
		engine_req_resume(g->req);
	}
	*buf = g->given.ptr;
	return (long)g->given.len;
}

/* Start the GET and wait for its headers (or its end). */
static void
get_start(struct cp_get *g, struct engine *e, const char *id, const char *path,
	  int out_fd)
{
	char *q = engine_escape(path);
	char *url = xasprintf("/containers/%s/archive?path=%s", id, q);
	struct engine_req_opts o = { .path = url };

	memset(g, 0, sizeof(*g));
	g->e = e;
	g->out_fd = out_fd;
	buf_init(&g->fill);
	buf_init(&g->given);
	o.on_data = get_on_data;
	o.on_done = get_on_done;
	o.arg = g;
	g->req = engine_start(e, &o);
	while (!g->done && engine_req_status(g->req) == 0)
		ev_run(engine_loop(e), EVRUN_ONCE);
	free(url);
	free(q);
}

static void
get_release(struct cp_get *g)
{
	engine_req_free(g->req);
	buf_release(&g->fill);
	buf_release(&g->given);
}

/*
 * docker's CopyInfoDestinationPath: follow dst while it is a symbolic
 * link; a missing dst needs an existing parent directory. Fills info
 * (path owned by *owned). 0 or -1 (reported).
 */
static int
local_dst_info(const char *dst, struct cp_info *info, char **owned)
{
	char *path = xstrdup(dst), *dir, *base;
	struct stat st;
	int i, ret = 0;

	memset(info, 0, sizeof(*info));
	for (i = 0; lstat(path, &st) == 0 && S_ISLNK(st.st_mode); i++) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		char *next;

		if (n < 0 || i > 10) {
			int err = errno;
			free(path);
			return n < 0 ? error("cannot read the link %s: %s", dst,
					     strerror(err)) :
				       error("too many symlinks in %s", dst);
		}
		target[n] = '\0';
		next = cp_link_path(path, target);
		free(path);
		path = next;
	}
	*owned = path;
	info->path = path;
	if (lstat(path, &st) == 0) {
		info->exists = true;
		info->is_dir = S_ISDIR(st.st_mode);
		return 0;
	}
	if (errno != ENOENT)
		return error("lstat %s: %s", path, strerror(errno));
	cp_split_dir_entry(path, &dir, &base);
	if (stat(dir, &st) < 0)
		ret = error("stat %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		ret = error("cannot copy to \"%s\": %s: %s", path, dir,
			    cp_strerror(CP_ERR_NOT_DIR));
	free(dir);
	free(base);
	return ret;
}

/* docker's ValidateOutputPath for a local destination. */
static int
local_dst_check(const char *dst)
{
	char *dir, *base;
	struct stat st;
	int ret = 0;

	cp_split_dir_entry(dst, &dir, &base);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		ret = error("invalid output path: directory \"%s\" does not "
			    "exist",
			    dir);
	else if (stat(dst, &st) == 0 && !S_ISDIR(st.st_mode) &&
		 !S_ISREG(st.st_mode))
		ret = error("invalid output path: \"%s\" must be a directory "
			    "or a regular file",
			    dst);
	free(dir);
	free(base);
	return ret;
}

/* Extract the GET's tar of src (rebase: -L's name) at the local dst. */
static int
copy_out_extract(struct cp_get *g, const char *src, const char *rebase,
		 const char *dst)
{
	const char *hdr = engine_req_header_path_stat(g->req);
	struct cp_stat st = { 0 };
	struct cp_info si = { src, true, false, rebase }, di;
	struct cp_plan plan = { 0 };
	char *dpath = NULL;
	int ret = -1, rc;

	if (hdr == NULL || cp_stat_decode(hdr, &st) < 0) {
		error("the engine sent no usable stat of \"%s\"", src);
		goto done;
	}
	si.is_dir = (st.mode & GO_MODE_DIR) != 0;
	if (local_dst_info(dst, &di, &dpath) < 0)
		goto done;
	rc = cp_prepare(&si, &di, &plan);
	if (rc != CP_OK) {
		error("cannot copy \"%s\" to \"%s\": %s", src, dst,
		      cp_strerror(rc));
		goto done;
	}
	if (cp_untar(plan.dst_dir, plan.from, plan.to, get_read, g) < 0)
		goto done;
	ret = 0;
done:
	cp_stat_release(&st);
	cp_plan_release(&plan);
	free(dpath);
	return ret;
}

/* From container c's src to the local dst ("-": stdout). */
static int
copy_out(struct target *t, const struct obs_container *c, const char *src,
	 const char *dst, const struct cp_opts *o)
{
	char *path = xstrdup(src), *rebase = NULL;
	struct cp_get g = { 0 };
	int ret = -1;

	if (strcmp(dst, "-") && local_dst_check(dst) < 0)
		goto done;
	if (o->follow || o->dry_run) {
		struct cp_stat st;

		if (cp_stat_path(t->engine, c->id, src, &st) < 0)
			goto done;
		if (o->dry_run && !st.exists) {
			cp_stat_release(&st);
			error("Could not find the file %s in container %s", src,
			      c->name);
			goto done;
		}
		/* -L: copy what the link points to, under the link's name. */
		if (o->follow && (st.mode & GO_MODE_SYMLINK) && st.link) {
			char *target = cp_link_path(src, st.link);

			free(path);
			path = cp_follow_name(src, target, &rebase);
			free(target);
		}
		cp_stat_release(&st);
	}
	if (o->dry_run) {
		ret = 0;
		goto done;
	}
	get_start(&g, t->engine, c->id, path,
		  strcmp(dst, "-") == 0 ? STDOUT_FILENO : -1);
	/* A failure (no such path) has no tar to wait for. */
	if (engine_req_status(g.req) < 200 || engine_req_status(g.req) >= 300) {
		engine_wait(t->engine, &g.done);
		ret = get_result(&g);
		goto done;
	}
	if (strcmp(dst, "-") == 0) {
		engine_wait(t->engine, &g.done);
		ret = get_result(&g);
	} else {
		ret = copy_out_extract(&g, path, rebase, dst);
	}
done:
	if (g.req)
		get_release(&g);
	free(path);
	free(rebase);
	return ret;
}

/* ---- to a container ---- */

/* The body of one PUT: a tar made as it goes, or a file (stdin). */
struct cp_put {
	struct cp_tar *tar;
	int fd;
	bool failed, done;
};

static void
put_on_done(struct engine_req *req, void *arg)
{
	((struct cp_put *)arg)->done = true;
}

static size_t
put_read(char *buf, size_t size, void *arg)
{
	struct cp_put *p = arg;
	long n;

	if (p->tar) {
		n = cp_tar_read(p->tar, buf, size);
	} else {
		do
			n = read(p->fd, buf, size);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			error("cannot read standard input: %s",
			      strerror(errno));
	}
	if (n < 0) {
		p->failed = true;
		return CURL_READFUNC_ABORT;
	}
	return (size_t)n;
}

/* PUT the body into dir of container id. 0 or -1 (reported). */
static int
put_archive(struct engine *e, const char *id, const char *dir, struct cp_put *p,
	    bool uidgid)
{
	char *q = engine_escape(dir);
	char *url = xasprintf("/containers/%s/archive?path=%s"
			      "&noOverwriteDirNonDir=1%s",
			      id, q, uidgid ? "&copyUIDGID=1" : "");
	struct engine_req_opts o = { .method = "PUT", .path = url };
	struct engine_req *req;
	int ret;

	o.content_type = "application/x-tar";
	o.read_body = put_read;
	o.on_done = put_on_done;
	o.arg = p;
	p->done = false;
	req = engine_start(e, &o);
	engine_wait(e, &p->done);
	ret = p->failed ? -1 : engine_req_report(req);
	engine_req_free(req);
	free(url);
	free(q);
	return ret;
}

/* The local source of a copy to containers, as docker cp resolves it. */
struct cp_src {
	char *path; /* resolved, trailing "/" or "/." kept */
	char *rebase;
	bool is_dir;
};

/* docker's CopyInfoSourcePath. 0 or -1 (reported). */
static int
local_src_info(const char *src, bool follow, struct cp_src *out)
{
	char *dir, *base, *real;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (follow) {
		char *clean = cp_clean(src);

		real = realpath(clean, NULL);
		if (real == NULL) {
			error("lstat %s: %s", clean, strerror(errno));
			free(clean);
			return -1;
		}
		free(clean);
		out->path = cp_follow_name(src, real, &out->rebase);
		free(real);
	} else {
		/* The parent's links are resolved, the last element's not. */
		const char *slash = strrchr(src, '/');

		dir = slash ? xstrndup(src, (size_t)(slash - src + 1)) :
			      xstrdup(".");
		base = xstrdup(slash ? slash + 1 : src);
		real = realpath(dir, NULL);
		if (real == NULL) {
			error("lstat %s: %s", dir, strerror(errno));
			free(dir);
			free(base);
			return -1;
		}
		out->path = xasprintf("%s%s%s", real,
				      strcmp(real, "/") ? "/" : "", base);
		if (cp_has_trailing_sep(src)) {
			char *a = cp_base(src), *b = cp_base(out->path);

			if (strcmp(a, b))
				out->rebase = a;
			else
				free(a);
			free(b);
		}
		free(real);
		free(dir);
		free(base);
	}
	if (lstat(out->path, &st) < 0) {
		error("lstat %s: %s", out->path, strerror(errno));
		return -1;
	}
	out->is_dir = S_ISDIR(st.st_mode);
	return 0;
}

static void
cp_src_release(struct cp_src *s)
{
	free(s->path);
	free(s->rebase);
}

/*
 * The destination in container c: dst stat'ed (through one symbolic
 * link). *path receives where it resolves to. 0 or -1 (reported).
 */
static int
container_dst_info(struct engine *e, const struct obs_container *c,
		   const char *dst, struct cp_info *info, char **path)
{
	struct cp_stat st;
	unsigned long mode;

	*path = xstrdup(dst);
	if (cp_stat_path(e, c->id, dst, &st) < 0)
		return -1;
	if (st.exists && (st.mode & GO_MODE_SYMLINK) && st.link) {
		char *target = cp_link_path(dst, st.link);

		free(*path);
		*path = target;
		cp_stat_release(&st);
		if (cp_stat_path(e, c->id, target, &st) < 0)
			return -1;
	}
	memset(info, 0, sizeof(*info));
	info->path = *path;
	info->exists = st.exists;
	info->is_dir = (st.mode & GO_MODE_DIR) != 0;
	mode = st.mode;
	cp_stat_release(&st);
	if (mode & (GO_MODE_DEVICE | GO_MODE_IRREGULAR))
		return error("destination \"%s:%s\" must be a directory or a "
			     "regular file",
			     c->name, dst);
	return 0;
}

/* From the local src (or stdin_fd) into container c's dst. */
static int
copy_in(struct target *t, const struct obs_container *c,
	const struct cp_src *src, int stdin_fd, const char *dst,
	const struct cp_opts *o)
{
	struct cp_info si, di;
	struct cp_plan plan = { 0 };
	struct cp_put put = { .fd = stdin_fd };
	char *dpath = NULL;
	int ret = -1, rc;

	if (container_dst_info(t->engine, c, dst, &di, &dpath) < 0)
		goto done;
	if (src == NULL) {
		if (!di.is_dir) {
			error("destination \"%s:%s\" must be a directory",
			      c->name, dst);
			goto done;
		}
		ret = o->dry_run ? 0 :
				   put_archive(t->engine, c->id, di.path, &put,
					       o->archive);
		goto done;
	}
	si = (struct cp_info){ src->path, true, src->is_dir, src->rebase };
	rc = cp_prepare(&si, &di, &plan);
	if (rc != CP_OK) {
		error("cannot copy \"%s\" to \"%s:%s\": %s", src->path, c->name,
		      dst, cp_strerror(rc));
		goto done;
	}
	if (o->dry_run) {
		ret = 0;
		goto done;
	}
	put.tar = cp_tar_new(src->path, plan.to, o->archive);
	ret = put_archive(t->engine, c->id, plan.dst_dir, &put, o->archive);
done:
	cp_tar_free(put.tar);
	cp_plan_release(&plan);
	free(dpath);
	return ret;
}

/* Standard input saved to a temporary file, to send it more than once. */
static int
spool_stdin(void)
{
	FILE *f = tmpfile();
	char chunk[65536];
	ssize_t n;
	int fd;

	if (f == NULL)
		return error("cannot create a temporary file: %s",
			     strerror(errno));
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0)
		return error("cannot create a temporary file: %s",
			     strerror(errno));
	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(fd, chunk, (size_t)n) != n) {
			error("cannot save standard input: %s",
			      strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* ---- the command ---- */

/*
 * The containers to copy with, as compose chooses them: --index N (not a
 * one-off), else every container of the service (one-offs too with
 * --all), of which a copy from the service uses the first. Caller frees
 * the array. Returns the count, or -1 (reported).
 */
static long
cp_targets(struct target *t, const char *svc, const struct cp_opts *o,
	   bool from, const struct obs_container ***out)
{
	const struct obs_container *c;
	size_t n;
	char *names[1];
	bool *sel;
	int ok;

	*out = NULL;
	if (o->index > 0 || from) {
		/* target_pick reports "no such service" and the index. */
		if (o->index == 0 &&
		    observed_service_containers(&t->obs, svc, o->all, out) == 0)
			goto none;
		free(*out);
		*out = NULL;
		if ((c = target_pick(t, svc, o->index)) == NULL)
			return -1;
		*out = xmalloc(sizeof(**out));
		(*out)[0] = c;
		return 1;
	}
	names[0] = (char *)svc;
	sel = xcalloc(t->services.n + 1, sizeof(*sel));
	ok = t->services.n == 0 || target_select(t, names, 1, sel) == 0;
	free(sel);
	if (!ok)
		return -1;
	n = observed_service_containers(&t->obs, svc, o->all, out);
	if (n)
		return (long)n;
none:
	free(*out);
	*out = NULL;
	if (t->project && target_service(t, svc) < 0)
		return error("no such service: %s", svc);
	return error("no container found for service \"%s\"", svc);
}

/* Run the copy with each container, under one progress display. */
static int
cp_run(struct target *t, const char *svc, const char *src, const char *dst,
       bool from, const struct cp_opts *o)
{
	const struct obs_container **cs = NULL;
	const char *kind = o->dry_run ? "DRY-RUN MODE -  Container" :
					"Container";
	struct cp_src local = { 0 };
	struct progress *p = NULL;
	int stdin_fd = STDIN_FILENO, failed = 0;
	const char *lpath = from ? dst : src;
	char *cwd = NULL, *abs = NULL;
	long n = cp_targets(t, svc, o, from, &cs);

	if (n < 0)
		return -1;
	/* The local side made absolute, its trailing "/" or "/." kept. */
	if (strcmp(lpath, "-")) {
		cwd = getcwd(NULL, 0);
		if (cwd == NULL) {
			failed = error("cannot find the current directory: %s",
				       strerror(errno));
			goto done;
		}
		abs = cp_local_abs(lpath, cwd);
	}
	if (!from && abs && local_src_info(abs, o->follow, &local) < 0) {
		failed = 1;
		goto done;
	}
	if (!from && strcmp(src, "-") == 0 && n > 1 && !o->dry_run &&
	    (stdin_fd = spool_stdin()) < 0) {
		failed = 1;
		goto done;
	}
	p = progress_new(t->g->progress, t->g->ansi, "Copying", NULL);
	for (long i = 0; i < n; i++) {
		char *what =
			from ? xasprintf("%s:%s to %s", cs[i]->name, src, dst) :
			       xasprintf("%s to %s:%s", src, cs[i]->name, dst);
		char *text = xasprintf("Copying %s", what);
		int ret;

		progress_event(p, kind, cs[i]->name, text, PROGRESS_WORKING);
		free(text);
		if (stdin_fd != STDIN_FILENO)
			lseek(stdin_fd, 0, SEEK_SET);
		if (from)
			ret = copy_out(t, cs[i], src, abs ? abs : dst, o);
		else
			ret = copy_in(t, cs[i],
				      strcmp(src, "-") ? &local : NULL,
				      stdin_fd, dst, o);
		text = xasprintf("Copied %s", what);
		if (ret == 0)
			progress_event(p, kind, cs[i]->name, text,
				       PROGRESS_DONE);
		else
			progress_event(p, kind, cs[i]->name, "Error",
				       PROGRESS_ERROR);
		free(text);
		free(what);
		if (ret < 0)
			failed++;
	}
done:
	progress_free(p);
	if (stdin_fd != STDIN_FILENO)
		close(stdin_fd);
	cp_src_release(&local);
	free(cs);
	free(cwd);
	free(abs);
	return failed ? -1 : 0;
}

static int
cp_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_ALL = 256, OPT_INDEX };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "archive", no_argument, NULL, 'a' },
		{ "follow-link", no_argument, NULL, 'L' },
		{ "index", required_argument, NULL, OPT_INDEX },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct cp_opts o = { .dry_run = g->dry_run };
	char *ssvc = NULL, *spath = NULL, *dsvc = NULL, *dpath = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_cp_entry, argc, argv, "aL", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_ALL)
			o.all = true;
		else if (c == 'a')
			o.archive = true;
		else if (c == 'L')
			o.follow = true;
		else if (c == OPT_INDEX &&
			 target_parse_index(&cmd_cp_entry, optarg, &o.index) <
				 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 2)
		return cmd_usage_error(&cmd_cp_entry,
				       "a source and a destination are needed");
	if (*argv[optind] == '\0')
		return cmd_usage_error(&cmd_cp_entry,
				       "source can not be empty");
	if (*argv[optind + 1] == '\0')
		return cmd_usage_error(&cmd_cp_entry,
				       "destination can not be empty");
	cp_split_arg(argv[optind], &ssvc, &spath);
	cp_split_arg(argv[optind + 1], &dsvc, &dpath);
	if (ssvc && dsvc) {
		error("copying between services is not supported");
		goto done;
	}
	if (!ssvc && !dsvc) {
		error("unknown copy direction");
		hint("name the container side SERVICE:PATH, as in "
		     "`berth cp web:/etc/hosts .`");
		goto done;
	}
	/* Stopped containers are copied with too, as docker cp allows. */
	if (target_open(&t, g,
			TARGET_ALL | (o.all && o.index == 0 ? TARGET_ONEOFF :
							      0)) == 0 &&
	    cp_run(&t, ssvc ? ssvc : dsvc, spath, dpath, ssvc != NULL, &o) == 0)
		ret = EXIT_OK;
	target_close(&t);
done:
	free(ssvc);
	free(spath);
	free(dsvc);
	free(dpath);
	return ret;
}
