/* optimize.c: schedules that minimise a law's predicted final loss, or any
 * final-loss functional given as a callback (fslaw/optimize.h, MATH.md §4-5). */
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/optimize.h"
#include "fslaw/schedule.h"
#include "internal.h"

static const char *const family_names[] = {"free", "wsd", "cosine", "linear", "power"};

int fslaw_family_from_name(const char *name) {
  for (int i = 0; i < 5; i++)
    if (!strcmp(name, family_names[i])) return i;
  return -1;
}

const char *fslaw_family_to_string(fslaw_family f) {
  return (unsigned)f < 5 ? family_names[f] : "?";
}

/* ---- shared state -------------------------------------------------------- */

/* One optimisation problem. */
typedef struct {
  fslaw_final_loss_fn fn;        /* final loss (and gradient) of a schedule */
  void *ctx;                     /* its context */
  const fslaw_optimize_options *o; /* the request */
  double *lr;                    /* per-step schedule being evaluated, o->steps */
  double *grad;                  /* d final loss / d lr, o->steps */
  size_t evals;                  /* loss evaluations */
  int failed;                    /* an evaluation failed */
  fslaw_error err;               /* its message */
} problem;

/* The given head, if any, over the first o->warmup rates of a schedule
 * built with a warmup ramp there (every candidate is). */
static void apply_head(const fslaw_optimize_options *o, double *lr) {
  if (o->head && o->warmup) memcpy(lr, o->head, o->warmup * sizeof *lr);
}

/* The warmup ramp (or head) and a constant peak: the start of every candidate. */
static fslaw_status base_schedule(const fslaw_optimize_options *o, double *lr, fslaw_error *err) {
  char spec[160], b[32];
  snprintf(spec, sizeof spec, "constant:peak=%s,warmup=%zu,warmup_style=%s,steps=%zu",
           fslaw_num(o->peak, b), o->warmup, o->warmup_inclusive ? "inclusive" : "standard",
           o->steps);
  fslaw_schedule *s;
  fslaw_status st = fslaw_schedule_create(spec, &s, err);
  if (st) return st;
  fslaw_schedule_eval(s, lr, o->steps, NULL);
  fslaw_schedule_destroy(s);
  apply_head(o, lr);
  return FSLAW_OK;
}

static double final_loss(problem *pb, int with_grad) {
  double loss;
  pb->evals++;
  if (pb->o->progress) pb->o->progress(pb->o->progress_data, pb->evals);
  if (pb->fn(pb->ctx, pb->lr, pb->o->steps, &loss, with_grad ? pb->grad : NULL, &pb->err)) {
    pb->failed = 1;
    return HUGE_VAL;
  }
  return loss;
}

/* ---- shape families -------------------------------------------------------- */

#define FAM_MAXP 3

/* A family member: a tail (for wsd) and up to three parameters in [0, 1]. */
typedef struct {
  problem *pb;     /* the problem */
  int tail;        /* wsd tail index */
  size_t np;       /* number of unit parameters */
  char spec[512];  /* spec of the last evaluated member */
} family_ctx;

static const char *const wsd_tails[] = {"linear", "cosine", "sqrt", "exp", "power"};

