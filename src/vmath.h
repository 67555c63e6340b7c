/* vmath.h: e^x, log and log1p as straight-line code the compiler vectorises,
 * for the hot loops of the table objectives and the curve laws.
 *
 * Our own because no library fits: glibc's vector functions (libmvec) are
 * only called under -ffast-math, which this project does not use. Each
 * function covers a fast range (vexp_fast, vlog_fast, vlog1p_fast say whether
 * an argument is in it); outside, the result is meaningless (no undefined
 * behaviour: only IEEE and unsigned integer operations) and the caller takes
 * libm's instead. Plain IEEE arithmetic without contraction (the project
 * builds with -ffp-contract=off): the same bits on every machine and in every
 * vector width. Accuracy, checked against libm by tests/test_vmath.c over
 * millions of arguments spanning each fast range: vexp within 1.1 ulp,
 * vlog and vlog1p within 1 ulp (worst seen over 8e7 random arguments: 1.06,
 * 0.85 and 0.87 ulp). */
#ifndef FSLAW_VMATH_H
#define FSLAW_VMATH_H

#include <float.h>
#include <stdint.h>
#include <string.h>

/* The vectorised loops in wider vectors where the CPU has them, chosen once
 * at load time (an ifunc): the Epoch grid fit runs 1.8x faster with AVX-512
 * than with baseline SSE2 (1.3x with AVX2). Every variant does the same IEEE
 * operations in the same order (no contraction, no reassociation), so
 * results are the same bits on every machine (checked: SSE2, AVX2, AVX-512,
 * gcc and clang builds give identical fits of table and curve laws). Clang
 * 14 makes the resolver of a static cloned function a global symbol: names
 * of cloned functions must be unique in the library. */
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && \
    (!defined(__clang__) || __clang_major__ >= 14)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* A loop body shared by several cloned functions: it must be inlined into
 * each clone to be compiled for that clone's vectors. */
#if defined(__GNUC__)
#define VECTOR_INLINE static inline __attribute__((always_inline))
#else
#define VECTOR_INLINE static inline
#endif

/* The double with bits b, and the bits of d (memcpy: no aliasing UB). */
static inline double vmath_from_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

static inline uint64_t vmath_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* The range tests use & rather than && and the functions have no
 * branches or selects, so that loops calling them stay free of control
 * flow and vectorise, also for SSE2. */

/* Whether vexp covers x: [-708, 709], where e^x is a normal number. */
static inline int vexp_fast(double x) { return (x >= -708) & (x <= 709); }

/* e^x for x in [-708, 709] to within 1.1 ulp: x = k ln2 + r with |r| <= ln2 / 2
 * (Cody-Waite, ln2 split so k ln2_hi is exact), e^r = 1 + r + r^2 q(r) with
 * q the degree-9 Chebyshev fit of (e^r - 1 - r) / r^2 on [-0.3466, 0.3466]
 * (relative error of e^r below 2e-17, a sixth of an ulp, before rounding),
 * 2^k from the exponent bits. */
static inline double vexp(double x) {
  double kd = x * 0x1.71547652b82fep0 + 0x1.8p52; /* round(x / ln2) in the low bits */
  uint64_t ki = vmath_bits(kd);
  kd -= 0x1.8p52;
  double r = (x - kd * 0x1.62e42feep-1) - kd * 0x1.a39ef35793c76p-33;
  double r2 = r * r, r4 = r2 * r2; /* Estrin's scheme: short dependency chains */
  double q01 = 0x1.0000000000001p-1 + r * 0x1.5555555555556p-3;
  double q23 = 0x1.5555555553d64p-5 + r * 0x1.11111111109b4p-7;
  double q45 = 0x1.6c16c1788b646p-10 + r * 0x1.a01a01a7c3d59p-13;
  double q67 = 0x1.a019b90eefe8ep-16 + r * 0x1.71de0daf7a6ccp-19;
  double q89 = 0x1.2891834686c7ep-22 + r * 0x1.af38a71a18cb9p-26;
  double q = (q01 + r2 * q23) + r4 * ((q45 + r2 * q67) + r4 * q89);
  double p = 1 + (r + r2 * q);
  return p * vmath_from_bits((ki + 1023) << 52); /* 2^k: k sits in the low bits of ki */
}

