/*
 * build_digest.c - digest of build inputs, stat cache and manifest
 * (build_digest.h).
 *
 * Both cache files are plain text, one record a line, written to a
 * temporary file and renamed into place so a crash never leaves half a
 * cache. A cache that cannot be read or written only costs time: the
 * files are hashed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "build_digest.h"
#include "log.h"
#include "xalloc.h"

#define STAT_MAGIC     "berth-stat-cache 1"
#define MANIFEST_MAGIC "berth-manifest 1"
/*
 * A file changed within this long before the scan may change again
 * without its mtime moving (timestamps come from a coarse clock): such
 * an entry is cached as "always re-read".
 */
#define RACY_NS 100000000LL

/* ---- a string -> record map (open addressing) ---- */

struct rec {
	char *path;
	int64_t size, mtime_ns, ctime_ns;
	uint64_t ino, dev;
	unsigned char sum[32];
	bool used;
};

struct recmap {
	struct rec *slots;
	size_t cap, n;
};

static size_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static struct rec *
recmap_slot(struct recmap *m, const char *path)
{
	for (size_t i = str_hash(path) & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1))
		if (m->slots[i].path == NULL ||
		    strcmp(m->slots[i].path, path) == 0)
			return &m->slots[i];
}

/* Insert r (taking its path); a later record for a path replaces it. */
static void
recmap_put(struct recmap *m, struct rec *r)
{
	struct rec *s;

	if (2 * (m->n + 1) > m->cap) {
		struct recmap big = { 0 };

		big.cap = m->cap ? 2 * m->cap : 256;
		big.slots = xcalloc(big.cap, sizeof(*big.slots));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].path)
				*recmap_slot(&big, m->slots[i].path) =
					m->slots[i];
		big.n = m->n;
		free(m->slots);
		*m = big;
	}
	s = recmap_slot(m, r->path);
	if (s->path) {
		free(s->path);
	} else {
		m->n++;
	}
	*s = *r;
}

/* Make room for n records without rehashing. */
static void
recmap_reserve(struct recmap *m, size_t n)
{
	size_t cap = 256;

	while (cap < 2 * n + 2)
		cap *= 2;
	if (m->cap >= cap)
		return;
	free(m->slots);
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->n = 0;
}

static struct rec *
recmap_get(struct recmap *m, const char *path)
{
	struct rec *s;

	if (m->cap == 0)
		return NULL;
	s = recmap_slot(m, path);
	return s->path ? s : NULL;
}

static void
recmap_release(struct recmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].path);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- helpers ---- */

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		int v;
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
slurp(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* mkdir -p the directory part of path. */
static void
make_parent_dirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	free(p);
}

