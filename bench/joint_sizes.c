/* joint_sizes.c: one law fitted to the training runs of several model sizes at
 * once, with some parameters shared across the sizes (MATH.md §5.5: "parameters
 * shared across model sizes"). An experiment for docs/mpl_results.md, driven by
 * bench/joint_sizes.sh; not part of fslaw: it only uses the public API
 * (fslaw_fit_objective per size, summed) and NLopt's L-BFGS on the same scaled
 * coordinates as the fitter (log scale for the log-scale parameters).
 *
 * usage: joint_sizes LAWSPEC SHARED STARTS NRUNS RUN...
 *   SHARED  comma-separated parameter names shared by every size ("-": none)
 *   STARTS  file: each line holds one start, the parameters of size 1, then
 *           size 2, ... (the sizes' own fits); a shared parameter starts at the
 *           mean of its scaled coordinates
 *   NRUNS   runs per size; RUN... lists size 1's runs, then size 2's, ...
 * Prints the objective, then one line of parameters per size. */
#include <fslaw/fslaw.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXG 8                 /* sizes */
#define MAXX (MAXG * FSLAW_MAX_PARAMS)

typedef struct {
  const fslaw_law *law;         /* the law */
  fslaw_fit *fit[MAXG];         /* one fit (its runs) per size */
  size_t ng;                    /* number of sizes */
  size_t np;                    /* parameters of the law */
  int coord[MAXG][FSLAW_MAX_PARAMS]; /* joint coordinate of parameter i of size g */
  double lo[FSLAW_MAX_PARAMS], hi[FSLAW_MAX_PARAMS]; /* bounds */
} joint;

static double to_param(const joint *j, size_t i, double x) {
  if (fslaw_law_param_logscale(j->law, i))
    return exp(log(j->lo[i]) + x * (log(j->hi[i]) - log(j->lo[i])));
  return j->lo[i] + x * (j->hi[i] - j->lo[i]);
}

static double to_unit(const joint *j, size_t i, double p) {
  double x = fslaw_law_param_logscale(j->law, i)
                 ? (log(p) - log(j->lo[i])) / (log(j->hi[i]) - log(j->lo[i]))
                 : (p - j->lo[i]) / (j->hi[i] - j->lo[i]);
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Sum of the sizes' objectives and its gradient in the joint coordinates. */
static double objective(unsigned n, const double *x, double *gx, void *data) {
  const joint *j = data;
  double total = 0;
  if (gx) memset(gx, 0, n * sizeof *gx);
  for (size_t g = 0; g < j->ng; g++) {
    double p[FSLAW_MAX_PARAMS], gr[FSLAW_MAX_PARAMS];
    for (size_t i = 0; i < j->np; i++) p[i] = to_param(j, i, x[j->coord[g][i]]);
    double v = fslaw_fit_objective(j->fit[g], p, gx ? gr : NULL);
    if (!isfinite(v)) return 1e300;
    total += v;
    for (size_t i = 0; gx && i < j->np; i++) {
      double dp = fslaw_law_param_logscale(j->law, i) ? p[i] * (log(j->hi[i]) - log(j->lo[i]))
                                                     : j->hi[i] - j->lo[i];
      gx[j->coord[g][i]] += gr[i] * dp;
    }
  }
  return total;
}

/* Coordinates: shared parameters first (one each), then each size's own. */
static size_t layout(joint *j, const char *shared_list) {
  int shared[FSLAW_MAX_PARAMS] = {0};
  char buf[512];
  snprintf(buf, sizeof buf, "%s", shared_list);
  for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
    long k = fslaw_law_param_index(j->law, t);
    if (k >= 0) shared[k] = 1;
    else if (strcmp(t, "-")) fprintf(stderr, "joint_sizes: no parameter '%s'; ignored\n", t);
  }
  size_t n = 0;
  for (size_t i = 0; i < j->np; i++)
    if (shared[i]) {
      for (size_t g = 0; g < j->ng; g++) j->coord[g][i] = (int)n;
      n++;
    }
  for (size_t g = 0; g < j->ng; g++)
    for (size_t i = 0; i < j->np; i++)
      if (!shared[i]) j->coord[g][i] = (int)n++;
  return n;
}

