/* fsl_eval.c: the mode sums e_M, K_M (exact or compressed onto Gauss nodes),
 * the power-law forms with the sum-of-exponentials kernel, and the discrete
 * FSL evaluator of MATH.md §2 in O(K * nodes) with one accumulator per node. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/fsl.h"
#include "fslaw/simulate.h"
#include "internal.h"
#include "vmath.h"

/* Modes kept exact at the top (and bottom) of the spectrum, MATH.md §1.1b. */
#define TOP_EXACT 64
/* Support points per compressed bin: beyond this the modes are an integral. */
#define DISCRETE_MAX 4096
/* Support points of the Gauss-Legendre discretisation of a continuous bin. */
#define GL_POINTS 16
/* Modes with 2 lambda t_max below this are lumped into one last bin. */
#define LUMP_ARG 0.1
#define MAX_ORDER 8

fslaw_fsl_options fslaw_fsl_options_default(void) {
  fslaw_fsl_options o = {FSLAW_FSL_MODES, FSLAW_FSL_NODES_AUTO, 1024, 10, 4};
  return o;
}

fslaw_status fslaw_fsl_model_check(const fslaw_plk_model *m, fslaw_error *err) {
  if (m->features != INFINITY) return fslaw_plk_model_check(m, err);
  if (m->dim != INFINITY)
    return fslaw_fail(err, FSLAW_EINVAL, "dim (N) must be inf when features (M) is inf");
  fslaw_plk_model c = *m;
  c.features = 1;
  return fslaw_plk_model_check(&c, err);
}

/* ---- node lists ------------------------------------------------------------ */

/* A growable list of exponentials w exp(-r t). */
typedef struct {
  double *r;  /* rates 2 lambda */
  double *w;  /* weights */
  size_t n;   /* number of nodes */
  size_t cap; /* capacity */
} node_list;

static int nodes_push(node_list *l, double r, double w) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 256;
    double *r2 = realloc(l->r, cap * sizeof *r2);
    if (!r2) return 0;
    l->r = r2;
    double *w2 = realloc(l->w, cap * sizeof *w2);
    if (!w2) return 0;
    l->w = w2;
    l->cap = cap;
  }
  l->r[l->n] = r;
  l->w[l->n++] = w;
  return 1;
}

/* One of the two spectral measures: weight j^-wexp at lambda_j = j^-beta,
 * continuous density (1/beta) lambda^dens_a d lambda (MATH.md §1). */
typedef struct {
  double beta;   /* capacity exponent */
  double wexp;   /* weight of mode j is j^-wexp */
  double dens_a; /* density exponent a of the continuum limit, a > -1 */
} measure;

/* Symmetric eigen-decomposition of the q x q matrix a (destroyed) by cyclic
 * Jacobi rotations; eigenvalues to ev, first eigenvector components to z0. */
static void jacobi_eigen(double a[MAX_ORDER][MAX_ORDER], size_t q, double *ev, double *z0) {
  double v[MAX_ORDER][MAX_ORDER] = {{0}};
  for (size_t i = 0; i < q; i++) v[i][i] = 1;
  for (int sweep = 0; sweep < 60; sweep++) {
    double off = 0;
    for (size_t i = 0; i < q; i++)
      for (size_t j = i + 1; j < q; j++) off += a[i][j] * a[i][j];
    if (off < 1e-300) break;
    for (size_t p = 0; p < q; p++)
      for (size_t r = p + 1; r < q; r++) {
        if (a[p][r] == 0) continue;
        double th = (a[r][r] - a[p][p]) / (2 * a[p][r]);
        double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < q; k++) { /* A <- A G */
          double akp = a[k][p], akr = a[k][r];
          a[k][p] = c * akp - s * akr;
          a[k][r] = s * akp + c * akr;
        }
        for (size_t k = 0; k < q; k++) { /* A <- G^T A */
          double apk = a[p][k], ark = a[r][k];
          a[p][k] = c * apk - s * ark;
          a[r][k] = s * apk + c * ark;
        }
        for (size_t k = 0; k < q; k++) {
          double vkp = v[k][p], vkr = v[k][r];
          v[k][p] = c * vkp - s * vkr;
          v[k][r] = s * vkp + c * vkr;
        }
      }
  }
  for (size_t i = 0; i < q; i++) {
    ev[i] = a[i][i];
    z0[i] = v[0][i];
  }
}

