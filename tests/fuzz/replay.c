/*
 * replay.c - run the fuzz target over files, without libFuzzer: the unit
 * test that keeps every input the fuzzer ever crashed on (regressions/)
 * and the seed corpus (corpus/) loading without a crash, under the
 * sanitizer build too.
 *
 *   fuzz_replay DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "strv.h"
#include "xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)b.ptr, b.len);
	printf("ok   %s\n", path);
	buf_release(&b);
	return 0;
}

/* The regular files of dir (or dir itself if it is a file), sorted. */
static void
list_inputs(const char *dir, struct strv *out)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
		strv_push(out, dir);
		return;
	}
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_pushf(out, "%s/%s", dir, de->d_name);
	closedir(d);
}

int
main(int argc, char **argv)
{
	struct strv inputs = STRV_INIT;
	int ret = 0;

	for (int i = 1; i < argc; i++)
		list_inputs(argv[i], &inputs);
	/* Inputs first: the target works in a scratch directory of its own. */
	for (size_t i = 0; i < inputs.n; i++)
		if (inputs.v[i][0] != '/') {
			char *cwd = getcwd(NULL, 0), *abs;
			abs = xasprintf("%s/%s", cwd, inputs.v[i]);
			free(cwd);
			free(inputs.v[i]);
			inputs.v[i] = abs;
		}
	LLVMFuzzerInitialize(&argc, &argv);
	strv_sort(&inputs);
	for (size_t i = 0; i < inputs.n; i++)
		if (replay_file(inputs.v[i]) < 0)
			ret = 1;
	printf("%zu inputs replayed\n", inputs.n);
	if (inputs.n == 0)
		ret = 1;
	strv_clear(&inputs);
	return ret;
}
