/* util.c: error printing and option parsing for the subcommands. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "fslaw %s: error: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

void cli_print_help(const cli_command *cmd, FILE *f) {
  fputs(cmd->usage, f);
  if (cmd->more_help) cmd->more_help(f);
}

static const cli_opt *find_opt(const cli_opt *opts, const char *name, size_t len) {
  for (; opts && opts->name; opts++)
    if (strlen(opts->name) == len && !strncmp(opts->name, name, len)) return opts;
  return NULL;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, const cli_opt *opts,
              const char **pos, size_t *npos) {
  *npos = 0;
  int only_pos = 0;
  /* A single-valued option given twice is refused: silently keeping the last
   * (simulate --schedule A --schedule B simulated B alone) loses the first. */
  const char *seen[64] = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_pos || a[0] != '-' || !a[1]) {
      pos[(*npos)++] = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      only_pos = 1;
      continue;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      cli_print_help(cmd, stdout);
      return 2;
    }
    if (a[1] != '-')
      return cli_error(cmd->name, "unknown option '%s' (see fslaw %s --help)", a, cmd->name);
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_opt *o = find_opt(opts, name, len);
    if (!o)
      return cli_error(cmd->name, "unknown option '--%.*s' (see fslaw %s --help)", (int)len,
                       name, cmd->name);
    if (o->kind == OPT_FLAG) {
      if (eq) return cli_error(cmd->name, "option '--%s' takes no value", o->name);
      *o->flag = 1;
      continue;
    }
    const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!v) return cli_error(cmd->name, "option '--%s' needs a value", o->name);
    if (!eq && (!strcmp(v, "--help") || !strcmp(v, "-h"))) { /* "--table --help" */
      cli_print_help(cmd, stdout);
      return 2;
    }
    if (o->kind == OPT_STRING) {
      size_t k = (size_t)(o - opts);
      if (k < 64 && seen[k])
        return cli_error(cmd->name, "option '--%s' given twice ('%s', then '%s'); it takes one "
                         "value", o->name, seen[k], v);
      if (k < 64) seen[k] = v;
      *o->value = v;
    } else {
      if (*o->nmulti == o->max_multi)
        return cli_error(cmd->name, "option '--%s' given more than %zu times", o->name,
                         o->max_multi);
      o->multi[(*o->nmulti)++] = v;
    }
  }
  return 0;
}

const char *cli_num(char buf[32], double v) {
  buf[0] = '\0';
  if (isnan(v)) return buf; /* no value: an empty field, not "nan" */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  return buf;
}

int cli_parse_number(const char *cmd, const char *name, const char *text, int allow_inf,
                     double *out) {
  if (!text) return 0;
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  int inf = isinf(v) && allow_inf && end != text && !*end;
  if (!inf && (end == text || *end || errno || !isfinite(v)))
    return cli_error(cmd, "option '--%s': expected %s, got '%s'", name,
                     allow_inf ? "a number or inf" : "a finite number", text);
  *out = v;
  return 0;
}

int cli_parse_model(const char *cmd, const cli_model_args *a, fslaw_plk_model *m) {
  *m = fslaw_plk_model_default();
  if (cli_parse_number(cmd, "beta", a->beta, 0, &m->beta) ||
      cli_parse_number(cmd, "s", a->s, 0, &m->s) ||
      cli_parse_number(cmd, "features", a->features, 1, &m->features) ||
      cli_parse_number(cmd, "sigma", a->sigma, 0, &m->sigma) ||
      cli_parse_number(cmd, "batch", a->batch, 0, &m->batch))
    return 1;
  m->dim = m->features;
  return cli_parse_number(cmd, "dim", a->dim, 1, &m->dim);
}

int cli_parse_count(const char *cmd, const char *name, const char *text, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (end == text || *end || errno || v == 0 || text[0] == '-')
    return cli_error(cmd, "option '--%s': expected a positive whole number, got '%s'", name,
                     text);
  *out = (size_t)v;
  return 0;
}

