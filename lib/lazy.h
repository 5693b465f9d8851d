/* lazy — shared libraries opened on their first use. Few runs of a wb
 * program reach the Cloud API or read a phone number, yet linking
 * libcurl and libphonenumber (with TLS, Kerberos, LDAP, ICU, protobuf
 * and the C++ runtime behind them: forty libraries) cost every run,
 * `--help` and each completion included, ~20 ms in the dynamic linker
 * before main. So the programs link neither: a stub module (curlstub.c,
 * phonestub.c) defines their functions under the same names, and each
 * forwards to the real one that lazy_sym finds on its first call.
 * A library that cannot be loaded ends the program with one line naming
 * it and exit 69 (EX_UNAVAILABLE: a support file is missing); nothing
 * is half-written, since nothing that needs it has run. Safe to call
 * from several threads at once. */
#ifndef WB_LAZY_H
#define WB_LAZY_H

typedef struct {
	/* where to look, in turn, NULL-terminated: a soname
	 * ("libcurl.so.4") is found as the dynamic linker finds any; a path
	 * with a '/' that is not absolute is read from the directory of the
	 * running program (/proc/self/exe), so that a module installed
	 * beside the programs is found wherever they are */
	const char *const *files;
	void *handle; /* once open */
} lazy_lib;

/* The address of sym in lib, opening lib on the first call; *cache
 * keeps it for the next calls. Exits 69 when lib or sym is missing. */
void *lazy_sym(lazy_lib *lib, void **cache, const char *sym);

/* Defines function name of type ret (params) to call lib's, passing
 * args: LAZY_FN(curl, CURL *, curl_easy_init, (void), ()). */
#define LAZY_FN(lib, ret, name, params, args)                      \
	ret name params                                            \
	{                                                          \
		static void *fn;                                   \
		ret(*f) params = lazy_sym(&lib, &fn, #name);       \
		return f args;                                     \
	}
/* The same for a function that returns nothing. */
#define LAZY_VOID(lib, name, params, args)                         \
	void name params                                           \
	{                                                          \
		static void *fn;                                   \
		void(*f) params = lazy_sym(&lib, &fn, #name);      \
		f args;                                            \
	}

#endif
