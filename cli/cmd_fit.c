/* cmd_fit.c: `fslaw fit --law NAME RUN...`: fit a loss-curve law to runs. */
#define _POSIX_C_SOURCE 200809L /* lstat */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
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
    "usage: fslaw fit [--law NAME] [--out P.json] [options] RUN...\n\n"
    "Fit the law NAME (a spec NAME[:key=value,...]) to the logged losses after warmup of\n"
    "every RUN together: minimise the summed Huber loss of log residuals from a\n"
    "deterministic multistart refined by bounded L-BFGS. Prints a summary; writes the\n"
    "parameters JSON to --out (or to standard output when --out is not given).\n\n"
    "options:\n"
    "  --law SPEC          the law (see below; default fslkq, the best at predicting\n"
    "                      other schedules on every bench: docs/fit.md)\n"
    "  --out F             write the parameters JSON to F\n"
    CLI_FIT_OPTS_HELP
    CLI_RUN_OPTS_HELP "\n"
    "groups of runs (e.g. model sizes) fitted at once, some parameters shared:\n"
    CLI_FIT_GROUP_HELP
    "  --out-dir DIR       write DIR/NAME.json per group: a params JSON of that\n"
    "                      group for predict, eval and report (DIR is made if\n"
    "                      missing, in a folder that exists; without it, a JSON\n"
    "                      array of them goes to standard output)\n\n"
    "laws:\n",
    run, list_laws};

static void list_laws(FILE *f) {
  for (size_t i = 0; i < fslaw_law_kind_count(); i++) fprintf(f, "  %s\n", fslaw_law_kind_help(i));
  fprintf(f, "every law also takes unit=U: it reads each rate as lr / U. Its default bounds\n"
             "and starts are made for runs that peak at %g, so fit and cv set U = peak / %g\n"
             "when the runs peak elsewhere (docs/fit.md); unit=1 keeps the rates as written.\n",
          FSLAW_LAW_DESIGN_PEAK, FSLAW_LAW_DESIGN_PEAK);
  fprintf(f, "\nlaws over tables of runs (columns N,D,loss or C,loss), with options of their\n"
             "own (--where, --bootstrap, ...: fslaw fit --law chinchilla --help):\n");
  cli_table_laws_help(f);
  fprintf(f, "\nexample: fslaw fit --law mpl --out mpl.json data/mpl/400M/cosine_24000.csv \\\n"
             "           data/mpl/400M/constant_24000.csv data/mpl/400M/wsdcon_9.csv\n");
  fprintf(f, "\nexample: fslaw fit --law fslkq --share q --out-dir fits \\\n"
             "           --group 25M=a25.csv,b25.csv --group 400M=a400.csv,b400.csv\n");
}


#define MAX_GROUPS FSLAW_FIT_MAX_GROUPS

typedef struct {
  const char *law, *out, *out_dir; /* --law, --out, --out-dir */
  int make_dir;                    /* --out-dir does not exist yet: made after the fit */
  char dir[4096];                  /* --out-dir without trailing '/' */
  cli_fit_opts fo;                 /* the fit options */
  cli_run_opts ro;                 /* how runs are read */
} fit_opts;

/* Read every run of rs into runs[] (checked distinct). */
static int read_runs(const cli_run_set *rs, const cli_run_opts *ro, fslaw_run **runs) {
  uint64_t *fp = malloc((rs->npath + 1) * sizeof *fp);
  if (!fp) return cli_error("fit", "out of memory");
  int rc = 0;
  for (size_t i = 0; !rc && i < rs->npath; i++) {
    if ((rc = cli_read_run("fit", rs->path[i], ro, &runs[i]))) break;
    fp[i] = cli_run_fingerprint(runs[i]);
    rc = cli_check_distinct("fit", rs, fp, i);
  }
  free(fp);
  return rc;
}

/* The fits behind the parameters: one of every group at once (or of the
 * runs without groups), or one plain fit per group (cli_fit_separately).
 * Group g's parameters are at p + g np either way. */
