/* jload — JSON text to a jansson tree, as json_loadb makes it, faster
 * for what webhooks hold: a reader of its own takes the plain JSON
 * (UTF-8 checked as jansson checks it) and builds the same tree with
 * jansson's own constructors (in a jarena when one is entered); for
 * anything it is not sure of (an error, a \u0000, an escaped key, a
 * number jansson might refuse, deep nesting, flags other than
 * JSON_ALLOW_NUL) it hands the text to json_loadb, so that errors and
 * rare cases are jansson's word for word. jansson's lexer reads a byte
 * at a time through a callback: its json_loadb was two thirds of the
 * listener's parse of a webhook, and parsing bounds wb-recv < file once
 * storing got cheaper (bench/ingest.sh, quiet machine: 1.45-1.66x the
 * minimal Python script with json_loadb alone, 2.21-2.35x with this).
 * jansson stays the authority: its tree, its errors, and fuzz-webhook
 * aborts on any text this reads otherwise than json_loadb. */
#ifndef WB_JLOAD_H
#define WB_JLOAD_H
#include <jansson.h>

/* As json_loadb(buf, len, flags, e). */
json_t *jload(const char *buf, size_t len, size_t flags, json_error_t *e);
/* The reader alone: the tree, or NULL when it leaves buf to jansson
 * (for tests: what it takes, json_loadb must make the same of). */
json_t *jload_fast(const char *buf, size_t len);

#endif