/* Write text to path atomically; failures only cost the cache. */
static void
write_atomic(const char *path, const struct buf *text)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f;

	make_parent_dirs(path);
	f = fopen(tmp, "wb");
	if (f == NULL) {
		debug("cannot write \"%s\": %s", tmp, strerror(errno));
		free(tmp);
		return;
	}
	if (fwrite(text->ptr, 1, text->len, f) != text->len || fclose(f) != 0 ||
	    rename(tmp, path) < 0) {
		debug("cannot write \"%s\": %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
}

/* ---- file hashing with the stat cache ---- */

static int
hash_file(const struct build_context *c, struct ctx_entry *e, char *chunk,
	  size_t chunk_size)
{
	char *path = xasprintf("%s/%s", c->dir, e->path);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	EVP_MD_CTX *md;
	ssize_t n = 0;

	if (fd < 0) {
		error("cannot read \"%s\": %s", path, strerror(errno));
		free(path);
		return -1;
	}
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((n = read(fd, chunk, chunk_size)) > 0)
		EVP_DigestUpdate(md, chunk, (size_t)n);
	if (n < 0)
		error("cannot read \"%s\": %s", path, strerror(errno));
	EVP_DigestFinal_ex(md, e->sum, NULL);
	EVP_MD_CTX_free(md);
	close(fd);
	free(path);
	e->summed = n == 0;
	return n < 0 ? -1 : 0;
}

static void
stat_cache_load(const char *path, const char *dir, struct recmap *m)
{
	struct buf b = BUF_INIT;
	char *line, *next, *end;

	if (path == NULL || slurp(path, &b) < 0)
		goto done;
	end = b.ptr + b.len;
	line = b.ptr;
	next = memchr(line, '\n', b.len);
	/* The header names the context: another one's cache is no use. */
	if (next == NULL ||
	    strncmp(line, STAT_MAGIC " ", strlen(STAT_MAGIC) + 1) ||
	    (size_t)(next - line) != strlen(STAT_MAGIC) + 1 + strlen(dir) ||
	    memcmp(line + strlen(STAT_MAGIC) + 1, dir, strlen(dir)) != 0)
		goto done;
	{
		size_t lines = 0;
		for (char *s = next; s;
		     s = memchr(s + 1, '\n', (size_t)(end - s - 1)))
			lines++;
		recmap_reserve(m, lines);
	}
	/* SIZE MTIME CTIME INO DEV SHA256 PATH, parsed by hand: sscanf is slow.
	 */
	for (line = next + 1; line < end; line = next + 1) {
		struct rec r = { 0 };
		char *s = line;

		next = memchr(line, '\n', (size_t)(end - line));
		if (next == NULL)
			break;
		*next = '\0';
		r.size = strtoll(s, &s, 10);
		r.mtime_ns = strtoll(s, &s, 10);
		r.ctime_ns = strtoll(s, &s, 10);
		r.ino = strtoull(s, &s, 10);
		r.dev = strtoull(s, &s, 10);
		if (*s != ' ' || next - s < 67 || s[65] != ' ' ||
		    hex_decode(s + 1, r.sum, 32) < 0)
			continue;
		r.path = xstrdup(s + 66);
		recmap_put(m, &r);
	}
done:
	buf_release(&b);
}

static bool
rec_matches(const struct rec *r, const struct ctx_entry *e)
{
	return r->size == (int64_t)e->size && r->mtime_ns == e->mtime_ns &&
	       r->ctime_ns == e->ctime_ns && r->ino == (uint64_t)e->ino &&
	       r->dev == (uint64_t)e->dev;
}

static void
stat_cache_save(const char *path, const struct build_context *c,
		int64_t scan_start)
{
	struct buf b = BUF_INIT;
	char hex[65];

	buf_addf(&b, "%s %s\n", STAT_MAGIC, c->dir);
	for (size_t i = 0; i < c->n; i++) {
		const struct ctx_entry *e = &c->e[i];
		bool racy = e->mtime_ns >= scan_start - RACY_NS ||
			    e->ctime_ns >= scan_start - RACY_NS;

		if (!e->summed || e->data || strchr(e->path, '\n'))
			continue;
		hex_encode(e->sum, 32, hex);
		buf_addf(&b,
			 "%" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64
			 " %" PRIu64 " %s %s\n",
			 racy ? (int64_t)-1 : (int64_t)e->size, e->mtime_ns,
			 e->ctime_ns, (uint64_t)e->ino, (uint64_t)e->dev, hex,
			 e->path);
	}
	write_atomic(path, &b);
	buf_release(&b);
}

int
build_digest_files(struct build_context *c, const char *cache_path)
{
	struct recmap cache = { 0 };
	int64_t start = now_ns();
	size_t hits = 0;
	bool dirty = false;
	char *chunk = NULL;
	int ret = 0;

	stat_cache_load(cache_path, c->dir, &cache);
	for (size_t i = 0; i < c->n && ret == 0; i++) {
		struct ctx_entry *e = &c->e[i];
		struct rec *r;

		if (!S_ISREG(e->mode) || e->hardlink)
			continue;
		if (e->data) {
			EVP_Digest(e->data, e->data_len, e->sum, NULL,
				   EVP_sha256(), NULL);
			e->summed = true;
			continue;
		}
		r = recmap_get(&cache, e->path);
		if (r && rec_matches(r, e)) {
			memcpy(e->sum, r->sum, 32);
			e->summed = true;
			hits++;
			if (e->mtime_ns >= start - RACY_NS ||
			    e->ctime_ns >= start - RACY_NS)
				dirty = true;
			continue;
		}
		if (chunk == NULL)
			chunk = xmalloc(1 << 16);
		ret = hash_file(c, e, chunk, 1 << 16);
		dirty = true;
	}
	/* Entries that went away also call for a rewrite. */
	if (hits != cache.n)
		dirty = true;
	if (ret == 0 && dirty && cache_path)
		stat_cache_save(cache_path, c, start);
	free(chunk);
	recmap_release(&cache);
	return ret;
}

/* ---- the digest ---- */

/* What one entry is, besides its path: type, permissions, content. */
static void
entry_hash(const struct build_context *c, const struct ctx_entry *e,
	   unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char head[32];
	char type = S_ISREG(e->mode)  ? (e->hardlink ? 'h' : 'f') :
		    S_ISDIR(e->mode)  ? 'd' :
		    S_ISLNK(e->mode)  ? 'l' :
		    S_ISFIFO(e->mode) ? 'p' :
		    S_ISCHR(e->mode)  ? 'c' :
		    S_ISBLK(e->mode)  ? 'b' :
					'?';

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	snprintf(head, sizeof(head), "%c %04o ", type,
		 (unsigned)(e->mode & 07777));
	EVP_DigestUpdate(md, head, strlen(head));
	if (type == 'f')
		EVP_DigestUpdate(md, e->sum, 32);
	else if (type == 'h')
		EVP_DigestUpdate(md, c->e[e->hardlink - 1].path,
				 strlen(c->e[e->hardlink - 1].path));
	else if (type == 'l')
		EVP_DigestUpdate(md, e->link, strlen(e->link));
	else if (type == 'c' || type == 'b') {
		snprintf(head, sizeof(head), "%ju", (uintmax_t)e->rdev);
		EVP_DigestUpdate(md, head, strlen(head));
	}
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Feed "KEY=VALUE\0" pairs of obj, in key order. */
static void
update_map(EVP_MD_CTX *md, const json_t *obj)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 0; i < n; i++) {
		const char *s =
			json_string_value(json_object_get(obj, keys[i]));
		EVP_DigestUpdate(md, keys[i], strlen(keys[i]));
		EVP_DigestUpdate(md, "=", 1);
		if (s)
			EVP_DigestUpdate(md, s, strlen(s));
		EVP_DigestUpdate(md, "", 1);
	}
	free(keys);
}

