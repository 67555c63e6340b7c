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
 * prints "fslaw CMD: error: NAME: ..." and returns 1 (*pts is then empty);
 * with refused != NULL, a prediction the law refuses (a non-positive or
 * non-finite loss) is not printed but written to refused and returns 2. */
int cli_points_predict(const char *cmd, const fslaw_law *law, const double *params,
                       const fslaw_run *r, size_t after, const char *name, cli_points *pts,
                       char *refused, size_t len);
/* Metrics of pts into *m; with bins (>= 2), of the means of `bins` bins of
 * consecutive points (fslaw_metrics_bin; pts is not changed). On error prints
 * "fslaw CMD: error: NAME: ..." and returns 1. */
int cli_points_score(const char *cmd, const cli_points *pts, size_t bins, const char *name,
                     fslaw_metrics *m);

/* Parse --bins TEXT into *bins (>= 2); 1 (after the message) if bad. */
int cli_parse_bins(const char *cmd, const char *text, size_t *bins);

/* Batch noise. A loss logged every step is one batch's: it scatters from
 * point to point, and scored one by one that scatter, not the law, can make
 * most of PredE. The scatter is measured on the points themselves (their
 * log residuals' lag-1 differences, which cancel the law's smooth misfit). */
#define CLI_NOISE_MIN_POINTS 40 /* fewer: no estimate (the note's 2 bins of 20) */
#define CLI_NOISE_SHARE 0.5     /* part of PredE noise must explain for the note */
#define CLI_BIN_POINTS 20       /* points per bin the note suggests at least */
/* PredE noise must add for the note: below it, noise is under the precision
 * the laws are judged at (held-out PredE ~0.1 % on the bundled runs), and the
 * validation losses of data/mpl (logged every 128 steps) scatter by ~0.02 %,
 * adding up to 0.025 % -- most of a fitted run's own PredE, yet no reason to bin. */
#define CLI_NOISE_FLOOR 5e-4

/* The relative scatter of one point's loss from point to point: 1.4826 MAD
 * of the lag-1 differences of log(loss/pred), / sqrt 2. NaN when pts has
 * fewer than CLI_NOISE_MIN_POINTS points (or no memory). */
double cli_points_noise(const cli_points *pts);

/* What --bins to give, over every run of one command (one --bins applies to
 * them all): zero-initialised, filled by cli_noise_note. */
typedef struct cli_bins_advice {
  size_t noted; /* runs with a batch noise note */
  size_t bins;  /* the fewest bins one of them needs to show the law's error (0: none) */
  size_t below; /* those whose law's error is below the noise even of 2 bins */
  size_t nmin;  /* the fewest points of one of them */
  double sigma; /* the largest scatter of one of them */
} cli_bins_advice;

/* When that scatter explains CLI_NOISE_SHARE or more of the PredE `prede`
 * (and at least CLI_NOISE_FLOOR) of pts scored in `bins` bins (0: one by one),
 * or, scored one by one, the rounding of losses logged with few decimals
 * does, writes a note on `name` into buf (without "fslaw CMD: note: ") and
 * returns 1; else 0. A batch noise note adds the run to *adv. */
int cli_noise_note(const cli_points *pts, size_t bins, double prede, const char *name,
                   char *buf, size_t size, cli_bins_advice *adv);

/* Add the runs of `other` to *adv. */
void cli_bins_advice_merge(cli_bins_advice *adv, const cli_bins_advice *other);

/* The one line of advice on --bins (given as `bins`, 0: none) after the
 * notes of adv's runs, into buf (without "fslaw CMD: note: "); 0 when no
 * run had a batch noise note. */
int cli_bins_advice_text(const cli_bins_advice *adv, size_t bins, char *buf, size_t size);

/* Free the arrays of *pts (which stays valid and empty). */
void cli_points_free(cli_points *pts);

#endif
