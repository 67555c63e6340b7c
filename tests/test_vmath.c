/* test_vmath.c: the vectorisable e^x, log and log1p of src/vmath.h against
 * the x87 long-double libm (64-bit mantissa: a reference 2^11 times finer
 * than a double's ulp) and against double libm, over millions of arguments
 * spanning each fast range, its edges and the arguments the laws feed
 * (exponents -s log T, log1p of c4 (T_k - T_i) from 0 to 1e300). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "../src/vmath.h"
#include "check.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* splitmix64: uniform in [0, 1). */
static double uniform(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1p-53;
}

/* The error of got in ulps of the double nearest the exact ref. */
static double ulps(double got, long double ref) {
  double r = (double)ref;
  if (r == 0) return got == 0 ? 0 : INFINITY;
  int e;
  frexp(r, &e);
  double ulp = ldexp(1, (e - 53 < -1074 ? -1074 : e - 53));
  return (double)(fabsl((long double)got - ref) / ulp);
}

/* Worst errors of one function over a sample set. */
typedef struct {
  double ref;  /* worst error in ulps against the long-double reference */
  double libm; /* worst error in ulps against double libm */
  double arg;  /* argument of the worst error against the reference */
  size_t n;    /* arguments tried */
} worst;

static void note(worst *w, double x, double got, long double ref, double libm) {
  double e = ulps(got, ref), el = ulps(got, libm);
  if (!(e <= w->ref)) { /* also catches nan */
    w->ref = isnan(e) ? INFINITY : e;
    w->arg = x;
  }
  if (!(el <= w->libm)) w->libm = isnan(el) ? INFINITY : el;
  w->n++;
}

static void try_exp(worst *w, double x) {
  CHECK(vexp_fast(x));
  note(w, x, vexp(x), expl((long double)x), exp(x));
}
static void try_log(worst *w, double x) {
  CHECK(vlog_fast(x));
  note(w, x, vlog(x), logl((long double)x), log(x));
}
static void try_log1p(worst *w, double x) {
  CHECK(vlog1p_fast(x));
  note(w, x, vlog1p(x), log1pl((long double)x), log1p(x));
}

static void report(const char *name, const worst *w) {
  printf("%-7s %zu arguments: max %.3f ulp against long double (at %.17g), %.3f ulp against libm\n",
         name, w->n, w->ref, w->arg, w->libm);
}

/* e^x over [-708, 709]: uniform, log-spaced magnitudes down to 1e-300 (the
 * -s log T of the laws lie within +-50), and the edges. */
static void test_exp(void) {
  worst w = {0, 0, 0, 0};
  for (int i = 0; i < 1000000; i++) try_exp(&w, -708 + 1417 * uniform());
  for (int i = 0; i < 500000; i++) {
    double m = pow(10, -300 + 302.85 * uniform());
    try_exp(&w, m);
    try_exp(&w, -m);
  }
  for (int i = 0; i < 200000; i++) try_exp(&w, -50 + 100 * uniform());
  double edges[] = {0, -0.0, -708, 709, 0x1p-1074, -0x1p-1074, 0.34657359027997264,
                    -0.34657359027997264, 1, -1}; /* +-ln2/2: the reduction's edges */
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) try_exp(&w, edges[i]);
  CHECK(vexp(0) == 1);
  report("exp", &w);
  CHECK(w.ref < 1.1); /* 1.06 at worst over 8e7 arguments */
  CHECK(w.libm < 1.6); /* libm's own error adds up to half an ulp */
  CHECK(!vexp_fast(-709) && !vexp_fast(710) && !vexp_fast(NAN) && !vexp_fast(INFINITY) &&
        !vexp_fast(-INFINITY));
}

/* log x over every positive normal double: random exponents and mantissas,
 * values near 1 (where log x is small and most of its digits come from the
 * reduction), and the edges. */
static void test_log(void) {
  worst w = {0, 0, 0, 0};
  for (int i = 0; i < 1000000; i++)
    try_log(&w, ldexp(1 + uniform(), -1022 + (int)(2045 * uniform())));
  for (int i = 0; i < 500000; i++) {
    double m = pow(10, -16 + 15.5 * uniform());
    try_log(&w, 1 + m);
    try_log(&w, 1 - m);
  }
  double edges[] = {1, DBL_MIN, DBL_MAX, 1.4142135623730951, 0.70710678118654757, /* sqrt 2, 1/sqrt 2 */
                    2, 0.5, 1 + DBL_EPSILON, 1 - DBL_EPSILON / 2};
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) try_log(&w, edges[i]);
  CHECK(vlog(1) == 0);
  report("log", &w);
  CHECK(w.ref < 1); /* 0.85 at worst over 8e7 arguments */
  CHECK(w.libm < 1.6);
  CHECK(!vlog_fast(0) && !vlog_fast(DBL_MIN / 2) && !vlog_fast(-1) && !vlog_fast(INFINITY) &&
        !vlog_fast(NAN));
}

/* log1p x over (-1, DBL_MAX - 1]: log-spaced magnitudes from the smallest
 * subnormal to 1e308 (the laws' c4 (T_k - T_i) >= 0, the multi-power law's
 * C lr^-gamma S up to any size), negative x down to -1 + 2^-53, uniform
 * x in [-0.3, 0.5] around the two branches of the reduction, and the edges. */
static void test_log1p(void) {
  worst w = {0, 0, 0, 0};
  for (int i = 0; i < 1000000; i++) try_log1p(&w, pow(10, -323 + 631 * uniform()));
  for (int i = 0; i < 500000; i++) try_log1p(&w, pow(10, -12 + 22 * uniform()));
  for (int i = 0; i < 500000; i++) try_log1p(&w, -pow(10, -323 + 323 * uniform()));
  for (int i = 0; i < 500000; i++) try_log1p(&w, -0.3 + 0.8 * uniform());
  for (int i = 0; i < 200000; i++) try_log1p(&w, -1 + pow(10, -15.9 + 15.9 * uniform()));
  double edges[] = {0, 0x1p-1074, DBL_MIN, 0x1p-53, 0x1p-52, 1,
                    0.41421356237309515, -0.29289321881345243, /* the k = 0 branch's edges */
                    1e300, DBL_MAX / 2, 0x1p53, 0x1p54, -0.5, -1 + 0x1p-53, -0x1p-53, -0x1p-1074};
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) try_log1p(&w, edges[i]);
  CHECK(vlog1p(0) == 0);
  CHECK(vlog1p(0x1p-1074) == 0x1p-1074);
  CHECK(vlog1p(1e-300) == 1e-300);
  report("log1p", &w);
  CHECK(w.ref < 1); /* 0.85 at worst over 8e7 arguments */
  CHECK(w.libm < 1.6);
  CHECK(!vlog1p_fast(-1) && !vlog1p_fast(-2) && !vlog1p_fast(INFINITY) && !vlog1p_fast(NAN) &&
        !vlog1p_fast(-1 + 0x1p-1060));
}

int main(void) {
  test_exp();
  test_log();
  test_log1p();
  return check_done("test_vmath");
}