typedef struct {
  int separate;                     /* 1: fit[g] is group g's alone */
  size_t n;                         /* number of fits made */
  fslaw_law *law[MAX_GROUPS];       /* each fit's law (its unit from its runs' peak) */
  fslaw_fit *fit[MAX_GROUPS];       /* the fits */
  fslaw_fit_result res[MAX_GROUPS]; /* their results */
  fslaw_fit_result all;             /* the whole: res[0], or the separate fits' combined */
} fit_set;

static void fit_set_free(fit_set *s) {
  for (size_t k = 0; k < s->n; k++) {
    fslaw_fit_destroy(s->fit[k]);
    fslaw_law_destroy(s->law[k]);
  }
}

/* The fit holding group g, g's index in it, and that fit's parameters. */
static fslaw_fit *fit_of(const fit_set *s, size_t g, size_t *idx) {
  *idx = s->separate ? 0 : g;
  return s->fit[s->separate ? g : 0];
}
static const double *params_of(const fit_set *s, const double *p, size_t g, size_t np) {
  return s->separate ? p + g * np : p;
}

/* Add runs a <= i < b to fit, in group `group` (NULL: none). */
static int add_runs(fslaw_fit *fit, const char *group, const cli_run_set *rs,
                    fslaw_run *const *runs, size_t a, size_t b, size_t from) {
  if (group && fslaw_fit_set_group(fit, group))
    return cli_error("fit", "option '--group': %s", fslaw_fit_errmsg(fit));
  for (size_t i = a; i < b; i++)
    if (cli_fit_add_run("fit", fit, rs->path[i], runs[i], from)) return 1;
  return 0;
}

/* The next fit, of the law made for runs a <= i < b, configured (quietly
 * after the first: the options' warnings are given once). */
static int make_fit(const fit_opts *o, fslaw_run *const *runs, size_t a, size_t b,
                    const char *group, fit_set *s, cli_fit_setup *fs) {
  size_t k = s->n;
  if (cli_fit_law("fit", o->law, runs + a, b - a, 1, group, &s->law[k])) return 1;
  s->n++;
  if (!(s->fit[k] = fslaw_fit_create(s->law[k]))) return cli_error("fit", "out of memory");
  fs->quiet = k > 0;
  return cli_fit_configure("fit", s->fit[k], s->law[k], &o->fo, fs);
}

/* Every fit of the runs, with their runs added. */
static int make_fits(const fit_opts *o, const cli_run_set *rs, fslaw_run *const *runs, fit_set *s,
                     cli_fit_setup *fs) {
  size_t ng = rs->ngroups ? rs->ngroups : 1;
  s->separate = cli_fit_separately(&o->fo);
  if (!s->separate && make_fit(o, runs, 0, rs->npath, NULL, s, fs)) return 1;
  for (size_t g = 0; g < ng; g++) {
    size_t a = rs->ngroups ? rs->first[g] : 0, b = rs->ngroups ? rs->first[g + 1] : rs->npath;
    if (s->separate && make_fit(o, runs, a, b, rs->name[g], s, fs)) return 1;
    if (add_runs(s->fit[s->n - 1], s->separate ? NULL : rs->name[g], rs, runs, a, b, fs->from))
      return 1;
  }
  return 0;
}

/* "fslaw fit: [GROUP: ]start k of n" on a terminal's stderr while a fit runs. */
static void show_progress(void *data, size_t done, size_t total) {
  const char *group = data;
  fprintf(stderr, "\rfslaw fit: %s%sstart %zu of %zu%s", group ? group : "", group ? ": " : "",
          done, total, done == total ? "\n" : " ");
}

