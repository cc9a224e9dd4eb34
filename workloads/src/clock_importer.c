/* Fault case: imports clock_time_get, which is outside the host ABI. */
#include "wasi.h"

WASI_IMPORT(clock_time_get)
i32 wasi_clock_time_get(u32 clock_id, u64 precision, u64 *time);

void _start(void) {
  u64 now = 0;
  wasi_clock_time_get(0, 1, &now);
  u8 buf[8];
  for (int i = 0; i < 8; i++) buf[i] = (u8)(now >> (8 * i));
  write_bytes(FD_OUTPUT, buf, sizeof buf);
}