enum part {
	PART_ARGS,
	PART_TARGET,
	PART_LABELS,
	PART_DOCKERFILE,
	PART_PLATFORM,
	NPARTS
};
static const char *const part_names[NPARTS] = { "args", "target", "labels",
						"dockerfile", "platform" };

/*
 * Is this input part of the digest? A platform only when one is asked
 * for, so that images built before it was an input stay fresh.
 */
static bool
part_present(const struct build_params *bp, enum part which)
{
	return which != PART_PLATFORM || (bp->platform && *bp->platform);
}

/* The hash of one non-file input. */
static void
part_hash(const struct build_context *c, const struct build_params *bp,
	  enum part which, unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	switch (which) {
	case PART_ARGS:
		update_map(md, bp->args);
		break;
	case PART_TARGET:
		if (bp->target)
			EVP_DigestUpdate(md, bp->target, strlen(bp->target));
		break;
	case PART_LABELS:
		update_map(md, bp->labels);
		break;
	case PART_DOCKERFILE:
		EVP_DigestUpdate(md, c->dockerfile, strlen(c->dockerfile));
		break;
	case PART_PLATFORM:
		if (bp->platform)
			EVP_DigestUpdate(md, bp->platform,
					 strlen(bp->platform));
		break;
	case NPARTS:
		break;
	}
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
}

void
build_digest(const struct build_context *c, const struct build_params *bp,
	     char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	static const char magic[] = "berth build digest 1";

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, magic, sizeof(magic));
	for (int i = 0; i < NPARTS; i++) {
		if (!part_present(bp, (enum part)i))
			continue;
		part_hash(c, bp, (enum part)i, h);
		EVP_DigestUpdate(md, part_names[i], strlen(part_names[i]) + 1);
		EVP_DigestUpdate(md, h, 32);
	}
	for (size_t i = 0; i < c->n; i++) {
		entry_hash(c, &c->e[i], h);
		EVP_DigestUpdate(md, c->e[i].path, strlen(c->e[i].path) + 1);
		EVP_DigestUpdate(md, h, 32);
	}
	EVP_DigestFinal_ex(md, h, NULL);
	EVP_MD_CTX_free(md);
	hex_encode(h, 32, out);
}

/* ---- the manifest ---- */

int
build_manifest_save(const char *path, const char *digest,
		    const struct build_context *c,
		    const struct build_params *bp)
{
	struct buf b = BUF_INIT;
	unsigned char h[32];
	char hex[65];

	buf_addf(&b, "%s %s\n", MANIFEST_MAGIC, digest);
	for (int i = 0; i < NPARTS; i++) {
		if (!part_present(bp, (enum part)i))
			continue;
		part_hash(c, bp, (enum part)i, h);
		hex_encode(h, 32, hex);
		buf_addf(&b, "%s %s\n", part_names[i], hex);
	}
	for (size_t i = 0; i < c->n; i++) {
		if (strchr(c->e[i].path, '\n'))
			continue;
		entry_hash(c, &c->e[i], h);
		hex_encode(h, 32, hex);
		buf_addf(&b, "e %s %s\n", hex, c->e[i].path);
	}
	write_atomic(path, &b);
	buf_release(&b);
	return 0;
}

/* Add path to the changed list: name the first few, count the rest. */
static void
note_changed(struct buf *names, size_t *count, const char *path)
{
	if (*count < 3) {
		if (*count)
			buf_adds(names, ", ");
		buf_adds(names, path);
	}
	(*count)++;
}

/*
 * Read the manifest at path into b (its lines NUL-terminated in place),
 * its entries into m and its parts into parts/have_part. With old, only
 * the manifest of the build with that digest. 0, or -1 when there is
 * none (or another build's).
 */
