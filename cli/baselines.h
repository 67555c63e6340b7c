/* baselines.h: the baseline schedules `fslaw optimize` and `fslaw report
 * --optimize` set beside an optimised schedule: constant, cosine to 0.1
 * peak, cosine to 0, WSD with a 20 % linear tail, and 8-1-1 (steps at 80 %
 * and 90 %), all at the optimum's steps, peak and warmup. One list, so the
 * page and the command's summary always name and build the same schedules. */
#ifndef FSLAW_CLI_BASELINES_H
#define FSLAW_CLI_BASELINES_H

#include <stddef.h>

#include "fslaw/optimize.h"

#define CLI_NBASE 5

/* Display name of baseline b (0 <= b < CLI_NBASE). */
const char *cli_base_name(int b);
/* The schedule spec of baseline b for the steps, peak and warmup of o. */
void cli_base_spec(int b, const fslaw_optimize_options *o, char *spec, size_t len);
/* Rates of baseline b into lr[0..o->steps-1], its first o->warmup the
 * rates o->head when given (zeros when the spec does not fit these steps
 * and warmup); 1 in that case, 0 on success. */
int cli_base_rates(int b, const fslaw_optimize_options *o, double *lr);

/* The shape of a schedule lr of o->steps steps in the terms a schedule is
 * chosen by: its largest rate (after o->warmup when o->head continues a run)
 * into *top (NULL: not wanted), and the last
 * step at or after o->warmup where it is within 1 % of that (o->warmup when
 * none): where its decay starts. */
size_t cli_shape_held(const fslaw_optimize_options *o, const double *lr, double *top);
/* The sentence after "optimum shape: " that fslaw optimize prints and the
 * --optimize page shows (largest rate, held to, decay share, end rate), into
 * buf (320 bytes hold it); returns buf. */
const char *cli_shape_describe(const fslaw_optimize_options *o, const double *lr, char *buf,
                               size_t len);

#endif
