/* tmpl — {{placeholders}} in message text, template parameters, keys and
 * times. Pure: values come from a lookup function the caller provides
 * (a contact's fields and attributes, a CSV row). */
#ifndef WB_TMPL_H
#define WB_TMPL_H

/* Returns the value for key, or NULL when there is none. */
typedef const char *(*tmpl_lookup)(const char *key, void *ctx);

/* Fills every {{key}} ({{ key }} too) in text. Returns 0 and a malloc'd
 * *out, or EX_DATAERR naming the first placeholder without a value. */
int tmpl_render(const char *text, tmpl_lookup fn, void *ctx, char **out);
/* Whether every {{key}} of text is known (known returns non-NULL):
 * 0, or EX_DATAERR with the first unknown one as the message ("{{x}}"),
 * for the caller to say what it knows. */
int tmpl_check(const char *text, tmpl_lookup known, void *ctx);
/* 1 when text holds a {{placeholder}}. */
int tmpl_has(const char *text);

#endif
