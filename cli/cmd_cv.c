/* cmd_cv.c: `fslaw cv --law SPEC RUN...`: leave-one-run-out cross-validation
 * of loss-curve laws on the user's own runs: for each run, fit the law on all
 * the other runs (as fslaw fit does, same options) and score the run left out
 * (as fslaw eval does, same metrics, MATH.md §5.5). The honest held-out error
 * of a law when no extra held-out runs exist. With groups (--group, --share)
 * every fold is a grouped fit, and the run left out is scored with its own
 * group's parameters; with nothing shared, a fit of its group alone
 * (cli_fit_separately). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "curves.h"
#include "fit_setup.h"
#include "schedule_names.h"

static int run(int argc, char **argv);

#define MAX_LAWS 8
#define MAX_CV_RUNS 256
#define MAX_PREDICT 8

const cli_command cli_cv = {
    "cv", "leave-one-run-out held-out errors of loss-curve laws on your runs",
    "usage: fslaw cv [--law SPEC]... [--after STEP] [--bins N] [--out F.csv]\n"
    "                [--predict [NAME=]SPEC]... [fit options]\n"
    "                (RUN RUN... | --group NAME=RUN,... [--group ...] [--share P,...])\n\n"
    "For every law and every RUN: fit the law to all the other runs (as fslaw fit,\n"
    "with the same options) and score the run left out (as fslaw eval). Prints CSV\n"
    "law,heldout,n,r2,mae,rmse,prede,worste,note with one row per fold and a row\n"
    "'mean' per law (unweighted over the folds that could be fitted). A fold whose\n"
    "other runs cannot fit the law (e.g. none of them decays its rate) has empty\n"
    "metrics and the reason in 'note', as has a fold whose law predicts a\n"
    "non-positive loss on the run left out; the command fails only when no fold\n"
    "of a law could be scored. Progress goes to standard error when it is a terminal.\n"
    "With groups, each fold fits all groups at once (the shared parameters from\n"
    "all of them, as fslaw fit --group), scores the run left out with its group's\n"
    "parameters, and a row 'mean:NAME' per group precedes the 'mean' of all folds.\n"
    "With nothing shared, a fold fits the group of the run left out alone: every\n"
    "fold is that of fslaw cv of the group's runs.\n\n"
    "options:\n"
    "  --law SPEC          a law as in fslaw fit (repeatable, up to 8; default fslkq)\n"
    "  --after STEP        score only points after STEP, as fslaw eval --after\n"
    "  --bins N            score means of N bins of consecutive points, as fslaw eval\n"
    "  --out F             write the CSV to F (default: standard output)\n"
    "  --predict [NAME=]SPEC  also predict the final loss of the schedule SPEC with\n"
    "                      each fold's fit (repeatable, up to 8; named as by fslaw\n"
    "                      predict --schedule): a column final:NAME, the mean in\n"
    "                      the row 'mean', and on standard error each schedule's\n"
    "                      range over the folds and how many folds rank each\n"
    "                      lowest: how much the prediction, and the choice between\n"
    "                      schedules, depends on which of your runs are fitted\n"
    "                      (not with --group)\n" CLI_FIT_OPTS_HELP
    CLI_FIT_GROUP_HELP
    CLI_RUN_OPTS_HELP
    "--fix, --bound and --share apply to every law, which must have the parameter.\n\n"
    "example: fslaw cv --law fsl --law mpl data/mpl/25M/cosine_24000.csv \\\n"
    "           data/mpl/25M/constant_24000.csv data/mpl/25M/wsdcon_9.csv\n",
    run, NULL};

/* The --predict schedules, each with its rates. */
typedef struct {
  size_t n;                        /* how many */
  const char *spec[MAX_PREDICT];   /* SPEC of each (points into its --predict value) */
  char *name[MAX_PREDICT];         /* its name (the CSV's final:NAME) */
  fslaw_schedule *s[MAX_PREDICT];  /* the schedule */
  double *lr[MAX_PREDICT];         /* its rates, steps[i] of them */
  size_t steps[MAX_PREDICT];
} cv_sched;

