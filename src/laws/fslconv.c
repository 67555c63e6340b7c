/* fslconv.c: the direct-convolution FSL (MATH.md §5.2):
 *   L_k = Linf + C1 (B1 + t_k)^-a1 + C2 sum_{j<=k} (B2 + t_k - t_j)^-a2 lr_j^2,
 * t_k = sum_{j<=k} lr_j: signal learning plus the noise injected at every
 * step (lr_j^2) and forgotten with a power-law kernel. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"
#include "vmath.h"

enum { LINF, C1, B1, A1, C2, B2, A2, NP };

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  return fslaw_law_sums_prepare(o, in, LAW_LR2, &fslaw_law_derive_time, out, err);
}

/* Per-atom terms summed by predict: the sum and its derivatives in B2, a2. */
enum { T_SUM, T_B2, T_A2, NT };

/* The terms of atom j into column c of t, from lk = log(B2 + y) and the
 * kernel k = (B2 + y)^-a2. */
static inline void fill(const law_sums *s, const double *p, size_t j, double lk, double k,
                        double *t, size_t c) {
  double W = s->W[j];
  t[T_SUM * LAW_CHUNK + c] = W * k;
  t[T_B2 * LAW_CHUNK + c] = -(W * p[A2] * k / (p[B2] + s->y[j]));
  t[T_A2 * LAW_CHUNK + c] = -(W * k * lk);
}

/* The terms with vlog and vexp, vectorised. slow[c] = 1 where atom j0 + c
 * has an argument outside its function's fast range (its terms are then
 * wrong), else 0; a double, since SSE2 vectorises that but not an integer
 * made from a compare. Returns whether there is such an atom. */
VECTOR_CLONES static int fslconv_terms_fast(const law_sums *s, const double *p,
                                            size_t j0, size_t m, double *restrict t,
                                            double *restrict slow) {
  const double b2 = p[B2], ma2 = -p[A2];
  for (size_t c = 0; c < m; c++) {
    size_t j = j0 + c;
    double v = b2 + s->y[j], lk = vlog(v), e = ma2 * lk;
    slow[c] = vlog_fast(v) & vexp_fast(e) ? 0 : 1;
    fill(s, p, j, lk, vexp(e), t, c);
  }
  return vmath_any(slow, m);
}

/* law_terms: vectorised, atoms outside the fast ranges through libm. */
static void terms(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (!fslconv_terms_fast(s, p, j0, m, t, slow)) return;
  const double b2 = p[B2], ma2 = -p[A2];
  for (size_t c = 0; c < m; c++) {
    if (!slow[c]) continue;
    size_t j = j0 + c;
    double lk = log(b2 + s->y[j]);
    fill(s, p, j, lk, exp(ma2 * lk), t, c);
  }
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  const law_sums *s = state;
  double sums[2][LAW_MAX_TERMS];
  for (size_t i = 0; i < s->nat; i++) {
    double lb = log(p[B1] + s->Tk[i]), sig = exp(-p[A1] * lb), *t = sums[i % 2];
    if (i % 2 == 0) fslaw_law_sums_pair(s, p, i, terms, NT, sums);
    pred[i] = p[LINF] + p[C1] * sig + p[C2] * t[T_SUM];
    if (!jac) continue;
    double *J = jac + i * NP;
    J[LINF] = 1;
    J[C1] = sig;
    J[B1] = -p[C1] * p[A1] * sig / (p[B1] + s->Tk[i]);
    J[A1] = -p[C1] * sig * lb;
    J[C2] = t[T_SUM];
    J[B2] = p[C2] * t[T_B2];
    J[A2] = p[C2] * t[T_A2];
  }
}

/* d L(K) / d lr_k: -a1 C1 (B1 + t_K)^(-a1-1) + C2 [2 lr_k (B2 + t_K - t_k)^-a2
 *   - a2 sum_{j<k} (B2 + t_K - t_j)^(-a2-1) lr_j^2]. */
static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  (void)o;
  size_t n = in->n, K = n - 1;
  const double *lr = in->lr, *T = in->T;
  double sig = pow(p[B1] + T[K], -p[A1]), dT = -p[A1] * p[C1] * sig / (p[B1] + T[K]);
  double sum = 0, prefix = 0;
  for (size_t k = 0; k < n; k++) {
    double b = p[B2] + T[K] - T[k], kb = pow(b, -p[A2]);
    if (grad) grad[k] = dT + p[C2] * (2 * lr[k] * kb - p[A2] * prefix);
    sum += kb * lr[k] * lr[k];
    prefix += kb / b * lr[k] * lr[k];
  }
  *loss = p[LINF] + p[C1] * sig + p[C2] * sum;
}

const law_kind fslaw_law_fslconv = {
    "fslconv",
    "L_k = Linf + C1 (B1 + t_k)^-a1 + C2 sum_{j<=k} (B2 + t_k - t_j)^-a2 lr_j^2, t_k = sum_{j<=k} lr_j",
    "fslconv [eps=0.1]: direct-convolution FSL, MATH.md §5.2",
    NP,
    {{"Linf", 0, 20, 2.5, 1, 4, 0},
     {"C1", 1e-4, 1e2, 0.5, 0.05, 5, 1},
     {"B1", 1e-6, 1e2, 0.1, 1e-3, 1, 1},
     {"a1", 0.01, 3, 0.5, 0.1, 1, 0},
     {"C2", 1e-3, 1e8, 100, 1, 1e4, 1},
     {"B2", 1e-6, 1e2, 0.1, 1e-3, 1, 1},
     {"a2", 0.01, 3, 0.5, 0.1, 1.5, 0}},
    NULL,
    prepare,
    predict,
    fslaw_law_sums_release,
    final_grad,
    0};
