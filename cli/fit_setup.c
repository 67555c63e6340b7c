/* fit_setup.c: applying the fit options of fit_setup.h to a fslaw_fit. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_setup.h"

/* NAME=VALUE (or NAME=LO:HI with two values) for option `opt`. */
static int parse_assign(const char *cmd, const fslaw_law *law, const char *opt,
                        const char *text, size_t *idx, double *a, double *b) {
  const char *eq = strchr(text, '=');
  char name[64];
  if (!eq || (size_t)(eq - text) >= sizeof name)
    return cli_error(cmd, "option '--%s': expected NAME=%s, got '%s'", opt,
                     b ? "LO:HI" : "VALUE", text);
  memcpy(name, text, (size_t)(eq - text));
  name[eq - text] = '\0';
  long i = fslaw_law_param_index(law, name);
  if (i < 0) return cli_error(cmd, "option '--%s': law '%s' has no parameter '%s'", opt, fslaw_law_name(law), name);
  *idx = (size_t)i;
  char *end;
  *a = strtod(eq + 1, &end);
  if (b) {
    if (*end != ':') return cli_error(cmd, "option '--%s': expected NAME=LO:HI, got '%s'", opt, text);
    *b = strtod(end + 1, &end);
  }
  if (*end || end == eq + 1)
    return cli_error(cmd, "option '--%s': expected a number in '%s'", opt, text);
  return 0;
}

/* Split list (in place) at commas into out[]; empty items are an error. */
static int split_list(const char *cmd, const char *opt, const char *value, char *list,
                      const char **out, size_t *n) {
  for (char *item = list;;) {
    char *comma = strchr(item, ',');
    if (comma) *comma = '\0';
    if (!*item) return cli_error(cmd, "option '--%s': empty item in '%s'", opt, value);
    out[(*n)++] = item;
    if (!comma) return 0;
    item = comma + 1;
  }
}

/* --share P[,P...]: mark the parameters shared. */
static int apply_shares(const char *cmd, const cli_fit_opts *o, fslaw_fit *fit,
                        const fslaw_law *law, unsigned long *shared) {
  *shared = 0;
  if (o->nshare && !o->ngroup)
    return cli_error(cmd, "option '--share' needs groups of runs (--group NAME=RUN,...)");
  for (size_t k = 0; k < o->nshare; k++) {
    char buf[256];
    const char *names[128];
    size_t n = 0;
    if (strlen(o->share[k]) >= sizeof buf)
      return cli_error(cmd, "option '--share': '%s' is too long", o->share[k]);
    strcpy(buf, o->share[k]);
    if (split_list(cmd, "share", o->share[k], buf, names, &n)) return 1;
    for (size_t j = 0; j < n; j++) {
      long i = fslaw_law_param_index(law, names[j]);
      if (i < 0)
        return cli_error(cmd, "option '--share': law '%s' has no parameter '%s'",
                         fslaw_law_name(law), names[j]);
      fslaw_fit_share(fit, (size_t)i);
      *shared |= 1UL << i;
    }
  }
  return 0;
}

int cli_fit_separately(const cli_fit_opts *o) {
  /* a shared parameter held with --fix is one value only in one unit: the
   * groups' own units may differ, so any --share makes one joint fit */
  return o->ngroup && !o->nshare;
}