typedef struct {
  const char *law[MAX_LAWS]; /* --law specs */
  size_t nlaw;               /* how many */
  const char *after, *out;   /* --after, --out */
  const char *bins_s;        /* --bins */
  size_t bins;               /* its value (0: score every point) */
  cli_fit_opts fo;           /* fit options */
  cli_run_opts ro;           /* how runs are read */
  const char *predict[MAX_PREDICT]; /* --predict values */
  size_t npredict;           /* how many */
  cv_sched sched;            /* their schedules */
} cv_opts;

/* The result of one fold. */
typedef struct {
  int fitted;        /* 1: metrics valid; 0: the fit failed (see note) */
  fslaw_metrics m;   /* metrics on the held-out run */
  char note[300];    /* why the fit failed */
  char noise[1024];  /* the batch noise note on its scores ("": none) */
  cli_bins_advice adv; /* ... and the --bins it needs */
  double final[MAX_PREDICT]; /* predicted final loss of each --predict schedule (NaN: none) */
} cv_fold;

/* Add every run but `held` to the fit, group by group. Returns 0, or 1 on an
 * error that stops the command; *empty = 1 when held's group has no other
 * run (the fold cannot be fitted). */
static int add_others(fslaw_fit *fit, const cli_run_set *rs, fslaw_run *const *runs,
                      size_t held, size_t from, int *empty) {
  size_t ng = rs->ngroups ? rs->ngroups : 1;
  *empty = 0;
  for (size_t g = 0; g < ng; g++) {
    size_t a = rs->ngroups ? rs->first[g] : 0, b = rs->ngroups ? rs->first[g + 1] : rs->npath;
    if (b - a == 1 && a == held) {
      *empty = 1;
      return 0;
    }
    if (rs->ngroups && fslaw_fit_set_group(fit, rs->name[g]))
      return cli_error("cv", "option '--group': %s", fslaw_fit_errmsg(fit));
    for (size_t i = a; i < b; i++)
      if (i != held && cli_fit_add_run("cv", fit, rs->path[i], runs[i], from)) return 1;
  }
  return 0;
}

/* Fit `law` to every run but `held`; score `held` into *f. Returns 0 (fold
 * done, fitted or not), or 1 on an error that stops the command. quiet: no
 * option warnings (an earlier fold of this law printed them). */
static int fold(const cv_opts *o, const fslaw_law *law, const cli_run_set *rs,
                fslaw_run *const *runs, size_t held, size_t after, int quiet, cv_fold *f) {
  fslaw_fit *fit = fslaw_fit_create(law);
  size_t np = fslaw_law_nparams(law), ng = rs->ngroups ? rs->ngroups : 1;
  double *p = malloc(ng * np * sizeof *p);
  cli_fit_setup fs = {.quiet = quiet};
  int empty = 0, rc = !fit || !p ? cli_error("cv", "out of memory")
                                 : cli_fit_configure("cv", fit, law, &o->fo, &fs);
  if (!rc) rc = add_others(fit, rs, runs, held, fs.from, &empty);
  fslaw_fit_result res;
  f->fitted = !rc && !empty && fslaw_fit_run(fit, p, &res) == FSLAW_OK;
  size_t g = cli_run_set_group_of(rs, held);
  if (!rc && empty)
    snprintf(f->note, sizeof f->note, "group '%s' has no other run to fit", rs->name[g]);
  else if (!rc && !f->fitted)
    snprintf(f->note, sizeof f->note, "fit failed: %s", fslaw_fit_errmsg(fit));
  fslaw_fit_destroy(fit);
  for (size_t j = 0; j < o->sched.n; j++) { /* a non-positive loss means nothing: none */
    f->final[j] = NAN;
    if (!rc && f->fitted &&
        (fslaw_law_final_loss(law, p + g * np, o->sched.lr[j], o->sched.steps[j], &f->final[j], NULL,
                              NULL) || !(f->final[j] > 0)))
      f->final[j] = NAN;
  }
  cli_points pts;
  char why[256];
  if (!rc && f->fitted)
    rc = cli_points_predict("cv", law, p + g * np, runs[held], after, rs->path[held], &pts, why,
                            sizeof why);
  if (!rc && f->fitted) {
    rc = cli_points_score("cv", &pts, o->bins, rs->path[held], &f->m);
    if (!rc) cli_noise_note(&pts, o->bins, f->m.prede, rs->path[held], f->noise, sizeof f->noise,
                           &f->adv);
    cli_points_free(&pts);
  } else if (rc == 2) { /* the fold's law fails on the held-out run: the fold failed */
    f->fitted = rc = 0;
    snprintf(f->note, sizeof f->note, "prediction failed: %s", why);
  }
  free(p);
  return rc;
}

