/* sim_spectral.c: the compressed expected-risk recursion of MATH.md §1.1b.
 *
 * The modes couple only through tr = sum_j lambda_j p_j, and
 * p_j(t) = A_t(lambda_j) p_j(0) + N_t(lambda_j) with A_t = prod a (the bias)
 * and N_t the noise driven by (eta^2/B) lambda (tr + sigma_eff^2). So tr needs
 * only two integrals over the spectrum:
 *   sum_j lambda_j p_j(0) A_t(lambda_j)   (measure sum_j lambda_j p_j(0) delta(lambda_j))
 *   sum_j lambda_j N_t(lambda_j)          (measure sum_j delta(lambda_j))
 * The top modes stay exact; the rest of the spectrum is cut into geometric
 * bins (bins_per_decade per decade of lambda) and each measure gets a q-point
 * Gauss rule per bin (Stieltjes procedure, then Golub-Welsch), built from the
 * modes themselves up to DISCRETE_MAX and from the continuous density (the
 * sum over a bin as the integral over j +- 1/2) beyond. Modes so slow that
 * 2 lambda T < FROZEN_TOL over the whole run (T = sum of rates) are frozen:
 * their bias stays put and their noise just accumulates. The recursion then
 * runs on the nodes with weights, in O(nodes) per step, any M including
 * infinity. The error estimate is the largest relative difference between
 * the curves of q and q+1 nodes per bin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sim_internal.h"

/* Modes up to this index form bins from their own eigenvalues (exact sums);
 * beyond, the density (midpoint error ~ 1e-10 relative there). */
#define DISCRETE_MAX 262144.0
/* Gauss-Legendre points (in log j) that discretise a continuous bin. */
#define GL_POINTS 16
/* Relative change 2 lambda T below which a mode counts as frozen. */
#define FROZEN_TOL 1e-13
/* Largest q + 1. */
#define QMAX 17
/* Intrinsic time beyond which the frozen cut is not moved further out, so
 * the bins stay finite; no stable run comes near it (its rates are below 2,
 * so T < 2K), and rates that large diverge at once. */
#define T_CUT_MAX 1e280

/* The node set the recursion runs on, in the form u = weight * lambda * p. */
typedef struct {
  double *lam;   /* node eigenvalue */
  double *u;     /* state: weighted lambda p */
  double *kap;   /* noise forcing weight: count * lambda^2 (0 for bias nodes) */
  size_t n;      /* nodes in use */
  size_t cap;    /* allocated */
  double fz_u;   /* frozen modes: their sum of lambda p */
  double fz_kap; /* frozen modes: their sum of lambda^2 */
} node_set;

/* A discretised measure on one bin: points t in [-1, 1], weights w, and two
 * workspaces for the orthogonal polynomials. */
typedef struct {
  double *t, *w, *pa, *pb; /* arrays of cap entries */
  size_t n, cap;           /* points in use, allocated */
} bin_measure;

static int grow(double **a, size_t cap) {
  double *p = realloc(*a, cap * sizeof *p);
  if (!p) return -1;
  *a = p;
  return 0;
}

static int node_push(node_set *s, double lam, double u, double kap) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 256;
    if (grow(&s->lam, cap) || grow(&s->u, cap) || grow(&s->kap, cap)) return -1;
    s->cap = cap;
  }
  s->lam[s->n] = lam, s->u[s->n] = u, s->kap[s->n] = kap;
  s->n++;
  return 0;
}

static void node_free(node_set *s) {
  free(s->lam), free(s->u), free(s->kap);
  memset(s, 0, sizeof *s);
}

static int measure_reserve(bin_measure *b, size_t n) {
  if (n <= b->cap) return 0;
  if (grow(&b->t, n) || grow(&b->w, n) || grow(&b->pa, n) || grow(&b->pb, n)) return -1;
  b->cap = n;
  return 0;
}

/* Eigenvalues d and first eigenvector components z (z = e_1 on entry) of the
 * symmetric tridiagonal matrix diag d, off-diagonal e[0..n-2]: implicit QL
 * with Wilkinson shifts, rotating only the first row (Golub-Welsch). */
