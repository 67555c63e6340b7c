/* table_fit.c: the Epoch fitting procedure for table laws (fslaw/table.h,
 * MATH.md §6): summed Huber loss of log residuals (a law's one-pass form
 * where it has one, table_huber.c), unbounded L-BFGS (NLopt)
 * in fit coordinates from every point of a start grid, keep the best; and a
 * nonparametric bootstrap whose resample r draws from a stream seeded by
 * (seed, r), so neither result depends on the number of OpenMP threads. */
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "table_law.h"

#define MAXENDS 32 /* distinct grid optima kept for the bootstrap */

struct fslaw_tfit {
  const fslaw_tlaw *law;       /* the law */
  size_t np;                   /* its number of parameters */
  double delta;                /* Huber delta */
  size_t levels;               /* grid thinning (0 = full grid) */
  double ftol, xtol;           /* relative objective / step tolerances */
  size_t max_evals;            /* evaluation budget per local run */
  int fixed[TLAW_MAXP];        /* parameter held fixed */
  double fixth[TLAW_MAXP];     /* its value in fit coordinates */
  size_t n;                    /* number of rows */
  size_t distinct;             /* number of distinct inputs (N, D) or C among them */
  double *x;                   /* raw inputs, n * ninputs */
  double *lx;                  /* log inputs, n * 2 */
  double *lxc;                 /* log inputs by input: n of input 0, then n of input 1 */
  double *ly;                  /* log losses */
  double *y;                   /* losses */
  double *iy;                  /* 1 / losses */
  size_t *grp;                 /* group (value of input 0) of each row */
  double *lg;                  /* log input 0 of each group */
  tlaw_rows rows;              /* the rows as the law's fused objective reads them */
  double lxmin, lxmax;         /* range of log(input 0), for data-relative grids */
  double ends[MAXENDS][TLAW_MAXP]; /* ends of the best distinct grid optima */
  size_t nends;                /* number of them (0 before a run) */
  fslaw_error err;             /* last error */
};

fslaw_tfit *fslaw_tfit_create(const fslaw_tlaw *law) {
  if (!law) return NULL; /* e.g. fslaw_tlaw_find of a misspelt name */
  fslaw_tfit *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->law = law;
  f->np = law->np;
  f->delta = 1e-3;
  f->ftol = 1e-15;
  f->xtol = 1e-12;
  f->max_evals = 10000;
  return f;
}

void fslaw_tfit_destroy(fslaw_tfit *f) {
  if (!f) return;
  free(f->x);
  free(f->lx);
  free(f->lxc);
  free(f->ly);
  free(f->y);
  free(f->iy);
  free(f->grp);
  free(f->lg);
  free(f);
}

/* The rows view of the fused objectives, after any change of table or delta. */
static void set_rows(fslaw_tfit *f) {
  tlaw_rows *r = &f->rows;
  *r = (tlaw_rows){.n = f->n, .lx0 = f->lxc, .lx1 = f->lxc ? f->lxc + f->n : NULL, .grp = f->grp,
                   .lg = f->lg, .ly = f->ly, .y = f->y, .iy = f->iy, .delta = f->delta,
                   .cut = exp(f->delta) * (1 + 1e-9)};
  r->lxlo[0] = r->lxlo[1] = r->lylo = HUGE_VAL;
  r->lxhi[0] = r->lxhi[1] = r->lyhi = -HUGE_VAL;
  for (size_t i = 0; i < f->n; i++) {
    for (size_t k = 0; k < 2; k++) {
      r->lxlo[k] = fmin(r->lxlo[k], f->lxc[k * f->n + i]);
      r->lxhi[k] = fmax(r->lxhi[k], f->lxc[k * f->n + i]);
    }
    r->lylo = fmin(r->lylo, f->ly[i]);
    r->lyhi = fmax(r->lyhi, f->ly[i]);
  }
}

const char *fslaw_tfit_errmsg(const fslaw_tfit *f) { return f ? f->err.msg : "no fit (NULL)"; }

fslaw_status fslaw_tfit_set_huber(fslaw_tfit *f, double delta) {
  if (!(delta > 0) || !isfinite(delta))
    return fslaw_fail(&f->err, FSLAW_EINVAL, "huber delta must be positive and finite, got %g", delta);
  f->delta = delta;
  set_rows(f);
  return FSLAW_OK;
}