static void row(FILE *f, const char *law, const char *name, const cv_fold *c, size_t nfinal) {
  char a[32], b[32], d[32], e[32], g[32];
  cli_csv_field(f, law);
  fputc(',', f);
  cli_csv_field(f, name);
  if (c->fitted)
    fprintf(f, ",%zu,%s,%s,%s,%s,%s,", c->m.n, cli_num(a, c->m.r2), cli_num(b, c->m.mae),
            cli_num(d, c->m.rmse), cli_num(e, c->m.prede), cli_num(g, c->m.worste));
  else
    fputs(",,,,,,,", f);
  cli_csv_field(f, c->note);
  for (size_t j = 0; j < nfinal; j++) {
    fputc(',', f);
    if (c->fitted && isfinite(c->final[j])) fputs(cli_num(a, c->final[j]), f);
  }
  fputc('\n', f);
}

/* The mean over the fitted folds a <= i < b of one law (0 when none was fitted). */
static size_t mean_fold(const cv_fold *folds, size_t a, size_t b, cv_fold *mean) {
  fslaw_metrics ms[MAX_CV_RUNS];
  size_t k = 0, n = b - a;
  for (size_t i = a; i < b; i++)
    if (folds[i].fitted) ms[k++] = folds[i].m;
  memset(mean, 0, sizeof *mean);
  if (k) fslaw_metrics_mean(ms, k, &mean->m);
  mean->fitted = k > 0;
  for (size_t j = 0; j < MAX_PREDICT; j++) { /* over the folds that predict it */
    double sum = 0;
    size_t m = 0;
    for (size_t i = a; i < b; i++)
      if (folds[i].fitted && isfinite(folds[i].final[j])) sum += folds[i].final[j], m++;
    mean->final[j] = m ? sum / (double)m : NAN;
  }
  snprintf(mean->note, sizeof mean->note, "%zu of %zu folds", k, n);
  return k;
}

/* The folds of runs a <= i < b of law l into folds[l * n + i], with its law
 * made for their peak: of all runs, or of one group fitted alone
 * (cli_fit_separately: view is then that group as runs without groups, so
 * each fold is the fold of a plain cv of the group). */
static int law_folds(const cv_opts *o, const cli_run_set *rs, fslaw_run *const *runs, size_t l,
                     size_t a, size_t b, size_t after, cv_fold *folds) {
  size_t n = rs->npath;
  cli_run_set view = *rs;
  const char *group = NULL;
  if (cli_fit_separately(&o->fo)) {
    for (size_t g = 0; g < rs->ngroups; g++)
      if (rs->first[g] == a) group = rs->name[g];
    view.ngroups = 0;
    view.path = rs->path + a;
    view.npath = b - a;
  }
  size_t off = view.path - rs->path;
  fslaw_law *law;
  if (cli_fit_law("cv", o->law[l], runs + off, view.npath, l == 0, group, &law)) return 1;
  int rc = 0;
  for (size_t i = a; !rc && i < b; i++) {
    if (isatty(2)) fprintf(stderr, "\rfslaw cv: %s: fold %zu of %zu ", o->law[l], i + 1, n);
    if (view.npath == 1) { /* the fold of a group with one run */
      folds[l * n + i].fitted = 0;
      snprintf(folds[l * n + i].note, sizeof folds[l * n + i].note,
               "group '%s' has no other run to fit", rs->name[cli_run_set_group_of(rs, i)]);
      continue;
    }
    rc = fold(o, law, &view, runs + off, i - off, after, i > a, &folds[l * n + i]);
  }
  fslaw_law_destroy(law);
  return rc;
}

