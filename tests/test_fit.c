/* test_fit.c: the fitter: recovery of known parameters from synthetic runs,
 * objective gradient vs finite differences, thread-count independence,
 * screening of starts,
 * fixed parameters, thinning of dense logs, groups with shared parameters,
 * the schedules recorded in the params JSON and every error path. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

#define N 4000
#define NPTS 60
static double lr[2][N];
static size_t steps[NPTS];

static void make_runs(void) {
  const char *specs[2] = {"cosine:peak=1e-3,final=1e-4,warmup=200,steps=4000",
                          "wsd:peak=1e-3,final=1e-4,warmup=200,decay=0.25,tail=linear,steps=4000"};
  for (int r = 0; r < 2; r++) {
    fslaw_schedule *s;
    fslaw_schedule_create(specs[r], &s, NULL);
    fslaw_schedule_eval(s, lr[r], N, NULL);
    fslaw_schedule_destroy(s);
  }
  for (size_t i = 0; i < NPTS; i++) steps[i] = 100 + 65 * i; /* some inside warmup */
}

/* A fit of `spec` on both runs with losses from params `truth`. */
static fslaw_fit *synthetic_fit(const char *spec, const double *truth, fslaw_law **law) {
  if (fslaw_law_create(spec, law, NULL)) return NULL;
  fslaw_fit *fit = fslaw_fit_create(*law);
  for (int r = 0; r < 2; r++) {
    double loss[NPTS];
    fslaw_law_predict(*law, truth, lr[r], N, steps, NPTS, loss, NULL);
    CHECK(fslaw_fit_add_run(fit, r ? "wsd" : "cosine", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
  }
  return fit;
}

static void test_recovery(const char *spec, const double *truth, size_t starts, double ptol) {
  fslaw_law *law;
  fslaw_fit *fit = synthetic_fit(spec, truth, &law);
  CHECK(fit != NULL);
  if (!fit) return;
  fslaw_fit_set_starts(fit, starts);
  double p[16];
  fslaw_fit_result res;
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_OK);
  double q[16]; /* the result is optional: the same parameters without it */
  CHECK(fslaw_fit_run(fit, q, NULL) == FSLAW_OK && !memcmp(p, q, fslaw_law_nparams(law) * sizeof *p));
  printf("%s: objective %.3g, start %zu, %s, %zu evaluations\n", spec, res.objective,
         res.best_start, res.reason, res.iterations);
  CHECK(res.objective < 1e-12);
  CHECK(res.points == 2 * (NPTS - 2)); /* the points at steps 100 and 165 are warmup */
  /* the range the points cover: the last step, its intrinsic time, the
   * lowest rate after warmup (both runs end at 1e-4 by step 3999) */
  double T = 0, low = 1;
  for (int r = 0; r < 2; r++) {
    double t = 0;
    for (size_t k = 0; k <= steps[NPTS - 1]; k++) {
      t += lr[r][k];
      if (k > 200 && lr[r][k] < low) low = lr[r][k];
    }
    if (t > T) T = t;
  }
  CHECK(res.range.max_step == steps[NPTS - 1] && res.range.min_rate == low);
  CHECK_REL(res.range.max_time, T, 1e-13);
  double T0 = 1e300; /* the first fitted point, step 230 */
  for (int r = 0; r < 2; r++) {
    double t = 0;
    for (size_t k = 0; k <= steps[2]; k++) t += lr[r][k];
    if (t < T0) T0 = t;
  }
  CHECK_REL(res.range.min_time, T0, 1e-13);
  CHECK(res.group_range[0].max_step == res.range.max_step);
  CHECK(res.starts == starts);
  for (size_t i = 0; i < fslaw_law_nparams(law); i++) CHECK_REL(p[i], truth[i], ptol);
  /* and it predicts a schedule it never saw */
  fslaw_schedule *s;
  fslaw_schedule_create("twostage:peak=1e-3,low=3e-4,switch=2000,warmup=200,steps=4000", &s, NULL);
  double other[N], want[NPTS], got[NPTS];
  fslaw_schedule_eval(s, other, N, NULL);
  fslaw_schedule_destroy(s);
  fslaw_law_predict(law, truth, other, N, steps, NPTS, want, NULL);
  fslaw_law_predict(law, p, other, N, steps, NPTS, got, NULL);
  for (size_t i = 2; i < NPTS; i++) CHECK_REL(got[i], want[i], 1e-5);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* fslq's rate exponent q from the range of rates the two decays pass, with
 * the weakly identified kernel (c4, gamma, as in fsl) held at the truth. */
static void test_fslq_recovery(void) {
  const double truth[8] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6, 0.65};
  fslaw_law *law;
  fslaw_fit *fit = synthetic_fit("fslq", truth, &law);
  CHECK(fit != NULL);
  if (!fit) return;
  CHECK(fslaw_fit_fix(fit, 4, truth[4]) == FSLAW_OK && fslaw_fit_fix(fit, 6, truth[6]) == FSLAW_OK);
  fslaw_fit_set_starts(fit, 8);
  double p[8];
  fslaw_fit_result res;
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_OK);
  printf("fslq (c4, gamma fixed): objective %.3g, q %.9f\n", res.objective, p[7]);
  CHECK(res.objective < 1e-12);
  for (size_t i = 0; i < 8; i++) CHECK_REL(p[i], truth[i], 1e-4);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* The objective's gradient g at p (n values) against central differences. */
static void check_gradient(const fslaw_fit *fit, double *p, const double *g, int n, double tol) {
  for (int j = 0; j < n; j++) {
    double h = 1e-6 * fabs(p[j]), keep = p[j];
    p[j] = keep + h;
    double fp = fslaw_fit_objective(fit, p, NULL);
    p[j] = keep - h;
    double fm = fslaw_fit_objective(fit, p, NULL);
    p[j] = keep;
    CHECK_CLOSE(g[j], (fp - fm) / (2 * h), tol * fmax(1, fabs(g[j])));
  }
}

static void test_gradient(void) {
  double truth[7] = {2.5, 0.6, 0.45, 600, 0.5, 0.4, 0.6};
  fslaw_law *law;
  fslaw_fit *fit = synthetic_fit("mpl", truth, &law);
  for (int loss = 0; loss < 2; loss++) {
    fslaw_fit_set_loss(fit, (fslaw_loss)loss, 1e-3);
    double p[7] = {2.4, 0.7, 0.5, 500, 0.7, 0.5, 0.5}, g[7];
    fslaw_fit_objective(fit, p, g);
    check_gradient(fit, p, g, 7, 1e-5);
  }
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* Progress callback of test_threads_and_fix: counts calls, checks order. */
typedef struct {
  size_t calls, last, total;
} progress_log;

static void on_progress(void *data, size_t done, size_t total) {
  progress_log *l = data;
  CHECK(done == l->last + 1);
  l->calls++;
  l->last = done;
  l->total = total;
}

static void test_threads_and_fix(void) {
  double truth[4] = {2.6, 0.5, 0.5, 0.4}, p1[4], p2[4];
  fslaw_fit_result r1, r2;
  for (int t = 1; t <= 2; t++) {
    omp_set_num_threads(t);
    fslaw_law *law;
    fslaw_fit *fit = synthetic_fit("mtl", truth, &law);
    fslaw_fit_set_starts(fit, 6);
    progress_log log = {0, 0, 0};
    fslaw_fit_set_progress(fit, on_progress, &log);
    fslaw_fit_run(fit, t == 1 ? p1 : p2, t == 1 ? &r1 : &r2);
    CHECK(log.calls == 6 && log.last == 6 && log.total == 6);
    fslaw_fit_destroy(fit);
    fslaw_law_destroy(law);
  }
  CHECK(!memcmp(p1, p2, sizeof p1));
  CHECK(r1.objective == r2.objective && r1.best_start == r2.best_start);
  /* a fixed parameter keeps its value exactly; the others still recover */
  fslaw_law *law;
  fslaw_fit *fit = synthetic_fit("mtl", truth, &law);
  CHECK(fslaw_fit_fix(fit, 2, 0.5) == FSLAW_OK);
  fslaw_fit_set_starts(fit, 4);
  double p[4];
  fslaw_fit_result res;
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_OK);
  CHECK(p[2] == 0.5);
  CHECK_REL(p[0], truth[0], 1e-6);
  CHECK_REL(p[3], truth[3], 1e-5);
  /* a bound that excludes the truth: the fit ends on it and says so */
  CHECK(fslaw_fit_set_bounds(fit, 3, 0.5, 2) == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_OK);
  CHECK(p[3] == 0.5 && (res.on_bound & (1UL << 3)));
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* Screening (every start to 1e-6, the best four on) loses no minimum that
 * refining starts fully finds: a misspecified fit (mpl on fsl's curves) with
 * 16 screened starts gets at least as low as 4 starts refined in full (4 or
 * fewer starts are not screened). */
static void test_screening(void) {
  const double fsl[7] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6};
  fslaw_law *truth, *law;
  CHECK(fslaw_law_create("fsl", &truth, NULL) == FSLAW_OK);
  CHECK(fslaw_law_create("mpl", &law, NULL) == FSLAW_OK);
  double obj[2];
  for (int k = 0; k < 2; k++) {
    fslaw_fit *fit = fslaw_fit_create(law);
    for (int r = 0; r < 2; r++) {
      double loss[NPTS];
      fslaw_law_predict(truth, fsl, lr[r], N, steps, NPTS, loss, NULL);
      CHECK(fslaw_fit_add_run(fit, r ? "wsd" : "cosine", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
    }
    fslaw_fit_set_starts(fit, k ? 16 : 4);
    double p[16];
    fslaw_fit_result res;
    CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_OK);
    CHECK(res.converged && res.iterations > 0);
    obj[k] = res.objective;
    fslaw_fit_destroy(fit);
  }
  printf("mpl on fsl curves: 4 starts in full %.10g, 16 screened %.10g\n", obj[0], obj[1]);
  CHECK(obj[0] > 1e-9); /* misspecified: a real minimum, not an exact fit */
  CHECK(obj[1] <= obj[0] * (1 + 1e-9));
  fslaw_law_destroy(truth);
  fslaw_law_destroy(law);
}

static void test_errors(void) {
  fslaw_law *law;
  fslaw_law_create("mpl", &law, NULL);
  fslaw_fit *fit = fslaw_fit_create(law);
  double loss[NPTS];
  for (size_t i = 0; i < NPTS; i++) loss[i] = 3;
  CHECK(fslaw_fit_add_run(fit, "short", lr[0], N, steps, loss, 2, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "run 'short' has no logged loss after its warmup (which ends at step 200)");
  CHECK(fslaw_fit_add_run(fit, "late", lr[0], N, steps, loss, NPTS, 10000) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "and at or after --from");
  loss[10] = -1;
  CHECK(fslaw_fit_add_run(fit, "neg", lr[0], N, steps, loss, NPTS, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "run 'neg': the loss at step 750 is -1; fitting needs positive losses");
  double flat[N];
  for (size_t k = 0; k < N; k++) flat[k] = 1e-3;
  loss[10] = 3;
  /* a run that never decays still fits (its drop terms are zero) */
  CHECK(fslaw_fit_add_run(fit, "flat", flat, N, steps, loss, NPTS, 0) == FSLAW_OK);
  size_t bad[2] = {5, N + 5};
  CHECK(fslaw_fit_add_run(fit, "far", flat, N, bad, loss, 2, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "beyond the schedule");
  CHECK(fslaw_fit_set_starts(fit, 0) == FSLAW_EINVAL);
  CHECK(fslaw_fit_set_bounds(fit, 0, 2, 1) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "bounds of 'L0': need finite lo < hi, got [2, 1]");
  CHECK(fslaw_fit_set_bounds(fit, 1, 0, 1) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "bounds of 'A': the lower bound must be positive");
  CHECK(fslaw_fit_set_bounds(fit, 9, 0, 1) == FSLAW_EINVAL);
  CHECK(fslaw_fit_fix(fit, 0, NAN) == FSLAW_EINVAL);
  CHECK(fslaw_fit_set_loss(fit, FSLAW_LOSS_HUBER, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "huber delta must be positive");
  fslaw_fit_destroy(fit);
  /* only constant runs: the decay terms cannot be identified */
  fit = fslaw_fit_create(law);
  double p[7];
  fslaw_fit_result res;
  CHECK(fslaw_fit_add_run(fit, "flat", flat, N, steps, loss, NPTS, 0) == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "law 'mpl': no fitted point depends on B, C, beta, gamma (does any run's learning rate decrease after warmup?)");
  fslaw_fit_destroy(fit);
  fit = fslaw_fit_create(law);
  CHECK(fslaw_fit_run(fit, p, &res) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "no runs to fit");
  /* NULL arguments are errors naming the argument, not crashes */
  CHECK(fslaw_fit_add_run(fit, NULL, lr[0], N, steps, loss, NPTS, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "fslaw_fit_add_run: name is NULL");
  CHECK(fslaw_fit_add_run(fit, "r", NULL, N, steps, loss, NPTS, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "fslaw_fit_add_run: lr is NULL");
  CHECK(fslaw_fit_add_run(fit, "r", lr[0], N, steps, NULL, NPTS, 0) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "fslaw_fit_add_run: loss is NULL");
  CHECK(fslaw_fit_add_run(fit, "r", lr[0], N, steps, loss, NPTS, 0) == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, NULL, NULL) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "fslaw_fit_run: params is NULL");
  fslaw_fit_destroy(fit);
  CHECK(fslaw_fit_create(NULL) == NULL); /* a law whose creation failed */
  fslaw_fit_destroy(NULL);
  fslaw_law_destroy(law);
}

/* Mean absolute error of mtl with parameters p against truth at every step
 * of run r after step 1000. */
static double mtl_error(const fslaw_law *law, const double *p, const double *truth, int r,
                        const size_t *all) {
  double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), e = 0;
  fslaw_law_predict(law, p, lr[r], N, all, N, a, NULL);
  fslaw_law_predict(law, truth, lr[r], N, all, N, b, NULL);
  for (size_t i = 1000; i < N; i++) e += fabs(a[i] - b[i]);
  free(a);
  free(b);
  return e / (N - 1000);
}

/* A run logged at every step is thinned to max_points / 3 points, each the mean
 * log loss of a bin of consecutive points, compared with the law's mean over
 * the bin. The objective (squared residuals) equals the one computed from
 * the law at every step of every bin, up to the quadrature's error; no bin
 * crosses a drop of a step schedule, so a thinned fit of such a run recovers
 * the truth; and on a noisy log the averaged fit predicts better than a fit
 * on evenly picked points (what thinning did before): averaging keeps the
 * information of every point. */
static void test_thinning(void) {
  fslaw_law *law;
  fslaw_law_create("mtl", &law, NULL);
  const double truth[4] = {2.6, 0.5, 0.5, 0.4}, p[4] = {2.5, 0.6, 0.4, 0.3};
  size_t *all = malloc(N * sizeof *all), kept[50];
  double *loss = malloc(N * sizeof *loss), *pred = malloc(N * sizeof *pred), kloss[50];
  for (size_t i = 0; i < N; i++) all[i] = i;
  fslaw_law_predict(law, truth, lr[0], N, all, N, loss, NULL);
  fslaw_law_predict(law, p, lr[0], N, all, N, pred, NULL);
  fslaw_fit *dense = fslaw_fit_create(law);
  CHECK(fslaw_fit_set_max_points(dense, 1) == FSLAW_EINVAL);
  CHECK(fslaw_fit_set_max_points(dense, 21) == FSLAW_OK); /* 7 bins of 3 nodes */
  CHECK(fslaw_fit_set_loss(dense, FSLAW_LOSS_SQUARED, 1) == FSLAW_OK);
  CHECK(fslaw_fit_add_run(dense, "dense", lr[0], N, all, loss, N, 3000) == FSLAW_OK);
  /* the window is steps 3000..3999 (intrinsic time 2.0 to 2.3, less than the
   * factor at which bins are split): 1000 points in bins [3000 + floor(1000 i / 7), ...) */
  double want = 0;
  for (size_t i = 0; i < 7; i++) {
    size_t lo = 3000 + 1000 * i / 7, hi = 3000 + 1000 * (i + 1) / 7;
    double r = 0;
    for (size_t k = lo; k < hi; k++) r += log(loss[k]) - log(pred[k]);
    r /= (double)(hi - lo);
    want += r * r;
  }
  double got = fslaw_fit_objective(dense, p, NULL);
  CHECK_REL(got, want, 1e-6);
  fslaw_fit_result res;
  double fitted[4];
  CHECK(fslaw_fit_set_starts(dense, 2) == FSLAW_OK);
  CHECK(fslaw_fit_run(dense, fitted, &res) == FSLAW_OK);
  CHECK(res.points == 7 && res.logged == 1000);
  fslaw_fit_destroy(dense);

  /* two drops of the rate (8-1-1): 6 bins, none across a drop, and the
   * first ones split where intrinsic time grows fast: at the truth the
   * objective is the quadrature's error only (a bin across a drop, or the
   * law at a bin's middle step, leaves residuals of 1e-3 to 1e-2) */
  fslaw_schedule *s;
  double step_lr[N];
  CHECK(fslaw_schedule_create("multistep:peak=1e-3,warmup=200,milestones=0.8/0.9,steps=4000", &s,
                              NULL) == FSLAW_OK);
  fslaw_schedule_eval(s, step_lr, N, NULL);
  fslaw_schedule_destroy(s);
  fslaw_law_predict(law, truth, step_lr, N, all, N, loss, NULL);
  fslaw_fit *steps_fit = fslaw_fit_create(law);
  CHECK(fslaw_fit_set_max_points(steps_fit, 20) == FSLAW_OK);
  CHECK(fslaw_fit_add_run(steps_fit, "8-1-1", step_lr, N, all, loss, N, 0) == FSLAW_OK);
  CHECK(fslaw_fit_objective(steps_fit, truth, NULL) < 1e-11);
  { /* the multi-power law answers a drop within a few hundred steps */
    fslaw_law *mpl;
    const double mt[7] = {2.3, 0.6, 0.45, 500, 2, 0.5, 0.6};
    double *ml = malloc(N * sizeof *ml);
    CHECK(fslaw_law_create("mpl", &mpl, NULL) == FSLAW_OK);
    fslaw_law_predict(mpl, mt, step_lr, N, all, N, ml, NULL);
    fslaw_fit *mf = fslaw_fit_create(mpl);
    CHECK(fslaw_fit_set_max_points(mf, 20) == FSLAW_OK);
    CHECK(fslaw_fit_add_run(mf, "8-1-1", step_lr, N, all, ml, N, 0) == FSLAW_OK);
    CHECK(fslaw_fit_objective(mf, mt, NULL) < 1e-11);
    fslaw_fit_destroy(mf);
    fslaw_law_destroy(mpl);
    free(ml);
  }
  CHECK(fslaw_fit_set_starts(steps_fit, 4) == FSLAW_OK);
  CHECK(fslaw_fit_run(steps_fit, fitted, &res) == FSLAW_OK);
  for (size_t i = 0; i < 4; i++) CHECK_REL(fitted[i], truth[i], 1e-4);
  fslaw_fit_destroy(steps_fit);
  fslaw_law_predict(law, truth, lr[0], N, all, N, loss, NULL);

  /* noise of 0.02 (one batch's loss), fixed pseudo-random sequence */
  unsigned long long x = 42;
  for (size_t i = 0; i < N; i++) {
    double u = 0;
    for (int k = 0; k < 12; k++) { /* sum of 12 uniforms - 6: about N(0, 1) */
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      u += (double)(x >> 11) / 9007199254740992.0;
    }
    loss[i] += 0.02 * (u - 6);
  }
  fslaw_fit *avg = fslaw_fit_create(law), *pick = fslaw_fit_create(law);
  CHECK(fslaw_fit_set_max_points(avg, 150) == FSLAW_OK); /* 50 bins */
  CHECK(fslaw_fit_set_max_points(pick, 0) == FSLAW_OK);
  for (size_t i = 0; i < 50; i++) {
    kept[i] = 1000 + (size_t)floor((double)i * 2999.0 / 49 + 0.5);
    kloss[i] = loss[kept[i]];
  }
  CHECK(fslaw_fit_add_run(avg, "dense", lr[0], N, all, loss, N, 1000) == FSLAW_OK);
  CHECK(fslaw_fit_add_run(pick, "picked", lr[0], N, kept, kloss, 50, 0) == FSLAW_OK);
  double pa[4], pp[4];
  CHECK(fslaw_fit_set_starts(avg, 4) == FSLAW_OK && fslaw_fit_set_starts(pick, 4) == FSLAW_OK);
  CHECK(fslaw_fit_run(avg, pa, &res) == FSLAW_OK && fslaw_fit_run(pick, pp, &res) == FSLAW_OK);
  double ea = mtl_error(law, pa, truth, 0, all), ep = mtl_error(law, pp, truth, 0, all);
  fprintf(stderr, "noisy log: mean error %.3g averaged, %.3g picked\n", ea, ep);
  CHECK(ea < 0.5 * ep);
  fslaw_fit_destroy(avg);
  fslaw_fit_destroy(pick);
  fslaw_law_destroy(law);
  free(all);
  free(loss);
  free(pred);
}

/* Group g (0: "a", 1: "b") of a grouped fit of mtl: both runs, losses from truth. */
static void add_group(fslaw_fit *fit, const fslaw_law *law, const char *name, const double *truth) {
  CHECK(fslaw_fit_set_group(fit, name) == FSLAW_OK);
  for (int r = 0; r < 2; r++) {
    double loss[NPTS];
    fslaw_law_predict(law, truth, lr[r], N, steps, NPTS, loss, NULL);
    CHECK(fslaw_fit_add_run(fit, r ? "wsd" : "cosine", lr[r], N, steps, loss, NPTS, 0) == FSLAW_OK);
  }
}

/* Two groups with their own L0, A, C and one alpha: the grouped fit recovers
 * both and gives the shared parameter the same bits in each; a group's part
 * of the objective equals a separate fit of its runs; the gradient matches
 * finite differences; one named group fits exactly as no group. */
static void test_groups(void) {
  const double ta[4] = {2.6, 0.5, 0.5, 0.4}, tb[4] = {2.9, 0.7, 0.5, 0.25};
  fslaw_law *law;
  fslaw_law_create("mtl", &law, NULL);
  fslaw_fit *fit = fslaw_fit_create(law);
  CHECK(fslaw_fit_ngroups(fit) == 1 && fslaw_fit_group_name(fit, 0) == NULL);
  add_group(fit, law, "a", ta);
  add_group(fit, law, "b", tb);
  CHECK(fslaw_fit_ngroups(fit) == 2 && !strcmp(fslaw_fit_group_name(fit, 1), "b"));
  CHECK(fslaw_fit_share(fit, 2) == FSLAW_OK);
  CHECK(fslaw_fit_set_starts(fit, 6) == FSLAW_OK);
  double P[8];
  fslaw_fit_result res;
  CHECK(fslaw_fit_run(fit, P, &res) == FSLAW_OK);
  printf("groups (mtl, alpha shared): objective %.3g, %zu evaluations\n", res.objective,
         res.iterations);
  CHECK(res.objective < 1e-12 && res.points == 4 * (NPTS - 2));
  CHECK(res.group_points[0] == 2 * (NPTS - 2) && res.group_points[1] == 2 * (NPTS - 2));
  CHECK(P[2] == P[6]); /* shared: one value */
  for (size_t i = 0; i < 4; i++) {
    CHECK_REL(P[i], ta[i], 1e-5);
    CHECK_REL(P[4 + i], tb[i], 1e-5);
  }
  /* a bound only group b's L0 reaches is reported for group b only (the
   * shared alpha then moves group a's parameters too) */
  CHECK(fslaw_fit_set_bounds(fit, 0, 1, 2.7) == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, P, &res) == FSLAW_OK);
  CHECK(P[4] == 2.7 && res.group_on_bound[1] == 1 && res.group_on_bound[0] == 0 && res.on_bound == 1);
  CHECK(fslaw_fit_set_bounds(fit, 0, 0, 20) == FSLAW_OK);
  /* the group's part of the objective is the objective of its runs alone */
  double Q[8] = {2.5, 0.6, 0.45, 0.3, 2.8, 0.6, 0.55, 0.3}, G[8];
  fslaw_fit *alone = fslaw_fit_create(law);
  add_group(alone, law, "b", tb);
  double whole = fslaw_fit_objective(fit, Q, G), gb = fslaw_fit_group_objective(fit, 1, Q + 4);
  CHECK(gb > 0 && gb == fslaw_fit_objective(alone, Q + 4, NULL));
  CHECK_REL(whole, fslaw_fit_group_objective(fit, 0, Q) + gb, 1e-14);
  CHECK(isnan(fslaw_fit_group_objective(fit, 2, Q)));
  check_gradient(fit, Q, G, 8, 1e-6);
  /* one named group is the plain fit, bit for bit */
  fslaw_law *law2;
  fslaw_fit *plain = synthetic_fit("mtl", tb, &law2);
  double p1[4], p2[4];
  fslaw_fit_result r1, r2;
  fslaw_fit_set_starts(plain, 4);
  fslaw_fit_set_starts(alone, 4);
  CHECK(fslaw_fit_run(plain, p1, &r1) == FSLAW_OK && fslaw_fit_run(alone, p2, &r2) == FSLAW_OK);
  CHECK(!memcmp(p1, p2, sizeof p1) && r1.objective == r2.objective);
  fslaw_fit_destroy(plain);
  fslaw_law_destroy(law2);
  fslaw_fit_destroy(alone);
  fslaw_fit_destroy(fit);
  /* errors: runs before the first group, too many groups, a group without
   * runs, a parameter no run of a group identifies (unless shared) */
  fit = synthetic_fit("mtl", ta, &law2);
  CHECK(fslaw_fit_set_group(fit, "late") == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "group 'late': runs were added before any group");
  CHECK(fslaw_fit_share(fit, 4) == FSLAW_EINVAL);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law2);
  fit = fslaw_fit_create(law);
  char name[8];
  for (int g = 0; g < FSLAW_FIT_MAX_GROUPS; g++) {
    snprintf(name, sizeof name, "g%d", g);
    CHECK(fslaw_fit_set_group(fit, name) == FSLAW_OK);
  }
  CHECK(fslaw_fit_set_group(fit, "g3") == FSLAW_OK); /* an existing one */
  CHECK(fslaw_fit_set_group(fit, "one-more") == FSLAW_EINVAL);
  CHECK(fslaw_fit_set_group(fit, "") == FSLAW_EINVAL);
  fslaw_fit_destroy(fit);
  fit = fslaw_fit_create(law);
  add_group(fit, law, "a", ta);
  CHECK(fslaw_fit_set_group(fit, "empty") == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, P, &res) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "group 'empty' has no runs");
  double flat[N], loss[NPTS];
  for (size_t k = 0; k < N; k++) flat[k] = 1e-3;
  for (size_t i = 0; i < NPTS; i++) loss[i] = 3;
  CHECK(fslaw_fit_add_run(fit, "flat", flat, N, steps, loss, NPTS, 0) == FSLAW_OK);
  CHECK(fslaw_fit_run(fit, P, &res) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_fit_errmsg(fit), "law 'mtl': no fitted point in group 'empty' depends on C");
  CHECK(fslaw_fit_share(fit, 3) == FSLAW_OK);
  fslaw_fit_set_starts(fit, 2);
  CHECK(fslaw_fit_run(fit, P, &res) == FSLAW_OK && P[3] == P[7]);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
}

/* The params JSON records the schedule each run was read with (only the
 * runs given one) and reads back as before. */
static void test_params_schedules(void) {
  fslaw_law *law, *back = NULL;
  fslaw_law_create("mtl", &law, NULL);
  const double p[4] = {2.6, 0.5, 0.5, 0.4};
  const char *runs[2] = {"a.csv", "b.csv"}, *sched[2] = {NULL, "cosine:peak=1e-3,steps=4000"};
  fslaw_fit_info info = {runs, 2, 0, FSLAW_LOSS_HUBER, 1e-3, 500, NULL, NULL, 0, 0, 0, 0, NULL, 0};
  char *json = fslaw_params_to_json_scheduled(law, p, NULL, &info, sched);
  CHECK(json && strstr(json, "\"schedules\":\t{\n\t\t\"b.csv\":\t\"cosine:peak=1e-3,steps=4000\"\n\t}"));
  double q[4];
  CHECK(fslaw_params_parse("t.json", json, &back, q, NULL) == FSLAW_OK && !memcmp(p, q, sizeof p));
  free(json);
  fslaw_law_destroy(back);
  json = fslaw_params_to_json(law, p, NULL, &info); /* no schedules: no key */
  CHECK(json && !strstr(json, "schedules"));
  free(json);
  fslaw_law_destroy(law);
}

int main(void) {
  make_runs();
  const double mtl[4] = {2.6, 0.5, 0.5, 0.4};
  const double fsl[7] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6};
  test_recovery("mtl", mtl, 4, 1e-6);
  test_recovery("fsl", fsl, 8, 1e-2); /* c4, gamma weakly identified */
  test_fslq_recovery();
  test_gradient();
  test_threads_and_fix();
  test_screening();
  test_errors();
  test_thinning();
  test_groups();
  test_params_schedules();
  return check_done("test_fit");
}
