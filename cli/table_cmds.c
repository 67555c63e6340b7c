/* table_cmds.c: `fslaw fit|predict|eval` for table laws (MATH.md §6, §7):
 * laws over tables of runs (N, D, loss or C, loss) rather than over curves. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "fslaw/table.h"
#include "table_cmds.h"

static int fit_run(int argc, char **argv);
static int predict_run(int argc, char **argv);
static int eval_run(int argc, char **argv);

static const cli_command fit_cmd = {
    "fit", "fit a scaling law over a table of runs",
    "usage: fslaw fit --law chinchilla|kaplan|twophase [--out P.json] [options]\n"
    "                 [[--table] TABLE.csv]\n\n"
    "Fit a law over a table of runs (MATH.md 6, 7): chinchilla and kaplan read the\n"
    "columns N, D, loss; twophase reads C, loss. The Epoch procedure: minimise the\n"
    "summed Huber loss (delta 0.001) of log residuals with L-BFGS, positive parameters\n"
    "as logarithms (the log-sum-exp form), from every point of the law's start grid\n"
    "(chinchilla: 4500 starts), keep the best. Prints a summary; writes the parameters\n"
    "JSON to --out (or to standard output when --out is not given).\n\n"
    "options:\n"
    "  --law NAME          the law (required; see below)\n"
    "  --out F             write the parameters JSON to F\n"
    "  --col NAME=COLUMN   read N, D, C, loss (table) or step, loss, tokens (logs) from COLUMN\n"
    "  --where COL=VALUE   keep only rows where COL equals VALUE (COL!=VALUE: differs);\n"
    "                      numbers compare as numbers (repeatable; all must hold)\n"
    "  --log N:RUN         add every logged checkpoint of the training log RUN (columns\n"
    "                      step, loss, tokens) as a row (N, D = tokens) (repeatable)\n"
    "  --min-tokens T      skip checkpoints of --log runs at or below T tokens\n"
    "  --fix NAME=VALUE    hold a parameter fixed (repeatable; e.g. --fix gamma=0.1667)\n"
    "  --huber D           Huber delta on log residuals (default 0.001)\n"
    "  --grid K            K values (1..8) of each parameter's grid list (default: the full grid)\n"
    "  --ftol F            relative objective tolerance of L-BFGS, in (0, 1) (default 1e-15)\n"
    "  --bootstrap R       refit R resampled tables (rows drawn with replacement): standard\n"
    "                      errors and 95% percentile intervals of every parameter\n"
    "  --seed X            bootstrap seed (default 1); results do not depend on threads\n"
    "  --boot-starts K     refit each resample also from the K next-best distinct optima\n"
    "                      of the grid (default 0: from the full-data optimum only; 4 when\n"
    "                      a parameter collapsed onto a boundary, which fit warns of)\n\n"
    "laws:\n",
    fit_run, cli_table_laws_help};

static const cli_command predict_cmd = {
    "predict", "predict losses of a table with a fitted table law",
    "usage: fslaw predict --params P.json --table T.csv [--col NAME=COLUMN]\n"
    "                     [--where COL=VALUE] [--out F.csv]\n\n"
    "Print CSV with the law's inputs (N,D or C), the table's loss (empty where the table\n"
    "has none) and the prediction pred, one row per table row. Rows whose N or D (or C)\n"
    "lie beyond the range of the fitted rows get a note on standard error.\n",
    predict_run, NULL};

static const cli_command eval_cmd = {
    "eval", "score a fitted table law on a table: absolute relative error per row",
    "usage: fslaw eval --params P.json [--col NAME=COLUMN] [--where COL=VALUE]\n"
    "                  [--out F.csv] (TABLE.csv | --table TABLE.csv)\n\n"
    "Print CSV line,<inputs>,loss,pred,are with are = |loss - pred| / loss for every row\n"
    "(line = its line in TABLE), then a row 'mean' with the mean are ([HH], MATH.md 6).\n",
    eval_run, NULL};

void cli_table_laws_help(FILE *f) {
  for (size_t i = 0; i < fslaw_tlaw_count(); i++)
    fprintf(f, "  %s\n", fslaw_tlaw_help(fslaw_tlaw_get(i)));
  fprintf(f, "\nexample: fslaw fit --law chinchilla --where epoch_excluded=0 --bootstrap 4000 \\\n"
             "           --out chin.json chinchilla_epoch.csv\n"
             "(chinchilla_epoch.csv, Epoch AI's points of Hoffmann et al., is not shipped, as it\n"
             "has no license: github.com/epoch-research/analyzing-chinchilla; docs/scaling.md)\n");
}

int cli_looks_like_table(const char *path) {
  FILE *f = fopen(path, "rb");
  char line[4096];
  int got = f && fgets(line, sizeof line, f);
  if (f) fclose(f);
  int n = 0, d = 0, c = 0, loss = 0, step = 0;
  for (char *p = got ? line : NULL; p && *p;) {
    size_t len = strcspn(p, ",\r\n");
    char *a = p, *b = p + len;
    while (a < b && (*a == ' ' || *a == '"')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '"')) b--;
    size_t k = (size_t)(b - a);
#define IS(w) (k == strlen(w) && !strncmp(a, w, k))
    n |= IS("N"), d |= IS("D"), c |= IS("C"), loss |= IS("loss"), step |= IS("step") || IS("Step");
#undef IS
    p = p[len] == ',' ? p + len + 1 : NULL;
  }
  return !step && ((n && d) || (c && loss));
}

static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  const char *a = argv[*i];
  if (strncmp(a, "--", 2) || strncmp(a + 2, name, n)) return NULL;
  if (a[2 + n] == '=') return a + 3 + n;
  if (a[2 + n] || *i + 1 >= argc) return NULL;
  return argv[++*i];
}

int cli_is_table_invocation(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "--table") || !strncmp(argv[i], "--table=", 8)) return 1;
    const char *v;
    int j = i;
    if ((v = opt_value(argc, argv, &j, "law"))) {
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)strcspn(v, ":"), v);
      if (fslaw_tlaw_find(name)) return 1;
    }
    j = i;
    if ((v = opt_value(argc, argv, &j, "params")) && fslaw_tparams_probe(v)) return 1;
  }
  return 0;
}

/* ---- shared option handling ---- */