/* Every fold of every law into folds[law * n + run]. */
static int run_folds(const cv_opts *o, const cli_run_set *rs, fslaw_run *const *runs,
                     size_t after, cv_fold *folds) {
  size_t n = rs->npath, ng = cli_fit_separately(&o->fo) ? rs->ngroups : 1;
  for (size_t l = 0; l < o->nlaw; l++) {
    for (size_t g = 0; g < ng; g++) {
      size_t a = ng > 1 ? rs->first[g] : 0, b = ng > 1 ? rs->first[g + 1] : n;
      if (law_folds(o, rs, runs, l, a, b, after, folds)) return 1;
    }
    if (isatty(2)) fputc('\n', stderr);
  }
  return 0;
}

static int write_csv(const cv_opts *o, const cli_run_set *rs, const cv_fold *folds) {
  size_t n = rs->npath;
  const char *const *paths = rs->path;
  cli_out out;
  int rc = cli_out_open("cv", &out, o->out, paths, n), empty = 0;
  if (rc) return rc;
  fprintf(out.f, "law,heldout,n,r2,mae,rmse,prede,worste,note");
  size_t nf = o->sched.n;
  for (size_t j = 0; j < nf; j++) {
    char col[300];
    snprintf(col, sizeof col, "final:%s", o->sched.name[j]);
    fputc(',', out.f);
    cli_csv_field(out.f, col);
  }
  fputc('\n', out.f);
  for (size_t l = 0; l < o->nlaw; l++) {
    for (size_t i = 0; i < n; i++) row(out.f, o->law[l], paths[i], &folds[l * n + i], nf);
    cv_fold mean;
    for (size_t g = 0; g < rs->ngroups; g++) {
      char label[96];
      snprintf(label, sizeof label, "mean:%s", rs->name[g]);
      mean_fold(folds + l * n, rs->first[g], rs->first[g + 1], &mean);
      row(out.f, o->law[l], label, &mean, nf);
    }
    if (!mean_fold(folds + l * n, 0, n, &mean)) empty = 1;
    row(out.f, o->law[l], "mean", &mean, nf);
  }
  for (size_t l = 0; l < o->nlaw; l++) /* on stderr too: the CSV may go to a file */
    for (size_t i = 0; i < n; i++)
      if (!folds[l * n + i].fitted)
        fprintf(stderr, "fslaw cv: %s%s without %s: %s\n", empty ? "" : "note: ", o->law[l],
                paths[i], folds[l * n + i].note);
  if (empty) {
    cli_out_abort(&out);
    return cli_error("cv", "a law could not be fitted and scored in any fold (reasons above)");
  }
  return cli_out_commit("cv", &out);
}

/* The batch noise note of each run, once: of its fold with the least PredE
 * (the law the noise hides most; "law L" named when there are several);
 * then, once, the --bins those folds need (one --bins scores them all). */
static void note_noise(const cv_opts *o, size_t n, const cv_fold *folds) {
  cli_bins_advice adv = {0};
  for (size_t i = 0; i < n; i++) {
    size_t best = SIZE_MAX;
    for (size_t l = 0; l < o->nlaw; l++) {
      const cv_fold *f = &folds[l * n + i];
      if (f->fitted && (best == SIZE_MAX || f->m.prede < folds[best * n + i].m.prede)) best = l;
    }
    if (best == SIZE_MAX || !folds[best * n + i].noise[0]) continue;
    fprintf(stderr, "fslaw cv: note: %s", folds[best * n + i].noise);
    if (o->nlaw > 1) fprintf(stderr, " (law %s)", o->law[best]);
    fputc('\n', stderr);
    cli_bins_advice_merge(&adv, &folds[best * n + i].adv);
  }
  char advice[512];
  if (cli_bins_advice_text(&adv, o->bins, advice, sizeof advice))
    fprintf(stderr, "fslaw cv: note: %s\n", advice);
}

