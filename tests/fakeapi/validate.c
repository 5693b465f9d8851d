/*
 * validate.c — the fake Cloud API's validation of request bodies, modelled
 * on the rules in Meta's documentation: message objects for
 * POST /{phone-number-id}/messages, business-profile updates, and media
 * uploads (MIME types and size limits). Pure functions, no I/O.
 *
 * Every failure names the offending field in verr.details, so that a test
 * (or a person reading wb's error message) can tell what was wrong.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

#define MSG_INVALID_PARAM "(#100) Invalid parameter"

static int verr_set(struct verr *e, const char *message, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verr_set(struct verr *e, const char *message, const char *fmt, ...)
{
    va_list ap;
    snprintf(e->message, sizeof e->message, "%s", message);
    va_start(ap, fmt);
    vsnprintf(e->details, sizeof e->details, fmt, ap);
    va_end(ap);
    return -1;
}

/* "(#100) The parameter X is required." is Meta's wording for a missing
 * parameter; details repeats the field so clients keying on details work. */
static int missing(struct verr *e, const char *field)
{
    char msg[160];
    snprintf(msg, sizeof msg, "(#100) The parameter %s is required.", field);
    return verr_set(e, msg, "Parameter %s is required", field);
}

size_t utf8_chars(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, chars = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) { len = 1; cp = c; }
        else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return SIZE_MAX;
        if (i + len > n) return SIZE_MAX;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return SIZE_MAX;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return SIZE_MAX;
        i += len;
        chars++;
    }
    return chars;
}

void phone_digits(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; s && *s && k + 1 < cap; s++)
        if (*s >= '0' && *s <= '9') out[k++] = *s;
    out[k] = '\0';
}

/* A phone number as Meta accepts it in `to`: an optional leading +, digits,
 * and the usual separators; 6 to 15 digits (E.164 has at most 15). */
static bool phone_ok(const char *s)
{
    size_t digits = 0;
    if (*s == '+') s++;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') digits++;
        else if (!strchr(" -().", *s)) return false;
    }
    return digits >= 6 && digits <= 15;
}

/* A business-scoped user ID as Meta takes it in `recipient`: a country
 * code, a dot, optionally ENT. (a parent ID), then up to 128 letters and
 * digits. */
bool user_id_ok(const char *s)
{
    if (!(s[0] >= 'A' && s[0] <= 'Z') || !(s[1] >= 'A' && s[1] <= 'Z') || s[2] != '.')
        return false;
    s += 3;
    if (!strncmp(s, "ENT.", 4) && s[4]) s += 4;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return false;
    return n >= 1 && n <= 128;
}

/* Fetches obj[key] as a string. Returns the string, or NULL with e set when
 * it is required and missing, not a string, empty when it must not be, or
 * longer than max code points (0: no limit). *absent is set when the key
 * is not there and not required. */
