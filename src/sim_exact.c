/* sim_exact.c: the exact expected-risk recursion of MATH.md §1.1 (O(M) per
 * step), plus what all simulators share: options, report rows, the
 * stability bound of §1.1a, the divergence message, and the fslaw_simulate
 * entry point that checks arguments and dispatches to a method. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "internal.h"
#include "sim_internal.h"

/* Exact runs use threads from this many modes on; below it the fork cost
 * and the per-step barrier outweigh the work (§1.1b). */
#define EXACT_PARALLEL_MIN 200000

fslaw_sim_options fslaw_sim_options_default(void) {
  fslaw_sim_options o = {FSLAW_SIM_EXACT, 1, 100, 1, 3, 64, 10.0, 1, 0};
  return o;
}

size_t fslaw_sim_rows(size_t K, size_t every) {
  if (every == 0) return 0;
  return K / every + 1 + (K % every != 0);
}

size_t fslaw_sim_row_step(size_t row, size_t K, size_t every) {
  size_t s = row * every;
  return s > K || (every && s / every != row) ? K : s;
}

/* Hurwitz sum over the learned modes j in (J, M]: sum lambda_j^p for
 * lambda_j = j^-beta, M possibly infinite. */
static double mode_power_sum(double beta, double p, double J, double M) {
  double s = fslaw_hurwitz_zeta(p * beta, J + 1);
  if (isfinite(M)) s -= fslaw_hurwitz_zeta(p * beta, M + 1);
  return s > 0 ? s : 0;
}

/* Q(eta) of §1.1a: (eta/B) sum_{j<=M} lambda_j / (2 - eta (1 + 1/B) lambda_j);
 * the first modes summed directly, the rest through the series
 * lambda/(2 - x lambda) = (lambda/2) sum_n (x lambda / 2)^n (x lambda < 1e-3 there). */
static double stability_q(const fslaw_plk_model *m, double eta) {
  double g = 1 + 1 / m->batch, x = eta * g;
  double J = m->features < 4096 ? m->features : 4096, q = 0;
  for (double j = 1; j <= J; j++) {
    double lam = pow(j, -m->beta), d = 2 - x * lam;
    if (d <= 0) return INFINITY;
    q += lam / d;
  }
  if (m->features > J) {
    double h = x / 2, hn = 0.5;
    for (int n = 0; n < 4; n++, hn *= h) q += hn * mode_power_sum(m->beta, n + 1, J, m->features);
  }
  return eta / m->batch * q;
}

