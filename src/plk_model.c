/* plk_model.c: the power-law kernel model of MATH.md §1: spectrum, source,
 * and the signal beyond the top-M features. */
#include <math.h>

#include "fslaw/plk.h"
#include "internal.h"

fslaw_plk_model fslaw_plk_model_default(void) {
  fslaw_plk_model m = {2.0, 0.5, 1000, 1000, 1.0, 1};
  return m;
}

static int whole(double x) { return isfinite(x) && x == floor(x); }

fslaw_status fslaw_plk_model_check(const fslaw_plk_model *m, fslaw_error *err) {
  if (!(m->beta > 1) || !isfinite(m->beta))
    return fslaw_fail(err, FSLAW_EINVAL, "beta must be a finite number > 1, got %g", m->beta);
  if (!(m->s > 0) || !isfinite(m->s))
    return fslaw_fail(err, FSLAW_EINVAL, "s must be a finite number > 0, got %g", m->s);
  if (!(m->features >= 1) || !whole(m->features))
    return fslaw_fail(err, FSLAW_EINVAL, "features (M) must be a whole number >= 1, got %g",
                      m->features);
  if (!(m->dim >= m->features) || (!whole(m->dim) && m->dim != INFINITY))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "dim (N) must be a whole number >= features (%g) or inf, got %g",
                      m->features, m->dim);
  if (!(m->sigma >= 0) || !isfinite(m->sigma))
    return fslaw_fail(err, FSLAW_EINVAL, "sigma must be a finite number >= 0, got %g", m->sigma);
  if (!(m->batch >= 1) || !whole(m->batch))
    return fslaw_fail(err, FSLAW_EINVAL, "batch must be a whole number >= 1, got %g", m->batch);
  return FSLAW_OK;
}

double fslaw_plk_lambda(const fslaw_plk_model *m, double j) { return pow(j, -m->beta); }

double fslaw_plk_signal(const fslaw_plk_model *m, double j) {
  return pow(j, -(m->s * m->beta + 1));
}

double fslaw_hurwitz_zeta(double a, double q) {
  /* Direct sum of the first n terms, then Euler-Maclaurin with Bernoulli
   * corrections; n = 16 gives full double precision for a > 1, q > 0. */
  static const double b2k[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730,
                               7.0 / 6};
  const int n = 16;
  double sum = 0;
  for (int k = 0; k < n; k++) sum += pow(q + k, -a);
  double x = q + n;
  sum += pow(x, 1 - a) / (a - 1) + 0.5 * pow(x, -a);
  double term = a * pow(x, -a - 1); /* a (a+1) ... (a+2k-2) x^{-a-2k+1} */
  double fact = 2;                  /* (2k)! */
  for (int k = 1; k <= 7; k++) {
    sum += b2k[k - 1] / fact * term;
    term *= (a + 2 * k - 1) * (a + 2 * k) / (x * x);
    fact *= (2 * k + 1) * (2 * k + 2);
  }
  return sum;
}

/* The Euler-Maclaurin terms of fslaw_hurwitz_zeta beyond its direct sum and
 * its integral, at x (the same arithmetic). */
static double em_rest(double a, double x) {
  static const double b2k[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730,
                               7.0 / 6};
  double sum = 0.5 * pow(x, -a), term = a * pow(x, -a - 1), fact = 2;
  for (int k = 1; k <= 7; k++) {
    sum += b2k[k - 1] / fact * term;
    term *= (a + 2 * k - 1) * (a + 2 * k) / (x * x);
    fact *= (2 * k + 1) * (2 * k + 2);
  }
  return sum;
}

/* Hurwitz difference zeta(a, q1) - zeta(a, q2), q1 < q2 < inf. As a -> 1
 * each zeta grows like 1/(a-1) and their plain difference cancels to noise
 * (to nan at a = 1); here the two integrals are subtracted analytically,
 * int_x1^x2 t^-a dt = x1^(1-a) L expm1(z)/z, L = log(x2/x1), z = (1-a) L. */
static double hurwitz_diff(double a, double q1, double q2) {
  const int n = 16;
  double sum = 0;
  for (int k = 0; k < n; k++) sum += pow(q1 + k, -a) - pow(q2 + k, -a);
  double x1 = q1 + n, x2 = q2 + n, L = log1p((x2 - x1) / x1), z = (1 - a) * L;
  sum += pow(x1, 1 - a) * L * (z == 0 ? 1 : expm1(z) / z);
  return sum + em_rest(a, x1) - em_rest(a, x2);
}

double fslaw_plk_tail_signal(const fslaw_plk_model *m) {
  double a = m->s * m->beta + 1, tail;
  if (!isfinite(m->dim) || !(m->dim > m->features))
    tail = isfinite(m->dim) ? 0 : fslaw_hurwitz_zeta(a, m->features + 1);
  else if (a < 1.01) /* the plain difference would lose 2 or more digits */
    tail = hurwitz_diff(a, m->features + 1, m->dim + 1);
  else
    tail = fslaw_hurwitz_zeta(a, m->features + 1) - fslaw_hurwitz_zeta(a, m->dim + 1);
  return tail > 0 ? tail : 0;
}