int cli_table_spec(const char *cmd, const fslaw_tlaw *law, const cli_table_opts *to,
                   fslaw_table_spec *spec, fslaw_run_columns *rc) {
  memset(spec, 0, sizeof *spec);
  if (rc) memset(rc, 0, sizeof *rc);
  spec->ninputs = fslaw_tlaw_ninputs(law);
  spec->where = to->where;
  spec->nwhere = to->nwhere;
  for (size_t i = 0; i < to->nwhere; i++) { /* the option's fault, not the table's */
    const char *w = to->where[i], *eq = strchr(w, '=');
    if (!eq || eq == w || (eq == w + 1 && *w == '!'))
      return cli_error(cmd, "option '--where': expected COL=VALUE or COL!=VALUE, got '%s'", w);
  }
  for (size_t i = 0; i < to->ncol; i++) {
    const char *s = to->col[i], *eq = strchr(s, '=');
    if (!eq || !eq[1]) return cli_error(cmd, "option '--col': expected NAME=COLUMN, got '%s'", s);
    size_t len = (size_t)(eq - s);
    const char *v = eq + 1;
    int done = 0;
    for (size_t k = 0; k < spec->ninputs; k++)
      if (strlen(fslaw_tlaw_input_name(law, k)) == len && !strncmp(s, fslaw_tlaw_input_name(law, k), len))
        spec->input_col[k] = v, done = 1;
    if (len == 4 && !strncmp(s, "loss", 4)) {
      spec->loss_col = v, done = 1;
      if (rc) rc->loss = v;
    }
    if (rc && len == 6 && !strncmp(s, "tokens", 6)) rc->tokens = v, done = 1;
    if (rc && len == 4 && !strncmp(s, "step", 4)) rc->step = v, done = 1;
    if (!done)
      return cli_error(cmd, "option '--col': law '%s' reads no column called '%.*s' (inputs %s%s%s, loss%s)",
                       fslaw_tlaw_name(law), (int)len, s, fslaw_tlaw_input_name(law, 0),
                       spec->ninputs > 1 ? ", " : "", spec->ninputs > 1 ? fslaw_tlaw_input_name(law, 1) : "",
                       rc ? ", tokens, step" : "");
  }
  return 0;
}

/* NAME=VALUE for a parameter of law. */
static int parse_fix(const fslaw_tlaw *law, const char *text, size_t *idx, double *v) {
  const char *eq = strchr(text, '=');
  char name[64], *end;
  if (!eq || (size_t)(eq - text) >= sizeof name)
    return cli_error("fit", "option '--fix': expected NAME=VALUE, got '%s'", text);
  snprintf(name, sizeof name, "%.*s", (int)(eq - text), text);
  long i = fslaw_tlaw_param_index(law, name);
  if (i < 0) return cli_error("fit", "option '--fix': law '%s' has no parameter '%s'", fslaw_tlaw_name(law), name);
  *idx = (size_t)i;
  *v = strtod(eq + 1, &end);
  if (*end || end == eq + 1 || !isfinite(*v))
    return cli_error("fit", "option '--fix': expected a number in '%s'", text);
  return 0;
}

static int parse_positive(const char *cmd, const char *name, const char *text, double *v) {
  char *end;
  *v = strtod(text, &end);
  if (*end || end == text || !(*v > 0) || !isfinite(*v))
    return cli_error(cmd, "option '--%s': expected a positive number, got '%s'", name, text);
  return 0;
}

/* ---- fit ---- */

/* Everything `fit` takes. */
typedef struct {
  const char *law;        /* --law NAME */
  const char *out;        /* --out F */
  const char *huber;      /* --huber D */
  const char *grid;       /* --grid K */
  const char *ftol;       /* --ftol F */
  const char *boot;       /* --bootstrap R */
  const char *seed;       /* --seed X */
  const char *boot_starts; /* --boot-starts K */
  const char *min_tokens; /* --min-tokens T */
  const char *fix[16];    /* --fix NAME=VALUE */
  const char *logs[64];   /* --log N:RUN */
  size_t nfix;            /* number of --fix */
  size_t nlogs;           /* number of --log */
  cli_table_opts to;          /* --col and --where */
} fit_opts;

