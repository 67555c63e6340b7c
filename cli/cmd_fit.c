/* cmd_fit.c: `fslaw fit --law NAME RUN...`: fit a loss-curve law to runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "table_cmds.h"

static int run(int argc, char **argv);
static void list_laws(FILE *f);

const cli_command cli_fit = {
    "fit", "fit a loss-curve law to training runs and write its parameters as JSON",
    "usage: fslaw fit --law NAME [--out P.json] [options] RUN...\n\n"
    "Fit the law NAME (a spec NAME[:key=value,...]) to the logged losses after warmup of\n"
    "every RUN together: minimise the summed Huber loss of log residuals from a\n"
    "deterministic multistart refined by bounded L-BFGS. Prints a summary; writes the\n"
    "parameters JSON to --out (or to standard output when --out is not given).\n\n"
    "options:\n"
    "  --law SPEC          the law (required; see below)\n"
    "  --out F             write the parameters JSON to F\n"
    "  --huber D           Huber delta on log residuals (default 0.001)\n"
    "  --loss L            huber (default) or mse (sum of squared log residuals)\n"
    "  --from STEP         fit only points at or after STEP (always after warmup)\n"
    "  --max-points N      thin each run to N logged points evenly spread over its\n"
    "                      window (default 500; 0 = every point): a fit's time grows\n"
    "                      with the points, so dense logs are thinned, with a note\n"
    "  --starts N          number of starts (default 32)\n"
    "  --fix NAME=VALUE    hold a parameter fixed (repeatable)\n"
    "  --bound NAME=LO:HI  bounds of a parameter (repeatable)\n"
    "  --col NAME=COLUMN, --schedule SPEC, --format csv|jsonl  as in fslaw inspect\n\n"
    "laws:\n",
    run, list_laws};

static void list_laws(FILE *f) {
  for (size_t i = 0; i < fslaw_law_kind_count(); i++) fprintf(f, "  %s\n", fslaw_law_kind_help(i));
  fprintf(f, "\nlaws over tables of runs (columns N,D,loss or C,loss):\n");
  cli_table_laws_help(f);
  fprintf(f, "\nexample: fslaw fit --law mpl --out mpl.json data/mpl/400M/cosine_24000.csv \\\n"
             "           data/mpl/400M/constant_24000.csv data/mpl/400M/wsdcon_9.csv\n");
}

/* NAME=VALUE (or NAME=LO:HI with two values) for option `opt`. */
static int parse_assign(const fslaw_law *law, const char *opt, const char *text, size_t *idx,
                        double *a, double *b) {
  const char *eq = strchr(text, '=');
  char name[64];
  if (!eq || (size_t)(eq - text) >= sizeof name)
    return cli_error("fit", "option '--%s': expected NAME=%s, got '%s'", opt,
                     b ? "LO:HI" : "VALUE", text);
  memcpy(name, text, (size_t)(eq - text));
  name[eq - text] = '\0';
  long i = fslaw_law_param_index(law, name);
  if (i < 0) return cli_error("fit", "option '--%s': law '%s' has no parameter '%s'", opt, fslaw_law_name(law), name);
  *idx = (size_t)i;
  char *end;
  *a = strtod(eq + 1, &end);
  if (b) {
    if (*end != ':') return cli_error("fit", "option '--%s': expected NAME=LO:HI, got '%s'", opt, text);
    *b = strtod(end + 1, &end);
  }
  if (*end || end == eq + 1)
    return cli_error("fit", "option '--%s': expected a number in '%s'", opt, text);
  return 0;
}

typedef struct {
  const char *law, *out, *huber, *loss, *from, *starts, *max_points;
  const char *fix[16], *bound[16];
  size_t nfix, nbound;
  cli_run_opts ro;
} fit_opts;

static int configure(fslaw_fit *fit, const fslaw_law *law, const fit_opts *o, size_t *from,
                     size_t *max_points, fslaw_loss *loss, double *delta) {
  *delta = 1e-3;
  *loss = FSLAW_LOSS_HUBER;
  *from = 0;
  if (o->huber) {
    char *end;
    *delta = strtod(o->huber, &end);
    if (*end || !(*delta > 0)) return cli_error("fit", "option '--huber': expected a positive number, got '%s'", o->huber);
  }
  if (o->loss && !strcmp(o->loss, "mse")) *loss = FSLAW_LOSS_SQUARED;
  else if (o->loss && strcmp(o->loss, "huber")) return cli_error("fit", "option '--loss': expected huber or mse, got '%s'", o->loss);
  if (fslaw_fit_set_loss(fit, *loss, *delta)) return cli_error("fit", "%s", fslaw_fit_errmsg(fit));
  size_t n = 0;
  if (o->starts && cli_parse_count("fit", "starts", o->starts, &n)) return 1;
  if (o->starts && fslaw_fit_set_starts(fit, n))
    return cli_error("fit", "option '--starts': %s", fslaw_fit_errmsg(fit));
  if (o->from) {
    char *end;
    double v = strtod(o->from, &end);
    if (*end || end == o->from || v < 0 || v != floor(v))
      return cli_error("fit", "option '--from': expected a step number, got '%s'", o->from);
    *from = (size_t)v;
  }
  *max_points = FSLAW_FIT_MAX_POINTS;
  if (o->max_points) {
    char *end;
    double v = strtod(o->max_points, &end);
    if (*end || end == o->max_points || !(v >= 0) || v != floor(v) || v > 1e12)
      return cli_error("fit", "option '--max-points': expected 0 (every point) or a whole number "
                              ">= 2, got '%s'", o->max_points);
    *max_points = (size_t)v;
  }
  if (fslaw_fit_set_max_points(fit, *max_points))
    return cli_error("fit", "option '--max-points': %s", fslaw_fit_errmsg(fit));
  for (size_t k = 0; k < o->nfix; k++) {
    size_t i;
    double v;
    if (parse_assign(law, "fix", o->fix[k], &i, &v, NULL)) return 1;
    if (fslaw_fit_fix(fit, i, v)) return cli_error("fit", "option '--fix': %s", fslaw_fit_errmsg(fit));
  }
  for (size_t k = 0; k < o->nbound; k++) {
    size_t i;
    double lo, hi;
    if (parse_assign(law, "bound", o->bound[k], &i, &lo, &hi)) return 1;
    if (fslaw_fit_set_bounds(fit, i, lo, hi)) return cli_error("fit", "option '--bound': %s", fslaw_fit_errmsg(fit));
  }
  return 0;
}