/* Run every fit into p; s->all is the whole result. */
static int run_fits(fit_set *s, const cli_run_set *rs, double *p, size_t np) {
  for (size_t k = 0; k < s->n; k++) {
    const char *group = s->separate ? rs->name[k] : NULL;
    if (isatty(2)) fslaw_fit_set_progress(s->fit[k], show_progress, (void *)group);
    if (fslaw_fit_run(s->fit[k], p + k * np, &s->res[k]))
      return group ? cli_error("fit", "group '%s': %s", group, fslaw_fit_errmsg(s->fit[k]))
                   : cli_error("fit", "%s", fslaw_fit_errmsg(s->fit[k]));
  }
  s->all = s->res[0];
  if (!s->separate) return 0;
  memset(s->all.group_on_bound, 0, sizeof s->all.group_on_bound);
  s->all.objective = 0;
  s->all.points = s->all.logged = 0;
  s->all.on_bound = 0;
  for (size_t g = 0; g < s->n; g++) { /* the groups' parts, as a joint fit reports them */
    const fslaw_fit_result *r = &s->res[g];
    s->all.objective += r->objective;
    s->all.points += r->points;
    s->all.logged += r->logged;
    s->all.on_bound |= r->on_bound;
    s->all.group_on_bound[g] = r->on_bound;
    s->all.group_points[g] = r->points;
    s->all.group_range[g] = r->range;
    s->all.converged &= r->converged;
  }
  return 0;
}

/* The law line's spec: the law's, or each group's when their units differ. */
static void law_specs(FILE *f, const fit_set *s, const cli_run_set *rs) {
  int differ = 0;
  for (size_t k = 1; k < s->n; k++)
    differ |= strcmp(fslaw_law_spec(s->law[k]), fslaw_law_spec(s->law[0])) != 0;
  if (!differ) {
    fprintf(f, "law %s: ", fslaw_law_spec(s->law[0]));
    return;
  }
  fprintf(f, "law %s (", fslaw_law_name(s->law[0]));
  for (size_t k = 0; k < s->n; k++)
    fprintf(f, "%s%s %s", k ? ", " : "", rs->name[k], fslaw_law_spec(s->law[k]));
  fprintf(f, "): ");
}

/* The starts line(s): of the fit, or of each group's. */
static void starts_lines(FILE *f, const fit_set *s, const cli_run_set *rs) {
  const fslaw_fit_result *res = &s->all;
  if (!s->separate || rs->ngroups < 2) {
    fprintf(f, "best of %zu starts: start %zu, %s after %zu evaluations\n", res->starts,
            res->best_start, res->reason, res->iterations);
    return;
  }
  fprintf(f, "best of %zu starts per group (nothing shared: each group fitted alone):\n",
          res->starts);
  for (size_t g = 0; g < s->n; g++)
    fprintf(f, "  %s: start %zu, %s after %zu evaluations\n", rs->name[g], s->res[g].best_start,
            s->res[g].reason, s->res[g].iterations);
}

static void summary(FILE *f, const fit_set *s, const double *p, const cli_run_set *rs,
                    unsigned long shared, fslaw_loss loss, double delta) {
  const fslaw_law *law = s->law[0];
  const fslaw_fit_result *res = &s->all;
  size_t np = fslaw_law_nparams(law), ng = rs->ngroups ? rs->ngroups : 1, width = 14;
  law_specs(f, s, rs);
  if (rs->ngroups) fprintf(f, "%zu group%s, ", rs->ngroups, rs->ngroups > 1 ? "s" : "");
  fprintf(f, "%zu run%s, %zu points after warmup", rs->npath, rs->npath == 1 ? "" : "s", res->points);
  if (res->logged > res->points) fprintf(f, " (of %zu logged; --max-points)", res->logged);
  fputc('\n', f);
  if (loss == FSLAW_LOSS_HUBER) fprintf(f, "objective %.10g (summed Huber, delta %g)\n", res->objective, delta);
  else fprintf(f, "objective %.10g (summed squared log residuals)\n", res->objective);
  starts_lines(f, s, rs);
  if (rs->ngroups) {
    for (size_t g = 0; g < ng; g++)
      if (strlen(rs->name[g]) > width) width = strlen(rs->name[g]);
    fprintf(f, "  %-6s  ", "");
    for (size_t g = 0; g < ng; g++) fprintf(f, " %*s ", (int)width, rs->name[g]);
    fputc('\n', f);
  }
  for (size_t i = 0; i < np; i++) {
    fprintf(f, "  %-6s =", fslaw_law_param_name(law, i));
    for (size_t g = 0; g < ng; g++) {
      int edge = (res->group_on_bound[g] >> i) & 1;
      if (ng > 1) fprintf(f, " %*.8g%s", (int)width, p[g * np + i], edge ? "*" : " ");
      else fprintf(f, " %.8g", p[i]);
    }
    if (shared & (1UL << i)) fprintf(f, "   (shared)");
    if (res->fixed & (1UL << i)) fprintf(f, "   (fixed)");
    fprintf(f, "%s\n", ng == 1 && (res->on_bound & (1UL << i)) ? "   (on a bound)" : "");
  }
  if (ng > 1 && res->on_bound) fprintf(f, "  * on a bound\n");
}