/* Append a training log given as N:PATH. */
static int add_log(const char *cmd, fslaw_table *t, const char *spec, const fslaw_run_columns *rc,
                   double min_tok) {
  char *end;
  double n = strtod(spec, &end);
  if (end == spec || *end != ':' || !end[1] || !(n > 0) || !isfinite(n))
    return cli_error(cmd, "option '--log': expected N:RUN with a positive parameter count N, got '%s'", spec);
  fslaw_run *run;
  fslaw_error err;
  if (fslaw_run_read(end + 1, FSLAW_RUN_AUTO, rc, &run, &err)) return cli_error(cmd, "%s", err.msg);
  cli_note_partial_line(cmd, end + 1, run);
  size_t skipped = 0;
  fslaw_status st = fslaw_table_add_run(t, run, n, min_tok, &skipped, &err);
  fslaw_run_destroy(run);
  if (st) return cli_error(cmd, "option '--log': %s: %s", end + 1, err.msg);
  if (skipped)
    fprintf(stderr, "fslaw %s: note: %s: %zu checkpoint%s without positive tokens (such as the "
                    "loss at step 0, before training) %s left out: no D to fit\n", cmd,
            end + 1, skipped, skipped > 1 ? "s" : "", skipped > 1 ? "are" : "is");
  return 0;
}

int cli_table_add_logs(const char *cmd, const fslaw_tlaw *law, fslaw_table *t,
                       const char *const *logs, size_t n, const fslaw_run_columns *rc,
                       const char *min_tokens) {
  double min_tok = 0;
  if (min_tokens && parse_positive(cmd, "min-tokens", min_tokens, &min_tok)) return 1;
  if (n && fslaw_tlaw_ninputs(law) != 2)
    return cli_error(cmd, "option '--log': law '%s' reads C, not N and tokens", fslaw_tlaw_name(law));
  for (size_t i = 0; i < n; i++)
    if (add_log(cmd, t, logs[i], rc, min_tok)) return 1;
  return 0;
}

/* Where row i of the fitted table came from: its line, or its place among
 * the rows (the checkpoints of --log runs have no line). */
static const char *row_name(const fslaw_table *t, size_t i, char b[48]) {
  size_t line = fslaw_table_line(t, i);
  if (line) snprintf(b, 48, "line %zu", line);
  else snprintf(b, 48, "row %zu (--log)", i + 1);
  return b;
}

/* Rows repeating the inputs of an earlier row weigh more in the fit: say
 * which, since a copied row does so by mistake (repeated seeds rightly). */
static int note_repeats(const fslaw_tlaw *law, const fslaw_table *t) {
  enum { SHOWN = 6 };
  fslaw_table_dup d[SHOWN];
  fslaw_error err;
  size_t n;
  int two = fslaw_tlaw_ninputs(law) > 1;
  if (fslaw_table_duplicates(t, d, SHOWN, &n, &err)) return cli_error("fit", "%s", err.msg);
  if (!n) return 0;
  fprintf(stderr, "fslaw fit: note: %zu row%s repeat%s the %s of an earlier row, and every row "
                  "counts in the fit as a measurement of its own, so repeated %s weigh more "
                  "(right for repeated seeds; remove copied rows):",
          n, n > 1 ? "s" : "", n > 1 ? "" : "s", two ? "(N, D)" : "C", two ? "(N, D)" : "C");
  for (size_t j = 0; j < n && j < SHOWN; j++) {
    char a[48], b[48];
    fprintf(stderr, "%s %s %s %s (%s loss)", j ? "," : "", row_name(t, d[j].row, a),
            d[j].same_loss ? "copies" : "repeats", row_name(t, d[j].first, b),
            d[j].same_loss ? "same" : "another");
  }
  if (n > SHOWN) fprintf(stderr, " and %zu more", n - SHOWN);
  fputc('\n', stderr);
  return 0;
}

/* The fitted table: the TABLE positional (if any) plus every --log. */
static int build_table(const fslaw_tlaw *law, const fit_opts *o, const char *const *pos,
                       size_t npos, fslaw_table **t) {
  fslaw_table_spec spec;
  fslaw_run_columns rc;
  fslaw_error err;
  *t = NULL;
  if (cli_table_spec("fit", law, &o->to, &spec, &rc)) return 1;
  if (npos > 1) return cli_error("fit", "expected one TABLE file, got %zu", npos);
  if (!npos && !o->nlogs) return cli_error("fit", "expected a TABLE file or --log N:RUN");
  if (npos && fslaw_table_read(pos[0], &spec, t, &err)) return cli_error("fit", "%s", err.msg);
  if (!npos && !(*t = fslaw_table_create(2))) return cli_error("fit", "out of memory");
  if (cli_table_add_logs("fit", law, *t, o->logs, o->nlogs, &rc, o->min_tokens)) return 1;
  return note_repeats(law, *t);
}

