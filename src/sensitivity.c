/* sensitivity.c: what a fit's curvature says about a prediction
 * (fslaw/sensitivity.h). The symmetric eigenproblems are LAPACK's (dsyev
 * through LAPACKE). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/sensitivity.h"
#include "internal.h"

#define MAXP 16
/* Eigenvalues below NULL_REL times the largest are round-off of zero: the
 * fitted curves do not constrain those combinations at all. */
#define NULL_REL 1e-12

/* Eigen-decomposition of M restricted to its active parameters (nonzero
 * diagonal): active[0..*na-1] their indices, V (na x na, column k the k-th
 * eigenvector, row-major) and ascending eigenvalues w. */
static fslaw_status eigen(size_t np, const double *M, size_t *active, size_t *na, double *V,
                          double *w, fslaw_error *err) {
  if (np > MAXP) return fslaw_fail(err, FSLAW_EINVAL, "at most %d parameters", MAXP);
  *na = 0;
  for (size_t i = 0; i < np; i++) {
    if (!isfinite(M[i * np + i]) || M[i * np + i] < 0)
      return fslaw_fail(err, FSLAW_EINVAL, "curvature: diagonal %zu is %g", i, M[i * np + i]);
    if (M[i * np + i] > 0) active[(*na)++] = i;
  }
  if (!*na) return fslaw_fail(err, FSLAW_EINVAL, "curvature: no parameter moves");
  for (size_t a = 0; a < *na; a++)
    for (size_t b = 0; b < *na; b++) {
      double v = M[active[a] * np + active[b]];
      if (!isfinite(v)) return fslaw_fail(err, FSLAW_EINVAL, "curvature: entry is %g", v);
      V[a * *na + b] = v;
    }
  lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)*na, V, (lapack_int)*na, w);
  if (info)
    return fslaw_fail(err, FSLAW_ENOCONVERGE, "curvature: eigen-decomposition failed (%d)", (int)info);
  /* a J'J has no negative eigenvalue beyond round-off */
  if (w[0] < -NULL_REL * w[*na - 1])
    return fslaw_fail(err, FSLAW_EINVAL, "curvature: not positive semi-definite (eigenvalue %g)", w[0]);
  return FSLAW_OK;
}

fslaw_status fslaw_sensitivity_amplification(size_t np, const double *M, const double *g,
                                             double *amp, fslaw_error *err) {
  size_t active[MAXP], na;
  double V[MAXP * MAXP], w[MAXP];
  fslaw_status st = eigen(np, M, active, &na, V, w, err);
  if (st) return st;
  double s = 0, gg = 0;
  for (size_t a = 0; a < na; a++) gg += g[active[a]] * g[active[a]];
  if (!isfinite(gg)) return fslaw_fail(err, FSLAW_EINVAL, "the prediction's gradient is not finite");
  for (size_t k = 0; k < na; k++) {
    double c = 0;
    for (size_t a = 0; a < na; a++) c += V[a * na + k] * g[active[a]];
    if (!(w[k] > NULL_REL * w[na - 1])) { /* unconstrained: does the prediction move along it? */
      if (c * c > 1e-16 * gg) s = HUGE_VAL;
      continue;
    }
    s += c * c / w[k];
  }
  *amp = sqrt(s);
  return FSLAW_OK;
}

int fslaw_sym_pinv_apply(size_t n, const double *A, size_t m, double *B) {
  double V[MAXP * MAXP], w[MAXP], T[MAXP * MAXP];
  if (n > MAXP || m > MAXP) return 1;
  memcpy(V, A, n * n * sizeof *V);
  if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, V, (lapack_int)n, w)) return 1;
  for (size_t k = 0; k < n; k++) /* T = diag(1/w) V' B, null directions dropped */
    for (size_t j = 0; j < m; j++) {
      double c = 0;
      for (size_t a = 0; a < n; a++) c += V[a * n + k] * B[a * m + j];
      T[k * m + j] = w[k] > NULL_REL * w[n - 1] ? c / w[k] : 0;
    }
  for (size_t a = 0; a < n; a++)
    for (size_t j = 0; j < m; j++) {
      double c = 0;
      for (size_t k = 0; k < n; k++) c += V[a * n + k] * T[k * m + j];
      B[a * m + j] = c;
    }
  return 0;
}

fslaw_status fslaw_sensitivity_weakest(size_t np, const double *M, double *dir, double *rms,
                                       fslaw_error *err) {
  size_t active[MAXP], na;
  double V[MAXP * MAXP], w[MAXP];
  fslaw_status st = eigen(np, M, active, &na, V, w, err);
  if (st) return st;
  memset(dir, 0, np * sizeof *dir);
  /* sign: the largest component positive, so the answer is unique */
  size_t big = 0;
  for (size_t a = 1; a < na; a++)
    if (fabs(V[a * na]) > fabs(V[big * na])) big = a;
  double sign = V[big * na] < 0 ? -1 : 1;
  for (size_t a = 0; a < na; a++) dir[active[a]] = sign * V[a * na];
  *rms = w[0] > NULL_REL * w[na - 1] ? sqrt(w[0]) : 0;
  return FSLAW_OK;
}

fslaw_status fslaw_law_amplification(const fslaw_law *law, const double *params, const double *M,
                                     const double *lr, size_t nsteps, size_t at, double *amp,
                                     double *pred_out, fslaw_error *err) {
  size_t np = fslaw_law_nparams(law);
  if (np > MAXP) return fslaw_fail(err, FSLAW_EINVAL, "at most %d parameters", MAXP);
  fslaw_law_eval *ev;
  fslaw_status st = fslaw_law_eval_create(law, lr, nsteps, &at, 1, &ev, err);
  if (st) return st;
  double pred, jac[MAXP], g[MAXP];
  fslaw_law_eval_predict(ev, params, &pred, jac);
  fslaw_law_eval_destroy(ev);
  if (!(pred > 0) || !isfinite(pred))
    return fslaw_fail(err, FSLAW_EINVAL, "the law predicts %g at step %zu", pred, at);
  if (pred_out) *pred_out = pred;
  for (size_t j = 0; j < np; j++) g[j] = jac[j] * params[j] / pred;
  return fslaw_sensitivity_amplification(np, M, g, amp, err);
}
