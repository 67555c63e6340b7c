/* cmd_schedule.c: `fslaw schedule SPEC`: per-step rates and intrinsic time. */
#include <stdlib.h>

#include "cli.h"

static int run(int argc, char **argv);
static void print_kinds(FILE *f);

const cli_command cli_schedule = {
    "schedule", "print a learning-rate schedule and its intrinsic time as CSV",
    "usage: fslaw schedule SPEC [--every N] [--out F.csv] [--plot F.svg]\n\n"
    "Evaluate the schedule SPEC (NAME[:key=value,...]) and print CSV step,lr,t with\n"
    "t = sum of the rates of steps 0..step (intrinsic time).\n\n"
    "options:\n"
    "  --every N    print every N-th step (and always the last one)\n"
    "  --out F      write the CSV to F instead of standard output\n"
    "  --plot F     also draw the rate and the intrinsic time to the SVG file F\n"
    "               (neither may be the file of a file: schedule)\n\n"
    "common keys: steps (required), peak (default 1), warmup (default 0),\n"
    "  warmup_style=standard (peak*k/warmup) | inclusive (peak*k/(warmup-1): peak at\n"
    "  step warmup-1, as in the multi-power-law runs), final (end rate of decays).\n"
    "A decay from step S uses x = (k-S)/(steps-S), k = S..steps-1.\n\n"
    "schedules:\n",
    run, print_kinds};

static void print_kinds(FILE *f) {
  for (size_t i = 0; i < fslaw_schedule_kind_count(); i++)
    fprintf(f, "  %s\n", fslaw_schedule_kind_help(i));
  fprintf(f, "\nexample: fslaw schedule 'cosine:peak=3e-4,final=3e-5,warmup=2160,steps=24000'\n");
}

/* Draw the rates and the intrinsic time into the open output o. */
static int plot(cli_out *o, const char *spec, const double *lr, const double *t, size_t n) {
  double *x = malloc(n * sizeof *x);
  fslaw_svg *svg = fslaw_svg_create(2, 720, 300);
  if (!x || !svg) {
    free(x);
    fslaw_svg_destroy(svg);
    return cli_error("schedule", "out of memory");
  }
  for (size_t k = 0; k < n; k++) x[k] = (double)k;
  fslaw_error err;
  fslaw_status st = fslaw_svg_panel(svg, 0, spec, "step", "learning rate", 0, 0, &err);
  if (!st) st = fslaw_svg_series(svg, 0, "lr", x, lr, n, FSLAW_SVG_LINE, &err);
  if (!st) st = fslaw_svg_panel(svg, 1, "intrinsic time", "step", "t = sum of rates", 0, 0, &err);
  if (!st) st = fslaw_svg_series(svg, 1, "t", x, t, n, FSLAW_SVG_LINE, &err);
  if (!st) st = fslaw_svg_write(svg, o->f, &err);
  free(x);
  fslaw_svg_destroy(svg);
  return st ? cli_error("schedule", "%s", err.msg) : 0;
}

static void write_csv(FILE *f, const double *lr, const double *t, size_t n, size_t every) {
  fprintf(f, "step,lr,t\n");
  for (size_t k = 0; k < n; k++)
    if (k % every == 0 || k == n - 1) {
      char a[32], b[32];
      fprintf(f, "%zu,%s,%s\n", k, cli_num(a, lr[k]), cli_num(b, t[k]));
    }
}

/* Evaluate s and write both outputs; on an error before the commit, neither
 * is written (a failing commit of the plot keeps the CSV already committed). */
static int emit(const fslaw_schedule *s, size_t every, cli_out_pair *out) {
  size_t n = fslaw_schedule_steps(s);
  double *lr = malloc(n * sizeof *lr), *t = malloc(n * sizeof *t);
  int rc = 0;
  if (!lr || !t) {
    rc = cli_error("schedule", "out of memory");
  } else {
    fslaw_schedule_eval(s, lr, n, NULL);
    fslaw_intrinsic_time(lr, n, t);
    write_csv(out->data.f, lr, t, n, every);
    if (out->plot.f) rc = plot(&out->plot, fslaw_schedule_spec(s), lr, t, n);
  }
  free(lr);
  free(t);
  return cli_out_pair_close("schedule", out, rc);
}

static int run(int argc, char **argv) {
  const char *every_s = NULL, *out = NULL, *plot_path = NULL;
  const cli_opt opts[] = {{"every", OPT_STRING, &every_s, 0, 0, 0, 0},
                          {"out", OPT_STRING, &out, 0, 0, 0, 0},
                          {"plot", OPT_STRING, &plot_path, 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_schedule, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (npos != 1)
    return cli_error("schedule", "expected one schedule SPEC, got %zu arguments (see --help)", npos);
  size_t every = 1;
  if (every_s && cli_parse_count("schedule", "every", every_s, &every)) return 1;
  fslaw_error err;
  fslaw_schedule *s;
  if (fslaw_schedule_create(pos[0], &s, &err)) return cli_error("schedule", "%s", err.msg);
  /* Opened before the work, so that an unwritable --plot (or an output
   * naming the schedule's file) fails before anything is written. */
  cli_out_pair outs;
  const char *sched_file = fslaw_schedule_path(s);
  const cli_target t[2] = {{"out", out, CLI_SCHEDULE_HEADS}, {"plot", plot_path, "<"}};
  rc = cli_check_outputs("schedule", t, 2, &sched_file, 1);
  if (!rc) rc = cli_out_pair_open("schedule", &outs, out, plot_path, &sched_file, 1);
  if (!rc) rc = emit(s, every, &outs);
  fslaw_schedule_destroy(s);
  return rc;
}