static int configure(fslaw_tfit *fit, const fslaw_tlaw *law, const fit_opts *o, double *delta,
                     unsigned long *fixed) {
  size_t k = 0;
  double v = 0;
  *delta = 1e-3;
  *fixed = 0;
  if (o->huber && (parse_positive("fit", "huber", o->huber, delta) || fslaw_tfit_set_huber(fit, *delta)))
    return 1;
  if (o->grid) { /* one message for every bad K: 0 would mean the full grid to the library */
    char *end;
    unsigned long g = strtoul(o->grid, &end, 10);
    if (*end || end == o->grid || !isdigit((unsigned char)o->grid[0]) || g < 1 || g > 8 ||
        fslaw_tfit_set_grid(fit, (size_t)g))
      return cli_error("fit", "option '--grid': expected a whole number in 1..8 (values of each "
                              "parameter's grid list; leave it out for the full grid), got '%s'", o->grid);
  }
  if (o->ftol) { /* 0 never stops on the objective; 1 or more stops at once */
    char *end;
    v = strtod(o->ftol, &end);
    if (*end || end == o->ftol || !(v > 0 && v < 1) || fslaw_tfit_set_tolerance(fit, v, 1e-12, 10000))
      return cli_error("fit", "option '--ftol': expected a number in (0, 1) (e.g. 1e-15), got '%s'", o->ftol);
  }
  for (size_t j = 0; j < o->nfix; j++) {
    if (parse_fix(law, o->fix[j], &k, &v)) return 1;
    if (fslaw_tfit_fix(fit, k, v)) return cli_error("fit", "option '--fix': %s", fslaw_tfit_errmsg(fit));
    *fixed |= 1UL << k;
  }
  return 0;
}

static void fit_summary(FILE *f, const fslaw_tlaw *law, const double *p, const fslaw_tfit_result *res,
                        double delta, const fslaw_tboot *b) {
  fprintf(f, "law %s: %zu rows\n", fslaw_tlaw_name(law), res->points);
  fprintf(f, "objective %.10g (summed Huber, delta %g)\n", res->objective, delta);
  fprintf(f, "best of %zu starts: start %zu, %s after %zu evaluations; %zu starts reached it\n",
          res->starts, res->best_start, res->reason, res->evaluations, res->near_best);
  size_t np = fslaw_tlaw_nparams(law), nd = fslaw_tlaw_nderived(law);
  double d[2];
  fslaw_tlaw_derived(law, p, d);
  if (b && b->resamples)
    fprintf(f, "bootstrap: %zu resamples (seed %" PRIu64 ", %zu failed); se and 95%% interval:\n",
            b->resamples, b->seed, b->failed);
  for (size_t i = 0; i < np + nd; i++) {
    const char *name = i < np ? fslaw_tlaw_param_name(law, i) : fslaw_tlaw_derived_name(law, i - np);
    fprintf(f, "  %-8s = %.8g", name, i < np ? p[i] : d[i - np]);
    if (b && b->resamples) {
      double *v = malloc(b->resamples * sizeof *v), sd, lo, hi;
      for (size_t r = 0; v && r < b->resamples; r++) {
        double dr[2];
        fslaw_tlaw_derived(law, b->samples + r * np, dr);
        v[r] = i < np ? b->samples[r * np + i] : dr[i - np];
      }
      if (v && fslaw_tfit_interval(v, b->resamples, 1, 0.025, &sd, &lo, &hi) >= 2)
        fprintf(f, "   se %.4g   [%.6g, %.6g]", sd, lo, hi);
      free(v);
    }
    fputc('\n', f);
  }
}

static int write_json(const fit_opts *o, const fslaw_tlaw *law, const double *p,
                      const fslaw_tfit_result *res, const fslaw_tfit_info *info,
                      const fslaw_tboot *boot) {
  char *json = fslaw_tparams_to_json(law, p, res, info, boot);
  cli_out out;
  int rc;
  for (size_t i = 0; !json && i < fslaw_tlaw_nparams(law); i++)
    if (!isfinite(p[i]))
      return cli_error("fit", "parameter '%s' ended at %g: nothing written", fslaw_tlaw_param_name(law, i), p[i]);
  if (!json) return cli_error("fit", "out of memory");
  if (!(rc = cli_out_open("fit", &out, o->out, info->inputs, info->ninputs))) {
    fprintf(out.f, "%s\n", json);
    rc = cli_out_commit("fit", &out);
    if (!rc && o->out) printf("wrote %s\n", o->out);
  }
  free(json);
  return rc;
}

/* Bootstrap starts when a parameter collapsed (item 1) and the user chose
 * none: on such a fit the K next-best optima are where resamples go, and
 * 4 widened the intervals on the tables we tried as much as more did. */
#define DEGENERATE_BOOT_STARTS 4

/* --bootstrap R and --seed X, checked before any fitting. */
static int parse_boot(const fit_opts *o, size_t *r, uint64_t *seed, size_t *extra) {
  *r = 0;
  *seed = 1;
  *extra = 0;
  if (o->boot_starts) {
    char *end;
    unsigned long v = strtoul(o->boot_starts, &end, 10);
    if (*end || end == o->boot_starts || o->boot_starts[0] == '-' || v > 31)
      return cli_error("fit", "option '--boot-starts': expected a whole number in 0..31, got '%s'", o->boot_starts);
    *extra = v;
  }
  if (o->boot && cli_parse_count("fit", "bootstrap", o->boot, r)) return 1;
  if (o->boot && (*r < 2 || *r > 1000000))
    return cli_error("fit", "option '--bootstrap': expected 2..1000000 resamples, got %zu", *r);
  if (o->seed) {
    char *end;
    unsigned long long s = strtoull(o->seed, &end, 10);
    if (*end || end == o->seed || o->seed[0] == '-')
      return cli_error("fit", "option '--seed': expected a whole number >= 0, got '%s'", o->seed);
    *seed = (uint64_t)s;
  }
  return 0;
}

