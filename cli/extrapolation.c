/* extrapolation.c: notes on predictions beyond a fit's runs (extrapolation.h). */
#include "extrapolation.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void cli_read_fit_range(const char *path, const fslaw_law *law, cli_fit_range *r) {
  fslaw_error err;
  if (fslaw_params_read_range(path, &r->range, &r->found, &err)) r->found = 0;
  if (fslaw_params_read_curvature(path, law, r->M, &r->scale, &r->curved, &err)) r->curved = 0;
}

/* Format one note and pass it on (a path in it may be long: no fixed size). */
static void emit(cli_note_fn fn, void *ctx, const char *fmt, ...) {
  char small[1024], *text = small;
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (len < 0) return;
  if ((size_t)len >= sizeof small && (text = malloc((size_t)len + 1))) {
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
  }
  fn(ctx, text ? text : small); /* out of memory: the note cut short */
  if (text != small) free(text);
}

/* The stderr sink of the cli_note_* functions. */
typedef struct {
  const char *cmd;
} to_stderr;

static void print_note(void *ctx, const char *text) {
  fprintf(stderr, "fslaw %s: note: %s\n", ((const to_stderr *)ctx)->cmd, text);
}

size_t cli_first_predicted(const double *lr, size_t n) {
  size_t first = fslaw_warmup_end(lr, n) + 1;
  return first < n ? first : n - 1;
}

double cli_final_amplification(const cli_fit_range *r, const fslaw_law *law, const double *p,
                               const double *lr, size_t n) {
  double amp;
  fslaw_error err;
  if (!r->curved || n < 2 || fslaw_law_amplification(law, p, r->M, lr, n, n - 1, &amp, NULL, &err))
    return NAN;
  return amp;
}

void cli_determination_notes(const cli_fit_range *r, const fslaw_law *law, double amp,
                             const char *name, cli_note_fn fn, void *ctx) {
  if (!r->curved || !(amp >= CLI_AMPLIFICATION_NOTE)) return;
  if (isinf(amp)) {
    emit(fn, ctx, "%s: the fitted runs do not determine its final loss: it moves along a "
                  "combination of the parameters that leaves the fitted curves unchanged; fit a "
                  "run more like it", name);
    return;
  }
  size_t np = fslaw_law_nparams(law), k = 0; /* the RMS of the ratio over the fitted points is sqrt(k) */
  for (size_t i = 0; i < np; i++) k += r->M[i * np + i] > 0;
  emit(fn, ctx, "%s: the fitted runs barely determine its final loss: when the parameters move, "
                "it moves %.3gx as much as the fitted curves do (their RMS change; over the fitted "
                "points themselves this ratio has RMS %.2g), so parameters that fit the runs as "
                "well predict it differently; a fitted run more like it would pin it down",
       name, amp, sqrt((double)k));
}

void cli_note_determination(const char *cmd, const cli_fit_range *r, const fslaw_law *law,
                            const double *p, const char *name, const double *lr, size_t n) {
  to_stderr s = {cmd};
  cli_determination_notes(r, law, cli_final_amplification(r, law, p, lr, n), name, print_note, &s);
}

/* Why `name`, predicted from step `first` at intrinsic time t0, starts well
 * before the first fitted point: the time reached by a step is its rates
 * times its steps, so its peak up to there below the fitted peak, or a first
 * step earlier than any at which the fitted runs could have reached their
 * first point's time (at most the fitted peak per step). */
static void back_in_time(const fslaw_fit_range *f, const char *name, const double *lr,
                         size_t first, double t0, cli_note_fn fn, void *ctx) {
  double peak = 0;
  for (size_t k = 0; k <= first; k++) peak = fmax(peak, lr[k]);
  int lower = peak < 0.99 * f->max_rate;
  /* were its rates the fitted peak's, would it still start well before? */
  int earlier = peak > 0 && f->max_rate > 0 && t0 * (f->max_rate / peak) < 0.5 * f->min_time;
  double fit_step = ceil(f->min_time / f->max_rate) - 1; /* the fit's first point is no earlier */
  char why[320];
  const char *later = "the fit started later, with --from or after a longer warmup: at the "
                      "fitted peak the fitted runs reach that time at step";
  if (lower && earlier)
    snprintf(why, sizeof why, "its rates up to there peak at %.3g, below the fitted runs' %.3g, "
             "and %s %.0f at the earliest", peak, f->max_rate, later, fit_step);
  else if (lower)
    snprintf(why, sizeof why, "its rates up to there peak at %.3g, below the fitted runs' %.3g, "
             "so it has covered less intrinsic time by then", peak, f->max_rate);
  else if (earlier)
    snprintf(why, sizeof why, "%s %.0f at the earliest", later, fit_step);
  else
    snprintf(why, sizeof why, "its rates up to there add up to less than the fitted runs' did");
  emit(fn, ctx, "%s is predicted from step %zu at intrinsic time %.4g, well before the first "
                "fitted point's %.4g (%s): there the prediction extrapolates back in time",
       name, first, t0, f->min_time, why);
}

void cli_extrapolation_notes(const cli_fit_range *r, const char *name, const double *lr,
                             size_t n, size_t first, cli_note_fn fn, void *ctx) {
  if (!r->found || n < 2) return;
  const fslaw_fit_range *f = &r->range;
  size_t w = fslaw_warmup_end(lr, n);
  double t = 0, t0 = 0, low = -1, high = 0;
  if (first >= n) first = n - 1;
  for (size_t k = 0; k < n; k++) {
    t += lr[k];
    if (k == first) t0 = t; /* as the fit's min_time: the rate of that step included */
    if (k > w && (low < 0 || lr[k] < low)) low = lr[k];
    if (lr[k] > high) high = lr[k];
  }
  /* 1 % of slack: a run like the fitted ones is not an extrapolation */
  if (t > 1.01 * f->max_time)
    emit(fn, ctx, "%s runs to intrinsic time %.4g, %.3gx the longest fitted run's %.4g (step "
                  "%zu): beyond that the prediction extrapolates in time",
         name, t, t / f->max_time, f->max_time, f->max_step);
  if (t0 < 0.5 * f->min_time) back_in_time(f, name, lr, first, t0, fn, ctx);
  /* rates that differ by less than 1e-3 of the fitted peak are alike: the
   * last steps of two decays to 0 (4e-9 fitted, 1e-9 predicted) are both 0 */
  if (low >= 0 && low < 0.99 * f->min_rate && f->min_rate - low > 1e-3 * f->max_rate)
    emit(fn, ctx, "%s goes down to rate %.3g, below the lowest fitted rate %.3g: there the "
                  "prediction extrapolates the law's response to the rate",
         name, low, f->min_rate);
  if (high > 1.01 * f->max_rate)
    emit(fn, ctx, "%s reaches rate %.3g, above the highest fitted rate %.3g: there the "
                  "prediction extrapolates the law's response to the rate (fit runs with that "
                  "peak to check it)",
         name, high, f->max_rate);
}

void cli_note_extrapolation_from(const char *cmd, const cli_fit_range *r, const char *name,
                                 const double *lr, size_t n, size_t first) {
  to_stderr s = {cmd};
  cli_extrapolation_notes(r, name, lr, n, first, print_note, &s);
}

void cli_note_extrapolation(const char *cmd, const cli_fit_range *r, const char *name,
                            const double *lr, size_t n) {
  if (n) cli_note_extrapolation_from(cmd, r, name, lr, n, cli_first_predicted(lr, n));
}