static const char *get_str(json_t *obj, const char *key, const char *path,
                           bool required, bool nonempty, size_t max,
                           struct verr *e, bool *absent)
{
    json_t *v = json_object_get(obj, key);
    if (absent) *absent = false;
    if (!v) {
        if (required) { missing(e, path); return NULL; }
        if (absent) *absent = true;
        return NULL;
    }
    if (!json_is_string(v)) {
        verr_set(e, MSG_INVALID_PARAM, "Param %s must be a string", path);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (nonempty && len == 0) {
        verr_set(e, MSG_INVALID_PARAM, "Param %s must not be empty", path);
        return NULL;
    }
    if (max) {
        size_t chars = utf8_chars(s, len);
        if (chars > max) {
            verr_set(e, MSG_INVALID_PARAM,
                     "Param %s must be at most %zu characters long (got %zu)",
                     path, max, chars);
            return NULL;
        }
    }
    return s;
}

/* Same as get_str for an optional field: returns 0 when absent or valid. */
static int opt_str(json_t *obj, const char *key, const char *path,
                   bool nonempty, size_t max, struct verr *e)
{
    bool absent;
    if (get_str(obj, key, path, false, nonempty, max, e, &absent) || absent)
        return 0;
    return -1;
}

static json_t *get_obj(json_t *parent, const char *key, const char *path,
                       bool required, struct verr *e)
{
    json_t *v = json_object_get(parent, key);
    if (!v) {
        if (required) missing(e, path);
        return NULL;
    }
    if (!json_is_object(v)) {
        verr_set(e, MSG_INVALID_PARAM, "Param %s must be an object", path);
        return NULL;
    }
    return v;
}

static bool is_http_url(const char *s)
{
    return strncasecmp(s, "https://", 8) == 0 ||
           strncasecmp(s, "http://", 7) == 0;
}

/* image, video, audio, document, sticker: exactly one of id/link. */
static int check_media(json_t *m, const char *type, struct verr *e)
{
    char path[64];
    bool no_id, no_link;
    snprintf(path, sizeof path, "%s.id", type);
    const char *id = get_str(m, "id", path, false, true, 0, e, &no_id);
    if (!id && !no_id) return -1;
    snprintf(path, sizeof path, "%s.link", type);
    const char *link = get_str(m, "link", path, false, true, 0, e, &no_link);
    if (!link && !no_link) return -1;
    if (id && link)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s: give exactly one of %s.id and %s.link, "
                        "not both", type, type, type);
    if (!id && !link)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s: one of %s.id and %s.link is required",
                        type, type, type);
    if (link && !is_http_url(link))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s.link must be an http(s) URL", type);
    bool captionable = !strcmp(type, "image") || !strcmp(type, "video") ||
                       !strcmp(type, "document");
    if (json_object_get(m, "caption") && !captionable)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s.caption is not allowed: %s messages have "
                        "no caption", type, type);
    snprintf(path, sizeof path, "%s.caption", type);
    if (opt_str(m, "caption", path, false, 1024, e)) return -1;
    snprintf(path, sizeof path, "%s.filename", type);
    if (opt_str(m, "filename", path, false, 240, e)) return -1;
    /* a voice note: "voice": true on an audio object (Ogg/Opus) */
    json_t *voice = json_object_get(m, "voice");
    if (voice && strcmp(type, "audio"))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s.voice is not allowed: only audio messages "
                        "are voice messages", type);
    if (voice && !json_is_boolean(voice))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param audio.voice must be a boolean");
    return 0;
}

static int check_number(json_t *obj, const char *key, const char *path,
                        double lo, double hi, struct verr *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return missing(e, path);
    if (!json_is_number(v))
        return verr_set(e, MSG_INVALID_PARAM, "Param %s must be a number",
                        path);
    double d = json_number_value(v);
    if (d < lo || d > hi)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param %s must be between %g and %g", path, lo, hi);
    return 0;
}

static int check_location(json_t *l, struct verr *e)
{
    if (check_number(l, "latitude", "location.latitude", -90, 90, e) ||
        check_number(l, "longitude", "location.longitude", -180, 180, e) ||
        opt_str(l, "name", "location.name", false, 1000, e) ||
        opt_str(l, "address", "location.address", false, 1000, e))
        return -1;
    return 0;
}

static int check_contacts(json_t *arr, struct verr *e)
{
    if (!json_is_array(arr))
        return verr_set(e, MSG_INVALID_PARAM, "Param contacts must be an array");
    if (json_array_size(arr) == 0)
        return verr_set(e, MSG_INVALID_PARAM, "Param contacts must not be empty");
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c) {
        char path[64];
        snprintf(path, sizeof path, "contacts[%zu].name", i);
        if (!json_is_object(c))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param contacts[%zu] must be an object", i);
        json_t *name = get_obj(c, "name", path, true, e);
        if (!name) return -1;
        snprintf(path, sizeof path, "contacts[%zu].name.formatted_name", i);
        if (!get_str(name, "formatted_name", path, true, true, 0, e, NULL))
            return -1;
    }
    return 0;
}

