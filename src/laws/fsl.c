/* fsl.c: the FSL practical ansatz (MATH.md §5.1) and its variant with a
 * power-law response to the rate:
 *   fsl:  L(k) = L0 + c1 T_k^-s - c2 sum_i D_i (c3 + T_i^-s) [1 - (1 + c4 (T_k - T_i))^-gamma]
 *   fslq: the same with D_i = f(lr_{i-1}) - f(lr_i), f(lr) = ref (lr / ref)^q,
 * and D_i = lr_{i-1} - lr_i for fsl (q = 1), over the steps after warmup.
 * It is §2 integrated by parts with the kernel K(u) = (1 + c4 u)^-(1+gamma);
 * theory reads gamma = 1 - 1/beta in (0, 1) and c3 = sigma^2, hence the
 * bounds.
 *
 * Why q: the ansatz's noise floor is linear in the rate (SGD on a
 * quadratic); q lets the data say how a lower rate lowers the floor. On the
 * bundled AdamW runs the training curves alone pick q well below 1 and with
 * it a drop weight c3 inside its bounds, which fsl leaves on a bound
 * (docs/mpl_results.md). ref (option, default 1e-3) only fixes the unit of
 * c2, so that c2 and q are not tied together by a huge factor lr^q.
 *
 * fslq's drops: a block of consecutive drops telescopes, f(rate before it)
 * - f(rate after it), exact however the block is compressed (law_atoms' R
 * and WB). The two atoms of a merged block share it in proportion to f' at
 * their rates, which keeps the f-weighted mean time of the block to first
 * order (their linear weights are halves, placed to match the linear
 * moments). It is computed as ref (R/ref)^q expm1(q log1p(WB/R)), without
 * the cancellation of a difference of powers for the tiny drops of a smooth
 * schedule. fsl sums the linear weights W directly, so q = 1 costs nothing. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"
#include "vmath.h"

enum { L0, C1, C2, C3, C4, S, GAMMA, Q, NP_FSL = Q, NP_FSLQ };

/* fslq's state: the shared sums and, per atom, what its drop in f needs. */
typedef struct {
  law_sums s;  /* atoms: W, WB, x = log T_i, y = T_k - T_i, R = log(R / ref) */
  double *l1;  /* log1p(WB / R): log(rate before the block / rate after it) */
  double *fr;  /* ref W / WB: ref times the atom's linear share of its block */
  double *d;   /* merged atom: log(partner's rate / its rate), else 0 */
  double ref;  /* reference rate of f */
} fslq_state;

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  return fslaw_law_sums_prepare(o, in, LAW_DROPS, &fslaw_law_derive_time, out, err);
}

static void release_q(void *state) {
  fslq_state *q = state;
  if (!q) return;
  free(q->l1);
  free(q->fr);
  free(q->d);
  fslaw_law_sums_release(&q->s);
}

