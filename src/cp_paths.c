/*
 * cp_paths.c - the path rules of `berth cp` (cp_paths.h).
 *
 * They follow the docker CLI and moby's archive package (CopyInfo,
 * SplitPathDirEntry, PrepareArchiveCopy, RebaseArchiveEntries), so that
 * `berth cp` lands files exactly where `docker compose cp` would.
 */
#include "cp_paths.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void
cp_split_arg(const char *arg, char **service, char **path)
{
	const char *colon = strchr(arg, ':');

	/* "/abs", "plain" and "./a:b" are local; so is ":x" (no name). */
	if (arg[0] == '/' || colon == NULL || arg[0] == '.' || colon == arg) {
		*service = NULL;
		*path = xstrdup(arg);
		return;
	}
	*service = xstrndup(arg, (size_t)(colon - arg));
	*path = xstrdup(colon + 1);
}

bool
cp_has_trailing_sep(const char *path)
{
	size_t n = strlen(path);

	return n && path[n - 1] == '/';
}

bool
cp_specifies_current_dir(const char *path)
{
	char *b = cp_base(path);
	bool dot = strcmp(b, ".") == 0;

	free(b);
	return dot;
}

bool
cp_asserts_dir(const char *path)
{
	return cp_has_trailing_sep(path) || cp_specifies_current_dir(path);
}

char *
cp_clean(const char *path)
{
	struct buf b = BUF_INIT;
	bool rooted = path[0] == '/';
	size_t dotdot; /* b.len below which ".." cannot remove */
	const char *p = path;

	if (rooted)
		buf_addch(&b, '/');
	dotdot = b.len;
	while (*p) {
		const char *e;
		size_t n;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (b.len > dotdot) {
				/* Back to the previous separator. */
				size_t l = b.len;

				while (l > dotdot && b.ptr[l - 1] != '/')
					l--;
				if (l > dotdot)
					l--; /* the separator itself */
				buf_setlen(&b, l);
			} else if (!rooted) {
				if (b.len)
					buf_addch(&b, '/');
				buf_adds(&b, "..");
				dotdot = b.len;
			}
		} else {
			if (b.len && !(rooted && b.len == 1))
				buf_addch(&b, '/');
			buf_add(&b, p, n);
		}
		p += n;
	}
	if (b.len == 0)
		buf_addch(&b, '.');
	return buf_detach(&b, NULL);
}

char *
cp_base(const char *path)
{
	size_t n = strlen(path);
	const char *s;

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup(".");
	if (n == 1 && path[0] == '/')
		return xstrdup("/");
	for (s = path + n; s > path && s[-1] != '/'; s--)
		;
	return xstrndup(s, (size_t)(path + n - s));
}

/* Go's filepath.Dir: everything before the last element, cleaned. */
static char *
cp_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *head, *ret;

	if (slash == NULL)
		return xstrdup(".");
	head = xstrndup(path, (size_t)(slash - path + 1));
	ret = cp_clean(head);
	free(head);
	return ret;
}

void
cp_split_dir_entry(const char *path, char **dir, char **base)
{
	char *clean = cp_clean(path);

	if (cp_specifies_current_dir(path)) {
		char *dotted = xasprintf("%s/.", clean);

		free(clean);
		clean = dotted;
	}
	*dir = cp_dir(clean);
	*base = cp_base(clean);
	free(clean);
}

char *
cp_preserve_trailing(const char *cleaned, const char *original)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, cleaned);
	if (!cp_specifies_current_dir(cleaned) &&
	    cp_specifies_current_dir(original)) {
		if (!cp_has_trailing_sep(b.ptr))
			buf_addch(&b, '/');
		buf_addch(&b, '.');
	}
	if (!cp_has_trailing_sep(b.ptr) && cp_has_trailing_sep(original))
		buf_addch(&b, '/');
	return buf_detach(&b, NULL);
}

char *
cp_local_abs(const char *path, const char *cwd)
{
	char *joined = path[0] == '/' ? xstrdup(path) :
					xasprintf("%s/%s", cwd, path);
	char *clean = cp_clean(joined);
	char *ret = cp_preserve_trailing(clean, path);

	free(joined);
	free(clean);
	return ret;
}

char *
cp_link_path(const char *link, const char *target)
{
	char *dir, *base, *joined, *ret;

	if (target[0] == '/')
		return cp_clean(target);
	cp_split_dir_entry(link, &dir, &base);
	joined = xasprintf("%s/%s", dir, target);
	ret = cp_clean(joined);
	free(dir);
	free(base);
	free(joined);
	return ret;
}

char *
cp_follow_name(const char *path, const char *resolved, char **rebase)
{
	struct buf b = BUF_INIT;
	char *pb, *rb;

	buf_adds(&b, resolved);
	if (cp_specifies_current_dir(path) && !cp_specifies_current_dir(b.ptr))
		buf_adds(&b, "/.");
	if (cp_has_trailing_sep(path) && !cp_has_trailing_sep(b.ptr))
		buf_addch(&b, '/');
	pb = cp_base(path);
	rb = cp_base(b.ptr);
	*rebase = NULL;
	if (strcmp(pb, rb) != 0)
		*rebase = pb;
	else
		free(pb);
	free(rb);
	return buf_detach(&b, NULL);
}

int
cp_prepare(const struct cp_info *src, const struct cp_info *dst,
	   struct cp_plan *out)
{
	char *dst_dir, *dst_base, *src_dir, *src_base;
	int ret = CP_OK;

	memset(out, 0, sizeof(*out));
	cp_split_dir_entry(dst->path, &dst_dir, &dst_base);
	cp_split_dir_entry(src->path, &src_dir, &src_base);
	out->from = xstrdup(src_base);
	if (dst->exists && dst->is_dir) {
		/* Into the directory, under the source's own name. */
		out->dst_dir = xstrdup(dst->path);
		out->to = xstrdup(src->rebase ? src->rebase : src_base);
	} else if (dst->exists && src->is_dir) {
		ret = CP_ERR_COPY_DIR;
	} else if (!dst->exists && !src->is_dir && cp_asserts_dir(dst->path)) {
		ret = CP_ERR_NO_DIR;
	} else {
		/*
		 * Onto an existing file, or to a new name: into the parent,
		 * under the destination's name.
		 */
		out->dst_dir = xstrdup(dst_dir);
		out->to = xstrdup(dst_base);
	}
	free(dst_dir);
	free(dst_base);
	free(src_dir);
	free(src_base);
	if (ret != CP_OK)
		cp_plan_release(out);
	return ret;
}

void
cp_plan_release(struct cp_plan *p)
{
	if (p == NULL)
		return;
	free(p->dst_dir);
	free(p->from);
	free(p->to);
	memset(p, 0, sizeof(*p));
}

char *
cp_rename_entry(const char *name, const char *from, const char *to)
{
	size_t n = strlen(from), len = strlen(name);

	while (len > 1 && name[len - 1] == '/')
		len--;
	if (len < n || strncmp(name, from, n) != 0 ||
	    (len > n && name[n] != '/'))
		return NULL;
	return xasprintf("%s%.*s", to, (int)(len - n), name + n);
}

bool
cp_entry_safe(const char *name)
{
	const char *p = name;

	if (*name == '/' || *name == '\0')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

const char *
cp_strerror(int err)
{
	switch (err) {
	case CP_ERR_COPY_DIR:
		return "cannot copy directory";
	case CP_ERR_NO_DIR:
		return "no such directory";
	case CP_ERR_NOT_DIR:
		return "not a directory";
	case CP_ERR_UNSAFE_NAME:
		return "archive entry outside the destination";
	}
	return "no error";
}