/* Replace the discrete measure sum_i w_i delta(x_i) (n > q points, x = lambda)
 * by its q-point Gauss rule: Stieltjes recurrence on the points scaled to
 * [-1, 1], then Golub-Welsch. Appends nodes (rate 2 lambda) to out. */
static int gauss_reduce(const double *x, const double *w, size_t n, size_t q, double *p0,
                        double *p1, node_list *out) {
  double lo = x[0], hi = x[0];
  for (size_t i = 1; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  double c = 0.5 * (lo + hi), h = 0.5 * (hi - lo), mass = 0;
  for (size_t i = 0; i < n; i++) mass += w[i];
  if (!(h > 0)) return nodes_push(out, 2 * c, mass);
  double a[MAX_ORDER][MAX_ORDER] = {{0}}, nprev = 0;
  for (size_t i = 0; i < n; i++) p0[i] = 0, p1[i] = 1; /* p_{k-1}, p_k */
  for (size_t k = 0; k < q; k++) {
    double nk = 0, xk = 0;
    for (size_t i = 0; i < n; i++) {
      double y = (x[i] - c) / h, pw = w[i] * p1[i] * p1[i];
      nk += pw;
      xk += pw * y;
    }
    double ak = xk / nk, bk = k ? nk / nprev : 0;
    a[k][k] = ak;
    if (k) a[k][k - 1] = a[k - 1][k] = sqrt(bk);
    for (size_t i = 0; i < n; i++) {
      double y = (x[i] - c) / h, pn = (y - ak) * p1[i] - bk * p0[i];
      p0[i] = p1[i];
      p1[i] = pn;
    }
    nprev = nk;
  }
  double ev[MAX_ORDER], z0[MAX_ORDER];
  jacobi_eigen(a, q, ev, z0);
  for (size_t i = 0; i < q; i++)
    if (!nodes_push(out, 2 * (c + h * ev[i]), mass * z0[i] * z0[i])) return 0;
  return 1;
}

/* Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n). */
static void gauss_legendre(size_t n, double *x, double *w) {
  for (size_t i = 0; i < n; i++) {
    double z = cos(FSLAW_PI * ((double)i + 0.75) / ((double)n + 0.5)), pp = 1;
    for (int it = 0; it < 100; it++) {
      double p1 = 1, p2 = 0;
      for (size_t k = 1; k <= n; k++) {
        double p3 = p2;
        p2 = p1;
        p1 = ((2.0 * (double)k - 1) * z * p2 - ((double)k - 1) * p3) / (double)k;
      }
      pp = (double)n * (z * p1 - p2) / (z * z - 1);
      double dz = p1 / pp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * pp * pp);
  }
}

/* Support points of modes j1 < j <= j2: the first (up to DISCRETE_MAX - GL_POINTS)
 * modes themselves, then, for the rest, the midpoint integral over
 * [j + 1/2, j2 + 1/2] (j2 may be inf) of the continuous density,
 * Gauss-Legendre in v = lambda^(a+1) where the density is uniform. The
 * midpoint rule errs by ~F'/24 at its lower end only (the interior
 * telescopes), which is below 1e-8 relative once j >= 4000. Returns the
 * number of points written (<= DISCRETE_MAX). */
static size_t bin_support(const measure *ms, double j1, double j2, double *x, double *w) {
  double nd = j2 - j1 < DISCRETE_MAX - GL_POINTS ? j2 - j1 : DISCRETE_MAX - GL_POINTS;
  size_t n = 0;
  for (double j = j1 + 1; j <= j1 + nd; j++, n++) {
    x[n] = pow(j, -ms->beta);
    w[n] = pow(j, -ms->wexp);
  }
  if (j1 + nd >= j2) return n;
  double a1 = ms->dens_a + 1;
  double vhi = pow(j1 + nd + 0.5, -ms->beta * a1);
  double vlo = isfinite(j2) ? pow(j2 + 0.5, -ms->beta * a1) : 0;
  double gx[GL_POINTS], gw[GL_POINTS];
  gauss_legendre(GL_POINTS, gx, gw);
  for (size_t i = 0; i < GL_POINTS; i++, n++) {
    double v = 0.5 * (vhi + vlo) + 0.5 * (vhi - vlo) * gx[i];
    x[n] = pow(v, 1 / a1);
    w[n] = gw[i] * 0.5 * (vhi - vlo) / (ms->beta * a1);
  }
  return n;
}

/* Scratch of the bin reduction (sized for the largest bin). */
typedef struct {
  double *x, *w, *p0, *p1; /* support points, weights, Stieltjes polynomials */
} scratch;

static int add_exact(const measure *ms, double j1, double j2, node_list *out) {
  for (double j = j1 + 1; j <= j2; j++)
    if (!nodes_push(out, 2 * pow(j, -ms->beta), pow(j, -ms->wexp))) return 0;
  return 1;
}

static int add_bin(const measure *ms, double j1, double j2, size_t q, scratch *sc,
                   node_list *out) {
  if (j2 - j1 <= (double)q) return add_exact(ms, j1, j2, out);
  size_t n = bin_support(ms, j1, j2, sc->x, sc->w);
  return gauss_reduce(sc->x, sc->w, n, q, sc->p0, sc->p1, out);
}

/* Compressed node list of one measure for M modes (MATH.md §1.1b). */
static int build_compressed(const measure *ms, double M, double t_max, size_t bpd, size_t q,
                            scratch *sc, node_list *out) {
  double lam_cut = 0.5 * LUMP_ARG / t_max, top = M < TOP_EXACT ? M : TOP_EXACT;
  if (!add_exact(ms, 0, top, out)) return 0;
  int bottom = isfinite(M) && pow(M, -ms->beta) >= lam_cut && M - top > TOP_EXACT;
  double jend = bottom ? M - TOP_EXACT : M;
  double rho = pow(10, 1 / ((double)bpd * ms->beta)); /* j ratio per bin */
  double j = top;
  while (j < jend) {
    if (pow(j + 1, -ms->beta) < lam_cut) /* everything left is nearly frozen */
      return add_bin(ms, j, M, q, sc, out);
    double jn = floor(j * rho);
    if (jn < j + 1) jn = j + 1;
    if (jn > jend) jn = jend;
    if (!add_bin(ms, j, jn, q, sc, out)) return 0;
    j = jn;
  }
  return bottom ? add_exact(ms, jend, M, out) : 1;
}

struct fslaw_fsl_spectrum {
  node_list e; /* e_M(t) = sum w exp(-r t) */
  node_list k; /* K_M(t) = sum w exp(-r t) */
};

void fslaw_fsl_spectrum_destroy(fslaw_fsl_spectrum *sp) {
  if (!sp) return;
  free(sp->e.r);
  free(sp->e.w);
  free(sp->k.r);
  free(sp->k.w);
  free(sp);
}

static fslaw_status check_options(const fslaw_fsl_options *o, fslaw_error *err) {
  if (o->form != FSLAW_FSL_MODES && o->form != FSLAW_FSL_POWER)
    return fslaw_fail(err, FSLAW_EINVAL, "form must be modes or power");
  if (o->nodes != FSLAW_FSL_NODES_AUTO && o->nodes != FSLAW_FSL_NODES_EXACT &&
      o->nodes != FSLAW_FSL_NODES_COMPRESSED)
    return fslaw_fail(err, FSLAW_EINVAL, "nodes must be auto, exact or compressed");
  if (o->order < 1 || o->order > MAX_ORDER)
    return fslaw_fail(err, FSLAW_EINVAL, "order (Gauss nodes per bin) must be 1..%d, got %zu",
                      MAX_ORDER, o->order);
  if (o->bins_per_decade < 1 || o->bins_per_decade > 1000)
    return fslaw_fail(err, FSLAW_EINVAL, "bins per decade must be 1..1000, got %zu",
                      o->bins_per_decade);
  return FSLAW_OK;
}

static int want_exact(const fslaw_plk_model *m, const fslaw_fsl_options *o) {
  if (o->nodes == FSLAW_FSL_NODES_EXACT) return 1;
  return o->nodes == FSLAW_FSL_NODES_AUTO && m->features <= (double)o->exact_max;
}

fslaw_status fslaw_fsl_spectrum_create(const fslaw_plk_model *m, const fslaw_fsl_options *opt,
                                       double t_max, fslaw_fsl_spectrum **out,
                                       fslaw_error *err) {
  *out = NULL;
  fslaw_fsl_options o = opt ? *opt : fslaw_fsl_options_default();
  fslaw_status st = fslaw_fsl_model_check(m, err);
  if (!st) st = check_options(&o, err);
  if (st) return st;
  if (!(t_max > 0) || !isfinite(t_max))
    return fslaw_fail(err, FSLAW_EINVAL, "t_max must be finite and > 0, got %g", t_max);
  int exact = want_exact(m, &o);
  if (exact && !(m->features <= 1e8))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "exact mode sums need features (M) <= 1e8, got %g; use compressed nodes",
                      m->features);
  fslaw_fsl_spectrum *sp = calloc(1, sizeof *sp);
  scratch sc = {malloc(DISCRETE_MAX * sizeof(double)), malloc(DISCRETE_MAX * sizeof(double)),
                malloc(DISCRETE_MAX * sizeof(double)), malloc(DISCRETE_MAX * sizeof(double))};
  measure me = {m->beta, m->s * m->beta + 1, m->s - 1};
  measure mk = {m->beta, 2 * m->beta, 1 - 1 / m->beta};
  int ok = sp && sc.x && sc.w && sc.p0 && sc.p1;
  if (ok && exact) ok = add_exact(&me, 0, m->features, &sp->e) &&
                        add_exact(&mk, 0, m->features, &sp->k);
  if (ok && !exact)
    ok = build_compressed(&me, m->features, t_max, o.bins_per_decade, o.order, &sc, &sp->e) &&
         build_compressed(&mk, m->features, t_max, o.bins_per_decade, o.order, &sc, &sp->k);
  free(sc.x);
  free(sc.w);
  free(sc.p0);
  free(sc.p1);
  if (!ok) {
    fslaw_fsl_spectrum_destroy(sp);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory building the mode sums");
  }
  *out = sp;
  return FSLAW_OK;
}

