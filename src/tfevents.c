/* tfevents.c: scalars of TensorBoard event files (see tfevents.h).
 *
 * An event file is a TFRecord stream: per record a little-endian u64 length,
 * the masked CRC-32C of those 8 bytes, the data (a serialized Event message)
 * and the masked CRC-32C of the data. protobuf-c decodes the Event with the
 * subset of its schema in tfevents.proto. CRC-32C (Castagnoli) is computed
 * here: zlib, which fslaw's platform has everywhere, has only the other
 * CRC-32, and the Debian library that has it (ISA-L) is a large SIMD codec
 * collection for one 10-line loop. */
#include "tfevents.h"

#include <math.h>
#include <string.h>

#include "internal.h"
#include "tfevents.pb-c.h"

enum { DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_INT64 = 9, DT_BFLOAT16 = 14, DT_HALF = 19 };

static void crc_table(uint32_t t[256]) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
}

/* TFRecord's masked CRC-32C: rotated and offset so that a CRC stored inside
 * checksummed data does not checksum to a fixed value. */
static uint32_t masked_crc(const uint32_t t[256], const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  c = ~c;
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

static uint64_t le(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

int fslaw_tfe_is_event_file(const char *data, size_t len) {
  if (len < 12) return 0;
  uint32_t t[256];
  crc_table(t);
  const unsigned char *p = (const unsigned char *)data;
  return masked_crc(t, p, 8) == (uint32_t)le(p + 8, 4);
}

/* The double nearest the shortest decimal that rounds to f as a float (at
 * most 9 digits do), so that a rate logged as 3e-4 reads as 3e-4. */
static double widen(float f) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}; /* exact */
  double d = f;
  if (d == 0 || !isfinite(d)) return d;
  int e = (int)floor(log10(fabs(d)));
  for (int p = 1; p <= 9; p++) {
    int k = p - 1 - e; /* decimals kept */
    if (k > 22 || k < -22) break;
    double r = k >= 0 ? round(d * p10[k]) / p10[k] : round(d / p10[-k]) * p10[-k];
    if ((float)r == f) return r;
  }
  return d;
}

static double half(uint32_t h) {
  int e = (int)(h >> 10 & 31);
  double m = (double)(h & 1023);
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m != 0 ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
  return h & 0x8000 ? -v : v;
}

static double bfloat16(uint32_t h) {
  uint32_t bits = (h & 0xFFFF) << 16;
  float f;
  memcpy(&f, &bits, sizeof f);
  return widen(f);
}

static double float_bits(uint64_t bits) {
  uint32_t b = (uint32_t)bits;
  float f;
  memcpy(&f, &b, sizeof f);
  return widen(f);
}

static double double_bits(uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* The value of a one-element numeric tensor into *v; 0 when it is not one.
 * A scalar tensor with no values holds 0, as TensorFlow reads it. */
static int tensor_scalar(const FslawTf__TensorProto *t, double *v) {
  if (t->tensor_shape)
    for (size_t i = 0; i < t->tensor_shape->n_dim; i++)
      if (t->tensor_shape->dim[i]->size != 1) return 0;
  const unsigned char *c = t->tensor_content.data;
  size_t n = t->tensor_content.len;
  switch (t->dtype) {
  case DT_FLOAT:
    *v = t->n_float_val ? widen(t->float_val[0]) : n == 4 ? float_bits(le(c, 4)) : 0;
    return n == 0 || n == 4;
  case DT_DOUBLE:
    *v = t->n_double_val ? t->double_val[0] : n == 8 ? double_bits(le(c, 8)) : 0;
    return n == 0 || n == 8;
  case DT_INT32:
    *v = t->n_int_val ? t->int_val[0] : n == 4 ? (double)(int32_t)le(c, 4) : 0;
    return n == 0 || n == 4;
  case DT_INT64:
    *v = t->n_int64_val ? (double)t->int64_val[0] : n == 8 ? (double)(int64_t)le(c, 8) : 0;
    return n == 0 || n == 8;
  case DT_HALF:
  case DT_BFLOAT16: {
    uint32_t h = t->n_half_val ? (uint32_t)t->half_val[0] : n == 2 ? (uint32_t)le(c, 2) : 0;
    *v = t->dtype == DT_HALF ? half(h) : bfloat16(h);
    return n == 0 || n == 2;
  }
  default:
    return 0;
  }
}

static fslaw_status deliver(const FslawTf__Event *ev, size_t offset, tfe_scalar_fn fn, void *ctx,
                            fslaw_error *err) {
  if (ev->what_case != FSLAW_TF__EVENT__WHAT_SUMMARY || !ev->summary) return FSLAW_OK;
  for (size_t i = 0; i < ev->summary->n_value; i++) {
    const FslawTf__Summary__Value *val = ev->summary->value[i];
    tfe_scalar s = {val->tag, ev->step, 0, offset};
    if (val->value_case == FSLAW_TF__SUMMARY__VALUE__VALUE_SIMPLE_VALUE)
      s.value = widen(val->simple_value);
    else if (val->value_case != FSLAW_TF__SUMMARY__VALUE__VALUE_TENSOR ||
             !tensor_scalar(val->tensor, &s.value))
      continue;
    fslaw_status st = fn(ctx, &s, err);
    if (st) return st;
  }
  return FSLAW_OK;
}

fslaw_status fslaw_tfe_scan(const char *name, const char *data, size_t len, tfe_scalar_fn fn,
                      void *ctx, size_t *cut, fslaw_error *err) {
  uint32_t t[256];
  crc_table(t);
  const unsigned char *p = (const unsigned char *)data;
  *cut = 0;
  for (size_t pos = 0; pos < len;) {
    size_t left = len - pos;
    if (left < 12) {
      *cut = pos + 1;
      return FSLAW_OK;
    }
    if (masked_crc(t, p + pos, 8) != (uint32_t)le(p + pos + 8, 4))
      return fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: corrupt record header (its checksum "
                        "does not match); not a TensorBoard event file, or a damaged one",
                        name, pos);
    uint64_t n = le(p + pos, 8);
    if (left < 16 || n > left - 16) { /* written up to here: a file being written */
      *cut = pos + 1;
      return FSLAW_OK;
    }
    const unsigned char *d = p + pos + 12;
    if (masked_crc(t, d, (size_t)n) != (uint32_t)le(d + n, 4))
      return fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: corrupt event (its checksum does not "
                        "match the data)", name, pos);
    FslawTf__Event *ev = fslaw_tf__event__unpack(NULL, (size_t)n, d);
    if (!ev)
      return fslaw_fail(err, FSLAW_EPARSE, "%s: byte %zu: the record is not a TensorBoard event",
                        name, pos);
    fslaw_status st = deliver(ev, pos, fn, ctx, err);
    fslaw_tf__event__free_unpacked(ev, NULL);
    if (st) return st;
    pos += 16 + (size_t)n;
  }
  return FSLAW_OK;
}
