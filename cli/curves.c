/* curves.c: the logged points a law is scored on (see curves.h). */
#include <math.h>
#include <stdio.h>
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
                       const fslaw_run *r, size_t after, const char *name, cli_points *pts,
                       char *refused, size_t len) {
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
  else if ((rc = fslaw_law_predict(law, params, lr, fslaw_run_steps(r), pts->step, k, pts->pred,
                                    &err)) == FSLAW_EDIVERGED && refused) {
    snprintf(refused, len, "%s", err.msg);
    rc = 2;
  } else if (rc)
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

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of v[0..n-1] (n >= 1), which it sorts. */
static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double cli_points_noise(const cli_points *pts) {
  size_t n = pts->n, bad = 0;
  double *d = n >= CLI_NOISE_MIN_POINTS ? malloc((n - 1) * sizeof *d) : NULL;
  if (!d) return NAN;
  for (size_t i = 1; i < n; i++) { /* neighbours share the smooth misfit, not the noise */
    d[i - 1] = log(pts->loss[i] / pts->pred[i]) - log(pts->loss[i - 1] / pts->pred[i - 1]);
    bad += !isfinite(d[i - 1]);
  }
  double mid = bad ? NAN : median(d, n - 1);
  for (size_t i = 0; i + 1 < n; i++) d[i] = fabs(d[i] - mid);
  double mad = bad ? NAN : median(d, n - 1);
  free(d);
  /* 1.4826 MAD: the standard deviation of normal noise, robust to the few
   * large steps of the misfit (a sharp decay); a difference holds two points' */
  return 1.4826 * mad / sqrt(2);
}

/* The PredE that noise sigma alone gives means of k points: E|N(0, sigma^2/k)|. */
static double noise_prede(double sigma, double k) {
  return sigma * 0.7978845608 / sqrt(k); /* sqrt(2/pi) */
}

/* Points per bin of n points in `bins` bins (0 or >= n: one by one). */
static double per_bin(size_t n, size_t bins) {
  return bins && bins < n ? (double)n / (double)bins : 1;
}

/* Whether noise sigma makes most of the PredE of means of k points. */
static int dominated(double sigma, double k, double prede) {
  double part = noise_prede(sigma, k);
  return part >= CLI_NOISE_FLOOR && part >= CLI_NOISE_SHARE * prede;
}

/* PredE of pts scored in `bins` bins; y, p: scratch of pts->n. */
static double binned_prede(const cli_points *pts, size_t bins, double *y, double *p) {
  memcpy(y, pts->loss, pts->n * sizeof *y);
  memcpy(p, pts->pred, pts->n * sizeof *p);
  size_t n = fslaw_metrics_bin(y, p, pts->n, bins);
  double s = 0;
  for (size_t i = 0; i < n; i++) s += fabs(y[i] - p[i]) / y[i];
  return s / (double)n;
}

/* The most bins, from `start` halving down to 2, whose means the noise no
 * longer dominates: the finest scoring that shows the law's error more than
 * the noise. 0 when none does (that error is below the noise even of 2 bins). */
static size_t fewer_bins(const cli_points *pts, double sigma, size_t start) {
  double *y = malloc(pts->n * sizeof *y), *p = malloc(pts->n * sizeof *p);
  size_t got = 0;
  for (size_t b = start; y && p && !got && b >= 2; b /= 2)
    if (!dominated(sigma, per_bin(pts->n, b), binned_prede(pts, b, y, p))) got = b;
  free(y);
  free(p);
  return got;
}

static const char *pct(char b[32], double x) {
  snprintf(b, 32, "%#.2g %%", 100 * x); /* 1.0 %, 0.045 % */
  return b;
}

/* Add one noted run to the advice: the fewest bins of fewer_bins, from
 * n / CLI_BIN_POINTS (fewer than --bins if given), any run needs. */
static void add_advice(cli_bins_advice *adv, const cli_points *pts, size_t bins, double sigma) {
  size_t most = pts->n / CLI_BIN_POINTS;
  size_t start = bins && (bins + 1) / 2 < most ? (bins + 1) / 2 : most;
  size_t fewer = start >= 2 ? fewer_bins(pts, sigma, start) : 0;
  cli_bins_advice one = {1, fewer, !fewer, pts->n, sigma};
  cli_bins_advice_merge(adv, &one);
}

void cli_bins_advice_merge(cli_bins_advice *adv, const cli_bins_advice *other) {
  if (!other->noted) return;
  if (other->bins && (!adv->bins || other->bins < adv->bins)) adv->bins = other->bins;
  adv->nmin = adv->noted && adv->nmin < other->nmin ? adv->nmin : other->nmin;
  adv->sigma = fmax(adv->sigma, other->sigma);
  adv->below += other->below;
  adv->noted += other->noted;
}

int cli_bins_advice_text(const cli_bins_advice *adv, size_t bins, char *buf, size_t size) {
  if (!adv->noted) return 0;
  if (!adv->bins && bins) {
    snprintf(buf, size, "batch noise: the law's own error is below this noise%s",
             bins > 2 ? ", also in fewer bins" : "");
    return 1;
  }
  size_t b = adv->bins ? adv->bins : adv->nmin / CLI_BIN_POINTS, k = adv->nmin / b;
  char a[32];
  int n = snprintf(buf, size, "batch noise: --bins %zu scores means of %s%zu consecutive points%s, "
                   "whose noise adds %sabout %s", b, adv->noted > 1 ? "at least " : "", k,
                   adv->noted > 1 ? " of each run noted" : "", adv->noted > 1 ? "at most " : "",
                   pct(a, noise_prede(adv->sigma, (double)k)));
  if (n < 0 || (size_t)n >= size || !adv->below) return 1;
  if (!adv->bins) snprintf(buf + n, size - (size_t)n, ", and the law's own error is below even that");
  else snprintf(buf + n, size - (size_t)n, "; on %zu of them the law's own error is below the "
                "noise even of 2 bins", adv->below);
  return 1;
}

/* The decimals every loss of pts is written with, 0 to 4 (a log that rounds
 * them, e.g. printed with %.2f); -1 when finer or fewer than
 * CLI_NOISE_MIN_POINTS points (too few to tell rounding from chance). */
static int loss_decimals(const cli_points *pts) {
  if (pts->n < CLI_NOISE_MIN_POINTS) return -1;
  double unit = 1;
  for (int k = 0; k <= 4; k++, unit *= 10) {
    size_t i = 0;
    for (; i < pts->n; i++) {
      double x = pts->loss[i] * unit;
      if (fabs(x - nearbyint(x)) > 1e-9 * fmax(1, fabs(x))) break;
    }
    if (i == pts->n) return k;
  }
  return -1;
}

/* Rounded losses: their lag-1 differences are mostly 0, so the noise
 * estimate sees none, yet rounding to r adds an error uniform in
 * [-r/2, r/2], a PredE of r/4 / loss where the law is exact. Noted, for
 * points scored one by one, as the batch noise is. */
static int rounding_note(const cli_points *pts, size_t bins, double prede, const char *name,
                         char *buf, size_t size) {
  int k = loss_decimals(pts);
  if (k < 0 || per_bin(pts->n, bins) > 1) return 0;
  double r = pow(10, -k), part = 0;
  for (size_t i = 0; i < pts->n; i++) part += r / 4 / pts->loss[i];
  part /= (double)pts->n;
  if (part < CLI_NOISE_FLOOR || part < CLI_NOISE_SHARE * prede) return 0;
  char c[32], e[32];
  snprintf(buf, size, "%s: its losses are logged with %d decimal%s; that rounding alone makes a "
           "PredE of about %s (its PredE is %s): a finer score needs losses logged with more "
           "digits", name, k, k == 1 ? "" : "s", pct(c, part), pct(e, prede));
  return 1;
}

int cli_noise_note(const cli_points *pts, size_t bins, double prede, const char *name,
                   char *buf, size_t size, cli_bins_advice *adv) {
  double sigma = cli_points_noise(pts), k = per_bin(pts->n, bins);
  if (!(prede >= 0)) return 0;
  if (!(sigma > 0) || !dominated(sigma, k, prede))
    return rounding_note(pts, bins, prede, name, buf, size);
  double part = noise_prede(sigma, k);
  char s[32], c[32], e[32];
  const char *its = k > 1 ? "their" : "its";
  if (k > 1)
    snprintf(buf, size, "%s: the means of its %zu bins (%.0f points each) still scatter by "
             "about %s (batch noise)", name, bins, k, pct(s, sigma / sqrt(k)));
  else
    snprintf(buf, size, "%s: its losses scatter by about %s from point to point (batch noise)",
             name, pct(s, sigma));
  size_t used = strlen(buf);
  if (part >= prede)
    snprintf(buf + used, size - used, ", which accounts for all of %s PredE %s", its, pct(e, prede));
  else
    snprintf(buf + used, size - used, ", which accounts for about %s of %s PredE %s",
             pct(c, part), its, pct(e, prede));
  add_advice(adv, pts, bins, sigma);
  return 1;
}
