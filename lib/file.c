#include "file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

int file_replace(const char *path, file_writer fn, void *ctx)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp), rc = 0;
	FILE *fp = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!fp) {
		rc = wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		/* mkstemp makes it private; what is written here is made to be shared */
		mode_t mask = umask(0);
		umask(mask);
		errno = 0;
		int bad = fn(fp, ctx) != 0;
		bad |= fflush(fp) != 0 || ferror(fp) || fchmod(fd, 0666 & ~mask) != 0;
		bad |= fclose(fp) != 0;
		if (bad)
			rc = wb_err(EX_IOERR, "%s: cannot write it%s%s", path, errno ? ": " : "",
				    errno ? strerror(errno) : "");
		else if (rename(tmp, path))
			rc = wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	}
	if (rc && fd >= 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
