/* cmd_predict.c: `fslaw predict --params P.json RUN...|--schedule SPEC`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "extrapolation.h"
#include "fitted.h"
#include "schedule_names.h"
#include "table_cmds.h"

static int run(int argc, char **argv);

const cli_command cli_predict = {
    "predict", "predict loss curves of runs or schedules with a fitted law",
    "usage: fslaw predict --params P.json RUN... [--schedule [RUN=]SPEC]... [--every N]\n"
    "                     [--out F.csv] [--plot F.svg]\n"
    "       fslaw predict --params P.json --schedule [NAME=]SPEC... [--every N]\n"
    "                     [--out F.csv] [--plot F.svg] [--compare P2.json]...\n\n"
    "Print CSV run,step,lr,loss,pred: the fitted law's prediction at every logged\n"
    "step after warmup and every N-th step (loss empty where not logged); the plot\n"
    "shows each run's prediction as a line and its logged losses as dots.\n"
    "With --schedule and no RUN, predict the schedule SPEC itself (a run never made);\n"
    "several --schedule SPECs are predicted side by side, and their final losses\n"
    "compared on stderr.\n\n"
    "options:\n"
    "  --params F      parameters JSON written by fslaw fit (required)\n"
    "  --schedule SPEC the schedule to predict; with RUNs, their exact rates\n"
    "  --schedule RUN=SPEC  with RUNs: the exact rates of RUN alone (repeatable, one\n"
    "                  per run; as in fslaw inspect)\n"
    "  --schedule NAME=SPEC  without RUNs: a schedule to predict, called NAME in the\n"
    "                  CSV and plot (repeatable; default name: the schedule's kind,\n"
    "                  or its file, or SPEC itself when two would share a name)\n"
    "  --compare P2.json  with several schedules: also rank their final losses under\n"
    "                  another fitted law (repeatable, up to 8), and say whether the\n"
    "                  laws agree on the lowest; a choice the laws disagree on rests\n"
    "                  on their forms, not on your runs\n"
    "  --every N       also predict the steps that are multiples of N, and the last\n"
    "                  (default: about 1000 points a run)\n"
    "  --out F         write the CSV to F\n"
    "  --plot F        draw observed and predicted losses to the SVG file F, with a\n"
    "                  dashed line where a run goes beyond the fitted runs' time\n"
    "  --col NAME=COLUMN, --format csv|jsonl|tfevents|text, --loss-window W  as in fslaw inspect\n\n"
    "A law over a table of runs (chinchilla, kaplan, twophase) predicts a table:\n"
    "fslaw predict --params P.json --table T.csv (fslaw predict --table --help).\n",
    run, NULL};

/* The steps to predict: logged steps after warmup and every `every`-th step. */
static size_t *pick_steps(const fslaw_run *r, size_t warm, size_t every, size_t *nat) {
  size_t n = fslaw_run_steps(r), nl = fslaw_run_nloss(r);
  size_t *at = malloc((n / every + nl + 2) * sizeof *at);
  if (!at) return NULL;
  const size_t *ls = r ? fslaw_run_loss_steps(r) : NULL;
  size_t k = 0, j = 0;
  for (size_t s = warm + 1; s < n; s++) {
    while (j < nl && ls[j] < s) j++;
    int logged = j < nl && ls[j] == s;
    if (logged || s % every == 0 || s == n - 1) at[k++] = s;
  }
  *nat = k;
  return at;
}

typedef struct {
  const char *params, *every, *out, *plot;
  const char *compare[CLI_MAX_COMPARE]; /* --compare P2.json: other fitted laws */
  size_t ncompare;                      /* their number */
  cli_run_opts ro;
} predict_opts;

/* The --compare laws and each schedule's final loss under them. */
typedef struct {
  size_t n;                                   /* compared laws */
  fslaw_law *law[CLI_MAX_COMPARE];            /* the laws */
  double p[CLI_MAX_COMPARE][FSLAW_MAX_PARAMS]; /* their parameters */
  double final[CLI_MAX_COMPARE][CLI_MAX_SCHEDULES]; /* NaN: the law cannot say */
} compared;