/* Spec of the member with unit parameters u[np]. */
static void family_spec(const family_ctx *c, const double *u, char *spec, size_t len) {
  const fslaw_optimize_options *o = c->pb->o;
  char common[160];
  snprintf(common, sizeof common, "warmup=%zu,warmup_style=%s,steps=%zu", o->warmup,
           o->warmup_inclusive ? "inclusive" : "standard", o->steps);
  /* end rates span [min_lr, peak]: min_lr + u (peak - min_lr), which is u peak
   * to the last bit when min_lr = 0 */
  double P = o->peak, m0 = o->min_lr, span = P - m0;
  char b1[32], b2[32], b3[32];
  switch (o->family) {
  case FSLAW_FAMILY_COSINE:
  case FSLAW_FAMILY_LINEAR:
    snprintf(spec, len, "%s:peak=%s,final=%s,%s", fslaw_family_to_string(o->family), fslaw_num(P, b1),
             fslaw_num(m0 + u[0] * span, b2), common);
    break;
  case FSLAW_FAMILY_POWER: { /* p log-uniform in [0.25, 16], peak in [0.02, 1] x max */
    int n = snprintf(spec, len, "power:peak=%s,p=%s,%s", fslaw_num(m0 + span * (0.02 + 0.98 * u[1]), b1),
                     fslaw_num(0.25 * pow(64, u[0]), b2), common);
    if (m0 > 0 && n > 0 && (size_t)n < len)
      snprintf(spec + n, len - (size_t)n, ",final=%s", fslaw_num(m0, b3));
    break;
  }
  default: { /* wsd: decay fraction of the post-warmup steps, end rate, power p */
    size_t post = o->steps - o->warmup;
    size_t start = o->steps - (size_t)llround((0.005 + 0.995 * u[0]) * (double)post);
    if (start >= o->steps) start = o->steps - 1;
    double fin = m0 + (wsd_tails[c->tail][0] == 'e' ? span * pow(1e-3, 1 - u[1]) : u[1] * span);
    int n = snprintf(spec, len, "wsd:peak=%s,decay_start=%zu,tail=%s,final=%s,%s",
                     fslaw_num(P, b1), start, wsd_tails[c->tail], fslaw_num(fin, b2), common);
    if (!strcmp(wsd_tails[c->tail], "power") && n > 0 && (size_t)n < len)
      snprintf(spec + n, len - (size_t)n, ",p=%s", fslaw_num(0.25 * pow(64, u[2]), b1));
  }
  }
}

static double family_value(family_ctx *c, const double *u) {
  family_spec(c, u, c->spec, sizeof c->spec);
  fslaw_schedule *s;
  if (fslaw_schedule_create(c->spec, &s, &c->pb->err)) {
    c->pb->failed = 1;
    return HUGE_VAL;
  }
  fslaw_schedule_eval(s, c->pb->lr, c->pb->o->steps, NULL);
  fslaw_schedule_destroy(s);
  apply_head(c->pb->o, c->pb->lr);
  return final_loss(c->pb, 0);
}

static double family_obj(unsigned n, const double *u, double *g, void *data) {
  (void)n, (void)g;
  return family_value(data, u);
}

/* Grid over the unit box (g points a side), then BOBYQA from the best. */
static double family_search(family_ctx *c, double *best_u, size_t budget) {
  size_t g = c->np == 1 ? 41 : c->np == 2 ? 13 : 7, total = 1;
  for (size_t i = 0; i < c->np; i++) total *= g;
  double best = HUGE_VAL, u[FAM_MAXP];
  for (size_t idx = 0; idx < total; idx++) {
    size_t r = idx;
    for (size_t i = 0; i < c->np; i++, r /= g) u[i] = (double)(r % g) / (double)(g - 1);
    double v = family_value(c, u);
    if (v < best) {
      best = v;
      memcpy(best_u, u, c->np * sizeof *u);
    }
  }
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)c->np);
  if (!opt) return best;
  double lb[FAM_MAXP] = {0, 0, 0}, ub[FAM_MAXP] = {1, 1, 1}, step[FAM_MAXP];
  for (size_t i = 0; i < c->np; i++) step[i] = 0.5 / (double)(g - 1);
  nlopt_set_lower_bounds(opt, lb);
  nlopt_set_upper_bounds(opt, ub);
  nlopt_set_initial_step(opt, step);
  nlopt_set_min_objective(opt, family_obj, c);
  nlopt_set_xtol_abs1(opt, 1e-7);
  nlopt_set_maxeval(opt, (int)budget);
  double x[FAM_MAXP], v = HUGE_VAL;
  memcpy(x, best_u, c->np * sizeof *x);
  if (nlopt_optimize(opt, x, &v) > 0 && v < best) {
    best = v;
    memcpy(best_u, x, c->np * sizeof *x);
  }
  nlopt_destroy(opt);
  return best;
}

