#include "lazy.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static pthread_mutex_t opening = PTHREAD_MUTEX_INITIALIZER;

/* file as dlopen takes it: a relative path with a '/' is made one from
 * the program's directory (dlopen would read it from the working one) */
static void *open_file(const char *file)
{
	if (file[0] == '/' || !strchr(file, '/'))
		return dlopen(file, RTLD_NOW | RTLD_LOCAL);
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	*strrchr(exe, '/') = 0; /* the kernel's path is absolute */
	if (snprintf(path, sizeof path, "%s/%s", exe, file) >= (int)sizeof path)
		return NULL;
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static void *open_lib(lazy_lib *lib)
{
	pthread_mutex_lock(&opening);
	void *h = lib->handle;
	char why[512] = "";
	for (const char *const *f = lib->files; !h && *f; f++) {
		h = open_file(*f);
		/* the first failure says most: the later files are fallbacks */
		if (!h && !why[0])
			snprintf(why, sizeof why, "%s", dlerror());
	}
	if (h)
		__atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&opening);
	if (!h)
		wb_die(EX_UNAVAILABLE, "cannot load %s: %s", lib->files[0], why);
	return h;
}

void *lazy_sym(lazy_lib *lib, void **cache, const char *sym)
{
	void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
	if (f)
		return f;
	void *h = __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE);
	if (!h)
		h = open_lib(lib);
	f = dlsym(h, sym);
	if (!f)
		wb_die(EX_UNAVAILABLE, "%s has no %s", lib->files[0], sym);
	__atomic_store_n(cache, f, __ATOMIC_RELEASE);
	return f;
}
