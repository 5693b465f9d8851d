/* file — a file written whole or not at all: into a temporary name in
 * its directory, then renamed over it, so a reader (a mail sent by cron,
 * a browser) never sees half of it and a failure leaves what was there. */
#ifndef WB_FILE_H
#define WB_FILE_H
#include <stdio.h>

/* Writes the file's content to fp: 0, or nonzero when it could not. */
typedef int (*file_writer)(FILE *fp, void *ctx);

/* Writes path through fn with the permissions a new file gets (0666
 * less the umask). 0, or EX_CANTCREAT / EX_IOERR having said why
 * (naming path); on failure nothing is left at the temporary name. */
int file_replace(const char *path, file_writer fn, void *ctx);

#endif
