/* httpdstub — the libmicrohttpd functions wb-recv --listen calls, each
 * opening the library on first use (see lazy.h): it brings GnuTLS and a
 * dozen libraries more, ~3 ms at every start of a program that links it,
 * and only a listener needs it. */
#include <microhttpd.h>
#include <stdarg.h>

#include "lazy.h"

static lazy_lib mhd = {.files = (const char *const[]){"libmicrohttpd.so.12", NULL}};

LAZY_VOID(mhd, MHD_stop_daemon, (struct MHD_Daemon *d), (d))
LAZY_FN(mhd, const char *, MHD_lookup_connection_value,
	(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key), (c, kind, key))
LAZY_FN(mhd, enum MHD_Result, MHD_queue_response,
	(struct MHD_Connection *c, unsigned int status, struct MHD_Response *r), (c, status, r))
LAZY_VOID(mhd, MHD_suspend_connection, (struct MHD_Connection *c), (c))
LAZY_VOID(mhd, MHD_resume_connection, (struct MHD_Connection *c), (c))
LAZY_FN(mhd, struct MHD_Response *, MHD_create_response_from_buffer,
	(size_t size, void *buf, enum MHD_ResponseMemoryMode mode), (size, buf, mode))
LAZY_VOID(mhd, MHD_destroy_response, (struct MHD_Response *r), (r))
LAZY_FN(mhd, enum MHD_Result, MHD_add_response_header,
	(struct MHD_Response *r, const char *header, const char *value), (r, header, value))

/* The options list goes on as the library's own va_list entry point. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	static void *fn;
	struct MHD_Daemon *(*f)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
				MHD_AccessHandlerCallback, void *, va_list) =
		lazy_sym(&mhd, &fn, "MHD_start_daemon_va");
	va_list ap;
	va_start(ap, dh_cls);
	struct MHD_Daemon *d = f(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

/* The info types wb asks for (a connection's socket context and fd, the
 * daemon's port) take nothing after the type, so nothing is passed on. */
const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c,
							enum MHD_ConnectionInfoType type, ...)
{
	static void *fn;
	const union MHD_ConnectionInfo *(*f)(struct MHD_Connection *, enum MHD_ConnectionInfoType, ...) =
		lazy_sym(&mhd, &fn, "MHD_get_connection_info");
	return f(c, type);
}

const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d, enum MHD_DaemonInfoType type, ...)
{
	static void *fn;
	const union MHD_DaemonInfo *(*f)(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...) =
		lazy_sym(&mhd, &fn, "MHD_get_daemon_info");
	return f(d, type);
}
