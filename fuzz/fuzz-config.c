/* Fuzz target: the config file ($XDG_CONFIG_HOME/wb/config) as
 * config_get reads it: KEY=VALUE lines, export, quotes, comments. What
 * it keeps is a setting by name, its value one line without the blanks
 * around it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	kv m = {0};
	config_parse(fp, "fuzz", &m);
	for (size_t i = 0; i < m.n; i++)
		if (strncmp(m.k[i], "WB_", 3) || strchr(m.v[i], '\n'))
			abort();
	kv_free(&m);
	fclose(fp);
	return 0;
}