static fslaw_status optimize_family(problem *pb, fslaw_optimize_result *res, fslaw_error *err) {
  family_ctx c = {pb, 0, 1, ""};
  int ntails = 1;
  if (pb->o->family == FSLAW_FAMILY_WSD) ntails = 5;
  double best = HUGE_VAL, u[FAM_MAXP];
  size_t budget = pb->o->max_evals ? pb->o->max_evals : 300;
  for (int t = 0; t < ntails; t++) {
    c.tail = t;
    c.np = pb->o->family == FSLAW_FAMILY_POWER ? 2
           : pb->o->family == FSLAW_FAMILY_WSD ? (t == 4 ? 3 : 2)
                                                 : 1;
    double v = family_search(&c, u, budget);
    if (pb->failed) return fslaw_fail(err, FSLAW_EINVAL, "%s", pb->err.msg);
    if (v < best) {
      best = v;
      family_spec(&c, u, res->spec, sizeof res->spec);
    }
  }
  fslaw_schedule *s;
  fslaw_status st = fslaw_schedule_create(res->spec, &s, err);
  if (st) return st;
  fslaw_schedule_eval(s, pb->lr, pb->o->steps, NULL);
  fslaw_schedule_destroy(s);
  apply_head(pb->o, pb->lr);
  res->final_loss = final_loss(pb, 0);
  snprintf(res->reason, sizeof res->reason, "grid and BOBYQA over the %s family",
           fslaw_family_to_string(pb->o->family));
  return FSLAW_OK;
}

/* ---- free form --------------------------------------------------------------- */

/* Knots of the post-warmup part; each knot's rate holds until the next knot
 * (piecewise constant, so coarse stages can place abrupt drops, which laws
 * such as mpl reward; linear pieces trapped the search in smooth decays).
 * Knot m has rate min + (peak - min) prod_{l<=m} (1 - v_l), min = min_lr:
 * every v in [0, 1] gives a valid non-increasing schedule in [min, peak],
 * so plain bounds suffice. */
typedef struct {
  problem *pb;      /* the problem */
  size_t nk;        /* number of knots */
  size_t *pos;      /* knot steps, increasing, first = warmup, last = steps-1 */
  double *eta;      /* knot rates */
  double *gk;       /* d loss / d knot rate */
} knots;

static void knots_to_lr(const knots *K, const double *v) {
  double m0 = K->pb->o->min_lr, r = K->pb->o->peak - m0;
  for (size_t m = 0; m < K->nk; m++) K->eta[m] = m0 + (r *= 1 - v[m]);
  double *lr = K->pb->lr;
  for (size_t m = 0; m < K->nk; m++) {
    size_t end = m + 1 < K->nk ? K->pos[m + 1] : K->pb->o->steps;
    for (size_t k = K->pos[m]; k < end; k++) lr[k] = K->eta[m];
  }
}

static double free_obj(unsigned n, const double *v, double *g, void *data) {
  knots *K = data;
  knots_to_lr(K, v);
  double loss = final_loss(K->pb, g != NULL);
  if (!g) return loss;
  if (!isfinite(loss)) {
    memset(g, 0, n * sizeof *g);
    return 1e300;
  }
  /* adjoint of the piecewise-constant expansion: a knot collects its steps */
  const double *gr = K->pb->grad;
  for (size_t m = 0; m < K->nk; m++) {
    size_t end = m + 1 < K->nk ? K->pos[m + 1] : K->pb->o->steps;
    K->gk[m] = 0;
    for (size_t k = K->pos[m]; k < end; k++) K->gk[m] += gr[k];
  }
  /* d eta_m / d v_l = -(eta_m - min) / (1 - v_l) for m >= l: a suffix sum */
  double suffix = 0, m0 = K->pb->o->min_lr;
  for (size_t l = K->nk; l-- > 0;) {
    suffix += K->gk[l] * (K->eta[l] - m0);
    g[l] = -suffix / (1 - v[l]);
  }
  return loss;
}

