/* report.h: what the kinds of `fslaw report` page share: the options, the
 * params JSON's fit record, number cells, charts, the parameter table and
 * the atomic write of a page. cmd_report.c holds the command and the page
 * about a curve law on runs; report_table.c (--table), report_optimize.c
 * (--optimize) and report_theory.c (--theory) hold the other kinds. */
#ifndef FSLAW_CLI_REPORT_H
#define FSLAW_CLI_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "compare.h"
#include "fitted.h"
#include "report_html.h"

/* Most RUN files (and --train RUNs) a page shows. */
#define MAX_RUNS 4096

/* The options of fslaw report (all kinds of page but --theory). */
typedef struct report_opts {
  const char *params, *after_s, *title, *out; /* option values */
  const char *table;                          /* --table T.csv (table-law page) */
  const char *optimize;                       /* --optimize S.csv (schedule page) */
  const char *steps_s, *peak_s, *warmup_s, *style_s; /* --steps --peak --warmup --warmup-style */
  const char *cont_at_s;                      /* --continue-at S of --optimize */
  const char *compare[CLI_MAX_COMPARE];       /* --compare P2.json of --optimize */
  size_t ncompare;                            /* how many */
  const char *where[16];                      /* --where filters of --table */
  size_t nwhere;                              /* how many */
  const char *logs[64];                       /* --log N:RUN checkpoints (table page) */
  size_t nlogs;                               /* how many */
  const char *min_tokens;                     /* --min-tokens T of --log */
  const char *train[MAX_RUNS];                /* --train RUNs */
  size_t ntrain;                              /* how many */
  size_t after;                               /* --after as a number */
  const char *bins_s;                         /* --bins */
  size_t bins;                                /* its value (0: every point) */
  cli_run_opts ro;                            /* how runs are read */
} report_opts;

/* Writes the body of one kind of page to f; `page` is that kind's data. */
typedef int (*report_writer)(FILE *f, const report_opts *o, const void *page,
                             const cJSON *meta);

/* Write a page to --out (or stdout) atomically: on failure nothing is left.
 * `in` are the input files, which the output may not overwrite. */
int report_emit(const report_opts *o, const char *const *in, size_t nin, report_writer write,
                const void *page, const cJSON *meta);

/* A table cell with v to 6 digits, the exact value in data-v and the tooltip. */
void report_num_cell(FILE *f, double v);

/* One row "label | value" of the fit table from the params JSON, if present. */
void report_meta_row(FILE *f, const cJSON *meta, const char *key, const char *label);

/* The "Fitted parameters" section of a curve law: formula, values, the fit. */
void report_write_params(FILE *f, const fslaw_law *law, const double *p, const char *path,
                         const cJSON *meta);

/* A chart of ns series (none: nothing written); errors are reported. */
int report_chart(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns);

/* Steps of a prediction line after warmup (equal and log-spaced, sorted,
 * unique); *ng of them; free() the result. NULL when out of memory. */
size_t *report_grid_steps(size_t warm, size_t n, size_t *ng);

/* The notes of a page (extrapolation.h), printed on stderr as they come. */
typedef struct report_notes {
  char **text; /* each note */
  size_t n;    /* how many */
  int oom;     /* a note could not be kept */
} report_notes;

/* A cli_note_fn: prints "fslaw report: note: TEXT" and keeps a copy in the
 * report_notes ctx. */
void report_note(void *ctx, const char *text);
void report_notes_free(report_notes *nt);

/* Notes as list items; the first gets id `id` (NULL: none) and each starts
 * with `name` in bold when it is not NULL. */
void report_note_items(FILE *f, const report_notes *nt, const char *name, const char *id);

/* The --table and --optimize pages. */
int report_table(const report_opts *o);
int report_optimize(const report_opts *o);

#endif
