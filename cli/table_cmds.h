/* table_cmds.h: fit / predict / eval for table laws (chinchilla, kaplan,
 * twophase), reached from the curve-law commands through one dispatch line
 * each (cli/table_cmds.c). */
#ifndef FSLAW_TABLE_CMDS_H
#define FSLAW_TABLE_CMDS_H

#include <stdio.h>

#include "extrapolation.h"
#include "fslaw/fslaw.h"

/* 1 when the arguments name a table law (--law), a table (--table) or
 * params JSON of a table law (--params). */
int cli_is_table_invocation(int argc, char **argv);

/* 1 when the CSV file at path has a header naming N and D, or C and loss,
 * and no step: a table of runs for a table law, not a training log. */
int cli_looks_like_table(const char *path);
/* The subcommands over tables; argv[0] is the subcommand name. */
int cli_fit_table(int argc, char **argv);
int cli_predict_table(int argc, char **argv);
int cli_eval_table(int argc, char **argv);
/* Options common to the table commands. */
typedef struct {
  const char *col[16];   /* --col NAME=COLUMN */
  size_t ncol;           /* number of --col */
  const char *where[16]; /* --where filters */
  size_t nwhere;         /* number of --where */
} cli_table_opts;

/* Table spec (and, when rc is not NULL, log columns) from --col and --where
 * for law; prints the error and returns 1 on a bad --col. */
int cli_table_spec(const char *cmd, const fslaw_tlaw *law, const cli_table_opts *to,
                   fslaw_table_spec *spec, fslaw_run_columns *rc);

/* Append to t every logged checkpoint of each log "N:RUN" (fit --log) with
 * more than min_tokens (NULL: 0) tokens, rc naming the log's columns; prints
 * the error and returns 1 on a bad spec, log or law (one reading C). */
int cli_table_add_logs(const char *cmd, const fslaw_tlaw *law, fslaw_table *t,
                       const char *const *logs, size_t n, const fslaw_run_columns *rc,
                       const char *min_tokens);

/* The range of each input over the rows a table law was fitted to, as its
 * params JSON records it; found = 0 when it records none (older files). */
typedef struct {
  double lo[2], hi[2]; /* smallest and largest value of input k */
  int found;           /* the file records them */
} cli_table_range;

void cli_read_table_range(const char *path, cli_table_range *r);

/* Name of item i (a table row, a budget) for a note, into b. */
typedef void (*cli_item_label)(const void *ctx, size_t i, char b[64]);

/* Notes (cmd: note: ...) when values v[i * stride] (i < n) of input k of
 * law, called `what` (N, N_opt), leave r by more than 1 % above or below:
 * how many of the n `items` (row, budget) do and the farthest by what factor. */
void cli_note_table_range(const char *cmd, const cli_table_range *r, const fslaw_tlaw *law,
                          size_t k, const char *what, const double *v, size_t stride, size_t n,
                          const char *items, cli_item_label label, const void *ctx);

/* Repeat on standard error the warnings the fit recorded in the params
 * JSON at `params` (a parameter the rows do not determine, no spare points). */
void cli_table_fit_warnings(const char *cmd, const char *params);

/* The same notes passed as text (without "fslaw CMD: note: ") to fn. */
void cli_table_range_notes(const cli_table_range *r, const fslaw_tlaw *law, size_t k,
                           const char *what, const double *v, size_t stride, size_t n,
                           const char *items, cli_item_label label, const void *ctx,
                           cli_note_fn fn, void *fctx);

/* The names of the table laws, comma-separated, into b[cap]. */
void cli_table_law_names(char *b, size_t cap);

/* One line per table law, for `fslaw fit --help`. */
void cli_table_laws_help(FILE *f);

#endif
