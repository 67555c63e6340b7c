/* fslk.c: the FSL in its intrinsic-time kernel form (MATH.md §2, discrete
 * evaluator), with power laws for the signal and the forgetting kernel, and
 * its variant fslkq with a power-law response to the rate:
 *   fslk:  L_k = L0 + c1 T_k^-s + c2 sum_{i<=k} lr_i^2 (c3 + T_i^-s) (1 + c4 (T_k - T_i))^-(1+gamma)
 *   fslkq: the injection lr_i^2 becomes ref^(1-q) lr_i^(1+q) (q = 1: fslk),
 * T_k = sum_{j<=k} lr_j. The noise injected at step i is lr_i^2 times
 * [e(T_i) + sigma^2] (e = T^-s up to the constant c1, sigma^2 ~ c3) and is
 * forgotten through K(u) = (1 + c4 u)^-(1+gamma), gamma = 1 - 1/beta in (0, 1).
 * Unlike the practical ansatz (§5.1, fsl.c) it keeps the term of the
 * integration by parts that the ansatz drops: at a fixed rate the noise
 * floor still shrinks with e(T), so a drop's benefit is not frozen at the
 * e(T_i) of the drop.
 *
 * fslkq: the noise floor a constant rate sets scales as lr^q instead of lr,
 * as fslq does for the practical ansatz (fsl.c says why). A merged atom's
 * weight sum lr^2 becomes W (E/ref)^(q-1) at its rate E: the two atoms of a
 * block sit at the regression rates, so the block's weighted mean time
 * stays right to first order. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"
#include "vmath.h"

enum { L0, C1, S, C2, C3, C4, GAMMA, Q, NP_FSLK = Q, NP_FSLKQ };

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  return fslaw_law_sums_prepare(o, in, LAW_LR2, &fslaw_law_derive_time, out, err);
}

static double log_rate_ref(const law_opts *o, double rate) { return log(rate / o->ref); }

/* fslkq: the same sums, with the atom rates E replaced by log(E / ref). */
static fslaw_status prepare_q(const law_opts *o, const law_input *in, void **out,
                              fslaw_error *err) {
  static const law_derive derive = {fslaw_law_log_time, fslaw_law_time_to, log_rate_ref};
  return fslaw_law_sums_prepare(o, in, LAW_LR2, &derive, out, err);
}

/* Per-atom terms summed by predict: the sum and its derivatives in c3, s,
 * c4, gamma and (fslkq) q, negated where predict subtracts them. */
enum { T_SUM, T_K, T_S, T_C4, T_G, T_Q, NT_FSLK = T_Q, NT_FSLKQ };

/* The terms of atom j into column c of t, from its weight w (W, or
 * W (E/ref)^(q-1) for fslkq), ti = T_i^-s, lnu = log(1 + c4 y) and the
 * kernel k = (1 + c4 y)^-(1+gamma). */
static inline void fill(const law_sums *s, const double *p, size_t j, double w, double ti,
                        double lnu, double k, double *t, size_t c, int has_q) {
  double a = p[C3] + ti, Wk = w * k, y = s->y[j];
  t[T_SUM * LAW_CHUNK + c] = Wk * a;
  t[T_K * LAW_CHUNK + c] = Wk;
  t[T_S * LAW_CHUNK + c] = -(Wk * ti * s->x[j]);
  t[T_C4 * LAW_CHUNK + c] = -(Wk * a * (1 + p[GAMMA]) * y / (1 + p[C4] * y));
  t[T_G * LAW_CHUNK + c] = -(Wk * a * lnu);
  if (has_q) t[T_Q * LAW_CHUNK + c] = Wk * a * s->E[j];
}

/* The terms with vexp and vlog1p, vectorised. slow[c] = 1 where atom j0 + c
 * has an argument outside its function's fast range (its terms are then
 * wrong), else 0; a double, since SSE2 vectorises that but not an integer
 * made from a compare. Returns whether there is such an atom. has_q is a
 * constant at each call, so each variant compiles to its own loop. */
VECTOR_INLINE int terms_fast(const law_sums *s, const double *p, size_t j0, size_t m,
                             double *restrict t, double *restrict slow, int has_q) {
  const double ms = -p[S], c4 = p[C4], mg1 = -(1 + p[GAMMA]), q1 = has_q ? p[Q] - 1 : 0;
  for (size_t c = 0; c < m; c++) {
    size_t j = j0 + c;
    double e1 = ms * s->x[j], u = c4 * s->y[j], lnu = vlog1p(u), e2 = mg1 * lnu;
    double e3 = has_q ? q1 * s->E[j] : 0;
    slow[c] = vexp_fast(e1) & vlog1p_fast(u) & vexp_fast(e2) & vexp_fast(e3) ? 0 : 1;
    fill(s, p, j, has_q ? s->W[j] * vexp(e3) : s->W[j], vexp(e1), lnu, vexp(e2), t, c, has_q);
  }
  return vmath_any(slow, m);
}

