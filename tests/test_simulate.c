/* test_simulate.c: the three SGD simulators of MATH.md §1 checked against
 * each other (Monte Carlo vs exact within 3 standard errors, spectral vs
 * exact to 1e-6) and against the closed forms of §1.1a (plateau, bias
 * power law, stability bound), plus reproducibility and argument errors. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/plk.h"
#include "fslaw/simulate.h"

static fslaw_plk_model model(double beta, double s, double M, double N, double sigma, double B) {
  fslaw_plk_model m = {beta, s, M, N, sigma, B};
  return m;
}

static double *constant_lr(double eta, size_t K) {
  double *lr = malloc((K ? K : 1) * sizeof *lr);
  for (size_t k = 0; k < K; k++) lr[k] = eta;
  return lr;
}

/* Warmup for w steps to peak, then cosine to floor over the rest. */
static double *cosine_lr(double peak, double floor_, size_t w, size_t K) {
  double *lr = malloc(K * sizeof *lr);
  for (size_t k = 0; k < K; k++) {
    double x = k < w ? (double)k / (double)w
                     : 0.5 * (1 + cos(3.14159265358979 * (double)(k - w) / (double)(K - w)));
    lr[k] = k < w ? peak * x : floor_ + (peak - floor_) * x;
  }
  return lr;
}

/* Run a simulation; returns a malloc'd curve (NULL on failure, message in err). */
static double *sim(const fslaw_plk_model *m, const double *lr, size_t K, fslaw_sim_options o,
                   double **se, fslaw_sim_info *info, fslaw_error *err) {
  size_t rows = fslaw_sim_rows(K, o.every);
  double *e = malloc(rows * sizeof *e);
  if (se) *se = malloc(rows * sizeof **se);
  if (fslaw_simulate(m, lr, K, &o, e, se ? *se : NULL, info, err)) {
    free(e);
    if (se) free(*se), *se = NULL;
    return NULL;
  }
  return e;
}

static fslaw_sim_options opts(fslaw_sim_method method, size_t every) {
  fslaw_sim_options o = fslaw_sim_options_default();
  o.method = method;
  o.every = every;
  return o;
}

static void test_rows(void) {
  CHECK(fslaw_sim_rows(10, 3) == 5); /* 0 3 6 9 10 */
  CHECK(fslaw_sim_rows(9, 3) == 4);  /* 0 3 6 9 */
  CHECK(fslaw_sim_rows(0, 1) == 1);
  CHECK(fslaw_sim_rows(5, 0) == 0);
  CHECK(fslaw_sim_row_step(3, 10, 3) == 9);
  CHECK(fslaw_sim_row_step(4, 10, 3) == 10);
  CHECK(fslaw_sim_row_step(0, 10, 3) == 0);
}

/* Largest |mc - exact| / stderr over the rows (rows with stderr 0 must match
 * to 1e-12), for the exact curve of me and, if me2, also of me2 (*worst2). */
static double mc_vs_exact(const fslaw_plk_model *mm, const fslaw_plk_model *me,
                          const fslaw_plk_model *me2, double *worst2, const double *lr, size_t K,
                          size_t every, size_t runs, unsigned long long seed) {
  fslaw_error err;
  fslaw_sim_options o = opts(FSLAW_SIM_MC, every);
  o.runs = runs;
  o.seed = seed;
  double *se, *mc = sim(mm, lr, K, o, &se, NULL, &err), worst[2] = {INFINITY, INFINITY};
  for (int i = 0; i < (me2 ? 2 : 1); i++) {
    double *ex = sim(i ? me2 : me, lr, K, opts(FSLAW_SIM_EXACT, every), NULL, NULL, &err);
    if (mc && ex) {
      worst[i] = 0;
      for (size_t r = 0; r < fslaw_sim_rows(K, every); r++) {
        double d = fabs(mc[r] - ex[r]);
        if (se[r] > 0)
          worst[i] = fmax(worst[i], d / se[r]);
        else if (d > 1e-12 * ex[r])
          worst[i] = INFINITY;
      }
    }
    free(ex);
  }
  if (worst2) *worst2 = worst[1];
  free(mc), free(se);
  return worst[0];
}

/* Fixed seeds. The excess risk is skewed, so |diff|/stderr has slightly
 * heavier tails than a normal: over seeds 1..40 setting a gave an rms z of
 * 1.09 and one row at 3.4 (seed 7) in 200; seed 1 is used throughout. */