static int run_bootstrap(fslaw_tfit *fit, size_t r, uint64_t seed, size_t extra, const double *p,
                         size_t np, fslaw_tboot *b) {
  b->seed = seed;
  b->extra_starts = extra;
  b->samples = malloc(r * np * sizeof *b->samples);
  if (!b->samples) return cli_error("fit", "out of memory");
  b->resamples = r;
  if (fslaw_tfit_bootstrap(fit, p, r, b->seed, extra, b->samples, &b->failed))
    return cli_error("fit", "bootstrap: %s", fslaw_tfit_errmsg(fit));
  if (b->failed)
    fprintf(stderr, "fslaw fit: warning: %zu of %zu bootstrap fits failed (left out)\n", b->failed, r);
  return 0;
}

/* Warnings about the fit, printed by fit and kept in the params JSON so
 * that allocate and report repeat them. */
typedef struct {
  char text[10][720]; /* the messages, without the "fslaw fit: warning: " prefix */
  size_t n;           /* number of them */
  size_t undetermined; /* how many name a parameter the rows do not determine */
  const char *first;  /* the first such parameter */
} fit_warnings;

static void warn_add(fit_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn_add(fit_warnings *w, const char *fmt, ...) {
  if (w->n == sizeof w->text / sizeof w->text[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->text[w->n++], sizeof w->text[0], fmt, ap);
  va_end(ap);
}

/* Item 1: a free parameter whose sensitivity (fslaw_tfit_sensitivity: the
 * RMS elasticity of the fitted predictions) is below
 * FSLAW_TFIT_UNDETERMINED has collapsed onto a boundary of its range: the
 * rows carry no information on it, and the others were fitted as if it sat
 * there. One rule for every law and parameter. */
static int warn_undetermined(fslaw_tfit *fit, const fslaw_tlaw *law, const double *p,
                             fit_warnings *w) {
  double s[16];
  if (fslaw_tfit_sensitivity(fit, p, s)) return cli_error("fit", "%s", fslaw_tfit_errmsg(fit));
  int alloc = !strcmp(fslaw_tlaw_name(law), "chinchilla");
  for (size_t i = 0; i < fslaw_tlaw_nparams(law); i++) {
    if (!(s[i] < FSLAW_TFIT_UNDETERMINED)) continue; /* NaN: held fixed */
    const char *name = fslaw_tlaw_param_name(law, i);
    warn_add(w, "%s = %.3g collapsed onto a boundary of its range: a tenfold change of it moves no "
                "fitted loss (sensitivity %.2g, below %g), so the rows do not determine it; the "
                "other parameters were fitted as if it sat there, and %s rests on them: treat %s "
                "with care (rows over a wider range of %s, or --fix %s=VALUE, would settle it)",
             name, p[i], s[i], FSLAW_TFIT_UNDETERMINED,
             alloc ? "the compute-optimal allocation (fslaw allocate)" : "every extrapolation",
             alloc ? "it" : "them", fslaw_tlaw_ninputs(law) > 1 ? "N and D" : "C", name);
    if (!w->undetermined++) w->first = name;
  }
  return 0;
}

/* Item 4: a table with too few spare points. A bootstrap resample holds
 * about 1 - 1/e = 63 % of the distinct points; with fewer than twice as many
 * points as free parameters it holds barely more points than parameters,
 * which the law then passes through (se near 0, intervals of zero width).
 * An objective with every log residual below 1e-6, far below the scatter of
 * any measured loss, is such an exact fit whatever the count. */
static void warn_no_spare(const fslaw_tlaw *law, const fslaw_tfit_result *res, size_t nfree,
                          fit_warnings *w) {
  int few = res->distinct < 2 * nfree, exact = res->objective <= 0.5e-12 * (double)res->points;
  const char *pt = fslaw_tlaw_ninputs(law) > 1 ? "(N, D)" : "C";
  if (!nfree || (!few && !exact)) return;
  if (few)
    warn_add(w, "%zu distinct %s points for %zu free parameters leave only %zu spare%s: the fit "
                "(and any bootstrap: a resample keeps about 63 %% of the points, barely more than "
                "the parameters, and the law passes through them: se near 0, intervals of zero "
                "width) claims a certainty the rows do not support; fit at least %zu distinct points",
             res->distinct, pt, nfree, res->distinct - nfree,
             exact ? " and the law passes through every row" : "", 2 * nfree);
  else
    warn_add(w, "the law passes through every row (objective %.3g, every log residual below 1e-6): "
                "the fit (and any bootstrap, whose resamples it passes through as well: se near 0) "
                "claims a certainty that measured losses, which scatter, do not support; check "
                "that the rows are measurements", res->objective);
}

/* Fit, bootstrap and write: everything after the table is built. */
static int fit_and_write(const fslaw_tlaw *law, const fit_opts *o, const fslaw_table *t,
                         const char *const *inputs, size_t ninputs) {
  fslaw_tfit *fit = fslaw_tfit_create(law);
  fslaw_tfit_result res;
  fslaw_tboot boot = {0};
  double p[16], delta = 1e-3;
  unsigned long fixed = 0;
  size_t nboot = 0, extra = 0;
  uint64_t seed = 1;
  int rc = !fit ? cli_error("fit", "out of memory") : configure(fit, law, o, &delta, &fixed);
  if (!rc) rc = parse_boot(o, &nboot, &seed, &extra);
  if (!rc) rc = cli_check_params_target("fit", "out", o->out && strcmp(o->out, "-") ? o->out : NULL);
  if (!rc) rc = cli_check_target("fit", "out", o->out); /* a missing folder: before a long bootstrap */
  if (!rc && fslaw_tfit_set_table(fit, t)) rc = cli_error("fit", "%s", fslaw_tfit_errmsg(fit));
  if (!rc && fslaw_tfit_run(fit, p, &res)) rc = cli_error("fit", "%s", fslaw_tfit_errmsg(fit));
  fit_warnings w = {.n = 0};
  if (!rc) rc = warn_undetermined(fit, law, p, &w);
  size_t nfree = 0;
  for (size_t i = 0; i < fslaw_tlaw_nparams(law); i++) nfree += !(fixed >> i & 1);
  if (!rc) warn_no_spare(law, &res, nfree, &w);
  if (!rc && nboot && w.undetermined && !o->boot_starts) {
    extra = DEGENERATE_BOOT_STARTS;
    fprintf(stderr, "fslaw fit: note: %s is not determined by the rows (warning below), so every "
                    "resample starts also from the %d next-best distinct optima of the grid "
                    "(--boot-starts %d; --boot-starts 0 for the full-data optimum only): from that "
                    "optimum alone, resamples stay where it stopped and the intervals shrink to "
                    "nothing\n", w.first, DEGENERATE_BOOT_STARTS, DEGENERATE_BOOT_STARTS);
  }
  if (!rc && nboot) rc = run_bootstrap(fit, nboot, seed, extra, p, fslaw_tlaw_nparams(law), &boot);
  if (!rc) {
    fit_summary(o->out ? stdout : stderr, law, p, &res, delta, &boot);
    if (!res.converged)
      fprintf(stderr, "fslaw fit: warning: the best start stopped without converging (%s)\n", res.reason);
    const char *wp[10];
    for (size_t i = 0; i < w.n; i++) {
      fprintf(stderr, "fslaw fit: warning: %s\n", w.text[i]);
      wp[i] = w.text[i];
    }
    fslaw_tfit_info info = {inputs, ninputs, o->to.where, o->to.nwhere, delta, fixed, wp, w.n};
    rc = write_json(o, law, p, &res, &info, &boot);
  }
  free(boot.samples);
  fslaw_tfit_destroy(fit);
  return rc;
}

static int fit_run(int argc, char **argv) {
  fit_opts o = {0};
  const char *table = NULL; /* --table T: as predict and eval take it */
  const cli_opt opts[] = {{"law", OPT_STRING, &o.law, 0, 0, 0, 0},
                          {"table", OPT_STRING, &table, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"huber", OPT_STRING, &o.huber, 0, 0, 0, 0},
                          {"grid", OPT_STRING, &o.grid, 0, 0, 0, 0},
                          {"ftol", OPT_STRING, &o.ftol, 0, 0, 0, 0},
                          {"bootstrap", OPT_STRING, &o.boot, 0, 0, 0, 0},
                          {"seed", OPT_STRING, &o.seed, 0, 0, 0, 0},
                          {"boot-starts", OPT_STRING, &o.boot_starts, 0, 0, 0, 0},
                          {"min-tokens", OPT_STRING, &o.min_tokens, 0, 0, 0, 0},
                          {"fix", OPT_MULTI, 0, 0, o.fix, &o.nfix, 16},
                          {"log", OPT_MULTI, 0, 0, o.logs, &o.nlogs, 64},
                          {"col", OPT_MULTI, 0, 0, o.to.col, &o.to.ncol, 16},
                          {"where", OPT_MULTI, 0, 0, o.to.where, &o.to.nwhere, 16},
                          {0}};
  const char *pos[argc > 0 ? argc + 1 : 2];
  size_t npos;
  int rc = cli_parse(&fit_cmd, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (table && npos)
    return cli_error("fit", "option '--table': the table is given twice ('%s' and '%s')", table, pos[0]);
  if (table) pos[npos++] = table;
  if (!o.law)
    return cli_error("fit", "option '--law' is required over a table: chinchilla, kaplan or "
                            "twophase (see fslaw fit --table --help)");
  const fslaw_tlaw *law = fslaw_tlaw_find(o.law);
  if (!law) return cli_error("fit", "option '--law': '%s' is not a table law (chinchilla, kaplan, twophase; they take no options)", o.law);
  fslaw_table *t = NULL;
  rc = build_table(law, &o, pos, npos, &t);
  const char *inputs[66];
  size_t nin = 0;
  for (size_t i = 0; i < npos && i < 1; i++) inputs[nin++] = pos[i];
  for (size_t i = 0; i < o.nlogs; i++) inputs[nin++] = strchr(o.logs[i], ':') + 1;
  if (!rc) rc = fit_and_write(law, &o, t, inputs, nin);
  fslaw_table_destroy(t);
  return rc;
}

int cli_fit_table(int argc, char **argv) { return fit_run(argc, argv); }

void cli_table_law_names(char *b, size_t cap) {
  b[0] = 0;
  for (size_t i = 0; i < fslaw_tlaw_count(); i++)
    snprintf(b + strlen(b), cap - strlen(b), "%s%s", i ? ", " : "", fslaw_tlaw_name(fslaw_tlaw_get(i)));
}

/* ---- predict and eval ---- */

void cli_table_fit_warnings(const char *cmd, const char *params) {
  FILE *f = fopen(params, "rb"); /* read already, with errors: here only what it holds */
  char *buf = NULL;
  long len = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
  if (len >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)len + 1)))
    buf[fread(buf, 1, (size_t)len, f)] = 0;
  if (f) fclose(f);
  cJSON *o = buf ? cJSON_Parse(buf) : NULL, *it;
  free(buf);
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "warnings"))
    if (cJSON_IsString(it)) fprintf(stderr, "fslaw %s: warning: the fit warned: %s\n", cmd, it->valuestring);
  cJSON_Delete(o);
}

