/* version — the release of wb, as --version prints it and the Cloud API
 * client names itself in its User-Agent. Nothing else lives here, so
 * that naming the version pulls in no other module. */
#ifndef WB_VERSION_H
#define WB_VERSION_H

#define WB_VERSION "0.1.0"

#endif
