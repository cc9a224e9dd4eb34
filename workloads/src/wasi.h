/* The host ABI of EntroOS jobs: a WASI preview-1 subset, no libc. */
#ifndef ENTROOS_WASI_H
#define ENTROOS_WASI_H

typedef unsigned char u8;
typedef int i32;
typedef unsigned int u32;
typedef long long i64;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ size_t;

#define WASI_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

struct iovec {
  const void *buf;
  size_t len;
};

WASI_IMPORT(fd_read)
i32 wasi_fd_read(i32 fd, const struct iovec *iovs, size_t count, size_t *nread);
WASI_IMPORT(fd_write)
i32 wasi_fd_write(i32 fd, const struct iovec *iovs, size_t count, size_t *nwritten);
WASI_IMPORT(proc_exit)
_Noreturn void wasi_proc_exit(i32 code);

enum { FD_INPUT = 0, FD_OUTPUT = 1, FD_LOG = 2 };

/* Reads the whole input into buf; returns its length, or cap + 1 if the
   input does not fit. */
static inline size_t read_input(u8 *buf, size_t cap) {
  size_t len = 0;
  for (;;) {
    struct iovec iov = {buf + len, cap + 1 - len};
    size_t got = 0;
    if (wasi_fd_read(FD_INPUT, &iov, 1, &got) != 0 || got == 0) return len;
    len += got;
    if (len > cap) return len;
  }
}

static inline void write_bytes(i32 fd, const u8 *buf, size_t len) {
  while (len > 0) {
    struct iovec iov = {buf, len};
    size_t put = 0;
    if (wasi_fd_write(fd, &iov, 1, &put) != 0 || put == 0) return;
    buf += put;
    len -= put;
  }
}

/* A small text builder over a fixed buffer; overflow is cut off. */
struct text {
  u8 *buf;
  size_t len;
  size_t cap;
};

static inline void text_byte(struct text *t, u8 c) {
  if (t->len < t->cap) t->buf[t->len++] = c;
}

static inline void text_str(struct text *t, const char *s) {
  while (*s) text_byte(t, (u8)*s++);
}

static inline void text_slice(struct text *t, const u8 *s, size_t len) {
  for (size_t i = 0; i < len; i++) text_byte(t, s[i]);
}

static inline void text_u64(struct text *t, u64 v) {
  u8 digits[20];
  size_t n = 0;
  do {
    digits[n++] = (u8)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n > 0) text_byte(t, digits[--n]);
}

static inline void text_i64(struct text *t, i64 v) {
  if (v < 0) {
    text_byte(t, '-');
    text_u64(t, (u64)0 - (u64)v);
  } else {
    text_u64(t, (u64)v);
  }
}

static inline void text_hex64(struct text *t, u64 v) {
  for (int shift = 60; shift >= 0; shift -= 4) {
    text_byte(t, (u8)"0123456789abcdef"[(v >> shift) & 15]);
  }
}

#endif