fslaw_status fslaw_tfit_set_grid(fslaw_tfit *f, size_t levels) {
  if (levels > TLAW_MAXG)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "grid levels must lie in 0..%d, got %zu", TLAW_MAXG, levels);
  f->levels = levels;
  return FSLAW_OK;
}

fslaw_status fslaw_tfit_set_tolerance(fslaw_tfit *f, double ftol_rel, double xtol_rel,
                                      size_t max_evals) {
  if (!(ftol_rel >= 0) || !(xtol_rel >= 0) || max_evals < 1)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "tolerances must be >= 0 and evaluations >= 1");
  f->ftol = ftol_rel;
  f->xtol = xtol_rel;
  f->max_evals = max_evals;
  return FSLAW_OK;
}

fslaw_status fslaw_tfit_fix(fslaw_tfit *f, size_t i, double value) {
  if (i >= f->np) return fslaw_fail(&f->err, FSLAW_EINVAL, "no parameter %zu", i);
  if (!isfinite(value) || (f->law->positive[i] && !(value > 0)))
    return fslaw_fail(&f->err, FSLAW_EINVAL, "fixed value of '%s' must be %s, got %g",
                      f->law->pname[i], f->law->positive[i] ? "positive" : "finite", value);
  f->fixed[i] = 1;
  f->fixth[i] = f->law->positive[i] ? log(value) : value;
  return FSLAW_OK;
}

static size_t nfree(const fslaw_tfit *f) {
  size_t k = 0;
  for (size_t i = 0; i < f->np; i++) k += !f->fixed[i];
  return k;
}

/* Rows with the same inputs measure one point of the law: a fit needs at
 * least as many distinct points as free parameters, however often each
 * is repeated (4 points listed twice fit 5 parameters exactly). */
static fslaw_status distinct_inputs(fslaw_tfit *f, const fslaw_table *t, size_t *distinct) {
  size_t dup = 0;
  if (fslaw_table_duplicates(t, NULL, 0, &dup, NULL))
    return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  *distinct = fslaw_table_rows(t) - dup;
  return FSLAW_OK;
}

static fslaw_status too_few(fslaw_tfit *f, size_t need, size_t distinct, size_t n) {
  const char *what = f->law->ninputs == 2 ? "(N, D)" : "C";
  if (distinct == n)
    return fslaw_fail(&f->err, FSLAW_EINVAL,
                      "law '%s' has %zu free parameters but the table has only %zu row%s",
                      f->law->name, need, n, n == 1 ? "" : "s");
  return fslaw_fail(&f->err, FSLAW_EINVAL,
                    "law '%s' has %zu free parameters but the table has only %zu distinct %s "
                    "point%s (%zu rows; rows repeating a point add no new one)",
                    f->law->name, need, distinct, what, distinct == 1 ? "" : "s", n);
}

/* Two-input laws need both inputs to vary; one-input laws their input. */
static fslaw_status check_spread(fslaw_tfit *f, const double *x, size_t n, size_t m) {
  for (size_t k = 0; k < m; k++) {
    size_t i = 1;
    while (i < n && x[i * m + k] == x[k]) i++;
    if (i == n)
      return fslaw_fail(&f->err, FSLAW_EINVAL,
                        "every row has the same %s (%g): law '%s' cannot separate its effect",
                        f->law->inputs[k], x[k], f->law->name);
  }
  return FSLAW_OK;
}

/* Row order with the first input (N) increasing, ties in table order: the
 * laws then compute N^-alpha once per model size (a third fewer
 * exponentials on Chinchilla's table). The objective is a sum over rows, so
 * the order changes only its rounding. */
typedef struct {
  double v;  /* first input */
  size_t i;  /* row */
} row_key;