int cli_fit_configure(const char *cmd, fslaw_fit *fit, const fslaw_law *law,
                      const cli_fit_opts *o, cli_fit_setup *s) {
  size_t *from = &s->from, *max_points = &s->max_points;
  fslaw_loss *loss = &s->loss;
  double *delta = &s->delta;
  *delta = 1e-3;
  *loss = FSLAW_LOSS_HUBER;
  *from = 0;
  if (o->huber) {
    char *end;
    *delta = strtod(o->huber, &end);
    if (*end || !(*delta > 0)) return cli_error(cmd, "option '--huber': expected a positive number, got '%s'", o->huber);
  }
  if (o->loss && !strcmp(o->loss, "mse")) *loss = FSLAW_LOSS_SQUARED;
  else if (o->loss && strcmp(o->loss, "huber")) return cli_error(cmd, "option '--loss': expected huber or mse, got '%s'", o->loss);
  if (fslaw_fit_set_loss(fit, *loss, *delta)) return cli_error(cmd, "%s", fslaw_fit_errmsg(fit));
  size_t n = 0;
  if (o->starts && cli_parse_count(cmd, "starts", o->starts, &n)) return 1;
  if (o->starts && fslaw_fit_set_starts(fit, n))
    return cli_error(cmd, "option '--starts': %s", fslaw_fit_errmsg(fit));
  if (o->from) {
    char *end;
    double v = strtod(o->from, &end);
    if (*end || end == o->from || v < 0 || v != floor(v))
      return cli_error(cmd, "option '--from': expected a step number, got '%s'", o->from);
    *from = (size_t)v;
  }
  *max_points = FSLAW_FIT_MAX_POINTS;
  if (o->max_points) {
    char *end;
    double v = strtod(o->max_points, &end);
    if (*end || end == o->max_points || !(v >= 0) || v != floor(v) || v > 1e12)
      return cli_error(cmd, "option '--max-points': expected 0 (every point) or a whole number "
                              ">= 2, got '%s'", o->max_points);
    *max_points = (size_t)v;
  }
  if (fslaw_fit_set_max_points(fit, *max_points))
    return cli_error(cmd, "option '--max-points': %s", fslaw_fit_errmsg(fit));
  for (size_t k = 0; k < o->nfix; k++) {
    size_t i;
    double v;
    if (parse_assign(cmd, law, "fix", o->fix[k], &i, &v, NULL)) return 1;
    if (fslaw_fit_fix(fit, i, v)) return cli_error(cmd, "option '--fix': %s", fslaw_fit_errmsg(fit));
    double lo = fslaw_law_param_lower(law, i), hi = fslaw_law_param_upper(law, i);
    if (!s->quiet && (v < lo || v > hi)) /* allowed (a bound is a prior, not a law), but likely a slip */
      fprintf(stderr, "fslaw %s: warning: --fix %s holds %s outside its default range [%g, %g]\n",
              cmd, o->fix[k], fslaw_law_param_name(law, i), lo, hi);
  }
  for (size_t k = 0; k < o->nbound; k++) {
    size_t i;
    double lo, hi;
    if (parse_assign(cmd, law, "bound", o->bound[k], &i, &lo, &hi)) return 1;
    if (fslaw_fit_set_bounds(fit, i, lo, hi)) return cli_error(cmd, "option '--bound': %s", fslaw_fit_errmsg(fit));
  }
  return apply_shares(cmd, o, fit, law, &s->shared);
}

void cli_run_set_free(cli_run_set *rs) {
  for (size_t g = 0; g < rs->ngroups; g++) free(rs->text[g]);
  free(rs->path);
  memset(rs, 0, sizeof *rs);
}

size_t cli_run_set_group_of(const cli_run_set *rs, size_t i) {
  size_t g = 0;
  while (g + 1 < rs->ngroups && i >= rs->first[g + 1]) g++;
  return g;
}

/* A group name becomes a file name: letters, digits, '.', '_', '-', not
 * starting with '.' or '-'. */
static int valid_group_name(const char *s) {
  if (!*s || *s == '.' || *s == '-' || strlen(s) > 64) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("._-", *s)) return 0;
  return 1;
}