static int parse_col(const char *cmd, const char *spec, fslaw_run_columns *cols) {
  const char *eq = strchr(spec, '=');
  if (!eq || !eq[1])
    return cli_error(cmd, "option '--col': expected NAME=COLUMN (e.g. loss=train/loss), got '%s'",
                     spec);
  size_t len = (size_t)(eq - spec);
  const char **slot = NULL;
  if (len == 4 && !strncmp(spec, "step", 4)) slot = &cols->step;
  if (len == 2 && !strncmp(spec, "lr", 2)) slot = &cols->lr;
  if (len == 4 && !strncmp(spec, "loss", 4)) slot = &cols->loss;
  if (len == 6 && !strncmp(spec, "tokens", 6)) slot = &cols->tokens;
  if (!slot)
    return cli_error(cmd, "option '--col': unknown name '%.*s' (one of step, lr, loss, tokens)",
                     (int)len, spec);
  if (*slot)
    return cli_error(cmd, "option '--col': %.*s is named twice ('%s' and '%s'); list "
                          "alternatives in one, separated by '|': %.*s='%s|%s'",
                     (int)len, spec, *slot, eq + 1, (int)len, spec, *slot, eq + 1);
  const char *names = eq + 1;
  if (names[0] == '|' || names[strlen(names) - 1] == '|' || strstr(names, "||"))
    return cli_error(cmd, "option '--col': empty column name in '%s' (alternatives are "
                          "separated by one '|')", spec);
  *slot = eq + 1;
  return 0;
}

/* --loss-window: "interval" is 0 (fslaw_run_center_losses), else a count;
 * *given = 0 when the option is absent. */
static int parse_loss_window(const char *cmd, const char *text, size_t *window, int *given) {
  *given = text != NULL;
  *window = 1;
  if (!text) return 0;
  if (!strcmp(text, "interval")) {
    *window = 0;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (end == text || *end || errno || v == 0 || text[0] == '-')
    return cli_error(cmd, "option '--loss-window': expected 'interval' or a whole number of "
                          "steps >= 1, got '%s'", text);
  *window = (size_t)v;
  return 0;
}

/* Move the losses of run to the middle of their windows (--loss-window when
 * given, else the log's own word, with a note). */
static int center_losses(const char *cmd, const char *path, size_t window, int given,
                         fslaw_run *run) {
  const size_t *ls = fslaw_run_loss_steps(run);
  if (window > 1 && fslaw_run_nloss(run) && ls[0] < window) /* loss_window clips w to s */
    fprintf(stderr, "fslaw %s: note: %s: the first logged loss (step %zu) comes before %zu steps "
                    "have run; windows are cut at step 1\n", cmd, path, ls[0], window);
  if (!given && fslaw_run_loss_is_mean(run)) {
    window = 0;
    const char *col = fslaw_run_column(run, "loss");
    int printed = !strcmp(col, "lm loss") || !strcmp(col, "lm_loss");
    fprintf(stderr, "fslaw %s: note: %s: %s logs '%s' as the mean since its previous log; "
                    "each is placed at the middle of its interval (--loss-window 1: at its "
                    "step)\n", cmd, path, printed ? "Megatron-LM (GPT-NeoX alike)" : "the Trainer",
            col);
  }
  fslaw_error err;
  size_t dropped;
  if (fslaw_run_center_losses(run, window, &dropped, &err))
    return cli_error(cmd, "%s: %s", path, err.msg);
  char which[64] = "the first logged loss is";
  if (dropped > 1) snprintf(which, sizeof which, "the first %zu logged losses are", dropped);
  if (dropped)
    fprintf(stderr, "fslaw %s: note: %s: %s left out: %s a mean over a window that holds more "
                    "than half the training up to its middle, where the loss falls too fast "
                    "for the mean to stand for the curve\n",
            cmd, path, which, dropped == 1 ? "it is" : "each is");
  return 0;
}

/* Sum of the rates over the second half of steps 0..n-1, at the steps
 * at[0..nat) whose rate was logged, or at every step when at is NULL: the
 * rates interpolated between sparse logged ones would differ from a right
 * schedule by the interpolation's error (2.5 % on a short cosine logged every
 * 500 steps), and those filled in before the first logged one not at all. */
static double rate_sum(const double *lr, size_t n, const size_t *at, size_t nat) {
  double t = 0;
  if (!at)
    for (size_t k = n / 2; k < n; k++) t += lr[k];
  for (size_t i = 0; at && i < nat; i++)
    if (at[i] >= n / 2 && at[i] < n) t += lr[at[i]];
  return t;
}

void cli_note_partial_line(const char *cmd, const char *path, const fslaw_run *run) {
  size_t line = fslaw_run_partial_line(run);
  if (line)
    fprintf(stderr, "fslaw %s: note: %s:%zu: the last line has no line end and does not parse: "
                    "read without it, as a line still being written\n", cmd, path, line);
  const char *file;
  size_t at = fslaw_run_partial_record(run, &file);
  if (at)
    fprintf(stderr, "fslaw %s: note: %s: byte %zu: the last record is cut short: read without "
                    "it, as a record still being written\n", cmd, file, at - 1);
  size_t replaced = fslaw_run_replaced(run);
  if (replaced)
    fprintf(stderr, "fslaw %s: note: %s: %zu logged value%s replaced by values logged later at "
                    "the same or earlier steps (a run resumed from a checkpoint: the later "
                    "ones are read)\n", cmd, path, replaced, replaced == 1 ? " was" : "s were");
  if (fslaw_run_deleted(run))
    fprintf(stderr, "fslaw %s: note: %s: MLflow marks this run deleted; it is read as given\n",
            cmd, path);
}

/* The longest run of runs[0..n) that v begins with, followed by '=' (runs
 * "a" and "a=b" are told apart); NULL when none. */
static const char *run_named_in(const char *v, const char *const *runs, size_t n) {
  const char *best = NULL;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(runs[i]);
    if (!strncmp(v, runs[i], len) && v[len] == '=' && (!best || len > strlen(best))) best = runs[i];
  }
  return best;
}