double fslaw_sim_stability_bound(const fslaw_plk_model *m) {
  /* Q increases from 0 to infinity on (0, 2/((1 + 1/B) lambda_1)), lambda_1 = 1. */
  double lo = 0, hi = 2 / (1 + 1 / m->batch);
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
    double mid = 0.5 * (lo + hi);
    if (stability_q(m, mid) < 1)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

double fslaw_sim_stability_bound_approx(const fslaw_plk_model *m) {
  double trh = mode_power_sum(m->beta, 1, 0, m->features);
  return 2 / (1 + trh / m->batch);
}

fslaw_status fslaw_sim_diverged(fslaw_error *err, const fslaw_plk_model *m, const double *lr,
                                size_t step, double limit) {
  size_t kmax = 0;
  for (size_t i = 1; i < step; i++)
    if (lr[i] > lr[kmax]) kmax = i;
  double eta = step ? lr[kmax] : 0;
  double bound = fslaw_sim_stability_bound(m), approx = fslaw_sim_stability_bound_approx(m);
  if (eta > bound)
    return fslaw_fail(err, FSLAW_EDIVERGED,
                      "diverged at step %zu (the excess risk grew past %.3g): eta=%.6g (step %zu) "
                      "exceeds the stability bound %.6g of MATH.md §1.1a "
                      "(~2/(lambda_1 + tr H / B) = %.6g)",
                      step, limit, eta, kmax, bound, approx);
  return fslaw_fail(err, FSLAW_EDIVERGED,
                    "diverged at step %zu (the excess risk grew past %.3g); the largest rate so "
                    "far, eta=%.6g (step %zu), is below the constant-rate stability bound %.6g "
                    "(~2/(lambda_1 + tr H / B) = %.6g)",
                    step, limit, eta, kmax, bound, approx);
}

/* One fused step over modes [0, n) in the form u_j = lambda_j p_j:
 * u_j <- a_j u_j + (eta^2/B) lambda_j^2 (tr + sigma_eff^2)      (§1.1)
 * with a_j - 1 = lambda_j (e1 lambda_j + e2), e1 = (1 + 1/B) eta^2, e2 = -2 eta,
 * c = (eta^2/B)(tr + sigma_eff^2); returns the new sum of u (the next tr).
 * Eight independent accumulators let the compiler vectorise the reduction
 * without reassociating (no fast-math), and fix the summation order. */
FSLAW_SIM_CLONES static double exact_kernel(double *restrict u, const double *restrict lam,
                                            size_t n, double e1, double e2, double c) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (size_t l = 0; l < 8; l++) {
      double L = lam[j + l], x = u[j + l];
      x += L * ((e1 * L + e2) * x + c * L);
      u[j + l] = x;
      acc[l] += x;
    }
  for (; j < n; j++) {
    double L = lam[j], x = u[j];
    x += L * ((e1 * L + e2) * x + c * L);
    u[j] = x;
    acc[j & 7] += x;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Shared state of the exact run, read by every thread of the one parallel region. */
typedef struct {
  const fslaw_plk_model *m; /* the model */
  const double *lr;         /* rates, K of them */
  size_t K;                 /* number of steps */
  size_t every;             /* report period */
  size_t M;                 /* learned modes */
  double sig2;              /* sigma_eff^2 = sigma^2 + tail signal (§1.1) */
  double delta;             /* approximation error delta_M = tail / 2 */
  double *lam, *u;          /* per-mode lambda_j and lambda_j p_j */
  double *part;             /* per-thread partial sums, two buffers, 8-double stride */
  double *excess;           /* output rows */
  size_t fail_step;         /* step at which the risk blew up, 0 if none */
  double limit;             /* the blow-up threshold */
} exact_state;

/* Sum of the per-thread partial sums of buffer b, in thread order (so every
 * thread gets the same value). */
static double sum_parts(const double *part, size_t b, int nth) {
  double s = 0;
  for (int t = 0; t < nth; t++) s += part[(b * (size_t)nth + (size_t)t) * 8];
  return s;
}

/* The body of the parallel region: modes [lo, hi) belong to this thread;
 * one barrier per step, no fork/join (§1.1b). */
static void exact_thread(exact_state *st, int tid, int nth) {
  size_t lo = st->M * (size_t)tid / (size_t)nth, hi = st->M * (size_t)(tid + 1) / (size_t)nth;
  double loc = 0, B = st->m->batch, g = 1 + 1 / B;
  for (size_t j = lo; j < hi; j++) { /* first touch by the owning thread */
    st->lam[j] = fslaw_plk_lambda(st->m, (double)(j + 1));
    st->u[j] = fslaw_plk_signal(st->m, (double)(j + 1)); /* lambda_j theta*_j^2 */
    loc += st->u[j];
  }
  st->part[(size_t)tid * 8] = loc;
#pragma omp barrier
  double tr = sum_parts(st->part, 0, nth);
  double limit = FSLAW_SIM_BLOWUP * (tr + st->sig2);
  size_t row = 1;
  if (tid == 0) st->excess[0] = 0.5 * tr + st->delta;
  for (size_t k = 0; k < st->K; k++) {
    double eta = st->lr[k], c = eta * eta / B * (tr + st->sig2);
    size_t b = (k + 1) & 1;
    st->part[(b * (size_t)nth + (size_t)tid) * 8] =
        exact_kernel(st->u + lo, st->lam + lo, hi - lo, g * eta * eta, -2 * eta, c);
#pragma omp barrier
    tr = sum_parts(st->part, b, nth);
    if (!(tr <= limit)) { /* same tr on every thread: all leave together */
      if (tid == 0) st->fail_step = k + 1, st->limit = limit;
      break;
    }
    if (tid == 0 && fslaw_sim_is_row(k + 1, st->K, st->every))
      st->excess[row++] = 0.5 * tr + st->delta;
  }
}

fslaw_status fslaw_sim_exact_run(const fslaw_plk_model *m, const double *lr, size_t K,
                                 const fslaw_sim_options *opt, double *excess, fslaw_error *err) {
  size_t M = (size_t)m->features;
  int nt = 1;
  if (M >= EXACT_PARALLEL_MIN) nt = opt->threads > 0 ? opt->threads : omp_get_max_threads();
  double tail = fslaw_plk_tail_signal(m);
  exact_state st = {m,
                    lr,
                    K,
                    opt->every,
                    M,
                    m->sigma * m->sigma + tail,
                    0.5 * tail,
                    malloc(M * sizeof(double)),
                    malloc(M * sizeof(double)),
                    calloc(16 * (size_t)nt, sizeof(double)),
                    excess,
                    0,
                    0};
  fslaw_status status = FSLAW_OK;
  if (!st.lam || !st.u || !st.part) {
    status = fslaw_fail(err, FSLAW_ENOMEM, "out of memory for %zu modes", M);
  } else {
#pragma omp parallel num_threads(nt)
    {
      unsigned csr = fslaw_sim_ftz_begin();
      exact_thread(&st, omp_get_thread_num(), omp_get_num_threads());
      fslaw_sim_ftz_end(csr);
    }
    if (st.fail_step) status = fslaw_sim_diverged(err, m, lr, st.fail_step, st.limit);
  }
  free(st.lam);
  free(st.u);
  free(st.part);
  return status;
}

/* Exact stores every mode and mc every coordinate: refuse more than
 * FSLAW_SIM_MAX_STORED (as theory's exact sums do) before a size_t
 * conversion of M or N can overflow. */
static fslaw_status check_stored(const fslaw_plk_model *m, fslaw_sim_method method,
                                 fslaw_error *err) {
  const double most = FSLAW_SIM_MAX_STORED;
  if (method == FSLAW_SIM_EXACT && !(m->features <= most))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "features (M) must be <= %g for the exact method (it stores every mode), "
                      "got %g; use the spectral method",
                      most, m->features);
  if (method == FSLAW_SIM_MC && !(m->dim <= most))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "%s must be <= %g for the mc method (it samples every coordinate of N >= M), "
                      "got %g",
                      m->features > most ? "features (M)" : "dim (N)", most,
                      m->features > most ? m->features : m->dim);
  return FSLAW_OK;
}