VECTOR_CLONES static int fslk_terms_fast(const law_sums *s, const double *p, size_t j0,
                                         size_t m, double *restrict t, double *restrict slow) {
  return terms_fast(s, p, j0, m, t, slow, 0);
}

VECTOR_CLONES static int fslkq_terms_fast(const law_sums *s, const double *p, size_t j0,
                                          size_t m, double *restrict t, double *restrict slow) {
  return terms_fast(s, p, j0, m, t, slow, 1);
}

/* The atoms outside the fast ranges, through libm. */
static void terms_slow(const law_sums *s, const double *p, size_t j0, size_t m, double *t,
                       const double *slow, int has_q) {
  const double ms = -p[S], c4 = p[C4], mg1 = -(1 + p[GAMMA]), q1 = has_q ? p[Q] - 1 : 0;
  for (size_t c = 0; c < m; c++) {
    if (!slow[c]) continue;
    size_t j = j0 + c;
    double e1 = ms * s->x[j], lnu = log1p(c4 * s->y[j]);
    double w = has_q ? s->W[j] * exp(q1 * s->E[j]) : s->W[j];
    fill(s, p, j, w, exp(e1), lnu, exp(mg1 * lnu), t, c, has_q);
  }
}

static void terms(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (fslk_terms_fast(s, p, j0, m, t, slow)) terms_slow(s, p, j0, m, t, slow, 0);
}

static void terms_q(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (fslkq_terms_fast(s, p, j0, m, t, slow)) terms_slow(s, p, j0, m, t, slow, 1);
}

/* Predictions and Jacobian of fslk (has_q = 0) or fslkq (has_q = 1). */
static void predict_with(const law_sums *s, const double *p, double *pred, double *jac,
                         law_terms tf, int has_q) {
  double sums[2][LAW_MAX_TERMS];
  for (size_t i = 0; i < s->nat; i++) {
    double lnTk = log(s->Tk[i]), Ts = exp(-p[S] * lnTk), *t = sums[i % 2];
    if (i % 2 == 0) fslaw_law_sums_pair(s, p, i, tf, has_q ? NT_FSLKQ : NT_FSLK, sums);
    pred[i] = p[L0] + p[C1] * Ts + p[C2] * t[T_SUM];
    if (!jac) continue;
    double *J = jac + i * (has_q ? NP_FSLKQ : NP_FSLK);
    J[L0] = 1;
    J[C1] = Ts;
    J[S] = -p[C1] * Ts * lnTk + p[C2] * t[T_S];
    J[C2] = t[T_SUM];
    J[C3] = p[C2] * t[T_K];
    J[C4] = p[C2] * t[T_C4];
    J[GAMMA] = p[C2] * t[T_G];
    if (has_q) J[Q] = p[C2] * t[T_Q];
  }
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  predict_with(state, p, pred, jac, terms, 0);
}

static void predict_q(const void *state, const double *p, double *pred, double *jac) {
  predict_with(state, p, pred, jac, terms_q, 1);
}

/* The injection weight w(lr) (lr^2, or ref^(1-q) lr^(1+q)) and dw/dlr;
 * q = NAN: fslk. */
static double w_of(double lr, double q, double ref) {
  if (isnan(q)) return lr * lr;
  return lr > 0 ? ref * ref * pow(lr / ref, 1 + q) : 0;
}
static double dw_of(double lr, double q, double ref) {
  if (isnan(q)) return 2 * lr;
  return lr > 0 ? (1 + q) * ref * pow(lr / ref, q) : 0;
}

/* w(lr) and w'(lr) of the last rate asked (the same bits as w_of, dw_of):
 * schedules hold a rate over long stretches (knot stages, the stable
 * phase), so most steps reuse them. */
typedef struct {
  double lr, w, dw; /* lr = -1: none yet */
} w_memo;

static void w_at(w_memo *m, double lr, double q, double ref, int with_dw) {
  if (lr == m->lr) return;
  m->lr = lr;
  m->w = w_of(lr, q, ref);
  if (with_dw) m->dw = dw_of(lr, q, ref);
}

/* The powers of every step with a rate, 0 for the others (T may be 0
 * there): ts = T_m^-s, k = (1 + c4 (T_K - T_m))^-(1+gamma) and, when ts1 !=
 * NULL, T_m^(-s-1): nearly all the cost of a final loss (libm's pow: 80 %
 * of a long optimisation), each once per evaluation. */
static void powers(const law_input *in, const double *p, double *ts, double *ts1, double *k) {
  const double *lr = in->lr, *T = in->T, TK = T[in->n - 1], g1 = 1 + p[GAMMA];
  for (size_t m = 0; m < in->n; m++) {
    int on = lr[m] != 0;
    k[m] = on ? pow(1 + p[C4] * (TK - T[m]), -g1) : 0;
    ts[m] = on ? pow(T[m], -p[S]) : 0;
    if (ts1) ts1[m] = on ? pow(T[m], -p[S] - 1) : 0;
  }
}