/* The params JSON of group g (or of the only parameter vector): its own
 * on-bound parameters and points. */
static char *group_json(const fit_opts *o, const fit_set *s, const double *p,
                        const cli_run_set *rs, size_t g, unsigned long shared,
                        const cli_fit_setup *fs) {
  const fslaw_fit_result *res = &s->all;
  size_t idx, np = fslaw_law_nparams(s->law[0]);
  fslaw_fit *fit = fit_of(s, g, &idx);
  const fslaw_law *law = s->law[s->separate ? g : 0];
  const double *fp = params_of(s, p, g, np);
  size_t a = rs->ngroups ? rs->first[g] : 0, b = rs->ngroups ? rs->first[g + 1] : rs->npath;
  fslaw_fit_info info = {rs->path + a, b - a, fs->from, fs->loss, fs->delta, fs->max_points,
                         NULL, rs->name, rs->ngroups, shared, 0, 0, NULL, 0};
  const char **sched = malloc((b - a + 1) * sizeof *sched); /* each run's --schedule, recorded */
  if (!sched) return NULL;
  for (size_t i = a; i < b; i++) sched[i - a] = cli_run_schedule(&o->ro, rs->path[i], NULL);
  /* a group fitted alone: its own starts, evaluations and reason; the
   * objective and points stay the whole's, as in a joint fit */
  fslaw_fit_result r = s->separate ? s->res[g] : *res;
  r.objective = res->objective;
  r.points = res->points;
  double M[FSLAW_MAX_PARAMS * FSLAW_MAX_PARAMS];
  if (!fslaw_fit_curvature(fit, idx, fp, res->group_on_bound[g], M, &info.residual_scale))
    info.curvature = M;
  if (rs->ngroups) {
    info.group = rs->name[g];
    info.group_objective = fslaw_fit_group_objective(fit, idx, fp + idx * np);
    info.group_points = res->group_points[g];
    r.on_bound = res->group_on_bound[g];
    r.range = res->group_range[g];
  }
  char *json = fslaw_params_to_json_scheduled(law, p + g * np, &r, &info, sched);
  free(sched);
  return json;
}

/* Why law's parameters p gave no JSON: one is not finite (the writer refuses
 * it), else memory. */
static int json_failed(const fslaw_law *law, const double *p) {
  for (size_t i = 0; i < fslaw_law_nparams(law); i++)
    if (!isfinite(p[i]))
      return cli_error("fit", "parameter '%s' ended at %g: nothing written", fslaw_law_param_name(law, i), p[i]);
  return cli_error("fit", "out of memory");
}

/* Where group g's JSON goes: --out, DIR/NAME.json, or NULL (stdout). */
static const char *out_path(const fit_opts *o, const cli_run_set *rs, size_t g, char buf[4096]) {
  if (o->out_dir) {
    snprintf(buf, 4096, "%s/%s.json", o->out_dir, rs->name[g]);
    return buf;
  }
  return o->out && strcmp(o->out, "-") ? o->out : NULL;
}

