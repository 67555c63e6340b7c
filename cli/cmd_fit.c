/* cmd_fit.c: `fslaw fit --law NAME RUN...`: fit a loss-curve law to runs. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    "groups of runs (e.g. model sizes) fitted at once, some parameters shared:\n"
    "  --group NAME=RUN[,RUN...]  the runs of group NAME (repeatable; instead of\n"
    "                      RUN arguments). Each group gets its own parameters ...\n"
    "  --share P[,P...]    ... except these, which take one value in every group\n"
    "                      (e.g. exponents shared across model sizes, MATH.md §5.5)\n"
    "  --out-dir DIR       write DIR/NAME.json per group: a params JSON of that\n"
    "                      group for predict, eval and report (without it, a JSON\n"
    "                      array of them goes to standard output)\n\n"
    "laws:\n",
    run, list_laws};

static void list_laws(FILE *f) {
  for (size_t i = 0; i < fslaw_law_kind_count(); i++) fprintf(f, "  %s\n", fslaw_law_kind_help(i));
  fprintf(f, "\nlaws over tables of runs (columns N,D,loss or C,loss):\n");
  cli_table_laws_help(f);
  fprintf(f, "\nexample: fslaw fit --law mpl --out mpl.json data/mpl/400M/cosine_24000.csv \\\n"
             "           data/mpl/400M/constant_24000.csv data/mpl/400M/wsdcon_9.csv\n");
  fprintf(f, "\nexample: fslaw fit --law fslkq --share q --out-dir fits \\\n"
             "           --group 25M=a25.csv,b25.csv --group 400M=a400.csv,b400.csv\n");
}


#define MAX_GROUPS 16

typedef struct {
  const char *law, *out, *out_dir; /* --law, --out, --out-dir */
  const char *group[MAX_GROUPS];   /* --group NAME=RUN,... values */
  size_t ngroup;                   /* how many */
  const char *share[16];           /* --share values */
  size_t nshare;                   /* how many */
  cli_fit_opts fo;                 /* the fit options */
  cli_run_opts ro;                 /* how runs are read */
} fit_opts;

/* The runs of the fit: every path, and where each group's begin. */
typedef struct {
  const char *name[MAX_GROUPS]; /* group names (pointers into text) */
  size_t first[MAX_GROUPS + 1]; /* group g's runs: path[first[g] .. first[g+1]) */
  size_t ngroups;               /* 0: no groups */
  const char **path;            /* every run path */
  size_t npath;                 /* number of paths */
  char *text[MAX_GROUPS];       /* copies of the --group values, split in place */
} run_set;

static void run_set_free(run_set *rs) {
  for (size_t g = 0; g < rs->ngroups; g++) free(rs->text[g]);
  free(rs->path);
}

/* A group name becomes a file name: letters, digits, '.', '_', '-', not
 * starting with '.'. */
static int valid_group_name(const char *s) {
  if (!*s || *s == '.' || strlen(s) > 64) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("._-", *s)) return 0;
  return 1;
}

/* The runs from the positional arguments, or from the --group values. */
static int make_run_set(const fit_opts *o, const char *const *pos, size_t npos, run_set *rs) {
  memset(rs, 0, sizeof *rs);
  if (o->ngroup && npos)
    return cli_error("fit", "give runs either as RUN arguments or with --group, not both");
  if (!o->ngroup && !npos) return cli_error("fit", "expected at least one RUN file");
  size_t cap = npos + 1;
  for (size_t g = 0; g < o->ngroup; g++) cap += strlen(o->group[g]) / 2 + 1;
  if (!(rs->path = malloc(cap * sizeof *rs->path))) return cli_error("fit", "out of memory");
  for (size_t i = 0; i < npos; i++) rs->path[rs->npath++] = pos[i];
  for (size_t g = 0; g < o->ngroup; g++) {
    char *t = rs->text[g] = malloc(strlen(o->group[g]) + 1);
    if (!t) return cli_error("fit", "out of memory");
    strcpy(t, o->group[g]);
    rs->ngroups = g + 1;
    char *eq = strchr(t, '=');
    if (!eq || eq[1] == '\0')
      return cli_error("fit", "option '--group': expected NAME=RUN[,RUN...], got '%s'", o->group[g]);
    *eq = '\0';
    if (!valid_group_name(t))
      return cli_error("fit", "option '--group': the name '%s' must be letters, digits, '.', '_' "
                              "or '-' (it names the output file)", t);
    for (size_t h = 0; h < g; h++)
      if (!strcmp(rs->name[h], t)) return cli_error("fit", "option '--group': '%s' is given twice", t);
    rs->name[g] = t;
    rs->first[g] = rs->npath;
    for (char *r = strtok(eq + 1, ","); r; r = strtok(NULL, ",")) rs->path[rs->npath++] = r;
    if (rs->npath == rs->first[g])
      return cli_error("fit", "option '--group': group '%s' has no runs", t);
  }
  if (rs->ngroups) rs->first[rs->ngroups] = rs->npath;
  return 0;
}