static int cmp_row_key(const void *a, const void *b) {
  const row_key *x = a, *y = b;
  if (x->v != y->v) return x->v < y->v ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static size_t *rows_by_first_input(const double *x, size_t n, size_t m) {
  row_key *k = malloc(n * sizeof *k);
  size_t *order = malloc(n * sizeof *order);
  if (!k || !order) {
    free(k);
    free(order);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) k[i] = (row_key){x[i * m], i};
  qsort(k, n, sizeof *k, cmp_row_key);
  for (size_t i = 0; i < n; i++) order[i] = k[i].i;
  free(k);
  return order;
}

fslaw_status fslaw_tfit_set_table(fslaw_tfit *f, const fslaw_table *t) {
  size_t n = fslaw_table_rows(t), m = fslaw_table_ninputs(t), need = nfree(f);
  const double *x = fslaw_table_x(t), *y = fslaw_table_loss(t);
  if (m != f->law->ninputs)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "law '%s' needs a table of %s, got one with %zu input%s",
                      f->law->name, f->law->ninputs == 2 ? "N, D, loss" : "C, loss", m,
                      m == 1 ? "" : "s");
  size_t distinct = 0;
  if (distinct_inputs(f, t, &distinct)) return FSLAW_ENOMEM;
  if (distinct < need || n < 1) return too_few(f, need, distinct, n);
  for (size_t i = 0; i < n; i++) {
    int bad = !(y[i] > 0) || !isfinite(y[i]);
    for (size_t k = 0; k < m; k++) bad |= !(x[i * m + k] > 0) || !isfinite(x[i * m + k]);
    if (bad)
      return fslaw_fail(&f->err, FSLAW_EINVAL, "row %zu: inputs and loss must be positive and finite", i + 1);
  }
  fslaw_status st = check_spread(f, x, n, m);
  if (st) return st;
  f->n = 0;
  f->nends = 0;
  free(f->x);
  free(f->lx);
  free(f->lxc);
  free(f->ly);
  free(f->y);
  free(f->iy);
  free(f->grp);
  free(f->lg);
  f->x = malloc(n * m * sizeof *f->x);
  f->lx = malloc(n * 2 * sizeof *f->lx);
  f->lxc = malloc(n * 2 * sizeof *f->lxc);
  f->ly = malloc(n * sizeof *f->ly);
  f->y = malloc(n * sizeof *f->y);
  f->iy = malloc(n * sizeof *f->iy);
  f->grp = malloc(n * sizeof *f->grp);
  f->lg = malloc(n * sizeof *f->lg);
  if (!f->x || !f->lx || !f->lxc || !f->ly || !f->y || !f->iy || !f->grp || !f->lg)
    return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  size_t *order = rows_by_first_input(x, n, m);
  if (!order) return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  f->n = n;
  f->lxmin = HUGE_VAL, f->lxmax = -HUGE_VAL;
  for (size_t j = 0; j < n; j++) {
    size_t i = order[j]; /* the fit keeps rows of one model size together */
    memcpy(f->x + j * m, x + i * m, m * sizeof *x);
    for (size_t k = 0; k < 2; k++)
      f->lx[2 * j + k] = f->lxc[k * n + j] = k < m ? log(x[i * m + k]) : 0;
    f->ly[j] = log(y[i]);
    f->y[j] = y[i];
    f->iy[j] = 1 / y[i];
    f->grp[j] = j == 0 ? 0 : f->grp[j - 1] + (f->lx[2 * j] != f->lx[2 * j - 2]);
    f->lg[f->grp[j]] = f->lx[2 * j];
    if (f->lx[2 * j] < f->lxmin) f->lxmin = f->lx[2 * j];
    if (f->lx[2 * j] > f->lxmax) f->lxmax = f->lx[2 * j];
  }
  free(order);
  f->nends = 0;
  f->distinct = distinct;
  set_rows(f);
  return FSLAW_OK;
}

/* Summed Huber loss of log residuals in fit coordinates th, each row
 * weighted by w[i] (NULL = 1, a bootstrap count otherwise); gradient in th
 * into g when not NULL. Non-finite predictions give HUGE_VAL. */
