/* fit.c: multistart bounded fitting of loss-curve laws (fslaw/fit.h, MATH.md §5.5). */
#include <math.h>
#include <nlopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_points.h"
#include "fslaw/fit.h"
#include "internal.h"

#define MAXP 16
#define MAXG FSLAW_FIT_MAX_GROUPS
#define MAXX (MAXP * MAXG) /* fitted coordinates */

/* One run's fitted points, with the law prepared on them. */
typedef struct {
  fslaw_law_eval *ev; /* the law at the points' nodes */
  fit_points pts;     /* the fitted points */
  size_t group;       /* its group */
  fslaw_fit_range range; /* what its fitted points cover */
  int varies;         /* its rate changes between warmup end and last fitted point */
} fit_run;

struct fslaw_fit {
  const fslaw_law *law;   /* the law being fitted */
  size_t np;              /* its number of parameters */
  fslaw_loss loss;        /* objective type */
  double delta;           /* Huber delta */
  size_t nstarts;         /* multistart size */
  double ftol;            /* relative objective tolerance */
  size_t max_evals;       /* evaluations per start */
  double lo[MAXP], hi[MAXP]; /* bounds */
  int fixed[MAXP];        /* parameter held fixed */
  double fixval[MAXP];    /* its value */
  fit_run *runs;          /* the runs */
  size_t nruns;           /* number of runs */
  size_t maxn;            /* largest number of nodes of a run */
  size_t max_points;      /* points kept per run (0 = all) */
  size_t logged;          /* logged points in the windows, before thinning */
  char *group[MAXG];      /* group names (none set: one unnamed group) */
  size_t ngroups;         /* number of named groups */
  size_t cur;             /* group of the runs added next */
  int shared[MAXP];       /* parameter takes one value in every group */
  fslaw_fit_progress progress; /* called after each start, or NULL */
  void *progress_data;    /* its first argument */
  fslaw_error err;        /* last error */
};

fslaw_fit *fslaw_fit_create(const fslaw_law *law) {
  if (!law) return NULL; /* e.g. a law whose fslaw_law_create failed */
  size_t np = fslaw_law_nparams(law);
  if (np > MAXP) return NULL;
  fslaw_fit *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->law = law;
  f->np = np;
  f->loss = FSLAW_LOSS_HUBER;
  f->delta = 1e-3;
  f->nstarts = 32;
  f->ftol = 1e-12;
  f->max_evals = 3000;
  f->max_points = FSLAW_FIT_MAX_POINTS;
  for (size_t i = 0; i < np; i++) {
    f->lo[i] = fslaw_law_param_lower(law, i);
    f->hi[i] = fslaw_law_param_upper(law, i);
  }
  return f;
}

void fslaw_fit_destroy(fslaw_fit *f) {
  if (!f) return;
  for (size_t r = 0; r < f->nruns; r++) {
    fslaw_law_eval_destroy(f->runs[r].ev);
    fslaw_fit_points_free(&f->runs[r].pts);
  }
  free(f->runs);
  for (size_t g = 0; g < f->ngroups; g++) free(f->group[g]);
  free(f);
}

/* Groups in the parameter vector: at least one. */
static size_t ngroups(const fslaw_fit *f) { return f->ngroups ? f->ngroups : 1; }

size_t fslaw_fit_ngroups(const fslaw_fit *f) { return ngroups(f); }

const char *fslaw_fit_group_name(const fslaw_fit *f, size_t g) {
  return g < f->ngroups ? f->group[g] : NULL;
}

fslaw_status fslaw_fit_set_group(fslaw_fit *f, const char *name) {
  if (!name || !*name) return fslaw_fail(&f->err, FSLAW_EINVAL, "a group needs a name");
  for (size_t g = 0; g < f->ngroups; g++)
    if (!strcmp(f->group[g], name)) {
      f->cur = g;
      return FSLAW_OK;
    }
  if (f->nruns && !f->ngroups)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "group '%s': runs were added before any group", name);
  if (f->ngroups == MAXG)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "group '%s': at most %d groups", name, MAXG);
  size_t len = strlen(name) + 1;
  if (!(f->group[f->ngroups] = malloc(len))) return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  memcpy(f->group[f->ngroups], name, len);
  f->cur = f->ngroups++;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_share(fslaw_fit *f, size_t i) {
  if (i >= f->np) return fslaw_fail(&f->err, FSLAW_EINVAL, "no parameter %zu", i);
  f->shared[i] = 1;
  return FSLAW_OK;
}

