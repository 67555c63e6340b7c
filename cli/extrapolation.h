/* extrapolation.h: notes on stderr when a schedule goes beyond what the runs
 * of a fit covered (its params JSON's "fitted_range"): longer in intrinsic
 * time, or down to lower or up to higher rates. The laws predict there, but nothing fitted
 * checked them (docs/fit.md). */
#ifndef FSLAW_CLI_EXTRAPOLATION_H
#define FSLAW_CLI_EXTRAPOLATION_H

#include <stddef.h>

#include "fslaw/fslaw.h"

/* The range recorded in params JSON `path` of `law`; found = 0 when there
 * is none; curved = 0 when it records no curvature (older files). */
typedef struct {
  fslaw_fit_range range; /* what the fitted runs covered */
  int found;             /* the file records it */
  double M[FSLAW_MAX_PARAMS * FSLAW_MAX_PARAMS]; /* the fit's curvature */
  double scale;          /* the scale of its log residuals */
  int curved;            /* the file records them */
} cli_fit_range;

void cli_read_fit_range(const char *path, const fslaw_law *law, cli_fit_range *r);

/* Note (cmd: note: ...) when rates lr[0..n-1] of `name` go beyond r. */
void cli_note_extrapolation(const char *cmd, const cli_fit_range *r, const char *name,
                            const double *lr, size_t n);

/* Amplification (fslaw_law_amplification) worth a note. The last points of
 * the runs fitted reach 2-5; the held-out bundled runs, up to 3x longer, up
 * to 40, and there it does not rank the errors (docs/fit.md, "What the runs
 * determine"); the free optimum of fslq that drops early, 81. */
#define CLI_AMPLIFICATION_NOTE 50

/* Note when the prediction of `name`'s last step (rates lr[0..n-1], law at
 * parameters p) is far less determined by the fitted runs than their own
 * curves are (fslaw_law_amplification). */
void cli_note_determination(const char *cmd, const cli_fit_range *r, const fslaw_law *law,
                            const double *p, const char *name, const double *lr, size_t n);

#endif