static double objective(const fslaw_tfit *f, const double *th, const double *w, double *g) {
  enum { CHUNK = 256 }; /* rows per call of the law: bounded stack, warm cache */
  const fslaw_tlaw *law = f->law;
  if (law->huber) { /* the law's one-pass form, when it applies */
    double v = law->huber(th, &f->rows, w, g);
    if (!isnan(v)) return v;
  }
  size_t m = law->ninputs, np = f->np;
  double obj = 0, lp[CHUNK], gr[CHUNK * TLAW_MAXP];
  if (g) memset(g, 0, np * sizeof *g);
  for (size_t i0 = 0; i0 < f->n; i0 += CHUNK) {
    size_t k = f->n - i0 < CHUNK ? f->n - i0 : CHUNK;
    law->logpred(th, f->x + i0 * m, f->lx + 2 * i0, k, lp, g ? gr : NULL);
    for (size_t i = 0; i < k; i++) {
      double wi = w ? w[i0 + i] : 1, r = f->ly[i0 + i] - lp[i];
      if (wi == 0) continue;
      if (!isfinite(r)) return HUGE_VAL;
      double a = fabs(r), psi = a <= f->delta ? r : r > 0 ? f->delta : -f->delta;
      obj += wi * (a <= f->delta ? 0.5 * r * r : f->delta * (a - 0.5 * f->delta));
      if (g)
        for (size_t j = 0; j < np; j++) g[j] -= wi * psi * gr[i * np + j];
    }
  }
  return obj;
}

double fslaw_tfit_objective(const fslaw_tfit *f, const double *params) {
  double th[TLAW_MAXP];
  if (!f->n || fslaw_tlaw_check(f->law, params, NULL)) return NAN;
  fslaw_tlaw_to_theta(f->law, params, th);
  return objective(f, th, NULL, NULL);
}

double fslaw_tfit_gradient(const fslaw_tfit *f, const double *params, double *grad) {
  double th[TLAW_MAXP], g[TLAW_MAXP];
  if (!f->n || fslaw_tlaw_check(f->law, params, NULL)) return NAN;
  fslaw_tlaw_to_theta(f->law, params, th);
  double v = objective(f, th, NULL, g);
  if (!isfinite(v)) return NAN;
  for (size_t i = 0; i < f->np; i++) /* d/dp = d/dth / p for th = log p */
    grad[i] = f->law->positive[i] ? g[i] / params[i] : g[i];
  return v;
}

/* One local run: free coordinates, row weights, evaluation count. */
typedef struct {
  const fslaw_tfit *f;         /* the fit */
  const double *w;             /* row weights or NULL */
  size_t idx[TLAW_MAXP];       /* parameter index of each free coordinate */
  size_t nf;                   /* number of free coordinates */
  size_t evals;                /* evaluations made */
} local_ctx;

static void full_theta(const local_ctx *c, const double *x, double *th) {
  for (size_t i = 0; i < c->f->np; i++) th[i] = c->f->fixth[i];
  for (size_t k = 0; k < c->nf; k++) th[c->idx[k]] = x[k];
}

static double nlopt_obj(unsigned n, const double *x, double *gx, void *data) {
  local_ctx *c = data;
  double th[TLAW_MAXP], g[TLAW_MAXP];
  full_theta(c, x, th);
  c->evals++;
  double v = objective(c->f, th, c->w, gx ? g : NULL);
  for (unsigned k = 0; gx && k < n; k++) gx[k] = isfinite(v) ? g[c->idx[k]] : 0;
  return isfinite(v) ? v : 1e300;
}

/* Result of one local run. */
typedef struct {
  double obj;        /* objective reached (HUGE_VAL on failure) */
  double x[TLAW_MAXP]; /* free coordinates reached */
  size_t evals;      /* evaluations used */
  nlopt_result code; /* NLopt's status */
} local_result;

static void local_run(local_ctx c, const double *x0, local_result *out) {
  c.evals = 0;
  out->obj = HUGE_VAL;
  out->code = NLOPT_OUT_OF_MEMORY;
  memcpy(out->x, x0, c.nf * sizeof *x0);
  nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, (unsigned)c.nf);
  if (opt) {
    nlopt_set_min_objective(opt, nlopt_obj, &c);
    nlopt_set_ftol_rel(opt, c.f->ftol);
    nlopt_set_xtol_rel(opt, c.f->xtol);
    nlopt_set_maxeval(opt, (int)c.f->max_evals);
    double val = HUGE_VAL;
    out->code = nlopt_optimize(opt, out->x, &val);
    out->obj = isfinite(val) && val < 1e300 ? val : HUGE_VAL;
    nlopt_destroy(opt);
  }
  out->evals = c.evals;
}

static local_ctx make_ctx(const fslaw_tfit *f, const double *w) {
  local_ctx c = {f, w, {0}, 0, 0};
  for (size_t i = 0; i < f->np; i++)
    if (!f->fixed[i]) c.idx[c.nf++] = i;
  return c;
}

