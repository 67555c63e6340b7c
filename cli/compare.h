/* compare.h: --compare of `fslaw optimize` and `fslaw report --optimize`:
 * the optimum and the baselines under other fitted laws, each law's gain of
 * the optimum over its own best baseline, and the verdict on the gain. One
 * implementation, so the page shows what the command prints. */
#ifndef FSLAW_CLI_COMPARE_H
#define FSLAW_CLI_COMPARE_H

#include <stdio.h>

#include "baselines.h"

/* Most laws --compare takes. */
#define CLI_MAX_COMPARE 8

/* The compared laws and what they predict. Rows are the baselines
 * 0..CLI_NBASE-1, then the optimum (CLI_NBASE). */
typedef struct {
  size_t n;                                       /* compared laws */
  const char *const *paths;                       /* their params files */
  const fslaw_law *law[CLI_MAX_COMPARE];          /* the laws */
  const double *p[CLI_MAX_COMPARE];               /* their parameters */
  double loss[CLI_MAX_COMPARE][CLI_NBASE + 1];    /* final loss of row b under law j; NaN: n/a */
  double gain[CLI_MAX_COMPARE + 1];               /* [0] the searched law's, [1 + j] law j's */
} cli_compare;

/* Score every row under every compared law and fill the gains. loss[b] is
 * the searched law's final loss of baseline b (NaN: it does not fit these
 * steps, and the row is left out), rates[b] its rates, best the optimum's,
 * final_loss the optimum's under the searched law. */
void cli_compare_score(cli_compare *c, const double *loss, const double *const *rates,
                       const double *best, size_t steps, double final_loss);

/* The name of compared law j in column heads: its params file's name
 * without extension, or its path when two share a name (as runs are named,
 * cli_run_label); NULL when out of memory. Free it. */
char *cli_compare_label(const cli_compare *c, size_t j);

/* The verdict on the gains (after "  " in fslaw optimize's summary) into
 * buf (200 bytes hold it); returns buf. */
const char *cli_compare_verdict(const cli_compare *c, char *buf, size_t len);

/* The table fslaw optimize prints: every row under each law, the gains,
 * the verdict. */
void cli_compare_print(FILE *f, const cli_compare *c, const double *loss, double final_loss);

#endif
