/* fit_predict.c: the library's main path, as `fslaw fit` + `fslaw eval` run
 * it: read training logs, fit a loss-curve law, predict a run it has not
 * seen, score the prediction (MATH.md §5.5).
 *
 *   cc fit_predict.c $(pkg-config --cflags --libs fslaw) -lm -o fit_predict
 *   ./fit_predict fslkq HELDOUT.csv TRAIN1.csv TRAIN2.csv ...
 *
 * Prints the fitted parameters and the held-out metrics: the numbers of
 * `fslaw fit --law LAW TRAIN...` and `fslaw eval --params P.json HELDOUT`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <fslaw/fslaw.h>

#define MAX_RUNS 16

/* Read a log as the command does: a loss logged as the mean since the
 * previous log (a trainer_state.json's) is moved to the middle of its
 * interval (fslaw_run_center_losses); the command's --loss-window. */
static fslaw_run *read_run(const char *path) {
  fslaw_run *run;
  fslaw_error err;
  if (fslaw_run_read(path, FSLAW_RUN_AUTO, NULL, &run, &err) ||
      (fslaw_run_loss_is_mean(run) && fslaw_run_center_losses(run, 0, NULL, &err))) {
    fprintf(stderr, "%s\n", err.msg);
    return NULL;
  }
  if (!fslaw_run_lr(run)) {
    fprintf(stderr, "%s: no learning rates (give a schedule: fslaw_run_set_schedule)\n", path);
    fslaw_run_destroy(run);
    return NULL;
  }
  return run;
}

/* The held-out run's logged losses after its warmup and the law's
 * predictions there, scored into *m. */
static int score(const fslaw_law *law, const double *p, const fslaw_run *run, fslaw_metrics *m) {
  const double *lr = fslaw_run_lr(run), *loss = fslaw_run_loss(run);
  const size_t *at = fslaw_run_loss_steps(run);
  size_t steps = fslaw_run_steps(run), warm = fslaw_warmup_end(lr, steps), n = 0;
  size_t *pts = malloc(fslaw_run_nloss(run) * sizeof *pts);
  double *y = malloc(fslaw_run_nloss(run) * sizeof *y), *pred = malloc(fslaw_run_nloss(run) * sizeof *pred);
  fslaw_error err = {""};
  int rc = !pts || !y || !pred;
  for (size_t i = 0; !rc && i < fslaw_run_nloss(run); i++)
    if (at[i] > warm) pts[n] = at[i], y[n++] = loss[i];
  if (!rc && (fslaw_law_predict(law, p, lr, steps, pts, n, pred, &err) ||
              fslaw_metrics_compute(y, pred, n, m, &err)))
    rc = 1;
  if (*err.msg) fprintf(stderr, "%s\n", err.msg);
  free(pts);
  free(y);
  free(pred);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc - 3 > MAX_RUNS) {
    fprintf(stderr, "usage: %s LAW HELDOUT TRAIN... (at most %d)\n", argv[0], MAX_RUNS);
    return 2;
  }
  fslaw_run *train[MAX_RUNS] = {0}, *held = read_run(argv[2]);
  size_t ntrain = (size_t)argc - 3;
  double peak = 0;
  int rc = held == NULL;
  for (size_t i = 0; !rc && i < ntrain; i++) {
    if (!(train[i] = read_run(argv[3 + i]))) rc = 1;
    for (size_t k = 0; !rc && k < fslaw_run_steps(train[i]); k++)
      peak = fmax(peak, fslaw_run_lr(train[i])[k]);
  }
  /* the law reads rates in units of peak / 3e-4, as fslaw fit does */
  fslaw_law *law = NULL;
  fslaw_error err;
  if (!rc && fslaw_law_create_for_peak(argv[1], peak, &law, &err))
    fprintf(stderr, "%s\n", err.msg), rc = 1;
  fslaw_fit *fit = law ? fslaw_fit_create(law) : NULL;
  for (size_t i = 0; fit && !rc && i < ntrain; i++)
    if (fslaw_fit_add_run(fit, argv[3 + i], fslaw_run_lr(train[i]), fslaw_run_steps(train[i]),
                          fslaw_run_loss_steps(train[i]), fslaw_run_loss(train[i]),
                          fslaw_run_nloss(train[i]), 0))
      fprintf(stderr, "%s\n", fslaw_fit_errmsg(fit)), rc = 1;
  double p[FSLAW_MAX_PARAMS];
  fslaw_metrics m;
  if (!rc && fit && fslaw_fit_run(fit, p, NULL)) fprintf(stderr, "%s\n", fslaw_fit_errmsg(fit)), rc = 1;
  if (!rc && fit && !score(law, p, held, &m)) {
    printf("law %s\n", fslaw_law_spec(law));
    for (size_t i = 0; i < fslaw_law_nparams(law); i++)
      printf("%s %.17g\n", fslaw_law_param_name(law, i), p[i]);
    printf("heldout n %zu r2 %.17g prede %.17g worste %.17g\n", m.n, m.r2, m.prede, m.worste);
  } else {
    rc = 1;
  }
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  fslaw_run_destroy(held);
  for (size_t i = 0; i < ntrain; i++) fslaw_run_destroy(train[i]);
  return rc;
}
