#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "err.h"
#include "kv.h"
#include "util.h"

/* The settings the file may hold: those wb(7) documents. Others are
 * warned about, so that a misspelt key does not go unnoticed. */
static const char *const settings[] = {
	"WB_DB", "WB_OUTPUT", "WB_AGENT", "WB_DEFAULT_REGION", "WB_DEFAULT_CC", "WB_API_URL",
	"WB_API_TIMEOUT", "WB_PHONE_ID", "WB_TOKEN", "WB_APP_SECRET", "WB_VERIFY_TOKEN", "WB_LISTEN_BUSY_MS",
	"WB_WABA_ID", NULL,
};
/* Documented too, but for tests: the environment's alone. */
static const char *const env_only[] = {"WB_NOW", "WB_RETRY_BASE_MS", "WB_TIER", NULL};

char *config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x && *x == '/')
		return xasprintf("%s/wb/config", x);
	const char *home = getenv("HOME");
	/* without a home there is no file: not one in whatever directory
	 * cron or a service runs in */
	return home && *home == '/' ? xasprintf("%s/.config/wb/config", home) : NULL;
}

static int listed(const char *const *list, const char *key)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], key))
			return 1;
	return 0;
}

/* One line of the file: "KEY=VALUE", "export KEY = 'VALUE'", a comment or
 * nothing. A key that is no setting is warned about, naming the line. */
static void read_line(char *line, const char *path, long lineno, kv *into)
{
	char *l = strtrim(line);
	if (!*l || *l == '#')
		return;
	if (!strncmp(l, "export ", 7))
		l = strtrim(l + 7);
	char *eq = strchr(l, '=');
	if (!eq) {
		wb_warn("%s:%ld: not KEY=VALUE; ignored", path, lineno);
		return;
	}
	*eq = 0;
	char *key = strtrim(l), *v = strtrim(eq + 1);
	if (!listed(settings, key)) {
		wb_warn("%s:%ld: %s: %s; ignored", path, lineno, key,
			listed(env_only, key) ? "read from the environment only" : "no such setting (wb(7) lists them)");
		return;
	}
	size_t vl = strlen(v);
	if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
		v[vl - 1] = 0;
		v++;
	}
	kv_set(into, key, v);
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

/* The file, read once a process: its settings, or why it is refused. */
static struct {
	int read, rc;
	char *why;
	kv kv;
} file;

static int refuse(int rc)
{
	file.rc = rc;
	file.why = xstrdup(wb_errmsg());
	return rc;
}

static int read_file(void)
{
	file.read = 1;
	char *path = config_path();
	FILE *fp = path ? fopen(path, "r") : NULL;
	int rc = 0;
	if (!fp && path && errno != ENOENT)
		rc = refuse(wb_err(EX_IOERR, "%s: %s", path, strerror(errno)));
	else if (fp && (rc = check_modes(fp, path)))
		refuse(rc);
	char *line = NULL;
	size_t cap = 0;
	for (long n = 1; fp && !rc && getline(&line, &cap, fp) > 0; n++)
		read_line(line, path, n, &file.kv);
	free(line);
	if (fp)
		fclose(fp);
	free(path);
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
	if (!file.read)
		read_file();
	if (file.rc)
		return wb_err(file.rc, "%s", file.why);
	const char *v = kv_get(&file.kv, key);
	*out = v ? xstrdup(v) : NULL;
	return 0;
}

int config_need(const char *key, char **out)
{
	int rc = config_get(key, out);
	if (rc)
		return rc;
	if (!*out) {
		char *path = config_path();
		rc = wb_err(EX_CONFIG, "%s is not set (environment or %s)", key,
			    path ? path : "a config file, which needs HOME");
		free(path);
	}
	return rc;
}
