/* extrapolation.h: notes on stderr when a schedule goes beyond what the runs
 * of a fit covered (its params JSON's "fitted_range"): longer in intrinsic
 * time, or down to lower or up to higher rates. The laws predict there, but nothing fitted
 * checked them (docs/fit.md). */
#ifndef FSLAW_CLI_EXTRAPOLATION_H
#define FSLAW_CLI_EXTRAPOLATION_H

#include <stddef.h>

#include "fslaw/fslaw.h"

/* The range recorded in params JSON `path`; found = 0 when there is none. */
typedef struct {
  fslaw_fit_range range; /* what the fitted runs covered */
  int found;             /* the file records it */
} cli_fit_range;

void cli_read_fit_range(const char *path, cli_fit_range *r);

/* Note (cmd: note: ...) when rates lr[0..n-1] of `name` go beyond r. */
void cli_note_extrapolation(const char *cmd, const cli_fit_range *r, const char *name,
                            const double *lr, size_t n);

#endif
