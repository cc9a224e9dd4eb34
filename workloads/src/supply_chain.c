/* Supply-chain verifier for a pharmaceutical shipment's custody record.

   Input: one custody step per line ('\n'; a last line may lack it),
     product|handler|receiver|location|r1,r2,...
   text fields 1..64 bytes; readings are integers in tenths of a degree
   Celsius (optional '-', 1..6 digits), at least one per step.

   Steps are checked in order; the first problem ends the run:
     product differs from step 0's      -> product-mismatch
     handler differs from the previous
     step's receiver                     -> custody-break
     a reading below 2.0 or above 8.0 C  -> too-cold / too-hot
     a line that does not parse          -> MALFORMED
   Output and exit code:
     OK product=P steps=N readings=M min=T max=T            exit 0
     VIOLATION product=P step=I location=L reason=R ...      exit 1
     MALFORMED line=I reason=R                               exit 2
   Integer arithmetic only. */
#include "wasi.h"

#define MAX_INPUT (256 * 1024)
#define MAX_FIELD 64
#define MAX_DIGITS 6
#define MIN_TENTHS 20
#define MAX_TENTHS 80

static u8 input[MAX_INPUT + 1];
static u8 out_buf[512];

struct slice {
  const u8 *ptr;
  size_t len;
};

struct step {
  struct slice product, handler, receiver, location, readings;
};

static int same(struct slice a, struct slice b) {
  if (a.len != b.len) return 0;
  for (size_t i = 0; i < a.len; i++)
    if (a.ptr[i] != b.ptr[i]) return 0;
  return 1;
}

static _Noreturn void finish(struct text *t, i32 code) {
  text_byte(t, '\n');
  write_bytes(FD_OUTPUT, t->buf, t->len);
  wasi_proc_exit(code);
}

static _Noreturn void malformed(struct text *t, u64 line, const char *reason) {
  text_str(t, "MALFORMED line=");
  text_u64(t, line);
  text_str(t, " reason=");
  text_str(t, reason);
  finish(t, 2);
}

/* Splits a line into its five fields; returns 0 on success or a reason. */
static const char *split(struct slice line, struct step *s) {
  struct slice *fields[5] = {&s->product, &s->handler, &s->receiver, &s->location, &s->readings};
  size_t field = 0, start = 0;
  for (size_t i = 0; i <= line.len; i++) {
    if (i < line.len && line.ptr[i] != '|') continue;
    if (field == 5) return "fields";
    fields[field]->ptr = line.ptr + start;
    fields[field]->len = i - start;
    field++;
    start = i + 1;
  }
  if (field != 5) return "fields";
  for (size_t f = 0; f < 4; f++)
    if (fields[f]->len == 0 || fields[f]->len > MAX_FIELD) return "field-length";
  return 0;
}

/* Parses one reading at *pos in r; returns 0 and advances, or a reason. */
static const char *reading(struct slice r, size_t *pos, i32 *value) {
  size_t i = *pos;
  int negative = 0;
  if (i < r.len && r.ptr[i] == '-') {
    negative = 1;
    i++;
  }
  size_t digits = 0;
  i32 v = 0;
  while (i < r.len && r.ptr[i] >= '0' && r.ptr[i] <= '9') {
    if (++digits > MAX_DIGITS) return "reading";
    v = v * 10 + (r.ptr[i] - '0');
    i++;
  }
  if (digits == 0) return "reading";
  if (i < r.len && r.ptr[i] != ',') return "reading";
  if (i < r.len) {
    i++;
    if (i == r.len) return "reading";
  }
  *pos = i;
  *value = negative ? -v : v;
  return 0;
}

static void text_tenths(struct text *t, i32 v) {
  u32 a = v < 0 ? (u32)(-v) : (u32)v;
  if (v < 0) text_byte(t, '-');
  text_u64(t, a / 10);
  text_byte(t, '.');
  text_u64(t, a % 10);
}

struct totals {
  u64 steps, readings;
  i32 min, max;
};

/* Writes "VIOLATION product=P step=I location=L reason=". */
static void violation(struct text *t, const struct step *first, const struct step *s, u64 index) {
  text_str(t, "VIOLATION product=");
  text_slice(t, first->product.ptr, first->product.len);
  text_str(t, " step=");
  text_u64(t, index);
  text_str(t, " location=");
  text_slice(t, s->location.ptr, s->location.len);
  text_str(t, " reason=");
}

static void check_readings(struct text *t, const struct step *first, const struct step *s,
                           u64 index, u64 line, struct totals *sum) {
  size_t pos = 0;
  u64 k = 0;
  while (pos < s->readings.len || k == 0) {
    i32 v = 0;
    if (reading(s->readings, &pos, &v)) malformed(t, line, "reading");
    if (v < MIN_TENTHS || v > MAX_TENTHS) {
      violation(t, first, s, index);
      text_str(t, v < MIN_TENTHS ? "too-cold reading=" : "too-hot reading=");
      text_u64(t, k);
      text_str(t, " value=");
      text_tenths(t, v);
      finish(t, 1);
    }
    if (sum->readings == 0 || v < sum->min) sum->min = v;
    if (sum->readings == 0 || v > sum->max) sum->max = v;
    sum->readings++;
    k++;
  }
}

static void check_step(struct text *t, const struct step *first, const struct step *prev,
                       const struct step *s, u64 index, struct totals *sum) {
  if (!same(s->product, first->product)) {
    violation(t, first, s, index);
    text_str(t, "product-mismatch");
    finish(t, 1);
  }
  if (prev && !same(s->handler, prev->receiver)) {
    violation(t, first, s, index);
    text_str(t, "custody-break expected=");
    text_slice(t, prev->receiver.ptr, prev->receiver.len);
    text_str(t, " got=");
    text_slice(t, s->handler.ptr, s->handler.len);
    finish(t, 1);
  }
  check_readings(t, first, s, index, index, sum);
  sum->steps++;
}

void _start(void) {
  struct text t = {out_buf, 0, sizeof out_buf};
  size_t len = read_input(input, MAX_INPUT);
  if (len > MAX_INPUT) malformed(&t, 0, "input-too-large");
  struct step first, prev, cur;
  struct totals sum = {0, 0, 0, 0};
  u64 line = 0;
  size_t start = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && input[end] != '\n') end++;
    struct slice l = {input + start, end - start};
    const char *bad = split(l, &cur);
    if (bad) malformed(&t, line, bad);
    check_step(&t, line == 0 ? &cur : &first, line == 0 ? 0 : &prev, &cur, line, &sum);
    if (line == 0) first = cur;
    prev = cur;
    line++;
    start = end + 1;
  }
  if (sum.steps == 0) malformed(&t, 0, "empty");
  u8 log_buf[64];
  struct text log = {log_buf, 0, sizeof log_buf};
  text_str(&log, "checked ");
  text_u64(&log, sum.steps);
  text_str(&log, " steps\n");
  write_bytes(FD_LOG, log.buf, log.len);
  text_str(&t, "OK product=");
  text_slice(&t, first.product.ptr, first.product.len);
  text_str(&t, " steps=");
  text_u64(&t, sum.steps);
  text_str(&t, " readings=");
  text_u64(&t, sum.readings);
  text_str(&t, " min=");
  text_tenths(&t, sum.min);
  text_str(&t, " max=");
  text_tenths(&t, sum.max);
  finish(&t, 0);
}