size_t fslaw_fsl_spectrum_size(const fslaw_fsl_spectrum *sp) { return sp->e.n + sp->k.n; }

/* sum_i w_i exp(-r_i t) (an exponent below vexp's range, exp < 1e-307,
 * adds 0), vectorised: lane q sums the terms i = q mod LANES in order, the
 * lanes are then added pairwise, so the result is the same bits whatever
 * the vector width. The theory-mode optimiser calls this four times a step
 * per evaluation; libm's exp, one at a time, was most of its time (3x). */
#define LANES 8
VECTOR_CLONES static double sum_exps_vec(const double *w, const double *r, size_t n, double t) {
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (size_t q = 0; q < LANES; q++) {
      double x = -r[i + q] * t;
      acc[q] += vexp_fast(x) ? w[i + q] * vexp(x) : 0;
    }
  for (size_t q = 0; i + q < n; q++) {
    double x = -r[i + q] * t;
    acc[q] += vexp_fast(x) ? w[i + q] * vexp(x) : 0;
  }
  for (size_t h = LANES / 2; h; h /= 2)
    for (size_t q = 0; q < h; q++) acc[q] += acc[q + h];
  return acc[0];
}

static double sum_exps(const node_list *l, double t) { return sum_exps_vec(l->w, l->r, l->n, t); }

