/* Fault case: imports random_get, which is outside the host ABI. */
#include "wasi.h"

WASI_IMPORT(random_get)
i32 wasi_random_get(u8 *buf, size_t len);

void _start(void) {
  u8 buf[8];
  wasi_random_get(buf, sizeof buf);
  write_bytes(FD_OUTPUT, buf, sizeof buf);
}
