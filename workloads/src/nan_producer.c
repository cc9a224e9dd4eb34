/* Fault case: divides 0.0 by 0.0 and writes the NaN's bits; refused at
   validation because it uses float instructions. */
#include "wasi.h"

void _start(void) {
  volatile float zero = 0.0f;
  float nan = zero / zero;
  u32 bits;
  __builtin_memcpy(&bits, &nan, sizeof bits);
  u8 buf[4] = {(u8)bits, (u8)(bits >> 8), (u8)(bits >> 16), (u8)(bits >> 24)};
  write_bytes(FD_OUTPUT, buf, sizeof buf);
}
