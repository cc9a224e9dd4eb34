/* Hash kernel: FNV-1a (64-bit) over the data, repeated for N rounds.

   Input: N as 4 bytes little-endian, then the data (at most 256 KiB).
   Output: "fnv1a64 rounds=N bytes=L hash=<16 hex digits>\n", exit 0;
   "MALFORMED\n", exit 2, if the input is shorter than 4 bytes or too long. */
#include "wasi.h"

#define MAX_INPUT (256 * 1024 + 4)
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static u8 input[MAX_INPUT + 1];
static u8 out_buf[128];

static u64 fnv1a64(const u8 *data, size_t len, u32 rounds) {
  u64 h = FNV_OFFSET;
  for (u32 r = 0; r < rounds; r++) {
    for (size_t i = 0; i < len; i++) {
      h ^= data[i];
      h *= FNV_PRIME;
    }
  }
  return h;
}

void _start(void) {
  struct text t = {out_buf, 0, sizeof out_buf};
  size_t len = read_input(input, MAX_INPUT);
  if (len < 4 || len > MAX_INPUT) {
    text_str(&t, "MALFORMED\n");
    write_bytes(FD_OUTPUT, t.buf, t.len);
    wasi_proc_exit(2);
  }
  u32 rounds = (u32)input[0] | (u32)input[1] << 8 | (u32)input[2] << 16 | (u32)input[3] << 24;
  u64 h = fnv1a64(input + 4, len - 4, rounds);
  text_str(&t, "fnv1a64 rounds=");
  text_u64(&t, rounds);
  text_str(&t, " bytes=");
  text_u64(&t, len - 4);
  text_str(&t, " hash=");
  text_hex64(&t, h);
  text_byte(&t, '\n');
  write_bytes(FD_OUTPUT, t.buf, t.len);
}