/* Values of parameter i's grid after thinning to f->levels. */
static size_t grid_values(const fslaw_tfit *f, size_t i, double *v) {
  const fslaw_tlaw *law = f->law;
  size_t m = law->ngrid[i], k = f->levels && f->levels < m ? f->levels : m;
  for (size_t j = 0; j < k; j++) {
    size_t at = k == 1 ? m / 2 : (j * (m - 1) + (k - 1) / 2) / (k - 1);
    double g = law->grid[i][at];
    v[j] = law->grid_range[i] ? f->lxmin + g * (f->lxmax - f->lxmin) : g;
  }
  return k;
}

/* Start s of the grid over the free coordinates (the last varies fastest). */
static void grid_start(const fslaw_tfit *f, const local_ctx *c, size_t s, double *x) {
  for (size_t k = c->nf; k-- > 0;) {
    double v[TLAW_MAXG];
    size_t m = grid_values(f, c->idx[k], v);
    x[k] = v[s % m];
    s /= m;
  }
}

static size_t grid_size(const fslaw_tfit *f, const local_ctx *c) {
  size_t n = 1;
  for (size_t k = 0; k < c->nf; k++) {
    double v[TLAW_MAXG];
    n *= grid_values(f, c->idx[k], v);
  }
  return n;
}

static const char *reason_text(nlopt_result r) {
  switch (r) {
  case NLOPT_SUCCESS: return "converged";
  case NLOPT_FTOL_REACHED: return "converged (objective tolerance)";
  case NLOPT_XTOL_REACHED: return "converged (step tolerance)";
  case NLOPT_MAXEVAL_REACHED: return "evaluation budget exhausted";
  case NLOPT_ROUNDOFF_LIMITED: return "stopped by round-off (at the attainable precision)";
  case NLOPT_OUT_OF_MEMORY: return "out of memory";
  default: return "failed";
  }
}

static int by_obj(const void *a, const void *b) {
  const local_result *x = a, *y = b;
  return (x->obj > y->obj) - (x->obj < y->obj);
}

/* Keep the ends of the best distinct optima (objectives 1e-6 apart: the
 * flat ridge of §6 leaves many ends of one optimum a hair apart). */
static void keep_ends(fslaw_tfit *f, const local_ctx *c, local_result *sr, size_t ns) {
  qsort(sr, ns, sizeof *sr, by_obj); /* after the winner is chosen: order only matters here */
  double last = HUGE_VAL;
  f->nends = 0;
  for (size_t s = 0; s < ns && f->nends < MAXENDS && isfinite(sr[s].obj); s++) {
    if (f->nends && sr[s].obj - last <= 1e-6 * sr[s].obj) continue;
    last = sr[s].obj;
    full_theta(c, sr[s].x, f->ends[f->nends++]);
  }
}

static void fill_result(const fslaw_tfit *f, const local_result *sr, size_t ns, size_t best,
                        fslaw_tfit_result *res) {
  res->points = f->n;
  res->starts = ns;
  res->best_start = best;
  res->evaluations = sr[best].evals;
  for (size_t s = 0; s < ns; s++)
    res->near_best += sr[s].obj - sr[best].obj <= 1e-9 * sr[best].obj;
  res->converged = sr[best].code > 0 && sr[best].code != NLOPT_MAXEVAL_REACHED;
  snprintf(res->reason, sizeof res->reason, "%s", reason_text(sr[best].code));
  size_t m = f->law->ninputs; /* the range predictions extrapolate beyond */
  for (size_t k = 0; k < m; k++) {
    res->input_min[k] = res->input_max[k] = f->x[k];
    for (size_t i = 1; i < f->n; i++) {
      res->input_min[k] = fmin(res->input_min[k], f->x[i * m + k]);
      res->input_max[k] = fmax(res->input_max[k], f->x[i * m + k]);
    }
  }
}

static fslaw_status tfit_run(fslaw_tfit *f, double *params, fslaw_tfit_result *res);

fslaw_status fslaw_tfit_run(fslaw_tfit *f, double *params, fslaw_tfit_result *res) {
  fslaw_tfit_result unused;
  return tfit_run(f, params, res ? res : &unused);
}

