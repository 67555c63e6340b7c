/* fslaw/metrics.h: held-out prediction metrics (MATH.md §5.5). */
#ifndef FSLAW_METRICS_H
#define FSLAW_METRICS_H

#include <stddef.h>

#include "fslaw/common.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* Metrics of one curve. */
typedef struct fslaw_metrics {
  size_t n;      /* number of points */
  double r2;     /* 1 - sum (y - p)^2 / sum (y - mean y)^2 */
  double mae;    /* mean |y - p| */
  double rmse;   /* sqrt(mean (y - p)^2) */
  double prede;  /* mean |y - p| / y */
  double worste; /* max |y - p| / y */
} fslaw_metrics;

/* Metrics of predictions p against observations y (n >= 1, every y > 0). */
fslaw_status fslaw_metrics_compute(const double *y, const double *p, size_t n, fslaw_metrics *m,
                                   fslaw_error *err);
/* Replace y[0..n-1] and p[0..n-1] in place by their means over `bins` bins
 * of consecutive points (sizes differ by at most one, as a fit's thinning);
 * returns the number of points left: bins, or n when bins is 0 or >= n.
 * A loss logged at every step is one batch's: its noise swamps the error of
 * a prediction, the mean of a bin's observations and predictions does not. */
size_t fslaw_metrics_bin(double *y, double *p, size_t n, size_t bins);
/* Unweighted mean over curves, as the anchors average (n = total points);
 * R^2 over the curves that have one (NaN: a curve without variance). */
void fslaw_metrics_mean(const fslaw_metrics *ms, size_t k, fslaw_metrics *mean);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
