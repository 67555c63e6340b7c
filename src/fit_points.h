/* fit_points.h: the points a fit compares with a law on one run (private).
 * A point is a logged loss, or, when a run is logged more densely than the
 * fit keeps (fslaw_fit_set_max_points), the mean log loss of a bin of
 * consecutive logged losses. The law's side of a point is a weighted mean of
 * its log predictions at the point's nodes: the logged step itself, or, for
 * a bin, the steps of a small quadrature of the bin. */
#ifndef FSLAW_FIT_POINTS_H
#define FSLAW_FIT_POINTS_H

#include <stddef.h>

#include "fslaw/common.h"

typedef struct fit_points {
  size_t n;      /* number of points */
  double *logy;  /* per point: observed log loss (a bin's mean) */
  size_t *first; /* point i has the nodes first[i] .. first[i + 1] - 1 (n + 1 entries) */
  size_t nnodes; /* number of nodes */
  size_t *node;  /* the steps of the nodes, increasing */
  double *w;     /* per node: its weight in its point's mean (a point's sum to 1) */
} fit_points;

/* The points of m logged losses at steps at[] (increasing, within lr[]),
 * log losses logy[]: one per loss when keep is 0 or m <= keep, else about
 * keep / 3 bins of 3 nodes each (fit_points.c says how). NULL arrays on ENOMEM. */
fslaw_status fslaw_fit_points_make(const size_t *at, const double *logy, size_t m, size_t keep,
                             const double *lr, fit_points *out);
void fslaw_fit_points_free(fit_points *p);

#endif