/* --share P[,P...]: mark the parameters shared. */
static int apply_shares(const fit_opts *o, fslaw_fit *fit, const fslaw_law *law,
                        unsigned long *shared) {
  if (o->nshare && !o->ngroup)
    return cli_error("fit", "option '--share' needs groups of runs (--group NAME=RUN,...)");
  for (size_t k = 0; k < o->nshare; k++) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->share[k]);
    for (char *n = strtok(buf, ","); n; n = strtok(NULL, ",")) {
      long i = fslaw_law_param_index(law, n);
      if (i < 0)
        return cli_error("fit", "option '--share': law '%s' has no parameter '%s'",
                         fslaw_law_name(law), n);
      fslaw_fit_share(fit, (size_t)i);
      *shared |= 1UL << i;
    }
  }
  return 0;
}

static int add_runs(fslaw_fit *fit, const run_set *rs, const cli_run_opts *ro, size_t from) {
  for (size_t g = 0; g < (rs->ngroups ? rs->ngroups : 1); g++) {
    if (rs->ngroups && fslaw_fit_set_group(fit, rs->name[g]))
      return cli_error("fit", "option '--group': %s", fslaw_fit_errmsg(fit));
    size_t end = rs->ngroups ? rs->first[g + 1] : rs->npath;
    for (size_t i = rs->first[g]; i < end; i++) {
      fslaw_run *r;
      if (cli_read_run("fit", rs->path[i], ro, &r)) return 1;
      int rc = cli_fit_add_run("fit", fit, rs->path[i], r, from);
      fslaw_run_destroy(r);
      if (rc) return rc;
    }
  }
  return 0;
}

static void summary(FILE *f, const fslaw_law *law, const double *p, const fslaw_fit_result *res,
                    const run_set *rs, unsigned long shared, fslaw_loss loss, double delta) {
  size_t np = fslaw_law_nparams(law), ng = rs->ngroups ? rs->ngroups : 1;
  fprintf(f, "law %s: ", fslaw_law_spec(law));
  if (rs->ngroups) fprintf(f, "%zu groups, ", rs->ngroups);
  fprintf(f, "%zu runs, %zu points after warmup", rs->npath, res->points);
  if (res->logged > res->points) fprintf(f, " (of %zu logged; --max-points)", res->logged);
  fputc('\n', f);
  if (loss == FSLAW_LOSS_HUBER) fprintf(f, "objective %.10g (summed Huber, delta %g)\n", res->objective, delta);
  else fprintf(f, "objective %.10g (summed squared log residuals)\n", res->objective);
  fprintf(f, "best of %zu starts: start %zu, %s after %zu evaluations\n", res->starts,
          res->best_start, res->reason, res->iterations);
  if (rs->ngroups) {
    fprintf(f, "  %-6s  ", "");
    for (size_t g = 0; g < ng; g++) fprintf(f, " %14s", rs->name[g]);
    fputc('\n', f);
  }
  for (size_t i = 0; i < np; i++) {
    fprintf(f, "  %-6s =", fslaw_law_param_name(law, i));
    for (size_t g = 0; g < ng; g++) fprintf(f, ng > 1 ? " %14.8g" : " %.8g", p[g * np + i]);
    if (shared & (1UL << i)) fprintf(f, "   (shared)");
    fprintf(f, "%s\n", res->on_bound & (1UL << i) ? "   (on a bound)" : "");
  }
}

/* The params JSON of group g (or of the only parameter vector). */
static char *group_json(const fslaw_law *law, fslaw_fit *fit, const double *p,
                        const fslaw_fit_result *res, const run_set *rs, size_t g,
                        unsigned long shared, const cli_fit_setup *fs) {
  size_t np = fslaw_law_nparams(law);
  size_t a = rs->ngroups ? rs->first[g] : 0, b = rs->ngroups ? rs->first[g + 1] : rs->npath;
  fslaw_fit_info info = {rs->path + a, b - a, fs->from, fs->loss, fs->delta, fs->max_points,
                         NULL, rs->name, rs->ngroups, shared, 0};
  if (rs->ngroups) {
    info.group = rs->name[g];
    info.group_objective = fslaw_fit_group_objective(fit, g, p + g * np);
  }
  return fslaw_params_to_json(law, p + g * np, res, &info);
}

/* Write the JSON: --out (one vector), DIR/NAME.json per group (--out-dir),
 * or standard output (an array for groups). Files appear together or not
 * at all. */