static int same_ignoring_case(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

/* Group g from its --group value NAME=RUN[,RUN...]. */
static int parse_group(const char *cmd, const char *value, size_t g, cli_run_set *rs) {
  char *t = rs->text[g] = malloc(strlen(value) + 1);
  if (!t) return cli_error(cmd, "out of memory");
  strcpy(t, value);
  rs->ngroups = g + 1;
  char *eq = strchr(t, '=');
  if (!eq || eq[1] == '\0')
    return cli_error(cmd, "option '--group': expected NAME=RUN[,RUN...], got '%s'", value);
  *eq = '\0';
  if (!valid_group_name(t))
    return cli_error(cmd, "option '--group': the name '%s' must be letters, digits, '.', '_' "
                          "or '-', not first '.' or '-' (it names the output file)", t);
  for (size_t h = 0; h < g; h++)
    if (same_ignoring_case(rs->name[h], t))
      return cli_error(cmd, "option '--group': '%s' is given twice (names may not differ "
                            "only in case: they name files)", t);
  rs->name[g] = t;
  rs->first[g] = rs->npath;
  if (split_list(cmd, "group", value, eq + 1, rs->path, &rs->npath)) return 1;
  /* a run in two groups would be fitted twice (and in cv, left out only once) */
  for (size_t i = rs->first[g]; i < rs->npath; i++)
    for (size_t j = 0; j < i; j++) {
      if (strcmp(rs->path[i], rs->path[j]) && !cli_same_file(rs->path[i], rs->path[j])) continue;
      if (j >= rs->first[g])
        return cli_error(cmd, "option '--group': group '%s' lists '%s' twice", t, rs->path[i]);
      return cli_error(cmd, "option '--group': '%s' is in groups '%s' and '%s'; a run "
                            "belongs to one group", rs->path[i], rs->name[cli_run_set_group_of(rs, j)], t);
    }
  return 0;
}

int cli_run_set_make(const char *cmd, const cli_fit_opts *o, const char *const *pos, size_t npos,
                     cli_run_set *rs) {
  memset(rs, 0, sizeof *rs);
  if (o->ngroup && npos)
    return cli_error(cmd, "give runs either as RUN arguments or with --group, not both");
  if (!o->ngroup && !npos) return cli_error(cmd, "expected at least one RUN file");
  size_t cap = npos + 1;
  for (size_t g = 0; g < o->ngroup; g++) cap += strlen(o->group[g]) / 2 + 1;
  if (!(rs->path = malloc(cap * sizeof *rs->path))) return cli_error(cmd, "out of memory");
  for (size_t i = 0; i < npos; i++) rs->path[rs->npath++] = pos[i];
  for (size_t g = 0; g < o->ngroup; g++)
    if (parse_group(cmd, o->group[g], g, rs)) return 1;
  if (rs->ngroups) rs->first[rs->ngroups] = rs->npath;
  return 0;
}

uint64_t cli_run_fingerprint(const fslaw_run *r) {
  uint64_t h = 14695981039346656037ULL;
  const unsigned char *b[2] = {(const unsigned char *)fslaw_run_loss_steps(r),
                               (const unsigned char *)fslaw_run_loss(r)};
  size_t len[2] = {fslaw_run_nloss(r) * sizeof(size_t), fslaw_run_nloss(r) * sizeof(double)};
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < len[k]; i++) h = (h ^ b[k][i]) * 1099511628211ULL;
  return h;
}

int cli_check_distinct(const char *cmd, const cli_run_set *rs, const uint64_t *fp, size_t i) {
  for (size_t j = 0; j < i; j++)
    if (fp[j] == fp[i])
      return cli_error(cmd, "'%s' holds the same logged losses as '%s': give each run once (a "
                            "run given twice counts double%s)", rs->path[i], rs->path[j],
                       strcmp(cmd, "cv") ? "" : ", and a fold would fit on the copy of the run "
                                                 "it leaves out");
  return 0;
}

int cli_fit_law(const char *cmd, const char *spec, fslaw_run *const *runs, size_t n, int note,
                const char *group, fslaw_law **law) {
  double peak = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < fslaw_run_steps(runs[i]); k++) peak = fmax(peak, fslaw_run_lr(runs[i])[k]);
  fslaw_error err; /* no positive rate: the fit itself says what is wrong */
  if (peak > 0 ? fslaw_law_create_for_peak(spec, peak, law, &err) : fslaw_law_create(spec, law, &err))
    return cli_error(cmd, "option '--law': %s", err.msg);
  double u = fslaw_law_unit(*law);
  if (note && u != 1)
    fprintf(stderr, "fslaw %s: note: %s%s%sthe runs peak at a rate of %g, so the law reads rates "
                    "in units of %g (%s): its default bounds and starts are made for a peak of "
                    "%g; --fix and --bound values are in this unit%s\n",
            cmd, group ? "group '" : "", group ? group : "", group ? "': " : "", peak, u,
            fslaw_law_spec(*law), FSLAW_LAW_DESIGN_PEAK, group ? " (in this group)" : "");
  return 0;
}

int cli_fit_add_run(const char *cmd, fslaw_fit *fit, const char *path, const fslaw_run *r,
                    size_t from) {
  if (!fslaw_run_nloss(r)) return cli_error(cmd, "%s: %s", path, CLI_NO_LOSS);
  if (fslaw_fit_add_run(fit, path, fslaw_run_lr(r), fslaw_run_steps(r), fslaw_run_loss_steps(r),
                        fslaw_run_loss(r), fslaw_run_nloss(r), from))
    return cli_error(cmd, "%s: %s", path, fslaw_fit_errmsg(fit));
  return 0;
}
