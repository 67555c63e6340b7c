/* fsl.c: the FSL practical ansatz (MATH.md §5.1):
 *   L(k) = L0 + c1 T_k^-s - c2 sum_i D_i (c3 + T_i^-s) [1 - (1 + c4 (T_k - T_i))^-gamma]
 * with D_i = lr_{i-1} - lr_i over the steps after warmup. It is §2 integrated
 * by parts with the kernel K(u) = (1 + c4 u)^-(1+gamma); theory reads
 * gamma = 1 - 1/beta in (0, 1) and c3 = sigma^2, hence the bounds. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"
#include "vmath.h"

enum { L0, C1, C2, C3, C4, S, GAMMA, NP };

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  return law_sums_prepare(o, in, LAW_DROPS, law_derive_time, out, err);
}

/* Per-atom terms summed by predict: the sum and its derivatives in c3, s,
 * c4 and gamma. */
enum { T_SUM, T_H, T_S, T_C4, T_G, NT };

/* The terms of atom j into column c of t, from ti = T_i^-s, lnu =
 * log(1 + c4 y) and um = (1 + c4 y)^-gamma. */
static inline void fill(const law_sums *s, const double *p, size_t j, double ti, double lnu,
                        double um, double *t, size_t c) {
  double a = p[C3] + ti, H = 1 - um, W = s->W[j], y = s->y[j];
  t[T_SUM * LAW_CHUNK + c] = W * a * H;
  t[T_H * LAW_CHUNK + c] = W * H;
  t[T_S * LAW_CHUNK + c] = -(W * ti * s->x[j] * H);
  t[T_C4 * LAW_CHUNK + c] = W * a * p[GAMMA] * um / (1 + p[C4] * y) * y;
  t[T_G * LAW_CHUNK + c] = W * a * um * lnu;
}

/* The terms with vexp and vlog1p, vectorised. slow[c] = 1 where atom j0 + c
 * has an argument outside its function's fast range (its terms are then
 * wrong), else 0; a double, since SSE2 vectorises that but not an integer
 * made from a compare. Returns whether there is such an atom. */
VECTOR_CLONES static int fsl_terms_fast(const law_sums *s, const double *p,
                                        size_t j0, size_t m, double *restrict t,
                                        double *restrict slow) {
  const double ms = -p[S], c4 = p[C4], mg = -p[GAMMA];
  for (size_t c = 0; c < m; c++) {
    size_t j = j0 + c;
    double e1 = ms * s->x[j], u = c4 * s->y[j], lnu = vlog1p(u), e2 = mg * lnu;
    slow[c] = vexp_fast(e1) & vlog1p_fast(u) & vexp_fast(e2) ? 0 : 1;
    fill(s, p, j, vexp(e1), lnu, vexp(e2), t, c);
  }
  return vmath_any(slow, m);
}

/* law_terms: vectorised, atoms outside the fast ranges through libm. */
static void terms(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (!fsl_terms_fast(s, p, j0, m, t, slow)) return;
  const double ms = -p[S], c4 = p[C4], mg = -p[GAMMA];
  for (size_t c = 0; c < m; c++) {
    if (!slow[c]) continue;
    size_t j = j0 + c;
    double e1 = ms * s->x[j], lnu = log1p(c4 * s->y[j]);
    fill(s, p, j, exp(e1), lnu, exp(mg * lnu), t, c);
  }
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  const law_sums *s = state;
  for (size_t i = 0; i < s->nat; i++) {
    double lnTk = log(s->Tk[i]), Ts = exp(-p[S] * lnTk), t[NT];
    law_sums_point(s, p, i, terms, NT, t);
    pred[i] = p[L0] + p[C1] * Ts - p[C2] * t[T_SUM];
    if (!jac) continue;
    double *J = jac + i * NP;
    J[L0] = 1;
    J[C1] = Ts;
    J[C2] = -t[T_SUM];
    J[C3] = -p[C2] * t[T_H];
    J[C4] = -p[C2] * t[T_C4];
    J[S] = -p[C1] * Ts * lnTk - p[C2] * t[T_S];
    J[GAMMA] = -p[C2] * t[T_G];
  }
}

/* d L(K) / d lr_k for every k, K the last step: with a_i = c3 + T_i^-s,
 * H_i = 1 - (1 + c4 d_i)^-gamma, d_i = T_K - T_i,
 *   dL/dlr_k = -s c1 T_K^(-s-1) - c2 [ -a_k H_k [k in D] + a_{k+1} H_{k+1} [k+1 in D]
 *              - s sum_{i in D, i >= k} D_i T_i^(-s-1) H_i + sum_{i in D, i < k} D_i a_i H'(d_i) ]. */
static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  (void)o;
  size_t n = in->n, K = n - 1, first = in->warmup + 1;
  const double *lr = in->lr, *T = in->T;
  double *aH = malloc(n * sizeof *aH);
  /* pass 1, backward: suffix sum of D_i s T_i^(-s-1) H_i and the loss */
  double sum = 0, suffix = 0;
  for (size_t i = n; i-- > 0;) {
    if (i < first) {
      aH[i] = 0;
      grad[i] = suffix;
      continue;
    }
    double D = lr[i - 1] - lr[i], Ts = pow(T[i], -p[S]);
    double H = 1 - pow(1 + p[C4] * (T[K] - T[i]), -p[GAMMA]);
    aH[i] = (p[C3] + Ts) * H;
    sum += D * aH[i];
    suffix += D * p[S] * Ts / T[i] * H;
    grad[i] = suffix;
  }
  *loss = p[L0] + p[C1] * pow(T[K], -p[S]) - p[C2] * sum;
  double dT = -p[S] * p[C1] * pow(T[K], -p[S] - 1), prefix = 0;
  for (size_t k = 0; k < n; k++) {
    double g = -grad[k] + prefix; /* grad[k] holds the suffix sum from k */
    if (k >= first) g -= aH[k];
    if (k + 1 < n) g += aH[k + 1];
    grad[k] = dT - p[C2] * g;
    if (k >= first) { /* H'(d) = gamma c4 (1 + c4 d)^(-gamma-1) */
      double d = T[K] - T[k];
      prefix += (lr[k - 1] - lr[k]) * (p[C3] + pow(T[k], -p[S])) * p[GAMMA] * p[C4] *
                pow(1 + p[C4] * d, -p[GAMMA] - 1);
    }
  }
  free(aH);
}

const law_kind fslaw_law_fsl = {
    "fsl",
    "L(k) = L0 + c1 T_k^-s - c2 sum_i (lr_{i-1} - lr_i) (c3 + T_i^-s) [1 - (1 + c4 (T_k - T_i))^-gamma], "
    "T_k = sum_{j<=k} lr_j",
    "fsl [eps=0.1]: FSL practical ansatz (Li et al. 2025, App. B.2), MATH.md §5.1",
    NP,
    {{"L0", 0, 20, 2.5, 1, 4, 0},
     {"c1", 1e-4, 1e2, 0.5, 0.05, 5, 1},
     {"c2", 1e-2, 1e6, 300, 10, 3000, 1},
     {"c3", 0, 10, 0.5, 0, 2, 0},
     {"c4", 1e-3, 1e5, 10, 0.1, 1000, 1},
     {"s", 0.01, 3, 0.5, 0.1, 1, 0},
     {"gamma", 0.01, 1, 0.5, 0.1, 0.95, 0}},
    NULL,
    prepare,
    predict,
    law_sums_release,
    final_grad};