static void test_mc_vs_exact(void) {
  size_t K = 200;
  double *lr1 = constant_lr(0.3, K), *lr2 = cosine_lr(0.5, 0.05, 20, K);
  fslaw_plk_model a = model(2, 0.5, 30, 60, 0.5, 1), b = model(1.5, 1, 40, 40, 1, 4),
                  c = model(3, 0.3, 25, 50, 0.2, 2);
  /* the comparison has power: a batch-2 exact curve is many stderr off B = 1 */
  fslaw_plk_model a2 = a;
  a2.batch = 2;
  double wrong, wa = mc_vs_exact(&a, &a, &a2, &wrong, lr1, K, 40, 800, 1);
  double wb = mc_vs_exact(&b, &b, NULL, NULL, lr2, K, 40, 300, 1);
  double wc = mc_vs_exact(&c, &c, NULL, NULL, lr2, K, 40, 400, 1);
  printf("mc vs exact: worst |diff|/stderr = %.2f %.2f %.2f\n", wa, wb, wc);
  CHECK(wa < 3);
  CHECK(wb < 3);
  CHECK(wc < 3);
  printf("mc (B=1) vs exact with B=2: worst |diff|/stderr = %.1f\n", wrong);
  CHECK(wrong > 5 && isfinite(wrong));
  free(lr1), free(lr2);
}

static double max_rel(const double *a, const double *b, size_t n) {
  double d = 0;
  for (size_t i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]) / fabs(b[i]));
  return a && b ? d : INFINITY;
}

static void test_spectral_vs_exact(void) {
  fslaw_error err;
  fslaw_sim_info info;
  size_t K = 5000;
  double *lr = cosine_lr(0.4, 0.01, 200, K);
  fslaw_plk_model m = model(2, 0.5, 10000, 10000, 0.5, 1);
  double *ex = sim(&m, lr, K, opts(FSLAW_SIM_EXACT, 100), NULL, NULL, &err);
  double *sp = sim(&m, lr, K, opts(FSLAW_SIM_SPECTRAL, 100), NULL, &info, &err);
  double d = max_rel(sp, ex, fslaw_sim_rows(K, 100));
  printf("spectral vs exact, M=1e4, K=5e3: max rel diff %.3g, estimate %.3g, %zu nodes\n", d,
         info.err_estimate, info.nodes);
  CHECK(d <= 1e-6);
  CHECK(info.err_estimate >= 0 && info.err_estimate <= 1e-6);
  CHECK(info.nodes < 1000);
  free(ex), free(sp);
  /* M beyond the discretely-built bins (continuous density), with a tail to N */
  size_t K2 = 100;
  fslaw_plk_model m2 = model(1.2, 0.3, 300000, 1e7, 1, 2);
  ex = sim(&m2, lr, K2, opts(FSLAW_SIM_EXACT, 20), NULL, NULL, &err);
  sp = sim(&m2, lr, K2, opts(FSLAW_SIM_SPECTRAL, 20), NULL, &info, &err);
  d = max_rel(sp, ex, fslaw_sim_rows(K2, 20));
  printf("spectral vs exact, M=3e5, N=1e7: max rel diff %.3g\n", d);
  CHECK(d <= 1e-6);
  free(ex), free(sp), free(lr);
  /* M = 1e9 against M = inf: the modes beyond 1e9 barely move */
  size_t K3 = 20000;
  double *lr3 = constant_lr(0.3, K3);
  fslaw_plk_model big = model(2, 0.5, 1e9, INFINITY, 0.5, 1), inf = big;
  inf.features = INFINITY;
  fslaw_sim_options nocheck = opts(FSLAW_SIM_SPECTRAL, 1000);
  nocheck.check = 0;
  double *e9 = sim(&big, lr3, K3, nocheck, NULL, NULL, &err);
  double *ei = sim(&inf, lr3, K3, opts(FSLAW_SIM_SPECTRAL, 1000), NULL, &info, &err);
  d = max_rel(e9, ei, fslaw_sim_rows(K3, 1000));
  printf("spectral M=1e9 vs inf: max rel diff %.3g, estimate %.3g\n", d, info.err_estimate);
  CHECK(d <= 1e-6);
  CHECK(info.err_estimate <= 1e-6);
  free(e9), free(ei), free(lr3);
}

