/* compare.c: --compare, the optimum and the baselines under other laws
 * (see compare.h).
 *
 * A law judges the schedules by its own form; when the laws fitted to the
 * same runs disagree on the gain, the runs do not decide it (on synthetic
 * runs of a known law, the free optimum of another law was truly worse than
 * WSD where that law alone promised a gain of 0.012). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "cli.h"

char *cli_compare_label(const cli_compare *c, size_t j) {
  return cli_run_label(c->paths, NULL, c->n, j);
}

/* The least loss of the baselines that fit (loss[b] not NaN) under l. */
static double best_baseline(const double *loss, const double *l) {
  double base = HUGE_VAL;
  for (int b = 0; b < CLI_NBASE; b++)
    if (!isnan(loss[b]) && l[b] < base) base = l[b];
  return base;
}

void cli_compare_score(cli_compare *c, const double *loss, const double *const *rates,
                       const double *best, size_t steps, double final_loss) {
  for (size_t j = 0; j < c->n; j++)
    for (int b = 0; b <= CLI_NBASE; b++) {
      double *v = &c->loss[j][b];
      *v = NAN;
      if ((b == CLI_NBASE || !isnan(loss[b])) &&
          fslaw_law_final_loss(c->law[j], c->p[j], b == CLI_NBASE ? best : rates[b], steps, v,
                               NULL, NULL) != FSLAW_OK)
        *v = NAN;
    }
  c->gain[0] = best_baseline(loss, loss) - final_loss;
  for (size_t j = 0; j < c->n; j++)
    c->gain[j + 1] = best_baseline(loss, c->loss[j]) - c->loss[j][CLI_NBASE];
}

const char *cli_compare_verdict(const cli_compare *c, char *buf, size_t len) {
  double lo = c->gain[0];
  for (size_t j = 0; j < c->n; j++) lo = isnan(c->gain[j + 1]) ? NAN : fmin(lo, c->gain[j + 1]);
  if (isnan(lo)) snprintf(buf, len, "a law could not score every schedule (n/a above)");
  else if (lo <= 0)
    snprintf(buf, len, "the laws disagree: under one of them the optimum is no better than the "
                       "best baseline; the gain rests on the searched law's form, not on your runs");
  else if (lo < 0.5 * c->gain[0])
    snprintf(buf, len, "every law predicts a gain, but the least is %.2g of the searched law's",
             lo / c->gain[0]);
  else snprintf(buf, len, "every law predicts at least half the searched law's gain");
  return buf;
}

void cli_compare_print(FILE *f, const cli_compare *c, const double *loss, double final_loss) {
  char *label[CLI_MAX_COMPARE];
  int w[CLI_MAX_COMPARE];
  fprintf(f, "the same schedules under each law (--compare):\n  %-24s %14s", "", "searched law");
  for (size_t j = 0; j < c->n; j++) {
    label[j] = cli_compare_label(c, j);
    w[j] = label[j] && strlen(label[j]) > 14 ? (int)strlen(label[j]) : 14;
    fprintf(f, " %*s", w[j], label[j] ? label[j] : "?");
  }
  fputc('\n', f);
  for (int b = 0; b <= CLI_NBASE; b++) {
    if (b < CLI_NBASE && isnan(loss[b])) continue;
    fprintf(f, "  %-24s %14.6f", b == CLI_NBASE ? "optimum" : cli_base_name(b),
            b == CLI_NBASE ? final_loss : loss[b]);
    for (size_t j = 0; j < c->n; j++) fprintf(f, " %*.6f", w[j], c->loss[j][b]);
    fputc('\n', f);
  }
  fprintf(f, "  %-24s %14.6f", "gain over best baseline", c->gain[0]);
  for (size_t j = 0; j < c->n; j++) fprintf(f, " %*.6f", w[j], c->gain[j + 1]);
  for (size_t j = 0; j < c->n; j++) free(label[j]);
  char v[200];
  fprintf(f, "\n  %s\n", cli_compare_verdict(c, v, sizeof v));
}