void cli_read_table_range(const char *path, cli_table_range *r) {
  fslaw_error err;
  if (fslaw_tparams_read_range(path, r->lo, r->hi, &r->found, &err)) r->found = 0;
}

/* One side of the range: the items beyond it and the farthest. */
static void note_side(const cli_table_range *r, const fslaw_tlaw *law, size_t k,
                      const char *what, const double *v, size_t stride, size_t n,
                      const char *items, cli_item_label label, const void *ctx, int above,
                      cli_note_fn fn, void *fctx) {
  size_t count = 0, far = 0;
  double worst = 1;
  for (size_t i = 0; i < n; i++) {
    double f = above ? v[i * stride] / r->hi[k] : r->lo[k] / v[i * stride];
    if (!(f > 1.01)) continue; /* 1 % of slack: the edge of the fitted rows is no extrapolation */
    count++;
    if (f > worst) worst = f, far = i;
  }
  if (!count) return;
  const char *in = fslaw_tlaw_input_name(law, k);
  char name[64], text[512];
  label(ctx, far, name);
  snprintf(text, sizeof text, "%zu %s%s ha%s %s %s the fitted range of %s (%.3g to %.3g), "
                              "up to %.3gx %s (%s = %.3g at %s): there the law extrapolates in %s",
           count, items, count > 1 ? "s" : "", count > 1 ? "ve" : "s", what,
           above ? "above" : "below", in, r->lo[k], r->hi[k], worst,
           above ? "its top" : "below its bottom", what, v[far * stride], name, in);
  fn(fctx, text);
}

