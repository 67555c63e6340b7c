/* fit_setup.h: the options of a curve-law fit (objective, window, thinning,
 * starts, fixed parameters, bounds, groups of runs and shared parameters),
 * shared by `fslaw fit` and `fslaw cv` so both fit the same way and name
 * their options the same. */
#ifndef FSLAW_CLI_FIT_SETUP_H
#define FSLAW_CLI_FIT_SETUP_H

#include <stdint.h>

#include "cli.h"

/* Option texts as given (NULL: the default). */
typedef struct cli_fit_opts {
  const char *huber, *loss, *from, *starts, *max_points; /* single values */
  const char *fix[16], *bound[16];                      /* --fix, --bound values */
  size_t nfix, nbound;                                  /* how many of each */
  const char *group[FSLAW_FIT_MAX_GROUPS];              /* --group NAME=RUN,... values */
  size_t ngroup;                                        /* how many */
  const char *share[16];                                /* --share values */
  size_t nshare;                                        /* how many */
} cli_fit_opts;

/* The cli_opt entries of those options (inside a cli_opt array). */
#define CLI_FIT_OPT_ENTRIES(o)                                     \
  {"huber", OPT_STRING, &(o).huber, 0, 0, 0, 0},                   \
  {"loss", OPT_STRING, &(o).loss, 0, 0, 0, 0},                     \
  {"from", OPT_STRING, &(o).from, 0, 0, 0, 0},                     \
  {"max-points", OPT_STRING, &(o).max_points, 0, 0, 0, 0},         \
  {"starts", OPT_STRING, &(o).starts, 0, 0, 0, 0},                 \
  {"fix", OPT_MULTI, 0, 0, (o).fix, &(o).nfix, 16},                \
  {"bound", OPT_MULTI, 0, 0, (o).bound, &(o).nbound, 16},             \
  {"group", OPT_MULTI, 0, 0, (o).group, &(o).ngroup, FSLAW_FIT_MAX_GROUPS}, \
  {"share", OPT_MULTI, 0, 0, (o).share, &(o).nshare, 16}

/* Their help lines. */
#define CLI_FIT_OPTS_HELP                                                              \
  "  --huber D           Huber delta on log residuals (default 0.001)\n"              \
  "  --loss L            huber (default) or mse (sum of squared log residuals)\n"     \
  "  --from STEP         fit only points at or after STEP (always after warmup)\n"    \
  "  --max-points N      evaluate the law at about N steps per run (default 500;\n"  \
  "                      0 = every logged point): a run logged more densely is\n"  \
  "                      averaged in about N/3 bins of consecutive points, each\n" \
  "                      compared with the law's mean over it (3 steps), with a\n"  \
  "                      note; a bin's mean is less noisy than any one point\n"     \
  "  --starts N          number of starts (default 32)\n"                             \
  "  --fix NAME=VALUE    hold a parameter fixed (repeatable)\n"                       \
  "  --bound NAME=LO:HI  bounds of a parameter (repeatable)\n"

/* Help lines of --group and --share. */
#define CLI_FIT_GROUP_HELP                                                              \
  "  --group NAME=RUN[,RUN...]  the runs of group NAME (repeatable; instead of\n"      \
  "                      RUN arguments). Each group gets its own parameters ...\n"     \
  "  --share P[,P...]    ... except these, which take one value in every group\n"     \
  "                      (e.g. exponents shared across model sizes, MATH.md §5.5);\n"    \
  "                      without it each group is fitted alone, as fslaw fit of its\n"   \
  "                      runs would fit them\n"

/* What the options resolved to. */
typedef struct cli_fit_setup {
  size_t from;       /* --from step (0: right after warmup) */
  size_t max_points; /* points kept per run (0: all) */
  fslaw_loss loss;   /* objective */
  double delta;      /* Huber delta */
  unsigned long shared; /* bit i: parameter i shared by the groups (--share) */
  int quiet;         /* set by the caller: no warnings (given for an earlier fit) */
} cli_fit_setup;

/* The runs of a fit: every path, and where each group's begin. */
typedef struct cli_run_set {
  const char *name[FSLAW_FIT_MAX_GROUPS];  /* group names (pointers into text) */
  size_t first[FSLAW_FIT_MAX_GROUPS + 1];  /* group g's runs: path[first[g] .. first[g+1]) */
  size_t ngroups;                          /* 0: no groups */
  const char **path;                       /* every run path */
  size_t npath;                            /* number of paths */
  char *text[FSLAW_FIT_MAX_GROUPS];        /* copies of the --group values, split in place */
} cli_run_set;

/* The runs from the positional arguments pos[0..npos) or from o's --group
 * values (one of the two); free with cli_run_set_free, also after an error. */
int cli_run_set_make(const char *cmd, const cli_fit_opts *o, const char *const *pos, size_t npos,
                     cli_run_set *rs);
void cli_run_set_free(cli_run_set *rs);
/* The group of path i (0 without groups). */
size_t cli_run_set_group_of(const cli_run_set *rs, size_t i);

/* Whether the groups of o (--group) are fitted one by one, each as a plain
 * fit of its runs would be: without --share, the groups are independent problems,
 * and one multistart over all of them at once does worse than one per group
 * (every group starts from the same point, the best start is the best sum,
 * and the evaluation budget is shared). Here rather than in the library
 * because a plain fit takes its law's rate unit from its own runs' peak
 * (cli_fit_law), which one fslaw_fit of one law cannot give each group; and
 * a cv fold then fits only the group of the run it leaves out. */
int cli_fit_separately(const cli_fit_opts *o);

/* Apply the options to `fit` of `law` (--share included; --group is the
 * caller's, through cli_run_set); errors name the option and `cmd`. */
int cli_fit_configure(const char *cmd, fslaw_fit *fit, const fslaw_law *law,
                      const cli_fit_opts *o, cli_fit_setup *s);

/* A fingerprint of a run's logged losses (steps and values; FNV-1a). */
uint64_t cli_run_fingerprint(const fslaw_run *r);
/* Refuse run i whose fingerprint equals an earlier one's: a log given twice
 * (two names, a copy) counts double in a fit, and a cv fold would fit on the
 * copy of the run it leaves out. Returns 1 after the message. */
int cli_check_distinct(const char *cmd, const cli_run_set *rs, const uint64_t *fp, size_t i);

/* The law --law SPEC for fitting runs[0..n-1] (fslaw_law_create_for_peak at
 * their largest rate), with a note when it reads rates in a unit other
 * than 1 (only when `note`, so that cv says it once per law), naming
 * `group` when not NULL (groups fitted one by one each have their own). */
int cli_fit_law(const char *cmd, const char *spec, fslaw_run *const *runs, size_t n, int note,
                const char *group, fslaw_law **law);
/* Add run r (read from `path`) to the fit, from step `from`. */
int cli_fit_add_run(const char *cmd, fslaw_fit *fit, const char *path, const fslaw_run *r,
                    size_t from);

#endif