/* The plot and what marks it: the fitted range, the steps marked so far. */
typedef struct {
  fslaw_svg *svg;
  const cli_fit_range *range;
  size_t runs;      /* runs plotted: more than one names the run in a marker */
  size_t *marked;   /* steps with a marker, one per run at most */
  size_t nmarked;
} predict_plot;

/* First step whose intrinsic time (sum of lr[0..step]) exceeds the longest
 * fitted run's, or n when the run stays within it up to the 1 % of slack
 * cli_note_extrapolation allows, so the plot marks what the note reports. */
static size_t beyond_fitted(const cli_fit_range *r, const double *lr, size_t n) {
  if (!r->found || n < 2) return n;
  double t = 0;
  size_t first = n;
  for (size_t k = 0; k < n; k++) {
    t += lr[k];
    if (first == n && t > r->range.max_time) first = k;
  }
  return t > 1.01 * r->range.max_time ? first : n;
}

/* Mark where run `name` (rates lr[0..n-1]) starts to extrapolate in time;
 * a run passing at a step already marked shares that marker (and its name). */
static fslaw_status mark_beyond(predict_plot *pl, const char *name, const double *lr, size_t n,
                                fslaw_error *err) {
  size_t at = beyond_fitted(pl->range, lr, n);
  if (at == n) return FSLAW_OK;
  for (size_t i = 0; i < pl->nmarked; i++)
    if (pl->marked[i] == at) return FSLAW_OK;
  pl->marked[pl->nmarked++] = at;
  static const char what[] = "beyond fitted runs";
  if (pl->runs < 2) return fslaw_svg_marker(pl->svg, 0, (double)at, what, err);
  size_t len = strlen(name) + sizeof what + 2;
  char *label = malloc(len);
  if (!label) return (snprintf(err->msg, sizeof err->msg, "out of memory"), FSLAW_ENOMEM);
  snprintf(label, len, "%s: %s", name, what);
  fslaw_status st = fslaw_svg_marker(pl->svg, 0, (double)at, label, err);
  free(label);
  return st;
}

/* Write run r's predictions as CSV rows named `name` (and its plot); *final
 * (when not NULL) is the prediction at its last step. */
static int predict_one(const fslaw_law *law, const double *p, const fslaw_run *r, const char *name,
                       size_t every, FILE *f, predict_plot *pl, double *final) {
  fslaw_svg *svg = pl->svg;
  const double *lr = fslaw_run_lr(r);
  size_t n = fslaw_run_steps(r), warm = fslaw_warmup_end(lr, n), nat = 0;
  if (!every) every = n / 1000 > 0 ? n / 1000 : 1;
  size_t *at = pick_steps(r, warm, every, &nat);
  double *pred = malloc((nat + 1) * sizeof *pred), *x = malloc((nat + 1) * sizeof *x);
  fslaw_error err;
  int rc = !at || !pred || !x ? cli_error("predict", "out of memory") : 0;
  if (!rc && !nat) rc = cli_error("predict", "%s: no step after warmup to predict", name);
  if (!rc && fslaw_law_predict(law, p, lr, n, at, nat, pred, &err))
    rc = cli_error("predict", "%s: %s", name, err.msg);
  const size_t *ls = fslaw_run_loss_steps(r);
  size_t nl = fslaw_run_nloss(r), j = 0;
  for (size_t i = 0; !rc && i < nat; i++) {
    while (j < nl && ls[j] < at[i]) j++;
    char a[32], b[32];
    cli_csv_field(f, name);
    fprintf(f, ",%zu,%s,", at[i], cli_num(a, lr[at[i]]));
    if (j < nl && ls[j] == at[i]) fprintf(f, "%s", cli_num(b, fslaw_run_loss(r)[j]));
    fprintf(f, ",%s\n", cli_num(a, pred[i]));
    x[i] = (double)at[i];
  }
  if (!rc && final) *final = pred[nat - 1];
  if (!rc && svg) {
    double *lx = malloc((nl + 1) * sizeof *lx);
    for (size_t i = 0; lx && i < nl; i++) lx[i] = (double)ls[i];
    fslaw_svg_style dots = (fslaw_svg_style)(FSLAW_SVG_MARKERS | FSLAW_SVG_SAME_COLOR);
    if (!lx || fslaw_svg_series(svg, 0, name, x, pred, nat, FSLAW_SVG_LINE, &err) ||
        (nl && fslaw_svg_series(svg, 0, NULL, lx, fslaw_run_loss(r), nl, dots, &err)) ||
        mark_beyond(pl, name, lr, n, &err))
      rc = cli_error("predict", "plot: %s", lx ? err.msg : "out of memory");
    free(lx);
  }
  free(at);
  free(pred);
  free(x);
  return rc;
}

