/*
 * canon_parse.c - the short-syntax parsers of compose (canon.h): volume
 * and port specs, Go durations, byte sizes and shell command lines.
 *
 * They follow compose-go format/volume.go, docker's nat.ParsePortSpec,
 * Go's time.ParseDuration / Duration.String, docker's units.RAMInBytes
 * and mattn/go-shellwords, so the canonical form matches what docker
 * compose prints.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canon.h"
#include "jsonx.h"
#include "pos.h"
#include "xalloc.h"

/* ---- volumes ---- */

static bool
is_file_path(const char *s)
{
	if (*s == '\0')
		return false;
	return *s == '.' || *s == '/' || *s == '~';
}

static bool
is_propagation(const char *o)
{
	static const char *const p[] = { "shared", "rshared", "slave",
					 "rslave", "private", "rprivate" };

	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		if (strcmp(o, p[i]) == 0)
			return true;
	return false;
}

static json_t *
sub_object(json_t *v, const char *key)
{
	json_t *o = json_object_get(v, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(v, key, o);
	}
	return o;
}

static void
volume_options(json_t *v, const char *opts)
{
	char *copy = xstrdup(opts), *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "ro") == 0)
			json_object_set_new(v, "read_only", json_true());
		else if (strcmp(o, "rw") == 0)
			json_object_del(v, "read_only");
		else if (strcmp(o, "nocopy") == 0)
			json_object_set_new(sub_object(v, "volume"), "nocopy",
					    json_true());
		else if (strcmp(o, "z") == 0 || strcmp(o, "Z") == 0)
			json_object_set_new(sub_object(v, "bind"), "selinux",
					    json_string(o));
		else if (is_propagation(o))
			json_object_set_new(sub_object(v, "bind"),
					    "propagation", json_string(o));
		/* unknown options are ignored, as compose-go does */
	}
	free(copy);
}

int
canon_volume_parse(const char *spec, json_t **out, char **err)
{
	char *parts[3] = { NULL, NULL, NULL };
	size_t n = 0, len = strlen(spec);
	const char *s = spec;
	json_t *v;

	*out = NULL;
	if (len == 0) {
		*err = xstrdup("empty volume spec");
		return -1;
	}
	while (1) {
		const char *c = strchr(s, ':');
		size_t l = c ? (size_t)(c - s) : strlen(s);

		if (l == 0) {
			*err = xstrdup("empty section between colons");
			goto fail;
		}
		if (n == 3) {
			*err = xstrdup("too many colons");
			goto fail;
		}
		parts[n++] = xstrndup(s, l);
		if (c == NULL)
			break;
		s = c + 1;
	}
	v = json_object();
	if (n == 1) {
		json_object_set_new(v, "type", json_string("volume"));
		json_object_set_new(v, "target", json_string(parts[0]));
	} else {
		bool bind = is_file_path(parts[0]);

		json_object_set_new(v, "type",
				    json_string(bind ? "bind" : "volume"));
		json_object_set_new(v, "source", json_string(parts[0]));
		json_object_set_new(v, "target", json_string(parts[1]));
		if (bind)
			json_object_set_new(sub_object(v, "bind"),
					    "create_host_path", json_true());
	}
	if (n == 3)
		volume_options(v, parts[2]);
	if (strcmp(jx_str(v, "type"), "volume") == 0)
		sub_object(v, "volume");
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	*out = v;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	return -1;
}

/* ---- ports ---- */

static int
port_range(const char *s, unsigned long *lo, unsigned long *hi)
{
	char *end;
	const char *dash = strchr(s, '-');

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*lo = strtoul(s, &end, 10);
	if (errno || *lo > 65535)
		return -1;
	if (dash == NULL) {
		*hi = *lo;
		return *end == '\0' ? 0 : -1;
	}
	if (end != dash || !isdigit((unsigned char)dash[1]))
		return -1;
	*hi = strtoul(dash + 1, &end, 10);
	if (*end != '\0' || *hi > 65535 || *hi < *lo)
		return -1;
	return 0;
}

static bool
valid_ip(const char *ip)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, ip, tmp) == 1 ||
	       inet_pton(AF_INET6, ip, tmp) == 1;
}