static int knots_init(knots *K, problem *pb, size_t nk) {
  const fslaw_optimize_options *o = pb->o;
  size_t first = o->warmup, last = o->steps - 1;
  if (nk > last - first + 1) nk = last - first + 1;
  if (nk < 2) nk = 2;
  K->pb = pb;
  K->nk = nk;
  K->pos = malloc(nk * sizeof *K->pos);
  K->eta = malloc(nk * sizeof *K->eta);
  K->gk = malloc(nk * sizeof *K->gk);
  if (!K->pos || !K->eta || !K->gk) return 0;
  for (size_t m = 0; m < nk; m++)
    K->pos[m] = first + (size_t)llround((double)m * (double)(last - first) / (double)(nk - 1));
  return 1;
}

static void knots_free(knots *K) {
  free(K->pos);
  free(K->eta);
  free(K->gk);
}

/* v of knots K reproducing the current schedule pb->lr at the knots. */
static void lr_to_v(const knots *K, double *v) {
  double m0 = K->pb->o->min_lr, prev = K->pb->o->peak - m0;
  for (size_t m = 0; m < K->nk; m++) {
    double e = K->pb->lr[K->pos[m]] - m0;
    v[m] = prev > 0 ? 1 - e / prev : 0;
    v[m] = v[m] < 0 ? 0 : v[m] > 1 - 1e-12 ? 1 - 1e-12 : v[m];
    prev = e;
  }
}

/* One L-BFGS stage on n knots, started from (and leaving its result in)
 * pb->lr; *exhausted is set when it used its whole budget. */
static fslaw_status knot_stage(problem *pb, size_t n, size_t budget, int *exhausted,
                               fslaw_error *err) {
  knots K;
  double *v = malloc(n * sizeof *v), *lb = calloc(n, sizeof *lb), *ub = malloc(n * sizeof *ub);
  int ok = v && lb && ub && knots_init(&K, pb, n);
  nlopt_opt opt = ok ? nlopt_create(NLOPT_LD_LBFGS, (unsigned)K.nk) : NULL;
  if (opt) {
    for (size_t m = 0; m < K.nk; m++) ub[m] = 1 - 1e-12;
    lr_to_v(&K, v);
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_min_objective(opt, free_obj, &K);
    nlopt_set_ftol_rel(opt, 1e-12);
    nlopt_set_maxeval(opt, (int)budget);
    /* NLopt's default L-BFGS memory grows with the dimension; 10 pairs
     * are plenty and halve the time on every-step stages */
    nlopt_set_vector_storage(opt, 10);
    double val;
    *exhausted |= nlopt_optimize(opt, v, &val) == NLOPT_MAXEVAL_REACHED;
    knots_to_lr(&K, v);
    nlopt_destroy(opt);
  }
  if (ok) knots_free(&K);
  free(v);
  free(lb);
  free(ub);
  if (!ok || !opt) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (pb->failed) return fslaw_fail(err, FSLAW_EINVAL, "%s", pb->err.msg);
  return FSLAW_OK;
}

/* ---- moving the cliffs --------------------------------------------------------
 * Knot stages keep an abrupt drop near the coarse knot it started on: moving
 * it along the ladder means splitting it between two knots, which laws that
 * reward cliffs (mpl) penalise, so the ladder stops in the basin the coarse
 * grid chose (on the bundled 400M fit 0.0012 above the best staircase). So
 * after the ladder, the cliffs of the every-step schedule are fitted by a
 * staircase whose cliff steps and levels BOBYQA tunes together, and L-BFGS
 * on every step then re-tunes every rate; a round is kept only when it
 * lowers the loss. It uses loss values only, so it serves every law; a law
 * whose optimum has no cliffs (smooth decays) gets no round at all. */