static int write_plot(const char *path, const fslaw_svg *svg, const char *const *in, size_t nin) {
  cli_out o;
  fslaw_error err;
  if (cli_out_open("predict", &o, path, in, nin)) return 1;
  if (fslaw_svg_write(svg, o.f, &err)) {
    cli_out_abort(&o);
    return cli_error("predict", "%s", err.msg);
  }
  return cli_out_commit("predict", &o);
}

/* Without RUNs, --schedule is [NAME=]SPEC (schedule_names.h); name[i] is
 * NULL where none is given. */
static int split_names(cli_run_opts *ro, char **name) {
  for (size_t i = 0; i < ro->nschedule; i++) name[i] = NULL;
  for (size_t i = 0; i < ro->nschedule; i++) {
    ro->sched_run[i] = NULL;
    if (cli_schedule_split_name("predict", "schedule", ro->schedule[i], &ro->sched_spec[i], &name[i]))
      return 1;
  }
  ro->matched = 1;
  return 0;
}

/* Every --schedule SPEC made once before any output, so that a bad one fails
 * first; the files of file: schedules are inputs that --out and --plot may
 * not write over. s[0..nschedule) are set (NULL after a failure). */
static int make_schedules(const cli_run_opts *ro, char *const *name, fslaw_schedule **s) {
  fslaw_error err;
  for (size_t i = 0; i < ro->nschedule; i++) s[i] = NULL;
  for (size_t i = 0; i < ro->nschedule; i++) {
    const char *who = ro->sched_run[i] ? ro->sched_run[i] : name[i];
    if (fslaw_schedule_create(ro->sched_spec[i], &s[i], &err))
      return who ? cli_error("predict", "option '--schedule': %s: %s", who, err.msg)
                 : cli_error("predict", "option '--schedule': %s", err.msg);
  }
  return 0;
}

/* Predict the schedule s (number i), a run never made: an empty log of its
 * length; its final loss into *final, and under each compared law into cmp. */
static int predict_schedule(const fslaw_law *law, const double *p, const fslaw_schedule *s,
                            const char *name, size_t every, FILE *f, predict_plot *pl,
                            double *final, compared *cmp, size_t i) {
  fslaw_run *r = NULL;
  fslaw_error err;
  if (fslaw_run_parse(name, "step\n0\n", 7, FSLAW_RUN_CSV, NULL, &r, &err) ||
      fslaw_run_set_schedule(r, s, &err)) {
    fslaw_run_destroy(r);
    return cli_error("predict", "option '--schedule': %s: %s", name, err.msg);
  }
  const double *lr = fslaw_run_lr(r);
  size_t n = fslaw_run_steps(r);
  int rc = predict_one(law, p, r, name, every, f, pl, final);
  for (size_t j = 0; !rc && j < cmp->n; j++)
    if (fslaw_law_final_loss(cmp->law[j], cmp->p[j], lr, n, &cmp->final[j][i], NULL, NULL))
      cmp->final[j][i] = NAN;
  if (!rc) cli_note_extrapolation("predict", pl->range, name, lr, n);
  if (!rc) cli_note_determination("predict", pl->range, law, p, name, lr, n);
  fslaw_run_destroy(r);
  return rc;
}