/* Q(eta) of MATH.md §1.1a summed directly over the M learned modes. */
static double q_direct(const fslaw_plk_model *m, double eta) {
  double q = 0, g = 1 + 1 / m->batch;
  for (double j = 1; j <= m->features; j++) {
    double lam = pow(j, -m->beta);
    q += lam / (2 - eta * g * lam);
  }
  return eta / m->batch * q;
}

static void test_plateau(void) {
  fslaw_error err;
  size_t K = 20000;
  double eta = 0.4, *lr = constant_lr(eta, K);
  for (int tailcase = 0; tailcase < 2; tailcase++) {
    fslaw_plk_model m = model(2, 0.5, 20, tailcase ? 40 : 20, 0.7, 2);
    double Q = q_direct(&m, eta), tail = fslaw_plk_tail_signal(&m);
    double sig2 = 0.49 + tail, s_inf = sig2 * Q / (1 - Q); /* §1.1a */
    for (int meth = 0; meth < 2; meth++) {
      double *e =
          sim(&m, lr, K, opts(meth ? FSLAW_SIM_SPECTRAL : FSLAW_SIM_EXACT, K), NULL, NULL, &err);
      CHECK(e != NULL);
      if (e) CHECK_REL(2 * (e[1] - 0.5 * tail), s_inf, 1e-6);
      free(e);
    }
  }
  free(lr);
}

static void test_bias_power_law(void) {
  fslaw_error err;
  /* noiseless, M = N large, batch 32 (Q small): 2E -> F(t)/(1-Q),
   * F(t) ~ Gamma(nu)/beta (2 eta t)^-nu, nu = s (§1.1a with a = beta, b = s beta + 1) */
  double eta = 0.2, nu = 0.5;
  size_t K = 2000;
  double *lr = constant_lr(eta, K);
  fslaw_plk_model m = model(2, nu, 10000, 10000, 0, 32);
  double Q = q_direct(&m, eta);
  double *e = sim(&m, lr, K, opts(FSLAW_SIM_EXACT, 500), NULL, NULL, &err);
  CHECK(e != NULL);
  for (size_t r = 2; e && r <= 4; r++) {
    double t = (double)(500 * r), F = tgamma(nu) / m.beta * pow(2 * eta * t, -nu);
    double ratio = 2 * e[r] * (1 - Q) / F;
    printf("bias law exact M=1e4: t=%g ratio %.5f\n", t, ratio);
    CHECK(fabs(ratio - 1) < 0.01);
  }
  free(e), free(lr);
  /* the same with M = infinity (spectral) to t = 4e4 */
  K = 40000;
  lr = constant_lr(eta, K);
  m.features = m.dim = INFINITY;
  Q = eta / m.batch * 0.5 * 1.6449340668482264; /* small-eta Q ~ (eta/B) tr H / 2 */
  fslaw_sim_options o = opts(FSLAW_SIM_SPECTRAL, 10000);
  o.check = 0;
  e = sim(&m, lr, K, o, NULL, NULL, &err);
  CHECK(e != NULL);
  for (size_t r = 1; e && r <= 4; r++) {
    double t = (double)(10000 * r), F = tgamma(nu) / m.beta * pow(2 * eta * t, -nu);
    double ratio = 2 * e[r] * (1 - Q) / F;
    printf("bias law spectral M=inf: t=%g ratio %.5f\n", t, ratio);
    CHECK(fabs(ratio - 1) < 0.002);
  }
  free(e), free(lr);
}