static void tridiag_eig(double *d, double *e, double *z, size_t n) {
  for (size_t l = 0; l < n; l++) {
    size_t m;
    int iter = 0;
    do {
      for (m = l; m + 1 < n; m++)
        if (fabs(e[m]) <= 1e-17 * (fabs(d[m]) + fabs(d[m + 1]))) break;
      if (m == l || iter++ == 60) break;
      double g = (d[l + 1] - d[l]) / (2 * e[l]), r = hypot(g, 1.0);
      g = d[m] - d[l] + e[l] / (g + copysign(r, g));
      double s = 1, c = 1, p = 0;
      int split = 0;
      for (size_t i = m; i-- > l;) {
        double f = s * e[i], b = c * e[i];
        r = hypot(f, g);
        e[i + 1] = r;
        if (r == 0) {
          d[i + 1] -= p, e[m] = 0, split = 1;
          break;
        }
        s = f / r, c = g / r, g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r, d[i + 1] = g + p, g = c * r - b;
        f = z[i + 1];
        z[i + 1] = s * z[i] + c * f;
        z[i] = c * z[i] - s * f;
      }
      if (!split) d[l] -= p, e[l] = g, e[m] = 0;
    } while (m != l);
  }
}

/* The q-point Gauss rule of the discrete measure b (nodes x in [-1, 1],
 * weights wt); fewer nodes when the measure has fewer points. Stieltjes'
 * procedure gives the recurrence coefficients (stable for discrete measures
 * on [-1, 1]), Golub-Welsch the rule. Returns the number of nodes. */
static size_t gauss_rule(bin_measure *b, size_t q, double *x, double *wt) {
  if (b->n <= q) {
    memcpy(x, b->t, b->n * sizeof *x);
    memcpy(wt, b->w, b->n * sizeof *wt);
    return b->n;
  }
  double alpha[QMAX], beta[QMAX], nrm_prev = 1;
  for (size_t i = 0; i < b->n; i++) b->pa[i] = 1, b->pb[i] = 0;
  for (size_t k = 0; k < q; k++) {
    double nrm = 0, tn = 0;
    for (size_t i = 0; i < b->n; i++) {
      double v = b->w[i] * b->pa[i] * b->pa[i];
      nrm += v, tn += v * b->t[i];
    }
    alpha[k] = tn / nrm;
    beta[k] = k ? nrm / nrm_prev : nrm;
    if (k + 1 == q) break;
    for (size_t i = 0; i < b->n; i++) {
      double next = (b->t[i] - alpha[k]) * b->pa[i] - (k ? beta[k] : 0) * b->pb[i];
      b->pb[i] = b->pa[i], b->pa[i] = next;
    }
    nrm_prev = nrm;
  }
  double e[QMAX];
  for (size_t k = 0; k < q; k++) {
    x[k] = alpha[k];
    e[k] = k + 1 < q ? sqrt(beta[k + 1]) : 0;
    wt[k] = k == 0;
  }
  tridiag_eig(x, e, wt, q);
  for (size_t k = 0; k < q; k++) wt[k] = beta[0] * wt[k] * wt[k];
  return q;
}

/* Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n). */
static void gauss_legendre(size_t n, double *x, double *w) {
  for (size_t i = 0; i < n; i++) {
    double z = cos(FSLAW_PI * ((double)i + 0.75) / ((double)n + 0.5)), dp = 1;
    for (int it = 0; it < 100; it++) {
      double p0 = 1, p1 = z;
      for (size_t k = 2; k <= n; k++) {
        double p2 = ((2.0 * (double)k - 1) * z * p1 - ((double)k - 1) * p0) / (double)k;
        p0 = p1, p1 = p2;
      }
      if (n == 1) p1 = z, p0 = 1;
      dp = (double)n * (z * p1 - p0) / (z * z - 1);
      double dz = p1 / dp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
}

/* What the bins are built from. */
typedef struct {
  const fslaw_plk_model *m; /* the model */
  size_t q;                 /* nodes per bin and measure */
  double glx[GL_POINTS];    /* Gauss-Legendre nodes on [-1, 1] */
  double glw[GL_POINTS];    /* and weights */
  bin_measure meas;         /* workspace */
} bin_builder;

/* Fill the measure of modes j = lo..hi (bias: weight lambda_j p_j(0);
 * count: weight 1) in the bin's variable t = (lambda - mid)/half. Discrete
 * bins use the modes, continuous ones the density over [lo - ½, hi + ½]. */
static int fill_measure(bin_builder *bb, double lo, double hi, int bias, double mid, double half) {
  bin_measure *b = &bb->meas;
  if (hi <= DISCRETE_MAX) {
    size_t n = (size_t)(hi - lo) + 1;
    if (measure_reserve(b, n)) return -1;
    for (size_t i = 0; i < n; i++) {
      double j = lo + (double)i;
      b->t[i] = (fslaw_plk_lambda(bb->m, j) - mid) / half;
      b->w[i] = bias ? fslaw_plk_signal(bb->m, j) : 1;
    }
    b->n = n;
    return 0;
  }
  if (measure_reserve(b, GL_POINTS)) return -1;
  double ua = log(lo - 0.5), ub = log(hi + 0.5), c = 0.5 * (ua + ub), h = 0.5 * (ub - ua);
  for (size_t i = 0; i < GL_POINTS; i++) {
    double j = exp(c + h * bb->glx[i]);
    b->t[i] = (fslaw_plk_lambda(bb->m, j) - mid) / half;
    b->w[i] = h * bb->glw[i] * j * (bias ? fslaw_plk_signal(bb->m, j) : 1); /* dj = j du */
  }
  b->n = GL_POINTS;
  return 0;
}

/* Add the nodes of bin j = lo..hi for both measures. */
static int add_bin(bin_builder *bb, node_set *s, double lo, double hi) {
  const fslaw_plk_model *m = bb->m;
  double lmax = fslaw_plk_lambda(m, hi <= DISCRETE_MAX ? lo : lo - 0.5);
  double lmin = fslaw_plk_lambda(m, hi <= DISCRETE_MAX ? hi : hi + 0.5);
  double mid = 0.5 * (lmax + lmin), half = 0.5 * (lmax - lmin);
  if (lo == hi) /* a single mode: exact */
    return node_push(s, lmax, fslaw_plk_signal(m, lo), lmax * lmax);
  for (int bias = 1; bias >= 0; bias--) {
    double x[QMAX], w[QMAX];
    if (fill_measure(bb, lo, hi, bias, mid, half)) return -1;
    size_t nq = gauss_rule(&bb->meas, bb->q, x, w);
    for (size_t i = 0; i < nq; i++) {
      double lam = mid + half * x[i];
      if (node_push(s, lam, bias ? w[i] : 0, bias ? 0 : w[i] * lam * lam)) return -1;
    }
  }
  return 0;
}

/* sum_{J < j <= M} j^-e, M possibly infinite (Hurwitz zeta). */
static double tail_sum(double e, double J, double M) {
  if (J >= M) return 0;
  double s = fslaw_hurwitz_zeta(e, J + 1);
  if (isfinite(M)) s -= fslaw_hurwitz_zeta(e, M + 1);
  return s > 0 ? s : 0;
}

/* Build the node set for q nodes per bin; T is the total intrinsic time. */
static fslaw_status build_nodes(const fslaw_plk_model *m, const fslaw_sim_options *opt, size_t q,
                                double T, node_set *s, fslaw_error *err) {
  bin_builder bb = {m, q, {0}, {0}, {0}};
  gauss_legendre(GL_POINTS, bb.glx, bb.glw);
  double M = m->features, J0 = fmin(M, (double)opt->exact_modes);
  int bad = 0;
  for (double j = 1; j <= J0 && !bad; j++) {
    double lam = fslaw_plk_lambda(m, j);
    bad = node_push(s, lam, fslaw_plk_signal(m, j), lam * lam);
  }
  /* modes with 2 lambda T < FROZEN_TOL, i.e. j > jcut, are frozen */
  double jcut = floor(pow(2 * (fmin(T, T_CUT_MAX) + 1) / FROZEN_TOL, 1 / m->beta));
  double jend = fmin(M, fmax(jcut, J0)), r = pow(10, 1 / (opt->bins_per_decade * m->beta));
  size_t nbins = 0;
  for (double lo = J0 + 1; lo <= jend && !bad; nbins++) {
    double hi = fmax(lo, floor(lo * r));
    if (hi > jend) hi = jend;
    if (lo <= DISCRETE_MAX && hi > DISCRETE_MAX) hi = DISCRETE_MAX;
    bad = add_bin(&bb, s, lo, hi);
    if (hi >= jend) break; /* past 2^53, hi + 1 == hi: without this, no end */
    lo = hi + 1;
  }
  free(bb.meas.t), free(bb.meas.w), free(bb.meas.pa), free(bb.meas.pb);
  if (bad) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory for the spectral nodes");
  fslaw_plk_model frozen = *m; /* the frozen modes' signal, robust as s beta -> 0 */
  frozen.features = jend;
  frozen.dim = M;
  s->fz_u = fslaw_plk_tail_signal(&frozen);
  s->fz_kap = tail_sum(2 * m->beta, jend, M);
  return FSLAW_OK;
}

/* One step on the nodes: u <- a(lambda) u + c kap, a - 1 = lambda (e1 lambda
 * + e2) (§1.1, as in sim_exact.c); returns the new sum of u. */
FSLAW_SIM_CLONES static double node_kernel(double *restrict u, const double *restrict lam,
                                           const double *restrict kap, size_t n, double e1,
                                           double e2, double c) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (size_t l = 0; l < 8; l++) {
      double L = lam[j + l], x = u[j + l];
      x += L * ((e1 * L + e2) * x) + c * kap[j + l];
      u[j + l] = x;
      acc[l] += x;
    }
  for (; j < n; j++) {
    double L = lam[j], x = u[j];
    x += L * ((e1 * L + e2) * x) + c * kap[j];
    u[j] = x;
    acc[j & 7] += x;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Run the recursion on s; fills excess rows. Returns the step of divergence
 * (and its threshold in *limit) or 0. */
static size_t run_nodes(node_set *s, const fslaw_plk_model *m, const double *lr, size_t K,
                        size_t every, double *excess, double *limit) {
  double tail = fslaw_plk_tail_signal(m), sig2 = m->sigma * m->sigma + tail;
  double B = m->batch, g = 1 + 1 / B, fz = s->fz_u, tr = 0;
  for (size_t i = 0; i < s->n; i++) tr += s->u[i];
  tr += fz;
  *limit = FSLAW_SIM_BLOWUP * (tr + sig2);
  excess[0] = 0.5 * tr + 0.5 * tail;
  size_t row = 1;
  for (size_t k = 0; k < K; k++) {
    double eta = lr[k], c = eta * eta / B * (tr + sig2);
    tr = node_kernel(s->u, s->lam, s->kap, s->n, g * eta * eta, -2 * eta, c);
    fz += c * s->fz_kap;
    tr += fz;
    if (!(tr <= *limit)) return k + 1;
    if (fslaw_sim_is_row(k + 1, K, every)) excess[row++] = 0.5 * tr + 0.5 * tail;
  }
  return 0;
}

/* Build and run q nodes per bin into excess; *nodes gets the node count. */
static fslaw_status spectral_pass(const fslaw_plk_model *m, const double *lr, size_t K,
                                  const fslaw_sim_options *opt, size_t q, double *excess,
                                  size_t *nodes, fslaw_error *err) {
  double T = 0;
  for (size_t k = 0; k < K; k++) T += lr[k];
  node_set s = {0};
  fslaw_status st = build_nodes(m, opt, q, T, &s, err);
  if (!st) {
    *nodes = s.n;
    double limit;
    unsigned csr = fslaw_sim_ftz_begin();
    size_t fail = run_nodes(&s, m, lr, K, opt->every, excess, &limit);
    fslaw_sim_ftz_end(csr);
    if (fail) st = fslaw_sim_diverged(err, m, lr, fail, limit);
  }
  node_free(&s);
  return st;
}

fslaw_status fslaw_sim_spectral_run(const fslaw_plk_model *m, const double *lr, size_t K,
                                    const fslaw_sim_options *opt, double *excess,
                                    fslaw_sim_info *info, fslaw_error *err) {
  size_t nodes = 0, n2 = 0, rows = fslaw_sim_rows(K, opt->every);
  info->err_estimate = -1;
  double *e2 = opt->check ? malloc(rows * sizeof *e2) : NULL;
  if (opt->check && !e2) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  /* The error estimate reruns with q + 1 nodes per bin: an independent run,
   * so both go side by side on two threads. */
  fslaw_error err2;
  fslaw_status st = FSLAW_OK, st2 = FSLAW_OK;
  int nt = e2 && opt->threads != 1 ? 2 : 1;
#pragma omp parallel sections num_threads(nt)
  {
#pragma omp section
    st = spectral_pass(m, lr, K, opt, opt->nodes, excess, &nodes, err);
#pragma omp section
    if (e2) st2 = spectral_pass(m, lr, K, opt, opt->nodes + 1, e2, &n2, &err2);
  }
  info->nodes = nodes;
  if (!st && st2) {
    st = st2;
    if (err) *err = err2;
  }
  if (!st && e2) {
    double d = 0;
    for (size_t r = 0; r < rows; r++) d = fmax(d, fabs(excess[r] - e2[r]) / e2[r]);
    info->err_estimate = d;
  }
  free(e2);
  return st;
}