/* Two final losses closer than this (relative) are a tie. */
#define TIE 1e-9

/* Whether the compared laws rank schedule `best` lowest too: the verdict
 * after the table. label[j] names compared law j. */
static void compare_verdict(char *const *name, const double *final, const compared *cmp,
                            char *const *label, size_t n, size_t best, size_t second) {
  for (size_t j = 0; j < cmp->n; j++)
    for (size_t i = 0; i < n; i++)
      if (isnan(cmp->final[j][i])) {
        fprintf(stderr, "  %s cannot score %s (n/a above)\n", label[j], name[i]);
        return;
      }
  if (final[second] - final[best] <= TIE * fabs(final[best])) {
    fprintf(stderr, "  %s and %s tie under the fitted law: nothing to rank\n", name[best],
            name[second]);
    return;
  }
  char buf[1024] = "";
  double margin = HUGE_VAL;
  size_t closest = 0, at = 0;
  for (size_t j = 0; j < cmp->n; j++) {
    size_t low = best; /* law j's lowest, ties going to `best` */
    for (size_t i = 0; i < n; i++)
      if (cmp->final[j][i] < cmp->final[j][low] - TIE * fabs(cmp->final[j][low])) low = i;
    for (size_t i = 0; low == best && i < n; i++)
      if (i != best && cmp->final[j][i] - cmp->final[j][best] < margin)
        margin = cmp->final[j][i] - cmp->final[j][best], closest = i, at = j;
    size_t used = strlen(buf);
    if (low != best)
      snprintf(buf + used, sizeof buf - used, "%sunder %s, %s (%.6g) is lower than %s (%.6g)",
               used ? "; " : "", label[j], name[low], cmp->final[j][low], name[best],
               cmp->final[j][best]);
  }
  if (*buf)
    fprintf(stderr, "  the laws disagree: %s; which is lower rests on the laws' forms, not on "
                    "your runs\n", buf);
  else if (margin > TIE * fabs(final[best]))
    fprintf(stderr, "  every law ranks %s lowest (the closest second: %s, %.3g above it under "
                    "%s)\n", name[best], name[closest], margin, label[at]);
  else
    fprintf(stderr, "  every law ranks %s lowest or ties it (%s ties it under %s)\n", name[best],
            name[closest], label[at]);
}

/* With several schedules and no RUN: their final losses, lowest first, and
 * under each compared law (columns named by their params files, as the
 * runs of a command are). */
static void compare_finals(char *const *name, const double *final, size_t n, const compared *cmp,
                           const char *params, const char *const *paths) {
  size_t order[CLI_MAX_SCHEDULES], w = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = i;
    for (; k > 0 && final[order[k - 1]] > final[i]; k--) order[k] = order[k - 1];
    order[k] = i;
    if (strlen(name[i]) > w) w = strlen(name[i]);
  }
  const char *all[CLI_MAX_COMPARE + 1] = {params};
  char *label[CLI_MAX_COMPARE + 1] = {0};
  int cw[CLI_MAX_COMPARE + 1];
  for (size_t j = 0; j < cmp->n; j++) all[j + 1] = paths[j];
  for (size_t j = 0; j <= cmp->n; j++) {
    label[j] = cli_run_label(all, NULL, cmp->n + 1, j);
    cw[j] = label[j] && strlen(label[j]) > 10 ? (int)strlen(label[j]) : 10;
  }
  fprintf(stderr, "fslaw predict: final loss of each schedule, lowest first%s:\n",
          cmp->n ? " (then under each --compare law)" : "");
  if (cmp->n) {
    fprintf(stderr, "  %-*s  %-*s %-22s", (int)w, "", cw[0], label[0] ? label[0] : "", "");
    for (size_t j = 1; j <= cmp->n; j++) fprintf(stderr, " %*s", cw[j], label[j] ? label[j] : "");
    fprintf(stderr, "\n");
  }
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    fprintf(stderr, "  %-*s  %-*.6g", (int)w, name[i], cmp->n ? cw[0] : 0, final[i]);
    char gap[64] = "";
    if (k) snprintf(gap, sizeof gap, "  %+.3g (%+.2f %%)", final[i] - final[order[0]],
                    100 * (final[i] - final[order[0]]) / final[order[0]]);
    fprintf(stderr, "%-*s", cmp->n ? 22 : 0, gap);
    for (size_t j = 0; j < cmp->n; j++) fprintf(stderr, " %*.6g", cw[j + 1], cmp->final[j][i]);
    fprintf(stderr, "\n");
  }
  if (cmp->n) compare_verdict(name, final, cmp, label + 1, n, order[0], order[1]);
  for (size_t j = 0; j <= cmp->n; j++) free(label[j]);
}

