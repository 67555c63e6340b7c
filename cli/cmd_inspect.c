/* cmd_inspect.c: `fslaw inspect RUN...`: validate training logs, one summary line each. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int run(int argc, char **argv);

const cli_command cli_inspect = {
    "inspect", "validate training logs and summarise each in one line",
    "usage: fslaw inspect RUN... [--col NAME=COLUMN]... [--schedule [RUN=]SPEC]...\n"
    "                     [--format csv|jsonl|tfevents|text] [--loss-window W] [--plot F.svg]\n\n"
    "Read each RUN (CSV with a header, JSONL with one object per line, one JSON\n"
    "document: a Hugging Face trainer_state.json or an array of records, or a\n"
    "TensorBoard event file or the folder of one run's event files, or a W&B run's\n"
    "log (run-ID.wandb, or its folder wandb/run-DATE-ID), or a run of an\n"
    "MLflow database as DB#RUN (mlflow.db#NAME or #ID; DB alone: its only run) or of\n"
    "MLflow's file store (mlruns#NAME or #ID, or the run's folder mlruns/EXP/ID), or\n"
    "the lines a training script printed: a .log, .txt or .out file) with the\n"
    "columns step, lr (else learning_rate, train/learning_rate or learning-rate),\n"
    "loss (else train/loss or lm loss; empty where not logged) and optionally\n"
    "tokens; records at the\n"
    "same step are merged (eval entries) unless they disagree. In event files the\n"
    "columns are scalar tags, in an MLflow run metric keys, in a W&B log the keys of\n"
    "its history records (wandb.log). A step logged again, or an earlier one (a run resumed\n"
    "from a checkpoint), takes the later values from that step on, with a note.\n"
    "In printed lines each number is named by the words before it (nanoGPT\n"
    "'iter 100: loss 3.2451', Megatron-LM 'iteration 100/ 500 | learning rate:\n"
    "3.0E-04 | lm loss: 6.5E+00 |', 'step=100 loss=3.2 lr=3e-4'), after any prefix a\n"
    "logger prints (time, level, logger name, file:line: Python logging, loguru,\n"
    "rich, glog), which names nothing, as dates and clock times do; a line naming a\n"
    "step (also 'iter' or 'iteration') and a rate (also 'learning rate') or loss is\n"
    "a record, other lines are skipped; a line naming only a step takes the values\n"
    "of the more indented lines after it (OLMo's '[step=100/N]' blocks; composer's\n"
    "'[batch=100/N]:' with --col step=batch).\n"
    "Print one line per run: steps, logged losses,\n"
    "lr range, warmup (the step where the initial ramp reaches its peak), schedule\n"
    "kinks after it, final intrinsic time t = sum of all rates, the loss range and\n"
    "the --schedule SPEC it was given, if any.\n"
    "Exits non-zero if any run is invalid; errors name file:line:column.\n\n"
    "options:\n"
    "  --col NAME=COLUMN  read NAME (step, lr, loss or tokens) from the column (or\n"
    "                     TensorBoard tag) COLUMN, e.g. --col loss=eval_loss --col\n"
    "                     step=_step; a column 'RUN - COLUMN' (a W&B export) is found\n"
    "                     too, so one --col serves every run. COLUMN may list\n"
    "                     alternatives: --col 'loss=val/loss|eval_loss' reads the\n"
    "                     first a log has, so logs of different tools go in one fit.\n"
    "                     The column must exist. JSON records with none of the names\n"
    "                     (a config record) are skipped\n"
    "  --schedule SPEC    replace the logged rates of every run by the exact\n"
    "                     schedule SPEC (see fslaw schedule --help); a run whose\n"
    "                     logged rates it does not match is an error. A log numbered\n"
    "                     by updates done (the Trainer's steps 0..N) may take an\n"
    "                     N-step SPEC\n"
    "  --schedule RUN=SPEC  the same for the run given as RUN alone, exactly as on\n"
    "                     the command line (or in --group of fit and cv);\n"
    "                     repeatable, one per run, for runs made with different\n"
    "                     schedules. Runs without one read their logged rates. Not\n"
    "                     combined with a plain --schedule SPEC\n"
    "  --format F         csv, jsonl, tfevents or text (default: from the file name or\n"
    "                     contents)\n"
    "  --loss-window W    each logged loss is the mean over the W steps ending at its\n"
    "                     step, or (W = interval) over the steps since the previous\n"
    "                     logged loss, as the Hugging Face Trainer and Megatron log it:\n"
    "                     it is fitted and scored at the middle of those steps (a mean\n"
    "                     lags the curve by half its window). Default: interval for\n"
    "                     the Trainer's loss ('loss' of a trainer_state.json,\n"
    "                     'train/loss' of its event files) and for the 'lm loss'\n"
    "                     Megatron-LM prints (with a note), 1 (the loss at its\n"
    "                     step) otherwise. A window never reaches\n"
    "                     before step 1 (a note says when W is cut so). The first\n"
    "                     losses whose window holds more than half the intrinsic\n"
    "                     time to its middle are left out, with a note: the curve\n"
    "                     bends too much there for a mean to stand for its middle\n"
    "  --plot F.svg       draw the rates, intrinsic times and logged losses of all runs\n\n"
    "Rates not logged on every step are interpolated linearly between logged steps,\n"
    "and a note says so on standard error; a change between flat stretches (a step\n"
    "decay) jumps at its logged step instead. Before the first logged rate they ramp\n"
    "up from 0 at step 0 when the logged rates rise (a warmup under way), else they\n"
    "hold the first logged rate (a log written every N steps shows no warmup).\n",
    run, NULL};

/* One line about a run; `spec` is the --schedule it was given, or NULL. */
static void print_summary(const char *path, const fslaw_run_summary *s, const char *spec) {
  printf("%s: steps=%zu losses=%zu lr=[%.6g,%.6g] warmup=%zu kinks=", path, s->steps, s->nloss,
         s->lr_min, s->lr_max, s->warmup);
  size_t shown = s->nkinks < 16 ? s->nkinks : 16;
  if (!s->nkinks) printf("none");
  for (size_t i = 0; i < shown; i++) printf("%s%zu", i ? "," : "", s->kinks[i]);
  if (s->nkinks > shown) printf(",...(%zu in all)", s->nkinks);
  printf(" t_final=%.6g", s->t_final);
  if (s->nloss) printf(" loss=[%.6g,%.6g]", s->loss_min, s->loss_max);
  else {
    printf(" loss=none");
    fprintf(stderr, "fslaw inspect: note: %s: %s\n", path, CLI_NO_LOSS);
  }
  /* which rates were used, now that runs may get different schedules */
  if (spec) printf(" schedule=%s", spec);
  putchar('\n');
}