/* Write the JSON: --out (one vector), DIR/NAME.json per group (--out-dir),
 * or standard output (an array for groups). The files are written beside
 * their targets and renamed into place only when all are written. */
static int write_outputs(const fit_opts *o, const fit_set *s, const double *p,
                         const cli_run_set *rs, unsigned long shared, const cli_fit_setup *fs) {
  size_t ng = rs->ngroups ? rs->ngroups : 1, opened = 0;
  cli_out out[MAX_GROUPS];
  char buf[4096];
  int rc = 0, to_stdout = !out_path(o, rs, 0, buf), array = to_stdout && rs->ngroups;
  if (to_stdout && (rc = cli_out_open("fit", &out[opened++], NULL, rs->path, rs->npath))) return rc;
  if (o->make_dir && mkdir(o->out_dir, 0777))
    return cli_error("fit", "option '--out-dir': cannot make folder '%s': %s", o->out_dir, strerror(errno));
  if (array) fputs("[\n", out[0].f);
  for (size_t g = 0; g < ng && !rc; g++) {
    char *json = group_json(o, s, p, rs, g, shared, fs);
    if (!json) rc = json_failed(s->law[s->separate ? g : 0], p + g * fslaw_law_nparams(s->law[0]));
    else if (!to_stdout) rc = cli_out_open("fit", &out[opened], out_path(o, rs, g, buf), rs->path, rs->npath);
    if (!rc) fprintf(out[to_stdout ? 0 : opened++].f, "%s%s\n", json, array && g + 1 < ng ? "," : "");
    free(json);
  }
  if (array && !rc) fputs("]\n", out[0].f);
  size_t committed = 0;
  for (size_t k = 0; k < opened; k++) {
    if (rc) cli_out_abort(&out[k]);
    else if (!(rc = cli_out_commit("fit", &out[k]))) committed++;
  }
  for (size_t g = 0; !to_stdout && g < committed; g++)
    printf("wrote %s\n", out_path(o, rs, g, buf));
  if (rc && committed && !to_stdout)
    fprintf(stderr, "fslaw fit: the files above were written before the failure\n");
  if (rc && !committed && o->make_dir) rmdir(o->out_dir); /* leave nothing behind */
  return rc;
}

static int check_outputs(fit_opts *o, const cli_run_set *rs) {
  if (o->fo.ngroup && o->out)
    return cli_error("fit", "option '--out': a grouped fit writes one file per group; use --out-dir DIR");
  if (!o->fo.ngroup && o->out_dir)
    return cli_error("fit", "option '--out-dir': only for groups of runs (--group); use --out F");
  if ((o->out && !*o->out) || (o->out_dir && !*o->out_dir))
    return cli_error("fit", "option '--%s': expected a path, got ''", o->out ? "out" : "out-dir");
  struct stat st;
  if (o->out_dir) {
    size_t n = strlen(o->out_dir);
    while (n > 1 && o->out_dir[n - 1] == '/') n--;
    if (n >= sizeof o->dir) return cli_error("fit", "option '--out-dir': the path is too long");
    memcpy(o->dir, o->out_dir, n);
    o->dir[n] = '\0';
    o->out_dir = o->dir;
  }
  if (o->out_dir && stat(o->out_dir, &st) && errno == ENOENT) {
    if (!lstat(o->out_dir, &st))
      return cli_error("fit", "option '--out-dir': '%s' is a link to nothing", o->out_dir);
    o->make_dir = 1; /* its parent must take it */
    return cli_check_target("fit", "out-dir", o->out_dir);
  }
  char buf[4096];
  for (size_t g = 0; g < (rs->ngroups ? rs->ngroups : 1); g++) {
    const char *path = out_path(o, rs, g, buf);
    if (path && cli_check_target("fit", o->out_dir ? "out-dir" : "out", path)) return 1;
    for (size_t i = 0; path && i < rs->npath; i++) /* before the fit, not after it */
      if (!strcmp(path, rs->path[i]) || cli_same_file(path, rs->path[i]))
        return cli_error("fit", "option '--%s': '%s' is an input run; it would be overwritten",
                         o->out_dir ? "out-dir" : "out", path);
    if (path && cli_check_params_target("fit", o->out_dir ? "out-dir" : "out", path)) return 1;
  }
  return 0;
}

