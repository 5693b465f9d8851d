#include "err.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *wb_prog = "wb";
static _Thread_local char msg[1024];

void wb_init(const char *argv0)
{
	if (argv0 && *argv0) {
		const char *slash = strrchr(argv0, '/');
		wb_prog = slash ? slash + 1 : argv0;
	}
	signal(SIGPIPE, SIG_IGN);
}

int wb_err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return code;
}

int wb_err_prefix(int code, const char *fmt, ...)
{
	char pre[512], old[sizeof msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, msg, sizeof old);
	size_t n = strlen(pre);
	if (n >= sizeof msg)
		n = sizeof msg - 1;
	memcpy(msg, pre, n);
	size_t rest = strnlen(old, sizeof old - 1);
	if (rest > sizeof msg - 1 - n)
		rest = sizeof msg - 1 - n;
	memcpy(msg + n, old, rest);
	msg[n + rest] = 0;
	return code;
}

const char *wb_errmsg(void)
{
	return msg[0] ? msg : "unknown error";
}

/* A diagnostic names what was wrong, often in the input's own words (a
 * cell, a name): shown so that no escape sequence of theirs reaches the
 * terminal. */
static void put_diag(const char *s, const char *after)
{
	char *v = str_visible(s, 0);
	fprintf(stderr, "%s: %s%s", wb_prog, v, after);
	free(v);
}

static void vwarn(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return;
	put_diag(s, "\n");
	free(s);
}

void wb_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void wb_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

void wb_fail(int code)
{
	put_diag(wb_errmsg(), "\n");
	exit(code);
}

void wb_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) >= 0)
		put_diag(s, "\n");
	va_end(ap);
	free(s);
	fprintf(stderr, "Try '%s --help' for more information.\n", wb_prog);
	exit(EX_USAGE);
}
