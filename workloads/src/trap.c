/* Fault case: reaches `unreachable` after writing a line. */
#include "wasi.h"

void _start(void) {
  static const u8 line[] = "about to trap\n";
  write_bytes(FD_OUTPUT, line, sizeof line - 1);
  __builtin_trap();
}
