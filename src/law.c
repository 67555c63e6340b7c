/* law.c: the law registry, law specs and prepared evaluations (fslaw/law.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/law.h"
#include "fslaw/optimize.h"
#include "fslaw/schedule.h"
#include "internal.h"
#include "law_kind.h"

/* The registry: one line per law. */
static const law_kind *const kinds[] = {&fslaw_law_fsl,  &fslaw_law_fslconv, &fslaw_law_fslk,
                                        &fslaw_law_fslq, &fslaw_law_fslkq,   &fslaw_law_mpl,
                                        &fslaw_law_mtl};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct fslaw_law {
  const law_kind *kind; /* the law */
  law_opts opts;        /* its options */
  char *spec;           /* the spec it was made from */
};

struct fslaw_law_eval {
  const law_kind *kind; /* the law */
  void *state;          /* the law's precomputed state */
  size_t warmup;        /* detected warmup end */
};

size_t fslaw_law_kind_count(void) { return NKINDS; }
const char *fslaw_law_kind_name(size_t i) { return i < NKINDS ? kinds[i]->name : NULL; }
const char *fslaw_law_kind_help(size_t i) { return i < NKINDS ? kinds[i]->help : NULL; }

static int has_option(const law_kind *k, const char *key) {
  size_t n = strlen(key);
  for (const char *p = k->options; p && *p;) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    if (len == n && !strncmp(p, key, n)) return 1;
    p = c ? c + 1 : p + len;
  }
  return 0;
}

static fslaw_status set_option(const law_kind *k, law_opts *o, const char *key, const char *v,
                               fslaw_error *err) {
  if (strcmp(key, "eps") && strcmp(key, "unit") && !has_option(k, key))
    return fslaw_fail(err, FSLAW_EINVAL, "unknown key '%s' for law '%s' (keys: eps, unit%s%s)", key,
                      k->name, k->options ? ", " : "", k->options ? k->options : "");
  if (!strcmp(key, "convention")) {
    if (strcmp(v, "paper") && strcmp(v, "code"))
      return fslaw_fail(err, FSLAW_EINVAL, "key 'convention': expected paper or code, got '%s'", v);
    o->code_convention = !strcmp(v, "code");
    return FSLAW_OK;
  }
  char *end;
  errno = 0;
  double x = fslaw_strtod(v, &end);
  if (end == v || *end || !isfinite(x))
    return fslaw_fail(err, FSLAW_EINVAL, "key '%s': expected a number, got '%s'", key, v);
  if (!strcmp(key, "eps")) {
    if (x < 0 || x > 0.5)
      return fslaw_fail(err, FSLAW_EINVAL, "key 'eps': must lie in [0, 0.5], got %g", x);
    o->eps = x;
  } else if (!strcmp(key, "ref") || !strcmp(key, "unit")) {
    if (!(x > 0))
      return fslaw_fail(err, FSLAW_EINVAL, "key '%s': must be positive, got %g", key, x);
    if (!strcmp(key, "ref")) o->ref = x;
    else o->unit = x;
  } else { /* lambda */
    if (x < 0 || x >= 1)
      return fslaw_fail(err, FSLAW_EINVAL, "key 'lambda': must lie in [0, 1), got %g", x);
    o->lambda = x;
  }
  return FSLAW_OK;
}

static fslaw_status parse_options(const law_kind *k, law_opts *o, char *items,
                                  fslaw_error *err) {
  for (char *item = items, *next; item && *item; item = next) {
    next = strchr(item, ',');
    if (next) *next++ = '\0';
    char *eq = strchr(item, '=');
    if (!eq || eq == item || !eq[1])
      return fslaw_fail(err, FSLAW_EINVAL, "law '%s': expected key=value, got '%s'", k->name, item);
    *eq = '\0';
    fslaw_status st = set_option(k, o, item, eq + 1, err);
    if (st) return st;
  }
  return FSLAW_OK;
}