static fslaw_status tfit_run(fslaw_tfit *f, double *params, fslaw_tfit_result *res) {
  memset(res, 0, sizeof *res);
  if (!f->n) return fslaw_fail(&f->err, FSLAW_EINVAL, "no table to fit");
  if (nfree(f) > f->distinct) return too_few(f, nfree(f), f->distinct, f->n); /* fixed since */
  local_ctx c = make_ctx(f, NULL);
  size_t ns = c.nf ? grid_size(f, &c) : 1;
  local_result *sr = calloc(ns, sizeof *sr);
  if (!sr) return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  if (c.nf) {
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t s = 0; s < ns; s++) {
      double x0[TLAW_MAXP];
      grid_start(f, &c, s, x0);
      local_run(c, x0, &sr[s]);
    }
  } else {
    sr[0].code = NLOPT_SUCCESS;
    sr[0].obj = objective(f, f->fixth, NULL, NULL);
  }
  size_t best = 0;
  for (size_t s = 1; s < ns; s++)
    if (sr[s].obj < sr[best].obj) best = s; /* ties keep the lower index */
  double th[TLAW_MAXP];
  full_theta(&c, sr[best].x, th);
  fslaw_tlaw_from_theta(f->law, th, params);
  fill_result(f, sr, ns, best, res);
  res->distinct = f->distinct;
  res->objective = objective(f, th, NULL, NULL);
  keep_ends(f, &c, sr, ns);
  free(sr);
  int ok = isfinite(res->objective);
  for (size_t i = 0; i < f->np; i++) ok &= isfinite(params[i]);
  if (!ok)
    return fslaw_fail(&f->err, FSLAW_ENOCONVERGE,
                      "no start reached a finite objective with finite parameters");
  return FSLAW_OK;
}

/* ---- Parameters the rows do not determine ---- */

/* Column j of the elasticities J[i][j] = d log L_i / d log|p_j| of the
 * fitted predictions (d/d th for a positive parameter, p d/dp otherwise),
 * rows in fit order; the free parameters' columns only. */
static double *elasticities(const fslaw_tfit *f, const local_ctx *c, const double *th) {
  enum { CHUNK = 256 };
  size_t np = f->np, m = f->law->ninputs, n = f->n;
  double *J = malloc(n * c->nf * sizeof *J), lp[CHUNK], gr[CHUNK * TLAW_MAXP];
  for (size_t i0 = 0; J && i0 < n; i0 += CHUNK) {
    size_t k = n - i0 < CHUNK ? n - i0 : CHUNK;
    f->law->logpred(th, f->x + i0 * m, f->lx + 2 * i0, k, lp, gr);
    for (size_t i = 0; i < k; i++)
      for (size_t q = 0; q < c->nf; q++) {
        size_t j = c->idx[q];
        double g = gr[i * np + j];
        J[q * n + i0 + i] = f->law->positive[j] ? g : th[j] * g;
      }
  }
  return J;
}

/* A parameter collapsed onto a degenerate boundary moves no prediction:
 * the share d log L/d log p of a positive parameter's term (E/L for
 * chinchilla's E) vanishes as p -> 0 (or C0 -> infinity); an exponent's
 * elasticity p d log L/dp = -alpha w log N vanishes about its mean as
 * alpha -> 0 (its mean is a change of scale the law's coefficient absorbs,
 * and log N depends on the unit of N). One rule for every law; a ridge
 * along which parameters trade off (chinchilla's A and alpha) is no
 * collapse and is left to the bootstrap. */
