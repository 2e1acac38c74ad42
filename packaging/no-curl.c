/*
 * Link-time stand-ins for libcurl in the static release binary (docs/install.md).
 *
 * swift-corelibs-foundation's FoundationNetworking (URLSession) is built on libcurl. opsbook
 * never uses it, but the FlyingFox package that `opsbook serve` uses has a proxy handler that
 * mentions URLSession, so a static link pulls FoundationNetworking in and with it these
 * references. Linking the real libcurl would bring TLS, HTTP/2, Kerberos and LDAP libraries
 * along; these stand-ins keep the binary self-contained instead. If some future code does reach
 * URLSession, the first curl call stops the program with a message: never a silent success.
 */
#include <stdio.h>
#include <stdlib.h>

static void opsbook_no_curl(const char *name) {
    fprintf(stderr, "opsbook: internal error: %s called, but this binary is built without libcurl "
                    "(URLSession is not available; see docs/install.md)\n", name);
    abort();
}

#define STUB(name) void *name(void) { opsbook_no_curl(#name); return 0; }

STUB(curl_easy_cleanup)
STUB(curl_easy_getinfo)
STUB(curl_easy_init)
STUB(curl_easy_pause)
STUB(curl_easy_setopt)
STUB(curl_easy_strerror)
STUB(curl_free)
STUB(curl_global_init)
STUB(curl_multi_add_handle)
STUB(curl_multi_assign)
STUB(curl_multi_cleanup)
STUB(curl_multi_info_read)
STUB(curl_multi_init)
STUB(curl_multi_remove_handle)
STUB(curl_multi_setopt)
STUB(curl_multi_socket_action)
STUB(curl_slist_append)
STUB(curl_slist_free_all)
STUB(curl_url)
STUB(curl_url_get)
STUB(curl_url_set)
STUB(curl_version)
STUB(curl_version_info)