static int check_template(json_t *t, struct verr *e)
{
    if (!get_str(t, "name", "template.name", true, true, 512, e, NULL))
        return -1;
    json_t *lang = get_obj(t, "language", "template.language", true, e);
    if (!lang) return -1;
    if (!get_str(lang, "code", "template.language.code", true, true, 15, e,
                 NULL))
        return -1;
    json_t *comps = json_object_get(t, "components");
    if (!comps) return 0;
    if (!json_is_array(comps))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param template.components must be an array");
    size_t i;
    json_t *c;
    json_array_foreach(comps, i, c) {
        char path[80];
        if (!json_is_object(c))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param template.components[%zu] must be an object",
                            i);
        snprintf(path, sizeof path, "template.components[%zu].type", i);
        const char *type = get_str(c, "type", path, true, true, 0, e, NULL);
        if (!type) return -1;
        if (strcmp(type, "header") && strcmp(type, "body") &&
            strcmp(type, "button") && strcmp(type, "footer") &&
            strcmp(type, "carousel") && strcmp(type, "limited_time_offer"))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param %s must be one of {header, body, footer, "
                            "button, carousel, limited_time_offer}", path);
        if (!strcmp(type, "button")) {
            snprintf(path, sizeof path, "template.components[%zu].sub_type", i);
            if (!get_str(c, "sub_type", path, true, true, 0, e, NULL))
                return -1;
            if (!json_object_get(c, "index")) {
                snprintf(path, sizeof path, "template.components[%zu].index",
                         i);
                return missing(e, path);
            }
        }
        json_t *params = json_object_get(c, "parameters");
        if (!params) continue;
        if (!json_is_array(params))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param template.components[%zu].parameters must "
                            "be an array", i);
        size_t k;
        json_t *p;
        json_array_foreach(params, k, p) {
            if (!json_is_object(p))
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param template.components[%zu].parameters[%zu]"
                                " must be an object", i, k);
            snprintf(path, sizeof path,
                     "template.components[%zu].parameters[%zu].type", i, k);
            const char *pt = get_str(p, "type", path, true, true, 0, e, NULL);
            if (!pt) return -1;
            if (!strcmp(pt, "text")) {
                snprintf(path, sizeof path,
                         "template.components[%zu].parameters[%zu].text", i, k);
                if (!get_str(p, "text", path, true, false, 32768, e, NULL))
                    return -1;
            }
        }
    }
    return 0;
}

static int check_buttons(json_t *action, struct verr *e)
{
    json_t *buttons = json_object_get(action, "buttons");
    if (!buttons) return missing(e, "interactive.action.buttons");
    if (!json_is_array(buttons) || json_array_size(buttons) < 1 ||
        json_array_size(buttons) > 3)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param interactive.action.buttons must be an array "
                        "of 1 to 3 buttons");
    size_t i;
    json_t *b;
    json_array_foreach(buttons, i, b) {
        char path[80];
        if (!json_is_object(b))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param interactive.action.buttons[%zu] must be an "
                            "object", i);
        snprintf(path, sizeof path, "interactive.action.buttons[%zu].type", i);
        const char *type = get_str(b, "type", path, true, true, 0, e, NULL);
        if (!type) return -1;
        if (strcmp(type, "reply"))
            return verr_set(e, MSG_INVALID_PARAM, "Param %s must be 'reply'",
                            path);
        snprintf(path, sizeof path, "interactive.action.buttons[%zu].reply", i);
        json_t *reply = get_obj(b, "reply", path, true, e);
        if (!reply) return -1;
        snprintf(path, sizeof path, "interactive.action.buttons[%zu].reply.id",
                 i);
        if (!get_str(reply, "id", path, true, true, 256, e, NULL)) return -1;
        snprintf(path, sizeof path,
                 "interactive.action.buttons[%zu].reply.title", i);
        if (!get_str(reply, "title", path, true, true, 20, e, NULL)) return -1;
    }
    return 0;
}

static int check_list(json_t *action, struct verr *e)
{
    if (!get_str(action, "button", "interactive.action.button", true, true, 20,
                 e, NULL))
        return -1;
    json_t *sections = json_object_get(action, "sections");
    if (!sections) return missing(e, "interactive.action.sections");
    size_t nsec = json_is_array(sections) ? json_array_size(sections) : 0;
    if (nsec < 1 || nsec > 10)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param interactive.action.sections must be an array "
                        "of 1 to 10 sections");
    size_t total = 0, i;
    json_t *s;
    json_array_foreach(sections, i, s) {
        char path[96];
        if (!json_is_object(s))
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param interactive.action.sections[%zu] must be "
                            "an object", i);
        snprintf(path, sizeof path, "interactive.action.sections[%zu].title",
                 i);
        /* a title is required once there is more than one section */
        if (nsec > 1 && !json_object_get(s, "title")) return missing(e, path);
        if (opt_str(s, "title", path, true, 24, e)) return -1;
        json_t *rows = json_object_get(s, "rows");
        snprintf(path, sizeof path, "interactive.action.sections[%zu].rows", i);
        if (!rows) return missing(e, path);
        if (!json_is_array(rows) || json_array_size(rows) == 0)
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param %s must be a non-empty array", path);
        size_t k;
        json_t *r;
        json_array_foreach(rows, k, r) {
            if (++total > 10)
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param interactive.action.sections: at most "
                                "10 rows in all");
            if (!json_is_object(r))
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param interactive.action.sections[%zu]."
                                "rows[%zu] must be an object", i, k);
            snprintf(path, sizeof path,
                     "interactive.action.sections[%zu].rows[%zu].id", i, k);
            if (!get_str(r, "id", path, true, true, 200, e, NULL)) return -1;
            snprintf(path, sizeof path,
                     "interactive.action.sections[%zu].rows[%zu].title", i, k);
            if (!get_str(r, "title", path, true, true, 24, e, NULL)) return -1;
            snprintf(path, sizeof path,
                     "interactive.action.sections[%zu].rows[%zu].description",
                     i, k);
            if (opt_str(r, "description", path, false, 72, e)) return -1;
        }
    }
    return 0;
}