/* Which input names were read when they are not the quantities' own (a
 * printed log's "iter" and "lm loss", a W&B export's "RUN - train/loss"):
 * what to check first when a log reads other than expected. */
static void note_columns(const char *path, const fslaw_run *r) {
  static const char *const what[] = {"step", "lr", "loss", "tokens"};
  char b[512] = "";
  for (int k = 0; k < 4; k++) {
    const char *c = fslaw_run_column(r, what[k]);
    if (!c || !strcmp(c, what[k])) continue;
    size_t used = strlen(b);
    snprintf(b + used, sizeof b - used, "%s%s from '%.100s'", *b ? ", " : "", what[k], c);
  }
  if (*b) fprintf(stderr, "fslaw inspect: note: %s: read %s\n", path, b);
}

/* Add one run's rate, intrinsic time and loss to the three panels. */
static fslaw_status plot_run(fslaw_svg *svg, const fslaw_run *r, fslaw_error *err) {
  size_t n = fslaw_run_steps(r), nl = fslaw_run_nloss(r);
  double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), *lx = malloc((nl + 1) * sizeof *lx);
  fslaw_status st = FSLAW_ENOMEM;
  if (x && t && lx) {
    for (size_t k = 0; k < n; k++) x[k] = (double)k;
    for (size_t i = 0; i < nl; i++) lx[i] = (double)fslaw_run_loss_steps(r)[i];
    fslaw_intrinsic_time(fslaw_run_lr(r), n, t);
    const char *name = fslaw_run_name(r);
    st = fslaw_svg_series(svg, 0, name, x, fslaw_run_lr(r), n, FSLAW_SVG_LINE, err);
    if (!st) st = fslaw_svg_series(svg, 1, name, x, t, n, FSLAW_SVG_LINE, err);
    if (!st && nl) st = fslaw_svg_series(svg, 2, name, lx, fslaw_run_loss(r), nl, FSLAW_SVG_LINE, err);
  } else if (err) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
  }
  free(x);
  free(t);
  free(lx);
  return st;
}

static int write_plot(const char *path, fslaw_svg *svg, const char *const *inputs, size_t n) {
  cli_out o;
  fslaw_error err;
  if (cli_out_open("inspect", &o, path, inputs, n)) return 1;
  if (fslaw_svg_write(svg, o.f, &err)) {
    cli_out_abort(&o);
    return cli_error("inspect", "%s", err.msg);
  }
  return cli_out_commit("inspect", &o);
}

static fslaw_svg *new_plot(void) {
  fslaw_svg *svg = fslaw_svg_create(3, 760, 280);
  if (svg && (fslaw_svg_panel(svg, 0, "learning rate", "step", "lr", 0, 0, NULL) ||
              fslaw_svg_panel(svg, 1, "intrinsic time", "step", "t = sum of rates", 0, 0, NULL) ||
              fslaw_svg_panel(svg, 2, "logged loss", "step", "loss", 1, 1, NULL))) {
    fslaw_svg_destroy(svg);
    return NULL;
  }
  return svg;
}

static int run(int argc, char **argv) {
  cli_run_opts ro = {0};
  const char *plot_path = NULL;
  const cli_opt opts[] = {CLI_RUN_OPT_ENTRIES(ro),
                          {"plot", OPT_STRING, &plot_path, 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_inspect, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!npos) return cli_error("inspect", "expected at least one RUN file (see --help)");
  if (cli_match_schedules("inspect", &ro, pos, npos)) return 1;
  const cli_target target = {"plot", plot_path, "<"};
  if (cli_check_outputs("inspect", &target, 1, pos, npos)) return 1;
  fslaw_svg *svg = plot_path ? new_plot() : NULL;
  if (plot_path && !svg) return cli_error("inspect", "out of memory");
  int failed = 0;
  for (size_t i = 0; i < npos; i++) {
    fslaw_run *r;
    if (cli_read_run("inspect", pos[i], &ro, &r)) {
      failed = 1;
      continue;
    }
    fslaw_run_summary s;
    fslaw_error err;
    if (fslaw_run_summarize(r, &s, &err)) failed = cli_error("inspect", "%s", err.msg);
    else print_summary(pos[i], &s, cli_run_schedule(&ro, pos[i], NULL));
    note_columns(pos[i], r);
    if (svg && plot_run(svg, r, &err)) failed = cli_error("inspect", "%s", err.msg);
    fslaw_run_destroy(r);
  }
  if (svg && !failed) failed = write_plot(plot_path, svg, pos, npos);
  fslaw_svg_destroy(svg);
  return failed;
}
