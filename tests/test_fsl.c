/* test_fsl.c: the FSL library (MATH.md §§2-4): compressed mode sums against
 * exact ones and against their closed-form asymptotics, the accumulator
 * evaluator against the naive double sum, the sum-of-exponentials power
 * kernel against the direct sum, the calibration on a synthetic curve,
 * Table 1 and the optimal schedules against the formulas of §3-4. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "fslaw/fsl.h"

static fslaw_plk_model model(double beta, double s, double M, double N, double sigma, double B) {
  fslaw_plk_model m = {beta, s, M, N, sigma, B};
  return m;
}

/* Exact mode sums by brute force, independent of the library's node lists. */
static double e_exact(const fslaw_plk_model *m, double t) {
  double e = 0;
  for (double j = 1; j <= m->features; j++)
    e += fslaw_plk_signal(m, j) * exp(-2 * fslaw_plk_lambda(m, j) * t);
  return e;
}
static double k_exact(const fslaw_plk_model *m, double t) {
  double k = 0;
  for (double j = 1; j <= m->features; j++) {
    double l = fslaw_plk_lambda(m, j);
    k += l * l * exp(-2 * l * t);
  }
  return k;
}

/* Compressed nodes vs exact sums at M = 1e5 (MATH.md §1.1b). */
static void test_compression(void) {
  const double betas[2] = {1.5, 4}, ss[2] = {0.5, 2}, ts[5] = {0, 1, 37, 2e3, 1e5};
  fslaw_fsl_options o = fslaw_fsl_options_default();
  o.nodes = FSLAW_FSL_NODES_COMPRESSED;
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      fslaw_plk_model m = model(betas[a], ss[b], 1e5, 1e5, 1, 1);
      fslaw_fsl_spectrum *sp;
      fslaw_error err;
      CHECK(fslaw_fsl_spectrum_create(&m, &o, 1e5, &sp, &err) == FSLAW_OK);
      CHECK(fslaw_fsl_spectrum_size(sp) < 1200); /* vs 2e5 exact exponentials */
      for (int i = 0; i < 5; i++) {
        CHECK_REL(fslaw_fsl_signal_fn(sp, ts[i]), e_exact(&m, ts[i]), 1e-6);
        CHECK_REL(fslaw_fsl_kernel_fn(sp, ts[i]), k_exact(&m, ts[i]), 1e-6);
      }
      fslaw_fsl_spectrum_destroy(sp);
    }
}

/* One node per mode: the vectorised sums (vexp in 8 lanes, a remainder when
 * M is no multiple of 8, exponents past the underflow at large t) equal the
 * plain libm sums to rounding. */
static void test_exact_sums(void) {
  const double ts[6] = {0, 0.5, 37, 400, 1e4, 1e7};
  fslaw_fsl_options o = fslaw_fsl_options_default();
  o.nodes = FSLAW_FSL_NODES_EXACT;
  fslaw_plk_model m = model(2, 0.5, 1003, 1003, 1, 1);
  fslaw_fsl_spectrum *sp;
  fslaw_error err;
  CHECK(fslaw_fsl_spectrum_create(&m, &o, 1e7, &sp, &err) == FSLAW_OK);
  double worst = 0;
  for (int i = 0; i < 6; i++) {
    double e = fslaw_fsl_signal_fn(sp, ts[i]), k = fslaw_fsl_kernel_fn(sp, ts[i]);
    worst = fmax(worst, fmax(fabs(e / e_exact(&m, ts[i]) - 1), fabs(k / k_exact(&m, ts[i]) - 1)));
  }
  printf("exact nodes, M = 1003: mode sums vs libm sums, worst %.2e\n", worst);
  CHECK(worst < 1e-13);
  fslaw_fsl_spectrum_destroy(sp);
}