/* Parameter i ended on a bound (in which groups). */
static void bound_warning(const fslaw_law *law, size_t i, const fslaw_fit_result *res,
                          const cli_run_set *rs) {
  const char *name = fslaw_law_param_name(law, i);
  fprintf(stderr, "fslaw fit: warning: parameter '%s' ended on a bound", name);
  for (size_t g = 0, k = 0; g < rs->ngroups; g++)
    if (res->group_on_bound[g] & (1UL << i)) fprintf(stderr, "%s%s", k++ ? ", " : " in ", rs->name[g]);
  fprintf(stderr, "; widen it with --bound %s=LO:HI or fix it\n", name);
}

/* Warn when the runs of group g leave a trade-off between parameters
 * practically free: doubling the largest part of the least determined
 * combination (of two or more parameters) changes the fitted curves by less
 * than 2 % of the fit's residual scale. On the bundled runs this ratio is
 * 1.1 % for mpl at 25M (B and beta) and 7-32 % for the other laws and
 * sizes; one parameter alone that barely matters (fslconv's B1 at 400M,
 * 2.3 %) is not a trade-off, and predict notes any prediction that hinges
 * on it. */
static void determination_warning(const fit_set *s, const double *p, const cli_run_set *rs,
                                  size_t g) {
  const fslaw_law *law = s->law[0];
  size_t idx, np = fslaw_law_nparams(law), parts = 0;
  fslaw_fit *fit = fit_of(s, g, &idx);
  double M[FSLAW_MAX_PARAMS * FSLAW_MAX_PARAMS], dir[FSLAW_MAX_PARAMS], scale, weak, big = 0;
  fslaw_error err;
  if (fslaw_fit_curvature(fit, idx, params_of(s, p, g, np), s->all.group_on_bound[g], M, &scale) ||
      fslaw_sensitivity_weakest(np, M, dir, &weak, &err))
    return;
  for (size_t i = 0; i < np; i++) big = fmax(big, fabs(dir[i]));
  for (size_t i = 0; i < np; i++) parts += fabs(dir[i]) >= 0.3 * big;
  double change = weak * log(2) / big; /* RMS change of the curves when its largest part doubles */
  if (parts < 2 || !(weak == 0 || change < 0.02 * scale)) return;
  fprintf(stderr, "fslaw fit: warning: the runs%s%s barely determine a trade-off between "
                  "parameters: ", rs->ngroups ? " of group " : "", rs->ngroups ? rs->name[g] : "");
  for (size_t i = 0, k = 0; i < np; i++)
    if (fabs(dir[i]) >= 0.1 * big)
      fprintf(stderr, "%s%s x%.3g", k++ ? ", " : "", fslaw_law_param_name(law, i),
              exp(log(2) * dir[i] / big));
  if (weak == 0) fprintf(stderr, " together do not change the fitted curves at all");
  else fprintf(stderr, " together change the fitted curves by only %.2g%% (RMS; the fit's residual "
                       "scale is %.2g%%)", 100 * change, 100 * scale);
  fprintf(stderr, "; predictions that depend on this combination are guesses (fslaw predict "
                  "notes them): add a run that tells these parameters apart, or hold one at a "
                  "value you have reason for with --fix\n");
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_fit_table(argc, argv);
  fit_opts o = {0};
  const cli_opt opts[] = {{"law", OPT_STRING, &o.law, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"out-dir", OPT_STRING, &o.out_dir, 0, 0, 0, 0},
                          CLI_FIT_OPT_ENTRIES(o.fo),
                          CLI_RUN_OPT_ENTRIES(o.ro),
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_fit, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.law && npos && cli_looks_like_table(pos[0]))
    return cli_error("fit", "'%s' is a table of runs (its header names N and D, or C and loss): "
                            "give --law chinchilla, kaplan or twophase", pos[0]);
  if (!o.law) { /* the law that predicted other schedules best on every bench (docs/fit.md §2) */
    o.law = CLI_DEFAULT_LAW;
    fprintf(stderr, "fslaw fit: note: law %s, the default (--law to choose; fslaw fit --help "
                    "lists the laws)\n", o.law);
  }
  fslaw_error err;
  fslaw_law *law = NULL; /* only to check --law: the fits' are made for their runs' peak */
  if (fslaw_law_create(o.law, &law, &err)) {
    char tl[128]; /* fit takes the table laws too: name them with the curve laws */
    size_t n = strlen(err.msg);
    cli_table_law_names(tl, sizeof tl);
    if (!strncmp(err.msg, "unknown law", 11) && n && err.msg[n - 1] == ')')
      return cli_error("fit", "option '--law': %.*s; over tables: %s)", (int)n - 1, err.msg, tl);
    return cli_error("fit", "option '--law': %s", err.msg);
  }
  fslaw_law_destroy(law);
  cli_run_set rs;
  if (cli_run_set_make("fit", &o.fo, pos, npos, &rs) || check_outputs(&o, &rs) ||
      cli_match_schedules("fit", &o.ro, rs.path, rs.npath)) {
    cli_run_set_free(&rs);
    return 1;
  }
  fslaw_run **runs = calloc(rs.npath ? rs.npath : 1, sizeof *runs);
  rc = runs ? read_runs(&rs, &o.ro, runs) : cli_error("fit", "out of memory");
  fit_set set = {0};
  cli_fit_setup fs = {0};
  if (!rc) rc = make_fits(&o, &rs, runs, &set, &fs);
  for (size_t i = 0; runs && i < rs.npath; i++) fslaw_run_destroy(runs[i]);
  free(runs);
  size_t np = set.n ? fslaw_law_nparams(set.law[0]) : 0, ng = rs.ngroups ? rs.ngroups : 1;
  double *p = rc ? NULL : malloc(ng * np * sizeof *p);
  if (!rc && !p) rc = cli_error("fit", "out of memory");
  if (!rc) rc = run_fits(&set, &rs, p, np);
  if (!rc) {
    const fslaw_fit_result *res = &set.all;
    char buf[4096];
    FILE *sf = out_path(&o, &rs, 0, buf) ? stdout : stderr; /* stdout may carry the JSON */
    summary(sf, &set, p, &rs, fs.shared, fs.loss, fs.delta);
    for (size_t i = 0; i < np; i++)
      if (res->on_bound & (1UL << i)) bound_warning(set.law[0], i, res, &rs);
    for (size_t g = 0; g < ng; g++) determination_warning(&set, p, &rs, g);
    size_t coords = 0; /* free values fitted: per group, shared ones once */
    for (size_t i = 0; i < np; i++)
      if (!(res->fixed & (1UL << i)))
        coords += (fs.shared & (1UL << i)) || !rs.ngroups ? 1 : rs.ngroups;
    if (res->points < 2 * coords)
      fprintf(stderr, "fslaw fit: warning: only %zu fitted points for %zu free parameters: the "
                      "law can pass through them and still be wrong elsewhere; log more points, "
                      "add runs or hold parameters with --fix\n", res->points, coords);
    if (res->logged > res->points)
      fprintf(stderr, "fslaw fit: note: runs logged more densely than --max-points %zu are "
                      "fitted as means of bins of logged points (%zu points from %zu logged); "
                      "--max-points 0 fits every point\n",
              fs.max_points, res->points, res->logged);
    rc = write_outputs(&o, &set, p, &rs, fs.shared, &fs);
  }
  free(p);
  fit_set_free(&set);
  cli_run_set_free(&rs);
  return rc;
}