static int write_outputs(const fit_opts *o, const fslaw_law *law, fslaw_fit *fit, const double *p,
                         const fslaw_fit_result *res, const run_set *rs, unsigned long shared,
                         const cli_fit_setup *fs) {
  size_t ng = rs->ngroups ? rs->ngroups : 1;
  cli_out out[MAX_GROUPS];
  size_t opened = 0;
  int rc = 0, to_stdout = !o->out && !o->out_dir;
  if (to_stdout && rs->ngroups) printf("[\n");
  for (size_t g = 0; g < ng && !rc; g++) {
    char *json = group_json(law, fit, p, res, rs, g, shared, fs);
    if (!json) {
      rc = cli_error("fit", "out of memory");
      break;
    }
    if (to_stdout) {
      printf("%s%s\n", json, rs->ngroups && g + 1 < ng ? "," : "");
    } else {
      char path[4096];
      if (o->out_dir) snprintf(path, sizeof path, "%s/%s.json", o->out_dir, rs->name[g]);
      else snprintf(path, sizeof path, "%s", o->out);
      if (!(rc = cli_out_open("fit", &out[opened], path, rs->path, rs->npath)))
        fprintf(out[opened++].f, "%s\n", json);
    }
    free(json);
  }
  if (to_stdout && rs->ngroups) printf("]\n");
  size_t committed = 0;
  for (size_t k = 0; k < opened; k++) {
    if (rc) cli_out_abort(&out[k]);
    else if (!(rc = cli_out_commit("fit", &out[k]))) committed++;
  }
  char path[4096];
  for (size_t g = 0; !to_stdout && g < ng; g++) {
    if (o->out_dir) snprintf(path, sizeof path, "%s/%s.json", o->out_dir, rs->name[g]);
    else snprintf(path, sizeof path, "%s", o->out);
    if (rc && g < committed) remove(path); /* not a set mixed from two fits */
    else if (!rc && strcmp(path, "-")) printf("wrote %s\n", path);
  }
  return rc;
}

static int check_outputs(const fit_opts *o) {
  if (o->ngroup && o->out)
    return cli_error("fit", "option '--out': a grouped fit writes one file per group; use --out-dir DIR");
  if (!o->ngroup && o->out_dir)
    return cli_error("fit", "option '--out-dir': only for groups of runs (--group); use --out F");
  return 0;
}

/* "start k of n" on a terminal's stderr while a fit runs. */
static void show_progress(void *data, size_t done, size_t total) {
  (void)data;
  fprintf(stderr, "\rfslaw fit: start %zu of %zu%s", done, total, done == total ? "\n" : " ");
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_fit_table(argc, argv);
  fit_opts o = {0};
  const cli_opt opts[] = {{"law", OPT_STRING, &o.law, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"out-dir", OPT_STRING, &o.out_dir, 0, 0, 0, 0},
                          {"group", OPT_MULTI, 0, 0, o.group, &o.ngroup, MAX_GROUPS},
                          {"share", OPT_MULTI, 0, 0, o.share, &o.nshare, 16},
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
  if (check_outputs(&o)) return 1;
  run_set rs;
  if (make_run_set(&o, pos, npos, &rs)) {
    run_set_free(&rs);
    return 1;
  }
  fslaw_error err;
  fslaw_law *law;
  if (fslaw_law_create(o.law, &law, &err)) {
    run_set_free(&rs);
    return cli_error("fit", "option '--law': %s", err.msg);
  }
  fslaw_fit *fit = fslaw_fit_create(law);
  cli_fit_setup fs = {0};
  unsigned long shared = 0;
  size_t np = fslaw_law_nparams(law), ng = rs.ngroups ? rs.ngroups : 1;
  double *p = malloc(ng * np * sizeof *p);
  fslaw_fit_result res;
  rc = !fit || !p ? cli_error("fit", "out of memory") : cli_fit_configure("fit", fit, law, &o.fo, &fs);
  if (!rc) rc = apply_shares(&o, fit, law, &shared);
  if (!rc) rc = add_runs(fit, &rs, &o.ro, fs.from);
  if (!rc && isatty(2)) fslaw_fit_set_progress(fit, show_progress, NULL);
  if (!rc && fslaw_fit_run(fit, p, &res)) rc = cli_error("fit", "%s", fslaw_fit_errmsg(fit));
  if (!rc) {
    FILE *sf = o.out || o.out_dir ? stdout : stderr;
    summary(sf, law, p, &res, &rs, shared, fs.loss, fs.delta);
    for (size_t i = 0; i < np; i++)
      if (res.on_bound & (1UL << i))
        fprintf(stderr, "fslaw fit: warning: parameter '%s' ended on a bound; widen it with --bound %s=LO:HI or fix it\n",
                fslaw_law_param_name(law, i), fslaw_law_param_name(law, i));
    if (res.logged > res.points)
      fprintf(stderr, "fslaw fit: note: runs thinned to at most %zu points each (%zu of %zu logged "
                      "points fitted); --max-points 0 fits every point\n",
              fs.max_points, res.points, res.logged);
    rc = write_outputs(&o, law, fit, p, &res, &rs, shared, &fs);
  }
  free(p);
  fslaw_fit_destroy(fit);
  fslaw_law_destroy(law);
  run_set_free(&rs);
  return rc;
}