/* M = inf: e(0) and K(0) are zeta values; large t follows the continuum law. */
static void test_infinite(void) {
  fslaw_plk_model m = model(2, 0.5, INFINITY, INFINITY, 1, 1);
  fslaw_fsl_spectrum *sp;
  fslaw_error err;
  CHECK(fslaw_fsl_spectrum_create(&m, NULL, 1e6, &sp, &err) == FSLAW_OK);
  CHECK_REL(fslaw_fsl_signal_fn(sp, 0), fslaw_hurwitz_zeta(2, 1), 1e-9);
  CHECK_REL(fslaw_fsl_kernel_fn(sp, 0), fslaw_hurwitz_zeta(4, 1), 1e-9);
  /* e(t) = Gamma(s)/beta (2t)^-s up to exponentially small terms for M = inf */
  double t = 1e5;
  CHECK_REL(fslaw_fsl_signal_fn(sp, t), tgamma(0.5) / 2 * pow(2 * t, -0.5), 1e-6);
  fslaw_fsl_spectrum_destroy(sp);
  fslaw_plk_model bad = model(2, 0.5, INFINITY, 1e6, 1, 1);
  CHECK(fslaw_fsl_spectrum_create(&bad, NULL, 1, &sp, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "dim");
  fslaw_fsl_options o = fslaw_fsl_options_default();
  o.nodes = FSLAW_FSL_NODES_EXACT;
  CHECK(fslaw_fsl_spectrum_create(&m, &o, 1, &sp, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "exact");
}

/* Power forms vs mode sums on 1 << t << M^beta. The sum over j of
 * j^-(sb+1) exp(-2 t j^-b) equals its integral (1/b) Gamma(s) (2t)^-s up to
 * exponentially small terms (the integrand is flat at j -> 0) and the cut at
 * M (relative (t / M^b)^s), so e_M / (1+t)^-s = Gamma(s) 2^-s / b (1+1/t)^s:
 * a constant within 1% + s/t. The same for K with exponent 2 - 1/b. */
static void test_power_vs_modes(void) {
  fslaw_plk_model m = model(2, 0.5, 1e5, 1e5, 1, 1);
  fslaw_fsl_spectrum *sp;
  fslaw_error err;
  CHECK(fslaw_fsl_spectrum_create(&m, NULL, 1e4, &sp, &err) == FSLAW_OK);
  double alpha = 2 - 1 / m.beta;
  double ce = tgamma(m.s) * pow(2, -m.s) / m.beta, ck = tgamma(alpha) * pow(2, -alpha) / m.beta;
  const double ts[3] = {100, 1e3, 1e4};
  for (int i = 0; i < 3; i++) {
    double re = fslaw_fsl_signal_fn(sp, ts[i]) / fslaw_fsl_power_signal(&m, ts[i]);
    double rk = fslaw_fsl_kernel_fn(sp, ts[i]) / fslaw_fsl_power_kernel(&m, ts[i]);
    CHECK_REL(re, ce, 0.01 + m.s / ts[i]);
    CHECK_REL(rk, ck, 0.01 + alpha / ts[i]);
  }
  fslaw_fsl_spectrum_destroy(sp);
}

/* Sum of exponentials vs (1+u)^-alpha directly: relative 1e-8 on [0, u_max]. */
static void test_power_exps(void) {
  double r[256], w[256];
  const double alphas[3] = {1.2, 1.5, 1.875};
  for (int a = 0; a < 3; a++) {
    size_t n = fslaw_fsl_power_exps(alphas[a], 1e6, NULL, NULL, 0);
    CHECK(n > 10 && n <= 256);
    CHECK(fslaw_fsl_power_exps(alphas[a], 1e6, r, w, 256) == n);
    double worst = 0;
    for (double u = 0; u <= 1e6; u = u ? u * 1.37 : 1e-3) {
      double s = 0;
      for (size_t i = 0; i < n; i++) s += w[i] * exp(-r[i] * u);
      double rel = fabs(s * pow(1 + u, alphas[a]) - 1);
      if (rel > worst) worst = rel;
    }
    CHECK(worst < 1e-8);
  }
  CHECK(fslaw_fsl_power_exps(-1, 1, r, w, 256) == 0);
}

/* A schedule with varied rates (repeats exercise the cached factors). */
static void rates(double *lr, size_t K, double peak) {
  for (size_t k = 0; k < K; k++)
    lr[k] = k % 5 == 3 ? lr[k - 1] : peak * (0.3 + 0.7 * fabs(cos(0.37 * (double)k)));
}

/* The naive O(K^2 M) double sum of MATH.md §2 (modes form, excess-risk units). */
static void naive_modes(const fslaw_plk_model *m, const double *lr, size_t K, double *signal,
                        double *noise) {
  double *t = malloc((K + 1) * sizeof *t), sig2 = m->sigma * m->sigma + fslaw_plk_tail_signal(m);
  t[0] = 0;
  for (size_t k = 0; k < K; k++) t[k + 1] = t[k] + lr[k];
  for (size_t k = 0; k <= K; k++) {
    signal[k] = 0.5 * e_exact(m, t[k]);
    double nz = 0;
    for (size_t i = 0; i < k; i++)
      nz += k_exact(m, t[k] - t[i + 1]) * (e_exact(m, t[i]) + sig2) * lr[i] * lr[i] / m->batch;
    noise[k] = 0.5 * nz;
  }
  free(t);
}

static void test_eval_modes(void) {
  enum { K = 60 };
  fslaw_plk_model m = model(1.7, 0.6, 20, 45, 0.7, 2);
  double lr[K], t[K + 1], ap[K + 1], sg[K + 1], nz[K + 1], fsl[K + 1], rs[K + 1], rn[K + 1];
  rates(lr, K, 0.4);
  fslaw_error err;
  CHECK(fslaw_fsl_eval(&m, NULL, lr, K, 1, t, ap, sg, nz, fsl, &err) == FSLAW_OK);
  naive_modes(&m, lr, K, rs, rn);
  double tsum = 0;
  for (size_t k = 0; k <= K; k++) {
    CHECK_REL(sg[k], rs[k], 1e-12);
    if (k) CHECK_REL(nz[k], rn[k], 1e-12);
    CHECK_REL(ap[k], 0.5 * fslaw_plk_tail_signal(&m), 1e-15);
    CHECK_REL(fsl[k], ap[k] + sg[k] + nz[k], 1e-15);
    CHECK_REL(t[k], tsum, 1e-14);
    if (k < K) tsum += lr[k];
  }
  CHECK(nz[0] == 0);
  /* every = 7: rows 0, 7, ..., 56 and the last row 60 */
  size_t rows = fslaw_fsl_rows(K, 7);
  CHECK(rows == 10);
  CHECK(fslaw_fsl_row_step(9, K, 7) == K && fslaw_fsl_row_step(3, K, 7) == 21);
  CHECK(fslaw_fsl_rows(K, 0) == 0); /* as the simulator's rows */
  double n7[10];
  CHECK(fslaw_fsl_eval(&m, NULL, lr, K, 7, NULL, NULL, NULL, n7, NULL, &err) == FSLAW_OK);
  for (size_t r = 0; r < rows; r++) CHECK(n7[r] == nz[fslaw_fsl_row_step(r, K, 7)]);
}

/* Compressed vs exact evaluator on a run long enough to reach the bins. */
static void test_eval_compressed(void) {
  enum { K = 300 };
  fslaw_plk_model m = model(2.5, 0.4, 20000, 20000, 0.5, 1);
  double lr[K], a[K + 1], b[K + 1];
  rates(lr, K, 0.5);
  fslaw_fsl_options o = fslaw_fsl_options_default();
  fslaw_error err;
  o.nodes = FSLAW_FSL_NODES_EXACT;
  CHECK(fslaw_fsl_eval(&m, &o, lr, K, 1, NULL, NULL, NULL, NULL, a, &err) == FSLAW_OK);
  o.nodes = FSLAW_FSL_NODES_COMPRESSED;
  CHECK(fslaw_fsl_eval(&m, &o, lr, K, 1, NULL, NULL, NULL, NULL, b, &err) == FSLAW_OK);
  double worst = 0;
  for (size_t k = 0; k <= K; k++)
    if (fabs(b[k] / a[k] - 1) > worst) worst = fabs(b[k] / a[k] - 1);
  CHECK(worst < 1e-7);
}

/* Power form: the sum-of-exponentials sweep vs the direct O(K^2) sum. */
static void test_eval_power(void) {
  enum { K = 400 };
  fslaw_plk_model m = model(3, 0.5, 100, 100, 1.3, 4);
  double lr[K], t[K + 1], ap[K + 1], sg[K + 1], nz[K + 1];
  rates(lr, K, 0.8);
  fslaw_fsl_options o = fslaw_fsl_options_default();
  o.form = FSLAW_FSL_POWER;
  fslaw_error err;
  CHECK(fslaw_fsl_eval(&m, &o, lr, K, 1, t, ap, sg, nz, NULL, &err) == FSLAW_OK);
  double worst = 0;
  for (size_t k = 1; k <= K; k++) {
    double direct = 0;
    for (size_t i = 0; i < k; i++)
      direct += fslaw_fsl_power_kernel(&m, t[k] - t[i + 1]) *
                (fslaw_fsl_power_signal(&m, t[i]) + m.sigma * m.sigma) * lr[i] * lr[i] / m.batch;
    if (fabs(nz[k] / direct - 1) > worst) worst = fabs(nz[k] / direct - 1);
  }
  CHECK(worst < 1e-8);
  CHECK_REL(ap[0], pow(100, -1.5), 1e-15);
  CHECK_REL(sg[K], pow(1 + t[K], -0.5), 1e-15);
}

static void test_eval_errors(void) {
  fslaw_plk_model m = model(2, 0.5, 10, 10, 1, 1);
  double lr[3] = {0.1, -0.2, 0.1}, out[4];
  fslaw_error err;
  CHECK(fslaw_fsl_eval(&m, NULL, lr, 3, 1, NULL, NULL, NULL, NULL, out, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "step 1");
  lr[1] = 1e200; /* the injection overflows: reported, not printed */
  CHECK(fslaw_fsl_eval(&m, NULL, lr, 3, 1, NULL, NULL, NULL, NULL, out, &err) == FSLAW_EDIVERGED);
  CHECK_HAS(err.msg, "overflow");
  fslaw_fsl_options o = fslaw_fsl_options_default();
  o.order = 9;
  lr[1] = 0.1;
  CHECK(fslaw_fsl_eval(&m, &o, lr, 3, 1, NULL, NULL, NULL, NULL, out, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "order");
  m.beta = 0.5;
  CHECK(fslaw_fsl_eval(&m, NULL, lr, 3, 1, NULL, NULL, NULL, NULL, out, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "beta");
}

/* Calibration recovers known constants from a synthetic curve. */
static void test_calibrate(void) {
  enum { K = 200 };
  fslaw_plk_model m = model(2, 0.5, 50, 200, 1, 1);
  double lr[K], ap[K + 1], sg[K + 1], nz[K + 1], y[K + 1];
  rates(lr, K, 0.3);
  fslaw_error err;
  CHECK(fslaw_fsl_eval(&m, NULL, lr, K, 1, NULL, ap, sg, nz, NULL, &err) == FSLAW_OK);
  double raw = 0;
  for (size_t k = 0; k <= K; k++) {
    y[k] = 0.7 * ap[k] + 1.3 * sg[k] + 0.4 * nz[k];
    double r = fabs(ap[k] + sg[k] + nz[k] - y[k]) / y[k];
    if (r > raw) raw = r;
  }
  fslaw_fsl_fit fit;
  CHECK(fslaw_fsl_calibrate(ap, sg, nz, y, K + 1, &fit, &err) == FSLAW_OK);
  CHECK_REL(fit.c[0], 0.7, 1e-8);
  CHECK_REL(fit.c[1], 1.3, 1e-8);
  CHECK_REL(fit.c[2], 0.4, 1e-8);
  CHECK(fit.fitted[0] && fit.fitted[1] && fit.fitted[2]);
  CHECK(fit.fit_maxrel < 1e-10);
  CHECK_REL(fit.raw_maxrel, raw, 1e-12);
  CHECK(fit.n == K + 1);
  /* an all-zero term (M = N: no approximation error) is not fitted */
  double zero[K + 1] = {0};
  CHECK(fslaw_fsl_calibrate(zero, sg, nz, y, K + 1, &fit, &err) == FSLAW_OK);
  CHECK(!fit.fitted[0] && fit.c[0] == 1);
  y[5] = -1;
  CHECK(fslaw_fsl_calibrate(ap, sg, nz, y, K + 1, &fit, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "> 0");
  CHECK(fslaw_fsl_calibrate(ap, sg, nz, y, 2, &fit, &err) == FSLAW_EINVAL);
}

static void test_table(void) {
  fslaw_fsl_table t;
  fslaw_error err;
  CHECK(fslaw_fsl_table_compute(0.5, 4, &t, &err) == FSLAW_OK); /* the paper's hard case */
  CHECK(!t.easy);
  CHECK_CLOSE(t.data[FSLAW_FSL_CONSTANT].power, 1.0 / 3, 1e-15);
  CHECK_CLOSE(t.data[FSLAW_FSL_WSD].power, 0.5, 1e-15);
  CHECK(t.data[FSLAW_FSL_WSD].log_power == 0);
  CHECK_CLOSE(t.data[FSLAW_FSL_EXPDECAY].power, 0.5, 1e-15);
  CHECK_CLOSE(t.data[FSLAW_FSL_EXPDECAY].log_power, 0.5, 1e-15);
  CHECK_CLOSE(t.compute[FSLAW_FSL_CONSTANT].power, 2.0 / 7, 1e-15);
  CHECK_CLOSE(t.compute[FSLAW_FSL_WSD].power, 0.4, 1e-15);
  CHECK_CLOSE(t.const_model_compute, 1.0 / 7, 1e-15);
  CHECK_CLOSE(t.decay_model_compute.power, 0.2, 1e-15);
  CHECK_CLOSE(t.optimal_loss, 0.5, 1e-15);
  CHECK_CLOSE(t.decay_fraction, 0.25 / 1.75, 1e-15);
  CHECK_CLOSE(t.wsd_fraction_data, 1.0 / 3, 1e-15);
  CHECK(fslaw_fsl_table_compute(1, 2, &t, &err) == FSLAW_OK); /* easy, sb = 2 */
  CHECK(t.easy);
  CHECK_CLOSE(t.data[FSLAW_FSL_CONSTANT].power, 0.5, 1e-15);
  CHECK_CLOSE(t.data[FSLAW_FSL_WSD].power, 2.0 / 3, 1e-15);
  CHECK_CLOSE(t.data[FSLAW_FSL_WSD].log_power, 1.0 / 3, 1e-15);
  CHECK_CLOSE(t.compute[FSLAW_FSL_EXPDECAY].power, 0.5, 1e-15);
  CHECK_CLOSE(t.compute[FSLAW_FSL_WSD].log_power, 0.25, 1e-15);
  CHECK_CLOSE(t.nu, 1.0 / 3, 1e-15);
  CHECK_CLOSE(t.optimal_loss, 2.0 / 3, 1e-15);
  CHECK(t.decay_fraction == 0);
  CHECK(fslaw_fsl_table_compute(0.75, 4, &t, &err) == FSLAW_OK && t.easy); /* boundary */
  CHECK_CLOSE(t.nu, 0, 1e-15);
  CHECK(fslaw_fsl_table_compute(0, 2, &t, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "s must");
  CHECK(fslaw_fsl_table_compute(0.5, 1, &t, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "beta");
}

static int monotone_in(const double *lr, size_t n, double cap) {
  for (size_t k = 0; k < n; k++)
    if (!(lr[k] > 0 && lr[k] <= cap) || (k && lr[k] > lr[k - 1])) return 0;
  return 1;
}

static void test_optimal_schedule(void) {
  enum { N = 1000, N2 = 100000 };
  double *lr = malloc(N2 * sizeof *lr);
  fslaw_error err;
  /* easy (s = 1, beta = 2): 0.5 N^-1/3 (1 - k/N)^3 */
  CHECK(fslaw_fsl_optimal_schedule(1, 2, N, 0.5, lr, &err) == FSLAW_OK);
  CHECK_REL(lr[0], 0.05, 1e-12);
  CHECK_REL(lr[500], 0.05 * 0.125, 1e-12);
  CHECK_REL(lr[900], 0.05 * 1e-3, 1e-12);
  CHECK(monotone_in(lr, N, 0.5));
  /* hard (s = 0.5, beta = 4): WSD, tail ((N-k)/L)^7, L = round(N^(1 - 1/7)) */
  double frac[2];
  const size_t ns[2] = {N, N2};
  for (int i = 0; i < 2; i++) {
    size_t n = ns[i], L = (size_t)floor(pow((double)n, 1 - 1.0 / 7) + 0.5);
    CHECK(fslaw_fsl_optimal_schedule(0.5, 4, n, 0.3, lr, &err) == FSLAW_OK);
    CHECK(monotone_in(lr, n, 0.3));
    CHECK(lr[n - L] == 0.3 && lr[n - L + 1] < 0.3);
    CHECK_REL(lr[n - 1], 0.3 * pow(1.0 / (double)L, 7), 1e-12);
    CHECK_REL(lr[n - L / 2], 0.3 * pow((double)(L / 2) / (double)L, 7), 1e-12);
    frac[i] = (double)L / (double)n;
  }
  CHECK(frac[1] < frac[0]);
  CHECK_REL(frac[1] / frac[0], pow(100, -1.0 / 7), 0.01);
  CHECK(fslaw_fsl_optimal_schedule(0.5, 4, 0, 0.3, lr, &err) == FSLAW_EINVAL);
  CHECK(fslaw_fsl_optimal_schedule(0.5, 4, 10, -1, lr, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "peak-max");
  free(lr);
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  test_compression();
  test_exact_sums();
  test_infinite();
  test_power_vs_modes();
  test_power_exps();
  test_eval_modes();
  test_eval_compressed();
  test_eval_power();
  test_eval_errors();
  test_calibrate();
  test_table();
  test_optimal_schedule();
  return check_done("test_fsl");
}