static int add_runs(joint *j, char **paths, size_t nruns) {
  fslaw_error err;
  for (size_t g = 0; g < j->ng; g++) {
    j->fit[g] = fslaw_fit_create(j->law);
    for (size_t r = 0; r < nruns; r++) {
      fslaw_run *run;
      if (fslaw_run_read(paths[g * nruns + r], FSLAW_RUN_AUTO, NULL, &run, &err)) {
        fprintf(stderr, "joint_sizes: %s\n", err.msg);
        return 1;
      }
      fslaw_status st = fslaw_fit_add_run(j->fit[g], fslaw_run_name(run), fslaw_run_lr(run),
                                          fslaw_run_steps(run), fslaw_run_loss_steps(run),
                                          fslaw_run_loss(run), fslaw_run_nloss(run), 0);
      fslaw_run_destroy(run);
      if (st) {
        fprintf(stderr, "joint_sizes: %s\n", fslaw_fit_errmsg(j->fit[g]));
        return 1;
      }
    }
  }
  return 0;
}

/* Minimise from every start of the file; the best point goes to best[]. */
static double minimise(const joint *j, size_t nx, FILE *starts, double *best) {
  double fbest = INFINITY, p[MAXG][FSLAW_MAX_PARAMS];
  for (;;) {
    for (size_t g = 0; g < j->ng; g++)
      for (size_t i = 0; i < j->np; i++)
        if (fscanf(starts, "%lf", &p[g][i]) != 1) return fbest;
    double x[MAXX] = {0}, lo[MAXX], hi[MAXX], v;
    for (size_t g = 0; g < j->ng; g++)
      for (size_t i = 0; i < j->np; i++) x[j->coord[g][i]] += to_unit(j, i, p[g][i]);
    for (size_t k = 0; k < nx; k++) lo[k] = 0, hi[k] = 1;
    for (size_t i = 0; i < j->np; i++) /* shared: the mean over the sizes */
      if (j->coord[0][i] == j->coord[1 % j->ng][i] && j->ng > 1) x[j->coord[0][i]] /= (double)j->ng;
    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nx);
    nlopt_set_lower_bounds(o, lo);
    nlopt_set_upper_bounds(o, hi);
    nlopt_set_min_objective(o, objective, (void *)j);
    nlopt_set_ftol_rel(o, 1e-12);
    nlopt_set_xtol_rel(o, 1e-10);
    nlopt_set_maxeval(o, 20000);
    nlopt_result rc = nlopt_optimize(o, x, &v);
    nlopt_destroy(o);
    fprintf(stderr, "joint_sizes: start reached %.10g (NLopt code %d)\n", v, (int)rc);
    if (v < fbest) fbest = v, memcpy(best, x, nx * sizeof *x);
  }
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: joint_sizes LAWSPEC SHARED STARTS NRUNS RUN...\n");
    return 2;
  }
  joint j = {0};
  fslaw_law *law;
  fslaw_error err;
  size_t nruns = (size_t)atol(argv[4]);
  if (fslaw_law_create(argv[1], &law, &err)) {
    fprintf(stderr, "joint_sizes: %s\n", err.msg);
    return 1;
  }
  j.law = law;
  j.np = fslaw_law_nparams(law);
  j.ng = nruns ? (size_t)(argc - 5) / nruns : 0;
  if (!nruns || j.ng < 1 || j.ng > MAXG || j.ng * nruns != (size_t)(argc - 5)) {
    fprintf(stderr, "joint_sizes: need NRUNS runs for each of 1..%d sizes\n", MAXG);
    return 2;
  }
  for (size_t i = 0; i < j.np; i++)
    j.lo[i] = fslaw_law_param_lower(law, i), j.hi[i] = fslaw_law_param_upper(law, i);
  size_t nx = layout(&j, argv[2]);
  FILE *starts = fopen(argv[3], "r");
  if (!starts || add_runs(&j, argv + 5, nruns)) return 1;
  double best[MAXX];
  double v = minimise(&j, nx, starts, best);
  fclose(starts);
  if (!isfinite(v)) return 1;
  printf("%.17g\n", v);
  for (size_t g = 0; g < j.ng; g++)
    for (size_t i = 0; i < j.np; i++)
      printf("%.17g%c", to_param(&j, i, best[j.coord[g][i]]), i + 1 < j.np ? ' ' : '\n');
  for (size_t g = 0; g < j.ng; g++) fslaw_fit_destroy(j.fit[g]);
  fslaw_law_destroy(law);
  return 0;
}