static fslaw_status prepare_q(const law_opts *o, const law_input *in, void **out,
                              fslaw_error *err) {
  void *st;
  fslaw_status r = prepare(o, in, &st, err);
  if (r) return r;
  fslq_state *q = realloc(st, sizeof *q); /* law_sums is the first member */
  if (!q) {
    fslaw_law_sums_release(st);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  size_t na = q->s.off[q->s.nat];
  q->ref = o->ref;
  q->l1 = malloc((na + 1) * sizeof *q->l1);
  q->fr = malloc((na + 1) * sizeof *q->fr);
  q->d = malloc((na + 1) * sizeof *q->d);
  if (!q->l1 || !q->fr || !q->d) {
    release_q(q);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  for (size_t j = 0; j < na; j++) {
    double R = q->s.R[j], WB = q->s.WB[j];
    q->l1[j] = R > 0 ? log1p(WB / R) : INFINITY; /* a drop to 0: slow path */
    q->fr[j] = o->ref * (q->s.W[j] / WB);
    q->s.R[j] = log(R / o->ref); /* -inf for a drop to 0 */
    q->d[j] = 0;
  }
  for (size_t j = 0; j + 1 < na; j++) /* merged atoms come in adjacent pairs */
    if (q->s.W[j] != q->s.WB[j] && q->s.E[j] > 0 && q->s.E[j + 1] > 0) {
      q->d[j] = log(q->s.E[j + 1] / q->s.E[j]);
      q->d[j + 1] = -q->d[j];
      j++;
    }
  *out = q;
  return FSLAW_OK;
}

/* Per-atom terms summed by predict: the sum and its derivatives in c3, s,
 * c4, gamma and (fslq) q. */
enum { T_SUM, T_H, T_S, T_C4, T_G, T_Q, NT_FSL = T_Q, NT_FSLQ };

/* The terms of atom j into column c of t, from g (the atom's drop: W for
 * fsl), gq = d g / d q (fslq only), ti = T_i^-s, lnu = log(1 + c4 y) and
 * um = (1 + c4 y)^-gamma. */
static inline void fill(const law_sums *s, const double *p, size_t j, double g, double gq,
                        double ti, double lnu, double um, double *t, size_t c, int has_q) {
  double a = p[C3] + ti, H = 1 - um, y = s->y[j];
  t[T_SUM * LAW_CHUNK + c] = g * a * H;
  t[T_H * LAW_CHUNK + c] = g * H;
  t[T_S * LAW_CHUNK + c] = -(g * ti * s->x[j] * H);
  t[T_C4 * LAW_CHUNK + c] = g * a * p[GAMMA] * um / (1 + p[C4] * y) * y;
  t[T_G * LAW_CHUNK + c] = g * a * um * lnu;
  if (has_q) t[T_Q * LAW_CHUNK + c] = gq * a * H;
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
    fill(s, p, j, s->W[j], 0, vexp(e1), lnu, vexp(e2), t, c, 0);
  }
  return vmath_any(slow, m);
}

/* law_terms of fsl: vectorised, atoms outside the fast ranges through libm. */
static void terms(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (!fsl_terms_fast(s, p, j0, m, t, slow)) return;
  const double ms = -p[S], c4 = p[C4], mg = -p[GAMMA];
  for (size_t c = 0; c < m; c++) {
    if (!slow[c]) continue;
    size_t j = j0 + c;
    double e1 = ms * s->x[j], lnu = log1p(c4 * s->y[j]);
    fill(s, p, j, s->W[j], 0, exp(e1), lnu, exp(mg * lnu), t, c, 0);
  }
}

/* expm1(z): a Taylor polynomial where e^z - 1 would cancel (|z| < 0.03, error
 * below 1e-18 relative), else vexp(z) - 1 (relative error below 4e-15). */
static inline double vexpm1(double z) {
  double p = z * (1 + z * (1. / 2 + z * (1. / 6 + z * (1. / 24 + z * (1. / 120 + z * (1. / 720 +
                  z * (1. / 5040 + z * (1. / 40320))))))));
  return fabs(z) < 0.03 ? p : vexp(z) - 1;
}

VECTOR_CLONES static int fslq_terms_fast(const fslq_state *st, const double *p, size_t j0,
                                         size_t m, double *restrict t, double *restrict slow) {
  const law_sums *s = &st->s;
  const double ms = -p[S], c4 = p[C4], mg = -p[GAMMA], q = p[Q];
  for (size_t c = 0; c < m; c++) {
    size_t j = j0 + c;
    double le = s->R[j], l1 = st->l1[j], e1 = ms * s->x[j], u = c4 * s->y[j];
    double lnu = vlog1p(u), e2 = mg * lnu, eq = q * le, z = q * l1, ed = (q - 1) * st->d[j];
    slow[c] = vexp_fast(e1) & vlog1p_fast(u) & vexp_fast(e2) & vexp_fast(eq) & vexp_fast(z)
                  ? 0
                  : 1;
    double x = vexp(ed), share = 2 / (1 + x), dshare = -st->d[j] * x / (1 + x);
    double fe = st->fr[j] * share * vexp(eq), em = vexpm1(z), g = fe * em;
    fill(s, p, j, g, fe * (le * em + l1 * (em + 1)) + g * dshare, vexp(e1), lnu, vexp(e2), t,
         c, 1);
  }
  return vmath_any(slow, m);
}

/* One fslq atom through libm, with the limits of a drop to 0 and a rise
 * from 0. */
static void slow_atom(const fslq_state *st, const double *p, size_t j, double *t, size_t c) {
  const law_sums *s = &st->s;
  double le = s->R[j], l1 = st->l1[j], q = p[Q], x = exp((q - 1) * st->d[j]);
  double fr = st->fr[j] * 2 / (1 + x), dshare = -st->d[j] * x / (1 + x), g, gq;
  if (isinf(le)) { /* a drop to 0: f(WB) - f(0) */
    double lw = log(s->WB[j] / st->ref);
    g = fr * exp(q * lw);
    gq = g * lw;
  } else if (isinf(l1)) { /* a rise from 0: f(0) - f(R) */
    g = -fr * exp(q * le);
    gq = g * le;
  } else {
    double fe = fr * exp(q * le), em = expm1(q * l1);
    g = fe * em;
    gq = fe * (le * em + l1 * (em + 1));
  }
  gq += g * dshare;
  double lnu = log1p(p[C4] * s->y[j]);
  fill(s, p, j, g, gq, exp(-p[S] * s->x[j]), lnu, exp(-p[GAMMA] * lnu), t, c, 1);
}

/* law_terms of fslq. */
static void terms_q(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  const fslq_state *st = (const fslq_state *)s;
  double slow[LAW_CHUNK];
  if (!fslq_terms_fast(st, p, j0, m, t, slow)) return;
  for (size_t c = 0; c < m; c++)
    if (slow[c]) slow_atom(st, p, j0 + c, t, c);
}

/* Predictions and Jacobian of fsl (has_q = 0) or fslq (has_q = 1). */
static void predict_with(const law_sums *s, const double *p, double *pred, double *jac,
                         law_terms tf, int has_q) {
  double sums[2][LAW_MAX_TERMS];
  for (size_t i = 0; i < s->nat; i++) {
    double lnTk = log(s->Tk[i]), Ts = exp(-p[S] * lnTk), *t = sums[i % 2];
    if (i % 2 == 0) fslaw_law_sums_pair(s, p, i, tf, has_q ? NT_FSLQ : NT_FSL, sums);
    pred[i] = p[L0] + p[C1] * Ts - p[C2] * t[T_SUM];
    if (!jac) continue;
    double *J = jac + i * (has_q ? NP_FSLQ : NP_FSL);
    J[L0] = 1;
    J[C1] = Ts;
    J[C2] = -t[T_SUM];
    J[C3] = -p[C2] * t[T_H];
    J[C4] = -p[C2] * t[T_C4];
    J[S] = -p[C1] * Ts * lnTk - p[C2] * t[T_S];
    J[GAMMA] = -p[C2] * t[T_G];
    if (has_q) J[Q] = -p[C2] * t[T_Q];
  }
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  predict_with(state, p, pred, jac, terms, 0);
}

static void predict_q(const void *state, const double *p, double *pred, double *jac) {
  predict_with(state, p, pred, jac, terms_q, 1);
}

/* The rate response f(lr) and f'(lr): lr and 1 for fsl (q = NAN), else
 * ref (lr/ref)^q, with f' at 0 taken at 1e-12 ref (finite for q < 1). */
static double f_of(double lr, double q, double ref) {
  if (isnan(q)) return lr;
  return lr > 0 ? ref * pow(lr / ref, q) : 0;
}
static double df_of(double lr, double q, double ref) {
  if (isnan(q)) return 1;
  return q * pow(fmax(lr, 1e-12 * ref) / ref, q - 1);
}

/* d L(K) / d lr_k for every k, K the last step: with a_i = c3 + T_i^-s,
 * H_i = 1 - (1 + c4 d_i)^-gamma, d_i = T_K - T_i, D_i = f(lr_{i-1}) - f(lr_i),
 *   dL/dlr_k = -s c1 T_K^(-s-1) - c2 [ f'(lr_k) (-a_k H_k [k in D] + a_{k+1} H_{k+1} [k+1 in D])
 *              - s sum_{i in D, i >= k} D_i T_i^(-s-1) H_i + sum_{i in D, i < k} D_i a_i H'(d_i) ].
 * q = NAN: fsl. */
static void grad_with(const law_input *in, const double *p, double q, double ref, double *loss,
                      double *grad) {
  size_t n = in->n, K = n - 1, first = in->warmup + 1;
  const double *lr = in->lr, *T = in->T;
  double *aH = grad ? malloc(n * sizeof *aH) : NULL; /* grad = NULL: the loss alone */
  /* pass 1, backward: suffix sum of D_i s T_i^(-s-1) H_i and the loss */
  double sum = 0, suffix = 0;
  for (size_t i = n; i-- > 0;) {
    if (i < first) {
      if (grad) aH[i] = 0, grad[i] = suffix;
      continue;
    }
    double D = f_of(lr[i - 1], q, ref) - f_of(lr[i], q, ref), Ts = pow(T[i], -p[S]);
    double H = 1 - pow(1 + p[C4] * (T[K] - T[i]), -p[GAMMA]);
    double aHi = (p[C3] + Ts) * H;
    sum += D * aHi;
    if (!grad) continue;
    aH[i] = aHi;
    suffix += D * p[S] * Ts / T[i] * H;
    grad[i] = suffix;
  }
  *loss = p[L0] + p[C1] * pow(T[K], -p[S]) - p[C2] * sum;
  if (!grad) return;
  double dT = -p[S] * p[C1] * pow(T[K], -p[S] - 1), prefix = 0;
  for (size_t k = 0; k < n; k++) {
    double g = -grad[k] + prefix, local = 0; /* grad[k] holds the suffix sum from k */
    if (k >= first) local -= aH[k];
    if (k + 1 < n) local += aH[k + 1];
    g += df_of(lr[k], q, ref) * local;
    grad[k] = dT - p[C2] * g;
    if (k >= first) { /* H'(d) = gamma c4 (1 + c4 d)^(-gamma-1) */
      double d = T[K] - T[k], D = f_of(lr[k - 1], q, ref) - f_of(lr[k], q, ref);
      prefix += D * (p[C3] + pow(T[k], -p[S])) * p[GAMMA] * p[C4] *
                pow(1 + p[C4] * d, -p[GAMMA] - 1);
    }
  }
  free(aH);
}

static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  grad_with(in, p, NAN, o->ref, loss, grad);
}