double fslaw_fsl_signal_fn(const fslaw_fsl_spectrum *sp, double t) { return sum_exps(&sp->e, t); }
double fslaw_fsl_kernel_fn(const fslaw_fsl_spectrum *sp, double t) { return sum_exps(&sp->k, t); }

double fslaw_fsl_power_signal(const fslaw_plk_model *m, double t) { return pow(1 + t, -m->s); }
double fslaw_fsl_power_kernel(const fslaw_plk_model *m, double t) {
  return pow(1 + t, -(2 - 1 / m->beta));
}

/* ---- the power kernel as a sum of exponentials ------------------------------ */

/* Trapezoid step in y = log x and range: the integrand is analytic in a strip
 * of half-width ~pi/2, so the error is ~exp(-2 pi d / h) (d ~ 1.2: ~1e-9). */
#define SOE_STEP 0.35
#define SOE_XMAX 60.0
#define SOE_TOL 1e-10

size_t fslaw_fsl_power_exps(double alpha, double u_max, double *r, double *w, size_t cap) {
  if (!(alpha > 0) || !isfinite(alpha) || !(u_max >= 0) || !isfinite(u_max)) return 0;
  /* The cut-off below x_min loses at most x_min^alpha / alpha relative to
   * Gamma(alpha) (1 + u)^-alpha for u <= u_max. */
  double xmin = pow(SOE_TOL * alpha * tgamma(alpha), 1 / alpha) / (1 + u_max);
  double y0 = log(xmin), y1 = log(SOE_XMAX);
  size_t n = (size_t)ceil((y1 - y0) / SOE_STEP) + 1;
  double g = tgamma(alpha);
  for (size_t i = 0; i < n && i < cap; i++) {
    double y = y1 - SOE_STEP * (double)i, x = exp(y);
    r[i] = x;
    w[i] = SOE_STEP * exp(alpha * y - x) / g;
  }
  return n;
}

