/* schedule.c: spec parsing, the schedule registry and per-step evaluation
 * (MATH.md §3). The kinds themselves live in src/schedules/. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/schedule.h"
#include "internal.h"
#include "schedule_kind.h"

/* The registry: one line per schedule kind. */
static const fslaw_schedule_kind *const kinds[] = {
    &fslaw_sched_constant, &fslaw_sched_cosine,   &fslaw_sched_linear,
    &fslaw_sched_exp,      &fslaw_sched_power,    &fslaw_sched_wsd,
    &fslaw_sched_twostage, &fslaw_sched_multistep, &fslaw_sched_invsqrt,
    &fslaw_sched_cyclic,   &fslaw_sched_file,
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct fslaw_schedule {
  const fslaw_schedule_kind *kind; /* the schedule's kind */
  sched_params p;                  /* parsed parameters */
  char *spec;                      /* the spec it was made from */
};

static const char *const warmup_styles[] = {"standard", "inclusive", NULL};

size_t fslaw_schedule_kind_count(void) { return NKINDS; }
const char *fslaw_schedule_kind_name(size_t i) { return i < NKINDS ? kinds[i]->name : NULL; }
const char *fslaw_schedule_kind_help(size_t i) { return i < NKINDS ? kinds[i]->help : NULL; }

static const fslaw_schedule_kind *find_kind(const char *name, size_t len) {
  for (size_t i = 0; i < NKINDS; i++)
    if (strlen(kinds[i]->name) == len && !strncmp(kinds[i]->name, name, len)) return kinds[i];
  return NULL;
}

static fslaw_status unknown_name(const char *name, size_t len, fslaw_error *err) {
  char known[512] = "";
  for (size_t i = 0; i < NKINDS; i++) {
    if (i) strncat(known, ", ", sizeof known - strlen(known) - 1);
    strncat(known, kinds[i]->name, sizeof known - strlen(known) - 1);
  }
  return fslaw_fail(err, FSLAW_EINVAL, "unknown schedule '%.*s' (known: %s)", (int)len,
                    name, known);
}

/* Parse a finite non-negative number occupying all of v. */
static fslaw_status parse_number(const char *key, const char *v, double *out,
                                 fslaw_error *err) {
  char *end;
  errno = 0;
  double x = fslaw_strtod(v, &end);
  if (end == v || *end || !isfinite(x) || errno == ERANGE)
    return fslaw_fail(err, FSLAW_EINVAL, "key '%s': expected a finite number, got '%s'",
                      key, v);
  if (x < 0)
    return fslaw_fail(err, FSLAW_EINVAL, "key '%s': must not be negative, got '%s'", key, v);
  *out = x;
  return FSLAW_OK;
}

static fslaw_status parse_step(const char *key, const char *v, double *out,
                               fslaw_error *err) {
  fslaw_status st = parse_number(key, v, out, err);
  if (st) return st;
  if (*out != floor(*out) || *out > 1e12)
    return fslaw_fail(err, FSLAW_EINVAL, "key '%s': expected a whole number of steps, got '%s'",
                      key, v);
  return FSLAW_OK;
}

static fslaw_status parse_word(const char *key, const char *v, const char *const *words,
                               double *out, fslaw_error *err) {
  char list[256] = "";
  for (size_t i = 0; words[i]; i++) {
    if (!strcmp(v, words[i])) {
      *out = (double)i;
      return FSLAW_OK;
    }
    if (i) strncat(list, "|", sizeof list - strlen(list) - 1);
    strncat(list, words[i], sizeof list - strlen(list) - 1);
  }
  return fslaw_fail(err, FSLAW_EINVAL, "key '%s': expected one of %s, got '%s'", key, list, v);
}

/* '/'-separated increasing fractions in (0, 1). */
static fslaw_status parse_list(const char *key, const char *v, sched_params *p,
                               fslaw_error *err) {
  char buf[512];
  if (strlen(v) >= sizeof buf) return fslaw_fail(err, FSLAW_EINVAL, "key '%s': value too long", key);
  strcpy(buf, v);
  p->nlist = 0;
  for (char *tok = buf, *next; tok; tok = next) {
    next = strchr(tok, '/');
    if (next) *next++ = '\0';
    double x = 0;
    fslaw_status st = parse_number(key, tok, &x, err);
    if (st) return st;
    if (x <= 0 || x >= 1)
      return fslaw_fail(err, FSLAW_EINVAL, "key '%s': fractions must lie in (0, 1), got '%s'",
                        key, tok);
    if (p->nlist && x <= p->list[p->nlist - 1])
      return fslaw_fail(err, FSLAW_EINVAL, "key '%s': fractions must increase, got '%s'", key, v);
    if (p->nlist == SCHED_MAX_LIST)
      return fslaw_fail(err, FSLAW_EINVAL, "key '%s': at most %d values", key, SCHED_MAX_LIST);
    p->list[p->nlist++] = x;
  }
  return FSLAW_OK;
}

static fslaw_status parse_kind_key(const fslaw_schedule_kind *kind, sched_params *p,
                                   const char *key, const char *v, fslaw_error *err) {
  for (int i = 0; i < SCHED_MAX_KEYS && kind->keys[i].name; i++) {
    const sched_key *k = &kind->keys[i];
    if (strcmp(k->name, key)) continue;
    if (p->set[i]) return fslaw_fail(err, FSLAW_EINVAL, "key '%s' given twice", key);
    p->set[i] = 1;
    switch (k->type) {
    case KEY_NUMBER: return parse_number(key, v, &p->num[i], err);
    case KEY_STEP: return parse_step(key, v, &p->num[i], err);
    case KEY_FRACTION: {
      fslaw_status st = parse_number(key, v, &p->num[i], err);
      if (!st && p->num[i] > 1)
        return fslaw_fail(err, FSLAW_EINVAL, "key '%s': expected a fraction in [0, 1], got '%s'",
                          key, v);
      return st;
    }
    case KEY_WORD: return parse_word(key, v, k->words, &p->num[i], err);
    case KEY_LIST: return parse_list(key, v, p, err);
    case KEY_PATH:
      if (!*v) return fslaw_fail(err, FSLAW_EINVAL, "key '%s': empty path", key);
      p->path = fslaw_strdup(v);
      return p->path ? FSLAW_OK : fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    }
  }
  return FSLAW_EPARSE; /* not a kind key */
}

/* Bit flags of the common keys already seen. */
enum { SEEN_STEPS = 1, SEEN_PEAK = 2, SEEN_WARMUP = 4, SEEN_STYLE = 8, SEEN_FINAL = 16 };

static fslaw_status parse_common_key(const fslaw_schedule_kind *kind, sched_params *p,
                                     const char *key, const char *v, int *seen,
                                     fslaw_error *err) {
  static const char *const names[] = {"steps", "peak", "warmup", "warmup_style", "final"};
  int bit = 0;
  for (int i = 0; i < 5; i++)
    if (!strcmp(key, names[i])) bit = 1 << i;
  if (!bit || kind->no_common || (bit == SEEN_FINAL && !kind->uses_final))
    return FSLAW_EPARSE;
  if (*seen & bit) return fslaw_fail(err, FSLAW_EINVAL, "key '%s' given twice", key);
  *seen |= bit;
  double x = 0;
  fslaw_status st;
  switch (bit) {
  case SEEN_STEPS:
    if ((st = parse_step(key, v, &x, err))) return st;
    p->steps = (size_t)x;
    return FSLAW_OK;
  case SEEN_PEAK: return parse_number(key, v, &p->peak, err);
  case SEEN_WARMUP:
    if ((st = parse_step(key, v, &x, err))) return st;
    p->warmup = (size_t)x;
    return FSLAW_OK;
  case SEEN_STYLE:
    if ((st = parse_word(key, v, warmup_styles, &x, err))) return st;
    p->warmup_inclusive = x == 1;
    return FSLAW_OK;
  default:
    p->final_set = 1;
    return parse_number(key, v, &p->final, err);
  }
}

static fslaw_status unknown_key(const fslaw_schedule_kind *kind, const char *key,
                                fslaw_error *err) {
  char known[512] = "";
  if (!kind->no_common)
    strcpy(known, kind->uses_final ? "steps, peak, warmup, warmup_style, final"
                                   : "steps, peak, warmup, warmup_style");
  for (int i = 0; i < SCHED_MAX_KEYS && kind->keys[i].name; i++) {
    if (*known) strncat(known, ", ", sizeof known - strlen(known) - 1);
    strncat(known, kind->keys[i].name, sizeof known - strlen(known) - 1);
  }
  return fslaw_fail(err, FSLAW_EINVAL, "unknown key '%s' for schedule '%s' (keys: %s)", key,
                    kind->name, known);
}

/* The intrinsic time t (the sum of the rates) must be a finite double: no
 * rate above `rate` (the value of key) over `steps` steps may sum past half
 * the largest double (the compensated sum may round a little above). */
static fslaw_status check_sum(const char *key, double rate, size_t steps, fslaw_error *err) {
  if (rate * (double)steps <= DBL_MAX / 2) return FSLAW_OK;
  return fslaw_fail(err, FSLAW_EINVAL,
                    "key '%s': %g over %zu steps sums past the largest double: the intrinsic "
                    "time t (the sum of the rates) would overflow",
                    key, rate, steps);
}

static fslaw_status parse_items(const fslaw_schedule_kind *kind, sched_params *p,
                                char *items, fslaw_error *err) {
  int seen = 0;
  for (char *item = items, *next; item; item = next) {
    next = strchr(item, ',');
    if (next) *next++ = '\0';
    if (!*item && !next) break; /* trailing comma or empty key list */
    char *eq = strchr(item, '=');
    if (!eq || eq == item)
      return fslaw_fail(err, FSLAW_EINVAL, "schedule '%s': expected key=value, got '%s'",
                        kind->name, item);
    *eq = '\0';
    const char *key = item, *v = eq + 1;
    if (!*v) return fslaw_fail(err, FSLAW_EINVAL, "key '%s': missing value", key);
    fslaw_status st = parse_common_key(kind, p, key, v, &seen, err);
    if (st == FSLAW_EPARSE) st = parse_kind_key(kind, p, key, v, err);
    if (st == FSLAW_EPARSE) return unknown_key(kind, key, err);
    if (st) return st;
  }
  if (kind->no_common) return FSLAW_OK;
  if (!(seen & SEEN_STEPS))
    return fslaw_fail(err, FSLAW_EINVAL, "schedule '%s': missing required key 'steps'",
                      kind->name);
  if (p->steps == 0) return fslaw_fail(err, FSLAW_EINVAL, "key 'steps': must be at least 1");
  if (p->peak <= 0) return fslaw_fail(err, FSLAW_EINVAL, "key 'peak': must be positive");
  if (p->warmup >= p->steps)
    return fslaw_fail(err, FSLAW_EINVAL, "key 'warmup' (%zu) must be less than steps (%zu)",
                      p->warmup, p->steps);
  if (p->final > p->peak)
    return fslaw_fail(err, FSLAW_EINVAL, "key 'final' (%g) must not exceed peak (%g)",
                      p->final, p->peak);
  /* every rate is at most the peak (kinds with other rates check their own) */
  return check_sum("peak", p->peak, p->steps, err);
}

static void params_free(sched_params *p) {
  free(p->path);
  free(p->table);
}

fslaw_status fslaw_schedule_create(const char *spec, fslaw_schedule **out, fslaw_error *err) {
  *out = NULL;
  if (!spec) return fslaw_fail(err, FSLAW_EINVAL, "schedule spec is NULL");
  const char *colon = strchr(spec, ':');
  size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
  const fslaw_schedule_kind *kind = find_kind(spec, nlen);
  if (!kind) return unknown_name(spec, nlen, err);
  fslaw_schedule *s = calloc(1, sizeof *s);
  char *items = fslaw_strdup(colon ? colon + 1 : "");
  if (!s || !items || !(s->spec = fslaw_strdup(spec))) {
    free(items);
    fslaw_schedule_destroy(s);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  s->kind = kind;
  s->p.peak = 1;
  fslaw_status st = parse_items(kind, &s->p, items, err);
  free(items);
  if (!st) st = kind->init(&s->p, err);
  if (st) {
    fslaw_schedule_destroy(s);
    return st;
  }
  *out = s;
  return FSLAW_OK;
}

void fslaw_schedule_destroy(fslaw_schedule *s) {
  if (!s) return;
  params_free(&s->p);
  free(s->spec);
  free(s);
}

fslaw_schedule *fslaw_schedule_copy(const fslaw_schedule *s) {
  fslaw_schedule *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  *c = *s;
  c->spec = fslaw_strdup(s->spec);
  c->p.path = s->p.path ? fslaw_strdup(s->p.path) : NULL;
  c->p.table = s->p.table ? malloc(s->p.ntable * sizeof *c->p.table) : NULL;
  if (!c->spec || (s->p.path && !c->p.path) || (s->p.table && !c->p.table)) {
    fslaw_schedule_destroy(c);
    return NULL;
  }
  if (c->p.table) memcpy(c->p.table, s->p.table, s->p.ntable * sizeof *c->p.table);
  return c;
}

size_t fslaw_schedule_steps(const fslaw_schedule *s) { return s->p.steps; }
size_t fslaw_schedule_warmup(const fslaw_schedule *s) { return s->p.warmup; }
double fslaw_schedule_peak(const fslaw_schedule *s) { return s->p.peak; }
const char *fslaw_schedule_name(const fslaw_schedule *s) { return s->kind->name; }
const char *fslaw_schedule_spec(const fslaw_schedule *s) { return s->spec; }
const char *fslaw_schedule_path(const fslaw_schedule *s) { return s->p.path; }

double fslaw_schedule_rate(const fslaw_schedule *s, size_t k) {
  const sched_params *p = &s->p;
  if (k >= p->steps) return 0;
  if (k < p->warmup) {
    if (p->warmup_inclusive)
      return p->warmup > 1 ? p->peak * (double)k / (double)(p->warmup - 1) : p->peak;
    return p->peak * (double)k / (double)p->warmup;
  }
  return s->kind->rate(p, k);
}

fslaw_status fslaw_schedule_eval(const fslaw_schedule *s, double *lr, size_t n,
                                 fslaw_error *err) {
  if (n > s->p.steps)
    return fslaw_fail(err, FSLAW_EINVAL, "asked for %zu rates of a %zu-step schedule", n,
                      s->p.steps);
  for (size_t k = 0; k < n; k++) lr[k] = fslaw_schedule_rate(s, k);
  return FSLAW_OK;
}

/* Neumaier compensated summation: a 1e6-step sum stays exact to a few ulps. */
typedef struct {
  double sum;  /* running sum */
  double comp; /* accumulated rounding error */
} accurate_sum;

static void accurate_add(accurate_sum *a, double x) {
  double s2 = a->sum + x;
  a->comp += fabs(a->sum) >= fabs(x) ? (a->sum - s2) + x : (x - s2) + a->sum;
  a->sum = s2;
}

void fslaw_intrinsic_time(const double *lr, size_t n, double *t) {
  accurate_sum a = {0, 0};
  for (size_t k = 0; k < n; k++) {
    accurate_add(&a, lr[k]);
    t[k] = a.sum + a.comp;
  }
}

double fslaw_sum(const double *x, size_t n) {
  accurate_sum a = {0, 0};
  for (size_t k = 0; k < n; k++) accurate_add(&a, x[k]);
  return a.sum + a.comp;
}

size_t fslaw_warmup_end(const double *lr, size_t n) {
  /* The ramp may pause: rates logged rounded (3e-5, 3e-5, 4e-5, ...) or a
   * log that starts at step 1 (two zeros). So: the first step at the top of
   * the initial stretch where the rate never decreases, a stretch that ends
   * where the rate rises after a pause longer than the ramp so far (and than
   * 10 steps): a later step up of the rate is not warmup. */
  size_t top = 0, last_rise = 0;
  for (size_t k = 1; k < n && lr[k] >= lr[k - 1]; k++) {
    if (lr[k] > lr[k - 1]) {
      if (k - 1 - last_rise > (top > 10 ? top : 10)) break;
      last_rise = k;
    }
    if (lr[k] > lr[top]) top = k;
  }
  return top;
}

double fslaw_sched_progress(const sched_params *p, size_t start, size_t k) {
  return (double)(k - start) / (double)(p->steps - start);
}

double fslaw_sched_decay(sched_tail tail, double x, double peak, double final, double pw) {
  switch (tail) {
  case TAIL_LINEAR: return peak - (peak - final) * x;
  case TAIL_COSINE: return final + (peak - final) * 0.5 * (1 + cos(FSLAW_PI * x));
  case TAIL_SQRT: return peak - (peak - final) * sqrt(x);
  case TAIL_EXP: return peak * pow(final / peak, x);
  case TAIL_POWER: return final + (peak - final) * pow(1 - x, pw);
  }
  return peak;
}
