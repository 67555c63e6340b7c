/* metrics.c: R^2, MAE, RMSE, PredE, WorstE of MATH.md §5.5. */
#include <math.h>
#include <string.h>

#include "fslaw/metrics.h"
#include "internal.h"

fslaw_status fslaw_metrics_compute(const double *y, const double *p, size_t n, fslaw_metrics *m,
                                   fslaw_error *err) {
  memset(m, 0, sizeof *m);
  if (!n) return fslaw_fail(err, FSLAW_EINVAL, "no points to evaluate");
  double mean = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(y[i]) || !isfinite(p[i]))
      return fslaw_fail(err, FSLAW_EINVAL, "point %zu: observed %g, predicted %g", i, y[i], p[i]);
    if (!(y[i] > 0)) /* PredE and WorstE are relative to it */
      return fslaw_fail(err, FSLAW_EINVAL, "point %zu: observed %g; the metrics need positive "
                        "observations", i, y[i]);
    mean += y[i];
  }
  mean /= (double)n;
  double ss = 0, st = 0;
  for (size_t i = 0; i < n; i++) {
    double e = y[i] - p[i], rel = fabs(e) / fabs(y[i]);
    ss += e * e;
    st += (y[i] - mean) * (y[i] - mean);
    m->mae += fabs(e);
    m->prede += rel;
    if (rel > m->worste) m->worste = rel;
  }
  m->n = n;
  m->r2 = st > 0 ? 1 - ss / st : NAN;
  m->mae /= (double)n;
  m->rmse = sqrt(ss / (double)n);
  m->prede /= (double)n;
  return FSLAW_OK;
}

size_t fslaw_metrics_bin(double *y, double *p, size_t n, size_t bins) {
  if (!bins || bins >= n) return n;
  size_t lo = 0;
  for (size_t i = 0; i < bins; i++) { /* bin i starts at or after index i */
    size_t hi = fslaw_bin_end(i, n, bins);
    double sy = 0, sp = 0;
    for (size_t j = lo; j < hi; j++) {
      sy += y[j];
      sp += p[j];
    }
    y[i] = sy / (double)(hi - lo);
    p[i] = sp / (double)(hi - lo);
    lo = hi;
  }
  return bins;
}

void fslaw_metrics_mean(const fslaw_metrics *ms, size_t k, fslaw_metrics *mean) {
  memset(mean, 0, sizeof *mean);
  size_t defined = 0; /* curves with an R^2 (a flat curve has none) */
  for (size_t i = 0; i < k; i++) defined += !isnan(ms[i].r2);
  mean->r2 = defined ? 0 : NAN;
  for (size_t i = 0; i < k; i++) {
    mean->n += ms[i].n;
    if (!isnan(ms[i].r2)) mean->r2 += ms[i].r2 / (double)defined;
    mean->mae += ms[i].mae / (double)k;
    mean->rmse += ms[i].rmse / (double)k;
    mean->prede += ms[i].prede / (double)k;
    mean->worste += ms[i].worste / (double)k;
  }
}