/* Model check; the spectral method also takes features = INFINITY (with dim
 * INFINITY), which fslaw_plk_model_check refuses. */
static fslaw_status check_model(const fslaw_plk_model *m, fslaw_sim_method method,
                                fslaw_error *err) {
  if (m->features == INFINITY) {
    if (method != FSLAW_SIM_SPECTRAL)
      return fslaw_fail(err, FSLAW_EINVAL,
                        "features (M) = inf needs the spectral method (exact and mc store "
                        "every mode)");
    fslaw_plk_model c = *m;
    c.features = 1;
    if (m->dim != INFINITY)
      return fslaw_fail(err, FSLAW_EINVAL, "dim (N) must be inf when features (M) is inf");
    return fslaw_plk_model_check(&c, err);
  }
  fslaw_status st = fslaw_plk_model_check(m, err);
  if (st) return st;
  if (method == FSLAW_SIM_MC && !isfinite(m->dim))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "dim (N) must be finite for the mc method (it samples every coordinate)");
  return check_stored(m, method, err);
}

/* The divergence test watches the risk up to FSLAW_SIM_BLOWUP times its
 * start, sigma^2 plus the signal of all N modes (§1.1): that product must be
 * a double with room to spare, or an overflowed risk (inf) would pass it. */
static fslaw_status check_scale(const fslaw_plk_model *m, fslaw_error *err) {
  const double room = DBL_MAX / (8 * FSLAW_SIM_BLOWUP);
  fslaw_plk_model all = *m;
  all.features = 0; /* the tail beyond 0 modes: every mode's signal */
  double noise = m->sigma * m->sigma, signal = fslaw_plk_tail_signal(&all);
  if (!(noise <= room))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "sigma = %g is too large: the risk (~sigma^2) times %g, the divergence "
                      "test's margin, overflows double precision; sigma must be at most %.3g",
                      m->sigma, FSLAW_SIM_BLOWUP, sqrt(room));
  if (!(signal <= room))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "s = %g is too small for beta = %g: the initial risk sum_j j^-(s beta + 1) "
                      "over N = %g modes is %g, too large for double precision",
                      m->s, m->beta, m->dim, signal);
  return FSLAW_OK;
}

