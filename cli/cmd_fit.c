/* cmd_fit.c: `fslaw fit --law NAME RUN...`: fit a loss-curve law to runs. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fit_setup.h"
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
    CLI_FIT_OPTS_HELP
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


typedef struct {
  const char *law, *out; /* --law, --out */
  cli_fit_opts fo;       /* the fit options */
  cli_run_opts ro;       /* how runs are read */
} fit_opts;


static int add_runs(fslaw_fit *fit, const char *const *paths, size_t n, const cli_run_opts *ro,
                    size_t from) {
  for (size_t i = 0; i < n; i++) {
    fslaw_run *r;
    if (cli_read_run("fit", paths[i], ro, &r)) return 1;
    int rc = cli_fit_add_run("fit", fit, paths[i], r, from);
    fslaw_run_destroy(r);
    if (rc) return rc;
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
                          CLI_FIT_OPT_ENTRIES(o.fo),
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
  cli_fit_setup fs = {0};
  double p[FSLAW_MAX_PARAMS];
  fslaw_fit_result res;
  rc = !fit ? cli_error("fit", "out of memory") : cli_fit_configure("fit", fit, law, &o.fo, &fs);
  if (!rc) rc = add_runs(fit, pos, npos, &o.ro, fs.from);
  if (!rc && fslaw_fit_run(fit, p, &res)) rc = cli_error("fit", "%s", fslaw_fit_errmsg(fit));
  if (!rc) {
    FILE *sf = o.out ? stdout : stderr;
    summary(sf, law, p, &res, npos, fs.loss, fs.delta);
    for (size_t i = 0; i < fslaw_law_nparams(law); i++)
      if (res.on_bound & (1UL << i))
        fprintf(stderr, "fslaw fit: warning: parameter '%s' ended on a bound; widen it with --bound %s=LO:HI or fix it\n",
                fslaw_law_param_name(law, i), fslaw_law_param_name(law, i));
    if (res.logged > res.points)
      fprintf(stderr, "fslaw fit: note: runs thinned to at most %zu points each (%zu of %zu logged "
                      "points fitted); --max-points 0 fits every point\n",
              fs.max_points, res.points, res.logged);
    fslaw_fit_info info = {pos, npos, fs.from, fs.loss, fs.delta, fs.max_points};
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