/* A RUN=SPEC whose RUN is no run given: an error listing the runs (the first
 * eight), so that a typo never falls back to the logged rates or to SPEC for
 * every run. */
static int unknown_run(const char *cmd, const char *v, const char *const *runs, size_t n) {
  char list[1024] = "";
  size_t len = 0;
  for (size_t i = 0; i < n && i < 8 && len < sizeof list; i++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", runs[i]);
  if (n > 8 && len < sizeof list) snprintf(list + len, sizeof list - len, ", ... (%zu in all)", n);
  const char *eq = strchr(v, '=');
  return cli_error(cmd, "option '--schedule': '%.*s' in '%s' names no run given (RUN=SPEC takes a "
                        "RUN exactly as given%s%s)", (int)(eq - v), v, v,
                   n ? "; the runs are " : "; no RUN is given", list);
}

int cli_match_schedules(const char *cmd, cli_run_opts *ro, const char *const *runs, size_t nruns) {
  ro->matched = 0;
  for (size_t i = 0; i < ro->nschedule; i++) {
    const char *v = ro->schedule[i], *run = run_named_in(v, runs, nruns), *eq = strchr(v, '=');
    /* a spec's keys always follow "NAME:", so text before '=' without ':' is a RUN */
    if (!run && eq && !memchr(v, ':', (size_t)(eq - v))) return unknown_run(cmd, v, runs, nruns);
    ro->sched_run[i] = run;
    ro->sched_spec[i] = run ? v + strlen(run) + 1 : v;
    if (!run && ro->nschedule > 1)
      return cli_error(cmd, "option '--schedule': '%s' is for every run, and other --schedule "
                            "values are given too; give each run its own with --schedule "
                            "RUN=SPEC, or one SPEC for all", v);
    for (size_t j = 0; run && j < i; j++)
      if (ro->sched_run[j] && !strcmp(ro->sched_run[j], run))
        return cli_error(cmd, "option '--schedule': run '%s' is given two schedules ('%s' and "
                              "'%s'); give each run one", run, ro->sched_spec[j], ro->sched_spec[i]);
  }
  ro->matched = 1;
  return 0;
}

const char *cli_run_schedule(const cli_run_opts *ro, const char *path, int *per_run) {
  if (per_run) *per_run = 0;
  for (size_t i = 0; i < ro->nschedule; i++) {
    if (!ro->sched_run[i]) return ro->sched_spec[i];
    if (path && !strcmp(ro->sched_run[i], path)) {
      if (per_run) *per_run = 1;
      return ro->sched_spec[i];
    }
  }
  return NULL;
}

/* Give run the rates of --schedule [RUN=]SPEC. A schedule whose rates are
 * not the logged ones is another run's: refused, as a fit to it would be
 * wrong. */
static int set_schedule(const char *cmd, const char *path, const char *spec, int per_run,
                        fslaw_run *run) {
  fslaw_schedule *s = NULL;
  fslaw_error err;
  const size_t *at0;
  size_t n = fslaw_run_steps(run), nat = fslaw_run_lr_logged(run, &at0);
  size_t *at = nat ? malloc(nat * sizeof *at) : NULL; /* set_schedule frees at0 */
  if (nat && !at) return cli_error(cmd, "out of memory");
  if (at) memcpy(at, at0, nat * sizeof *at);
  double logged = fslaw_run_lr(run) ? rate_sum(fslaw_run_lr(run), n, at, nat) : NAN;
  fslaw_status st = fslaw_schedule_create(spec, &s, &err);
  if (!st) st = fslaw_run_set_schedule(run, s, &err);
  fslaw_schedule_destroy(s);
  double exact = st ? 0 : rate_sum(fslaw_run_lr(run), n, at, nat);
  free(at);
  if (st)
    return per_run ? cli_error(cmd, "option '--schedule': %s: %s", path, err.msg)
                   : cli_error(cmd, "option '--schedule': %s", err.msg);
  if (fabs(exact - logged) > 0.02 * exact)
    return cli_error(cmd, "%s: over steps %zu to %zu the rates of --schedule sum to %.4g, the "
                     "logged ones to %.4g%s: it is not this run's schedule (%s; leave it out to "
                     "use the logged rates)", path, n / 2, n - 1, exact, logged,
                     nat ? " (at the steps that log one)" : "",
                     per_run ? "given to it by --schedule RUN=SPEC"
                             : "--schedule applies to every run given; give a run its own with "
                               "--schedule RUN=SPEC");
  return 0;
}

/* A log whose rates start far later than their logging interval lacks its
 * beginning (cut off, or a later part of a run): the rates before are a
 * guess, and every later step's intrinsic time adds them up. A logger that
 * writes every N steps starts at step N, which is no such gap. */
static void note_late_start(const char *cmd, const char *path, const fslaw_run *run,
                            size_t first, int ramp) {
  const size_t *at;
  size_t nat = fslaw_run_lr_logged(run, &at), n = fslaw_run_steps(run);
  if (nat < 2 || first < n / 20) return;
  double every = (double)(at[nat - 1] - at[0]) / (double)(nat - 1);
  if ((double)first <= 4 * every) return;
  fprintf(stderr, "fslaw %s: warning: %s: its rates are logged from step %zu on, about every %.0f "
                  "steps: the log lacks its first %zu steps (%.0f %% of the run), whose rates are "
                  "a guess (%s); every later step's intrinsic time adds them up: give the run's "
                  "schedule with --schedule %s=SPEC\n",
          cmd, path, first, every, first, 100.0 * (double)first / (double)n,
          ramp ? "a ramp from 0" : "the first logged rate held: no warmup, no earlier decay", path);
}

/* " (the header has: ...)" when path begins with a CSV header (a W&B
 * export names its rate column 'RUN - train/lr': the names to pick from
 * for --col); else "". */
static void csv_header_hint(const char *path, char *out, size_t len) {
  char line[400] = "";
  FILE *f = fopen(path, "r");
  if (f && !fgets(line, sizeof line, f)) *line = '\0';
  if (f) fclose(f);
  line[strcspn(line, "\r\n")] = '\0';
  int csv = strchr(line, ',') && !strchr("{[", *line);
  snprintf(out, len, csv ? " (the header has: %.300s)" : "%.0s", line);
}

/* Whether path is read as a printed log: --format text, or a name ending in
 * .log, .txt or .out (docs/fit.md). */
static int printed_log(const char *path, fslaw_run_format fmt) {
  const char *dot = strrchr(path, '.');
  return fmt == FSLAW_RUN_TEXT ||
         (fmt == FSLAW_RUN_AUTO && dot && !strchr(dot, '/') &&
          (!strcmp(dot, ".log") || !strcmp(dot, ".txt") || !strcmp(dot, ".out")));
}

/* A run without --schedule must log its rates; say how the gaps are filled. */
static int check_rates(const char *cmd, const char *path, fslaw_run_format fmt, const fslaw_run *run) {
  if (!fslaw_run_lr(run)) {
    const char *col = fslaw_run_column(run, "lr");
    char header[340];
    if (!col && printed_log(path, fmt)) /* it has no header to name columns from */
      return cli_error(cmd, "%s: no line names a rate ('lr', 'learning_rate' or 'learning rate'); "
                            "name it with --col lr=NAME (the words before the number) or give "
                            "--schedule SPEC, or --schedule %s=SPEC for this run alone", path, path);
    csv_header_hint(path, header, sizeof header);
    return col ? cli_error(cmd, "%s: its '%s' column has no rates (give --schedule SPEC, or "
                                "--schedule %s=SPEC for this run alone)", path, col, path)
               : cli_error(cmd, "%s: no 'lr' column%s; name it with --col lr=COLUMN or give "
                                "--schedule SPEC, or --schedule %s=SPEC for this run alone",
                           path, header, path);
  }
  size_t filled = fslaw_run_lr_filled(run), n = fslaw_run_steps(run);
  if (!filled) return 0;
  int ramp;
  size_t first = fslaw_run_lr_first(run, &ramp);
  char before[160] = "";
  if (first)
    snprintf(before, sizeof before, "; before step %zu, the first logged, %s", first,
             ramp ? "they ramp up from 0 at step 0 (the logged rates rise: a warmup)"
                  : "they hold its rate (the logged rates do not rise: no warmup)");
  size_t jumps = fslaw_run_lr_jumps(run);
  char how[128] = "";
  if (jumps)
    snprintf(how, sizeof how, ", except %zu change%s between flat stretches, taken as a step at "
             "the logged step", jumps, jumps > 1 ? "s" : "");
  fprintf(stderr, "fslaw %s: note: %s: lr logged on %zu of %zu steps; the others are linearly "
                  "interpolated%s%s; --schedule [RUN=]SPEC gives exact rates\n",
          cmd, path, n - filled, n, how, before);
  note_late_start(cmd, path, run, first, ramp);
  return 0;
}

int cli_read_run(const char *cmd, const char *path, const cli_run_opts *ro, fslaw_run **run) {
  *run = NULL;
  if (ro->nschedule && !ro->matched) /* a caller that forgot cli_match_schedules */
    return cli_error(cmd, "internal error: --schedule values not matched to the runs");
  fslaw_run_columns cols = {0};
  for (size_t i = 0; i < ro->ncol; i++)
    if (parse_col(cmd, ro->col[i], &cols)) return 1;
  fslaw_run_format fmt = FSLAW_RUN_AUTO;
  if (ro->format) {
    if (!strcmp(ro->format, "csv")) fmt = FSLAW_RUN_CSV;
    else if (!strcmp(ro->format, "jsonl")) fmt = FSLAW_RUN_JSONL;
    else if (!strcmp(ro->format, "tfevents")) fmt = FSLAW_RUN_TFEVENTS;
    else if (!strcmp(ro->format, "text")) fmt = FSLAW_RUN_TEXT;
    else return cli_error(cmd, "option '--format': expected csv, jsonl, tfevents or text, got '%s'",
                          ro->format);
  }
  size_t window;
  int given;
  if (parse_loss_window(cmd, ro->loss_window, &window, &given)) return 1;
  fslaw_error err;
  if (fslaw_run_read(path, fmt, &cols, run, &err)) return cli_error(cmd, "%s", err.msg);
  cli_note_partial_line(cmd, path, *run);
  int per_run;
  const char *spec = cli_run_schedule(ro, path, &per_run);
  int rc = spec ? set_schedule(cmd, path, spec, per_run, *run) : check_rates(cmd, path, fmt, *run);
  if (!rc) rc = center_losses(cmd, path, window, given, *run);
  if (rc) {
    fslaw_run_destroy(*run);
    *run = NULL;
  }
  return rc;
}

void cli_csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

const char *cli_store_hash(const char *path) {
  struct stat sb;
  if (!strchr(path, '#') || !stat(path, &sb)) return NULL;
  char *store = malloc(strlen(path) + 1);
  if (store) strcpy(store, path);
  const char *found = NULL;
  for (const char *hash = strchr(path, '#'); store && !found && hash && hash[1];
       hash = strchr(hash + 1, '#')) {
    store[hash - path] = '\0';
    if (!stat(store, &sb)) found = hash;
    store[hash - path] = '#';
  }
  free(store);
  return found;
}

/* The file name of path without folder and extension: [*b, *b + *len);
 * for a run of an MLflow store named as STORE#RUN, RUN. */
static void stem_of(const char *path, const char **b, size_t *len) {
  const char *hash = cli_store_hash(path);
  if (hash) {
    *b = hash + 1;
    *len = strlen(*b);
    return;
  }
  const char *base = strrchr(path, '/'), *dot;
  *b = base ? base + 1 : path;
  dot = strrchr(*b, '.');
  *len = dot && dot != *b ? (size_t)(dot - *b) : strlen(*b);
}

/* Run j's name: names[j] when given, else its path's stem. */
static void name_of(const char *const *paths, const char *const *names, size_t j,
                    const char **b, size_t *len) {
  if (names && names[j]) {
    *b = names[j];
    *len = strlen(names[j]);
  } else {
    stem_of(paths[j], b, len);
  }
}

char *cli_run_label(const char *const *paths, const char *const *names, size_t n, size_t i) {
  const char *a, *b;
  size_t la, lb;
  name_of(paths, names, i, &a, &la);
  int shared = !la;
  for (size_t j = 0; j < n && !shared; j++) {
    if (j == i) continue;
    name_of(paths, names, j, &b, &lb);
    shared = la == lb && !memcmp(a, b, la);
  }
  const char *src = shared ? paths[i] : a;
  size_t len = shared ? strlen(paths[i]) : la;
  char *out = malloc(len + 1);
  if (out) {
    memcpy(out, src, len);
    out[len] = '\0';
  }
  return out;
}