static int check_interactive(json_t *it, struct verr *e)
{
    const char *type = get_str(it, "type", "interactive.type", true, true, 0, e,
                               NULL);
    if (!type) return -1;
    bool button = !strcmp(type, "button"), list = !strcmp(type, "list");
    if (!button && !list)
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param interactive.type must be one of {button, list}"
                        " - got \"%s\"", type);
    json_t *body = get_obj(it, "body", "interactive.body", true, e);
    if (!body) return -1;
    if (!get_str(body, "text", "interactive.body.text", true, true, 1024, e,
                 NULL))
        return -1;
    json_t *header = get_obj(it, "header", "interactive.header", false, e);
    if (!header && json_object_get(it, "header")) return -1;
    if (header) {
        const char *ht = get_str(header, "type", "interactive.header.type",
                                 true, true, 0, e, NULL);
        if (!ht) return -1;
        if (!strcmp(ht, "text")) {
            if (!get_str(header, "text", "interactive.header.text", true, true,
                         60, e, NULL))
                return -1;
        } else if (strcmp(ht, "image") && strcmp(ht, "video") &&
                   strcmp(ht, "document")) {
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param interactive.header.type must be one of "
                            "{text, image, video, document}");
        } else if (list) {
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param interactive.header.type: list messages "
                            "take only a text header");
        }
    }
    json_t *footer = get_obj(it, "footer", "interactive.footer", false, e);
    if (!footer && json_object_get(it, "footer")) return -1;
    if (footer && !get_str(footer, "text", "interactive.footer.text", true,
                           true, 60, e, NULL))
        return -1;
    json_t *action = get_obj(it, "action", "interactive.action", true, e);
    if (!action) return -1;
    return button ? check_buttons(action, e) : check_list(action, e);
}

static int check_reaction(json_t *r, struct verr *e)
{
    if (!get_str(r, "message_id", "reaction.message_id", true, true, 0, e,
                 NULL))
        return -1;
    /* an empty emoji removes a reaction, so only its presence is required */
    if (!get_str(r, "emoji", "reaction.emoji", true, false, 0, e, NULL))
        return -1;
    return 0;
}

static const char *const message_types[] = {
    "text", "image", "video", "audio", "document", "sticker", "location",
    "contacts", "template", "interactive", "reaction", NULL,
};

enum msg_kind validate_message(json_t *body, struct verr *e)
{
    if (!json_is_object(body)) {
        verr_set(e, MSG_INVALID_PARAM, "Request body must be a JSON object");
        return MSG_INVALID;
    }
    const char *mp = get_str(body, "messaging_product", "messaging_product",
                             true, false, 0, e, NULL);
    if (!mp) return MSG_INVALID;
    if (strcmp(mp, "whatsapp")) {
        verr_set(e, MSG_INVALID_PARAM,
                 "Param messaging_product must be 'whatsapp'");
        return MSG_INVALID;
    }

    /* mark as read (optionally with a typing indicator) */
    if (json_object_get(body, "status")) {
        const char *st = get_str(body, "status", "status", true, true, 0, e,
                                 NULL);
        if (!st) return MSG_INVALID;
        if (strcmp(st, "read")) {
            verr_set(e, MSG_INVALID_PARAM, "Param status must be 'read'");
            return MSG_INVALID;
        }
        if (!get_str(body, "message_id", "message_id", true, true, 0, e, NULL))
            return MSG_INVALID;
        json_t *ti = json_object_get(body, "typing_indicator");
        if (ti) {
            const char *tt = json_is_object(ti)
                ? json_string_value(json_object_get(ti, "type")) : NULL;
            if (!tt || strcmp(tt, "text")) {
                verr_set(e, MSG_INVALID_PARAM,
                         "Param typing_indicator.type must be 'text'");
                return MSG_INVALID;
            }
        }
        return MSG_MARK_READ;
    }