/* ---- the evaluator ---------------------------------------------------------- */

/* The simulator's grid of rows, so that the two outputs line up row by row. */
size_t fslaw_fsl_rows(size_t K, size_t every) { return fslaw_sim_rows(K, every); }

size_t fslaw_fsl_row_step(size_t row, size_t K, size_t every) {
  return fslaw_sim_row_step(row, K, every);
}

/* Output arrays of the evaluator (any may be NULL). */
typedef struct {
  double *t, *approx, *signal, *noise, *fsl; /* per output row */
  double approx_value;                       /* the constant approximation term */
  size_t K, every;                           /* steps and output stride */
  int bad;                                   /* a non-finite value was produced */
  size_t bad_step;                           /* the first such step */
} eval_out;

static void emit(eval_out *o, size_t k, double t, double signal, double noise) {
  if (!isfinite(signal + noise) && !o->bad) o->bad = 1, o->bad_step = k;
  if (k % o->every && k != o->K) return;
  size_t r = (k + o->every - 1) / o->every;
  if (o->t) o->t[r] = t;
  if (o->approx) o->approx[r] = o->approx_value;
  if (o->signal) o->signal[r] = signal;
  if (o->noise) o->noise[r] = noise;
  if (o->fsl) o->fsl[r] = o->approx_value + signal + noise;
}