/* log(m 2^k) = k ln2 + log(1 + f) + c for a reduced m = 1 + f in
 * [sqrt(2)/2, sqrt(2)) and a correction c (fdlibm's __ieee754_log / log1p,
 * as in musl): s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)),
 * R a degree-14 polynomial with error below 2^-58.45. The terms are summed
 * smallest first, k ln2 split so that k ln2_hi is exact. The reduction and
 * the polynomial coefficients are fdlibm's, whose notice applies to them:
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely
 *   granted, provided that this notice is preserved. */
static inline double vmath_log_reduced(double f, double dk, double c) {
  double hfsq = 0.5 * f * f, s = f / (2 + f), z = s * s, w = z * z;
  double t1 = w * (0x1.999999997fa04p-2 + w * (0x1.c71c51d8e78afp-3 + w * 0x1.39a09d078c69fp-3));
  double t2 =
      z * (0x1.5555555555593p-1 +
           w * (0x1.2492494229359p-2 + w * (0x1.7466496cb03dep-3 + w * 0x1.2f112df3e5244p-3)));
  double R = t2 + t1;
  return s * (hfsq + R) + (dk * 0x1.a39ef35793c76p-33 + c) - hfsq + f + dk * 0x1.62e42feep-1;
}

/* The exponent k and reduced fraction f of a positive normal v = (1 + f) 2^k,
 * 1 + f in [sqrt(2)/2, sqrt(2)). k comes out as a double by the 2^52 trick
 * (no integer-to-double conversion, which AVX2 lacks for 64-bit lanes). */
static inline void vmath_reduce(double v, double *dk, double *f) {
  uint64_t b = vmath_bits(v) + ((uint64_t)(0x3ff00000 - 0x3fe6a09e) << 32);
  *dk = vmath_from_bits(0x4330000000000000ULL | (b >> 52)) - (0x1p52 + 0x3ff);
  *f = vmath_from_bits((b & 0x000fffffffffffffULL) + 0x3fe6a09e00000000ULL) - 1;
}

/* Whether vlog covers x: positive normal and finite. */
static inline int vlog_fast(double x) { return (x >= DBL_MIN) & (x <= DBL_MAX); }

/* log x for a positive normal finite x, within 1 ulp (fdlibm's algorithm). */
static inline double vlog(double x) {
  double dk, f;
  vmath_reduce(x, &dk, &f);
  return vmath_log_reduced(f, dk, 0);
}

/* Whether vlog1p covers x: 1 + x positive normal and finite, x > -1. */
static inline int vlog1p_fast(double x) {
  double v = 1 + x;
  return (x > -1) & (v >= DBL_MIN) & (v <= DBL_MAX);
}

/* log(1 + x) for 1 + x positive normal and finite, within 1 ulp: v = 1 + x
 * rounded, log v (as in vlog) plus the rounding error of v as c = (x - (v -
 * 1)) / v, exact below v = 2^53 (v - 1 and the difference are then exact)
 * and below 2^-52 above, where log v > 36 and c is lost in its rounding.
 * fdlibm's log1p instead takes f = x without c where k = 0 and 1 - (v - x)
 * from v >= 2; those branches would stop the vectorising. log1p(x) = x
 * exactly for |x| < 2^-53, so log1p(0) = 0. */
static inline double vlog1p(double x) {
  double v = 1 + x, dk, f;
  vmath_reduce(v, &dk, &f);
  return vmath_log_reduced(f, dk, (x - (v - 1)) / v);
}

/* Whether any of n flags (doubles, 0 or not) is set: an OR of their bits,
 * an integer reduction that vectorises (a sum of doubles in order, or of
 * integers made from compares, would not everywhere). */
static inline int vmath_any(const double *flag, size_t n) {
  uint64_t any = 0;
  for (size_t i = 0; i < n; i++) any |= vmath_bits(flag[i]);
  return any != 0;
}

#endif