    bool absent;
    const char *rt = get_str(body, "recipient_type", "recipient_type", false,
                             true, 0, e, &absent);
    if (!rt && !absent) return MSG_INVALID;
    if (rt && strcmp(rt, "individual") && strcmp(rt, "group")) {
        verr_set(e, MSG_INVALID_PARAM,
                 "Param recipient_type must be one of {individual, group}");
        return MSG_INVALID;
    }
    /* a user without a phone is named by user ID in `recipient`; with
     * both, `to` wins */
    json_t *recipient = json_object_get(body, "recipient");
    if (!json_object_get(body, "to") && recipient) {
        const char *uid = get_str(body, "recipient", "recipient", true, true, 0, e, NULL);
        if (!uid) return MSG_INVALID;
        if (!user_id_ok(uid)) {
            verr_set(e, MSG_INVALID_PARAM,
                     "Param recipient must be a business-scoped user ID - got \"%.60s\"", uid);
            return MSG_INVALID;
        }
        goto typed;
    }
    const char *to = get_str(body, "to", "to", true, true, 0, e, NULL);
    if (!to) return MSG_INVALID;
    if ((!rt || !strcmp(rt, "individual")) && !phone_ok(to)) {
        verr_set(e, MSG_INVALID_PARAM,
                 "Param to must be a phone number (digits, optionally "
                 "with a leading +) - got \"%.60s\"", to);
        return MSG_INVALID;
    }

typed:;
    const char *type = get_str(body, "type", "type", false, true, 0, e,
                               &absent);
    if (!type && !absent) return MSG_INVALID;
    if (!type) type = "text";
    size_t t;
    for (t = 0; message_types[t]; t++)
        if (!strcmp(type, message_types[t])) break;
    if (!message_types[t]) {
        verr_set(e, MSG_INVALID_PARAM,
                 "Param type must be one of {text, image, video, audio, "
                 "document, sticker, location, contacts, template, "
                 "interactive, reaction} - got \"%.40s\"", type);
        return MSG_INVALID;
    }

    int rc;
    if (!strcmp(type, "contacts")) {
        json_t *c = json_object_get(body, "contacts");
        if (!c) { missing(e, "contacts"); return MSG_INVALID; }
        rc = check_contacts(c, e);
    } else {
        json_t *obj = get_obj(body, type, type, true, e);
        if (!obj) return MSG_INVALID;
        if (!strcmp(type, "text")) {
            rc = get_str(obj, "body", "text.body", true, true, 4096, e, NULL)
                 ? 0 : -1;
            json_t *pv = json_object_get(obj, "preview_url");
            if (!rc && pv && !json_is_boolean(pv))
                rc = verr_set(e, MSG_INVALID_PARAM,
                              "Param text.preview_url must be a boolean");
        } else if (!strcmp(type, "location")) {
            rc = check_location(obj, e);
        } else if (!strcmp(type, "template")) {
            rc = check_template(obj, e);
        } else if (!strcmp(type, "interactive")) {
            rc = check_interactive(obj, e);
        } else if (!strcmp(type, "reaction")) {
            rc = check_reaction(obj, e);
        } else {
            rc = check_media(obj, type, e);
        }
    }
    if (rc) return MSG_INVALID;

    /* handed back in the message's status webhooks; at most 512 characters */
    if (opt_str(body, "biz_opaque_callback_data", "biz_opaque_callback_data",
                false, 512, e))
        return MSG_INVALID;

    json_t *ctx = json_object_get(body, "context");
    if (ctx) {
        if (!json_is_object(ctx)) {
            verr_set(e, MSG_INVALID_PARAM, "Param context must be an object");
            return MSG_INVALID;
        }
        if (!get_str(ctx, "message_id", "context.message_id", true, true, 0, e,
                     NULL))
            return MSG_INVALID;
    }
    return MSG_SEND;
}

/* ---- business profile */

static const char *const verticals[] = {
    "UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN",
    "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH",
    "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT",
    "NOT_A_BIZ", "ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING",
    "OTC_DRUGS", NULL,
};

/* local@domain.tld, no spaces, one @, a dot inside the domain */
static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ') return false;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

