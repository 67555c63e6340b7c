/* test_sensitivity.c: what fitted runs determine (fslaw_fit_curvature,
 * fslaw/sensitivity.h): the curvature against a finite-difference Hessian of
 * the objective, the exact identity sum of squared amplifications over the
 * fitted points = points x parameters, a degenerate pair of runs, the
 * params JSON round trip and the error paths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

#define N 4000
#define NPTS 60
static double lr[3][N];
static size_t steps[NPTS];

static void schedule(const char *spec, double *out) {
  fslaw_schedule *s;
  CHECK(fslaw_schedule_create(spec, &s, NULL) == FSLAW_OK);
  fslaw_schedule_eval(s, out, N, NULL);
  fslaw_schedule_destroy(s);
}

/* A fit of `spec` on runs lr[0..nruns-1], losses from `truth`, squared loss. */
static fslaw_fit *fit_on(const char *spec, const double *truth, int nruns, fslaw_law **law) {
  CHECK(fslaw_law_create(spec, law, NULL) == FSLAW_OK);
  fslaw_fit *fit = fslaw_fit_create(*law);
  fslaw_fit_set_loss(fit, FSLAW_LOSS_SQUARED, 1e-3);
  for (int r = 0; r < nruns; r++) {
    double loss[NPTS];
    fslaw_law_predict(*law, truth, lr[r], N, steps, NPTS, loss, NULL);
    CHECK(fslaw_fit_add_run(fit, "run", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
  }
  return fit;
}

/* Objective at truth x exp(h_i e_i + h_j e_j) (log parameters moved). */
static double obj_at(const fslaw_fit *fit, const double *p0, size_t np, size_t i, double hi,
                     size_t j, double hj) {
  double p[16];
  memcpy(p, p0, np * sizeof *p);
  p[i] *= exp(hi);
  p[j] *= exp(hj);
  return fslaw_fit_objective(fit, p, NULL);
}

/* At exact data the residuals vanish, so the Hessian of the summed squared
 * log residuals in log parameters is exactly 2 n M: checked by second
 * differences of the objective alone (no Jacobian involved). */
static void test_curvature_vs_hessian(void) {
  const double mpl[7] = {2.5, 0.6, 0.5, 400, 2, 0.6, 0.5};
  fslaw_law *law;
  fslaw_fit *fit = fit_on("mpl", mpl, 2, &law);
  size_t np = 7, n = 2 * (NPTS - 2); /* two points per run lie in warmup */
  double M[49], rms, h = 1e-3, big = 0;
  CHECK(fslaw_fit_curvature(fit, 0, mpl, 0, M, &rms) == FSLAW_OK);
  CHECK(rms < 1e-12);
  for (size_t i = 0; i < np * np; i++) big = fmax(big, fabs(M[i]));
  double worst = 0;
  for (size_t i = 0; i < np; i++)
    for (size_t j = 0; j <= i; j++) {
      double H = (obj_at(fit, mpl, np, i, h, j, h) - obj_at(fit, mpl, np, i, h, j, -h) -
                  obj_at(fit, mpl, np, i, -h, j, h) + obj_at(fit, mpl, np, i, -h, j, -h)) /
                 (4 * h * h);
      worst = fmax(worst, fabs(H / (2.0 * (double)n) - M[i * np + j]) / big);
      CHECK(M[i * np + j] == M[j * np + i]);
    }
  printf("curvature vs finite-difference Hessian: worst relative difference %.2g\n", worst);
  CHECK(worst < 1e-4);
  /* skipped parameters get zero rows and columns */
  CHECK(fslaw_fit_curvature(fit, 0, mpl, 1UL << 4, M, NULL) == FSLAW_OK);
  for (size_t i = 0; i < np; i++) CHECK(M[4 * np + i] == 0 && M[i * np + 4] == 0);
  CHECK(fslaw_fit_curvature(fit, 1, mpl, 0, M, NULL) == FSLAW_EINVAL);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* With one node per point, sum over the fitted points of g' M^-1 g =
 * trace(M^-1 n M) = n k: the amplifications of the fitted points have RMS
 * sqrt(k), whatever the law and the runs. */
static void test_sum_identity(const char *spec, const double *truth, unsigned long skip, size_t k) {
  fslaw_law *law;
  fslaw_fit *fit = fit_on(spec, truth, 2, &law);
  size_t n = 0;
  double M[256], sum = 0;
  CHECK(fslaw_fit_curvature(fit, 0, truth, skip, M, NULL) == FSLAW_OK);
  for (int r = 0; r < 2; r++)
    for (size_t i = 0; i < NPTS; i++) {
      if (steps[i] <= 200) continue; /* warmup */
      double a, pred;
      CHECK(fslaw_law_amplification(law, truth, M, lr[r], N, steps[i], &a, &pred, NULL) == FSLAW_OK);
      sum += a * a;
      n++;
    }
  printf("%s: sum of squared amplifications %.12g, points x parameters %zu\n", spec, sum, n * k);
  CHECK_CLOSE(sum / (double)(n * k), 1, 1e-6);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* Group g's Gram matrix n M, from a one-group fit of run r alone. */
static size_t gram_of(const char *spec, const double *truth, int r, double *G) {
  fslaw_law *law;
  CHECK(fslaw_law_create(spec, &law, NULL) == FSLAW_OK);
  fslaw_fit *fit = fslaw_fit_create(law);
  double loss[NPTS];
  fslaw_law_predict(law, truth, lr[r], N, steps, NPTS, loss, NULL);
  CHECK(fslaw_fit_add_run(fit, "run", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
  size_t np = fslaw_law_nparams(law), n = NPTS - 2;
  CHECK(fslaw_fit_curvature(fit, 0, truth, 0, G, NULL) == FSLAW_OK);
  for (size_t i = 0; i < np * np; i++) G[i] *= (double)n;
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  return n;
}

/* A grouped fit: group a = the cosine run, b = the WSD run, `shared` the
 * parameters both share. Group a's curvature must be (G_a + S_b) / n_a with
 * S_b = C - B' A^-1 B the Schur complement of b's own parameters in b's Gram
 * matrix (computed here by Gauss-Jordan elimination). */
static void test_groups(unsigned long shared) {
  const double mpl[7] = {2.5, 0.6, 0.5, 400, 2, 0.6, 0.5};
  double P[14], Ga[49], Gb[49], M[49], want[49];
  size_t na = gram_of("mpl", mpl, 0, Ga);
  gram_of("mpl", mpl, 1, Gb);
  fslaw_law *law;
  CHECK(fslaw_law_create("mpl", &law, NULL) == FSLAW_OK);
  fslaw_fit *fit = fslaw_fit_create(law);
  for (int r = 0; r < 2; r++) {
    double loss[NPTS];
    fslaw_law_predict(law, mpl, lr[r], N, steps, NPTS, loss, NULL);
    fslaw_fit_set_group(fit, r ? "b" : "a");
    CHECK(fslaw_fit_add_run(fit, "run", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
  }
  for (size_t i = 0; i < 7; i++) {
    if ((shared >> i) & 1) fslaw_fit_share(fit, i);
    P[i] = P[7 + i] = mpl[i];
  }
  CHECK(fslaw_fit_curvature(fit, 0, P, 0, M, NULL) == FSLAW_OK);
  /* eliminate b's own parameters from Gb: pivot on each in turn */
  double W[49];
  memcpy(W, Gb, sizeof W);
  for (size_t k = 0; k < 7; k++) {
    if ((shared >> k) & 1) continue;
    double piv = W[k * 7 + k];
    for (size_t i = 0; i < 7; i++)
      for (size_t j = 0; j < 7; j++)
        if (i != k && j != k) W[i * 7 + j] -= W[i * 7 + k] * W[k * 7 + j] / piv;
    for (size_t i = 0; i < 7; i++) W[i * 7 + k] = W[k * 7 + i] = 0;
  }
  double worst = 0, big = 0;
  for (size_t i = 0; i < 49; i++) {
    int both = ((shared >> (i / 7)) & 1) && ((shared >> (i % 7)) & 1);
    want[i] = (Ga[i] + (both ? W[i] : 0)) / (double)na;
    big = fmax(big, fabs(want[i]));
  }
  for (size_t i = 0; i < 49; i++) worst = fmax(worst, fabs(M[i] - want[i]) / big);
  printf("groups sharing %#lx: curvature vs Schur complement, worst relative difference %.2g\n",
         shared, worst);
  CHECK(worst < 1e-10);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* fsl on a constant run and one with a single drop: the drop's benefit
 * c2 (c3 + T^-s) is one number, so c2 and c3 trade off exactly; a cosine,
 * whose drops happen at every T, depends on them apart. */
static void test_degenerate(void) {
  const double fsl[7] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6};
  double keep[2][N];
  memcpy(keep, lr, sizeof keep);
  schedule("constant:peak=1e-3,warmup=200,steps=4000", lr[0]);
  schedule("twostage:peak=1e-3,warmup=200,switch=2500,low=3e-4,steps=4000", lr[1]);
  fslaw_law *law;
  fslaw_fit *fit = fit_on("fsl", fsl, 2, &law);
  double M[49], dir[7], weak, a, b;
  CHECK(fslaw_fit_curvature(fit, 0, fsl, 0, M, NULL) == FSLAW_OK);
  CHECK(fslaw_sensitivity_weakest(7, M, dir, &weak, NULL) == FSLAW_OK);
  printf("degenerate fsl: weakest %.3g along c2 %.3f, c3 %.3f\n", weak, dir[2], dir[3]);
  CHECK(weak == 0); /* exactly free: below round-off */
  CHECK(fabs(dir[2]) > 0.3 && fabs(dir[3]) > 0.3 && dir[2] * dir[3] < 0);
  double norm = 0;
  for (int i = 0; i < 7; i++) norm += dir[i] * dir[i];
  CHECK_CLOSE(norm, 1, 1e-12);
  CHECK(fslaw_law_amplification(law, fsl, M, lr[1], N, N - 1, &a, NULL, NULL) == FSLAW_OK);
  CHECK(fslaw_law_amplification(law, fsl, M, lr[2], N, N - 1, &b, NULL, NULL) == FSLAW_OK);
  printf("degenerate fsl: amplification of the fitted two-stage run %.3g, of a cosine %.3g\n", a, b);
  CHECK(a < 10 && isinf(b)); /* the cosine moves along the free combination */
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  /* the same runs with c3 held: nothing is left undetermined */
  fit = fit_on("fsl", fsl, 2, &law);
  fslaw_fit_fix(fit, 3, fsl[3]);
  CHECK(fslaw_fit_curvature(fit, 0, fsl, 0, M, NULL) == FSLAW_OK);
  CHECK(fslaw_sensitivity_weakest(7, M, dir, &weak, NULL) == FSLAW_OK);
  CHECK(dir[3] == 0);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  memcpy(lr, keep, sizeof keep);
}

/* The curvature written to params JSON reads back exactly; a malformed one
 * is no curvature. */
static void test_params_round_trip(const char *scratch) {
  fslaw_law *law;
  CHECK(fslaw_law_create("mtl", &law, NULL) == FSLAW_OK);
  const double p[4] = {2.6, 0.5, 0.5, 0.4};
  double M[16] = {0}, R[16], rms = 0;
  M[0] = 1.0 / 3;
  M[1 * 4 + 1] = 2e-7;
  M[1 * 4 + 2] = M[2 * 4 + 1] = -0.1;
  M[2 * 4 + 2] = 0.7;
  fslaw_fit_result res = {0};
  const char *runs[1] = {"a.csv"};
  fslaw_fit_info info = {runs, 1, 0, FSLAW_LOSS_HUBER, 1e-3, 500, NULL, NULL, 0, 0, 0, 0, M, 3e-4};
  char *json = fslaw_params_to_json(law, p, &res, &info);
  char path[4096];
  snprintf(path, sizeof path, "%s/sens.json", scratch);
  FILE *f = fopen(path, "w");
  CHECK(f && json);
  if (!f || !json) return;
  fputs(json, f);
  fclose(f);
  int found = 0;
  fslaw_error err;
  CHECK(fslaw_params_read_curvature(path, law, R, &rms, &found, &err) == FSLAW_OK);
  CHECK(found && rms == 3e-4 && !memcmp(M, R, sizeof M));
  CHECK(strstr(json, "\"params\":\t[\"L0\", \"A\", \"alpha\"]") != NULL); /* C does not move */
  const char *bad[] = {"\"residual_scale\":\t0.0003", "\"residual_scale\":\t-1", "\"A\", \"alpha\"]", "\"A\", \"L0\"]",
                       "-0.1", "-0.2"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k += 2) {
    char *s = strstr(json, bad[k]);
    CHECK(s != NULL);
    if (!s) continue;
    size_t pre = (size_t)(s - json), old = strlen(bad[k]);
    f = fopen(path, "w");
    fprintf(f, "%.*s%s%s", (int)pre, json, bad[k + 1], s + old);
    fclose(f);
    CHECK(fslaw_params_read_curvature(path, law, R, &rms, &found, &err) == FSLAW_OK && !found);
  }
  free(json);
  fslaw_law_destroy(law);
}

static void test_errors(void) {
  double M[4] = {0}, g[2] = {1, 1}, a, dir[2], w;
  fslaw_error err;
  CHECK(fslaw_sensitivity_amplification(2, M, g, &a, &err) == FSLAW_EINVAL);
  CHECK(strstr(err.msg, "no parameter moves") != NULL);
  M[0] = NAN;
  CHECK(fslaw_sensitivity_weakest(2, M, dir, &w, &err) == FSLAW_EINVAL);
  M[0] = 1;
  M[3] = 4;
  CHECK(fslaw_sensitivity_amplification(2, M, g, &a, &err) == FSLAW_OK);
  CHECK_CLOSE(a, sqrt(1 + 0.25), 1e-15);
  CHECK(fslaw_sensitivity_weakest(2, M, dir, &w, &err) == FSLAW_OK);
  CHECK(dir[0] == 1 && dir[1] == 0 && w == 1);
  g[1] = NAN;
  CHECK(fslaw_sensitivity_amplification(2, M, g, &a, &err) == FSLAW_EINVAL);
  /* no J'J is indefinite: a hand-edited matrix that is gets refused */
  double I[4] = {1, 2, 2, 1};
  g[1] = 1;
  CHECK(fslaw_sensitivity_amplification(2, I, g, &a, &err) == FSLAW_EINVAL);
  CHECK(strstr(err.msg, "not positive semi-definite") != NULL);
  /* a combination not constrained at all: infinite if the prediction moves along it */
  double S[4] = {1, 1, 1, 1};
  CHECK(fslaw_sensitivity_amplification(2, S, g, &a, &err) == FSLAW_OK); /* g' M+ g = 2^2 / 2 / 2 */
  CHECK_CLOSE(a, 1, 1e-15);
  g[1] = -1;
  CHECK(fslaw_sensitivity_amplification(2, S, g, &a, &err) == FSLAW_OK && isinf(a));
}

int main(int argc, char **argv) {
  schedule("cosine:peak=1e-3,final=1e-4,warmup=200,steps=4000", lr[0]);
  schedule("wsd:peak=1e-3,final=1e-4,warmup=200,decay=0.25,tail=linear,steps=4000", lr[1]);
  schedule("cosine:peak=1e-3,warmup=200,steps=4000", lr[2]);
  for (size_t i = 0; i < NPTS; i++) steps[i] = 100 + 65 * i; /* two inside warmup */
  test_curvature_vs_hessian();
  const double mpl[7] = {2.5, 0.6, 0.5, 400, 2, 0.6, 0.5};
  const double fslkq[8] = {2.4, 0.7, 0.5, 3e4, 0.5, 100, 0.5, 0.7};
  test_sum_identity("mpl", mpl, 0, 7);
  test_sum_identity("mpl", mpl, 1UL << 5, 6);
  test_sum_identity("fslkq", fslkq, 0, 8);
  test_groups(0);
  test_groups(0x7f);             /* everything shared: (G_a + G_b) / n_a */
  test_groups(1UL << 2 | 1UL << 5 | 1UL << 6); /* alpha, beta, gamma */
  test_degenerate();
  test_params_round_trip(argc > 2 ? argv[2] : ".");
  test_errors();
  return check_done("test_sensitivity");
}
