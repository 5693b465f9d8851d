/* media — files sent as images, videos, audio, documents and stickers:
 * the MIME type (from the file's first bytes, else its name), the types
 * and sizes Meta accepts for each kind (pure rules), and fetching a URL
 * to a temporary file for --upload the way Meta's fetcher would (no
 * redirects). Uploading itself is cloudapi's; no database here. */
#ifndef WB_MEDIA_H
#define WB_MEDIA_H
#include <stddef.h>

#include "cloudapi.h"

/* The type for a file: its magic bytes (head, n of them) decide, the
 * name's extension when they say nothing. NULL when unknown. */
const char *media_mime(const char *name, const unsigned char *head, size_t n);
/* 0 when a file of mime and size may be sent as kind (MSG_IMAGE …;
 * voice: only Ogg/Opus audio), else EX_DATAERR naming the file, the type
 * or the limit. */
int media_check(api_msg_type kind, int voice, const char *name, const char *mime, long long size);
/* The usual file extension for a MIME type ("jpg" for image/jpeg;
 * parameters such as "; codecs=opus" ignored), "bin" when unknown. */
const char *media_ext(const char *mime);
/* 1 for http:// and https:// sources, which are sent as links. */
int media_is_url(const char *src);

/* Checks a local file for kind and sets *mime (static). EX_NOINPUT when
 * it does not exist. */
int media_probe(api_msg_type kind, int voice, const char *path, const char **mime);
/* Downloads url into a new temporary file (*path, malloc'd; the caller
 * unlinks it). A redirect is an error, since Meta's fetcher would fail
 * on it too. EX_UNAVAILABLE when it cannot be fetched. */
int media_fetch(const char *url, char **path);

#endif