int validate_profile(json_t *body, struct verr *e)
{
    if (!json_is_object(body))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Request body must be a JSON object");
    const char *mp = get_str(body, "messaging_product", "messaging_product",
                             true, false, 0, e, NULL);
    if (!mp) return -1;
    if (strcmp(mp, "whatsapp"))
        return verr_set(e, MSG_INVALID_PARAM,
                        "Param messaging_product must be 'whatsapp'");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!strcmp(key, "messaging_product")) continue;
        if (!strcmp(key, "about")) {
            if (!get_str(body, key, key, true, true, 139, e, NULL)) return -1;
        } else if (!strcmp(key, "address")) {
            if (!get_str(body, key, key, true, false, 256, e, NULL)) return -1;
        } else if (!strcmp(key, "description")) {
            if (!get_str(body, key, key, true, false, 512, e, NULL)) return -1;
        } else if (!strcmp(key, "email")) {
            const char *s = get_str(body, key, key, true, false, 128, e, NULL);
            if (!s) return -1;
            if (*s && !email_ok(s))
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param email is not a valid email address");
        } else if (!strcmp(key, "websites")) {
            if (!json_is_array(v))
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param websites must be an array");
            if (json_array_size(v) > 2)
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param websites must have at most 2 entries "
                                "(got %zu)", json_array_size(v));
            size_t i;
            json_t *w;
            json_array_foreach(v, i, w) {
                if (!json_is_string(w) ||
                    utf8_chars(json_string_value(w), json_string_length(w)) >
                        256 ||
                    !is_http_url(json_string_value(w)))
                    return verr_set(e, MSG_INVALID_PARAM,
                                    "Param websites[%zu] must be an http(s) "
                                    "URL of at most 256 characters", i);
            }
        } else if (!strcmp(key, "vertical")) {
            const char *s = get_str(body, key, key, true, true, 0, e, NULL);
            if (!s) return -1;
            size_t i;
            for (i = 0; verticals[i]; i++)
                if (!strcmp(s, verticals[i])) break;
            if (!verticals[i])
                return verr_set(e, MSG_INVALID_PARAM,
                                "Param vertical must be one of Meta's "
                                "categories (OTHER, RETAIL, RESTAURANT, …) - "
                                "got \"%.40s\"", s);
        } else if (!strcmp(key, "profile_picture_handle")) {
            if (!get_str(body, key, key, true, true, 0, e, NULL)) return -1;
        } else {
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param %.60s is not a business profile field", key);
        }
    }
    return 0;
}

/* ---- media uploads: Meta's supported types and their size limits */

#define MB (1024ULL * 1024ULL)
#define KB 1024ULL

static const struct {
    const char *mime;
    unsigned long long limit;
} media_types[] = {
    {"image/jpeg", 5 * MB},
    {"image/png", 5 * MB},
    {"image/webp", 500 * KB}, /* stickers: 100 KB static, 500 KB animated */
    {"video/mp4", 16 * MB},
    {"video/3gpp", 16 * MB},
    {"audio/aac", 16 * MB},
    {"audio/amr", 16 * MB},
    {"audio/mpeg", 16 * MB},
    {"audio/mp4", 16 * MB},
    {"audio/ogg", 16 * MB},
    {"text/plain", 100 * MB},
    {"application/pdf", 100 * MB},
    {"application/msword", 100 * MB},
    {"application/vnd.ms-excel", 100 * MB},
    {"application/vnd.ms-powerpoint", 100 * MB},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     100 * MB},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     100 * MB},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
     100 * MB},
    {NULL, 0},
};

int validate_media(const char *mime, unsigned long long size, struct verr *e)
{
    /* "audio/ogg; codecs=opus" → "audio/ogg" */
    char base[128];
    size_t n = strcspn(mime, ";");
    if (n >= sizeof base) n = sizeof base - 1;
    memcpy(base, mime, n);
    while (n && base[n - 1] == ' ') n--;
    base[n] = '\0';
    for (size_t i = 0; media_types[i].mime; i++) {
        if (strcasecmp(base, media_types[i].mime)) continue;
        if (size == 0)
            return verr_set(e, MSG_INVALID_PARAM, "Param file is empty");
        if (size > media_types[i].limit)
            return verr_set(e, MSG_INVALID_PARAM,
                            "Param file is too large for %s: %llu bytes, the "
                            "limit is %llu bytes", media_types[i].mime, size,
                            media_types[i].limit);
        return 0;
    }
    return verr_set(e, MSG_INVALID_PARAM,
                    "Param type: unsupported media type \"%.60s\" (supported: "
                    "image/jpeg, image/png, image/webp, video/mp4, video/3gpp, "
                    "audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg, "
                    "text/plain, application/pdf, MS Office and OpenXML "
                    "documents)", base);
}