/* The sweep of MATH.md §2. Row k holds the state after k steps, at
 * t_k = sum_{i<k} lr_i. Accumulator of exponential (w, r):
 *   A(0) = 0,  A(k+1) = exp(-r lr_k) A(k) + c_k,  c_k = [e(t_k) + sig2] lr_k^2 / B,
 * so that A(k) = sum_{i<k} exp(-r (t_k - t_{i+1})) c_i and noise_k = half *
 * sum w A(k) = half * sum_{i<k} K(t_k - t_{i+1}) c_i; for a mode, w A is the
 * n_j of §2 (n_j <- exp(-2 lambda_j lr_k) n_j + lambda_j^2 lr_k^2 [e + sig2]/B).
 * The signal is e(t_k) = sum we exp(-re t_k), advanced by the same kind of
 * factor (power form: (1+t)^-s directly, when sig_nodes is NULL). */
typedef struct {
  const node_list *sig;  /* signal exponentials, or NULL for the power form */
  const node_list *ker;  /* kernel exponentials */
  double s;              /* power form: signal exponent */
  double half;           /* 1/2 (modes, excess-risk units) or 1 (power) */
  double sig2;           /* noise level added to e in the injection */
  double batch;          /* batch size */
  int shared;            /* signal and kernel exponentials have the same rates */
} sweep_spec;

static double signal_now(const sweep_spec *sw, const double *E, double t) {
  if (!sw->sig) return pow(1 + t, -sw->s);
  double e = 0;
  for (size_t i = 0; i < sw->sig->n; i++) e += sw->sig->w[i] * E[i];
  return e;
}

static double noise_now(const sweep_spec *sw, const double *A) {
  double nz = 0;
  for (size_t i = 0; i < sw->ker->n; i++) nz += sw->ker->w[i] * A[i];
  return sw->half * nz;
}

static void advance(const sweep_spec *sw, double lr, double c, double *E, double *fe, double *A,
                    double *fk, int new_rate) {
  size_t ne = sw->sig ? sw->sig->n : 0, nk = sw->ker->n;
  if (new_rate) { /* exp only when the rate changes (constant stretches are free) */
    for (size_t i = 0; i < ne; i++) fe[i] = exp(-sw->sig->r[i] * lr);
    if (sw->shared) memcpy(fk, fe, nk * sizeof *fk); /* exact sums: same rates 2 lambda_j */
    else
      for (size_t i = 0; i < nk; i++) fk[i] = exp(-sw->ker->r[i] * lr);
  }
  for (size_t i = 0; i < ne; i++) {
    E[i] *= fe[i];
    if (E[i] < 1e-300) E[i] = 0; /* no denormals */
  }
  for (size_t i = 0; i < nk; i++) A[i] = fk[i] * A[i] + c;
}

static fslaw_status sweep(const sweep_spec *sw, const double *lr, eval_out *o, fslaw_error *err) {
  size_t ne = sw->sig ? sw->sig->n : 0, nk = sw->ker->n;
  double *E = malloc((ne + 1) * sizeof *E), *fe = malloc((ne + 1) * sizeof *fe);
  double *A = calloc(nk + 1, sizeof *A), *fk = malloc((nk + 1) * sizeof *fk);
  fslaw_status st = FSLAW_OK;
  if (!E || !fe || !A || !fk) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  for (size_t i = 0; !st && i < ne; i++) E[i] = 1;
  double t = 0, comp = 0, prev = NAN; /* Kahan-compensated t_k */
  for (size_t k = 0; !st && k <= o->K; k++) {
    double e = signal_now(sw, E, t);
    emit(o, k, t, sw->half * e, noise_now(sw, A));
    if (k == o->K) break;
    double c = (e + sw->sig2) * lr[k] * lr[k] / sw->batch;
    advance(sw, lr[k], c, E, fe, A, fk, lr[k] != prev);
    prev = lr[k];
    double y = lr[k] - comp, tn = t + y;
    comp = (tn - t) - y;
    t = tn;
  }
  free(E);
  free(fe);
  free(A);
  free(fk);
  return st;
}

static fslaw_status check_rates(const double *lr, size_t K, double *t_max, fslaw_error *err) {
  for (size_t k = 0; k < K; k++)
    if (!(lr[k] >= 0) || !isfinite(lr[k]))
      return fslaw_fail(err, FSLAW_EINVAL, "learning rate at step %zu must be finite and >= 0, got %g",
                        k, lr[k]);
  *t_max = fslaw_sum(lr, K);
  return FSLAW_OK;
}

