/* curves.c: the logged points a law is scored on (see curves.h). */
#include <stdlib.h>
#include <string.h>

#include "curves.h"

void cli_points_free(cli_points *pts) {
  free(pts->step);
  free(pts->loss);
  free(pts->pred);
  *pts = (cli_points){0};
}

int cli_points_predict(const char *cmd, const fslaw_law *law, const double *params,
                       const fslaw_run *r, size_t after, const char *name, cli_points *pts) {
  size_t n = fslaw_run_nloss(r), k = 0;
  const size_t *steps = fslaw_run_loss_steps(r);
  const double *lr = fslaw_run_lr(r);
  size_t warm = fslaw_warmup_end(lr, fslaw_run_steps(r));
  *pts = (cli_points){0};
  pts->step = malloc((n + 1) * sizeof *pts->step);
  pts->loss = malloc((n + 1) * sizeof *pts->loss);
  pts->pred = malloc((n + 1) * sizeof *pts->pred);
  if (!pts->step || !pts->loss || !pts->pred) {
    cli_points_free(pts);
    return cli_error(cmd, "out of memory");
  }
  size_t bad = n; /* a loss <= 0: the laws are fitted and scored in relative terms */
  for (size_t i = 0; i < n; i++)
    if (steps[i] > warm && (!after || steps[i] > after)) {
      pts->step[k] = steps[i];
      pts->loss[k++] = fslaw_run_loss(r)[i];
      if (!(fslaw_run_loss(r)[i] > 0) && bad == n) bad = i;
    }
  pts->n = k;
  fslaw_error err;
  int rc = 0;
  if (bad < n)
    rc = cli_error(cmd, "%s: the loss at step %zu is %g; PredE, WorstE and the laws need positive "
                   "losses", name, steps[bad], fslaw_run_loss(r)[bad]);
  else if (!n)
    rc = cli_error(cmd, "%s: %s", name, CLI_NO_LOSS);
  else if (!k)
    rc = cli_error(cmd, "%s: no logged loss after warmup%s", name,
                   after ? " and after --after" : "");
  else if (fslaw_law_predict(law, params, lr, fslaw_run_steps(r), pts->step, k, pts->pred, &err))
    rc = cli_error(cmd, "%s: %s", name, err.msg);
  if (rc) cli_points_free(pts);
  return rc;
}

int cli_points_score(const char *cmd, const cli_points *pts, size_t bins, const char *name,
                     fslaw_metrics *m) {
  double *y = malloc((pts->n + 1) * sizeof *y), *p = malloc((pts->n + 1) * sizeof *p);
  int rc = !y || !p ? cli_error(cmd, "out of memory") : 0;
  if (!rc) {
    memcpy(y, pts->loss, pts->n * sizeof *y);
    memcpy(p, pts->pred, pts->n * sizeof *p);
    size_t n = fslaw_metrics_bin(y, p, pts->n, bins);
    fslaw_error err;
    if (fslaw_metrics_compute(y, p, n, m, &err)) rc = cli_error(cmd, "%s: %s", name, err.msg);
  }
  free(y);
  free(p);
  return rc;
}

int cli_parse_bins(const char *cmd, const char *text, size_t *bins) {
  if (cli_parse_count(cmd, "bins", text, bins)) return 1;
  return *bins == 1 ? cli_error(cmd, "option '--bins': expected at least 2 bins, got 1") : 0;
}

void cli_note_dense(const char *cmd, size_t most) {
  if (most <= CLI_DENSE_POINTS) return;
  fprintf(stderr, "fslaw %s: note: a run has %zu points scored one by one; if its losses are "
                  "single batches, their noise dominates these metrics: --bins 500 scores the "
                  "means of consecutive points\n", cmd, most);
}
