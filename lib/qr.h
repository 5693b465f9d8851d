/* qr — a text as a QR code in a file: SVG (written here, text) or PNG
 * (libpng), chosen by the file's extension, with the four-module quiet
 * zone scanners need. The code itself is libqrencode's. The file appears
 * whole or not at all (written beside it, then renamed). */
#ifndef WB_QR_H
#define WB_QR_H

/* 1 when path names a format qr_write writes (.svg or .png, any case). */
int qr_format_ok(const char *path);
/* Writes text as a QR code (error correction M) to path. 0, or EX_USAGE
 * for another extension, EX_DATAERR for a text too long for a QR code,
 * EX_CANTCREAT / EX_IOERR naming the file. */
int qr_write(const char *text, const char *path);

#endif