static int add_runs(fslaw_fit *fit, const char *const *paths, size_t n, const cli_run_opts *ro,
                    size_t from) {
  for (size_t i = 0; i < n; i++) {
    fslaw_run *r;
    if (cli_read_run("fit", paths[i], ro, &r)) return 1;
    fslaw_status st = fslaw_fit_add_run(fit, paths[i], fslaw_run_lr(r), fslaw_run_steps(r),
                                        fslaw_run_loss_steps(r), fslaw_run_loss(r),
                                        fslaw_run_nloss(r), from);
    fslaw_run_destroy(r);
    if (st) return cli_error("fit", "%s: %s", paths[i], fslaw_fit_errmsg(fit));
  }
  return 0;
}

static void summary(FILE *f, const fslaw_law *law, const double *p, const fslaw_fit_result *res,
                    size_t nruns, fslaw_loss loss, double delta) {
  fprintf(f, "law %s: %zu runs, %zu points after warmup", fslaw_law_spec(law), nruns, res->points);
  if (res->logged > res->points) fprintf(f, " (of %zu logged; --max-points)", res->logged);
  fputc('\n', f);
  if (loss == FSLAW_LOSS_HUBER) fprintf(f, "objective %.10g (summed Huber, delta %g)\n", res->objective, delta);
  else fprintf(f, "objective %.10g (summed squared log residuals)\n", res->objective);
  fprintf(f, "best of %zu starts: start %zu, %s after %zu evaluations\n", res->starts,
          res->best_start, res->reason, res->iterations);
  for (size_t i = 0; i < fslaw_law_nparams(law); i++)
    fprintf(f, "  %-6s = %.8g%s\n", fslaw_law_param_name(law, i), p[i],
            res->on_bound & (1UL << i) ? "   (on a bound)" : "");
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_fit_table(argc, argv);
  fit_opts o = {0};
  const cli_opt opts[] = {{"law", OPT_STRING, &o.law, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"huber", OPT_STRING, &o.huber, 0, 0, 0, 0},
                          {"loss", OPT_STRING, &o.loss, 0, 0, 0, 0},
                          {"from", OPT_STRING, &o.from, 0, 0, 0, 0},
                          {"max-points", OPT_STRING, &o.max_points, 0, 0, 0, 0},
                          {"starts", OPT_STRING, &o.starts, 0, 0, 0, 0},
                          {"fix", OPT_MULTI, 0, 0, o.fix, &o.nfix, 16},
                          {"bound", OPT_MULTI, 0, 0, o.bound, &o.nbound, 16},
                          {"col", OPT_MULTI, 0, 0, o.ro.col, &o.ro.ncol, 16},
                          {"schedule", OPT_STRING, &o.ro.schedule, 0, 0, 0, 0},
                          {"format", OPT_STRING, &o.ro.format, 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_fit, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.law) return cli_error("fit", "option '--law' is required (see fslaw fit --help)");
  if (!npos) return cli_error("fit", "expected at least one RUN file");
  fslaw_error err;
  fslaw_law *law;
  if (fslaw_law_create(o.law, &law, &err)) return cli_error("fit", "option '--law': %s", err.msg);
  fslaw_fit *fit = fslaw_fit_create(law);
  size_t from = 0, max_points = 0;
  fslaw_loss loss = FSLAW_LOSS_HUBER;
  double delta = 1e-3, p[FSLAW_MAX_PARAMS];
  fslaw_fit_result res;
  rc = !fit ? cli_error("fit", "out of memory") : configure(fit, law, &o, &from, &max_points, &loss, &delta);
  if (!rc) rc = add_runs(fit, pos, npos, &o.ro, from);
  if (!rc && fslaw_fit_run(fit, p, &res)) rc = cli_error("fit", "%s", fslaw_fit_errmsg(fit));
  if (!rc) {
    FILE *sf = o.out ? stdout : stderr;
    summary(sf, law, p, &res, npos, loss, delta);
    for (size_t i = 0; i < fslaw_law_nparams(law); i++)
      if (res.on_bound & (1UL << i))
        fprintf(stderr, "fslaw fit: warning: parameter '%s' ended on a bound; widen it with --bound %s=LO:HI or fix it\n",
                fslaw_law_param_name(law, i), fslaw_law_param_name(law, i));
    if (res.logged > res.points)
      fprintf(stderr, "fslaw fit: note: runs thinned to at most %zu points each (%zu of %zu logged "
                      "points fitted); --max-points 0 fits every point\n",
              max_points, res.points, res.logged);
    fslaw_fit_info info = {pos, npos, from, loss, delta, max_points};
    char *json = fslaw_params_to_json(law, p, &res, &info);
    cli_out out;
    if (!json) rc = cli_error("fit", "out of memory");
    else if (!(rc = cli_out_open("fit", &out, o.out, pos, npos))) {
      fprintf(out.f, "%s\n", json);
      rc = cli_out_commit("fit", &out);
      if (!rc && o.out) printf("wrote %s\n", o.out);
    }
    free(json);
  }
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  return rc;
}
