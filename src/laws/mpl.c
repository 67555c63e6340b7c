/* mpl.c: the multi-power law (MATH.md §5.3):
 *   L(k) = L0 + A T_k^-alpha - B sum_i D_i G(lr_i^-gamma S_i(k)),
 *   G(x) = 1 - (C x + 1)^-beta,  S_i(k) = T_k - T_i + lr_i,
 * D_i = lr_{i-1} - lr_i over the steps after warmup (paper convention: the
 * first step's predecessor is the peak) or over every step (code convention,
 * which also counts the warmup ramp's rises). */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"
#include "vmath.h"

enum { L0, A, ALPHA, B, C, BETA, GAMMA, NP };

/* Per atom: x = log of its rate, y = S_i(k) = T_k - T_i + lr_i. */
static double log_rate(double rate, double T) {
  (void)T;
  return log(rate);
}

static void sum_to(double Tk, const double *E, double *yt, size_t n) {
  for (size_t j = 0; j < n; j++) yt[j] = Tk - yt[j] + E[j];
}

static const law_derive derive = {log_rate, sum_to, NULL};

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  return fslaw_law_sums_prepare(o, in, o->code_convention ? LAW_DROPS_ALL : LAW_DROPS, &derive, out, err);
}

/* Per-atom terms summed by predict: the sum of D_i G and its derivatives in
 * C, beta and gamma. */
enum { T_G, T_C, T_B, T_GA, NT };

/* The terms of atom j into column c of t, from x = lr_i^-gamma S_i(k),
 * lnu = log(1 + C x) and um = (1 + C x)^-beta. A drop to rate 0 (x not
 * finite) has G = 1, flat in the parameters. */
static inline void fill(const law_sums *s, const double *p, size_t j, double x, double lnu,
                        double um, double *t, size_t c) {
  double W = s->W[j], d = p[BETA] * um / (1 + p[C] * x); /* beta u^(-beta-1) */
  if (!(fabs(x) <= DBL_MAX)) {
    t[T_G * LAW_CHUNK + c] = W;
    t[T_C * LAW_CHUNK + c] = t[T_B * LAW_CHUNK + c] = t[T_GA * LAW_CHUNK + c] = 0;
    return;
  }
  t[T_G * LAW_CHUNK + c] = W * (1 - um);
  t[T_C * LAW_CHUNK + c] = W * d * x;
  t[T_B * LAW_CHUNK + c] = W * um * lnu;
  t[T_GA * LAW_CHUNK + c] = -(W * d * p[C] * x * s->x[j]);
}

/* The terms with vexp and vlog1p, vectorised. slow[c] = 1 where atom j0 + c
 * has an argument outside its function's fast range (its terms are then
 * wrong), else 0; a double, since SSE2 vectorises that but not an integer
 * made from a compare. Returns whether there is such an atom. */
VECTOR_CLONES static int mpl_terms_fast(const law_sums *s, const double *p,
                                        size_t j0, size_t m, double *restrict t,
                                        double *restrict slow) {
  const double mg = -p[GAMMA], cc = p[C], mb = -p[BETA], beta = p[BETA];
  for (size_t c = 0; c < m; c++) {
    size_t j = j0 + c;
    double e1 = mg * s->x[j], x = vexp(e1) * s->y[j], u = cc * x, lnu = vlog1p(u);
    double e2 = mb * lnu, um = vexp(e2), W = s->W[j], d = beta * um / (1 + u);
    slow[c] = vexp_fast(e1) & vlog1p_fast(u) & vexp_fast(e2) ? 0 : 1;
    t[T_G * LAW_CHUNK + c] = W * (1 - um);
    t[T_C * LAW_CHUNK + c] = W * d * x;
    t[T_B * LAW_CHUNK + c] = W * um * lnu;
    t[T_GA * LAW_CHUNK + c] = -(W * d * cc * x * s->x[j]);
  }
  return vmath_any(slow, m);
}

/* law_terms: vectorised, atoms outside the fast ranges through libm. */
static void terms(const law_sums *s, const double *p, size_t j0, size_t m, double *t) {
  double slow[LAW_CHUNK];
  if (!mpl_terms_fast(s, p, j0, m, t, slow)) return;
  const double mg = -p[GAMMA], cc = p[C], mb = -p[BETA];
  for (size_t c = 0; c < m; c++) {
    if (!slow[c]) continue;
    size_t j = j0 + c;
    double x = exp(mg * s->x[j]) * s->y[j], lnu = log1p(cc * x);
    fill(s, p, j, x, lnu, exp(mb * lnu), t, c);
  }
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  const law_sums *s = state;
  double sums[2][LAW_MAX_TERMS];
  for (size_t i = 0; i < s->nat; i++) {
    double lnT = log(s->Tk[i]), Ta = exp(-p[ALPHA] * lnT), *t = sums[i % 2];
    if (i % 2 == 0) fslaw_law_sums_pair(s, p, i, terms, NT, sums);
    pred[i] = p[L0] + p[A] * Ta - p[B] * t[T_G];
    if (!jac) continue;
    double *J = jac + i * NP;
    J[L0] = 1;
    J[A] = Ta;
    J[ALPHA] = -p[A] * Ta * lnT;
    J[B] = -t[T_G];
    J[C] = -p[B] * t[T_C];
    J[BETA] = -p[B] * t[T_B];
    J[GAMMA] = -p[B] * t[T_GA];
  }
}

