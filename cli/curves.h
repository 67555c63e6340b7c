/* curves.h: a run's logged loss curve beside a fitted law's prediction, the
 * points every command that scores a law uses (eval, report), so their
 * numbers agree to the last digit. */
#ifndef FSLAW_CLI_CURVES_H
#define FSLAW_CLI_CURVES_H

#include "cli.h"

/* The logged points a law is scored on and its predictions there. */
typedef struct cli_points {
  size_t n;     /* number of points */
  size_t *step; /* their steps, increasing */
  double *loss; /* logged losses */
  double *pred; /* the law's predictions */
} cli_points;

/* Fill *pts with the logged points of run r after its warmup (and after step
 * `after` when it is not 0) and the law's predictions at them. On error
 * prints "fslaw CMD: error: NAME: ..." and returns 1 (*pts is then empty). */
int cli_points_predict(const char *cmd, const fslaw_law *law, const double *params,
                       const fslaw_run *r, size_t after, const char *name, cli_points *pts);
/* Metrics of pts into *m; with bins (>= 2), of the means of `bins` bins of
 * consecutive points (fslaw_metrics_bin; pts is not changed). On error prints
 * "fslaw CMD: error: NAME: ..." and returns 1. */
int cli_points_score(const char *cmd, const cli_points *pts, size_t bins, const char *name,
                     fslaw_metrics *m);

/* Scored points of one run above which eval and cv suggest --bins. */
#define CLI_DENSE_POINTS 2000

/* Parse --bins TEXT into *bins (>= 2); 1 (after the message) if bad. */
int cli_parse_bins(const char *cmd, const char *text, size_t *bins);

/* The note eval and cv print once when a run had more than CLI_DENSE_POINTS
 * points scored one by one. */
void cli_note_dense(const char *cmd, size_t most);

/* Free the arrays of *pts (which stays valid and empty). */
void cli_points_free(cli_points *pts);

#endif
