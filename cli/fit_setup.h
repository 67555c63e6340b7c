/* fit_setup.h: the options of a curve-law fit (objective, window, thinning,
 * starts, fixed parameters, bounds), shared by `fslaw fit` and `fslaw cv` so
 * both fit the same way and name their options the same. */
#ifndef FSLAW_CLI_FIT_SETUP_H
#define FSLAW_CLI_FIT_SETUP_H

#include "cli.h"

/* Option texts as given (NULL: the default). */
typedef struct cli_fit_opts {
  const char *huber, *loss, *from, *starts, *max_points; /* single values */
  const char *fix[16], *bound[16];                      /* --fix, --bound values */
  size_t nfix, nbound;                                  /* how many of each */
} cli_fit_opts;

/* The cli_opt entries of those options (inside a cli_opt array). */
#define CLI_FIT_OPT_ENTRIES(o)                                     \
  {"huber", OPT_STRING, &(o).huber, 0, 0, 0, 0},                   \
  {"loss", OPT_STRING, &(o).loss, 0, 0, 0, 0},                     \
  {"from", OPT_STRING, &(o).from, 0, 0, 0, 0},                     \
  {"max-points", OPT_STRING, &(o).max_points, 0, 0, 0, 0},         \
  {"starts", OPT_STRING, &(o).starts, 0, 0, 0, 0},                 \
  {"fix", OPT_MULTI, 0, 0, (o).fix, &(o).nfix, 16},                \
  {"bound", OPT_MULTI, 0, 0, (o).bound, &(o).nbound, 16}

/* Their help lines. */
#define CLI_FIT_OPTS_HELP                                                              \
  "  --huber D           Huber delta on log residuals (default 0.001)\n"              \
  "  --loss L            huber (default) or mse (sum of squared log residuals)\n"     \
  "  --from STEP         fit only points at or after STEP (always after warmup)\n"    \
  "  --max-points N      thin each run to N logged points evenly spread over its\n"   \
  "                      window (default 500; 0 = every point): a fit's time grows\n" \
  "                      with the points, so dense logs are thinned, with a note\n"   \
  "  --starts N          number of starts (default 32)\n"                             \
  "  --fix NAME=VALUE    hold a parameter fixed (repeatable)\n"                       \
  "  --bound NAME=LO:HI  bounds of a parameter (repeatable)\n"

/* What the options resolved to. */
typedef struct cli_fit_setup {
  size_t from;       /* --from step (0: right after warmup) */
  size_t max_points; /* points kept per run (0: all) */
  fslaw_loss loss;   /* objective */
  double delta;      /* Huber delta */
} cli_fit_setup;

/* Apply the options to `fit` of `law`; errors name the option and `cmd`. */
int cli_fit_configure(const char *cmd, fslaw_fit *fit, const fslaw_law *law,
                      const cli_fit_opts *o, cli_fit_setup *s);

/* Add run r (read from `path`) to the fit, from step `from`. */
int cli_fit_add_run(const char *cmd, fslaw_fit *fit, const char *path, const fslaw_run *r,
                    size_t from);

#endif