/* d L(K) / d lr_m (exact): the signal term through T_K, the injection of
 * step m, the e(T_i) of the later injections (T_i grows with lr_m for i >= m)
 * and the kernel of the earlier ones (T_K - T_i grows with lr_m for i < m):
 *   -s c1 T_K^(-s-1) + c2 [w'(lr_m) f_m k_m - s sum_{i>=m} w(lr_i) T_i^(-s-1) k_i
 *                          + sum_{i<m} w(lr_i) f_i k'_i],
 * f_i = c3 + T_i^-s, k_i = (1 + c4 d_i)^-(1+gamma), k'_i = dk_i/dd_i.
 * grad = NULL: the loss alone (its sum is the second pass's). */
static void grad_with(const law_input *in, const double *p, double q, double ref, double *loss,
                      double *grad) {
  size_t n = in->n, K = n - 1;
  const double *lr = in->lr, *T = in->T;
  double *ts = malloc((grad ? 3 : 2) * n * sizeof *ts), *k = ts + n, *ts1 = grad ? k + n : NULL;
  if (!ts) { /* law.c reports a final loss that is not a number */
    *loss = NAN;
    return;
  }
  powers(in, p, ts, ts1, k);
  double g1 = 1 + p[GAMMA], sum = 0, prefix = 0, suffix = 0;
  w_memo wm = {-1, 0, 0};
  for (size_t m = n; grad && m-- > 0;) { /* suffix sums of the e(T_i) derivative first */
    grad[m] = 0;
    if (lr[m] == 0) continue;    /* no injection */
    w_at(&wm, lr[m], q, ref, 1);
    suffix -= p[S] * wm.w * ts1[m] * k[m];
    grad[m] = suffix;
  }
  double dT = -p[S] * p[C1] * pow(T[K], -p[S] - 1);
  for (size_t m = 0; m < n; m++) {
    double f = 0;
    w_at(&wm, lr[m], q, ref, grad != NULL);
    if (lr[m] != 0) {
      f = p[C3] + ts[m];
      sum += wm.w * f * k[m];
    }
    if (!grad) continue;
    grad[m] = dT + p[C2] * (grad[m] + wm.dw * f * k[m] + prefix);
    if (lr[m] != 0) prefix -= wm.w * f * g1 * p[C4] * k[m] / (1 + p[C4] * (T[K] - T[m]));
  }
  free(ts);
  *loss = p[L0] + p[C1] * pow(T[K], -p[S]) + p[C2] * sum;
}

static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  grad_with(in, p, NAN, o->ref, loss, grad);
}

static void final_grad_q(const law_opts *o, const law_input *in, const double *p, double *loss,
                         double *grad) {
  grad_with(in, p, p[Q], o->ref, loss, grad);
}

#define FSLK_PARAMS                                                                         \
  {"L0", 0, 20, 2.5, 1, 4, 0}, {"c1", 1e-4, 1e2, 0.5, 0.05, 5, 1},                          \
      {"s", 0.01, 3, 0.5, 0.1, 1, 0}, {"c2", 1e-2, 1e8, 1e4, 10, 1e6, 1},                    \
      {"c3", 0, 10, 0.5, 0, 2, 0}, {"c4", 1e-2, 1e6, 100, 1, 1e4, 1},                        \
      {"gamma", 0.01, 1, 0.5, 0.1, 0.95, 0}

const law_kind fslaw_law_fslk = {
    "fslk",
    "L_k = L0 + c1 T_k^-s + c2 sum_{i<=k} lr_i^2 (c3 + T_i^-s) (1 + c4 (T_k - T_i))^-(1+gamma), "
    "T_k = sum_{j<=k} lr_j",
    "fslk [eps=0.1]: FSL kernel form (MATH.md §2): loss-weighted noise injection, power-law "
    "forgetting",
    NP_FSLK,
    {FSLK_PARAMS},
    NULL,
    prepare,
    predict,
    fslaw_law_sums_release,
    final_grad,
    0};

const law_kind fslaw_law_fslkq = {
    "fslkq",
    "L_k = L0 + c1 T_k^-s + c2 sum_{i<=k} ref^(1-q) lr_i^(1+q) (c3 + T_i^-s) (1 + c4 (T_k - T_i))^-(1+gamma), "
    "T_k = sum_{j<=k} lr_j",
    "fslkq [ref=1e-3] [eps=0.1]: fslk with a power-law rate response: noise floor ~ lr^q "
    "(q = 1: fslk)",
    NP_FSLKQ,
    {FSLK_PARAMS, {"q", 0.1, 2, 1, 0.4, 1.2, 0}},
    "ref",
    prepare_q,
    predict_q,
    fslaw_law_sums_release,
    final_grad_q,
    0};