/* --compare: read the other fitted laws (only with several schedules). */
static int read_compared(const predict_opts *o, size_t npos, compared *cmp) {
  if (o->ncompare && (npos || o->ro.nschedule < 2))
    return cli_error("predict", "option '--compare' ranks the final losses of schedules: give "
                     "two or more --schedule SPECs and no RUN");
  fslaw_error err;
  for (size_t j = 0; j < o->ncompare; j++, cmp->n++)
    if (fslaw_params_read(o->compare[j], &cmp->law[j], cmp->p[j], &err))
      return cli_error("predict", "option '--compare': %s", err.msg);
  return 0;
}

/* Every RUN read first, so that each is labelled by its own name (a W&B or
 * MLflow run's name) unless another run has it too. */
static int predict_runs(const cli_run_opts *ro, const char *params, const char *const *pos,
                        size_t npos, const fslaw_law *law, const double *p,
                        const cli_fit_range *range, size_t every, FILE *f, predict_plot *pl) {
  fslaw_run **r = calloc(npos, sizeof *r);
  const char **names = calloc(npos, sizeof *names);
  int rc = r && names ? 0 : cli_error("predict", "out of memory");
  cJSON *meta = rc ? NULL : cli_params_meta(params); /* fitted runs as fitted */
  for (size_t i = 0; !rc && i < npos; i++) {
    rc = cli_read_given_run("predict", ro, params, meta, pos[i], &r[i]);
    if (!rc) names[i] = fslaw_run_name(r[i]);
  }
  for (size_t i = 0; !rc && i < npos; i++) {
    char *label = cli_run_label(pos, names, npos, i);
    rc = label ? predict_one(law, p, r[i], label, every, f, pl, NULL)
               : cli_error("predict", "out of memory");
    free(label);
    size_t n = rc ? 0 : fslaw_run_steps(r[i]);
    if (!rc) cli_note_extrapolation("predict", range, pos[i], fslaw_run_lr(r[i]), n);
    if (!rc) cli_note_determination("predict", range, law, p, pos[i], fslaw_run_lr(r[i]), n);
  }
  cJSON_Delete(meta);
  for (size_t i = 0; r && i < npos; i++) fslaw_run_destroy(r[i]);
  free(r);
  free(names);
  return rc;
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_predict_table(argc, argv);
  predict_opts o = {0};
  const cli_opt opts[] = {{"params", OPT_STRING, &o.params, 0, 0, 0, 0},
                          {"every", OPT_STRING, &o.every, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"plot", OPT_STRING, &o.plot, 0, 0, 0, 0},
                          {"compare", OPT_MULTI, 0, 0, o.compare, &o.ncompare, CLI_MAX_COMPARE},
                          CLI_RUN_OPT_ENTRIES(o.ro),
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, every = 0;
  int rc = cli_parse(&cli_predict, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.params) return cli_error("predict", "option '--params' is required");
  if (!npos && !o.ro.nschedule) return cli_error("predict", "expected RUN files or --schedule SPEC");
  char *names[CLI_MAX_SCHEDULES] = {0}; /* without RUNs: each schedule's name */
  rc = npos ? cli_match_schedules("predict", &o.ro, pos, npos) : split_names(&o.ro, names);
  if (!rc && o.every) rc = cli_parse_count("predict", "every", o.every, &every);
  if (!rc) rc = cli_check_target("predict", "out", o.out) || cli_check_target("predict", "plot", o.plot);
  fslaw_error err;
  fslaw_law *law = NULL;
  double p[FSLAW_MAX_PARAMS];
  if (!rc && fslaw_params_read(o.params, &law, p, &err)) rc = cli_error("predict", "%s", err.msg);
  compared cmp = {0};
  if (!rc) rc = read_compared(&o, npos, &cmp);
  cli_fit_range range;
  if (!rc) cli_read_fit_range(o.params, law, &range);
  fslaw_svg *svg = !rc && o.plot ? fslaw_svg_create(1, 800, 480) : NULL;
  if (svg) fslaw_svg_panel(svg, 0, fslaw_law_spec(law), "step", "loss", 1, 1, NULL);
  size_t nlines = npos ? npos : o.ro.nschedule;
  predict_plot pl = {svg, &range, nlines, malloc((nlines + 1) * sizeof(size_t)), 0};
  if (!rc && !pl.marked) rc = cli_error("predict", "out of memory");
  fslaw_schedule *sch[CLI_MAX_SCHEDULES] = {0};
  if (!rc) rc = make_schedules(&o.ro, names, sch);
  if (!rc && !npos)
    rc = cli_schedule_default_names("predict", "schedule", o.ro.sched_spec, sch, o.ro.nschedule, names);
  size_t nin = npos + 1 + o.ro.nschedule + o.ncompare;
  const char *inputs[nin]; /* never written over: the runs, params, schedule files */
  for (size_t i = 0; i < npos; i++) inputs[i] = pos[i];
  inputs[npos] = o.params;
  for (size_t i = 0; i < o.ro.nschedule; i++)
    inputs[npos + 1 + i] = sch[i] ? fslaw_schedule_path(sch[i]) : NULL;
  for (size_t j = 0; j < o.ncompare; j++) inputs[npos + 1 + o.ro.nschedule + j] = o.compare[j];
  const cli_target outs[2] = {{"out", o.out, "run,step,lr,loss,pred\n"}, {"plot", o.plot, "<"}};
  if (!rc) rc = cli_check_outputs("predict", outs, 2, inputs, nin);
  cli_out out;
  int opened = !rc && !(rc = cli_out_open("predict", &out, o.out, inputs, nin));
  if (opened) fprintf(out.f, "run,step,lr,loss,pred\n");
  double final[CLI_MAX_SCHEDULES];
  for (size_t i = 0; !rc && !npos && i < o.ro.nschedule; i++)
    rc = predict_schedule(law, p, sch[i], names[i], every, out.f, &pl, &final[i], &cmp, i);
  if (!rc && !npos && o.ro.nschedule > 1)
    compare_finals(names, final, o.ro.nschedule, &cmp, o.params, o.compare);
  if (!rc && npos) rc = predict_runs(&o.ro, o.params, pos, npos, law, p, &range, every, out.f, &pl);
  if (opened && !rc) rc = cli_out_commit("predict", &out);
  else if (opened) cli_out_abort(&out);
  if (!rc && svg) rc = write_plot(o.plot, svg, inputs, nin);
  for (size_t i = 0; i < o.ro.nschedule; i++) fslaw_schedule_destroy(sch[i]), free(names[i]);
  fslaw_svg_destroy(svg);
  free(pl.marked);
  fslaw_law_destroy(law);
  for (size_t j = 0; j < cmp.n; j++) fslaw_law_destroy(cmp.law[j]);
  return rc;
}
