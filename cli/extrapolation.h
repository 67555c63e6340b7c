/* extrapolation.h: notes when a schedule goes beyond what the runs of a fit
 * covered (its params JSON's "fitted_range"): longer in intrinsic time,
 * earlier, or down to lower or up to higher rates, and when the fitted runs
 * barely determine its final loss. The laws predict there, but nothing
 * fitted checked them (docs/fit.md). Each note is a line of text: the
 * commands print it on stderr ("fslaw CMD: note: TEXT"), `fslaw report`
 * also puts the same text on its page. */
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

/* Receives one note: its text, without "fslaw CMD: note: " and newline. */
typedef void (*cli_note_fn)(void *ctx, const char *text);

/* The first step a law predicts of rates lr[0..n-1] (n >= 1): the one
 * after warmup (the last step when warmup fills the run). */
size_t cli_first_predicted(const double *lr, size_t n);

/* The notes on `name` when rates lr[0..n-1], predicted from step `first` on
 * (the first point scored with a logged loss, else cli_first_predicted),
 * go beyond r; each passed to fn(ctx, text). */
void cli_extrapolation_notes(const cli_fit_range *r, const char *name, const double *lr,
                             size_t n, size_t first, cli_note_fn fn, void *ctx);

/* The same on stderr as "fslaw CMD: note: TEXT", predicted from `first`. */
void cli_note_extrapolation_from(const char *cmd, const cli_fit_range *r, const char *name,
                                 const double *lr, size_t n, size_t first);

/* The same predicted from cli_first_predicted (a schedule without losses). */
void cli_note_extrapolation(const char *cmd, const cli_fit_range *r, const char *name,
                            const double *lr, size_t n);

/* Amplification (fslaw_law_amplification) worth a note. The last points of
 * the runs fitted reach 2-5; the held-out bundled runs, up to 3x longer, up
 * to 40, and there it does not rank the errors (docs/fit.md, "What the runs
 * determine"); the free optimum of fslq that drops early, 81. */
#define CLI_AMPLIFICATION_NOTE 50

/* The amplification of the final loss of rates lr[0..n-1] (law at p), NaN
 * when r records no curvature or it cannot be computed. */
double cli_final_amplification(const cli_fit_range *r, const fslaw_law *law, const double *p,
                               const double *lr, size_t n);

/* The note, passed to fn(ctx, text), when a prediction of `name` whose final
 * loss has amplification amp (cli_final_amplification) is far less
 * determined by the fitted runs than their own curves are. */
void cli_determination_notes(const cli_fit_range *r, const fslaw_law *law, double amp,
                             const char *name, cli_note_fn fn, void *ctx);

/* The same on stderr for `name`'s last step (rates lr[0..n-1], law at p). */
void cli_note_determination(const char *cmd, const cli_fit_range *r, const fslaw_law *law,
                            const double *p, const char *name, const double *lr, size_t n);

#endif
