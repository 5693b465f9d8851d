#include "qr.h"

#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "util.h"

#define QUIET 4 /* modules of white around the code, as the standard asks */
#define SCALE 8 /* pixels a module in a PNG, and SVG units a module */

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

int qr_format_ok(const char *path)
{
	const char *e = extension(path);
	return !strcasecmp(e, "svg") || !strcasecmp(e, "png");
}

static int dark(const QRcode *q, int x, int y)
{
	return x >= 0 && y >= 0 && x < q->width && y < q->width && (q->data[y * q->width + x] & 1);
}

/* One path of horizontal runs of dark modules, in pixels as the PNG has
 * them: renderers that ignore the size draw it as large. */
static int write_svg(FILE *fp, void *p)
{
	const QRcode *q = p;
	int side = (q->width + 2 * QUIET) * SCALE;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		    "shape-rendering=\"crispEdges\">\n"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
		side, side, side, side, side, side);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++) {
			if (!dark(q, x, y) || dark(q, x - 1, y))
				continue;
			int run = 1;
			while (dark(q, x + run, y))
				run++;
			fprintf(fp, "M%d %dh%dv%dh-%dz", (x + QUIET) * SCALE, (y + QUIET) * SCALE, run * SCALE, SCALE,
				run * SCALE);
		}
	fputs("\"/>\n</svg>\n", fp);
	return 0;
}

static int write_png(FILE *fp, void *p)
{
	const QRcode *q = p;
	int side = (q->width + 2 * QUIET) * SCALE;
	unsigned char *px = xmalloc((size_t)side * (size_t)side);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++)
			px[(size_t)y * (size_t)side + (size_t)x] =
				dark(q, x / SCALE - QUIET, y / SCALE - QUIET) ? 0 : 255;
	png_image img = {.version = PNG_IMAGE_VERSION, .width = (png_uint_32)side, .height = (png_uint_32)side,
			 .format = PNG_FORMAT_GRAY};
	int ok = png_image_write_to_stdio(&img, fp, 0, px, side, NULL);
	free(px);
	png_image_free(&img);
	return ok ? 0 : -1;
}

int qr_write(const char *text, const char *path)
{
	const char *e = extension(path);
	int svg = !strcasecmp(e, "svg");
	if (!svg && strcasecmp(e, "png"))
		return wb_err(EX_USAGE, "--qr %s: the file name ends in .svg or .png", path);
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		return wb_err(errno == ERANGE ? EX_DATAERR : EX_SOFTWARE, "--qr: %s",
			      errno == ERANGE ? "the text is too long for a QR code" : strerror(errno));
	int rc = file_replace(path, svg ? write_svg : write_png, q);
	QRcode_free(q);
	return rc;
}
