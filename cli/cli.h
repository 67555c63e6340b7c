/* cli.h: helpers shared by the subcommands of the fslaw tool. The tool is a
 * client of the public headers (include/fslaw/) only. */
#ifndef FSLAW_CLI_H
#define FSLAW_CLI_H

#include <stdio.h>

#include "fslaw/fslaw.h"

/* One subcommand: its name, a one-line summary, its --help text and entry. */
typedef struct {
  const char *name;                 /* subcommand name */
  const char *summary;              /* one line for `fslaw help` */
  const char *usage;                /* full --help text */
  int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
  void (*more_help)(FILE *f);        /* appends generated help, or NULL */
} cli_command;

/* Print the command's full help to f. */
void cli_print_help(const cli_command *cmd, FILE *f);

extern const cli_command cli_schedule;
extern const cli_command cli_inspect;
extern const cli_command cli_simulate;
extern const cli_command cli_theory;
extern const cli_command cli_fit;
extern const cli_command cli_predict;
extern const cli_command cli_eval;
extern const cli_command cli_cv;
extern const cli_command cli_optimize;
extern const cli_command cli_report;
extern const cli_command cli_allocate;

/* The loss-curve law of fit and cv without --law: the best at predicting
 * other schedules on every bench (docs/fit.md §2). */
#define CLI_DEFAULT_LAW "fslkq"

/* Print "fslaw CMD: error: MSG" to stderr; returns 1 (the exit status). */
int cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Option parsing: options may be given as --name VALUE or --name=VALUE; a
 * lone "--" ends the options. Positional arguments are collected in order. */
typedef enum { OPT_FLAG, OPT_STRING, OPT_MULTI } cli_opt_kind;
typedef struct {
  const char *name;     /* long name without dashes */
  cli_opt_kind kind;    /* flag, single value, or repeatable value */
  const char **value;   /* OPT_STRING: where the value goes */
  int *flag;            /* OPT_FLAG: set to 1 when given */
  const char **multi;   /* OPT_MULTI: array of values */
  size_t *nmulti;       /* OPT_MULTI: number of values stored */
  size_t max_multi;     /* OPT_MULTI: capacity of multi */
} cli_opt;

/* Parse argv[1..argc-1]; positional args go to pos (capacity argc). Prints
 * the usage and returns 2 for --help/-h (the caller exits 0), 1 on error, 0 ok. */
int cli_parse(const cli_command *cmd, int argc, char **argv, const cli_opt *opts,
              const char **pos, size_t *npos);

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly v. */
const char *cli_num(char buf[32], double v); /* NaN: "" (an empty CSV field) */

/* Parse a number for the option `name`: finite, or also infinite ("inf")
 * when allow_inf. NULL text leaves *out unchanged. */
int cli_parse_number(const char *cmd, const char *name, const char *text, int allow_inf,
                     double *out);

/* The power-law kernel model options (--beta --s --features --dim --sigma
 * --batch) shared by simulate, theory and optimize --theory; NULL = default. */
typedef struct {
  const char *beta, *s, *features, *dim, *sigma, *batch; /* option texts */
} cli_model_args;

/* The model from those options: fslaw_plk_model_default() for the ones not
 * given, N = M unless --dim, features and dim may be inf. Not yet checked. */
int cli_parse_model(const char *cmd, const cli_model_args *a, fslaw_plk_model *m);

/* Parse a positive whole number for the option named `name`. */
int cli_parse_count(const char *cmd, const char *name, const char *text, size_t *out);

/* An output file written atomically: data go to a temporary file beside the
 * target (through a symbolic link, beside its file), renamed over it on
 * commit; abort removes it, and so does SIGINT, SIGTERM or SIGHUP before
 * the command dies of it. NULL/"-" is stdout, written on commit from an
 * anonymous temporary file, so that a command that fails half way prints
 * no half table (stdout itself, as it comes, when no such file can be made). An existing device or pipe (/dev/null) is written in place:
 * a rename would replace it. */
typedef struct {
  FILE *f;      /* stream to write to */
  char *path;   /* final path, NULL for stdout or a device */
  char *tmp;    /* temporary path, NULL for stdout or a device */
  int direct;   /* 1: f writes the device or pipe itself */
  int stdout_;  /* 1: f is a temporary file copied to stdout on commit */
} cli_out;

/* Whether paths a and b name the same existing file. */
int cli_same_file(const char *a, const char *b);
/* Non-zero (with an error naming option --opt) when path is a file that
 * holds something other than fitted parameters, which writing parameters
 * there would destroy; parameters files and new paths pass. */
int cli_check_params_target(const char *cmd, const char *opt, const char *path);
/* Non-zero (with an error naming option --opt) unless a file can be written
 * at path: its folder exists and is writable, and path is not a folder.
 * For checking outputs before long work; "-" and NULL pass. */
int cli_check_target(const char *cmd, const char *opt, const char *path);
/* An output a command will write: its option, path (NULL or "-": none) and
 * the text it begins with ("step,lr\n"; "<" for SVG or HTML; NULL: any). */
typedef struct {
  const char *opt, *path, *head;
} cli_target;
/* Before long work: every output can be written (cli_check_target), is none
 * of the inputs, names no file another output names, and an existing file
 * there begins with its head, or one of several separated by '|' (else it
 * holds other data, say a log, that the output would destroy). Non-zero
 * with an error naming the option. */
/* The heads of the schedule CSVs fslaw writes (optimize, theory
 * --optimal-schedule: step,lr; schedule: step,lr,t): one may replace another. */
#define CLI_SCHEDULE_HEADS "step,lr\n|step,lr,t\n"
int cli_check_outputs(const char *cmd, const cli_target *t, size_t n, const char *const *inputs,
                      size_t ninputs);

