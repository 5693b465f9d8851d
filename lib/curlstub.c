/* curlstub — libcurl's functions as wb calls them, each opening libcurl
 * on first use (see lazy.h): a program that never talks to the Cloud API
 * never loads it. The prototypes are curl.h's own, so a call site cannot
 * tell. A function wb starts to call is added here (the link says which). */
#define CURL_DISABLE_TYPECHECK /* the setopt/getinfo macros would rename ours */
#include <curl/curl.h>
#include <stdarg.h>

#include "lazy.h"

static lazy_lib curl = {.files = (const char *const[]){"libcurl.so.4", NULL}};

LAZY_FN(curl, CURLcode, curl_global_init, (long flags), (flags))
LAZY_VOID(curl, curl_global_cleanup, (void), ())
LAZY_FN(curl, const char *, curl_easy_strerror, (CURLcode c), (c))
LAZY_FN(curl, CURL *, curl_easy_init, (void), ())
LAZY_FN(curl, CURLcode, curl_easy_perform, (CURL *h), (h))
LAZY_VOID(curl, curl_easy_reset, (CURL *h), (h))
LAZY_VOID(curl, curl_easy_cleanup, (CURL *h), (h))
LAZY_FN(curl, char *, curl_easy_escape, (CURL *h, const char *s, int n), (h, s, n))
LAZY_VOID(curl, curl_free, (void *p), (p))
LAZY_FN(curl, struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), (l, s))
LAZY_VOID(curl, curl_slist_free_all, (struct curl_slist *l), (l))
LAZY_FN(curl, curl_mime *, curl_mime_init, (CURL *h), (h))
LAZY_VOID(curl, curl_mime_free, (curl_mime *m), (m))
LAZY_FN(curl, curl_mimepart *, curl_mime_addpart, (curl_mime *m), (m))
LAZY_FN(curl, CURLcode, curl_mime_name, (curl_mimepart *p, const char *s), (p, s))
LAZY_FN(curl, CURLcode, curl_mime_type, (curl_mimepart *p, const char *s), (p, s))
LAZY_FN(curl, CURLcode, curl_mime_filedata, (curl_mimepart *p, const char *s), (p, s))
LAZY_FN(curl, CURLcode, curl_mime_data, (curl_mimepart *p, const char *s, size_t n), (p, s, n))
LAZY_FN(curl, CURLM *, curl_multi_init, (void), ())
LAZY_FN(curl, CURLMcode, curl_multi_cleanup, (CURLM *m), (m))
LAZY_FN(curl, CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *h), (m, h))
LAZY_FN(curl, CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *h), (m, h))
LAZY_FN(curl, CURLMcode, curl_multi_perform, (CURLM *m, int *running), (m, running))
LAZY_FN(curl, CURLMsg *, curl_multi_info_read, (CURLM *m, int *left), (m, left))
LAZY_FN(curl, CURLMcode, curl_multi_poll,
	(CURLM *m, struct curl_waitfd fds[], unsigned int nfds, int ms, int *ret),
	(m, fds, nfds, ms, ret))

/* The variadic ones take one argument after the option, whose type the
 * option's number says, as curl.h lays the numbers out: a long below
 * CURLOPTTYPE_OBJECTPOINT, then a data pointer, a function pointer, a
 * curl_off_t, a struct curl_blob pointer. */
#define SETOPT(lib, name, handle_t, opt_t, ret_t)                                      \
	ret_t(name)(handle_t *h, opt_t opt, ...)                                       \
	{                                                                              \
		static void *fn;                                                       \
		ret_t (*f)(handle_t *, opt_t, ...) = lazy_sym(&lib, &fn, #name);       \
		va_list ap;                                                            \
		va_start(ap, opt);                                                     \
		ret_t rc;                                                              \
		if (opt < CURLOPTTYPE_OBJECTPOINT)                                     \
			rc = f(h, opt, va_arg(ap, long));                              \
		else if (opt < CURLOPTTYPE_FUNCTIONPOINT || opt >= CURLOPTTYPE_BLOB)   \
			rc = f(h, opt, va_arg(ap, void *));                            \
		else if (opt < CURLOPTTYPE_OFF_T)                                      \
			rc = f(h, opt, va_arg(ap, void (*)(void)));                    \
		else                                                                   \
			rc = f(h, opt, va_arg(ap, curl_off_t));                        \
		va_end(ap);                                                            \
		return rc;                                                             \
	}
SETOPT(curl, curl_easy_setopt, CURL, CURLoption, CURLcode)
SETOPT(curl, curl_multi_setopt, CURLM, CURLMoption, CURLMcode)

/* Every CURLINFO_ takes a pointer to where the answer goes. */
CURLcode(curl_easy_getinfo)(CURL *h, CURLINFO info, ...)
{
	static void *fn;
	CURLcode (*f)(CURL *, CURLINFO, ...) = lazy_sym(&curl, &fn, "curl_easy_getinfo");
	va_list ap;
	va_start(ap, info);
	void *where = va_arg(ap, void *);
	va_end(ap);
	return f(h, info, where);
}