/* Count the steps whose rate exceeds the stability bound (§1.1a): the risk
 * grows while they last, though too slowly for the divergence test when the
 * rate is just above the bound. */
static void mark_unstable(fslaw_sim_info *info, const double *lr, size_t K) {
  info->unstable_steps = 0;
  info->unstable_first = K;
  for (size_t k = 0; k < K; k++)
    if (lr[k] > info->stability_bound && !info->unstable_steps++) info->unstable_first = k;
}

static fslaw_status check_options(const fslaw_sim_options *o, fslaw_error *err) {
  if (o->method != FSLAW_SIM_EXACT && o->method != FSLAW_SIM_SPECTRAL && o->method != FSLAW_SIM_MC)
    return fslaw_fail(err, FSLAW_EINVAL, "method must be exact, spectral or mc");
  if (o->every < 1) return fslaw_fail(err, FSLAW_EINVAL, "every must be >= 1");
  if (o->method == FSLAW_SIM_MC && o->runs < 1)
    return fslaw_fail(err, FSLAW_EINVAL, "runs must be >= 1");
  if (o->method == FSLAW_SIM_SPECTRAL && (o->nodes < 1 || o->nodes > 16))
    return fslaw_fail(err, FSLAW_EINVAL, "nodes (per bin) must be in 1..16, got %zu", o->nodes);
  if (o->method == FSLAW_SIM_SPECTRAL && !(o->bins_per_decade >= 1 && o->bins_per_decade <= 1000))
    return fslaw_fail(err, FSLAW_EINVAL, "bins_per_decade must be in [1, 1000], got %g",
                      o->bins_per_decade);
  if (o->threads < 0) return fslaw_fail(err, FSLAW_EINVAL, "threads must be >= 0");
  return FSLAW_OK;
}

fslaw_status fslaw_simulate(const fslaw_plk_model *m, const double *lr, size_t K,
                            const fslaw_sim_options *opt, double *excess, double *stderr_out,
                            fslaw_sim_info *info, fslaw_error *err) {
  fslaw_sim_options def = fslaw_sim_options_default();
  if (!opt) opt = &def;
  if (!m || !excess || (K && !lr))
    return fslaw_fail(err, FSLAW_EINVAL, "simulate: model, rates and excess must not be NULL");
  fslaw_status st = check_options(opt, err);
  if (!st) st = check_model(m, opt->method, err);
  if (!st) st = check_scale(m, err);
  if (st) return st;
  for (size_t k = 0; k < K; k++)
    if (!(lr[k] >= 0) || !isfinite(lr[k]))
      return fslaw_fail(err, FSLAW_EINVAL, "rate at step %zu is %g; rates must be finite and >= 0",
                        k, lr[k]);
  fslaw_sim_info tmp;
  if (!info) info = &tmp;
  info->err_estimate = 0;
  info->nodes = opt->method == FSLAW_SIM_MC ? (size_t)m->dim : (size_t)fmin(m->features, 1e18);
  info->stability_bound = fslaw_sim_stability_bound(m);
  mark_unstable(info, lr, K);
  if (opt->method == FSLAW_SIM_EXACT) return fslaw_sim_exact_run(m, lr, K, opt, excess, err);
  if (opt->method == FSLAW_SIM_SPECTRAL)
    return fslaw_sim_spectral_run(m, lr, K, opt, excess, info, err);
  return fslaw_sim_mc_run(m, lr, K, opt, excess, stderr_out, err);
}