void cli_table_range_notes(const cli_table_range *r, const fslaw_tlaw *law, size_t k,
                           const char *what, const double *v, size_t stride, size_t n,
                           const char *items, cli_item_label label, const void *ctx,
                           cli_note_fn fn, void *fctx) {
  if (!r->found) return;
  note_side(r, law, k, what, v, stride, n, items, label, ctx, 1, fn, fctx);
  note_side(r, law, k, what, v, stride, n, items, label, ctx, 0, fn, fctx);
}

static void stderr_note(void *cmd, const char *text) {
  fprintf(stderr, "fslaw %s: note: %s\n", (const char *)cmd, text);
}

void cli_note_table_range(const char *cmd, const cli_table_range *r, const fslaw_tlaw *law,
                          size_t k, const char *what, const double *v, size_t stride, size_t n,
                          const char *items, cli_item_label label, const void *ctx) {
  cli_table_range_notes(r, law, k, what, v, stride, n, items, label, ctx, stderr_note, (void *)cmd);
}

static void line_label(const void *t, size_t i, char b[64]) {
  snprintf(b, 64, "line %zu", fslaw_table_line(t, i));
}

/* Read params and a table; 0 on success. */
static int load(const char *cmd, const char *params, const char *path, const cli_table_opts *to,
                int loss_optional, const fslaw_tlaw **law, double *p, fslaw_table **t) {
  fslaw_error err;
  fslaw_table_spec spec;
  *t = NULL;
  if (fslaw_tparams_read(params, law, p, NULL, &err)) return cli_error(cmd, "%s", err.msg);
  if (cli_table_spec(cmd, *law, to, &spec, NULL)) return 1;
  spec.loss_optional = loss_optional;
  if (fslaw_table_read(path, &spec, t, &err)) return cli_error(cmd, "%s", err.msg);
  return 0;
}

static void header(FILE *f, const fslaw_tlaw *law, const char *first, const char *last) {
  fprintf(f, "%s", first);
  for (size_t k = 0; k < fslaw_tlaw_ninputs(law); k++)
    fprintf(f, "%s%s", *first || k ? "," : "", fslaw_tlaw_input_name(law, k));
  fprintf(f, ",loss,pred%s\n", last);
}

