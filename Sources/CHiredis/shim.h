// hiredis 0.14 (Debian libhiredis-dev). We use its reply reader only; our event loop does the I/O.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
