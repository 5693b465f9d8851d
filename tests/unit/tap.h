/* A tiny TAP producer for the C unit tests: plan at the end ("done
 * testing" style), one line per check, exit status 1 when any failed. */
#ifndef WB_TAP_H
#define WB_TAP_H
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5), unused))
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return pass;
}

#define tap_vmsg(buf, fmt)                        \
	do {                                      \
		va_list ap;                       \
		va_start(ap, fmt);                \
		vsnprintf(buf, sizeof buf, fmt, ap); \
		va_end(ap);                       \
	} while (0)

__attribute__((format(printf, 5, 6), unused))
static int tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	tap_vmsg(msg, fmt);
	int pass = (got == NULL && want == NULL) || (got && want && !strcmp(got, want));
	tap_ok(pass, file, line, "%s", msg);
	if (!pass)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return pass;
}

__attribute__((format(printf, 5, 6), unused))
static int tap_is_int(long long got, long long want, const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	tap_vmsg(msg, fmt);
	int pass = got == want;
	tap_ok(pass, file, line, "%s", msg);
	if (!pass)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return pass;
}

/* A fresh directory under $TMPDIR for a test's files, and a path in it
 * (malloc'd); tap_rmdir removes the directory and all it holds. */
static char tap_dir[256];
__attribute__((unused)) static char *tap_tmpfile(const char *name)
{
	if (!tap_dir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(tap_dir, sizeof tap_dir, "%s/wb-unit.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tap_dir)) {
			perror("mkdtemp");
			exit(1);
		}
	}
	size_t n = strlen(tap_dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", tap_dir, name);
	return p;
}

__attribute__((unused)) static void tap_rmdir(void)
{
	char cmd[300];
	if (!tap_dir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tap_dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tap_dir);
	tap_dir[0] = 0;
}

static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
