#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "err.h"
#include "util.h"

char *config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x && *x == '/')
		return xasprintf("%s/wb/config", x);
	const char *home = getenv("HOME");
	return xasprintf("%s/.config/wb/config", home && *home ? home : ".");
}

void config_private(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The file and its directory must be the user's own: refused (EX_NOPERM)
 * when others may read the file or replace it. */
static int check_modes(FILE *fp, const char *path)
{
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077))
		return wb_err(EX_NOPERM, "%s: readable by others (mode %03o); it holds secrets: chmod 600 it",
			      path, (unsigned)(st.st_mode & 0777));
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = 0;
	int rc = 0;
	if (stat(dir, &st) == 0 && (st.st_mode & 022))
		rc = wb_err(EX_NOPERM, "%s: writable by others (mode %03o), who could replace the secrets "
				       "in it: chmod 700 it", dir, (unsigned)(st.st_mode & 0777));
	free(dir);
	return rc;
}

int config_get(const char *key, char **out)
{
	*out = NULL;
	const char *env = getenv(key);
	if (env && *env) {
		*out = xstrdup(env);
		return 0;
	}
	char *path = config_path();
	FILE *fp = fopen(path, "r");
	if (!fp) {
		int e = errno;
		int rc = e == ENOENT ? 0 : wb_err(EX_IOERR, "%s: %s", path, strerror(e));
		free(path);
		return rc;
	}
	int rc = check_modes(fp, path);
	if (rc) {
		fclose(fp);
		free(path);
		return rc;
	}
	char *line = NULL;
	size_t cap = 0;
	size_t klen = strlen(key);
	while (getline(&line, &cap, fp) > 0) {
		char *l = strtrim(line);
		if (!*l || *l == '#')
			continue;
		if (!strncmp(l, "export ", 7))
			l = strtrim(l + 7);
		if (strncmp(l, key, klen))
			continue;
		char *v = l + klen;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v = strtrim(v + 1);
		size_t vl = strlen(v);
		if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
			v[vl - 1] = 0;
			v++;
		}
		free(*out);
		*out = xstrdup(v);
	}
	free(line);
	fclose(fp);
	free(path);
	return 0;
}

int config_need(const char *key, char **out)
{
	int rc = config_get(key, out);
	if (rc)
		return rc;
	if (!*out) {
		char *path = config_path();
		rc = wb_err(EX_CONFIG, "%s is not set (environment or %s)", key, path);
		free(path);
	}
	return rc;
}
