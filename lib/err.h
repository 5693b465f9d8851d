/* err — the one place that maps failures to exit codes (sysexits.h) and
 * words them. Library functions return 0 or an EX_* code after recording
 * a one-line message with wb_err(); a command prints it with wb_fail().
 * Messages name the file, line or field at fault and never hold secrets. */
#ifndef WB_ERR_H
#define WB_ERR_H
#include <sysexits.h>

#define EX_FALSE 1 /* a condition is false, or nothing matched */
/* Done, but some parts of the input were set aside (wb-recv: quarantined),
 * each reported on stderr. Not one of sysexits.h's, whose codes mean
 * that nothing (or not all that was good) was done. */
#define EX_PARTIAL 3

extern const char *wb_prog;

/* Sets the program name used as a prefix on stderr (basename of argv0),
 * ignores SIGPIPE (broken pipes are handled where output is written). */
void wb_init(const char *argv0);

/* Records a message for the last failure and returns code. */
int wb_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes the recorded message with context, e.g. "contacts.csv:12: ". */
int wb_err_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *wb_errmsg(void);

void wb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void wb_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the recorded message and exits with code. */
_Noreturn void wb_fail(int code);
/* Usage error: prints the message and a pointer to --help, exits 64. */
_Noreturn void wb_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
