/* fit_setup.c: applying the fit options of fit_setup.h to a fslaw_fit. */
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
  }
  for (size_t k = 0; k < o->nbound; k++) {
    size_t i;
    double lo, hi;
    if (parse_assign(cmd, law, "bound", o->bound[k], &i, &lo, &hi)) return 1;
    if (fslaw_fit_set_bounds(fit, i, lo, hi)) return cli_error(cmd, "option '--bound': %s", fslaw_fit_errmsg(fit));
  }
  return 0;
}

int cli_fit_add_run(const char *cmd, fslaw_fit *fit, const char *path, const fslaw_run *r,
                    size_t from) {
  if (fslaw_fit_add_run(fit, path, fslaw_run_lr(r), fslaw_run_steps(r), fslaw_run_loss_steps(r),
                        fslaw_run_loss(r), fslaw_run_nloss(r), from))
    return cli_error(cmd, "%s: %s", path, fslaw_fit_errmsg(fit));
  return 0;
}