/* lr^-gamma of the last rate asked (the same bits as pow): schedules hold a
 * rate over long stretches (knot stages, the stable phase). */
typedef struct {
  double lr, e; /* lr = -1: none yet */
} pow_memo;

static double lr_pow(pow_memo *m, double lr, double gamma) {
  if (lr != m->lr) m->lr = lr, m->e = pow(lr, -gamma);
  return m->e;
}

/* Given S[i] = sum_{j=i..K} lr_j: G[i] = G(x_i), x_i = lr_i^-gamma S_i, and
 * when dG != NULL, G'(x_i) into dG[i] and lr_i^-gamma into S[i] (G may be S:
 * in place): the powers, nearly all the cost of a final loss. */
static void powers(const double *lr, size_t n, const double *p, double *S, double *G, double *dG) {
  pow_memo pm = {-1, 0};
  for (size_t i = 0; i < n; i++) {
    double e = lr[i] > 0 ? lr_pow(&pm, lr[i], p[GAMMA]) : 0;
    double x = lr[i] > 0 ? e * S[i] : HUGE_VAL, u = p[C] * x + 1;
    G[i] = isfinite(x) ? 1 - pow(u, -p[BETA]) : 1;
    if (!dG) continue;
    /* dx_i/dlr_i = lr_i^-gamma - gamma x_i / lr_i; G'(x) = beta C u^(-beta-1) */
    dG[i] = isfinite(x) ? p[BETA] * p[C] * pow(u, -p[BETA] - 1) : 0;
    S[i] = e;
  }
}

/* d L(K) / d lr_k for every k, K the last step (derivation in the comments);
 * grad = NULL: the loss alone. */
static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  size_t n = in->n, K = n - 1, first = o->code_convention ? 1 : in->warmup + 1;
  const double *lr = in->lr;
  /* pass 1, from the end: S_i = sum_{j=i..K} lr_j, G(x_i) and G'(x_i); G
   * kept in grad until pass 2 overwrites it in order */
  double *S = malloc((grad ? 2 : 1) * n * sizeof *S), *dG = grad ? S + n : NULL;
  double *G = grad ? grad : S, sum = 0, ld = 0;
  if (!S) { /* law.c reports a final loss that is not a number */
    *loss = NAN;
    return;
  }
  for (size_t i = n; i-- > 0;) S[i] = sum += lr[i];
  powers(lr, n, p, S, G, dG);
  for (size_t i = n; i-- > first;) ld += (lr[i - 1] - lr[i]) * G[i];
  double T = in->T[K];
  *loss = p[L0] + p[A] * pow(T, -p[ALPHA]) - p[B] * ld;
  if (!grad) {
    free(S);
    return;
  }
  double dT = -p[ALPHA] * p[A] * pow(T, -p[ALPHA] - 1), *e = S;
  /* pass 2, forward: dL/dlr_k = dT - B [ -G_k [k in D] + G_{k+1} [k+1 in D]
   *   + sum_{i in D, i <= k} D_i G'(x_i) lr_i^-gamma - gamma D_k G'(x_k) x_k / lr_k ] */
  double prefix = 0, Gk = G[0];
  for (size_t k = 0; k < n; k++) {
    double Gnext = k + 1 < n ? G[k + 1] : 0, g = 0;
    if (k >= first && lr[k] > 0) {
      double Dk = lr[k - 1] - lr[k];
      prefix += Dk * dG[k] * e[k];
      double x = e[k] * (in->T[K] - in->T[k] + lr[k]);
      g += -Gk - p[GAMMA] * Dk * dG[k] * x / lr[k];
    } else if (k >= first) {
      g += -Gk;
    }
    if (k + 1 < n && k + 1 >= first) g += Gnext;
    g += prefix;
    grad[k] = dT - p[B] * g;
    Gk = Gnext;
  }
  free(S);
}

const law_kind fslaw_law_mpl = {
    "mpl",
    "L(k) = L0 + A T_k^-alpha - B sum_i (lr_{i-1} - lr_i) [1 - (C lr_i^-gamma S_i(k) + 1)^-beta], "
    "T_k = sum_{j<=k} lr_j, S_i(k) = sum_{j=i..k} lr_j",
    "mpl [convention=paper|code] [eps=0.1]: multi-power law (Luo et al. 2025), MATH.md §5.3",
    NP,
    {{"L0", 0, 20, 2.5, 1, 4, 0},
     {"A", 1e-4, 1e2, 0.5, 0.05, 5, 1},
     {"alpha", 0.01, 3, 0.5, 0.1, 1, 0},
     {"B", 1e-2, 1e6, 500, 50, 5000, 1},
     {"C", 1e-4, 1e4, 2, 0.1, 20, 1},
     {"beta", 0.01, 5, 0.6, 0.2, 1.5, 0},
     {"gamma", 0, 1, 0.6, 0.2, 0.9, 0}}, /* theory: gamma in [0, 1] (MATH.md §5.5) */
    "convention",
    prepare,
    predict,
    fslaw_law_sums_release,
    final_grad,
    0};