#define MAX_CLIFFS 16

/* Step k (> first) is a cliff when it drops the rate by at least 10 % (of
 * its height above the floor m0) and by at least 4 times as much as either
 * neighbouring step (isolated, not a steep stretch of a smooth decay). */
static int is_cliff(const double *lr, size_t k, size_t first, size_t n, double m0) {
  double d = lr[k - 1] - lr[k];
  if (!(d >= 0.1 * (lr[k - 1] - m0)) || !(d > 0)) return 0;
  double before = k - 1 > first ? lr[k - 2] - lr[k - 1] : 0;
  double after = k + 1 < n ? lr[k] - lr[k + 1] : 0;
  return d >= 4 * before && d >= 4 * after;
}

/* The largest cliffs after first, in step order, into pos; returns their
 * number. Rates are compared by their height above the floor m0. */
static size_t find_cliffs(const double *lr, size_t first, size_t n, double m0, size_t *pos) {
  size_t nc = 0;
#define REL(k) (((lr)[k] - m0) / ((lr)[(k) - 1] - m0))
  for (size_t k = first + 1; k < n; k++) {
    if (!is_cliff(lr, k, first, n, m0)) continue;
    if (nc < MAX_CLIFFS) {
      pos[nc++] = k;
      continue;
    }
    size_t weakest = 0; /* full: replace the smallest relative drop if k's is larger */
    for (size_t c = 1; c < nc; c++)
      if (REL(pos[c]) > REL(pos[weakest])) weakest = c;
    if (REL(k) < REL(pos[weakest])) {
      memmove(pos + weakest, pos + weakest + 1, (nc - weakest - 1) * sizeof *pos);
      pos[nc - 1] = k;
    }
  }
#undef REL
  return nc;
}

/* A staircase through the cliffs: level l_0 from the warmup's end, l_c from
 * cliff step x_c on, warmup = x_0 <= x_1 <= ... <= x_K <= steps (x_K =
 * steps: the cliff has gone). Parameters in [0, 1], so bounds alone keep
 * every candidate valid: K + 1 log-decrements of the height above the
 * floor min_lr (h_c = h_{c-1} exp(-LOG_DROP p_c), h_{-1} = peak - min_lr,
 * l_c = min_lr + h_c: evenly scaled down to the floor) then K
 * stick-breaking fractions (x_c = x_{c-1} + (steps - x_{c-1}) p_{K+c},
 * rounded to a step). */
#define LOG_DROP 40.0

typedef struct {
  problem *pb;                /* the problem */
  size_t nc;                  /* cliffs K */
  double x[MAX_CLIFFS + 1];   /* x_0 .. x_K */
  double lev[MAX_CLIFFS + 1]; /* l_0 .. l_K */
} stairs;

static void stairs_to_lr(stairs *S, const double *p) {
  const fslaw_optimize_options *o = S->pb->o;
  size_t K = S->nc, n = o->steps;
  double m0 = o->min_lr, r = o->peak - m0, end = (double)n;
  for (size_t c = 0; c <= K; c++) S->lev[c] = m0 + (r *= exp(-LOG_DROP * p[c]));
  S->x[0] = (double)o->warmup;
  for (size_t c = 1; c <= K; c++)
    S->x[c] = fmin(end, round(S->x[c - 1] + (end - S->x[c - 1]) * p[K + c]));
  double *lr = S->pb->lr;
  for (size_t c = 0; c <= K; c++) {
    size_t to = c < K ? (size_t)S->x[c + 1] : n;
    for (size_t j = (size_t)S->x[c]; j < to; j++) lr[j] = S->lev[c];
  }
}

static double stairs_obj(unsigned np, const double *p, double *g, void *data) {
  (void)np, (void)g;
  stairs *S = data;
  stairs_to_lr(S, p);
  return final_loss(S->pb, 0);
}

