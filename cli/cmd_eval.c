/* cmd_eval.c: `fslaw eval --params P.json RUN...`: held-out metrics per run. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "curves.h"
#include "extrapolation.h"
#include "fitted.h"
#include "table_cmds.h"

static int run(int argc, char **argv);

const cli_command cli_eval = {
    "eval", "score a fitted law on runs: R2, MAE, RMSE, PredE, WorstE per run",
    "usage: fslaw eval --params P.json [--after STEP] [--bins N] [--out F.csv] RUN...\n\n"
    "Predict every logged loss after warmup of each RUN with the fitted law and print\n"
    "CSV run,n,r2,mae,rmse,prede,worste, then a row 'mean' (unweighted over runs):\n"
    "  R2 = 1 - sum (y-p)^2 / sum (y-mean y)^2, MAE = mean |y-p|, RMSE = sqrt(mean (y-p)^2),\n"
    "  PredE = mean |y-p|/y, WorstE = max |y-p|/y   (MATH.md 5.5)\n"
    "As fslaw predict, notes on standard error name a run that goes beyond what the\n"
    "fitted runs covered, or whose final loss they barely determine.\n\n"
    "options:\n"
    "  --params F      parameters JSON written by fslaw fit (required)\n"
    "  --after STEP    only points after STEP (e.g. a branch point)\n"
    "  --bins N        score the means of N bins of consecutive points per run (observed\n"
    "                  and predicted), not every point: a loss logged every step is one\n"
    "                  batch's, and its noise would dominate the metrics\n"
    "  --out F         write the CSV to F\n"
    CLI_RUN_OPTS_HELP
    "\nA law over a table of runs (chinchilla, kaplan, twophase) scores a table:\n"
    "fslaw eval --params P.json --table T.csv (fslaw eval --table --help).\n",
    run, NULL};

/* Metrics of one run; 0 on success; a note when batch noise makes most of
 * them (the --bins that helps in *adv, said once for all runs). *first: the
 * first step scored (where its extrapolation notes start). */
static int eval_run(const fslaw_law *law, const double *p, const fslaw_run *r, size_t after,
                    size_t bins, fslaw_metrics *m, const char *path, size_t *first,
                    cli_bins_advice *adv) {
  cli_points pts;
  if (cli_points_predict("eval", law, p, r, after, path, &pts, NULL, 0)) return 1;
  *first = pts.step[0]; /* cli_points_predict fails without a point */
  int rc = cli_points_score("eval", &pts, bins, path, m);
  char note[1024];
  if (!rc && cli_noise_note(&pts, bins, m->prede, path, note, sizeof note, adv))
    fprintf(stderr, "fslaw eval: note: %s\n", note);
  cli_points_free(&pts);
  return rc;
}

static void row(FILE *f, const char *name, const fslaw_metrics *m) {
  char a[32], b[32], c[32], d[32], e[32];
  cli_csv_field(f, name);
  fprintf(f, ",%zu,%s,%s,%s,%s,%s\n", m->n, cli_num(a, m->r2), cli_num(b, m->mae),
          cli_num(c, m->rmse), cli_num(d, m->prede), cli_num(e, m->worste));
}

static int run(int argc, char **argv) {
  /* table laws (chinchilla, kaplan, twophase) live in table_cmds.c */
  if (cli_is_table_invocation(argc, argv)) return cli_eval_table(argc, argv);
  const char *params = NULL, *after_s = NULL, *out = NULL, *bins_s = NULL;
  cli_run_opts ro = {0};
  const cli_opt opts[] = {{"params", OPT_STRING, &params, 0, 0, 0, 0},
                          {"after", OPT_STRING, &after_s, 0, 0, 0, 0},
                          {"bins", OPT_STRING, &bins_s, 0, 0, 0, 0},
                          {"out", OPT_STRING, &out, 0, 0, 0, 0},
                          CLI_RUN_OPT_ENTRIES(ro),
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, after = 0, bins = 0;
  int rc = cli_parse(&cli_eval, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!params) return cli_error("eval", "option '--params' is required");
  if (!npos) return cli_error("eval", "expected at least one RUN file");
  if (cli_match_schedules("eval", &ro, pos, npos)) return 1;
  if (after_s && cli_parse_count("eval", "after", after_s, &after)) return 1;
  if (bins_s && cli_parse_bins("eval", bins_s, &bins)) return 1;
  const char *inputs[npos + 1]; /* never written over: the runs and the parameters */
  for (size_t i = 0; i < npos; i++) inputs[i] = pos[i];
  inputs[npos] = params;
  const cli_target target = {"out", out, "run,n,r2,"};
  if (cli_check_outputs("eval", &target, 1, inputs, npos + 1)) return 1;
  fslaw_error err;
  fslaw_law *law;
  double p[FSLAW_MAX_PARAMS];
  if (fslaw_params_read(params, &law, p, &err)) return cli_error("eval", "%s", err.msg);
  cli_fit_range range; /* the same notes as predict: a poor score may be why */
  cli_read_fit_range(params, law, &range);
  cJSON *meta = cli_params_meta(params); /* a fitted run is read as its fit read it */
  fslaw_metrics *ms = calloc(npos, sizeof *ms);
  cli_bins_advice adv = {0};
  for (size_t i = 0; ms && !rc && i < npos; i++) {
    fslaw_run *r = NULL;
    size_t first = 0;
    rc = cli_read_given_run("eval", &ro, params, meta, pos[i], &r);
    if (!rc) rc = eval_run(law, p, r, after, bins, &ms[i], pos[i], &first, &adv);
    if (!rc)
      cli_note_extrapolation_from("eval", &range, pos[i], fslaw_run_lr(r), fslaw_run_steps(r), first);
    if (!rc) cli_note_determination("eval", &range, law, p, pos[i], fslaw_run_lr(r), fslaw_run_steps(r));
    fslaw_run_destroy(r);
  }
  if (!ms) rc = cli_error("eval", "out of memory");
  char advice[512];
  if (!rc && cli_bins_advice_text(&adv, bins, advice, sizeof advice))
    fprintf(stderr, "fslaw eval: note: %s\n", advice);
  cli_out o;
  if (!rc && !(rc = cli_out_open("eval", &o, out, inputs, npos + 1))) {
    fprintf(o.f, "run,n,r2,mae,rmse,prede,worste\n");
    for (size_t i = 0; i < npos; i++) row(o.f, pos[i], &ms[i]);
    fslaw_metrics mean;
    fslaw_metrics_mean(ms, npos, &mean);
    row(o.f, "mean", &mean);
    rc = cli_out_commit("eval", &o);
  }
  free(ms);
  cJSON_Delete(meta);
  fslaw_law_destroy(law);
  return rc;
}