fslaw_status fslaw_tfit_sensitivity(fslaw_tfit *f, const double *params, double *s) {
  if (!f->n) return fslaw_fail(&f->err, FSLAW_EINVAL, "no table to fit");
  fslaw_status st = fslaw_tlaw_check(f->law, params, &f->err);
  if (st) return st;
  double th[TLAW_MAXP];
  fslaw_tlaw_to_theta(f->law, params, th);
  local_ctx c = make_ctx(f, NULL);
  size_t n = f->n;
  double *J = elasticities(f, &c, th);
  if (!J) return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  for (size_t i = 0; i < f->np; i++) s[i] = NAN;
  for (size_t q = 0; q < c.nf; q++) {
    const double *v = J + q * n;
    double mean = 0, ss = 0;
    if (!f->law->positive[c.idx[q]]) mean = fslaw_sum(v, n) / (double)n;
    for (size_t i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
    s[c.idx[q]] = sqrt(ss / (double)n);
  }
  free(J);
  return FSLAW_OK;
}

/* ---- Bootstrap ---- */

/* SplitMix64: one well-mixed 64-bit value per call. */
static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Row counts of resample r: n draws with replacement from (seed, r). */
static void resample(uint64_t seed, size_t r, size_t n, double *count) {
  uint64_t s = seed ^ 0xD1B54A32D192ED03ULL * ((uint64_t)r + 1);
  splitmix(&s);
  memset(count, 0, n * sizeof *count);
  for (size_t k = 0; k < n; k++) {
    double u = (double)(splitmix(&s) >> 11) * 0x1.0p-53;
    size_t i = (size_t)(u * (double)n);
    count[i < n ? i : n - 1] += 1;
  }
}

/* Fit one resample from the full-data optimum and the kept grid ends. */
static void boot_one(const fslaw_tfit *f, const double *best_th, size_t extra, uint64_t seed,
                     size_t r, double *count, double *out) {
  resample(seed, r, f->n, count);
  local_ctx c = make_ctx(f, count);
  local_result lr, top = {HUGE_VAL, {0}, 0, NLOPT_FAILURE};
  for (size_t s = 0; s <= extra && s < f->nends; s++) { /* ends[0] is the best itself */
    const double *th = s ? f->ends[s] : best_th;
    double x0[TLAW_MAXP];
    for (size_t k = 0; k < c.nf; k++) x0[k] = th[c.idx[k]];
    local_run(c, x0, &lr);
    if (lr.obj < top.obj) top = lr;
  }
  double th[TLAW_MAXP];
  full_theta(&c, top.x, th);
  fslaw_tlaw_from_theta(f->law, th, out);
  int ok = isfinite(top.obj);
  for (size_t i = 0; i < f->np; i++) ok &= isfinite(out[i]);
  for (size_t i = 0; !ok && i < f->np; i++) out[i] = NAN;
}

fslaw_status fslaw_tfit_bootstrap(fslaw_tfit *f, const double *best, size_t resamples,
                                  uint64_t seed, size_t extra, double *samples, size_t *failed) {
  *failed = 0;
  if (!f->nends) return fslaw_fail(&f->err, FSLAW_EINVAL, "bootstrap needs a successful fit first");
  if (resamples < 2) return fslaw_fail(&f->err, FSLAW_EINVAL, "bootstrap needs at least 2 resamples");
  fslaw_status st = fslaw_tlaw_check(f->law, best, &f->err);
  if (st) return st;
  double best_th[TLAW_MAXP];
  fslaw_tlaw_to_theta(f->law, best, best_th);
  int oom = 0;
#pragma omp parallel
  {
    double *count = malloc(f->n * sizeof *count);
#pragma omp for schedule(dynamic, 4)
    for (size_t r = 0; r < resamples; r++) {
      if (count) boot_one(f, best_th, extra, seed, r, count, samples + r * f->np);
      else for (size_t i = 0; i < f->np; i++) samples[r * f->np + i] = NAN;
    }
    if (!count) {
#pragma omp atomic write
      oom = 1;
    }
    free(count);
  }
  if (oom) return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  for (size_t r = 0; r < resamples; r++) *failed += isnan(samples[r * f->np]);
  return FSLAW_OK;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double percentile(const double *v, size_t m, double q) {
  double pos = q * (double)(m - 1);
  size_t i = (size_t)pos;
  if (i + 1 >= m) return v[m - 1];
  return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

size_t fslaw_tfit_interval(const double *v, size_t n, size_t stride, double q, double *sd,
                           double *lo, double *hi) {
  *sd = *lo = *hi = NAN;
  double *s = malloc((n + 1) * sizeof *s);
  if (!s) return 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i * stride])) s[m++] = v[i * stride];
  if (m >= 2) {
    double mean = fslaw_sum(s, m) / (double)m, ss = 0;
    for (size_t i = 0; i < m; i++) ss += (s[i] - mean) * (s[i] - mean);
    *sd = sqrt(ss / (double)(m - 1));
    qsort(s, m, sizeof *s, by_value);
    *lo = percentile(s, m, q);
    *hi = percentile(s, m, 1 - q);
  }
  free(s);
  return m;
}
