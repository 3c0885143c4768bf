/* zlib's CRC-32, which ZIPFoundation only uses where a module named `zlib` exists (not on Linux,
   where it falls back to a byte-at-a-time Swift loop). */
#include <zlib.h>