static int
manifest_read(const char *path, const char *old, struct buf *b,
	      struct recmap *m, unsigned char parts[NPARTS][32],
	      bool have_part[NPARTS])
{
	char *line, *next, *end;

	if (path == NULL || slurp(path, b) < 0)
		return -1;
	end = b->ptr + b->len;
	next = memchr(b->ptr, '\n', b->len);
	if (next == NULL)
		return -1;
	*next = '\0';
	if (strncmp(b->ptr, MANIFEST_MAGIC " ", strlen(MANIFEST_MAGIC) + 1) ||
	    (old && strcmp(b->ptr + strlen(MANIFEST_MAGIC) + 1, old) != 0))
		return -1;
	for (line = next + 1; line < end; line = next + 1) {
		next = memchr(line, '\n', (size_t)(end - line));
		if (next == NULL)
			break;
		*next = '\0';
		if (strncmp(line, "e ", 2) == 0 && strlen(line) > 67 &&
		    line[66] == ' ') {
			struct rec r = { 0 };

			if (hex_decode(line + 2, r.sum, 32) < 0)
				continue;
			r.path = xstrdup(line + 67);
			recmap_put(m, &r);
			continue;
		}
		for (int i = 0; i < NPARTS; i++) {
			size_t k = strlen(part_names[i]);

			if (strncmp(line, part_names[i], k) == 0 &&
			    line[k] == ' ' &&
			    hex_decode(line + k + 1, parts[i], 32) == 0)
				have_part[i] = true;
		}
	}
	return 0;
}

bool
build_manifest_relinked(const char *path, const struct build_context *c)
{
	struct buf b = BUF_INIT;
	struct recmap m = { 0 };
	unsigned char parts[NPARTS][32];
	bool have_part[NPARTS] = { false }, relinked = false;

	if (manifest_read(path, NULL, &b, &m, parts, have_part) == 0) {
		for (size_t i = 0; i < c->n && !relinked; i++) {
			unsigned char h[32];
			struct rec *r;

			if (c->e[i].link == NULL ||
			    (r = recmap_get(&m, c->e[i].path)) == NULL)
				continue;
			entry_hash(c, &c->e[i], h);
			relinked = memcmp(r->sum, h, 32) != 0;
		}
	}
	recmap_release(&m);
	buf_release(&b);
	return relinked;
}

char *
build_manifest_diff(const char *path, const char *old,
		    const struct build_context *c,
		    const struct build_params *bp)
{
	struct buf b = BUF_INIT, names = BUF_INIT, out = BUF_INIT;
	struct recmap m = { 0 };
	unsigned char parts[NPARTS][32];
	bool have_part[NPARTS] = { false };
	size_t changed = 0;
	char *line, *end, *ret = NULL;

	if (manifest_read(path, old, &b, &m, parts, have_part) < 0)
		goto done;
	end = b.ptr + b.len;
	for (size_t i = 0; i < c->n; i++) {
		unsigned char h[32];
		struct rec *r = recmap_get(&m, c->e[i].path);

		entry_hash(c, &c->e[i], h);
		if (r == NULL || memcmp(r->sum, h, 32) != 0)
			note_changed(&names, &changed, c->e[i].path);
		if (r)
			r->used = true;
	}
	/* Removed paths, in the order the manifest listed them. */
	for (line = b.ptr; line < end; line += strlen(line) + 1) {
		struct rec *r;

		if (strncmp(line, "e ", 2) != 0 || strlen(line) <= 67)
			continue;
		r = recmap_get(&m, line + 67);
		if (r && !r->used) {
			note_changed(&names, &changed, r->path);
			r->used = true;
		}
	}
	if (changed) {
		buf_addf(&out, "context changed: %s", names.ptr);
		if (changed > 3)
			buf_addf(&out, " and %zu more", changed - 3);
	}
	for (int i = 0; i < NPARTS; i++) {
		unsigned char h[32];
		static const char *const what[NPARTS] = {
			"build args changed",	"target changed",
			"build labels changed", "Dockerfile changed",
			"platform changed",
		};

		if (!part_present(bp, (enum part)i) && !have_part[i])
			continue;
		part_hash(c, bp, (enum part)i, h);
		if (have_part[i] && part_present(bp, (enum part)i) &&
		    memcmp(h, parts[i], 32) == 0)
			continue;
		if (out.len)
			buf_adds(&out, "; ");
		buf_adds(&out, what[i]);
	}
	if (out.len == 0)
		buf_adds(&out, "build inputs changed");
	ret = buf_detach(&out, NULL);
done:
	recmap_release(&m);
	buf_release(&b);
	buf_release(&names);
	buf_release(&out);
	return ret;
}
