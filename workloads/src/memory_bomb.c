/* Fault case: grows memory one page at a time, touches each new page and
   writes one '+' per page gained; exits 3 only if a grow is ever refused
   with -1. */
#include "wasi.h"

void _start(void) {
  static const u8 plus = '+';
  for (;;) {
    size_t old_pages = __builtin_wasm_memory_grow(0, 1);
    if (old_pages == (size_t)-1) wasi_proc_exit(3);
    volatile u8 *page = (volatile u8 *)(old_pages * 65536);
    page[0] = 1;
    write_bytes(FD_OUTPUT, &plus, 1);
  }
}
