/* fit_points.c: the points a fit compares with a law (fit_points.h).
 *
 * Thinning a dense log: a loss logged every step is one batch's and noisy,
 * so a bin's mean keeps the information of all its points (docs/fit.md:
 * a third of the held-out error of picking points). The law's side must be
 * the same mean: its value at the bin's middle step is off where the curve
 * bends, most right after a drop of a step schedule. So
 *  - no bin crosses a jump of the rate (a change from one step to the next
 *    of more than JUMP of the run's largest rate; a smooth decay changes it
 *    far less per step); the runs between jumps get bins in proportion to
 *    their points. A rate that jumps between most points (a fast cyclic
 *    schedule) has no such runs: with more jumps than half the bins, bins
 *    are by index alone, or the bound on the cost would be lost;
 *  - no bin spans more than a factor SPAN of intrinsic time since the start
 *    of its run of points (step 0, or the jump before it): the loss is about
 *    a power of the one, and its answer to a drop a function of the other,
 *    most curved where they are small, so the first bins after the warmup
 *    and after each jump are split (some tens more points in all);
 *  - a bin of up to 3 points is compared with the mean of the law's log
 *    predictions at exactly those points; a larger one with a weighted mean
 *    at its first, middle and last points, the weights making it the exact
 *    mean over the bin's points of any quadratic in the step (nodes at
 *    logged steps, so nothing is rounded);
 *  - keep bounds the nodes, where the law is evaluated, the cost of a fit:
 *    about keep / 3 bins. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_points.h"
#include "fslaw/schedule.h"
#include "internal.h"

#define JUMP 0.01
#define SPAN 1.25

void fslaw_fit_points_free(fit_points *p) {
  free(p->logy);
  free(p->first);
  free(p->node);
  free(p->w);
  *p = (fit_points){0};
}

static fslaw_status alloc(fit_points *p, size_t n, size_t nodes) {
  *p = (fit_points){0};
  p->logy = malloc((n + 1) * sizeof *p->logy);
  p->first = malloc((n + 1) * sizeof *p->first);
  p->node = malloc((nodes + 1) * sizeof *p->node);
  p->w = malloc((nodes + 1) * sizeof *p->w);
  if (p->logy && p->first && p->node && p->w) return FSLAW_OK;
  fslaw_fit_points_free(p);
  return FSLAW_ENOMEM;
}

/* Append the bin of points lo .. hi - 1 as one point. */
static void add_bin(fit_points *p, const size_t *at, const double *logy, size_t lo, size_t hi) {
  size_t k = hi - lo;
  double y = 0;
  for (size_t j = lo; j < hi; j++) y += logy[j];
  p->logy[p->n] = y / (double)k;
  p->first[p->n++] = p->nnodes;
  if (k <= 3) {
    for (size_t j = lo; j < hi; j++) {
      p->node[p->nnodes] = at[j];
      p->w[p->nnodes++] = 1.0 / (double)k;
    }
    return;
  }
  /* Lagrange weights at nodes u[0..2] (steps relative to the middle node):
   * w_j = mean over the bin of L_j(u) = (m2 - (u_k + u_l) m1 + u_k u_l) /
   * ((u_j - u_k)(u_j - u_l)) with m1, m2 the bin's mean u and u^2 */
  size_t idx[3] = {lo, lo + (k - 1) / 2, hi - 1};
  double c = (double)at[idx[1]], u[3], m1 = 0, m2 = 0;
  for (int j = 0; j < 3; j++) u[j] = (double)at[idx[j]] - c;
  for (size_t j = lo; j < hi; j++) {
    double x = (double)at[j] - c;
    m1 += x;
    m2 += x * x;
  }
  m1 /= (double)k;
  m2 /= (double)k;
  for (int j = 0; j < 3; j++) {
    double uk = u[(j + 1) % 3], ul = u[(j + 2) % 3];
    p->node[p->nnodes] = at[idx[j]];
    p->w[p->nnodes++] = (m2 - (uk + ul) * m1 + uk * ul) / ((u[j] - uk) * (u[j] - ul));
  }
}

/* The first step k in (s, t] at which the rate jumps, or 0. */
static size_t jump_between(const double *lr, size_t s, size_t t, double thr) {
  for (size_t k = s + 1; k <= t; k++)
    if (fabs(lr[k] - lr[k - 1]) > thr) return k;
  return 0;
}

/* Bins for the points s0 .. s1 - 1 (between jumps; tau[j]: intrinsic time
 * of point j since the start of their run of points). */
static void add_segment(fit_points *out, const size_t *at, const double *logy, const double *tau,
                        size_t s0, size_t s1, size_t m, size_t keep) {
  size_t c = s1 - s0, bins = (size_t)floor((double)keep * (double)c / (double)m + 0.5);
  if (bins < 1) bins = 1;
  if (bins > c) bins = c;
  for (size_t i = 0, lo = s0; i < bins; i++) {
    size_t hi = s0 + fslaw_bin_end(i, c, bins);
    for (size_t a = lo, b = lo + 1; b <= hi; b++) /* split at SPAN of tau */
      if (b == hi || tau[b] > SPAN * tau[a]) {
        add_bin(out, at, logy, a, b);
        a = b;
      }
    lo = hi;
  }
}

fslaw_status fslaw_fit_points_make(const size_t *at, const double *logy, size_t m, size_t keep,
                             const double *lr, fit_points *out) {
  if (!keep || m <= keep) { /* every point */
    if (alloc(out, m, m)) return FSLAW_ENOMEM;
    for (size_t i = 0; i < m; i++) add_bin(out, at, logy, i, i + 1);
    out->first[m] = m;
    return FSLAW_OK;
  }
  size_t nt = at[m - 1] + 1;
  double *T = malloc(nt * sizeof *T), *tau = malloc(m * sizeof *tau);
  if (!T || !tau || alloc(out, m, 3 * m)) {
    free(T);
    free(tau);
    return FSLAW_ENOMEM;
  }
  double top = 0;
  for (size_t k = 0; k < nt; k++) top = fmax(top, lr[k]);
  keep = keep / 3 ? keep / 3 : 1; /* bins of 3 nodes */
  fslaw_intrinsic_time(lr, nt, T);
  size_t jumps = 0;
  for (size_t j = 1; j < m; j++) jumps += jump_between(lr, at[j - 1], at[j], JUMP * top) > 0;
  double thr = jumps > keep / 2 ? HUGE_VAL : JUMP * top; /* HUGE_VAL: no jumps */
  double base = 0; /* intrinsic time before the current run of points */
  size_t s0 = 0;
  for (size_t j = 0; j <= m; j++) {
    size_t k = j && j < m ? jump_between(lr, at[j - 1], at[j], thr) : 0;
    if (j == m || k) {
      add_segment(out, at, logy, tau, s0, j, m, keep);
      s0 = j;
      base = T[k - (k > 0)];
      if (j == m) break;
    }
    tau[j] = T[at[j]] - base;
  }
  out->first[out->n] = out->nnodes;
  free(T);
  free(tau);
  return FSLAW_OK;
}