static int
cmp_port_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
canon_ports_parse(const char *spec, json_t *arr, const json_t *from, char **err)
{
	char *copy = xstrdup(spec), *ip = NULL, *host = NULL, *cont, *proto;
	char tcp[] = "tcp";
	char *last = strrchr(copy, ':');
	unsigned long clo, chi, hlo = 0, hhi = 0;
	int ret = -1;

	/* split from the right: the container port, the host port, and
	   whatever is left is the IP (which may hold colons itself) */
	if (last == NULL) {
		cont = copy;
	} else {
		*last = '\0';
		cont = last + 1;
		char *mid = strrchr(copy, ':');
		if (mid == NULL) {
			host = copy;
		} else {
			*mid = '\0';
			host = mid + 1;
			ip = copy;
		}
	}
	proto = strchr(cont, '/');
	if (proto)
		*proto++ = '\0';
	else
		proto = tcp;
	if (ip && *ip == '[') {
		size_t l = strlen(ip);
		if (l < 2 || ip[l - 1] != ']') {
			*err = xasprintf("invalid IP address \"%s\"", ip);
			goto done;
		}
		ip[l - 1] = '\0';
		ip++;
	}
	if (ip && *ip && !valid_ip(ip)) {
		*err = xasprintf("invalid IP address \"%s\"", ip);
		goto done;
	}
	if (*cont == '\0') {
		*err = xstrdup("no container port");
		goto done;
	}
	if (port_range(cont, &clo, &chi) < 0) {
		*err = xasprintf("invalid container port \"%s\"", cont);
		goto done;
	}
	if (host && *host && port_range(host, &hlo, &hhi) < 0) {
		*err = xasprintf("invalid host port \"%s\"", host);
		goto done;
	}
	if (host && *host && chi - clo != hhi - hlo && chi != clo) {
		*err = xasprintf("container ports \"%s\" and host ports \"%s\" "
				 "are ranges of different sizes",
				 cont, host);
		goto done;
	}
	for (char *p = proto; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(proto, "tcp") && strcmp(proto, "udp") &&
	    strcmp(proto, "sctp")) {
		*err = xasprintf("invalid protocol \"%s\"", proto);
		goto done;
	}
	if (arr == NULL) { /* only checking */
		ret = 0;
		goto done;
	}
	/* docker sorts the ports as "PORT/PROTO" strings */
	size_t n = chi - clo + 1;
	char **keys = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		keys[i] = xasprintf("%lu", clo + i);
	qsort(keys, n, sizeof(char *), cmp_port_key);
	for (size_t k = 0; k < n; k++) {
		unsigned long port = strtoul(keys[k], NULL, 10);
		size_t i = port - clo;
		json_t *e = json_object();
		char pub[32] = "";

		pos_copy(e, from);
		json_object_set_new(e, "mode", json_string("ingress"));
		if (ip && *ip)
			json_object_set_new(e, "host_ip", json_string(ip));
		json_object_set_new(e, "target",
				    json_integer((json_int_t)port));
		if (host && *host) {
			if (clo == chi && hlo != hhi)
				snprintf(pub, sizeof(pub), "%lu-%lu", hlo, hhi);
			else
				snprintf(pub, sizeof(pub), "%lu", hlo + i);
			json_object_set_new(e, "published", json_string(pub));
		}
		json_object_set_new(e, "protocol", json_string(proto));
		json_array_append_new(arr, e);
		free(keys[k]);
	}
	free(keys);
	ret = 0;
done:
	free(copy);
	return ret;
}

/* ---- durations ---- */

int
canon_duration_parse(const char *s, long long *ns)
{
	static const struct {
		const char *unit;
		long long ns;
	} units[] = {
		{ "ns", 1LL },		 { "us", 1000LL },
		{ "\xc2\xb5s", 1000LL }, /* µs */
		{ "\xce\xbcs", 1000LL }, /* μs */
		{ "ms", 1000000LL },	 { "s", 1000000000LL },
		{ "m", 60000000000LL },	 { "h", 3600000000000LL },
	};
	long double total = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*s == '\0')
		return -1;
	while (*s) {
		char *end;
		long double v;
		size_t best = 0, ul = 0;

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtold(s, &end);
		if (end == s)
			return -1;
		s = end;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(s, units[i].unit, l) == 0 && l > ul) {
				best = i;
				ul = l;
			}
		}
		if (ul == 0)
			return -1;
		total += v * units[best].ns;
		s += ul;
	}
	if (total > 9.2e18L)
		return -1;
	*ns = (long long)(total + 0.5L) * (neg ? -1 : 1);
	return 0;
}