fslaw_status fslaw_fsl_overflow(fslaw_error *err, double sigma, size_t step) {
  char at[48] = "";
  if (step != (size_t)-1) snprintf(at, sizeof at, " at step %zu", step);
  if (!(sigma * sigma < 1e300))
    return fslaw_fail(err, FSLAW_EDIVERGED, "the FSL overflowed%s: sigma = %g is too large "
                      "(sigma^2 overflows double precision)", at, sigma);
  return fslaw_fail(err, FSLAW_EDIVERGED, "the FSL overflowed%s (rates too large)", at);
}

static fslaw_status check_finite(const fslaw_plk_model *m, const eval_out *o, fslaw_error *err) {
  return o->bad ? fslaw_fsl_overflow(err, m->sigma, o->bad_step) : FSLAW_OK;
}

static fslaw_status eval_power(const fslaw_plk_model *m, const double *lr, double t_max,
                               eval_out *o, fslaw_error *err) {
  double alpha = 2 - 1 / m->beta;
  size_t n = fslaw_fsl_power_exps(alpha, t_max, NULL, NULL, 0);
  node_list ker = {malloc(n * sizeof(double)), malloc(n * sizeof(double)), n, n};
  fslaw_status st = FSLAW_OK;
  if (!ker.r || !ker.w) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st) {
    fslaw_fsl_power_exps(alpha, t_max, ker.r, ker.w, n);
    sweep_spec sw = {NULL, &ker, m->s, 1, m->sigma * m->sigma, m->batch, 0};
    o->approx_value = isfinite(m->features) ? pow(m->features, -m->s * m->beta) : 0;
    st = sweep(&sw, lr, o, err);
  }
  free(ker.r);
  free(ker.w);
  return st;
}

static fslaw_status eval_modes(const fslaw_plk_model *m, const fslaw_fsl_options *opt,
                               const double *lr, double t_max, eval_out *o, fslaw_error *err) {
  fslaw_fsl_spectrum *sp;
  fslaw_status st = fslaw_fsl_spectrum_create(m, opt, t_max > 0 ? t_max : 1, &sp, err);
  if (st) return st;
  double tail = isfinite(m->features) ? fslaw_plk_tail_signal(m) : 0;
  int shared = sp->e.n == sp->k.n && !memcmp(sp->e.r, sp->k.r, sp->e.n * sizeof *sp->e.r);
  sweep_spec sw = {&sp->e, &sp->k, m->s, 0.5, m->sigma * m->sigma + tail, m->batch, shared};
  o->approx_value = 0.5 * tail;
  st = sweep(&sw, lr, o, err);
  fslaw_fsl_spectrum_destroy(sp);
  return st;
}

fslaw_status fslaw_fsl_eval(const fslaw_plk_model *m, const fslaw_fsl_options *opt,
                            const double *lr, size_t K, size_t every, double *t,
                            double *approx, double *signal, double *noise, double *fsl,
                            fslaw_error *err) {
  fslaw_fsl_options o = opt ? *opt : fslaw_fsl_options_default();
  fslaw_status st = fslaw_fsl_model_check(m, err);
  if (!st) st = check_options(&o, err);
  if (st) return st;
  if (K < 1) return fslaw_fail(err, FSLAW_EINVAL, "need at least one step");
  if (every < 1) return fslaw_fail(err, FSLAW_EINVAL, "every must be >= 1");
  double t_max = 0;
  if ((st = check_rates(lr, K, &t_max, err))) return st;
  eval_out out = {t, approx, signal, noise, fsl, 0, K, every, 0, 0};
  st = o.form == FSLAW_FSL_POWER ? eval_power(m, lr, t_max, &out, err)
                                 : eval_modes(m, &o, lr, t_max, &out, err);
  return st ? st : check_finite(m, &out, err);
}