/* --predict on stderr, per law: each schedule's range of final losses over
 * the folds, and in how many folds each is the lowest; a note when the
 * folds disagree (the choice rests on which runs are fitted). */
static void note_predict(const cv_opts *o, size_t n, const cv_fold *folds) {
  const cv_sched *sc = &o->sched;
  for (size_t l = 0; sc->n && l < o->nlaw; l++) {
    size_t lowest[MAX_PREDICT] = {0}, folds_ranked = 0;
    fprintf(stderr, "fslaw cv: %s: final loss of each --predict schedule by the fits without each run:",
            o->law[l]);
    for (size_t j = 0; j < sc->n; j++) {
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = 0; i < n; i++) {
        double v = folds[l * n + i].fitted ? folds[l * n + i].final[j] : NAN;
        if (isfinite(v)) lo = fmin(lo, v), hi = fmax(hi, v);
      }
      if (hi < lo) fprintf(stderr, "%s %s none", j ? ";" : "", sc->name[j]);
      else fprintf(stderr, "%s %s %.6g to %.6g (spread %.3g)", j ? ";" : "", sc->name[j], lo, hi, hi - lo);
    }
    fputc('\n', stderr);
    for (size_t i = 0; sc->n > 1 && i < n; i++) {
      const cv_fold *f = &folds[l * n + i];
      size_t best = SIZE_MAX;
      for (size_t j = 0; f->fitted && j < sc->n; j++)
        if (isfinite(f->final[j]) && (best == SIZE_MAX || f->final[j] < f->final[best])) best = j;
      if (best != SIZE_MAX) lowest[best]++, folds_ranked++;
    }
    if (sc->n < 2 || !folds_ranked) continue;
    fprintf(stderr, "fslaw cv: %s: lowest:", o->law[l]);
    for (size_t j = 0, k = 0; j < sc->n; j++)
      if (lowest[j]) fprintf(stderr, "%s %s in %zu of %zu folds", k++ ? ";" : "", sc->name[j], lowest[j], folds_ranked);
    fputc('\n', stderr);
    for (size_t j = 0; j < sc->n; j++)
      if (lowest[j] && lowest[j] < folds_ranked) {
        fprintf(stderr, "fslaw cv: note: %s: the folds disagree on the lowest --predict schedule: "
                        "which is best rests on which of your runs are fitted\n", o->law[l]);
        break;
      }
  }
}

/* The --predict values: named, made and evaluated before any fit. */
static int make_predict(cv_opts *o) {
  cv_sched *sc = &o->sched;
  fslaw_error err;
  sc->n = o->npredict;
  for (size_t j = 0; j < sc->n; j++)
    if (cli_schedule_split_name("cv", "predict", o->predict[j], &sc->spec[j], &sc->name[j])) return 1;
  for (size_t j = 0; j < sc->n; j++) {
    if (fslaw_schedule_create(sc->spec[j], &sc->s[j], &err))
      return cli_error("cv", "option '--predict': %s", err.msg);
    sc->steps[j] = fslaw_schedule_steps(sc->s[j]);
    if (!(sc->lr[j] = malloc(sc->steps[j] * sizeof *sc->lr[j]))) return cli_error("cv", "out of memory");
    if (fslaw_schedule_eval(sc->s[j], sc->lr[j], sc->steps[j], &err))
      return cli_error("cv", "option '--predict': %s", err.msg);
  }
  return cli_schedule_default_names("cv", "predict", sc->spec, sc->s, sc->n, sc->name);
}