const char *fslaw_fit_errmsg(const fslaw_fit *f) { return f ? f->err.msg : "no fit (NULL)"; }

fslaw_status fslaw_fit_set_loss(fslaw_fit *f, fslaw_loss loss, double delta) {
  if (loss != FSLAW_LOSS_HUBER && loss != FSLAW_LOSS_SQUARED)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "unknown loss %d", (int)loss);
  if (!(delta > 0) || !isfinite(delta))
    return fslaw_fail(&f->err, FSLAW_EINVAL, "huber delta must be positive and finite, got %g", delta);
  f->loss = loss;
  f->delta = delta;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_set_starts(fslaw_fit *f, size_t n) {
  if (n < 1 || n > 100000)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "starts must lie in 1..100000, got %zu", n);
  f->nstarts = n;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_set_bounds(fslaw_fit *f, size_t i, double lo, double hi) {
  if (i >= f->np) return fslaw_fail(&f->err, FSLAW_EINVAL, "no parameter %zu", i);
  const char *name = fslaw_law_param_name(f->law, i);
  if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
    return fslaw_fail(&f->err, FSLAW_EINVAL, "bounds of '%s': need finite lo < hi, got [%g, %g]",
                      name, lo, hi);
  if (fslaw_law_param_logscale(f->law, i) && lo <= 0)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "bounds of '%s': the lower bound must be positive",
                      name);
  f->lo[i] = lo;
  f->hi[i] = hi;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_fix(fslaw_fit *f, size_t i, double value) {
  if (i >= f->np) return fslaw_fail(&f->err, FSLAW_EINVAL, "no parameter %zu", i);
  if (!isfinite(value))
    return fslaw_fail(&f->err, FSLAW_EINVAL, "fixed value of '%s' must be finite",
                      fslaw_law_param_name(f->law, i));
  f->fixed[i] = 1;
  f->fixval[i] = value;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_set_tolerance(fslaw_fit *f, double ftol_rel, size_t max_evals) {
  if (!(ftol_rel >= 0) || max_evals < 1)
    return fslaw_fail(&f->err, FSLAW_EINVAL, "tolerance must be >= 0 and evaluations >= 1");
  f->ftol = ftol_rel;
  f->max_evals = max_evals;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_set_progress(fslaw_fit *f, fslaw_fit_progress cb, void *data) {
  f->progress = cb;
  f->progress_data = data;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_set_max_points(fslaw_fit *f, size_t n) {
  if (n == 1) return fslaw_fail(&f->err, FSLAW_EINVAL, "max points must be 0 (all) or at least 2");
  f->max_points = n;
  return FSLAW_OK;
}

fslaw_status fslaw_fit_add_run(fslaw_fit *f, const char *name, const double *lr, size_t nsteps,
                               const size_t *steps, const double *loss, size_t n, size_t from) {
  if (!name || !lr || (n && (!steps || !loss))) /* name: every message about the run shows it */
    return fslaw_fail(&f->err, FSLAW_EINVAL, "fslaw_fit_add_run: %s is NULL",
                      !name ? "name" : !lr ? "lr" : !steps ? "steps" : "loss");
  fslaw_law_eval *probe;
  fslaw_status st = fslaw_law_eval_create(f->law, lr, nsteps, NULL, 0, &probe, &f->err);
  if (st) return st;
  size_t warmup = fslaw_law_eval_warmup(probe);
  fslaw_law_eval_destroy(probe);
  size_t *at = malloc((n + 1) * sizeof *at);
  double *logy = malloc((n + 1) * sizeof *logy);
  fit_run *runs = realloc(f->runs, (f->nruns + 1) * sizeof *runs);
  if (runs) f->runs = runs;
  if (!at || !logy || !runs) {
    free(at);
    free(logy);
    return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (steps[i] <= warmup || steps[i] < from) continue;
    if (!(loss[i] > 0) || !isfinite(loss[i])) {
      free(at);
      free(logy);
      return fslaw_fail(&f->err, FSLAW_EINVAL,
                        "run '%s': the loss at step %zu is %g; fitting needs positive losses", name,
                        steps[i], loss[i]);
    }
    at[m] = steps[i];
    logy[m++] = log(loss[i]);
  }
  if (!m) {
    free(at);
    free(logy);
    return fslaw_fail(&f->err, FSLAW_EINVAL,
                      "run '%s' has no logged loss after its warmup (which ends at step %zu)%s",
                      name, warmup, from ? " and at or after --from" : "");
  }
  f->logged += m;
  fit_run *r = &f->runs[f->nruns];
  r->group = f->cur;
  /* the steps are checked against the schedule first (fit_points reads lr there) */
  st = fslaw_check_steps(at, m, nsteps, &f->err);
  if (!st && fslaw_fit_points_make(at, logy, m, f->max_points, lr, &r->pts))
    st = fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  if (!st) {
    st = fslaw_law_eval_create(f->law, lr, nsteps, r->pts.node, r->pts.nnodes, &r->ev, &f->err);
    if (st) fslaw_fit_points_free(&r->pts);
  }
  if (!st) { /* what the logged points cover */
    r->range.max_step = at[m - 1];
    r->range.max_time = fslaw_sum(lr, at[m - 1] + 1);
    r->range.min_time = fslaw_sum(lr, at[0] + 1);
    r->range.min_rate = HUGE_VAL;
    r->varies = 0;
    r->range.max_rate = 0;
    for (size_t k = 0; k <= at[m - 1]; k++) r->range.max_rate = fmax(r->range.max_rate, lr[k]);
    for (size_t k = warmup + 1; k <= at[m - 1]; k++) {
      if (lr[k] < r->range.min_rate) r->range.min_rate = lr[k];
      r->varies |= lr[k] != lr[warmup];
    }
  }
  free(at);
  free(logy);
  if (st) return st;
  f->nruns++;
  if (r->pts.nnodes > f->maxn) f->maxn = r->pts.nnodes;
  return FSLAW_OK;
}

/* rho(r) and rho'(r) of the objective. */
static double rho(const fslaw_fit *f, double r, double *d) {
  if (f->loss == FSLAW_LOSS_SQUARED) {
    *d = 2 * r;
    return r * r;
  }
  if (fabs(r) <= f->delta) {
    *d = r;
    return 0.5 * r * r;
  }
  *d = r > 0 ? f->delta : -f->delta;
  return f->delta * (fabs(r) - 0.5 * f->delta);
}

/* Objective of the runs of group `only` (all groups: only = SIZE_MAX) at the
 * parameters P[ngroups * np] (group g's at P + g np), its gradient into
 * grad[ngroups * np]; caller workspaces pred[maxn], jac[maxn * np]. */
static double objective(const fslaw_fit *f, const double *P, double *grad, double *pred,
                        double *jac, size_t only) {
  double obj = 0;
  if (grad) memset(grad, 0, ngroups(f) * f->np * sizeof *grad);
  for (size_t r = 0; r < f->nruns; r++) {
    const fit_run *run = &f->runs[r];
    if (only != SIZE_MAX && run->group != only) continue;
    const double *p = P + run->group * f->np;
    double *gr = grad ? grad + run->group * f->np : NULL;
    fslaw_law_eval_predict(run->ev, p, pred, grad ? jac : NULL);
    const fit_points *pt = &run->pts;
    for (size_t i = 0; i < pt->n; i++) {
      double d, res = pt->logy[i];
      for (size_t k = pt->first[i]; k < pt->first[i + 1]; k++) {
        if (!(pred[k] > 0) || !isfinite(pred[k])) return HUGE_VAL;
        res -= pt->w[k] * log(pred[k]);
      }
      obj += rho(f, res, &d);
      if (!grad) continue;
      for (size_t k = pt->first[i]; k < pt->first[i + 1]; k++) {
        double g = -d * pt->w[k] / pred[k]; /* d rho / d pred */
        for (size_t j = 0; j < f->np; j++) gr[j] += g * jac[k * f->np + j];
      }
    }
  }
  return obj;
}

static double objective_alloc(const fslaw_fit *f, const double *P, double *grad, size_t only) {
  double *pred = malloc((f->maxn + 1) * sizeof *pred);
  double *jac = malloc((f->maxn + 1) * f->np * sizeof *jac);
  double v = pred && jac ? objective(f, P, grad, pred, jac, only) : NAN;
  free(pred);
  free(jac);
  return v;
}

double fslaw_fit_objective(const fslaw_fit *f, const double *params, double *grad) {
  return objective_alloc(f, params, grad, SIZE_MAX);
}

double fslaw_fit_group_objective(const fslaw_fit *f, size_t g, const double *params) {
  if (g >= ngroups(f)) return NAN;
  double P[MAXX] = {0};
  memcpy(P + g * f->np, params, f->np * sizeof *params);
  return objective_alloc(f, P, NULL, g);
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of v[0..n-1] (n >= 1), which it sorts. */
static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, ascending);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Scaled coordinates: x in [0, 1] maps onto [lo, hi], on a log scale for
 * log-scale parameters, so every coordinate has a comparable range. A free
 * parameter has one coordinate per group, or one for all groups when it is
 * shared (and when there is one group). */
typedef struct {
  const fslaw_fit *f;  /* the fit */
  size_t free_idx[MAXP]; /* the free parameters, in order */
  size_t nfree;        /* number of free parameters */
  long coord[MAXG][MAXP]; /* coordinate of parameter i in group g (-1: fixed) */
  size_t param_of[MAXX]; /* parameter of each coordinate */
  size_t ncoord;       /* number of coordinates */
  double *pred, *jac;  /* workspaces */
  size_t evals;        /* objective evaluations */
} start_ctx;

static double to_param(const fslaw_fit *f, size_t i, double x) {
  if (fslaw_law_param_logscale(f->law, i))
    return exp(log(f->lo[i]) + x * (log(f->hi[i]) - log(f->lo[i])));
  return f->lo[i] + x * (f->hi[i] - f->lo[i]);
}

static double to_unit(const fslaw_fit *f, size_t i, double p) {
  double x = fslaw_law_param_logscale(f->law, i)
                 ? (log(p) - log(f->lo[i])) / (log(f->hi[i]) - log(f->lo[i]))
                 : (p - f->lo[i]) / (f->hi[i] - f->lo[i]);
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Sum over group g's points of d d' into G (np x np, zeroed first), d = d r
 * / d ln p at its parameters p; |r| of every point into absr (if not NULL).
 * Returns the number of points; workspaces pred[maxn], jac[maxn np]. */
static size_t group_gram(const fslaw_fit *f, size_t g, const double *p, double *G, double *absr,
                         double *pred, double *jac) {
  size_t np = f->np, n = 0;
  memset(G, 0, np * np * sizeof *G);
  for (size_t r = 0; r < f->nruns; r++) {
    const fit_run *run = &f->runs[r];
    if (run->group != g) continue;
    fslaw_law_eval_predict(run->ev, p, pred, jac);
    for (size_t i = 0; i < run->pts.n; i++, n++) {
      double d[MAXP] = {0}, res = run->pts.logy[i];
      for (size_t k = run->pts.first[i]; k < run->pts.first[i + 1]; k++) {
        res -= run->pts.w[k] * log(pred[k]);
        for (size_t j = 0; j < np; j++) d[j] -= run->pts.w[k] * jac[k * np + j] * p[j] / pred[k];
      }
      if (absr) absr[n] = fabs(res);
      for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++) G[a * np + b] += d[a] * d[b];
    }
  }
  return n;
}

/* Parameter i of group h's vector p ended on a bound (as fslaw_fit_run says). */
static int at_bound(const fslaw_fit *f, size_t i, double v) {
  double x = to_unit(f, i, v);
  return x <= 1e-6 || x >= 1 - 1e-6;
}

/* What group h's runs say about the shared parameters in S once h's own
 * parameters U have done what they can: C - B' A+ B of its Gram matrix G
 * (A = G[U,U], B = G[U,S], C = G[S,S]), added to M[S,S]. */
static fslaw_status add_shared_part(const fslaw_fit *f, const double *G, const double *p,
                                    const int *in_s, double *M) {
  size_t np = f->np, U[MAXP], S[MAXP], nu = 0, ns = 0;
  for (size_t i = 0; i < np; i++) {
    if (in_s[i]) S[ns++] = i;
    else if (!f->fixed[i] && !f->shared[i] && !at_bound(f, i, p[i])) U[nu++] = i;
  }
  double A[MAXP * MAXP], B[MAXP * MAXP];
  for (size_t a = 0; a < nu; a++) {
    for (size_t b = 0; b < nu; b++) A[a * nu + b] = G[U[a] * np + U[b]];
    for (size_t b = 0; b < ns; b++) B[a * ns + b] = G[U[a] * np + S[b]];
  }
  if (nu && fslaw_sym_pinv_apply(nu, A, ns, B)) return FSLAW_ENOCONVERGE; /* B := A+ B */
  for (size_t a = 0; a < ns; a++)
    for (size_t b = 0; b < ns; b++) {
      double v = G[S[a] * np + S[b]];
      for (size_t k = 0; k < nu; k++) v -= G[U[k] * np + S[a]] * B[k * ns + b];
      M[S[a] * np + S[b]] += v;
    }
  return FSLAW_OK;
}

fslaw_status fslaw_fit_curvature(fslaw_fit *f, size_t g, const double *params,
                                 unsigned long skip, double *M, double *scale) {
  size_t np = f->np, n = 0, total = 0;
  if (g >= ngroups(f)) return fslaw_fail(&f->err, FSLAW_EINVAL, "no group %zu", g);
  for (size_t r = 0; r < f->nruns; r++) total += f->runs[r].group == g ? f->runs[r].pts.n : 0;
  double *absr = malloc((total + 1) * sizeof *absr); /* |residuals|, for their median */
  double *pred = malloc((f->maxn + 1) * sizeof *pred);
  double *jac = malloc((f->maxn + 1) * np * sizeof *jac);
  fslaw_status st = pred && jac && absr ? FSLAW_OK : FSLAW_ENOMEM;
  int in_s[MAXP] = {0}, any_s = 0; /* shared parameters that move */
  for (size_t i = 0; i < np; i++) {
    in_s[i] = f->ngroups > 1 && f->shared[i] && !f->fixed[i] && !((skip >> i) & 1);
    any_s |= in_s[i];
  }
  if (!st) n = group_gram(f, g, params + g * np, M, absr, pred, jac);
  for (size_t h = 0; !st && any_s && h < ngroups(f); h++) {
    double G[MAXP * MAXP];
    if (h == g) continue;
    group_gram(f, h, params + h * np, G, NULL, pred, jac);
    st = add_shared_part(f, G, params + h * np, in_s, M);
  }
  free(pred);
  free(jac);
  if (st == FSLAW_ENOMEM) {
    free(absr);
    return fslaw_fail(&f->err, st, "out of memory");
  }
  for (size_t a = 0; a < np; a++)
    for (size_t b = 0; b < np; b++) {
      int off = f->fixed[a] || f->fixed[b] || ((skip >> a) & 1) || ((skip >> b) & 1);
      M[a * np + b] = off || !n ? 0 : M[a * np + b] / (double)n;
    }
  if (scale) *scale = n ? 1.482602218505602 * median(absr, n) : 0; /* MAD: sigma of a normal */
  free(absr);
  if (st) return fslaw_fail(&f->err, st, "eigen-decomposition failed");
  for (size_t i = 0; i < np * np; i++)
    if (!isfinite(M[i]) || (scale && !isfinite(*scale)))
      return fslaw_fail(&f->err, FSLAW_EDIVERGED, "the law's derivatives are not finite at these parameters");
  return FSLAW_OK;
}

/* The coordinates of a fit (see start_ctx). */
static void make_coords(const fslaw_fit *f, start_ctx *c) {
  c->nfree = c->ncoord = 0;
  for (size_t i = 0; i < f->np; i++) {
    for (size_t g = 0; g < MAXG; g++) c->coord[g][i] = -1;
    if (f->fixed[i]) continue;
    c->free_idx[c->nfree++] = i;
    for (size_t g = 0; g < ngroups(f); g++) {
      if (g == 0 || !f->shared[i]) c->param_of[c->ncoord++] = i;
      c->coord[g][i] = (long)c->ncoord - 1;
    }
  }
}

static void unpack(const start_ctx *c, const double *x, double *P) {
  const fslaw_fit *f = c->f;
  for (size_t g = 0; g < ngroups(f); g++)
    for (size_t i = 0; i < f->np; i++)
      P[g * f->np + i] = c->coord[g][i] < 0 ? f->fixval[i] : to_param(f, i, x[c->coord[g][i]]);
}

static double nlopt_obj(unsigned n, const double *x, double *gx, void *data) {
  start_ctx *c = data;
  const fslaw_fit *f = c->f;
  double P[MAXX], G[MAXX];
  unpack(c, x, P);
  c->evals++;
  double v = objective(f, P, gx ? G : NULL, c->pred, c->jac, SIZE_MAX);
  if (!gx) return v;
  memset(gx, 0, n * sizeof *gx);
  for (size_t g = 0; g < ngroups(f); g++)
    for (size_t i = 0; i < f->np; i++) {
      long k = c->coord[g][i];
      if (k < 0) continue;
      double p = P[g * f->np + i];
      double dp = fslaw_law_param_logscale(f->law, i) ? p * (log(f->hi[i]) - log(f->lo[i]))
                                                     : f->hi[i] - f->lo[i];
      gx[k] += isfinite(v) ? G[g * f->np + i] * dp : 0;
    }
  return isfinite(v) ? v : 1e300;
}

static double halton(size_t index, unsigned base) {
  double r = 0, fct = 1.0 / base;
  for (; index; index /= base, fct /= base) r += fct * (double)(index % base);
  return r;
}

/* Start s in scaled coordinates: the law's default start, then Halton
 * points in the law's start box; every group starts at the same point. */
static void start_point(const start_ctx *c, size_t s, double *x) {
  static const unsigned primes[MAXP] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};
  const fslaw_fit *f = c->f;
  for (size_t k = 0; k < c->nfree; k++) {
    size_t i = c->free_idx[k];
    double p = fslaw_law_param_start(f->law, i);
    if (s > 0) {
      double h = halton(s + 16, primes[k]), slo, shi;
      fslaw_law_param_start_range(f->law, i, &slo, &shi);
      p = fslaw_law_param_logscale(f->law, i) ? exp(log(slo) + h * (log(shi) - log(slo)))
                                              : slo + h * (shi - slo);
    }
    for (size_t g = 0; g < ngroups(f); g++) x[c->coord[g][i]] = to_unit(f, i, p);
  }
}

static const char *reason_text(nlopt_result r) {
  switch (r) {
  case NLOPT_SUCCESS: return "converged";
  case NLOPT_FTOL_REACHED: return "converged (objective tolerance)";
  case NLOPT_XTOL_REACHED: return "converged (step tolerance)";
  case NLOPT_STOPVAL_REACHED: return "stop value reached";
  case NLOPT_MAXEVAL_REACHED: return "evaluation budget exhausted";
  case NLOPT_MAXTIME_REACHED: return "time budget exhausted";
  case NLOPT_ROUNDOFF_LIMITED: return "stopped by round-off (at the attainable precision)";
  case NLOPT_OUT_OF_MEMORY: return "out of memory";
  case NLOPT_INVALID_ARGS: return "invalid arguments";
  case NLOPT_FORCED_STOP: return "stopped";
  default: return "failed";
  }
}

/* Result of one start. */
typedef struct {
  double obj;          /* objective reached */
  double *x;           /* scaled coordinates reached (ncoord of them) */
  size_t evals;        /* evaluations used */
  nlopt_result code;   /* NLopt's status */
} start_result;

/* Most starts of a multistart end in the same few minima, and L-BFGS creeps
 * toward the tolerance near a bound, so refining every start to 1e-12 spends
 * most evaluations on starts that lose. All starts go to SCREEN_FTOL first
 * (at most SCREEN_EVALS evaluations), then the POLISHED best of them on to the
 * fit's tolerance: 2-8x fewer evaluations, and on the bundled runs the same
 * minima to 1e-10 relative for every law and size. */
#define SCREEN_FTOL 1e-6
#define SCREEN_EVALS 300
#define POLISHED 4

/* Refine start s (from its start point, or from out->x when resume) to
 * tolerance ftol within max_evals evaluations per group; out->evals adds up. */
static void run_start(const fslaw_fit *f, const start_ctx *proto, size_t s, double ftol,
                      size_t max_evals, int resume, start_result *out) {
  start_ctx c = *proto;
  c.evals = 0;
  c.pred = malloc((f->maxn + 1) * sizeof *c.pred);
  c.jac = malloc((f->maxn + 1) * f->np * sizeof *c.jac);
  out->obj = HUGE_VAL;
  out->code = NLOPT_OUT_OF_MEMORY;
  nlopt_opt opt = c.pred && c.jac ? nlopt_create(NLOPT_LD_LBFGS, (unsigned)c.ncoord) : NULL;
  if (opt) {
    double lb[MAXX], ub[MAXX];
    for (size_t k = 0; k < c.ncoord; k++) lb[k] = 0, ub[k] = 1;
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_min_objective(opt, nlopt_obj, &c);
    nlopt_set_ftol_rel(opt, ftol);
    nlopt_set_xtol_rel(opt, ftol < 1e-12 ? ftol : 1e-12);
    nlopt_set_maxeval(opt, (int)(max_evals * ngroups(f)));
    if (!resume) start_point(&c, s, out->x);
    double val = HUGE_VAL;
    out->code = nlopt_optimize(opt, out->x, &val);
    out->obj = isfinite(val) && val < 1e300 ? val : HUGE_VAL;
    nlopt_destroy(opt);
  }
  out->evals += c.evals;
  free(c.pred);
  free(c.jac);
}

/* Refine the POLISHED starts of lowest objective (ties: lower index) to the
 * fit's tolerance, from where screening left them. */
static void polish_best(const fslaw_fit *f, const start_ctx *proto, start_result *sr, size_t ns) {
  size_t best[POLISHED];
  for (size_t k = 0; k < POLISHED; k++) {
    size_t b = ns;
    for (size_t s = 0; s < ns; s++) {
      int taken = 0;
      for (size_t j = 0; j < k; j++) taken |= best[j] == s;
      if (!taken && (b == ns || sr[s].obj < sr[b].obj)) b = s;
    }
    best[k] = b;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < POLISHED; k++)
    if (sr[best[k]].obj < HUGE_VAL) /* not a start that failed */
      run_start(f, proto, best[k], f->ftol, f->max_evals, 1, &sr[best[k]]);
}

/* Free parameters that no fitted point depends on (e.g. the decay terms of a
 * law fitted to runs whose rate never decreases) cannot be identified; nor
 * can a group's own parameters without runs in the group. */
static fslaw_status check_identifiable(fslaw_fit *f) {
  double p[MAXP];
  for (size_t i = 0; i < f->np; i++) {
    double s = fslaw_law_param_start(f->law, i);
    p[i] = f->fixed[i] ? f->fixval[i] : s < f->lo[i] ? f->lo[i] : s > f->hi[i] ? f->hi[i] : s;
  }
  double *pred = malloc((f->maxn + 1) * sizeof *pred);
  double *jac = malloc((f->maxn + 1) * f->np * sizeof *jac);
  if (!pred || !jac) {
    free(pred);
    free(jac);
    return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  }
  unsigned long used[MAXG] = {0}, any = 0;
  size_t runs[MAXG] = {0};
  for (size_t r = 0; r < f->nruns; r++) {
    size_t g = f->runs[r].group;
    runs[g]++;
    fslaw_law_eval_predict(f->runs[r].ev, p, pred, jac);
    for (size_t i = 0; i < f->runs[r].pts.nnodes * f->np; i++)
      if (jac[i] != 0) used[g] |= 1UL << (i % f->np);
    any |= used[g];
  }
  free(pred);
  free(jac);
  for (size_t g = 0; g < ngroups(f); g++) {
    if (!runs[g]) return fslaw_fail(&f->err, FSLAW_EINVAL, "group '%s' has no runs", f->group[g]);
    char names[256] = "";
    for (size_t i = 0; i < f->np; i++)
      if (!f->fixed[i] && !((f->shared[i] ? any : used[g]) & (1UL << i))) {
        if (*names) strncat(names, ", ", sizeof names - strlen(names) - 1);
        strncat(names, fslaw_law_param_name(f->law, i), sizeof names - strlen(names) - 1);
      }
    if (!*names) continue;
    char where[160] = "";
    if (f->ngroups) snprintf(where, sizeof where, " in group '%s'", f->group[g]);
    return fslaw_fail(&f->err, FSLAW_EINVAL,
                      "law '%s': no fitted point%s depends on %s (does any run's learning rate "
                      "decrease after warmup?); add such a run, share them or hold them with --fix",
                      fslaw_law_name(f->law), where, names);
  }
  /* Laws whose every term answers a constant rate too (the kernel forms)
   * pass the test above, yet learn nothing about a change of the rate. */
  int varies = 0, held = 0;
  for (size_t r = 0; r < f->nruns; r++) varies |= f->runs[r].varies;
  for (size_t i = 0; i < f->np; i++) held |= f->fixed[i];
  if (!varies && !held) /* holding the rate-response parameters is the way out */
    return fslaw_fail(&f->err, FSLAW_EINVAL,
                      "law '%s': no run's learning rate changes after warmup, so nothing tells "
                      "the law how the loss answers a change of the rate; add a run that decays "
                      "or drops its rate, or hold the parameters of that answer with --fix",
                      fslaw_law_name(f->law));
  return FSLAW_OK;
}

/* r grows to cover w too. */
static void widen_range(fslaw_fit_range *r, const fslaw_fit_range *w) {
  if (w->max_time > r->max_time) {
    r->max_time = w->max_time;
    r->max_step = w->max_step;
  }
  if (w->min_time < r->min_time) r->min_time = w->min_time;
  if (w->min_rate < r->min_rate) r->min_rate = w->min_rate;
  if (w->max_rate > r->max_rate) r->max_rate = w->max_rate;
}

static fslaw_status run_fit(fslaw_fit *f, double *params, fslaw_fit_result *res);

fslaw_status fslaw_fit_run(fslaw_fit *f, double *params, fslaw_fit_result *res) {
  fslaw_fit_result unused;
  return run_fit(f, params, res ? res : &unused);
}

static fslaw_status run_fit(fslaw_fit *f, double *params, fslaw_fit_result *res) {
  memset(res, 0, sizeof *res);
  if (!params) return fslaw_fail(&f->err, FSLAW_EINVAL, "fslaw_fit_run: params is NULL");
  if (!f->nruns) return fslaw_fail(&f->err, FSLAW_EINVAL, "no runs to fit");
  fslaw_status st = check_identifiable(f);
  if (st) return st;
  start_ctx *proto = calloc(1, sizeof *proto);
  size_t ns = f->nstarts;
  start_result *sr = calloc(ns, sizeof *sr);
  double *xs = NULL;
  if (proto) {
    proto->f = f;
    make_coords(f, proto);
    xs = malloc((ns * proto->ncoord + 1) * sizeof *xs);
  }
  if (!sr || !proto || !xs) {
    free(sr);
    free(proto);
    free(xs);
    return fslaw_fail(&f->err, FSLAW_ENOMEM, "out of memory");
  }
  for (size_t s = 0; s < ns; s++) sr[s].x = xs + s * proto->ncoord;
  if (proto->ncoord) {
    size_t done = 0;
    int screen = f->ftol < SCREEN_FTOL && ns > POLISHED;
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t s = 0; s < ns; s++) {
      run_start(f, proto, s, screen ? SCREEN_FTOL : f->ftol,
                screen && f->max_evals > SCREEN_EVALS ? SCREEN_EVALS : f->max_evals, 0, &sr[s]);
#pragma omp critical(fslaw_fit_progress)
      if (f->progress) f->progress(f->progress_data, ++done, ns);
    }
    if (screen) polish_best(f, proto, sr, ns);
  } else {
    ns = 1;
    sr[0].obj = 0;
    sr[0].code = NLOPT_SUCCESS;
    if (f->progress) f->progress(f->progress_data, 1, 1);
  }
  size_t best = 0;
  for (size_t s = 1; s < ns; s++)
    if (sr[s].obj < sr[best].obj) best = s; /* ties keep the lower index */
  unpack(proto, sr[best].x, params);
  res->objective = fslaw_fit_objective(f, params, NULL);
  for (size_t g = 0; g < ngroups(f); g++)
    res->group_range[g].min_rate = res->group_range[g].min_time = HUGE_VAL;
  res->range.min_rate = res->range.min_time = HUGE_VAL;
  for (size_t r = 0; r < f->nruns; r++) {
    const fit_run *run = &f->runs[r];
    res->points += run->pts.n;
    res->group_points[run->group] += run->pts.n;
    widen_range(&res->range, &run->range);
    widen_range(&res->group_range[run->group], &run->range);
  }
  res->logged = f->logged;
  for (size_t i = 0; i < f->np; i++)
    if (f->fixed[i]) res->fixed |= 1UL << i;
  res->starts = ns;
  res->best_start = best;
  res->iterations = sr[best].evals;
  res->converged = sr[best].code > 0 && sr[best].code != NLOPT_MAXEVAL_REACHED &&
                   sr[best].code != NLOPT_MAXTIME_REACHED;
  snprintf(res->reason, sizeof res->reason, "%s", reason_text(sr[best].code));
  for (size_t g = 0; g < ngroups(f); g++)
    for (size_t i = 0; i < f->np; i++) {
      long k = proto->coord[g][i];
      if (k >= 0 && (sr[best].x[k] <= 1e-6 || sr[best].x[k] >= 1 - 1e-6))
        res->group_on_bound[g] |= 1UL << i;
      res->on_bound |= res->group_on_bound[g];
    }
  int ok = isfinite(res->objective);
  free(xs);
  free(sr);
  free(proto);
  if (!ok)
    return fslaw_fail(&f->err, FSLAW_ENOCONVERGE,
                      "no start reached a finite objective (the law predicts non-positive losses)");
  return FSLAW_OK;
}
