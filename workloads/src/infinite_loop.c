/* Fault case: never ends; only fuel stops it. */
#include "wasi.h"

void _start(void) {
  volatile u32 counter = 0;
  for (;;) counter++;
}