static void free_predict(cv_sched *sc) {
  for (size_t j = 0; j < sc->n; j++) {
    free(sc->name[j]);
    fslaw_schedule_destroy(sc->s[j]);
    free(sc->lr[j]);
  }
}

static int run(int argc, char **argv) {
  cv_opts o = {0};
  const cli_opt opts[] = {{"law", OPT_MULTI, 0, 0, o.law, &o.nlaw, MAX_LAWS},
                          {"after", OPT_STRING, &o.after, 0, 0, 0, 0},
                          {"bins", OPT_STRING, &o.bins_s, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"predict", OPT_MULTI, 0, 0, o.predict, &o.npredict, MAX_PREDICT},
                          CLI_FIT_OPT_ENTRIES(o.fo),
                          CLI_RUN_OPT_ENTRIES(o.ro),
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, after = 0;
  int rc = cli_parse(&cli_cv, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.nlaw) { /* as fit */
    o.law[o.nlaw++] = CLI_DEFAULT_LAW;
    fprintf(stderr, "fslaw cv: note: law %s, the default (--law to choose; fslaw fit --help "
                    "lists the laws)\n", CLI_DEFAULT_LAW);
  }
  if (o.after && cli_parse_count("cv", "after", o.after, &after)) return 1;
  if (o.bins_s && cli_parse_bins("cv", o.bins_s, &o.bins)) return 1;
  cli_run_set rs;
  rc = cli_run_set_make("cv", &o.fo, pos, npos, &rs);
  if (!rc) rc = cli_match_schedules("cv", &o.ro, rs.path, rs.npath);
  size_t n = rs.npath;
  if (!rc && n < 2) rc = cli_error("cv", "expected at least two RUN files (one is left out in turn)");
  if (!rc && n > MAX_CV_RUNS) rc = cli_error("cv", "at most %d RUN files", MAX_CV_RUNS);
  if (!rc && o.npredict && rs.ngroups)
    rc = cli_error("cv", "option '--predict' cannot be combined with '--group' (each group has "
                         "its own parameters)");
  if (!rc && o.npredict) rc = make_predict(&o);
  const cli_target target = {"out", o.out, "law,heldout,"}; /* before the folds' fits */
  const char *inputs[MAX_CV_RUNS + MAX_PREDICT]; /* the runs and the schedules' files */
  size_t nin = rc ? 0 : n;
  for (size_t i = 0; i < nin; i++) inputs[i] = rs.path[i];
  for (size_t j = 0; !rc && j < o.sched.n; j++)
    if (fslaw_schedule_path(o.sched.s[j])) inputs[nin++] = fslaw_schedule_path(o.sched.s[j]);
  if (!rc) rc = cli_check_outputs("cv", &target, 1, inputs, nin);
  fslaw_run **runs = rc ? NULL : calloc(n, sizeof *runs);
  cv_fold *folds = rc ? NULL : calloc(o.nlaw * n, sizeof *folds);
  if (!rc && (!runs || !folds)) rc = cli_error("cv", "out of memory");
  uint64_t *fp = rc ? NULL : malloc((n + 1) * sizeof *fp);
  if (!rc && !fp) rc = cli_error("cv", "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    rc = cli_read_run("cv", rs.path[i], &o.ro, &runs[i]);
    if (!rc) fp[i] = cli_run_fingerprint(runs[i]);
    if (!rc) rc = cli_check_distinct("cv", &rs, fp, i);
  }
  free(fp);
  if (!rc) rc = run_folds(&o, &rs, runs, after, folds);
  if (!rc) rc = write_csv(&o, &rs, folds);
  if (!rc) note_noise(&o, n, folds);
  if (!rc) note_predict(&o, n, folds);
  for (size_t i = 0; runs && i < n; i++) fslaw_run_destroy(runs[i]);
  free(runs);
  free(folds);
  free_predict(&o.sched);
  cli_run_set_free(&rs);
  return rc;
}