fslaw_status fslaw_law_create(const char *spec, fslaw_law **out, fslaw_error *err) {
  *out = NULL;
  if (!spec) return fslaw_fail(err, FSLAW_EINVAL, "law spec is NULL");
  const char *colon = strchr(spec, ':');
  size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
  const law_kind *kind = NULL;
  for (size_t i = 0; i < NKINDS; i++)
    if (strlen(kinds[i]->name) == nlen && !strncmp(kinds[i]->name, spec, nlen)) kind = kinds[i];
  if (!kind) {
    char known[256] = "";
    for (size_t i = 0; i < NKINDS; i++) {
      if (i) strncat(known, ", ", sizeof known - strlen(known) - 1);
      strncat(known, kinds[i]->name, sizeof known - strlen(known) - 1);
    }
    return fslaw_fail(err, FSLAW_EINVAL, "unknown law '%.*s' (known: %s)", (int)nlen, spec, known);
  }
  fslaw_law *law = calloc(1, sizeof *law);
  char *items = fslaw_strdup(colon ? colon + 1 : "");
  if (!law || !items || !(law->spec = fslaw_strdup(spec))) {
    free(items);
    fslaw_law_destroy(law);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  law->kind = kind;
  law->opts.eps = 0.1;
  law->opts.lambda = 0.999;
  law->opts.ref = 1e-3;
  law->opts.unit = 1;
  fslaw_status st = parse_options(kind, &law->opts, items, err);
  free(items);
  if (st) {
    fslaw_law_destroy(law);
    return st;
  }
  *out = law;
  return FSLAW_OK;
}

/* Whether spec NAME:key=value,... sets key. */
static int spec_sets(const char *spec, const char *key) {
  size_t n = strlen(key);
  for (const char *p = strchr(spec, ':'); p; p = strchr(p, ','))
    if (!strncmp(++p, key, n) && p[n] == '=') return 1;
  return 0;
}

fslaw_status fslaw_law_create_for_peak(const char *spec, double peak, fslaw_law **out,
                                       fslaw_error *err) {
  *out = NULL;
  if (!(peak > 0) || !isfinite(peak))
    return fslaw_fail(err, FSLAW_EINVAL, "the peak rate must be positive and finite, got %g", peak);
  fslaw_status st = fslaw_law_create(spec, out, err);
  if (st || spec_sets(spec, "unit")) return st;
  char u[32];
  snprintf(u, sizeof u, "%.6g", peak / FSLAW_LAW_DESIGN_PEAK);
  if (fslaw_strtod(u, NULL) == 1) return FSLAW_OK;
  size_t n = strlen(spec) + strlen(u) + 8;
  char *scaled = malloc(n);
  if (!scaled) {
    fslaw_law_destroy(*out);
    *out = NULL;
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  const char *colon = strchr(spec, ':');
  snprintf(scaled, n, "%s%sunit=%s", spec, !colon ? ":" : colon[1] ? "," : "", u);
  fslaw_law_destroy(*out);
  st = fslaw_law_create(scaled, out, err);
  free(scaled);
  return st;
}

double fslaw_law_unit(const fslaw_law *law) { return law->opts.unit; }

void fslaw_law_destroy(fslaw_law *law) {
  if (!law) return;
  free(law->spec);
  free(law);
}

const char *fslaw_law_name(const fslaw_law *law) { return law->kind->name; }
const char *fslaw_law_spec(const fslaw_law *law) { return law->spec; }
const char *fslaw_law_formula(const fslaw_law *law) { return law->kind->formula; }
size_t fslaw_law_nparams(const fslaw_law *law) { return law->kind->np; }

static const law_param *param(const fslaw_law *law, size_t i) {
  return i < law->kind->np ? &law->kind->params[i] : NULL;
}
const char *fslaw_law_param_name(const fslaw_law *law, size_t i) {
  return param(law, i) ? param(law, i)->name : NULL;
}
double fslaw_law_param_lower(const fslaw_law *law, size_t i) {
  return param(law, i) ? param(law, i)->lo : NAN;
}
double fslaw_law_param_upper(const fslaw_law *law, size_t i) {
  return param(law, i) ? param(law, i)->hi : NAN;
}
double fslaw_law_param_start(const fslaw_law *law, size_t i) {
  return param(law, i) ? param(law, i)->start : NAN;
}
void fslaw_law_param_start_range(const fslaw_law *law, size_t i, double *lo, double *hi) {
  const law_param *p = param(law, i);
  *lo = p ? p->start_lo : NAN;
  *hi = p ? p->start_hi : NAN;
}
int fslaw_law_param_logscale(const fslaw_law *law, size_t i) {
  return param(law, i) ? param(law, i)->logscale : 0;
}
long fslaw_law_param_index(const fslaw_law *law, const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < law->kind->np; i++)
    if (!strcmp(law->kind->params[i].name, name)) return (long)i;
  return -1;
}

fslaw_status fslaw_check_steps(const size_t *at, size_t nat, size_t nsteps, fslaw_error *err) {
  for (size_t i = 0; i < nat; i++) {
    if (at[i] >= nsteps)
      return fslaw_fail(err, FSLAW_EINVAL, "step %zu lies beyond the schedule's %zu steps", at[i],
                        nsteps);
    if (i && at[i] <= at[i - 1])
      return fslaw_fail(err, FSLAW_EINVAL, "steps to predict must increase (%zu after %zu)",
                        at[i], at[i - 1]);
  }
  return FSLAW_OK;
}

/* The rates are usable: finite and not negative. */
static fslaw_status check_rates(const double *lr, size_t nsteps, fslaw_error *err) {
  for (size_t k = 0; k < nsteps; k++)
    if (!(lr[k] >= 0) || !isfinite(lr[k]))
      return fslaw_fail(err, FSLAW_EINVAL, "learning rate of step %zu is %g", k, lr[k]);
  return FSLAW_OK;
}

/* The rates as the law reads them, lr / unit: lr itself when the unit is 1,
 * else a copy in *own (NULL when out of memory). The unit lets the bounds and
 * starts of a law, made for runs that peak at FSLAW_LAW_DESIGN_PEAK, serve
 * runs of any peak (fslaw_law_create_for_peak). */
static const double *in_unit(const fslaw_law *law, const double *lr, size_t n, double **own) {
  *own = NULL;
  if (law->opts.unit == 1) return lr;
  if (!(*own = malloc((n ? n : 1) * sizeof **own))) return NULL;
  for (size_t k = 0; k < n; k++) (*own)[k] = lr[k] / law->opts.unit;
  return *own;
}

/* A law prepared on in (checked). */
static fslaw_status eval_prepare(const fslaw_law *law, const law_input *in, fslaw_law_eval **out,
                                 fslaw_error *err) {
  *out = NULL;
  fslaw_law_eval *ev = calloc(1, sizeof *ev);
  if (!ev) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  ev->kind = law->kind;
  ev->warmup = in->warmup;
  fslaw_status st = law->kind->prepare(&law->opts, in, &ev->state, err);
  if (st) {
    free(ev);
    return st;
  }
  *out = ev;
  return FSLAW_OK;
}

fslaw_status fslaw_law_eval_create(const fslaw_law *law, const double *lr, size_t nsteps,
                                   const size_t *at, size_t nat, fslaw_law_eval **out,
                                   fslaw_error *err) {
  *out = NULL;
  fslaw_status st = fslaw_check_steps(at, nat, nsteps, err);
  if (!st) st = check_rates(lr, nsteps, err);
  if (st) return st;
  double *T = malloc((nsteps ? nsteps : 1) * sizeof *T), *own;
  lr = in_unit(law, lr, nsteps, &own);
  if (!T || !lr) {
    free(T);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  fslaw_intrinsic_time(lr, nsteps, T);
  law_input in = {lr, T, nsteps, at, nat, fslaw_warmup_end(lr, nsteps), NULL};
  st = eval_prepare(law, &in, out, err);
  free(T);
  free(own);
  return st;
}

void fslaw_law_eval_destroy(fslaw_law_eval *ev) {
  if (!ev) return;
  ev->kind->release(ev->state);
  free(ev);
}

size_t fslaw_law_eval_warmup(const fslaw_law_eval *ev) { return ev->warmup; }

void fslaw_law_eval_predict(const fslaw_law_eval *ev, const double *params, double *pred,
                            double *jac) {
  ev->kind->predict(ev->state, params, pred, jac);
}

/* A loss is positive: a law that predicts 0 or less has left the range where
 * it means anything (its drop terms outgrow L0 far from the fitted runs), and
 * a number below 0 would read as a prediction. */
static fslaw_status non_positive(fslaw_error *err, double loss, size_t step) {
  return fslaw_fail(err, FSLAW_EDIVERGED, "the law predicts a loss of %.4g at step %zu: a loss "
                    "is positive, so the fitted law breaks down for this schedule (far from the "
                    "runs it was fitted to?)", loss, step);
}

/* Parameters a caller set by hand (a params file edited, a library user's
 * array) may hold NaN or inf; named here, they would otherwise surface as a
 * prediction of nan blamed on the law. */
static fslaw_status check_params(const fslaw_law *law, const double *params, fslaw_error *err) {
  for (size_t i = 0; i < law->kind->np; i++)
    if (!isfinite(params[i]))
      return fslaw_fail(err, FSLAW_EINVAL, "law '%s': parameter '%s' is %g; every parameter "
                        "must be a finite number", law->kind->name, law->kind->params[i].name, params[i]);
  return FSLAW_OK;
}

/* Predict in->at in chunks of `chunk` points, sharing in->cache. */
static fslaw_status predict_chunks(const fslaw_law *law, const double *params, law_input in,
                                   size_t chunk, double *pred, fslaw_error *err) {
  const size_t *at = in.at;
  size_t nat = in.nat;
  for (size_t i0 = 0; i0 < nat; i0 += chunk) {
    fslaw_law_eval *ev = NULL;
    in.at = at + i0;
    in.nat = nat - i0 < chunk ? nat - i0 : chunk;
    fslaw_status st = eval_prepare(law, &in, &ev, err);
    if (st) return st;
    fslaw_law_eval_predict(ev, params, pred + i0, NULL);
    fslaw_law_eval_destroy(ev);
  }
  return FSLAW_OK;
}

fslaw_status fslaw_law_predict(const fslaw_law *law, const double *params, const double *lr,
                               size_t nsteps, const size_t *at, size_t nat, double *pred,
                               fslaw_error *err) {
  /* A prepared law keeps its compressed sums for every point (kilobytes
   * each, for repeated evaluation in a fit); a one-off prediction of a long
   * log goes in chunks so that memory does not grow with the points, small
   * enough that their atoms stay in cache. What does not depend on the
   * points (intrinsic time, the levels of block sums) is computed once and
   * shared by the chunks: rebuilt per chunk, it made a 500k-step log cost
   * O(steps) per chunk. */
  enum { CHUNK = 64 };
  fslaw_status st = fslaw_check_steps(at, nat, nsteps, err);
  if (!st && nat) st = check_rates(lr, nsteps, err);
  if (!st && nat) st = check_params(law, params, err);
  if (st || !nat) return st;
  double *T = malloc((nsteps ? nsteps : 1) * sizeof *T), *own;
  law_cache *cache = fslaw_law_cache_create();
  lr = in_unit(law, lr, nsteps, &own);
  if (!T || !cache || !lr) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st) {
    fslaw_intrinsic_time(lr, nsteps, T);
    law_input in = {lr, T, nsteps, at, nat, fslaw_warmup_end(lr, nsteps), cache};
    st = predict_chunks(law, params, in, law->kind->prepare_once ? nat : CHUNK, pred, err);
  }
  free(T);
  free(own);
  fslaw_law_cache_destroy(cache);
  if (st) return st;
  for (size_t i = 0; i < nat; i++) {
    if (!isfinite(pred[i]))
      return fslaw_fail(err, FSLAW_EDIVERGED, "the law's prediction at step %zu is %g", at[i],
                        pred[i]);
    if (pred[i] <= 0) return non_positive(err, pred[i], at[i]);
  }
  return FSLAW_OK;
}

fslaw_status fslaw_law_final_loss(const fslaw_law *law, const double *params, const double *lr,
                                  size_t n, double *loss, double *grad, fslaw_error *err) {
  if (n < 2) return fslaw_fail(err, FSLAW_EINVAL, "a schedule of %zu steps has no final loss", n);
  fslaw_status st = check_params(law, params, err);
  if (st) return st;
  if (!law->kind->final_grad) {
    if (grad)
      return fslaw_fail(err, FSLAW_EINVAL,
                        "law '%s' has no schedule gradient; use a shape family instead",
                        law->kind->name);
    size_t last = n - 1;
    return fslaw_law_predict(law, params, lr, n, &last, 1, loss, err);
  }
  /* grad = NULL: the law computes the loss alone, a fraction of the cost
   * (shape families and the staircase stage of optimize.c need values only) */
  double *T = malloc(n * sizeof *T), *own;
  lr = in_unit(law, lr, n, &own);
  if (!T || !lr) {
    free(T);
    free(own);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  fslaw_intrinsic_time(lr, n, T);
  law_input in = {lr, T, n, NULL, 0, fslaw_warmup_end(lr, n), NULL};
  law->kind->final_grad(&law->opts, &in, params, loss, grad);
  if (grad && law->opts.unit != 1) /* d/d lr of L(lr / unit) */
    for (size_t k = 0; k < n; k++) grad[k] /= law->opts.unit;
  free(T);
  free(own);
  if (!isfinite(*loss))
    return fslaw_fail(err, FSLAW_EDIVERGED, "the law's final loss is %g", *loss);
  if (*loss <= 0) return non_positive(err, *loss, n - 1);
  return FSLAW_OK;
}