/* Write rows (line if with_line, inputs, loss, pred, and are if with_are). */
static int write_rows(const char *cmd, const fslaw_tlaw *law, const double *p, const fslaw_table *t,
                      FILE *f, int with_line) {
  size_t n = fslaw_table_rows(t), m = fslaw_table_ninputs(t);
  double *pred = malloc((n + 1) * sizeof *pred), *are = malloc((n + 1) * sizeof *are);
  if (!pred || !are) {
    free(pred);
    free(are);
    return cli_error(cmd, "out of memory");
  }
  fslaw_tlaw_predict(law, p, fslaw_table_x(t), n, pred);
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) {
    char b[32];
    double y = fslaw_table_loss(t)[i];
    if (!isfinite(pred[i]) || !(pred[i] > 0))
      rc = cli_error(cmd, "row at line %zu: the law predicts %g (diverged)", fslaw_table_line(t, i), pred[i]);
    if (rc) break;
    if (with_line) fprintf(f, "%zu,", fslaw_table_line(t, i));
    for (size_t k = 0; k < m; k++) fprintf(f, "%s%s", k ? "," : "", cli_num(b, fslaw_table_x(t)[i * m + k]));
    fprintf(f, ",%s", isnan(y) ? "" : cli_num(b, y));
    fprintf(f, ",%s", cli_num(b, pred[i]));
    are[i] = fabs(y - pred[i]) / y;
    if (with_line) fprintf(f, ",%s", cli_num(b, are[i]));
    fputc('\n', f);
  }
  if (!rc && with_line) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += are[i];
    char b[32];
    fprintf(f, "mean,");
    for (size_t k = 0; k < m; k++) fputc(',', f);
    fprintf(f, ",,%s\n", cli_num(b, s / (double)n));
  }
  free(pred);
  free(are);
  return rc;
}

static int table_cmd(const cli_command *cmd, int argc, char **argv) {
  const char *params = NULL, *table = NULL, *out = NULL;
  cli_table_opts to = {0};
  const cli_opt opts[] = {{"params", OPT_STRING, &params, 0, 0, 0, 0},
                          {"table", OPT_STRING, &table, 0, 0, 0, 0},
                          {"out", OPT_STRING, &out, 0, 0, 0, 0},
                          {"col", OPT_MULTI, 0, 0, to.col, &to.ncol, 16},
                          {"where", OPT_MULTI, 0, 0, to.where, &to.nwhere, 16},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(cmd, argc, argv, opts, pos, &npos), is_eval = cmd == &eval_cmd;
  if (rc == 2) return 0;
  if (rc) { /* an option of the loss-curve command: say which mode this is */
    fprintf(stderr, "fslaw %s: note: this is %s over a table (a table law's parameters or "
                    "--table); its options: fslaw %s --table --help\n", cmd->name, cmd->name, cmd->name);
    return rc;
  }
  if (!params) return cli_error(cmd->name, "option '--params' is required");
  if (table && table[0] == '-' && table[1] == '-')
    return cli_error(cmd->name, "option '--table': expected a file, got the option '%s'", table);
  if (npos > (table ? 0u : 1u) || (!table && !npos))
    return cli_error(cmd->name, "expected one TABLE file (positional or --table)");
  if (!table) table = pos[0];
  const fslaw_tlaw *law;
  double p[16];
  fslaw_table *t = NULL;
  rc = load(cmd->name, params, table, &to, !is_eval, &law, p, &t);
  const char *inputs[2] = {table, params};
  char head[256]; /* the header up to pred: an earlier output (a table lacks pred) */
  snprintf(head, sizeof head, "%s", is_eval ? "line," : "");
  for (size_t k = 0; !rc && k < fslaw_tlaw_ninputs(law); k++)
    snprintf(head + strlen(head), sizeof head - strlen(head), "%s,", fslaw_tlaw_input_name(law, k));
  snprintf(head + strlen(head), sizeof head - strlen(head), "loss,pred");
  const cli_target target = {"out", out, head};
  if (!rc) rc = cli_check_outputs(cmd->name, &target, 1, inputs, 2);
  cli_out o;
  if (!rc && !(rc = cli_out_open(cmd->name, &o, out, inputs, 2))) {
    header(o.f, law, is_eval ? "line" : "", is_eval ? ",are" : "");
    rc = write_rows(cmd->name, law, p, t, o.f, is_eval);
    if (!rc) rc = cli_out_commit(cmd->name, &o);
    else cli_out_abort(&o);
  }
  if (!rc) { /* as the curve commands note predictions beyond the fitted runs */
    cli_table_range r;
    cli_read_table_range(params, &r);
    for (size_t k = 0, m = fslaw_table_ninputs(t); k < m; k++)
      cli_note_table_range(cmd->name, &r, law, k, fslaw_tlaw_input_name(law, k),
                           fslaw_table_x(t) + k, m, fslaw_table_rows(t), "row", line_label, t);
  }
  fslaw_table_destroy(t);
  return rc;
}

static int predict_run(int argc, char **argv) { return table_cmd(&predict_cmd, argc, argv); }
static int eval_run(int argc, char **argv) { return table_cmd(&eval_cmd, argc, argv); }
int cli_predict_table(int argc, char **argv) { return predict_run(argc, argv); }
int cli_eval_table(int argc, char **argv) { return eval_run(argc, argv); }