/* Open `path` for writing, refusing to overwrite any of the inputs. */
int cli_out_open(const char *cmd, cli_out *o, const char *path, const char *const *inputs,
                 size_t ninputs);
/* Flush, close and rename into place; on failure the target is untouched. */
int cli_out_commit(const char *cmd, cli_out *o);
/* Close and remove the temporary file. */
void cli_out_abort(cli_out *o);
/* After the command: when rc is 0, copy the standard output it committed
 * (after its files, see outfile.c), else drop it; returns rc, or non-zero
 * on a write error naming cmd. */
int cli_stdout_finish(const char *cmd, int rc);

/* A data output (--out; NULL or "-" is standard output) and an optional
 * SVG (--plot), opened together before the work so that a bad path fails
 * before anything is computed or written. */
typedef struct {
  cli_out data; /* --out */
  cli_out plot; /* --plot; plot.f is NULL without it */
} cli_out_pair;

/* Open both (plot_path NULL: no plot); neither may be an input, nor the
 * same file as the other. On failure nothing stays open. */
int cli_out_pair_open(const char *cmd, cli_out_pair *p, const char *out, const char *plot_path,
                      const char *const *inputs, size_t ninputs);
/* When rc is 0 commit the data, then the plot; otherwise (or when a commit
 * fails) remove what is not committed. Returns the resulting status. */
int cli_out_pair_close(const char *cmd, cli_out_pair *p, int rc);

/* Most --schedule values: one per run (RUN=SPEC). */
#define CLI_MAX_SCHEDULES 256

/* Options for reading runs, shared by every command that takes RUN files. */
typedef struct {
  const char *col[16];      /* --col NAME=COLUMN values */
  size_t ncol;              /* number of --col values */
  const char *schedule[CLI_MAX_SCHEDULES]; /* --schedule values as given: SPEC or RUN=SPEC */
  size_t nschedule;         /* how many */
  const char *format;       /* --format csv|jsonl|tfevents|text, or NULL for auto */
  const char *loss_window;  /* --loss-window W|interval, or NULL (see cli_read_run) */
  /* Set by cli_match_schedules: the run --schedule value i names (NULL: a
   * plain SPEC, for every run) and its SPEC. */
  const char *sched_run[CLI_MAX_SCHEDULES];
  const char *sched_spec[CLI_MAX_SCHEDULES];
  int matched;              /* 1 once cli_match_schedules succeeded */
} cli_run_opts;

/* The option table entries of cli_run_opts RO. */
#define CLI_RUN_OPT_ENTRIES(ro)                                                \
  {"col", OPT_MULTI, 0, 0, (ro).col, &(ro).ncol, 16},                          \
  {"schedule", OPT_MULTI, 0, 0, (ro).schedule, &(ro).nschedule, CLI_MAX_SCHEDULES}, \
  {"format", OPT_STRING, &(ro).format, 0, 0, 0, 0},                            \
  {"loss-window", OPT_STRING, &(ro).loss_window, 0, 0, 0, 0}

/* Help line of those options for commands other than inspect. */
#define CLI_RUN_OPTS_HELP                                                      \
  "  --col NAME=COLUMN, --schedule [RUN=]SPEC, --format csv|jsonl|tfevents|text,\n" \
  "  --loss-window W   all as in fslaw inspect (--schedule RUN=SPEC: RUN's alone)\n"

/* Tell apart the --schedule values of ro: RUN=SPEC, when RUN is one of the
 * runs[0..nruns) exactly as given, or a plain SPEC for every run. Refuses
 * (printing the error, returning 1) a RUN= that names no run given (text
 * before the first '=' without ':', which a spec always has there), a plain
 * SPEC beside other values, and a run given two. Call before cli_read_run. */
int cli_match_schedules(const char *cmd, cli_run_opts *ro, const char *const *runs, size_t nruns);
/* The schedule SPEC the run given as `path` gets (NULL: its logged rates);
 * *per_run (may be NULL) is set when it came as RUN=SPEC. */
const char *cli_run_schedule(const cli_run_opts *ro, const char *path, int *per_run);

/* Write s as one CSV field, quoted when it needs to be (RFC 4180). */
void cli_csv_field(FILE *f, const char *s);

/* A run's label in tables and plots: its name, or its path when another of
 * the n runs has the same name (every Hugging Face run is trainer_state.json).
 * The name is names[i] (fslaw_run_name: a W&B or MLflow run's own name, an
 * event file's folder) when names is given and names[i] is not NULL, else
 * the path's file name without folder and extension. New string (free()),
 * NULL when out of memory. */
char *cli_run_label(const char *const *paths, const char *const *names, size_t n, size_t i);

/* The '#' of a run of an MLflow store named STORE#RUN (the first after
 * which the path is no file, so a RUN's name may hold '#'); NULL when path
 * is a file, or no prefix ending before a '#' exists. */
const char *cli_store_hash(const char *path);

/* Why a run has no loss at all. */
#define CLI_NO_LOSS "no loss is logged (is it in another column? name it with --col loss=COLUMN)"

/* Read a run with those options (cli_match_schedules first); prints a note on stderr when rates were
 * interpolated, and when the losses were moved to the middle of their
 * windows because the log says they are means (fslaw_run_loss_is_mean). Returns 0 and sets *run, or prints the error and returns 1. */
int cli_read_run(const char *cmd, const char *path, const cli_run_opts *ro, fslaw_run **run);
/* Note on stderr that the run was read without an unfinished last line
 * (fslaw_run_partial_line); nothing when it was read whole. */
void cli_note_partial_line(const char *cmd, const char *path, const fslaw_run *run);

#endif