/* v as a decimal with prec fractional digits, trailing zeros trimmed. */
static void
add_frac(struct buf *b, unsigned long long v, int prec)
{
	unsigned long long div = 1;
	char frac[32];
	int n;

	for (int i = 0; i < prec; i++)
		div *= 10;
	buf_addf(b, "%llu", v / div);
	if (prec == 0 || v % div == 0)
		return;
	n = snprintf(frac, sizeof(frac), "%0*llu", prec, v % div);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	buf_addf(b, ".%s", frac);
}

void
canon_duration_format(long long ns, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	unsigned long long u = ns < 0 ? (unsigned long long)-ns :
					(unsigned long long)ns;

	if (ns < 0)
		buf_addch(&b, '-');
	if (u == 0) {
		buf_adds(&b, "0s");
	} else if (u < 1000ULL) {
		buf_addf(&b, "%lluns", u);
	} else if (u < 1000000ULL) {
		add_frac(&b, u, 3);
		buf_adds(&b, "\xc2\xb5s");
	} else if (u < 1000000000ULL) {
		add_frac(&b, u, 6);
		buf_adds(&b, "ms");
	} else {
		unsigned long long secs = u / 1000000000ULL;
		unsigned long long h = secs / 3600, m = (secs / 60) % 60;

		if (h)
			buf_addf(&b, "%lluh", h);
		if (h || m)
			buf_addf(&b, "%llum", m);
		add_frac(&b, u % 60000000000ULL, 9);
		buf_addch(&b, 's');
	}
	snprintf(out, n, "%s", b.ptr);
	buf_release(&b);
}

/* ---- byte sizes ---- */

int
canon_bytes_parse(const char *s, long long *out)
{
	char *end;
	long double v;
	long double mult = 1;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtold(s, &end);
	if (*end == ' ')
		end++;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1024.0L;
		break;
	case 'm':
		mult = 1024.0L * 1024;
		break;
	case 'g':
		mult = 1024.0L * 1024 * 1024;
		break;
	case 't':
		mult = 1024.0L * 1024 * 1024 * 1024;
		break;
	case 'p':
		mult = 1024.0L * 1024 * 1024 * 1024 * 1024;
		break;
	case '\0':
	case 'b':
		break;
	default:
		return -1;
	}
	if (mult > 1)
		end++;
	if (tolower((unsigned char)*end) == 'i')
		end++;
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end != '\0')
		return -1;
	/* Beyond a long long (or inf): not a size any engine takes. */
	if (!(v * mult <= 9.2e18L))
		return -1;
	*out = (long long)(v * mult);
	return 0;
}

/* ---- shell words ---- */

int
canon_shell_split(const char *s, json_t **out, char **err)
{
	json_t *arr = json_array();
	struct buf w = BUF_INIT;
	bool in_word = false;
	char quote = 0;

	for (; *s; s++) {
		char c = *s;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				buf_addch(&w, c);
			continue;
		}
		if (c == '\\' && s[1] &&
		    (quote == 0 || strchr("\"\\$`", s[1]))) {
			buf_addch(&w, *++s);
			in_word = true;
			continue;
		}
		if (quote == '"') {
			if (c == '"')
				quote = 0;
			else
				buf_addch(&w, c);
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			in_word = true;
			continue;
		}
		if (isspace((unsigned char)c)) {
			if (in_word)
				json_array_append_new(arr, json_string(w.ptr));
			buf_reset(&w);
			in_word = false;
			continue;
		}
		buf_addch(&w, c);
		in_word = true;
	}
	if (quote) {
		buf_release(&w);
		json_decref(arr);
		*out = NULL;
		*err = xstrdup("unterminated quote");
		return -1;
	}
	if (in_word)
		json_array_append_new(arr, json_string(w.ptr));
	buf_release(&w);
	*out = arr;
	return 0;
}
