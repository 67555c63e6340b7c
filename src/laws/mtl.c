/* mtl.c: the momentum law (MATH.md §5.4):
 *   L = L0 + A S1^-alpha - C S2,  m_i = lambda m_{i-1} + (lr_{i-1} - lr_i),
 *   S2 = sum_{i<=k} m_i,
 * with the warmup counted as constant peak rate in S1 and S2 (no drops). */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "law_kind.h"

enum { L0, A, ALPHA, C, NP };

typedef struct {
  size_t nat;   /* predicted steps */
  double *lnS1; /* log S1 at each predicted step */
  double *S2;   /* S2 at each predicted step */
} mtl_state;

static void release(void *p) {
  mtl_state *s = p;
  if (!s) return;
  free(s->lnS1);
  free(s->S2);
  free(s);
}

static fslaw_status prepare(const law_opts *o, const law_input *in, void **out, fslaw_error *err) {
  mtl_state *s = calloc(1, sizeof *s);
  if (s) {
    s->lnS1 = malloc((in->nat + 1) * sizeof *s->lnS1);
    s->S2 = malloc((in->nat + 1) * sizeof *s->S2);
  }
  if (!s || !s->lnS1 || !s->S2) {
    release(s);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  s->nat = in->nat;
  double peak = in->n ? in->lr[in->warmup] : 0;
  double S1 = 0, m = 0, S2 = 0;
  size_t a = 0;
  for (size_t k = 0; k < in->n && a < in->nat; k++) {
    if (k <= in->warmup) {
      S1 += peak;
    } else {
      S1 += in->lr[k];
      m = o->lambda * m + (in->lr[k - 1] - in->lr[k]);
      S2 += m;
    }
    for (; a < in->nat && in->at[a] == k; a++) {
      s->lnS1[a] = log(S1);
      s->S2[a] = S2;
    }
  }
  *out = s;
  return FSLAW_OK;
}

static void predict(const void *state, const double *p, double *pred, double *jac) {
  const mtl_state *s = state;
  for (size_t i = 0; i < s->nat; i++) {
    double Sa = exp(-p[ALPHA] * s->lnS1[i]);
    pred[i] = p[L0] + p[A] * Sa - p[C] * s->S2[i];
    if (!jac) continue;
    double *J = jac + i * NP;
    J[L0] = 1;
    J[A] = Sa;
    J[ALPHA] = -p[A] * Sa * s->lnS1[i];
    J[C] = -s->S2[i];
  }
}

/* d L(K) / d lr_k. S2 = sum_{j in D} D_j c_j with c_j = (1 - lambda^(K-j+1)) / (1 - lambda)
 * (each drop's momentum summed to the end), so dS2/dlr_k = -c_k + c_{k+1}. */
static void final_grad(const law_opts *o, const law_input *in, const double *p, double *loss,
                       double *grad) {
  size_t n = in->n, K = n - 1, w = in->warmup;
  const double *lr = in->lr;
  double S1 = (double)(w + 1) * lr[w], S2 = 0, lam = o->lambda;
  for (size_t k = w + 1; k < n; k++) S1 += lr[k];
  /* c_j from the end: c_K = 1, c_j = 1 + lambda c_{j+1} */
  double *c = grad, cj = 0;
  for (size_t j = n; j-- > 0;) {
    cj = 1 + lam * cj;
    if (c) c[j] = cj;
    if (j > w) S2 += (lr[j - 1] - lr[j]) * cj;
  }
  *loss = p[L0] + p[A] * pow(S1, -p[ALPHA]) - p[C] * S2;
  if (!grad) return;
  double dS1 = -p[ALPHA] * p[A] * pow(S1, -p[ALPHA] - 1);
  for (size_t k = 0; k < n; k++) {
    double cnext = k + 1 < n ? c[k + 1] : 0, dS2 = 0;
    if (k > w) dS2 -= c[k];
    if (k + 1 < n && k + 1 > w) dS2 += cnext;
    double d1 = k > w ? dS1 : k == w ? dS1 * (double)(w + 1) : 0;
    grad[k] = d1 - p[C] * dS2; /* c[k+1] is read before grad[k+1] is written */
  }
  (void)K;
}

const law_kind fslaw_law_mtl = {
    "mtl",
    "L = L0 + A S1^-alpha - C S2, S1 = sum lr, m_i = lambda m_{i-1} + (lr_{i-1} - lr_i), S2 = sum m_i",
    "mtl [lambda=0.999]: momentum law (Tissue et al. 2024), MATH.md §5.4",
    NP,
    {{"L0", 0, 20, 2.5, 1, 4, 0},
     {"A", 1e-4, 1e2, 0.5, 0.05, 5, 1},
     {"alpha", 0.01, 3, 0.5, 0.1, 1, 0},
     /* log scale: the fit then works at any lr scale (C scales as 1/lr) */
     {"C", 1e-8, 1e4, 0.5, 0.01, 10, 1}},
    "lambda",
    prepare,
    predict,
    release,
    final_grad,
    1}; /* prepare sums from step 0: in chunks, O(steps) each */
