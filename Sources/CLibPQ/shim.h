// libpq 15 (Debian libpq-dev).
#include <libpq-fe.h>