static void test_stability(void) {
  fslaw_plk_model m = model(2, 0.5, 100, 100, 0.5, 1);
  double bound = fslaw_sim_stability_bound(&m);
  CHECK_CLOSE(q_direct(&m, bound), 1, 1e-9); /* Q(eta*) = 1 */
  CHECK(bound < 1);                          /* B = 1: a_1 < 1 needs eta < 1 */
  double approx = fslaw_sim_stability_bound_approx(&m);
  CHECK(approx > 0.5 * bound && approx < 2 * bound);
  /* infinite M: the bound uses the Hurwitz tail; close to a large finite M */
  fslaw_plk_model mi = m, mb = m;
  mi.features = mi.dim = INFINITY;
  mb.features = mb.dim = 1e6;
  CHECK_REL(fslaw_sim_stability_bound(&mi), fslaw_sim_stability_bound(&mb), 1e-5);
  size_t K = 20000;
  fslaw_error err;
  for (int meth = 0; meth < 2; meth++) {
    fslaw_sim_method method = meth ? FSLAW_SIM_SPECTRAL : FSLAW_SIM_EXACT;
    double *lr = constant_lr(1.05 * bound, K);
    double *e = sim(&m, lr, K, opts(method, 100), NULL, NULL, &err);
    CHECK(e == NULL);
    CHECK_HAS(err.msg, "diverged at step");
    CHECK_HAS(err.msg, "stability bound");
    char want[64];
    snprintf(want, sizeof want, "%.6g", bound);
    CHECK_HAS(err.msg, want);
    free(lr), free(e);
    lr = constant_lr(0.98 * bound, K);
    e = sim(&m, lr, K, opts(method, 100), NULL, NULL, &err);
    CHECK(e != NULL);
    if (e) CHECK(isfinite(e[fslaw_sim_rows(K, 100) - 1]));
    free(lr), free(e);
  }
  /* Monte Carlo also stops on divergence */
  fslaw_plk_model small = model(2, 0.5, 10, 20, 0.5, 1);
  double *lr = constant_lr(3, 200);
  fslaw_sim_options o = opts(FSLAW_SIM_MC, 10);
  o.runs = 4;
  double *e = sim(&small, lr, 200, o, NULL, NULL, &err);
  CHECK(e == NULL);
  CHECK_HAS(err.msg, "diverged at step");
  free(lr), free(e);
  /* exit status */
  lr = constant_lr(5, 50);
  double out[60];
  CHECK(fslaw_simulate(&m, lr, 50, NULL, out, NULL, NULL, &err) == FSLAW_EDIVERGED);
  free(lr);
}

static void test_mc_reproducible(void) {
  fslaw_plk_model m = model(1.5, 0.5, 20, 30, 0.5, 2);
  size_t K = 100;
  double *lr = cosine_lr(0.4, 0.05, 10, K);
  fslaw_sim_options o = opts(FSLAW_SIM_MC, 10);
  o.runs = 150; /* more than one block of runs */
  o.seed = 42;
  fslaw_error err;
  double *se1, *se2, *se3;
  omp_set_num_threads(1);
  double *e1 = sim(&m, lr, K, o, &se1, NULL, &err);
  omp_set_num_threads(2);
  double *e2 = sim(&m, lr, K, o, &se2, NULL, &err);
  o.seed = 43;
  double *e3 = sim(&m, lr, K, o, &se3, NULL, &err);
  size_t rows = fslaw_sim_rows(K, 10);
  CHECK(e1 && e2 && e3);
  if (e1 && e2 && e3) {
    CHECK(!memcmp(e1, e2, rows * sizeof *e1));
    CHECK(!memcmp(se1, se2, rows * sizeof *se1));
    CHECK(memcmp(e1, e3, rows * sizeof *e1) != 0);
  }
  free(e1), free(e2), free(e3), free(se1), free(se2), free(se3), free(lr);
}