/* The staircase through the K cliffs of pb->lr at pos (levels: the rate
 * at each cliff), then BOBYQA on its levels and cliff steps together
 * (derivative-free: the loss is a step function of a cliff's position, and
 * smearing a cliff over a fractional step would split the drop, which mpl
 * penalises at first order, so every step is a kink). */
static fslaw_status stairs_stage(problem *pb, const size_t *pos, size_t K, size_t budget,
                                 int *exhausted, fslaw_error *err) {
  stairs S = {pb, K, {0}, {0}};
  size_t np = 2 * K + 1;
  double p[2 * MAX_CLIFFS + 1], lb[2 * MAX_CLIFFS + 1] = {0}, ub[2 * MAX_CLIFFS + 1];
  const fslaw_optimize_options *o = pb->o;
  double m0 = o->min_lr, prev = o->peak - m0, x = (double)o->warmup, end = (double)o->steps;
  for (size_t c = 0; c <= K; c++) {
    double e = pb->lr[c ? pos[c - 1] : o->warmup] - m0;
    p[c] = e > 0 && prev > 0 ? fmin(fmax(log(prev / e) / LOG_DROP, 0), 1) : 1;
    prev = e;
    if (c) {
      p[K + c] = ((double)pos[c - 1] - x) / (end - x);
      x = (double)pos[c - 1];
    }
  }
  for (size_t i = 0; i < np; i++) ub[i] = 1;
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)np);
  if (!opt) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  double step[2 * MAX_CLIFFS + 1];
  for (size_t i = 0; i < np; i++) step[i] = i <= K ? 0.005 : 0.02; /* x1.2 rate, 2 % of the steps left */
  nlopt_set_lower_bounds(opt, lb);
  nlopt_set_upper_bounds(opt, ub);
  nlopt_set_initial_step(opt, step);
  nlopt_set_min_objective(opt, stairs_obj, &S);
  nlopt_set_xtol_abs1(opt, 1e-6);
  nlopt_set_ftol_rel(opt, 1e-12);
  nlopt_set_maxeval(opt, (int)budget);
  double val;
  *exhausted |= nlopt_optimize(opt, p, &val) == NLOPT_MAXEVAL_REACHED;
  stairs_to_lr(&S, p);
  nlopt_destroy(opt);
  if (pb->failed) return fslaw_fail(err, FSLAW_EINVAL, "%s", pb->err.msg);
  return FSLAW_OK;
}

static fslaw_status optimize_free(problem *pb, fslaw_optimize_result *res, fslaw_error *err) {
  const fslaw_optimize_options *o = pb->o;
  size_t post = o->steps - o->warmup, budget = o->max_evals ? o->max_evals : 400;
  /* start from a cosine to 10 % of the way from the floor to the peak */
  double m0 = o->min_lr, span = o->peak - m0;
  for (size_t k = o->warmup; k < o->steps; k++)
    pb->lr[k] = m0 + span * (0.1 + 0.45 * (1 + cos(FSLAW_PI * (double)(k - o->warmup) / (double)post)));
  int exhausted = 0;
  fslaw_status st = FSLAW_OK;
  for (size_t nk = 32; !st; nk *= 8) {
    size_t n = nk < post ? nk : post;
    exhausted = 0; /* a coarse stage's budget does not matter: finer ones refine it */
    st = knot_stage(pb, n, budget, &exhausted, err);
    if (n == post) break;
  }
  if (st) return st;
  /* then alternately: a staircase through the cliffs with its cliffs moved
   * jointly with its levels, and every step again; kept while it helps */
  double best = final_loss(pb, 0), *keep = malloc(post * sizeof *keep);
  if (!keep) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  size_t rounds = 0, pos[MAX_CLIFFS], nc, cliffs = 0;
  while (!st && rounds < 4 && (nc = find_cliffs(pb->lr, o->warmup, o->steps, m0, pos)) > 0) {
    cliffs = 1;
    memcpy(keep, pb->lr + o->warmup, post * sizeof *keep);
    int ex = 0;
    st = stairs_stage(pb, pos, nc, budget, &ex, err);
    if (!st) st = knot_stage(pb, post, budget, &ex, err);
    double v = st ? HUGE_VAL : final_loss(pb, 0);
    if (!(v < best)) { /* no gain: the round is undone */
      memcpy(pb->lr + o->warmup, keep, post * sizeof *keep);
      break;
    }
    exhausted |= ex;
    int small = v > best - 1e-9 * fabs(best);
    best = v;
    rounds++;
    if (small) break;
  }
  free(keep);
  if (st) return st;
  if (pb->failed) return fslaw_fail(err, FSLAW_EINVAL, "%s", pb->err.msg);
  res->final_loss = best;
  res->budget_used = exhausted;
  snprintf(res->reason, sizeof res->reason,
           "L-BFGS on 32, 256, ... knots up to every step, then %zu BOBYQA round%s on its "
           "cliffs%s: %s", rounds, rounds == 1 ? "" : "s",
           !cliffs ? " (none found)" : rounds ? "" : " (no gain)",
           exhausted ? "the last stage hit its evaluation budget" : "converged");
  return FSLAW_OK;
}

