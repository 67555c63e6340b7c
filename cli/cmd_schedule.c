/* cmd_schedule.c: `fslaw schedule SPEC`: per-step rates and intrinsic time. */
#include <stdlib.h>
#include <string.h>

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

static int is_stdout(const char *path) { return !path || !strcmp(path, "-"); }

/* Open the CSV and the SVG before the work, so that an unwritable --plot
 * (or an output naming the schedule's file) fails before anything is
 * written; svg->f stays NULL without --plot. */
static int open_outputs(const char *out, const char *plot_path, const char *schedule_file,
                        cli_out *csv, cli_out *svg) {
  const char *inputs[1] = {schedule_file};
  memset(svg, 0, sizeof *svg);
  if (plot_path && (is_stdout(out) ? is_stdout(plot_path)
                                   : !strcmp(out, plot_path) || cli_same_file(out, plot_path)))
    return cli_error("schedule", "options '--out' and '--plot' name the same file '%s'",
                     is_stdout(plot_path) ? "-" : plot_path);
  if (cli_out_open("schedule", csv, out, inputs, 1)) return 1;
  if (plot_path && cli_out_open("schedule", svg, plot_path, inputs, 1)) {
    cli_out_abort(csv);
    return 1;
  }
  return 0;
}

/* Evaluate s and write both outputs, committed together or not at all. */
static int emit(const fslaw_schedule *s, size_t every, cli_out *csv, cli_out *svg) {
  size_t n = fslaw_schedule_steps(s);
  double *lr = malloc(n * sizeof *lr), *t = malloc(n * sizeof *t);
  int rc = 0;
  if (!lr || !t) {
    rc = cli_error("schedule", "out of memory");
  } else {
    fslaw_schedule_eval(s, lr, n, NULL);
    fslaw_intrinsic_time(lr, n, t);
    write_csv(csv->f, lr, t, n, every);
    if (svg->f) rc = plot(svg, fslaw_schedule_spec(s), lr, t, n);
  }
  free(lr);
  free(t);
  if (!rc) rc = cli_out_commit("schedule", csv);
  if (!rc && svg->f) rc = cli_out_commit("schedule", svg);
  if (rc) cli_out_abort(csv), cli_out_abort(svg);
  return rc;
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
  cli_out csv, svg;
  rc = open_outputs(out, plot_path, fslaw_schedule_path(s), &csv, &svg);
  if (!rc) rc = emit(s, every, &csv, &svg);
  fslaw_schedule_destroy(s);
  return rc;
}