static void final_grad_q(const law_opts *o, const law_input *in, const double *p, double *loss,
                         double *grad) {
  grad_with(in, p, p[Q], o->ref, loss, grad);
}

#define FSL_PARAMS                                                                          \
  {"L0", 0, 20, 2.5, 1, 4, 0}, {"c1", 1e-4, 1e2, 0.5, 0.05, 5, 1},                          \
      {"c2", 1e-2, 1e6, 300, 10, 3000, 1}, {"c3", 0, 10, 0.5, 0, 2, 0},                      \
      {"c4", 1e-3, 1e5, 10, 0.1, 1000, 1}, {"s", 0.01, 3, 0.5, 0.1, 1, 0},                   \
      {"gamma", 0.01, 1, 0.5, 0.1, 0.95, 0}

const law_kind fslaw_law_fsl = {
    "fsl",
    "L(k) = L0 + c1 T_k^-s - c2 sum_i (lr_{i-1} - lr_i) (c3 + T_i^-s) [1 - (1 + c4 (T_k - T_i))^-gamma], "
    "T_k = sum_{j<=k} lr_j",
    "fsl [eps=0.1]: FSL practical ansatz (Li et al. 2025, App. B.2), MATH.md §5.1",
    NP_FSL,
    {FSL_PARAMS},
    NULL,
    prepare,
    predict,
    fslaw_law_sums_release,
    final_grad,
    0};

const law_kind fslaw_law_fslq = {
    "fslq",
    "L(k) = L0 + c1 T_k^-s - c2 sum_i [f(lr_{i-1}) - f(lr_i)] (c3 + T_i^-s) "
    "[1 - (1 + c4 (T_k - T_i))^-gamma], f(lr) = ref (lr/ref)^q, T_k = sum_{j<=k} lr_j",
    "fslq [ref=1e-3] [eps=0.1]: FSL practical ansatz with a power-law rate response "
    "f(lr) = ref (lr/ref)^q (q = 1: fsl)",
    NP_FSLQ,
    {FSL_PARAMS, {"q", 0.1, 2, 1, 0.4, 1.2, 0}},
    "ref",
    prepare_q,
    predict_q,
    release_q,
    final_grad_q,
    0};