fslaw_status fslaw_optimize_custom(fslaw_final_loss_fn fn, void *ctx,
                                   const fslaw_optimize_options *o, double *lr,
                                   fslaw_optimize_result *res, fslaw_error *err) {
  fslaw_optimize_result unused;
  if (!res) res = &unused;
  memset(res, 0, sizeof *res);
  if (!o) return fslaw_fail(err, FSLAW_EINVAL, "options are NULL");
  if (!(o->peak > 0) || !isfinite(o->peak))
    return fslaw_fail(err, FSLAW_EINVAL, "peak must be positive and finite, got %g", o->peak);
  if (!(o->min_lr >= 0) || !(o->min_lr < o->peak))
    return fslaw_fail(err, FSLAW_EINVAL, "min_lr must be in [0, peak) (peak %g), got %g", o->peak,
                      o->min_lr);
  if (o->steps < 2 || o->warmup + 2 > o->steps)
    return fslaw_fail(err, FSLAW_EINVAL, "need at least 2 steps after warmup (steps %zu, warmup %zu)",
                      o->steps, o->warmup);
  if ((unsigned)o->family > FSLAW_FAMILY_POWER)
    return fslaw_fail(err, FSLAW_EINVAL, "unknown family %d", (int)o->family);
  for (size_t k = 0; o->head && k < o->warmup; k++)
    if (!(o->head[k] >= 0) || !isfinite(o->head[k]))
      return fslaw_fail(err, FSLAW_EINVAL, "head rate %zu must be finite and non-negative, got %g",
                        k, o->head[k]);
  problem pb = {fn, ctx, o, lr, NULL, 0, 0, {""}};
  fslaw_status st = base_schedule(o, lr, err);
  if (st) return st;
  if (o->family == FSLAW_FAMILY_FREE) {
    pb.grad = malloc(o->steps * sizeof *pb.grad);
    if (!pb.grad) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    st = optimize_free(&pb, res, err);
    free(pb.grad);
  } else {
    st = optimize_family(&pb, res, err);
  }
  res->evaluations = pb.evals;
  return st;
}

/* A fitted law and its parameters, for the callback below. */
typedef struct {
  const fslaw_law *law; /* the law */
  const double *params; /* its parameters */
} law_ctx;

static fslaw_status law_loss(void *ctx, const double *lr, size_t n, double *loss, double *grad,
                             fslaw_error *err) {
  const law_ctx *c = ctx;
  return fslaw_law_final_loss(c->law, c->params, lr, n, loss, grad, err);
}

fslaw_status fslaw_optimize(const fslaw_law *law, const double *params,
                            const fslaw_optimize_options *o, double *lr,
                            fslaw_optimize_result *res, fslaw_error *err) {
  law_ctx c = {law, params};
  return fslaw_optimize_custom(law_loss, &c, o, lr, res, err);
}
