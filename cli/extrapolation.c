/* extrapolation.c: notes on predictions beyond a fit's runs (extrapolation.h). */
#include "extrapolation.h"

#include <math.h>
#include <stdio.h>

void cli_read_fit_range(const char *path, const fslaw_law *law, cli_fit_range *r) {
  fslaw_error err;
  if (fslaw_params_read_range(path, &r->range, &r->found, &err)) r->found = 0;
  if (fslaw_params_read_curvature(path, law, r->M, &r->scale, &r->curved, &err)) r->curved = 0;
}

void cli_note_determination(const char *cmd, const cli_fit_range *r, const fslaw_law *law,
                            const double *p, const char *name, const double *lr, size_t n) {
  double amp;
  fslaw_error err;
  if (!r->curved || n < 2 || fslaw_law_amplification(law, p, r->M, lr, n, n - 1, &amp, NULL, &err))
    return;
  if (!(amp >= CLI_AMPLIFICATION_NOTE)) return;
  if (isinf(amp)) {
    fprintf(stderr, "fslaw %s: note: %s: the fitted runs do not determine its final loss: it "
                    "moves along a combination of the parameters that leaves the fitted curves "
                    "unchanged; fit a run more like it\n", cmd, name);
    return;
  }
  size_t np = fslaw_law_nparams(law), k = 0; /* the RMS of the ratio over the fitted points is sqrt(k) */
  for (size_t i = 0; i < np; i++) k += r->M[i * np + i] > 0;
  fprintf(stderr, "fslaw %s: note: %s: the fitted runs barely determine its final loss: when the "
                  "parameters move, it moves %.3gx as much as the fitted curves do (their RMS change; "
                  "over the fitted points themselves this ratio has RMS %.2g), so parameters that fit the runs as well "
                  "predict it differently; a fitted run more like it would pin it down\n",
          cmd, name, amp, sqrt((double)k));
}

void cli_note_extrapolation(const char *cmd, const cli_fit_range *r, const char *name,
                            const double *lr, size_t n) {
  if (!r->found || n < 2) return;
  size_t w = fslaw_warmup_end(lr, n);
  double t = 0, low = -1, high = 0;
  for (size_t k = 0; k < n; k++) {
    t += lr[k];
    if (k > w && (low < 0 || lr[k] < low)) low = lr[k];
    if (lr[k] > high) high = lr[k];
  }
  /* 1 % of slack: a run like the fitted ones is not an extrapolation */
  if (t > 1.01 * r->range.max_time)
    fprintf(stderr, "fslaw %s: note: %s runs to intrinsic time %.4g, %.3gx the longest fitted "
                    "run's %.4g (step %zu): beyond that the prediction extrapolates in time\n",
            cmd, name, t, t / r->range.max_time, r->range.max_time, r->range.max_step);
  /* predictions start right after warmup; fits usually do too (--from moves them) */
  double t0 = 0;
  for (size_t k = 0; k <= w && k < n; k++) t0 += lr[k];
  if (t0 < 0.5 * r->range.min_time)
    fprintf(stderr, "fslaw %s: note: %s is predicted from intrinsic time %.4g, well before the "
                    "first fitted point's %.4g (the fit started later, with --from or after a "
                    "longer warmup): there the prediction extrapolates back in time\n",
            cmd, name, t0, r->range.min_time);
  if (low >= 0 && low < 0.99 * r->range.min_rate)
    fprintf(stderr, "fslaw %s: note: %s goes down to rate %.3g, below the lowest fitted rate "
                    "%.3g: there the prediction extrapolates the law's response to the rate\n",
            cmd, name, low, r->range.min_rate);
  if (high > 1.01 * r->range.max_rate)
    fprintf(stderr, "fslaw %s: note: %s reaches rate %.3g, above the highest fitted rate %.3g: "
                    "there the prediction extrapolates the law's response to the rate (fit runs "
                    "with that peak to check it)\n",
            cmd, name, high, r->range.max_rate);
}
