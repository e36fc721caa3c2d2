// glibc malloc tuning (mallopt), which the Glibc Swift module does not expose.
#include <malloc.h>