static void check_fails(const fslaw_plk_model *m, const double *lr, size_t K, fslaw_sim_options o,
                        const char *want) {
  fslaw_error err = {""};
  double out[64], se[64];
  CHECK(fslaw_simulate(m, lr, K, &o, out, se, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, want);
}

static void test_errors(void) {
  double lr[10] = {0.1, 0.1, 0.1, -0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
  fslaw_plk_model m = model(2, 0.5, 10, 10, 1, 1), inf = m, bad = m;
  inf.features = inf.dim = INFINITY;
  bad.beta = 0.5;
  check_fails(&m, lr, 10, opts(FSLAW_SIM_EXACT, 1), "step 3");
  check_fails(&m, lr, 3, opts(FSLAW_SIM_EXACT, 0), "every");
  check_fails(&inf, lr, 3, opts(FSLAW_SIM_EXACT, 1), "spectral");
  check_fails(&bad, lr, 3, opts(FSLAW_SIM_EXACT, 1), "beta");
  fslaw_plk_model nd = m;
  nd.dim = INFINITY;
  check_fails(&nd, lr, 3, opts(FSLAW_SIM_MC, 1), "dim");
  fslaw_sim_options o = opts(FSLAW_SIM_SPECTRAL, 1);
  o.nodes = 0;
  check_fails(&m, lr, 3, o, "nodes");
  /* K = 0: one row, the initial risk ½ sum lambda theta*^2 + delta_M */
  double e[1];
  fslaw_error err;
  CHECK(fslaw_simulate(&m, lr, 0, NULL, e, NULL, NULL, &err) == FSLAW_OK);
  double s0 = 0;
  for (int j = 1; j <= 10; j++) s0 += pow(j, -2.0);
  CHECK_REL(e[0], 0.5 * s0, 1e-14);
}

/* Exact and mc store every mode (coordinate): beyond 1e8 they refuse, naming
 * the field, before (size_t)M could overflow (1e20 once gave all zeros). The
 * spectral method takes any M. */
static void test_sizes(void) {
  double lr[50];
  for (int k = 0; k < 50; k++) lr[k] = 0.3;
  fslaw_plk_model huge = model(2, 0.5, 1e20, 1e20, 1, 1), wide = model(2, 0.5, 20, 1e20, 1, 1);
  check_fails(&huge, lr, 50, opts(FSLAW_SIM_EXACT, 50), "features (M) must be <= 1e+08");
  check_fails(&huge, lr, 50, opts(FSLAW_SIM_MC, 50), "features (M) must be <= 1e+08");
  check_fails(&wide, lr, 50, opts(FSLAW_SIM_MC, 50), "dim (N) must be <= 1e+08");
  fslaw_error err;
  fslaw_plk_model inf = huge;
  inf.features = inf.dim = INFINITY;
  double *e = sim(&huge, lr, 50, opts(FSLAW_SIM_SPECTRAL, 50), NULL, NULL, &err);
  double *ei = sim(&inf, lr, 50, opts(FSLAW_SIM_SPECTRAL, 50), NULL, NULL, &err);
  CHECK(e && ei);
  if (e && ei) CHECK_REL(e[1], ei[1], 1e-8); /* modes past 1e20 barely move */
  free(e), free(ei);
}

/* The spectral bins end even where j + 1 == j in doubles (beta near 1 and a
 * long run put the frozen cut past 2^53: the bin loop never ended). */
static void test_spectral_far_cut(void) {
  fslaw_plk_model m = model(1.0001, 0.5, 1e20, 1e20, 0.5, 1);
  double eta = 0.9 * fslaw_sim_stability_bound(&m);
  size_t K = (size_t)(1000 / eta) + 1; /* T = 1000: the cut is at j ~ 2e16 */
  double *lr = constant_lr(eta, K);
  fslaw_sim_options o = opts(FSLAW_SIM_SPECTRAL, K);
  o.check = 0;
  fslaw_error err;
  double *e = sim(&m, lr, K, o, NULL, NULL, &err);
  CHECK(e != NULL);
  if (e) CHECK(isfinite(e[1]) && e[1] > 0 && e[1] < e[0]);
  free(e), free(lr);
}

/* A sigma whose square (times the divergence margin 1e15) overflows is
 * refused naming sigma; below that every value is finite, the mc standard
 * error included (its squares once overflowed to inf, or to nan). */
static void test_huge_sigma(void) {
  double lr[100];
  for (int k = 0; k < 100; k++) lr[k] = 0.3 * (0.5 + 0.5 * cos(3.14159265358979 * k / 100.0));
  fslaw_plk_model m = model(2, 0.5, 30, 30, 1e160, 1);
  for (int meth = 0; meth < 3; meth++) {
    fslaw_sim_options o = opts((fslaw_sim_method)meth, 50);
    o.runs = 5;
    check_fails(&m, lr, 100, o, "sigma = 1e+160 is too large");
  }
  m.sigma = 1e100;
  fslaw_sim_options o = opts(FSLAW_SIM_MC, 50);
  o.runs = 20;
  fslaw_error err;
  double *se, *mc = sim(&m, lr, 100, o, &se, NULL, &err);
  double *ex = sim(&m, lr, 100, opts(FSLAW_SIM_EXACT, 50), NULL, NULL, &err);
  CHECK(mc && ex);
  for (size_t r = 1; mc && ex && r < 3; r++) {
    CHECK(isfinite(mc[r]) && isfinite(se[r]) && se[r] > 0);
    CHECK(fabs(mc[r] - ex[r]) < 4 * se[r]); /* the same risk, ~1e199 */
    CHECK(ex[r] > 1e198 && ex[r] < 1e200);
  }
  free(mc), free(se), free(ex);
}

/* s beta -> 0: the tail sum beyond M is a difference of two Hurwitz zetas of
 * size ~1/(s beta) (inf - inf = nan at s = 1e-300, silently read as a tail
 * of 0); it is now summed without the cancellation. An infinite initial
 * risk (N = inf) is refused naming s. */
static void test_tiny_s(void) {
  fslaw_plk_model m = model(2, 1e-300, 10, 100, 0, 1);
  double harmonic = 0, h10 = 0, e[1];
  for (int j = 1; j <= 100; j++) harmonic += 1.0 / j, h10 += j <= 10 ? 1.0 / j : 0;
  CHECK_REL(fslaw_plk_tail_signal(&m), harmonic - h10, 1e-12); /* sum_{10 < j <= 100} 1/j */
  fslaw_error err;
  CHECK(fslaw_simulate(&m, NULL, 0, NULL, e, NULL, NULL, &err) == FSLAW_OK);
  CHECK_REL(e[0], 0.5 * harmonic, 1e-12); /* all the signal, j <= N */
  fslaw_plk_model near = model(2, 1e-3, 1000, 100000, 0, 1); /* a = 1.002 */
  double direct = 0;
  for (double j = 100000; j > 1000; j--) direct += pow(j, -1.002);
  CHECK_REL(fslaw_plk_tail_signal(&near), direct, 1e-12);
  fslaw_plk_model inf = model(2, 1e-300, INFINITY, INFINITY, 0, 1);
  check_fails(&inf, e, 0, opts(FSLAW_SIM_SPECTRAL, 1), "s = 1e-300 is too small");
}

/* Rates above the stability bound are counted in info even when the risk
 * grows too slowly to count as diverged (1.27 to 1668 over 3000 steps). */
static void test_unstable_flag(void) {
  fslaw_plk_model m = model(1.0001, 0.5, 1000, 1000, 1, 1);
  size_t K = 3000;
  double *lr = constant_lr(0.3, K);
  fslaw_sim_info info;
  fslaw_error err;
  double *e = sim(&m, lr, K, opts(FSLAW_SIM_EXACT, 1000), NULL, &info, &err);
  CHECK(e != NULL);
  CHECK(0.3 > info.stability_bound);
  CHECK(info.unstable_steps == K && info.unstable_first == 0);
  if (e) CHECK(e[3] > 1000 * e[0] && isfinite(e[3]));
  free(e);
  /* a warmup through the bound: flagged from the first step above it */
  double bound = info.stability_bound;
  for (size_t k = 0; k < K; k++) lr[k] = k < 100 ? 1.5 * bound * (double)k / 100 : 0.5 * bound;
  e = sim(&m, lr, K, opts(FSLAW_SIM_EXACT, 1000), NULL, &info, &err);
  size_t first = 0, count = 0;
  for (size_t k = 0; k < K; k++)
    if (lr[k] > bound && !count++) first = k;
  CHECK(e != NULL && count > 0);
  CHECK(info.unstable_steps == count && info.unstable_first == first);
  free(e);
  /* stable rates: nothing flagged, for every method */
  fslaw_plk_model small = model(1.0001, 0.5, 50, 50, 1, 1);
  for (size_t k = 0; k < K; k++) lr[k] = 0.9 * fslaw_sim_stability_bound(&small);
  for (int meth = 0; meth < 3; meth++) {
    fslaw_sim_options o = opts((fslaw_sim_method)meth, 1000);
    o.runs = 2;
    e = sim(&small, lr, K, o, NULL, &info, &err);
    CHECK(e != NULL && info.unstable_steps == 0 && info.unstable_first == K);
    free(e);
  }
  free(lr);
}

/* One mc run: the mean is that run, the standard error undefined (NAN, not
 * 0 as it was); two runs give a positive one. */
static void test_one_run(void) {
  fslaw_plk_model m = model(2, 0.5, 10, 10, 1, 1);
  double *lr = constant_lr(0.2, 10);
  fslaw_sim_options o = opts(FSLAW_SIM_MC, 5);
  fslaw_error err;
  double *se, *e;
  for (size_t runs = 1; runs <= 2; runs++) {
    o.runs = runs;
    e = sim(&m, lr, 10, o, &se, NULL, &err);
    CHECK(e != NULL);
    for (size_t r = 1; e && r < 3; r++) {
      CHECK(isfinite(e[r]) && e[r] > 0);
      CHECK(runs == 1 ? isnan(se[r]) : se[r] > 0 && isfinite(se[r]));
    }
    free(e), free(se);
  }
  free(lr);
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  test_rows();
  test_errors();
  test_sizes();
  test_huge_sigma();
  test_tiny_s();
  test_unstable_flag();
  test_one_run();
  test_spectral_far_cut();
  test_stability();
  test_plateau();
  test_mc_reproducible();
  test_mc_vs_exact();
  test_spectral_vs_exact();
  test_bias_power_law();
  return check_done("test_simulate");
}
