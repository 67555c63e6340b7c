/* cmd_predict.c: `fslaw predict --params P.json RUN...|--schedule SPEC`. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "extrapolation.h"
#include "table_cmds.h"

static int run(int argc, char **argv);

const cli_command cli_predict = {
    "predict", "predict loss curves of runs or schedules with a fitted law",
    "usage: fslaw predict --params P.json RUN... [--schedule [RUN=]SPEC]... [--every N]\n"
    "                     [--out F.csv] [--plot F.svg]\n"
    "       fslaw predict --params P.json --schedule SPEC [--every N] [--out F.csv]\n"
    "                     [--plot F.svg]\n\n"
    "Print CSV run,step,lr,loss,pred: the fitted law's prediction at every logged\n"
    "step after warmup and every N-th step (loss empty where not logged); the plot\n"
    "shows each run's prediction as a line and its logged losses as dots.\n"
    "With --schedule and no RUN, predict the schedule SPEC itself (a run never made).\n\n"
    "options:\n"
    "  --params F      parameters JSON written by fslaw fit (required)\n"
    "  --schedule SPEC the schedule to predict; with RUNs, their exact rates\n"
    "  --schedule RUN=SPEC  with RUNs: the exact rates of RUN alone (repeatable, one\n"
    "                  per run; as in fslaw inspect)\n"
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
  cli_run_opts ro;
} predict_opts;

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

static int predict_one(const fslaw_law *law, const double *p, const fslaw_run *r, const char *name,
                       size_t every, FILE *f, predict_plot *pl) {
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

/* Every --schedule SPEC made once before any output, so that a bad one fails
 * first; the files of file: schedules are inputs that --out and --plot may
 * not write over. With no RUN, *alone is the run of the one SPEC: an empty
 * log of its length. s[0..nschedule) are set (NULL after a failure). */
static int make_schedules(const cli_run_opts *ro, size_t npos, fslaw_schedule **s,
                          fslaw_run **alone) {
  fslaw_error err;
  for (size_t i = 0; i < ro->nschedule; i++) s[i] = NULL;
  for (size_t i = 0; i < ro->nschedule; i++) {
    const char *spec = ro->sched_spec[i], *run = ro->sched_run[i];
    if (fslaw_schedule_create(spec, &s[i], &err) ||
        (!npos && (fslaw_run_parse(spec, "step\n0\n", 7, FSLAW_RUN_CSV, NULL, alone, &err) ||
                   fslaw_run_set_schedule(*alone, s[i], &err))))
      return run ? cli_error("predict", "option '--schedule': %s: %s", run, err.msg)
                 : cli_error("predict", "option '--schedule': %s", err.msg);
  }
  return 0;
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_predict_table(argc, argv);
  predict_opts o = {0};
  const cli_opt opts[] = {{"params", OPT_STRING, &o.params, 0, 0, 0, 0},
                          {"every", OPT_STRING, &o.every, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"plot", OPT_STRING, &o.plot, 0, 0, 0, 0},
                          CLI_RUN_OPT_ENTRIES(o.ro),
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, every = 0;
  int rc = cli_parse(&cli_predict, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.params) return cli_error("predict", "option '--params' is required");
  if (!npos && !o.ro.nschedule) return cli_error("predict", "expected RUN files or --schedule SPEC");
  if (cli_match_schedules("predict", &o.ro, pos, npos)) return 1;
  if (o.every && cli_parse_count("predict", "every", o.every, &every)) return 1;
  fslaw_error err;
  fslaw_law *law;
  double p[FSLAW_MAX_PARAMS];
  if (cli_check_target("predict", "out", o.out) || cli_check_target("predict", "plot", o.plot))
    return 1;
  if (fslaw_params_read(o.params, &law, p, &err)) return cli_error("predict", "%s", err.msg);
  cli_fit_range range;
  cli_read_fit_range(o.params, law, &range);
  fslaw_svg *svg = o.plot ? fslaw_svg_create(1, 800, 480) : NULL;
  if (svg) fslaw_svg_panel(svg, 0, fslaw_law_spec(law), "step", "loss", 1, 1, NULL);
  predict_plot pl = {svg, &range, npos ? npos : 1, malloc((npos + 1) * sizeof(size_t)), 0};
  if (!pl.marked) rc = cli_error("predict", "out of memory");
  fslaw_run *sched_run = NULL; /* a schedule alone */
  fslaw_schedule *sch[CLI_MAX_SCHEDULES] = {0};
  if (!rc) rc = make_schedules(&o.ro, npos, sch, &sched_run);
  size_t nin = npos + 1 + o.ro.nschedule;
  const char *inputs[nin]; /* never written over: the runs, params, schedule files */
  for (size_t i = 0; i < npos; i++) inputs[i] = pos[i];
  inputs[npos] = o.params;
  for (size_t i = 0; i < o.ro.nschedule; i++)
    inputs[npos + 1 + i] = sch[i] ? fslaw_schedule_path(sch[i]) : NULL;
  const cli_target outs[2] = {{"out", o.out, "run,step,lr,loss,pred\n"}, {"plot", o.plot, "<"}};
  if (!rc) rc = cli_check_outputs("predict", outs, 2, inputs, nin);
  cli_out out;
  int opened = !rc && !(rc = cli_out_open("predict", &out, o.out, inputs, nin));
  if (opened) fprintf(out.f, "run,step,lr,loss,pred\n");
  if (!rc && !npos) {
    const char *path = fslaw_schedule_path(sch[0]); /* a file: schedule is known by its file */
    const char *name = path ? path : fslaw_schedule_name(sch[0]);
    const double *lr = fslaw_run_lr(sched_run);
    size_t n = fslaw_run_steps(sched_run);
    rc = predict_one(law, p, sched_run, name, every, out.f, &pl);
    if (!rc) cli_note_extrapolation("predict", &range, name, lr, n);
    if (!rc) cli_note_determination("predict", &range, law, p, name, lr, n);
  }
  fslaw_run_destroy(sched_run);
  for (size_t i = 0; !rc && i < npos; i++) {
    fslaw_run *r = NULL;
    rc = cli_read_run("predict", pos[i], &o.ro, &r);
    char *label = rc ? NULL : cli_run_label(pos, npos, i);
    if (!rc && !label) rc = cli_error("predict", "out of memory");
    if (!rc) rc = predict_one(law, p, r, label, every, out.f, &pl);
    free(label);
    if (!rc) cli_note_extrapolation("predict", &range, pos[i], fslaw_run_lr(r), fslaw_run_steps(r));
    if (!rc) cli_note_determination("predict", &range, law, p, pos[i], fslaw_run_lr(r), fslaw_run_steps(r));
    fslaw_run_destroy(r);
  }
  if (opened && !rc) rc = cli_out_commit("predict", &out);
  else if (opened) cli_out_abort(&out);
  if (!rc && svg) rc = write_plot(o.plot, svg, inputs, nin);
  for (size_t i = 0; i < o.ro.nschedule; i++) fslaw_schedule_destroy(sch[i]);
  fslaw_svg_destroy(svg);
  free(pl.marked);
  fslaw_law_destroy(law);
  return rc;
}
