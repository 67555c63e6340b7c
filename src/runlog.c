/* runlog.c: training runs from CSV, JSONL, JSON-document logs or TensorBoard
 * event files (see fslaw/runlog.h). */
#define _POSIX_C_SOURCE 200809L /* opendir, stat */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csv.h"
#include "fslaw/runlog.h"
#include "internal.h"
#include "textlog.h"
#include "mlflow.h"
#include "mlruns.h"
#include "wandb.h"
#include "tfevents.h"

/* Dense arrays beyond this many steps are refused rather than allocated. */
#define MAX_STEPS 100000000.0

enum { COL_STEP, COL_LR, COL_LOSS, COL_TOKENS, NCOLS }; /* the quantities read */

struct fslaw_run {
  char *name;          /* display name (file stem) */
  size_t steps;        /* number of steps: lr has this length */
  double *lr;          /* per-step rates, NULL when unknown */
  size_t lr_filled;    /* steps whose rate was interpolated */
  size_t *lr_logged;   /* when lr_filled: the steps whose rate was logged,
                          increasing (a schedule is checked against them) */
  size_t nlr_logged;   /* their number */
  size_t lr_first;     /* step of the first logged rate */
  int lr_ramp;         /* the steps before lr_first ramp up from 0 at step 0
                          (1) or hold the first logged rate (0) */
  size_t lr_jumps;     /* interpolation gaps filled as a jump (is_jump) */
  size_t nloss;        /* number of logged losses */
  size_t *loss_step;   /* steps of the logged losses, increasing */
  double *loss;        /* logged losses */
  double *tokens;      /* tokens at the logged-loss rows, NULL without a column */
  int loss_is_mean;    /* the losses are means since the previous logged loss
                          (a trainer_state.json's "loss") */
  size_t partial_line; /* 1-based line of an unterminated, unparsable last line
                          that was skipped (0 = none) */
  char *column[NCOLS]; /* input name read for step, lr, loss, tokens; NULL when
                          the input has no such column (fslaw_run_column) */
  size_t partial_record; /* event files: offset + 1 of a last record cut short */
  char *partial_file;    /* ... the file it is in (NULL when none) */
  size_t replaced;       /* values replaced by later events or rows at the same
                            or an earlier step (a resumed run) */
  int deleted;           /* its store marks it deleted (an MLflow run's folder) */
};

/* Default names, alternatives separated by '|' (fslaw_run_columns): the
 * rate is "learning_rate" in Hugging Face logs and many loggers; the
 * Trainer's TensorBoard and W&B logs prefix "train/"; Megatron-LM's
 * TensorBoard tags are "learning-rate" and "lm loss". */
static const char *const default_names[NCOLS] = {
    "step", "lr|learning_rate|train/learning_rate|learning-rate", "loss|train/loss|lm loss",
    "tokens"};
/* A printed log (FSLAW_RUN_TEXT) names the step "iter" (nanoGPT),
 * "iteration" (Megatron-LM) or "completed step" (MaxText), the rate
 * "learning rate" (Megatron-LM) and the loss "lm_loss" (GPT-NeoX),
 * "train/CrossEntropyLoss" (OLMo), "train/CE loss" (OLMo-core) or "Train
 * loss/train/total" (composer's console, which prefixes "Train "). Composer
 * names its step "batch", which is not a default: other scripts print the
 * batch within an epoch under that name, and so does composer when the
 * run's length is in epochs. */
static const char *const text_default_names[NCOLS] = {
    "step|iter|iteration|completed step",
    "lr|learning_rate|learning rate|train/learning_rate|learning-rate",
    "loss|train/loss|lm loss|lm_loss|train/CrossEntropyLoss|train/CE loss|Train loss/train/total",
    "tokens"};
/* PyTorch Lightning's names, tried after the defaults above (and, unlike
 * them, not listed in messages). Its LearningRateMonitor names the rate "lr-"
 * and the optimizer's class: "lr-*" matches "lr-" then one word (lr-AdamW,
 * lr-SGD, a class of the script's own) when one name of the log does, as a
 * list of classes could not within MAX_ALT; not its "lr-AdamW-momentum", nor
 * param groups' "lr-AdamW/pg1", "lr-AdamW/pg2" or two optimizers' rates
 * (they may differ: one is named with --col). A loss
 * logged with on_step and on_epoch is "train_loss_step" (and the epoch's
 * mean "train_loss_epoch", never read); one logged per step alone is often
 * "train_loss", which in a Hugging Face log is the run's mean (its closing
 * record): so the loss's names count only in a Lightning log, one whose rate
 * is read from such a name, or whose step is WandbLogger's
 * "trainer/global_step" ("_step" counts W&B's own calls). Other writers'
 * names are tried here too: the Hugging Face Trainer's W&B callback names
 * its step "train/global_step", nanoGPT's W&B log its step "iter", and many
 * scripts log the rate as "train/lr" beside "train/loss". */
static const char *const lightning_names[NCOLS] = {"trainer/global_step|train/global_step|iter",
                                                   "lr-*|train/lr", "train_loss_step|train_loss",
                                                   NULL};
static const char *const quantity[NCOLS] = {"step", "lr", "loss", "tokens"};
enum { MAX_ALT = 8 }; /* alternatives per column */

/* One input file in memory. */
typedef struct {
  const char *name; /* path, for messages */
  const char *data; /* its bytes (NULL for an MLflow database, read by SQLite) */
  size_t len;       /* their number */
  const char *run;  /* MLflow database: the run asked for (NULL: its only one) */
} log_file;

/* The formats of MLflow's stores, which no --format names: a database's
 * header says what it is, and a file store's folders. */
enum { RUN_MLFLOW = FSLAW_RUN_TEXT + 1, RUN_MLRUNS };

/* One cell of a row, located for messages. */
typedef struct {
  int present;      /* the column has a non-empty value in this row */
  double value;     /* parsed value */
  size_t line, col; /* position of the cell (of its key in JSON) */
} cell;

/* Rows accumulated while reading. */
typedef struct {
  const char *name;                 /* file name for messages */
  const char *colname[NCOLS];       /* input column read: the chosen alternative */
  char *altbuf[NCOLS];              /* the alternatives, NUL-separated (owned) */
  const char *alt[NCOLS][MAX_ALT];  /* candidate input names, first preferred; one
                                       ending in '*' matches a name (wild_match) */
  int nalt[NCOLS];                  /* number of candidates */
  int nshown[NCOLS];                /* ... of them named in messages (not Lightning's) */
  char *found[NCOLS];               /* the name read when a '*' candidate matched it (owned) */
  int lightning;                    /* the rate is read from a Lightning name (lr-AdamW) */
  int pick[NCOLS];                  /* index of colname in alt, -1 while undecided (JSONL) */
  size_t pick_line[NCOLS];          /* JSONL: line of the record that decided a later pick */
  size_t skipped;                   /* JSON records with none of the columns' names */
  size_t skipped_line;              /* line of the first of them */
  const char *array;                /* JSON document: name of its record array ("log_history",
                                       "" for a top-level array), for messages; NULL otherwise */
  size_t n, cap;                    /* rows stored, capacity */
  double *step, *lr, *loss, *tok;   /* per row; NaN where absent */
  int has_col[NCOLS];               /* whether the input has each column */
  int named[NCOLS];                 /* the caller named the column (it must exist) */
  double last_step;                 /* step of the previous row */
  const log_file *files;            /* event files: positions are (byte offset, file
                                       index) rather than (line, column) */
  size_t cut;                       /* event files: offset + 1 of a last record cut short */
  int cut_file;                     /* ... in this file */
  size_t replaced;                  /* values replaced by later events or rows */
  int hf_mean;                      /* event files: the Hugging Face Trainer's train/loss */
  int db;                           /* MLflow: 1 a database (positions are row ids), 2 a
                                       file store (positions are lines of mlr.file[col]) */
  int printed;                      /* a printed log: a line has no cell to leave empty */
  char *run_name;                   /* MLflow: the run's name (owned), NULL otherwise */
  mlr_run mlr;                      /* MLflow's file store: the run's metric files */
  const size_t *wb_at;              /* a W&B log: byte offset of each history record, by
                                       its line (minus 1) in the JSONL made of them */
  size_t wb_n;                      /* ... their number */
} rows;

static void rows_free(rows *b) {
  free(b->run_name);
  fslaw_mlr_run_free(&b->mlr);
  for (int k = 0; k < NCOLS; k++) free(b->altbuf[k]), free(b->found[k]);
  free(b->step);
  free(b->lr);
  free(b->loss);
  free(b->tok);
}

/* "file:line:column", or for an event file "file: event at byte N" (line is
 * the offset, col the file's index), or for an MLflow database "file#run:
 * metrics row N" (line is the row id), or for MLflow's file store "metric
 * file:line" (col the file's index). */
static const char *where(const rows *b, size_t line, size_t col, char *buf, size_t n) {
  if (b->db == 2) snprintf(buf, n, "%s:%zu", b->mlr.file[col], line);
  else if (b->db) snprintf(buf, n, "%s#%s: metrics row %zu", b->name, b->run_name, line);
  else if (b->files) snprintf(buf, n, "%s: event at byte %zu", b->files[col].name, line);
  else if (b->wb_at && line >= 1 && line <= b->wb_n)
    snprintf(buf, n, "%s: history record at byte %zu", b->name, b->wb_at[line - 1]);
  else snprintf(buf, n, "%s:%zu:%zu", b->name, line, col);
  return buf;
}

/* Column k's candidate names for messages: "'a'", "'a' or 'b'", "'a', 'b' or 'c'". */
static const char *alts_text(const rows *b, int k, char *buf, size_t n) {
  buf[0] = '\0';
  for (int a = 0; a < b->nshown[k]; a++) {
    const char *sep = !a ? "" : a == b->nshown[k] - 1 ? " or " : ", ";
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s'%s'", sep, b->alt[k][a]);
  }
  return buf;
}

/* "step, lr, loss" for messages: each column's first name, tokens when named. */
static const char *expected_names(const rows *b, char *buf, size_t n) {
  buf[0] = '\0';
  for (int k = 0; k < NCOLS; k++) {
    if (k == COL_TOKENS && !b->named[k]) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s%s", k ? ", " : "", b->alt[k][0]);
  }
  return buf;
}

/* Split spec ("train/loss|loss") into the candidate names of column k; with
 * more (Lightning's names), those follow, unnamed in messages. */
static fslaw_status set_alts(rows *b, int k, const char *spec, const char *more,
                             fslaw_error *err) {
  size_t n = strlen(spec);
  if (!(b->altbuf[k] = malloc(n + (more ? strlen(more) + 1 : 0) + 1)))
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  strcpy(b->altbuf[k], spec);
  if (more) sprintf(b->altbuf[k] + n, "|%s", more);
  char *p = b->altbuf[k], *shown_end = p + n;
  for (;;) {
    char *bar = strchr(p, '|');
    if (bar) *bar = '\0';
    if (!*p)
      return fslaw_fail(err, FSLAW_EINVAL, "column of %s: empty name in '%s'", quantity[k], spec);
    if (b->nalt[k] == MAX_ALT)
      return fslaw_fail(err, FSLAW_EINVAL, "column of %s: more than %d names in '%s'",
                        quantity[k], MAX_ALT, spec);
    b->nshown[k] += p < shown_end;
    b->alt[k][b->nalt[k]++] = p;
    if (!bar) break;
    p = bar + 1;
  }
  b->colname[k] = b->alt[k][0];
  b->pick[k] = b->nalt[k] > 1 ? -1 : 0;
  return FSLAW_OK;
}

/* Whether name matches the candidate alt: equals it, or for "PREFIX*" is
 * PREFIX then one word (letters, digits, '_'; see lightning_names). */
static int wild_match(const char *alt, const char *name) {
  size_t n = strlen(alt);
  if (!n || alt[n - 1] != '*') return !strcmp(alt, name);
  if (strncmp(alt, name, --n) || !name[n]) return 0;
  for (const char *c = name + n; *c; c++)
    if (!isalnum((unsigned char)*c) && *c != '_') return 0;
  return 1;
}

static int is_wild(const char *alt) { return *alt && alt[strlen(alt) - 1] == '*'; }

/* Whether a rate is read from a Lightning name: "lr-" and the optimizer's
 * class, maybe with LearningRateMonitor's suffix ("lr-AdamW/pg1"). */
static int lightning_rate(const char *name) {
  return !strncmp(name, "lr-", 3) && isalpha((unsigned char)name[3]);
}

/* Whether candidate a of column k may be read: the loss's Lightning names
 * only in a Lightning log (see lightning_names). */
static int alt_on(const rows *b, int k, int a) {
  return k != COL_LOSS || a < b->nshown[k] || b->lightning;
}

/* Column k is read from name, its candidate a: kept (a copy when a '*'
 * matched it) for messages and fslaw_run_column. Returns 0 when out of memory. */
static int set_pick(rows *b, int k, int a, const char *name) {
  b->colname[k] = b->alt[k][a];
  if (is_wild(b->alt[k][a])) {
    free(b->found[k]);
    if (!(b->found[k] = fslaw_strdup(name))) return 0;
    b->colname[k] = b->found[k];
  }
  /* a Lightning log: its rate "lr-AdamW", or WandbLogger's step (a run
   * without LearningRateMonitor has no rate) */
  if (k == COL_STEP) b->lightning |= !strcmp(name, "trainer/global_step");
  if (k == COL_LR) b->lightning |= lightning_rate(name);
  return 1;
}

static fslaw_status cell_error(const rows *b, const cell *c, int k, const char *what,
                               fslaw_error *err) {
  char at[1024];
  return fslaw_fail(err, FSLAW_EPARSE, "%s: column '%s': %s",
                    where(b, c->line, c->col, at, sizeof at), b->colname[k], what);
}

/* Parse text (trimmed) as a number into c; an empty cell is absent. */
static fslaw_status parse_cell(const rows *b, int k, const char *text, cell *c,
                               fslaw_error *err) {
  while (isspace((unsigned char)*text)) text++;
  size_t len = strlen(text);
  while (len && isspace((unsigned char)text[len - 1])) len--;
  c->present = len > 0;
  if (!len) return FSLAW_OK;
  char buf[64], *end;
  if (len >= sizeof buf) return cell_error(b, c, k, "expected a number, got a long text", err);
  memcpy(buf, text, len);
  buf[len] = '\0';
  errno = 0;
  c->value = fslaw_strtod(buf, &end);
  if (end == buf || *end) {
    char msg[128];
    snprintf(msg, sizeof msg, "expected a number, got '%s'", buf);
    return cell_error(b, c, k, msg, err);
  }
  return FSLAW_OK;
}

static int rows_grow(rows *b) {
  if (b->n < b->cap) return 1;
  size_t cap = b->cap ? 2 * b->cap : 1024;
  double **arrs[] = {&b->step, &b->lr, &b->loss, &b->tok};
  for (int i = 0; i < 4; i++) {
    double *p = realloc(*arrs[i], cap * sizeof *p);
    if (!p) return 0;
    *arrs[i] = p;
  }
  b->cap = cap;
  return 1;
}

/* A row at the step of the previous one: Hugging Face logs the eval loss in
 * its own record at the training record's step. Its values join the previous
 * row when none of them differs from a value already there (returns 1). */
static int rows_merge(rows *b, const cell c[NCOLS]) {
  size_t i = b->n - 1;
  double *dst[NCOLS] = {NULL, &b->lr[i], &b->loss[i], &b->tok[i]};
  for (int k = 1; k < NCOLS; k++)
    if (c[k].present && !isnan(*dst[k]) && *dst[k] != c[k].value) return 0;
  for (int k = 1; k < NCOLS; k++)
    if (c[k].present) *dst[k] = c[k].value;
  return 1;
}

/* A row at or before the previous row's step: a run resumed from a
 * checkpoint appended to its log. The later values win, as in TensorBoard:
 * the rows from step s on are dropped, their values counted as replaced. */
static void rows_cut(rows *b, double s) {
  for (; b->n && b->step[b->n - 1] >= s; b->n--)
    b->replaced += !isnan(b->lr[b->n - 1]) + !isnan(b->loss[b->n - 1]) + !isnan(b->tok[b->n - 1]);
}

/* Validate one row's cells and append it (or merge it, see rows_merge). */
static fslaw_status rows_add(rows *b, const cell c[NCOLS], fslaw_error *err) {
  if (!c[COL_STEP].present) return cell_error(b, &c[COL_STEP], COL_STEP, "missing step", err);
  for (int k = 0; k < NCOLS; k++) {
    if (!c[k].present) continue;
    double v = c[k].value;
    if (isnan(v))
      return cell_error(b, &c[k], k, k != COL_LOSS ? "NaN is not a valid value" :
                        b->printed ? "NaN is not a valid value (the loss overflowed at this "
                        "step, or the run diverged: delete this line, or end the log before it)" :
                        b->db || b->files || b->wb_at ? "NaN is not a valid value (the loss "
                        "overflowed at this step, or the run diverged: export the steps before "
                        "it as a CSV)" :
                        "NaN is not a valid value (a step whose loss overflowed? remove its "
                        "record, or leave the loss empty)", err);
    if (!isfinite(v)) return cell_error(b, &c[k], k, "infinite value", err);
    if (k != COL_LOSS && v < 0) {
      char msg[96];
      snprintf(msg, sizeof msg, "must not be negative, got %g", v);
      return cell_error(b, &c[k], k, msg, err);
    }
  }
  double s = c[COL_STEP].value;
  if (s != floor(s) || s >= MAX_STEPS) {
    char msg[128];
    snprintf(msg, sizeof msg, "expected a whole step number below %.0f, got %.17g", MAX_STEPS, s);
    return cell_error(b, &c[COL_STEP], COL_STEP, msg, err);
  }
  if (b->n && s == b->last_step && rows_merge(b, c)) return FSLAW_OK;
  if (b->n && s <= b->last_step) rows_cut(b, s);
  if (!rows_grow(b)) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  b->step[b->n] = s;
  b->lr[b->n] = c[COL_LR].present ? c[COL_LR].value : NAN;
  b->loss[b->n] = c[COL_LOSS].present ? c[COL_LOSS].value : NAN;
  b->tok[b->n] = c[COL_TOKENS].present ? c[COL_TOKENS].value : NAN;
  b->last_step = s;
  b->n++;
  return FSLAW_OK;
}

/* ASCII letters compared without case, whatever the locale. */
static int same_ascii_ignoring_case(const char *a, const char *b) {
  for (;; a++, b++) {
    int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
    int y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;
    if (x != y) return 0;
    if (!x) return 1;
  }
}

/* Index of the header field named `want` in *idx (-1 when absent). */
static fslaw_status find_col(const rows *b, const csv_reader *r, const char *want, long *idx,
                             fslaw_error *err) {
  *idx = -1;
  if (is_wild(want)) { /* the one column it matches; none when several do */
    for (size_t i = 0; i < r->nfields; i++)
      if (wild_match(want, r->fields[i].text)) *idx = *idx < 0 ? (long)i : (long)r->nfields;
    if (*idx == (long)r->nfields) *idx = -1;
    return FSLAW_OK;
  }
  for (size_t i = 0; i < r->nfields; i++) {
    if (strcmp(r->fields[i].text, want)) continue;
    if (*idx >= 0)
      return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: column '%s' appears twice", b->name,
                        r->fields[i].line, r->fields[i].col, want);
    *idx = (long)i;
  }
  if (*idx >= 0) return FSLAW_OK;
  /* Without an exact match, a name in other case ("Step" in W&B exports,
   * "Loss", "LR"), when only one column has it */
  for (size_t i = 0; i < r->nfields; i++) {
    if (!same_ascii_ignoring_case(r->fields[i].text, want)) continue;
    if (*idx >= 0)
      return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: columns '%s' and '%s' both match '%s' but "
                        "for case; name one with --col", b->name, r->fields[i].line,
                        r->fields[i].col, r->fields[*idx].text, r->fields[i].text, want);
    *idx = (long)i;
  }
  if (*idx >= 0) return FSLAW_OK;
  /* A Weights & Biases export names a column "RUN - metric": the metric's
   * name finds it when one column ends so (not its __MIN/__MAX companions) */
  size_t wl = strlen(want);
  for (size_t i = 0; i < r->nfields; i++) {
    const char *t = r->fields[i].text;
    size_t tl = strlen(t);
    if (tl < wl + 3 || strcmp(t + tl - wl, want) || strncmp(t + tl - wl - 3, " - ", 3)) continue;
    if (*idx >= 0)
      return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: columns '%s' and '%s' both end in '%s'; "
                        "name one with --col", b->name, r->fields[i].line, r->fields[i].col,
                        r->fields[*idx].text, t, want);
    *idx = (long)i;
  }
  return FSLAW_OK;
}

/* A name an input without a step column has, to suggest as its step: one
 * ending in "global_step" (the Hugging Face Trainer's "train/global_step"
 * in W&B) is the trainer's step; W&B's own "_step" counts wandb.log calls,
 * the trainer's step only if the script logged once a step, so it is
 * suggested rather than read by default. */
static void step_candidate(const char *name, const char **pick) {
  size_t n = strlen(name), g = strlen("global_step");
  if (n >= g && !strcmp(name + n - g, "global_step")) *pick = name;
  else if (!strcmp(name, "_step") && !*pick) *pick = name;
}

static const char *step_hint(const char *pick, char *buf, size_t n) {
  if (!pick) return "";
  if (!strcmp(pick, "_step"))
    snprintf(buf, n, "; W&B's '_step' counts its log calls, the training step if the run logged "
             "once a step: --col step=_step");
  else snprintf(buf, n, "; '%s' looks like the step: --col step=%s", pick, pick);
  return buf;
}

/* Map the header to column indices: the first candidate name it has. */
static fslaw_status read_header(rows *b, const csv_reader *r, long idx[NCOLS], fslaw_error *err) {
  for (int k = 0; k < NCOLS; k++) {
    idx[k] = -1;
    for (int a = 0; a < b->nalt[k] && idx[k] < 0; a++) {
      fslaw_status st = alt_on(b, k, a) ? find_col(b, r, b->alt[k][a], &idx[k], err) : FSLAW_OK;
      if (st) return st;
      if (idx[k] >= 0 && !set_pick(b, k, a, r->fields[idx[k]].text))
        return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    }
    b->has_col[k] = idx[k] >= 0;
  }
  int missing = idx[COL_STEP] < 0 ? COL_STEP : -1;
  for (int k = 0; k < NCOLS && missing < 0; k++)
    if (b->named[k] && idx[k] < 0) missing = k;
  if (missing < 0) return FSLAW_OK;
  char have[256] = "";
  for (size_t i = 0; i < r->nfields; i++) {
    if (i) strncat(have, ", ", sizeof have - strlen(have) - 1);
    strncat(have, r->fields[i].text, sizeof have - strlen(have) - 1);
  }
  /* one field holding the separators of another dialect */
  const char *hint = r->nfields == 1 && strpbrk(r->fields[0].text, "\t;")
                         ? "; fields must be separated by commas" : "", *pick = NULL;
  char names[512], sbuf[256];
  for (size_t i = 0; missing == COL_STEP && !b->named[COL_STEP] && i < r->nfields; i++)
    step_candidate(r->fields[i].text, &pick);
  if (pick) hint = step_hint(pick, sbuf, sizeof sbuf);
  return fslaw_fail(err, FSLAW_EPARSE, "%s:1: missing column %s (the header has: %s)%s", b->name,
                    alts_text(b, missing, names, sizeof names), have, hint);
}

static fslaw_status read_csv(rows *b, const char *data, size_t len, fslaw_error *err) {
  csv_reader r;
  fslaw_csv_init(&r, b->name, data, len);
  int rc = fslaw_csv_next(&r, err);
  if (rc <= 0) {
    fslaw_csv_free(&r);
    if (rc < 0) return (fslaw_status)rc;
    char names[256];
    return fslaw_fail(err, FSLAW_EPARSE, "%s: empty file (expected a header line naming the "
                      "columns %s)", b->name, expected_names(b, names, sizeof names));
  }
  long idx[NCOLS];
  size_t nheader = r.nfields;
  fslaw_status st = read_header(b, &r, idx, err);
  while (!st && (rc = fslaw_csv_next(&r, err)) > 0) {
    if (r.nfields != nheader) {
      csv_field *f = &r.fields[r.nfields < nheader ? r.nfields - 1 : nheader];
      st = fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: expected %zu fields as in the header, found %zu",
                      b->name, f->line, f->col, nheader, r.nfields);
      break;
    }
    cell c[NCOLS] = {{0}};
    for (int k = 0; k < NCOLS && !st; k++) {
      if (idx[k] < 0) continue;
      csv_field *f = &r.fields[idx[k]];
      c[k].line = f->line;
      c[k].col = f->col;
      st = parse_cell(b, k, f->text, &c[k], err);
    }
    if (!st) st = rows_add(b, c, err);
  }
  if (!st && rc < 0) st = (fslaw_status)rc;
  fslaw_csv_free(&r);
  return st;
}

/* Python's json module writes NaN, Infinity and -Infinity, which are not
 * JSON; Hugging Face logs them (a grad_norm of NaN after an fp16 overflow).
 * Quote them so cJSON reads strings: in a read column they then fail with
 * the value's own message, elsewhere they are ignored. Returns the number of
 * such words in text; when out is given, writes text with them quoted and
 * their offsets in out (in pos, when given). */
static size_t quote_bare_words(const char *text, size_t len, char *out, size_t *pos) {
  static const char *const words[] = {"-Infinity", "Infinity", "NaN"};
  size_t n = 0, o = 0;
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    size_t wl = 0;
    if (in_str) {
      if (text[i] == '\\' && i + 1 < len) {
        if (out) out[o++] = text[i];
        i++;
      } else if (text[i] == '"') {
        in_str = 0;
      }
    } else if (text[i] == '"') {
      in_str = 1;
    } else if (i == 0 || !isalnum((unsigned char)text[i - 1])) {
      for (size_t w = 0; w < 3 && !wl; w++) {
        size_t l = strlen(words[w]);
        if (l <= len - i && !memcmp(text + i, words[w], l) &&
            (i + l == len || !isalnum((unsigned char)text[i + l])))
          wl = l;
      }
    }
    if (!wl) {
      if (out) out[o++] = text[i];
      continue;
    }
    if (out) {
      if (pos) pos[n] = o;
      out[o++] = '"';
      memcpy(out + o, text + i, wl);
      o += wl;
      out[o++] = '"';
    }
    n++;
    i += wl - 1;
  }
  return n;
}

/* Parse one JSON value at the start of text (trailing text is left to the
 * caller: *end is its offset). On a syntax error returns NULL with *end the
 * offset of the error (cJSON's error pointer). */
static cJSON *json_parse(const char *text, size_t len, size_t *end) {
  size_t n = quote_bare_words(text, len, NULL, NULL);
  const char *e = NULL;
  if (!n) {
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &e, 0);
    *end = e ? (size_t)(e - text) : len;
    return v;
  }
  char *copy = malloc(len + 2 * n);
  size_t *pos = malloc(n * sizeof *pos);
  cJSON *v = NULL;
  *end = 0;
  if (copy && pos) {
    quote_bare_words(text, len, copy, pos);
    v = cJSON_ParseWithLengthOpts(copy, len + 2 * n, &e, 0);
    size_t at = e ? (size_t)(e - copy) : len + 2 * n, before = 0;
    while (before < n && pos[before] < at) before++;
    *end = at - 2 * before; /* back to an offset in text */
    if (*end > len) *end = len;
  }
  free(copy);
  free(pos);
  return v;
}

/* cJSON keeps no positions, so records and keys named in messages are found
 * again in the text, walking it beside the parsed tree: a cursor at byte pos
 * on line `line`, which starts at byte `start`. */
typedef struct {
  const char *s; /* the text (a JSON document, or JSONL) */
  size_t len;    /* its length */
  size_t pos;    /* cursor */
  size_t line;   /* line of pos, from 1 */
  size_t start;  /* first byte of that line (after a BOM on line 1) */
} doc_cursor;

/* White space as cJSON skips it: every byte up to ' ', NUL included. */
static int cjson_space(char ch) { return (unsigned char)ch <= ' '; }

/* Move to byte `to`, then past white space. */
static void cur_move(doc_cursor *c, size_t to) {
  while (c->pos < c->len && (c->pos < to || cjson_space(c->s[c->pos]))) {
    if (c->s[c->pos] == '\n') {
      c->line++;
      c->start = c->pos + 1;
    }
    c->pos++;
  }
}

/* End of the JSON value at the cursor; the text is valid JSON (cJSON read it). */
static size_t cur_value_end(const doc_cursor *c) {
  const char *s = c->s;
  size_t i = c->pos, n = c->len;
  int depth = 0;
  if (i >= n) return n;
  do {
    if (s[i] == '"') {
      for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    } else if (s[i] == '{' || s[i] == '[') {
      depth++;
    } else if (s[i] == '}' || s[i] == ']') {
      depth--;
    } else if (!depth) { /* number, true, false, null */
      while (i < n && !cjson_space(s[i]) && !strchr(",]}:", s[i])) i++;
      return i;
    }
    i++;
  } while (i < n && depth > 0);
  return i < n ? i : n;
}

/* Move the cursor from the object obj it is on to the key of obj's member m
 * (the text has obj's members in the order of cJSON's children, duplicates
 * included). Returns 0 when m is not a member. */
static int cur_key(doc_cursor *c, const cJSON *obj, const cJSON *m) {
  cur_move(c, c->pos + 1); /* past '{' */
  for (const cJSON *k = obj->child; k; k = k->next) {
    if (k == m) return 1;
    cur_move(c, cur_value_end(c)); /* key */
    cur_move(c, c->pos + 1);       /* ':' */
    cur_move(c, cur_value_end(c)); /* value */
    cur_move(c, c->pos + 1);       /* ',' */
  }
  return 0;
}

/* Move the cursor from the document's root to the value arr: the root itself,
 * or the member of the root object whose value it is. */
static void cur_find(doc_cursor *c, const cJSON *root, const cJSON *arr) {
  cur_move(c, c->pos);
  if (root == arr || !cur_key(c, root, arr)) return;
  cur_move(c, cur_value_end(c)); /* key */
  cur_move(c, c->pos + 1);       /* ':' */
}

/* Column of the cursor. */
static size_t cur_col(const doc_cursor *c) { return fslaw_csv_column(c->s, c->start, c->pos); }

/* Position of obj's member m (its key) for messages; the record's own
 * position (rec, at its '{') when m is NULL. */
static void key_pos(const doc_cursor *rec, const cJSON *obj, const cJSON *m, size_t *line,
                    size_t *col) {
  doc_cursor c = *rec;
  if (!m || !cur_key(&c, obj, m)) c = *rec;
  *line = c.line;
  *col = cur_col(&c);
}

/* The cell of column k in the record obj at rec. */
static fslaw_status json_cell(const rows *b, int k, const cJSON *obj, const doc_cursor *rec,
                              cell *c, fslaw_error *err) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, b->colname[k]);
  key_pos(rec, obj, v, &c->line, &c->col);
  c->present = 0;
  if (!v || cJSON_IsNull(v)) return FSLAW_OK;
  if (cJSON_IsNumber(v)) {
    c->present = 1;
    c->value = v->valuedouble;
    return FSLAW_OK;
  }
  if (cJSON_IsString(v)) return parse_cell(b, k, v->valuestring, c, err);
  return cell_error(b, c, k, "expected a number", err);
}

/* The member of obj that candidate a of column k names, NULL when none (or
 * when a '*' matches several). */
static const cJSON *alt_member(const rows *b, int k, int a, const cJSON *obj) {
  const char *alt = b->alt[k][a];
  if (!alt_on(b, k, a)) return NULL;
  if (!is_wild(alt)) return cJSON_GetObjectItemCaseSensitive(obj, alt);
  const cJSON *m, *found = NULL;
  for (m = obj->child; m; m = m->next)
    if (m->string && wild_match(alt, m->string)) {
      if (found) return NULL;
      found = m;
    }
  return found;
}

/* Index of the first candidate name of column k that obj has, or -1. */
static int first_alt(const rows *b, int k, const cJSON *obj) {
  for (int a = 0; a < b->nalt[k]; a++)
    if (alt_member(b, k, a, obj)) return a;
  return -1;
}

/* JSONL: the first record with one of column k's names decides which is
 * read; a later record with a preferred name is an error, so the result is
 * always that of the rule "the first name the input has". */
static fslaw_status pick_key(rows *b, int k, const cJSON *obj, const doc_cursor *rec,
                             fslaw_error *err) {
  int a = b->pick[k] ? first_alt(b, k, obj) : -1;
  if (a < 0) return FSLAW_OK;
  const cJSON *m = alt_member(b, k, a, obj);
  if (b->pick[k] < 0) {
    b->pick[k] = a;
    b->pick_line[k] = rec->line;
    return set_pick(b, k, a, m->string) ? FSLAW_OK
                                        : fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  if (a >= b->pick[k]) return FSLAW_OK;
  size_t line, col;
  key_pos(rec, obj, m, &line, &col);
  return fslaw_fail(err, FSLAW_EPARSE,
                    "%s:%zu:%zu: key '%s' after records with '%s' (from line %zu); name the "
                    "column with --col %s=COLUMN", b->name, line, col, m->string,
                    b->colname[k], b->pick_line[k], quantity[k]);
}

/* A record with none of the columns' names (a run's config or summary
 * written into its log) holds nothing to read. */
static int has_no_column(const rows *b, const cJSON *obj) {
  for (int k = 0; k < NCOLS; k++)
    if (first_alt(b, k, obj) >= 0) return 0;
  return 1;
}

/* Read one record object, whose text starts at rec (its '{'). */
static fslaw_status json_record(rows *b, const cJSON *obj, const doc_cursor *rec,
                                fslaw_error *err) {
  if (has_no_column(b, obj)) {
    if (!b->skipped++) b->skipped_line = rec->line;
    return FSLAW_OK;
  }
  cell c[NCOLS] = {{0}};
  fslaw_status st = FSLAW_OK;
  for (int k = 0; k < NCOLS && !st; k++) st = pick_key(b, k, obj, rec, err);
  for (int k = 0; k < NCOLS && !st; k++) {
    st = json_cell(b, k, obj, rec, &c[k], err);
    if (cJSON_GetObjectItemCaseSensitive(obj, b->colname[k])) b->has_col[k] = 1;
  }
  if (!st && !c[COL_STEP].present) {
    char at[1024], names[512], hint[256];
    const char *pick = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) if (!b->named[COL_STEP] && cJSON_IsNumber(m))
      step_candidate(m->string, &pick);
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: missing column '%s' (no numeric key %s)%s",
                    where(b, rec->line, cur_col(rec), at, sizeof at), quantity[COL_STEP],
                    alts_text(b, COL_STEP, names, sizeof names), step_hint(pick, hint, sizeof hint));
  }
  return st ? st : rows_add(b, c, err);
}

static fslaw_status read_jsonl(rows *b, const char *data, size_t len, fslaw_error *err) {
  size_t pos = 0, lineno = 0;
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) pos = 3;
  while (pos < len) {
    const char *line = data + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t ll = nl ? (size_t)(nl - line) : len - pos, start = pos;
    pos += ll + 1;
    lineno++;
    size_t i = 0;
    while (i < ll && isspace((unsigned char)line[i])) i++;
    if (i == ll) continue;
    size_t end;
    cJSON *obj = json_parse(line, ll, &end);
    size_t rest = obj ? end : ll;
    while (rest < ll && isspace((unsigned char)line[rest])) rest++;
    if (rest < ll) { /* two records on one line, or a record and a note */
      cJSON_Delete(obj);
      char at[1024];
      return fslaw_fail(err, FSLAW_EPARSE, "%s: text after the line's JSON object (one record a "
                        "line)", where(b, lineno, fslaw_csv_column(line, 0, rest), at, sizeof at));
    }
    if (!obj || !cJSON_IsObject(obj)) {
      size_t col = obj ? i + 1 : fslaw_csv_column(line, 0, end);
      cJSON_Delete(obj);
      char at[1024];
      return fslaw_fail(err, FSLAW_EPARSE, "%s: %s", where(b, lineno, col, at, sizeof at),
                        obj ? "expected a JSON object" : "malformed JSON");
    }
    doc_cursor rec = {data, start + ll, start + i, lineno, start};
    fslaw_status st = json_record(b, obj, &rec, err);
    cJSON_Delete(obj);
    if (st) return st;
  }
  return FSLAW_OK;
}

static size_t bom(const char *data, size_t len) {
  return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* ---- Printed logs (FSLAW_RUN_TEXT) ---------------------------------------
 * A line is a record when it names a step and a rate, loss or tokens
 * (textlog.h); other lines (banners, warnings, nanoGPT's "step 250: train
 * loss 3.2, val loss 3.3") are skipped, and so are evaluation lines: an eval
 * word before the step's name ("[eval] step 100 | loss 3.4", fairseq's
 * "valid on 'valid' subset | loss 7.9 | num_updates 200") marks a loss that
 * is not the training loss at that step. So does an eval word that qualifies
 * a value's own name, after the value before it ("step 200 | val: loss 3.3 |
 * train: loss 3.1" reads 3.1); a name holding the word ("val loss",
 * "val_loss", "eval/loss") is simply another name. '\r' ends a line too
 * (progress bars redraw with it). As in JSONL, the first record with one of
 * a column's names decides which is read, and a later record with a
 * preferred one is an error.
 *
 * A record may span lines, as a logger prints one message over several: a
 * line that names a step and nothing else read (OLMo's "[step=100/739328]",
 * composer's "[batch=100/1000]:") takes the values of the lines after it
 * that are indented more and name no step (its metrics, one a line:
 * "    train/CrossEntropyLoss=3.210"). The first other line (blank, or not
 * indented more) ends it: the evaluation blocks of both tools start with
 * such a line, so their values never join a training record.
 *
 * What a printed log cannot say, it must not be guessed: a step printed
 * again at once with other values (every rank printing, or a summary line)
 * and steps that go back often (several runs, or a counter restarting each
 * epoch, in one file) are errors; going back now and then is a run resumed
 * from a checkpoint, as in the other formats. */

enum { TEXT_PAIRS = 64 }; /* numbers of a line looked at */
enum { TEXT_ITEMS = 64 }; /* named numbers of a record kept */
/* Back-steps beyond which a printed log is not one resumed run: more than
 * this many, and more than this share of its records. */
#define TEXT_MAX_BACKS 3
#define TEXT_MAX_BACK_SHARE 0.01

/* A number of a record named by one of the columns' names, and its line. */
typedef struct {
  text_pair p;
  const char *line;     /* its line (the segment between line ends) */
  size_t lineno, start; /* the line's number and its first byte in the data */
  int eval;             /* an eval word qualifies its name (see above) */
} text_item;

/* The named numbers of a record: of one line, or of a step's line and the
 * lines that continue it. */
typedef struct {
  text_item it[TEXT_ITEMS];
  size_t n;
} text_rec;

/* Where a printed log is read: counts for the checks and messages. */
typedef struct {
  size_t line[NCOLS]; /* line of each column's value in the last record */
  size_t backs;       /* records at a step before the previous record's */
  size_t back_line;   /* line of the first of them */
  size_t evals;       /* evaluation lines skipped */
  text_rec block;     /* the open record of several lines: a step's line and
                         the lines that continue it */
  int open;           /* a record is open */
  int block_eval;     /* ... and is an evaluation (an eval word before its step) */
  size_t indent;      /* ... indentation of its step's line */
  size_t orphan;      /* first line with a rate, loss or tokens but no step,
                         outside a record (0: none), for the message when no
                         record is read */
  size_t orphan_start, orphan_indent; /* its first byte in the data, its indentation */
  const char *orphan_text; /* its segment (between line ends) */
  size_t orphan_len;  /* its length */
  int orphan_col;     /* the column it names */
} text_state;

/* Whether line[0..end) holds an evaluation word (a whole word, any case). */
static int text_eval_before(const char *line, size_t end) {
  static const char *const words[] = {"eval", "evaluation", "evaluating", "val", "valid",
                                      "validation", "validate", "validating", "test", "testing"};
  for (size_t i = 0; i < end;) {
    if (!isalpha((unsigned char)line[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < end && (isalnum((unsigned char)line[j]) || line[j] == '_')) j++;
    char w[16];
    if (j - i < sizeof w) {
      for (size_t k = 0; k < j - i; k++) w[k] = (char)tolower((unsigned char)line[i + k]);
      w[j - i] = '\0';
      for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (!strcmp(w, words[k])) return 1;
    }
    i = j;
  }
  return 0;
}

/* Whether pair p is named name (any case). */
static int text_is(const text_pair *p, const char *name) {
  char key[64];
  if (p->keylen >= sizeof key) return 0;
  memcpy(key, p->key, p->keylen);
  key[p->keylen] = '\0';
  return same_ascii_ignoring_case(key, name);
}

/* Whether pair p is named by one of the columns' names. */
static int text_named(const rows *b, const text_pair *p) {
  for (int k = 0; k < NCOLS; k++)
    for (int a = 0; a < b->nalt[k]; a++)
      if (text_is(p, b->alt[k][a])) return 1;
  return 0;
}

/* Append to r the named numbers of line[0..ll), line lineno, which starts
 * at byte start of the data. */
static void text_collect(const rows *b, const char *line, size_t ll, size_t lineno, size_t start,
                         text_rec *r) {
  text_pair pairs[TEXT_PAIRS];
  size_t n = fslaw_textlog_pairs(line, ll, pairs, TEXT_PAIRS);
  for (size_t i = 0; i < n && i < TEXT_PAIRS && r->n < TEXT_ITEMS; i++) {
    if (!text_named(b, &pairs[i])) continue;
    text_item *t = &r->it[r->n++];
    t->p = pairs[i];
    t->line = line;
    t->lineno = lineno;
    t->start = start;
    t->eval = text_eval_before(pairs[i].lead, pairs[i].leadlen);
  }
}

/* Append r's numbers to those of the record `to`. */
static void text_append(text_rec *to, const text_rec *r) {
  for (size_t i = 0; i < r->n && to->n < TEXT_ITEMS; i++) to->it[to->n++] = r->it[i];
}

/* Whether an eval word qualifies one of r's numbers. */
static int text_qualified(const text_rec *r) {
  for (size_t i = 0; i < r->n; i++)
    if (r->it[i].eval) return 1;
  return 0;
}

/* Index in r of the first number named alternative a of column k, or -1;
 * one an eval word qualifies is not a rate, loss or tokens. */
static int text_find(const rows *b, int k, int a, const text_rec *r) {
  for (size_t i = 0; i < r->n; i++)
    if ((k == COL_STEP || !r->it[i].eval) && text_is(&r->it[i].p, b->alt[k][a])) return (int)i;
  return -1;
}

/* Columns of record r: each one's alternative found first (a[k], -1: none)
 * and the index of its number (at[k]); returns how many of rate, loss and
 * tokens it has. */
static int text_cols(const rows *b, const text_rec *r, int a[NCOLS], int at[NCOLS]) {
  int others = 0;
  for (int k = 0; k < NCOLS; k++) {
    at[k] = -1;
    for (a[k] = 0; a[k] < b->nalt[k] && (at[k] = text_find(b, k, a[k], r)) < 0; a[k]++) {}
    if (at[k] < 0) a[k] = -1;
    others += k != COL_STEP && a[k] >= 0;
  }
  return others;
}

/* The number of pair p as column k reads it into num[64]: a count (step,
 * tokens) drops its digit groups and scales a k, M, B/G or T suffix; a rate
 * or loss with either is an error (a decimal comma? a unit?). */
static fslaw_status text_number(const rows *b, int k, const text_pair *p, const cell *c,
                                char num[64], double *scale, fslaw_error *err) {
  int count = k == COL_STEP || k == COL_TOKENS;
  size_t n = 0;
  *scale = 1;
  for (size_t i = 0; i < p->numlen && n < 63; i++)
    if (p->num[i] != ',') num[n++] = p->num[i];
  num[n] = '\0';
  char msg[160];
  const char *units = "kKMBGT";
  static const double scales[] = {1e3, 1e3, 1e6, 1e9, 1e9, 1e12};
  const char *u = p->suffix ? strchr(units, p->suffix) : NULL;
  if (count && u && p->suffixlen == 1) *scale = scales[u - units];
  else if (p->suffix) {
    snprintf(msg, sizeof msg, "expected a number, got '%.*s%c...' (a unit after the number?)",
             (int)p->numlen, p->num, p->suffix);
    return cell_error(b, c, k, msg, err);
  } else if (p->grouped && !count) {
    snprintf(msg, sizeof msg, "expected a number, got '%.*s' (digit groups, or a decimal comma?)",
             (int)p->numlen, p->num);
    return cell_error(b, c, k, msg, err);
  }
  return FSLAW_OK;
}

/* The cell of column k, named by alternative a in item t; picks the name
 * on the first record. */
static fslaw_status text_cell(rows *b, int k, int a, const text_item *t, const char *data,
                              cell *c, fslaw_error *err) {
  c->line = t->lineno;
  c->col = fslaw_csv_column(data, t->start, (size_t)(t->p.key - data));
  if (b->pick[k] < 0) {
    b->pick[k] = a;
    b->colname[k] = b->alt[k][a];
    b->pick_line[k] = t->lineno;
  } else if (a < b->pick[k] || (a > b->pick[k] && k == COL_STEP)) {
    return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: the %s is named '%s' here, '%s' on the lines "
                      "before (from line %zu); name the one to read with --col %s=NAME", b->name,
                      t->lineno, c->col, quantity[k], b->alt[k][a], b->colname[k], b->pick_line[k],
                      quantity[k]);
  } else if (a > b->pick[k]) {
    return FSLAW_OK; /* read under the name picked */
  }
  char num[64];
  double scale;
  fslaw_status st = text_number(b, k, &t->p, c, num, &scale, err);
  if (st) return st;
  b->has_col[k] = 1;
  st = parse_cell(b, k, num, c, err);
  c->value *= scale;
  return st;
}

/* A record at the step of the previous one with other values, or steps that
 * go back too often: not one run's log (see above). */
static fslaw_status text_check(rows *b, const cell c[NCOLS], text_state *ts, fslaw_error *err) {
  if (!b->n) return FSLAW_OK;
  double s = c[COL_STEP].value;
  char at[1024];
  if (s <= b->step[0] && s < b->last_step)
    return fslaw_fail(err, FSLAW_EPARSE, "%s: the steps go back to %.0f, to or before the first "
                      "step logged (%.0f): a counter that restarts each epoch, or a new run "
                      "appended to the file? give fslaw one run's lines",
                      where(b, c[COL_STEP].line, c[COL_STEP].col, at, sizeof at), s, b->step[0]);
  if (s < b->last_step && !ts->backs++) ts->back_line = c[COL_STEP].line;
  if (s != b->last_step) return FSLAW_OK;
  size_t i = b->n - 1;
  const double *prev[NCOLS] = {NULL, &b->lr[i], &b->loss[i], &b->tok[i]};
  for (int k = 1; k < NCOLS; k++)
    if (c[k].present && !isnan(*prev[k]) && *prev[k] != c[k].value) {
      return fslaw_fail(err, FSLAW_EPARSE, "%s: step %.0f again, with %s %.9g where line %zu "
                        "has %.9g: several ranks or runs printing alike, or a summary line? give "
                        "fslaw the lines of one run (e.g. grep those of rank 0)",
                        where(b, c[k].line, c[k].col, at, sizeof at), s, quantity[k], c[k].value,
                        ts->line[k], *prev[k]);
    }
  return FSLAW_OK;
}

/* Read record r, whose columns text_cols found (a, at), into b. */
static fslaw_status text_read(rows *b, const char *data, const text_rec *r, const int a[NCOLS],
                              const int at[NCOLS], text_state *ts, fslaw_error *err) {
  cell c[NCOLS] = {{0}};
  fslaw_status st = FSLAW_OK;
  for (int k = 0; k < NCOLS && !st; k++)
    if (a[k] >= 0) st = text_cell(b, k, a[k], &r->it[at[k]], data, &c[k], err);
  if (!st && c[COL_STEP].present) st = text_check(b, c, ts, err);
  if (!st) st = rows_add(b, c, err);
  for (int k = 0; k < NCOLS; k++)
    if (c[k].present) ts->line[k] = c[k].line;
  return st;
}

/* End the open record, if any: read it when it has a rate, loss or tokens,
 * or count it when it is an evaluation. */
static fslaw_status text_close(rows *b, const char *data, text_state *ts, fslaw_error *err) {
  if (!ts->open) return FSLAW_OK;
  ts->open = 0;
  int a[NCOLS], at[NCOLS], others = text_cols(b, &ts->block, a, at);
  if (others && !ts->block_eval) return text_read(b, data, &ts->block, a, at, ts, err);
  ts->evals += others || text_qualified(&ts->block);
  return FSLAW_OK;
}

/* Leading spaces and tabs of line[0..ll). */
static size_t text_indent(const char *line, size_t ll) {
  size_t i = 0;
  while (i < ll && (line[i] == ' ' || line[i] == '\t')) i++;
  return i;
}

/* Note line lineno (starting at byte start), which has a rate, loss or
 * tokens (columns a) but no step, when it is the first such line. */
static void text_orphan(text_state *ts, const int a[NCOLS], size_t lineno, size_t start,
                        size_t indent, const char *line, size_t ll) {
  if (ts->orphan) return;
  ts->orphan = lineno;
  ts->orphan_text = line;
  ts->orphan_len = ll;
  ts->orphan_start = start;
  ts->orphan_indent = indent;
  for (ts->orphan_col = COL_LR; a[ts->orphan_col] < 0; ts->orphan_col++) {}
}

/* One line (segment) of a printed log: a record, part of one (see above),
 * an evaluation, or nothing. */
static fslaw_status text_line(rows *b, const char *data, const char *line, size_t ll,
                              size_t start, size_t lineno, text_state *ts, fslaw_error *err) {
  text_rec r;
  r.n = 0;
  text_collect(b, line, ll, lineno, start, &r);
  int a[NCOLS], at[NCOLS], others = text_cols(b, &r, a, at);
  size_t indent = text_indent(line, ll);
  if (ts->open && a[COL_STEP] < 0 && indent < ll && indent > ts->indent) {
    text_append(&ts->block, &r);
    return FSLAW_OK;
  }
  fslaw_status st = text_close(b, data, ts, err);
  if (st || a[COL_STEP] < 0) {
    if (!st && others) text_orphan(ts, a, lineno, start, indent, line, ll);
    return st;
  }
  /* an eval word before the step's name, in the message: a logger's prefix
   * ("I0101 12:00:00.123456 140 test.py:42] ") names no evaluation */
  const char *key = r.it[at[COL_STEP]].p.key, *msg = line + fslaw_textlog_prefix(line, ll);
  int eval = key > msg && text_eval_before(msg, (size_t)(key - msg));
  if (!others && !text_qualified(&r)) { /* a step alone: its values may follow */
    ts->block.n = 0;
    text_append(&ts->block, &r);
    ts->open = 1;
    ts->block_eval = eval;
    ts->indent = indent;
    return FSLAW_OK;
  }
  if (eval || !others) {
    ts->evals++;
    return FSLAW_OK;
  }
  return text_read(b, data, &r, a, at, ts, err);
}

/* The nearest line before the one starting at byte pos of data that is
 * less indented than `indent` and not blank: its start, its length in *ll
 * (0: none) and its number in *lineno (that of the line at pos, counted
 * back). */
static size_t text_parent(const char *data, size_t pos, size_t indent, size_t *ll,
                          size_t *lineno) {
  *ll = 0;
  while (indent && pos > 0 && data[pos - 1] == '\n') {
    size_t end = pos - 1, s = end;
    while (s > 0 && data[s - 1] != '\n') s--;
    --*lineno;
    size_t in = text_indent(data + s, end - s);
    while (end > s && data[end - 1] == '\r') end--;
    if (in < end - s && in < indent) {
      *ll = end - s;
      return s;
    }
    pos = s;
  }
  return 0;
}

/* The names with a letter of the numbers of line[0..ll), quoted, joined by
 * " or " into buf; returns how many, the first in *first (its length in
 * *firstlen). */
static int text_names(const char *line, size_t ll, char *buf, size_t n, const char **first,
                      size_t *firstlen) {
  text_pair p[8];
  size_t np = fslaw_textlog_pairs(line, ll, p, 8);
  int named = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < np && i < 8; i++) {
    size_t j = 0;
    while (j < p[i].keylen && !isalpha((unsigned char)p[i].key[j])) j++;
    if (j == p[i].keylen || p[i].keylen > 40) continue;
    if (!named) *first = p[i].key, *firstlen = p[i].keylen;
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s'%.*s'", named++ ? " or " : "", (int)p[i].keylen, p[i].key);
  }
  return named;
}

/* For the message when no record is read: the first line with a value but
 * no step and, when it is indented, the names on the line it continues (a
 * record of several lines whose step is printed under another name, such
 * as composer's "[batch=100/1000]:"). */
static void text_orphan_hint(const text_state *ts, const char *data, char *buf, size_t n) {
  static const char *const what[NCOLS] = {"step", "rate", "loss", "token count"};
  char names[256];
  const char *first = NULL;
  size_t firstlen = 0, ll, lineno = ts->orphan;
  size_t at = text_parent(data, ts->orphan_start, ts->orphan_indent, &ll, &lineno);
  int k = ll ? text_names(data + at, ll, names, sizeof names, &first, &firstlen) : 0;
  int used = snprintf(buf, n, "; line %zu has a %s but no step", ts->orphan, what[ts->orphan_col]);
  if (used < 0 || (size_t)used >= n) return;
  const char *q = k == 1 && memchr(first, ' ', firstlen) ? "'" : "";
  if (k == 1)
    snprintf(buf + used, n - (size_t)used, " and continues line %zu, which names %s: if that is "
             "the step, give --col %sstep=%.*s%s", lineno, names, q, (int)firstlen, first, q);
  else if (k > 1)
    snprintf(buf + used, n - (size_t)used, " and continues line %zu, which names %s: if one is "
             "the step, give it with --col step=NAME", lineno, names);
  else
    snprintf(buf + used, n - (size_t)used, ": name the step with --col step=NAME");
}

/* Whether line[0..ll) is a dict the Hugging Face Trainer prints ({'loss':
 * 2.3456, 'grad_norm': 1.23, 'learning_rate': 4.9e-05, 'epoch': 0.01}),
 * after any logger's prefix: it names the epoch, never the step. */
static int text_hf_dict(const char *line, size_t ll) {
  size_t i = fslaw_textlog_prefix(line, ll);
  while (i < ll && isspace((unsigned char)line[i])) i++;
  static const char epoch[] = "'epoch': ";
  if (ll - i < 2 || line[i] != '{' || line[i + 1] != '\'') return 0;
  for (size_t j = i; j + sizeof epoch - 1 <= ll; j++)
    if (!memcmp(line + j, epoch, sizeof epoch - 1)) return 1;
  return 0;
}

/* The message when no record is read. */
static fslaw_status text_none(const rows *b, const text_state *ts, const char *data,
                              fslaw_error *err) {
  if (ts->orphan && text_hf_dict(ts->orphan_text, ts->orphan_len))
    return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu: the Hugging Face Trainer's printed dicts "
                      "({'loss': ..., 'learning_rate': ..., 'epoch': ...}) name no step, and "
                      "fslaw does not invent one: read the run's trainer_state.json instead (in "
                      "each checkpoint-N folder of the Trainer's output_dir), which fslaw reads "
                      "as it is", b->name, ts->orphan);
  char step[128], lr[256], loss[512], evals[96] = "", hint[512] = "";
  if (ts->evals)
    snprintf(evals, sizeof evals, " (%zu evaluation line%s skipped)", ts->evals, ts->evals > 1 ? "s" : "");
  if (ts->orphan) text_orphan_hint(ts, data, hint, sizeof hint);
  return fslaw_fail(err, FSLAW_EPARSE, "%s: no line names a step (%s) and a rate (%s) or a "
                    "loss (%s)%s%s", b->name, alts_text(b, COL_STEP, step, sizeof step),
                    alts_text(b, COL_LR, lr, sizeof lr), alts_text(b, COL_LOSS, loss, sizeof loss),
                    evals, hint);
}

static fslaw_status read_text(rows *b, const char *data, size_t len, fslaw_error *err) {
  size_t pos = bom(data, len), lineno = 1, start = pos; /* start: the line's first byte */
  text_state ts = {0};
  while (pos < len) {
    size_t ll = 0;
    while (pos + ll < len && data[pos + ll] != '\n' && data[pos + ll] != '\r') ll++;
    /* the empty segment between "\r\n" is no blank line */
    int crlf = !ll && pos > 0 && data[pos - 1] == '\r' && pos < len && data[pos] == '\n';
    fslaw_status st = crlf ? FSLAW_OK : text_line(b, data, data + pos, ll, start, lineno, &ts, err);
    if (st) return st;
    pos += ll + 1;
    if (pos <= len && data[pos - 1] == '\n') lineno++, start = pos;
  }
  fslaw_status st = text_close(b, data, &ts, err);
  if (st) return st;
  if (ts.backs > TEXT_MAX_BACKS && (double)ts.backs > TEXT_MAX_BACK_SHARE * (double)(b->n + b->replaced))
    return fslaw_fail(err, FSLAW_EPARSE, "%s: the steps go back %zu times (first on line %zu): "
                      "several runs or ranks in one file, or a counter that restarts each epoch? "
                      "fslaw reads one run per file (a run resumed from checkpoints goes back "
                      "now and then, not this often)", b->name, ts.backs, ts.back_line);
  return b->n ? FSLAW_OK : text_none(b, &ts, data, err);
}

/* Whether JSONL input is rather one JSON document (trainer_state.json, or an
 * array of records): its first line is not a complete JSON value, or is an
 * object with an array "log_history", or an array starting with an object. */
static int is_document(const char *data, size_t len) {
  size_t i = bom(data, len);
  while (i < len && isspace((unsigned char)data[i])) i++;
  if (i == len || (data[i] != '{' && data[i] != '[')) return 0;
  const char *nl = memchr(data + i, '\n', len - i);
  size_t end, ll = nl ? (size_t)(nl - (data + i)) : len - i;
  cJSON *v = json_parse(data + i, ll, &end);
  int doc = !v || cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(v, "log_history")) ||
            (cJSON_IsArray(v) && (!v->child || cJSON_IsObject(v->child)));
  cJSON_Delete(v);
  return doc;
}

/* Message prefix "file:line:column" of byte offset pos. */
static fslaw_status doc_error(const rows *b, const char *data, size_t pos, const char *what,
                              fslaw_error *err) {
  size_t line = 1, start = bom(data, pos);
  for (size_t i = 0; i < pos; i++)
    if (data[i] == '\n') {
      line++;
      start = i + 1;
    }
  return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: %s", b->name, line,
                    fslaw_csv_column(data, start, pos), what);
}

/* Document: each column reads the first of its names that any record has
 * (a '*' the first name it matches). */
static fslaw_status doc_pick_keys(rows *b, const cJSON *arr, fslaw_error *err) {
  for (int k = 0; k < NCOLS; k++) {
    if (!b->pick[k]) continue;
    int best = b->nalt[k];
    const cJSON *rec, *m = NULL;
    cJSON_ArrayForEach(rec, arr) {
      int a = cJSON_IsObject(rec) ? first_alt(b, k, rec) : -1;
      if (a >= 0 && a < best) best = a, m = alt_member(b, k, a, rec);
    }
    b->pick[k] = best < b->nalt[k] ? best : 0;
    if (!set_pick(b, k, b->pick[k], m ? m->string : b->alt[k][0]))
      return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  return FSLAW_OK;
}

/* No record to read: the message for an input whose records were all skipped. */
static fslaw_status no_records(const rows *b, fslaw_error *err) {
  return fslaw_fail(err, FSLAW_EPARSE, "%s: none of its %zu records has a key for step, lr, loss "
                    "or tokens (the first is at line %zu); name the keys with --col NAME=KEY",
                    b->name, b->skipped, b->skipped_line);
}

static fslaw_status doc_records(rows *b, doc_cursor *cur, const cJSON *arr, fslaw_error *err) {
  fslaw_status st0 = doc_pick_keys(b, arr, err);
  if (st0) return st0;
  cur_move(cur, cur->pos + 1); /* past '[' */
  const cJSON *rec;
  cJSON_ArrayForEach(rec, arr) {
    size_t end = cur_value_end(cur);
    if (!cJSON_IsObject(rec))
      return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: expected a JSON object (a record "
                        "with keys step, lr, loss)", b->name, cur->line, cur_col(cur));
    fslaw_status st = json_record(b, rec, cur, err);
    if (st) return st;
    cur_move(cur, end);
    cur_move(cur, cur->pos + 1); /* ',' */
  }
  if (!b->n && b->skipped) return no_records(b, err);
  if (!b->n)
    return fslaw_fail(err, FSLAW_EPARSE, "%s: no records (the array%s%s is empty)", b->name,
                      *b->array ? " " : "", b->array);
  return FSLAW_OK;
}

/* One JSON document: an object with an array "log_history" of records
 * (Hugging Face trainer_state.json) or an array of records. */
static fslaw_status read_doc(rows *b, const char *data, size_t len, fslaw_error *err) {
  size_t off = bom(data, len), end;
  cJSON *root = json_parse(data + off, len - off, &end);
  if (!root) {
    /* cJSON points at the last byte when the text ends too early */
    int early = off + end + 1 >= len && isspace((unsigned char)data[len - 1]);
    return doc_error(b, data, off + end, early ? "malformed JSON: the document ends before it "
                     "is complete" : "malformed JSON (read as one JSON document since its first "
                     "line is not a complete JSON object)", err);
  }
  size_t i = off + end;
  while (i < len && isspace((unsigned char)data[i])) i++;
  const cJSON *arr = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "log_history");
  fslaw_status st;
  if (i < len) st = doc_error(b, data, i, "unexpected text after the JSON document", err);
  else if (!cJSON_IsArray(arr))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: expected an array of records or an object with an "
                    "array 'log_history' (as in trainer_state.json); JSONL has one object per "
                    "line", b->name);
  else {
    b->array = arr == root ? "" : "log_history";
    doc_cursor cur = {data, len, off, 1, off};
    cur_find(&cur, root, arr);
    st = doc_records(b, &cur, arr, err);
  }
  cJSON_Delete(root);
  return st;
}

/* Two logged rates equal but for printing (decimal or float32 digits). */
static int rate_eq(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)); }

/* Row index of the next logged rate after row i, or b->n. */
static size_t next_logged(const rows *b, size_t i) {
  for (i++; i < b->n && isnan(b->lr[i]); i++) {}
  return i;
}

/* Whether the rate changes from pl to l as a jump at the logged step: it is
 * flat on both sides of the change (ppl == pl, l == next rate), both logged
 * (has_pp: ppl is a logged rate). At the end of a log one side is unknown: a
 * decay tail inside the last logging interval (a 400-step decay ending a run
 * logged every 500 steps) would be held at the peak, so it stays linear. A sparse log of a step decay (x0.1 at step 12000, lr
 * written every 50 steps) would otherwise become a 50-step ramp, which laws
 * that react to drops misread; milestones and loggers sit on round steps,
 * so the logged step is where the jump is. */
static int is_jump(const rows *b, size_t i, double ppl, int has_pp, double pl) {
  size_t nx = next_logged(b, i);
  if (rate_eq(pl, b->lr[i]) || !has_pp || nx == b->n) return 0;
  return rate_eq(ppl, pl) && rate_eq(b->lr[i], b->lr[nx]);
}

/* Dense rates: linear interpolation between logged rates (MATH.md §3 runs),
 * except that a change between flat stretches is a jump at its logged step
 * (is_jump). Before the first logged rate the log says nothing; a logger
 * that writes every N steps (the Trainer: 500) first writes at step N. When
 * the logged rates then rise, that is a warmup under way: it ramps from 0 at
 * step 0. (A rise from the first logged rate to the second, even from 0 at
 * step 0, is a warmup, never a jump.) When they do not, inventing an N-step warmup would cut the intrinsic time of every
 * step by N * lr / 2; the first logged rate is held instead. */
static fslaw_status build_lr(fslaw_run *run, const rows *b, fslaw_error *err) {
  size_t known = 0, first = b->n, second = b->n;
  for (size_t i = 0; i < b->n; i++)
    if (!isnan(b->lr[i])) {
      known++;
      if (first == b->n) first = i;
      else if (second == b->n) second = i;
    }
  if (!known) return FSLAW_OK;
  run->lr = malloc(run->steps * sizeof *run->lr);
  if (known < run->steps) run->lr_logged = malloc(known * sizeof *run->lr_logged);
  if (!run->lr || (known < run->steps && !run->lr_logged))
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  run->lr_first = (size_t)b->step[first];
  run->lr_ramp = run->lr_first && second < b->n && b->lr[second] > b->lr[first];
  double ps = 0, pl = run->lr_ramp ? 0 : b->lr[first]; /* the point before the first */
  double ppl = 0; /* the logged rate before pl */
  size_t k = 0, j = 0; /* j: logged rates done */
  for (size_t i = first; i < b->n; i++) {
    if (isnan(b->lr[i])) continue;
    double s = b->step[i], l = b->lr[i];
    if (run->lr_logged) run->lr_logged[run->nlr_logged++] = (size_t)s;
    if (j && !(j == 1 && l > pl) && is_jump(b, i, ppl, j >= 2, pl)) {
      run->lr_jumps += (double)k < s;
      for (; (double)k < s; k++) run->lr[k] = pl;
    }
    for (; (double)k < s; k++) run->lr[k] = pl + (l - pl) * ((double)k - ps) / (s - ps);
    run->lr[k++] = l;
    ps = s;
    ppl = pl;
    pl = l;
    j++;
  }
  for (; k < run->steps; k++) run->lr[k] = pl;
  run->lr_filled = run->steps - known;
  return FSLAW_OK;
}

static fslaw_status build_run(fslaw_run *run, const rows *b, fslaw_error *err) {
  if (!b->n) return fslaw_fail(err, FSLAW_EPARSE, "%s: no data rows", b->name);
  run->steps = (size_t)b->step[b->n - 1] + 1;
  for (size_t i = 0; i < b->n; i++) run->nloss += !isnan(b->loss[i]);
  run->loss_step = malloc((run->nloss + 1) * sizeof *run->loss_step);
  run->loss = malloc((run->nloss + 1) * sizeof *run->loss);
  if (b->has_col[COL_TOKENS]) run->tokens = malloc((run->nloss + 1) * sizeof *run->tokens);
  if (!run->loss_step || !run->loss || (b->has_col[COL_TOKENS] && !run->tokens))
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  size_t j = 0;
  for (size_t i = 0; i < b->n; i++) {
    if (isnan(b->loss[i])) continue;
    run->loss_step[j] = (size_t)b->step[i];
    run->loss[j] = b->loss[i];
    if (run->tokens) run->tokens[j] = b->tok[i];
    j++;
  }
  return build_lr(run, b, err);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

/* Whether the line s[0..n) reads as a CSV header: two or more names
 * separated by commas, none a number, and no ':', '=' or '|' (which name
 * values in printed lines). */
static int csv_header_like(const char *s, size_t n) {
  size_t commas = 0;
  for (size_t i = 0; i < n; i++) {
    if (strchr(":=|", s[i])) return 0;
    commas += s[i] == ',';
  }
  text_pair p[2];
  return commas > 0 && fslaw_textlog_pairs(s, n, p, 2) == 0;
}

/* Line k (from 0) of data[i..len) that is not blank: *line and its length;
 * 0 when there is none. */
static size_t text_nth_line(const char *data, size_t len, size_t i, int k, const char **line) {
  for (int seen = 0; i < len;) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t ll = nl ? (size_t)(nl - (data + i)) : len - i, j = 0;
    while (j < ll && isspace((unsigned char)data[i + j])) j++;
    if (j < ll && seen++ == k) {
      *line = data + i;
      return ll;
    }
    i += ll + 1;
  }
  return 0;
}

/* Commas in s[0..n). */
static size_t commas(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += s[i] == ',';
  return c;
}

/* A .log, .txt or .out file: JSON when its first line is a JSON object or
 * opens one ('{' or '[' alone, or '[' then '{', '[' or ']'; not "[2024-05-01
 * ..." or "[titan]", nor a Python dict printed with quotes 'like this'),
 * whose next line is one too (not a config printed before progress lines),
 * CSV when its first line reads as a CSV header and the next has as many
 * commas, else printed lines. */
static fslaw_run_format detect_text(const char *data, size_t len, size_t i) {
  const char *l0 = NULL, *l1 = NULL;
  size_t n0 = text_nth_line(data, len, i, 0, &l0), n1 = text_nth_line(data, len, i, 1, &l1);
  while (n0 && isspace((unsigned char)l0[n0 - 1])) n0--;
  if (n0 && (l0[0] == '{' || l0[0] == '[')) {
    size_t j = 1, end;
    while (j < n0 && isspace((unsigned char)l0[j])) j++;
    if (j == n0 || (l0[0] == '[' && strchr("{[]", l0[j]))) return FSLAW_RUN_JSONL;
    cJSON *v = l0[0] == '{' ? json_parse(l0, n0, &end) : NULL;
    int object = cJSON_IsObject(v) && end == n0 && (!n1 || l1[strspn(l1, " \t")] == '{');
    cJSON_Delete(v);
    if (object) return FSLAW_RUN_JSONL;
  }
  return n0 && csv_header_like(l0, n0) && n1 && commas(l1, n1) == commas(l0, n0) ? FSLAW_RUN_CSV
                                                                                 : FSLAW_RUN_TEXT;
}

static fslaw_run_format detect(const char *name, const char *data, size_t len) {
  if (fslaw_tfe_is_event_file(data, len)) return FSLAW_RUN_TFEVENTS;
  if (fslaw_wdb_is_log(data, len)) return FSLAW_RUN_JSONL; /* its history records (read_wandb) */
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return FSLAW_RUN_JSONL;
  if (ends_with(name, ".csv")) return FSLAW_RUN_CSV;
  size_t i = bom(data, len);
  while (i < len && isspace((unsigned char)data[i])) i++;
  if (ends_with(name, ".log") || ends_with(name, ".txt") || ends_with(name, ".out"))
    return detect_text(data, len, i);
  return i < len && (data[i] == '{' || data[i] == '[') ? FSLAW_RUN_JSONL : FSLAW_RUN_CSV;
}

/* ---- TensorBoard event files ---------------------------------------------
 * Each scalar is its own (tag, step, value); a column reads the first of its
 * names that any event has. A value at the step of an earlier value of its
 * tag, or before it, replaces the earlier ones from that step on: a run
 * resumed from a checkpoint logs those steps again, and (as in TensorBoard)
 * the later values win. Files of a folder are read in name order, which is
 * the order TensorBoard writers create them in (the name holds the time). */

enum { TF_TAGS = 16 }; /* distinct tags listed in messages */

/* One value of a column: where it came from and its step. */
typedef struct {
  double step, value;
  size_t offset; /* byte offset of its event */
  int file;      /* index of its file */
  int alt;       /* index of the tag among the column's names */
} tf_value;

/* What the scan of event files collects. */
typedef struct {
  rows *b;
  int file;                     /* index of the file being scanned */
  tf_value *v[NCOLS];           /* values of lr, loss, tokens in file order */
  size_t n[NCOLS], cap[NCOLS];  /* counts and capacities */
  char tag[TF_TAGS][64];        /* the first distinct tags seen, for messages */
  int ntag;                     /* number of them */
  int more;                     /* more tags (or longer ones) were seen */
  int hf_epoch;                 /* a "train/epoch" tag: the Hugging Face Trainer's */
  char *wild[NCOLS];            /* the first tag a column's '*' name matched (owned) */
  int wild_twice[NCOLS];        /* ... and another tag matched it too */
} tf_scan;

static void tf_note_tag(tf_scan *s, const char *tag) {
  /* the Trainer's epoch: "train/epoch" in TensorBoard, "epoch" in MLflow */
  if (!strcmp(tag, s->b->db ? "epoch" : "train/epoch")) s->hf_epoch = 1;
  for (int i = 0; i < s->ntag; i++)
    if (!strcmp(s->tag[i], tag)) return;
  if (s->ntag == TF_TAGS || strlen(tag) >= sizeof s->tag[0]) s->more = 1;
  else strcpy(s->tag[s->ntag++], tag);
}

/* "a, b, c" (", ..." when there are more) for messages. */
static const char *tf_tags(const tf_scan *s, char *buf, size_t n) {
  buf[0] = '\0';
  for (int i = 0; i < s->ntag; i++) {
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s%s", i ? ", " : "", s->tag[i]);
  }
  if (s->more) {
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s...", s->ntag ? ", " : "");
  }
  return buf;
}

static fslaw_status tf_take(void *ctx, const tfe_scalar *sc, fslaw_error *err) {
  tf_scan *s = ctx;
  tf_note_tag(s, sc->tag);
  for (int k = COL_LR; k < NCOLS; k++)
    for (int a = 0; a < s->b->nalt[k]; a++) {
      if (!wild_match(s->b->alt[k][a], sc->tag)) continue;
      if (is_wild(s->b->alt[k][a])) {
        if (!s->wild[k] && !(s->wild[k] = fslaw_strdup(sc->tag)))
          return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
        s->wild_twice[k] |= strcmp(s->wild[k], sc->tag) != 0;
      }
      if (s->n[k] == s->cap[k]) {
        size_t cap = s->cap[k] ? 2 * s->cap[k] : 256;
        tf_value *p = realloc(s->v[k], cap * sizeof *p);
        if (!p) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
        s->v[k] = p;
        s->cap[k] = cap;
      }
      s->v[k][s->n[k]++] = (tf_value){(double)sc->step, sc->value, sc->offset, s->file, a};
    }
  return FSLAW_OK;
}

/* Keep column k's values under its first name present (a '*' name when it
 * matched one tag), later values replacing earlier ones at their step and
 * after (a resumed run); count those replaced. */
static fslaw_status tf_pick(tf_scan *s, int k, fslaw_error *err) {
  rows *b = s->b;
  int best = MAX_ALT;
  for (size_t i = 0; i < s->n[k]; i++) {
    int a = s->v[k][i].alt;
    if (a < best && alt_on(b, k, a) && !(is_wild(b->alt[k][a]) && s->wild_twice[k])) best = a;
  }
  size_t m = 0;
  for (size_t i = 0; i < s->n[k]; i++) {
    if (s->v[k][i].alt != best) continue;
    while (m && s->v[k][m - 1].step >= s->v[k][i].step) m--, b->replaced++;
    s->v[k][m++] = s->v[k][i];
  }
  s->n[k] = m;
  if (!m) return FSLAW_OK;
  b->has_col[k] = 1;
  return set_pick(b, k, best, is_wild(b->alt[k][best]) ? s->wild[k] : b->alt[k][best])
             ? FSLAW_OK : fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
}

/* Rows from the columns' values, merged by step. */
static fslaw_status tf_rows(tf_scan *s, fslaw_error *err) {
  size_t at[NCOLS] = {0};
  for (;;) {
    double step = HUGE_VAL;
    for (int k = COL_LR; k < NCOLS; k++)
      if (at[k] < s->n[k] && s->v[k][at[k]].step < step) step = s->v[k][at[k]].step;
    if (step == HUGE_VAL) return FSLAW_OK;
    cell c[NCOLS] = {{0}};
    for (int k = NCOLS - 1; k >= COL_LR; k--) {
      if (at[k] >= s->n[k] || s->v[k][at[k]].step != step) continue;
      const tf_value *v = &s->v[k][at[k]++];
      c[k] = (cell){1, v->value, v->offset, (size_t)v->file};
      c[COL_STEP] = (cell){1, step, v->offset, (size_t)v->file};
    }
    fslaw_status st = rows_add(s->b, c, err);
    if (st) return st;
  }
}

static fslaw_status tf_missing(const tf_scan *s, int k, fslaw_error *err) {
  char names[512], tags[TF_TAGS * 66 + 8];
  const rows *b = s->b;
  if (b->db)
    return fslaw_fail(err, FSLAW_EPARSE, "%s%s%s: no metric named %s (%s%s); name the %s's metric "
                      "with --col %s=KEY", b->name, b->db == 1 ? "#" : "",
                      b->db == 1 ? b->run_name : "", alts_text(b, k, names, sizeof names),
                      s->ntag || s->more ? "its metrics: " : "it has no metrics",
                      tf_tags(s, tags, sizeof tags), quantity[k], quantity[k]);
  return fslaw_fail(err, FSLAW_EPARSE, "%s: no scalar tagged %s (%s%s); name the %s's tag with "
                    "--col %s=TAG", b->name, alts_text(b, k, names, sizeof names),
                    s->ntag || s->more ? "its scalar tags: " : "it has no scalars",
                    tf_tags(s, tags, sizeof tags), quantity[k], quantity[k]);
}

/* Every value of a column at step 0: SummaryWriter.add_scalar and MLflow's
 * log_metric log step 0 when given none, so the values replace each other. */
static fslaw_status tf_no_steps(const tf_scan *s, int k, fslaw_error *err) {
  const rows *b = s->b;
  return fslaw_fail(err, FSLAW_EPARSE, "%s%s%s: every value of '%s' is logged at step 0 (what "
                    "the writer records when given no step); log it with the training step",
                    b->name, b->db == 1 ? "#" : "", b->db == 1 ? b->run_name : "", b->colname[k]);
}

/* The columns' values collected by a scan into rows. */
static fslaw_status tf_finish(tf_scan *s, fslaw_error *err) {
  rows *b = s->b;
  fslaw_status st = FSLAW_OK;
  b->has_col[COL_STEP] = 1;
  for (int k = COL_LR; k < NCOLS && !st; k++) {
    size_t before = b->replaced;
    st = tf_pick(s, k, err);
    if (!st && b->replaced > before && s->n[k] == 1 && s->v[k][0].step == 0) st = tf_no_steps(s, k, err);
  }
  for (int k = COL_LR; k < NCOLS && !st; k++)
    if (!b->has_col[k] && (b->named[k] || k == COL_LOSS)) st = tf_missing(s, k, err);
  if (!st) st = tf_rows(s, err);
  /* the Trainer's loss is a mean since its previous log: "train/loss" in
   * TensorBoard, "loss" beside "learning_rate" in MLflow */
  const char *loss = b->colname[COL_LOSS], *lr = b->has_col[COL_LR] ? b->colname[COL_LR] : "";
  b->hf_mean = !st && s->hf_epoch &&
               (b->db ? !strcmp(loss, "loss") && !strcmp(lr, "learning_rate")
                      : !strcmp(loss, "train/loss"));
  return st;
}

/* The scalars of event files into rows (a folder's files, or one file). */
static fslaw_status read_tfevents(rows *b, const log_file *f, size_t nf, fslaw_error *err) {
  /* a named step column does not apply (the same --col serves CSV logs) */
  b->colname[COL_STEP] = "step";
  tf_scan s = {0};
  s.b = b;
  fslaw_status st = FSLAW_OK;
  for (size_t i = 0; i < nf && !st; i++) {
    size_t cut;
    s.file = (int)i;
    st = fslaw_tfe_scan(f[i].name, f[i].data, f[i].len, tf_take, &s, &cut, err);
    if (cut) {
      b->cut = cut;
      b->cut_file = (int)i;
    }
  }
  if (!st) st = tf_finish(&s, err);
  for (int k = 0; k < NCOLS; k++) free(s.v[k]), free(s.wild[k]);
  return st;
}

/* A value of a metric file of MLflow's file store, as an event's scalar. */
static fslaw_status mlr_take(void *ctx, const tfe_scalar *sc, size_t file, fslaw_error *err) {
  tf_scan *s = ctx;
  s->file = (int)file;
  return tf_take(ctx, sc, err);
}

/* The metrics of a run of an MLflow store (a database, or the folders of
 * the file store) into rows, as event files' scalars: a metric's key is a
 * tag. */
static fslaw_status read_mlflow(rows *b, const log_file *f, int store, fslaw_error *err) {
  b->colname[COL_STEP] = "step";
  b->db = store ? 2 : 1;
  tf_scan s = {0};
  s.b = b;
  fslaw_status st;
  if (store) {
    st = fslaw_mlr_scan(f->name, f->run, &b->mlr, mlr_take, &s, err);
    if (b->mlr.name && !(b->run_name = fslaw_strdup(b->mlr.name)))
      st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  } else {
    st = fslaw_mlf_scan(f->name, f->run, &b->run_name, tf_take, &s, err);
  }
  if (!st) st = tf_finish(&s, err);
  for (int k = 0; k < NCOLS; k++) free(s.v[k]), free(s.wild[k]);
  return st;
}

/* The keys of the first JSON line of data, "a, b, c", into buf[n]. */
static const char *first_keys(const char *data, size_t len, char *buf, size_t n) {
  const char *nl = memchr(data, '\n', len);
  size_t end;
  cJSON *obj = json_parse(data, nl ? (size_t)(nl - data) : len, &end), *m;
  buf[0] = '\0';
  cJSON_ArrayForEach(m, obj) {
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%s%s", used ? ", " : "", m->string);
  }
  cJSON_Delete(obj);
  return buf;
}

/* The history of a W&B transaction log (run-ID.wandb) into rows: each
 * record (one wandb.log call) a JSON line, as in W&B's history export. */
static fslaw_status read_wandb(rows *b, const log_file *f, fslaw_error *err) {
  wdb_history h;
  fslaw_status st = fslaw_wdb_read(f->name, f->data, f->len, &h, err);
  b->wb_at = h.at;
  b->wb_n = h.n;
  if (!st) st = read_jsonl(b, h.jsonl ? h.jsonl : "", h.len, err);
  if (!st && !b->n) {
    char names[256], keys[512];
    st = h.n ? fslaw_fail(err, FSLAW_EPARSE, "%s: no history record has a key for %s (the first "
                          "has %s); name the keys with --col NAME=KEY", f->name,
                          expected_names(b, names, sizeof names), first_keys(h.jsonl, h.len, keys,
                          sizeof keys))
             : fslaw_fail(err, FSLAW_EPARSE, "%s: a W&B log with no history (nothing logged with "
                          "wandb.log)", f->name);
  }
  if (!st && h.name && !(b->run_name = fslaw_strdup(h.name)))
    st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st && h.cut) b->cut = h.cut, b->cut_file = 0;
  b->wb_at = NULL;
  fslaw_wdb_history_free(&h);
  return st;
}

static fslaw_status read_rows(rows *b, fslaw_run_format format, const log_file *f, size_t nf,
                              fslaw_error *err) {
  if (f[0].data && fslaw_wdb_is_log(f[0].data, f[0].len)) return read_wandb(b, f, err);
  if ((int)format >= RUN_MLFLOW) return read_mlflow(b, f, (int)format == RUN_MLRUNS, err);
  if (format == FSLAW_RUN_AUTO) format = detect(f[0].name, f[0].data, f[0].len);
  if (format == FSLAW_RUN_TFEVENTS) {
    b->files = f;
    return read_tfevents(b, f, nf, err);
  }
  const char *data = f[0].data;
  size_t len = f[0].len;
  if (format == FSLAW_RUN_TEXT) return read_text(b, data, len, err);
  if (format != FSLAW_RUN_JSONL) return read_csv(b, data, len, err);
  if (is_document(data, len)) return read_doc(b, data, len, err);
  fslaw_status st = read_jsonl(b, data, len, err);
  if (!st && !b->n && b->skipped) return no_records(b, err);
  char names[256];
  if (!st && !b->n)
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: empty file (expected JSON objects with keys %s)",
                    b->name, expected_names(b, names, sizeof names));
  return st;
}

/* [*base, end) := the folder name before base (the start of a name in path). */
static void parent_name(const char *path, const char **base, const char **end) {
  *end = *base - 1;
  while (*end > path + 1 && (*end)[-1] == '/') (*end)--;
  *base = *end;
  while (*base > path && (*base)[-1] != '/') (*base)--;
}

/* Whether [b, e) names a folder: not empty ("/"), ".", "..". */
static int names_folder(const char *b, const char *e) {
  return e > b && !(e - b <= 2 && b[0] == '.' && (e - b == 1 || b[1] == '.'));
}

/* Whether [b, e) is a Hugging Face checkpoint's folder: checkpoint-STEP. */
static int is_checkpoint(const char *b, const char *e) {
  if (e - b <= 11 || strncmp(b, "checkpoint-", 11)) return 0;
  for (b += 11; b < e; b++)
    if (*b < '0' || *b > '9') return 0;
  return 1;
}

/* Display name: the file name without folder and extension; for an event
 * file (events.out.tfevents.TIME.HOST...) or a folder of them, the folder's
 * name, which is the run's in TensorBoard; for a trainer_state.json, its
 * output folder's (the one above checkpoint-STEP), which names the run. */
static char *display_name(const char *path, int folder) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  const char *end = path + n, *base = end;
  while (base > path && base[-1] != '/') base--;
  int state = !folder && !strcmp(base, "trainer_state.json");
  if (!folder && (state || !strncmp(base, "events.out.tfevents", 19)) && base > path) {
    const char *b = base, *e = end;
    parent_name(path, &b, &e);
    if (state && is_checkpoint(b, e) && b > path) {
      const char *b2 = b, *e2 = e;
      parent_name(path, &b2, &e2);
      if (names_folder(b2, e2)) b = b2, e = e2;
    }
    if (names_folder(b, e)) base = b, end = e, folder = 1;
  }
  char *s = malloc((size_t)(end - base) + 1);
  if (!s) return NULL;
  memcpy(s, base, (size_t)(end - base));
  s[end - base] = '\0';
  char *dot = folder ? NULL : strrchr(s, '.');
  if (dot && dot != s) *dot = '\0';
  return s;
}

static fslaw_status parse_run(const char *name, const log_file *f, size_t nf, int folder,
                              fslaw_run_format format, const fslaw_run_columns *cols,
                              fslaw_run **out, fslaw_error *err) {
  *out = NULL;
  if ((unsigned)format > FSLAW_RUN_TEXT && (int)format != RUN_MLFLOW && (int)format != RUN_MLRUNS)
    return fslaw_fail(err, FSLAW_EINVAL, "%s: unknown log format %d", name, (int)format);
  rows b = {0};
  b.name = name;
  const char *given[NCOLS] = {0};
  if (cols) {
    given[COL_STEP] = cols->step;
    given[COL_LR] = cols->lr;
    given[COL_LOSS] = cols->loss;
    given[COL_TOKENS] = cols->tokens;
  }
  fslaw_status st = FSLAW_OK;
  if (format == FSLAW_RUN_AUTO) format = detect(f[0].name, f[0].data, f[0].len);
  int text = format == FSLAW_RUN_TEXT;
  b.printed = text;
  const char *const *defaults = text ? text_default_names : default_names;
  for (int k = 0; k < NCOLS && !st; k++) {
    b.named[k] = given[k] != NULL;
    st = set_alts(&b, k, given[k] ? given[k] : defaults[k],
                  given[k] || text ? NULL : lightning_names[k], err);
  }
  /* a rate named as Lightning's (--col lr=lr-AdamW) makes a Lightning log too */
  if (!st && given[COL_LR] && b.nalt[COL_LR] == 1)
    b.lightning = lightning_rate(given[COL_LR]);
  if (!st) st = read_rows(&b, format, f, nf, err);
  for (int k = 0; k < NCOLS && !st; k++) /* JSON: a named key no record has */
    if (b.named[k] && !b.has_col[k]) {
      char names[512];
      st = fslaw_fail(err, FSLAW_EPARSE, "%s: no record has the key %s", name,
                      alts_text(&b, k, names, sizeof names));
    }
  fslaw_run *run = calloc(1, sizeof *run);
  if (!st && !run) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st && !(run->name = b.run_name ? fslaw_strdup(b.run_name) : display_name(name, folder)))
    st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st) st = build_run(run, &b, err);
  for (int k = 0; k < NCOLS && !st; k++)
    if (b.has_col[k] && !(run->column[k] = fslaw_strdup(b.colname[k])))
      st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  /* The Trainer logs "loss" as the mean over the steps since its last log
   * (transformers Trainer._maybe_log_save_evaluate); "eval_loss" is not.
   * Megatron-LM's printed "lm loss" and GPT-NeoX's "lm_loss" are such means
   * too (training_log divides the losses summed over --log-interval); their
   * TensorBoard scalars are the step's own. In W&B the Trainer's loss is
   * "train/loss" beside its step "train/global_step". */
  if (!st) run->loss_is_mean = b.hf_mean || (b.array && !strcmp(b.array, "log_history") &&
                                              !strcmp(b.colname[COL_LOSS], "loss")) ||
                               (b.has_col[COL_LOSS] && !strcmp(b.colname[COL_LOSS], "train/loss") &&
                                !strcmp(b.colname[COL_STEP], "train/global_step")) ||
                               (format == FSLAW_RUN_TEXT && b.has_col[COL_LOSS] &&
                                (!strcmp(b.colname[COL_LOSS], "lm loss") ||
                                 !strcmp(b.colname[COL_LOSS], "lm_loss")));
  if (!st && b.cut && !(run->partial_file = fslaw_strdup(f[b.cut_file].name)))
    st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (!st) {
    run->partial_record = b.cut;
    run->replaced = b.replaced;
    run->deleted = b.mlr.deleted;
  }
  rows_free(&b);
  if (st) {
    fslaw_run_destroy(run);
    return st;
  }
  *out = run;
  return FSLAW_OK;
}

/* A log read while training still writes it can end in half a line. When
 * the input fails to parse, does not end in a line break and parses without
 * its last line, that line is taken as one being written and skipped (the
 * caller can say so, fslaw_run_partial_line). A cut line that still parses
 * (a number cut short) cannot be told from a complete one and is kept. A
 * JSON document is written whole, so it gets no such allowance. */
fslaw_status fslaw_run_parse(const char *name, const char *data, size_t len,
                             fslaw_run_format format, const fslaw_run_columns *cols,
                             fslaw_run **out, fslaw_error *err) {
  if (!out) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_run_parse: out is NULL");
  *out = NULL;
  if (!name || (!data && len))
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_run_parse: %s is NULL", !name ? "name" : "data");
  if (ends_with(name, ".wandb") && !fslaw_wdb_is_log(data, len)) {
    *out = NULL;
    return fslaw_fail(err, FSLAW_EPARSE, !len ? "%s: a W&B log with nothing written yet" :
                      len < 7 && !memcmp(data, ":W&B\xE1\xBE", len < 6 ? len : 6)
                          ? "%s: a W&B log cut short in its header"
                          : "%s: named .wandb but not a W&B log (it does not begin with W&B's "
                            "header)", name);
  }
  if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
    *out = NULL;
    return fslaw_fail(err, FSLAW_EPARSE, "%s: a gzip-compressed file; decompress it first (gunzip)",
                      name);
  }
  log_file file = {name, data, len, NULL};
  fslaw_status st = parse_run(name, &file, 1, 0, format, cols, out, err);
  if (st != FSLAW_EPARSE || !len || data[len - 1] == '\n') return st;
  fslaw_run_format f = format == FSLAW_RUN_AUTO ? detect(name, data, len) : format;
  if (f == FSLAW_RUN_TFEVENTS || (f == FSLAW_RUN_JSONL && is_document(data, len)) ||
      fslaw_wdb_is_log(data, len))
    return st;
  size_t cut = len, lines = 1;
  while (cut && data[cut - 1] != '\n') cut--;
  for (size_t i = 0; i < cut; i++) lines += data[i] == '\n';
  fslaw_error err2;
  file.len = cut;
  if (!cut || parse_run(name, &file, 1, 0, f, cols, out, &err2)) return st;
  (*out)->partial_line = lines;
  return FSLAW_OK;
}

size_t fslaw_run_partial_line(const fslaw_run *run) { return run->partial_line; }

size_t fslaw_run_partial_record(const fslaw_run *run, const char **file) {
  if (file) *file = run->partial_file;
  return run->partial_record;
}

size_t fslaw_run_replaced(const fslaw_run *run) { return run->replaced; }

int fslaw_run_deleted(const fslaw_run *run) { return run->deleted; }

static int is_event_file_name(const char *name) { return strstr(name, "tfevents") != NULL; }

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when a folder holds event files (not looking deeper). */
static int has_event_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int found = 0;
  for (struct dirent *e; !found && (e = readdir(d));) found = is_event_file_name(e->d_name);
  closedir(d);
  return found;
}

/* The path of the W&B log (*.wandb) of the folder dir, a W&B run's
 * (wandb/run-DATE-ID, or wandb/latest-run); NULL when it has none. *count
 * (may be NULL) receives how many it has, the first's path then being
 * returned, and names[n] (may be NULL) their names, "a, b, ...". */
static char *wandb_logs_in(const char *dir, int *count, char *names, size_t n) {
  DIR *d = opendir(dir);
  if (names) names[0] = '\0';
  if (count) *count = 0;
  if (!d) return NULL;
  char *found = NULL;
  int k = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!ends_with(e->d_name, ".wandb")) continue;
    if (names) {
      size_t used = strlen(names);
      snprintf(names + used, n - used, "%s%s", k ? ", " : "", k < 3 ? e->d_name : "...");
    }
    if (k++) continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    if ((found = malloc(len))) snprintf(found, len, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (count) *count = k;
  return found;
}

static char *wandb_log_in(const char *dir) { return wandb_logs_in(dir, NULL, NULL, 0); }

/* TensorBoard's log folder holds a folder per run, and so does W&B's
 * (wandb/): the names of the first ones into buf ("a, b, ..."), and whether
 * there is any. */
static int runs_inside(const char *dir, char *buf, size_t n) {
  buf[0] = '\0';
  DIR *d = opendir(dir);
  if (!d) return 0;
  int runs = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *wb = wandb_log_in(path);
    int wandb_run = wb != NULL;
    free(wb);
    if (!wandb_run && !has_event_files(path)) continue;
    size_t used = strlen(buf);
    /* a name cut short in the message is fine */
    if (runs < 3 && snprintf(buf + used, n - used, "%s%s", runs ? ", " : "", e->d_name) < 0) break;
    if (runs == 3) snprintf(buf + used, n - used, ", ...");
    runs++;
  }
  closedir(d);
  return runs > 0;
}

/* The paths of a folder's event files, in name order (*n of them). */
static fslaw_status event_files(const char *dir, char ***paths, size_t *n, fslaw_error *err) {
  *paths = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return fslaw_fail(err, FSLAW_EIO, "%s: cannot open: %s", dir, strerror(errno));
  size_t cap = 0;
  fslaw_status st = FSLAW_OK;
  for (struct dirent *e; !st && (e = readdir(d));) {
    if (!is_event_file_name(e->d_name)) continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 8;
      char **p = realloc(*paths, cap * sizeof *p);
      if (!p) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
      else *paths = p;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *path = st ? NULL : malloc(len);
    if (!st && !path) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    if (!st) {
      snprintf(path, len, "%s/%s", dir, e->d_name);
      (*paths)[(*n)++] = path;
    }
  }
  closedir(d);
  if (!st && !*n) {
    char sub[256];
    st = runs_inside(dir, sub, sizeof sub)
             ? fslaw_fail(err, FSLAW_EPARSE, "%s: a folder of runs (%s); give each run's folder "
                          "as a RUN", dir, sub)
             : fslaw_fail(err, FSLAW_EPARSE, "%s: a folder with no TensorBoard event files "
                          "(events.out.tfevents.*); give a log file, or the folder of one "
                          "run's event files", dir);
  }
  if (!st) qsort(*paths, *n, sizeof **paths, by_name);
  return st;
}

/* A folder: the event files of one TensorBoard run. */
static fslaw_status read_folder(const char *dir, fslaw_run_format format,
                                const fslaw_run_columns *cols, fslaw_run **out,
                                fslaw_error *err) {
  if (format != FSLAW_RUN_AUTO && format != FSLAW_RUN_TFEVENTS)
    return fslaw_fail(err, FSLAW_EINVAL, "%s: a folder; only TensorBoard event files are read "
                      "from a folder", dir);
  char **paths;
  size_t n;
  fslaw_status st = event_files(dir, &paths, &n, err);
  log_file *f = st ? NULL : calloc(n, sizeof *f);
  if (!st && !f) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && !st; i++) {
    f[i].name = paths[i];
    st = fslaw_read_file(paths[i], (char **)&f[i].data, &f[i].len, err);
    if (!st && !fslaw_tfe_is_event_file(f[i].data, f[i].len) && f[i].len)
      st = fslaw_fail(err, FSLAW_EPARSE, "%s: not a TensorBoard event file", paths[i]);
  }
  if (!st) st = parse_run(dir, f, n, 1, FSLAW_RUN_TFEVENTS, cols, out, err);
  for (size_t i = 0; i < n; i++) {
    if (f) free((char *)f[i].data);
    free(paths[i]);
  }
  free(f);
  free(paths);
  return st;
}

/* 1 when the regular file at path starts as an SQLite database does. */
static int is_database_file(const char *path) {
  struct stat sb;
  if (stat(path, &sb) || !S_ISREG(sb.st_mode)) return 0;
  FILE *f = fopen(path, "rb");
  char head[16];
  size_t got = f ? fread(head, 1, sizeof head, f) : 0;
  if (f) fclose(f);
  return fslaw_mlf_is_database(head, got);
}

/* A run of an MLflow store, "DB" or "DB#RUN" (a run's name or id) for a
 * database, "DIR" or "DIR#RUN" for a folder of the file store: *db its path
 * (*copy owns it when split off), db->run the run or NULL. The format
 * (RUN_MLFLOW or RUN_MLRUNS); 0: not one. */
static int mlflow_path(const char *path, log_file *db, char **copy) {
  *copy = NULL;
  *db = (log_file){path, NULL, 0, NULL};
  if (is_database_file(path)) return RUN_MLFLOW;
  struct stat sb;
  if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) /* event files win: TensorBoard's folder */
    return fslaw_mlr_is_store(path) && !has_event_files(path) ? RUN_MLRUNS : 0;
  /* the first '#' after which the path is no file: a run's name may hold '#' */
  if (!strchr(path, '#') || !(*copy = fslaw_strdup(path))) return 0;
  for (const char *hash = strchr(path, '#'); hash && hash[1]; hash = strchr(hash + 1, '#')) {
    (*copy)[hash - path] = '\0';
    int format = is_database_file(*copy) ? RUN_MLFLOW
                 : !stat(*copy, &sb) && S_ISDIR(sb.st_mode) && fslaw_mlr_is_store(*copy) ? RUN_MLRUNS : 0;
    if (format) {
      *db = (log_file){*copy, NULL, 0, *copy + (hash - path) + 1};
      return format;
    }
    (*copy)[hash - path] = '#';
  }
  free(*copy);
  *copy = NULL;
  return 0;
}

fslaw_status fslaw_run_read(const char *path, fslaw_run_format format,
                            const fslaw_run_columns *cols, fslaw_run **out, fslaw_error *err) {
  if (!out) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_run_read: out is NULL");
  *out = NULL;
  if (!path) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_run_read: path is NULL");
  log_file db;
  char *copy;
  int store = mlflow_path(path, &db, &copy);
  if (store) { /* whatever --format says, which is for log files */
    /* a database's messages add #RUN themselves; a file store's name the path */
    fslaw_status st = parse_run(store == RUN_MLFLOW ? db.name : path, &db, 1, 0,
                                (fslaw_run_format)store, cols, out, err);
    free(copy);
    return st;
  }
  struct stat sb;
  char *wb = NULL, names[256];
  int nwb = 0;
  if (!stat(path, &sb) && S_ISDIR(sb.st_mode) && !(wb = wandb_logs_in(path, &nwb, names, sizeof names)))
    return read_folder(path, format, cols, out, err);
  if (nwb > 1) {
    free(wb);
    return fslaw_fail(err, FSLAW_EPARSE, "%s: a folder of %d W&B logs (%s); give one of them",
                      path, nwb, names);
  }
  if (wb) path = wb; /* a W&B run's folder: its log */
  char *data;
  size_t len;
  fslaw_status st = fslaw_read_file(path, &data, &len, err);
  if (st) {
    free(wb);
    return st;
  }
  st = fslaw_run_parse(path, data, len, format, cols, out, err);
  free(data);
  free(wb);
  return st;
}

void fslaw_run_destroy(fslaw_run *run) {
  if (!run) return;
  free(run->name);
  free(run->lr);
  free(run->lr_logged);
  free(run->loss_step);
  free(run->loss);
  free(run->tokens);
  for (int k = 0; k < NCOLS; k++) free(run->column[k]);
  free(run->partial_file);
  free(run);
}

const char *fslaw_run_column(const fslaw_run *run, const char *what) {
  for (int k = 0; k < NCOLS; k++)
    if (!strcmp(what, quantity[k])) return run->column[k];
  return NULL;
}

fslaw_status fslaw_run_set_schedule(fslaw_run *run, const fslaw_schedule *s, fslaw_error *err) {
  size_t n = fslaw_schedule_steps(s), have = n;
  /* A log that numbers its steps by the updates done (the Trainer: 0 .. N
   * for N steps) has one step more than its schedule: the last rate holds. */
  if (n + 1 == run->steps) n++;
  if (n < run->steps)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "run '%s' has %zu steps (0 to %zu) but the schedule '%s' only %zu",
                      run->name, run->steps, run->steps - 1, fslaw_schedule_spec(s), have);
  double *lr = malloc(n * sizeof *lr);
  if (!lr) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  fslaw_schedule_eval(s, lr, have, NULL);
  if (have < n) lr[have] = lr[have - 1];
  free(run->lr);
  run->lr = lr;
  run->steps = n;
  run->lr_filled = 0;
  free(run->lr_logged);
  run->lr_logged = NULL;
  run->nlr_logged = 0;
  run->lr_first = 0;
  run->lr_ramp = 0;
  run->lr_jumps = 0;
  return FSLAW_OK;
}

/* Window of logged loss i: `window` steps, or (0) the steps since the
 * previous logged loss; the first loss, which has none, takes the gap to the
 * next (regular logging), or all steps from 1 when it is alone. */
static size_t loss_window(const fslaw_run *run, size_t i, size_t window) {
  const size_t *s = run->loss_step;
  size_t w = window ? window
             : i ? s[i] - s[i - 1]
             : run->nloss > 1 && s[1] - s[0] < s[0] ? s[1] - s[0]
                                                    : s[0];
  if (w > s[i]) w = s[i]; /* the window starts at step 1 at the earliest */
  return w ? w : 1;
}

/* Intrinsic time up to and including step k (k + 1 steps without rates). */
static double time_at(const double *cum, size_t k) {
  return cum ? cum[k] : (double)k + 1;
}

/* 1 when loss i's window, steps s - w + 1 .. s, holds more than half of the
 * intrinsic time up to its middle: there a power law bends so much that the
 * mean is far from the curve at the middle (the Trainer's first loss, the
 * mean of steps 1-500, lies 10 % above it). */
static int too_early(const double *cum, size_t s, size_t w, size_t mid) {
  double before = s > w ? time_at(cum, s - w) : 0;
  return before < 0.5 * time_at(cum, mid);
}

fslaw_status fslaw_run_center_losses(fslaw_run *run, size_t window, size_t *dropped,
                                     fslaw_error *err) {
  if (dropped) *dropped = 0;
  if (window == 1 || !run->nloss) return FSLAW_OK;
  size_t *mid = malloc(run->nloss * sizeof *mid);
  double *cum = run->lr ? malloc(run->steps * sizeof *cum) : NULL;
  if (!mid || (run->lr && !cum)) {
    free(mid);
    free(cum);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  for (size_t k = 0; cum && k < run->steps; k++) cum[k] = (k ? cum[k - 1] : 0) + run->lr[k];
  size_t kept = 0;
  for (size_t i = 0; i < run->nloss; i++) {
    /* steps s - w + 1 .. s: their middle, rounded up */
    size_t s = run->loss_step[i], w = loss_window(run, i, window), m = s - (w - 1) / 2;
    if (kept == 0 && too_early(cum, s, w, m)) continue; /* only a leading run of them */
    /* clipped windows of a fixed size can share a middle: keep the order
     * (mid[kept - 1] <= an earlier step < s, so this stays <= s) */
    if (kept && m <= mid[kept - 1]) m = mid[kept - 1] + 1;
    run->loss[kept] = run->loss[i];
    if (run->tokens) run->tokens[kept] = run->tokens[i];
    mid[kept++] = m;
  }
  if (dropped) *dropped = run->nloss - kept;
  memcpy(run->loss_step, mid, kept * sizeof *mid);
  run->nloss = kept;
  free(mid);
  free(cum);
  return FSLAW_OK;
}

int fslaw_run_loss_is_mean(const fslaw_run *run) { return run->loss_is_mean; }

const char *fslaw_run_name(const fslaw_run *run) { return run->name; }
size_t fslaw_run_steps(const fslaw_run *run) { return run->steps; }
const double *fslaw_run_lr(const fslaw_run *run) { return run->lr; }
size_t fslaw_run_lr_filled(const fslaw_run *run) { return run->lr_filled; }
size_t fslaw_run_lr_jumps(const fslaw_run *run) { return run->lr_jumps; }
size_t fslaw_run_lr_logged(const fslaw_run *run, const size_t **steps) {
  if (steps) *steps = run->lr_logged;
  return run->nlr_logged;
}
size_t fslaw_run_lr_first(const fslaw_run *run, int *ramp) {
  if (ramp) *ramp = run->lr_ramp;
  return run->lr_first;
}
size_t fslaw_run_nloss(const fslaw_run *run) { return run->nloss; }
const size_t *fslaw_run_loss_steps(const fslaw_run *run) { return run->loss_step; }
const double *fslaw_run_loss(const fslaw_run *run) { return run->loss; }
const double *fslaw_run_tokens(const fslaw_run *run) { return run->tokens; }

/* Significant digits of v: the fewest that write it exactly (17 at most). */
static int sig_digits(double v) {
  char buf[32];
  for (int d = 1; d < 17; d++) {
    snprintf(buf, sizeof buf, "%.*e", d - 1, v);
    if (strtod(buf, NULL) == v) return d;
  }
  return 17;
}

/* The digits a logger rounded the rates to: the most among up to 256 rates
 * after warmup, or 0 when they are written in full (16 or more) or are
 * round numbers set by hand (2 or fewer). */
static int rate_digits(const double *lr, size_t n, size_t from) {
  int most = 0;
  for (size_t k = from, stride = (n - from) / 256 + 1; k < n; k += stride)
    if (lr[k] > 0 && sig_digits(lr[k]) > most) most = sig_digits(lr[k]);
  return most > 2 && most < 16 ? most : 0;
}

/* A unit in the last of `digits` digits of v > 0. */
static double unit_of(double v, int digits) { return pow(10, floor(log10(v)) - digits + 1); }

/* Whether the second difference d2 at step k - 1 exceeds what rounding the
 * rates to `digits` can make (two units of each of three rates): a smooth
 * decay logged to 5 digits jumps by a unit every few steps, a change of
 * slope that is not a kink. */
static int beyond_rounding(const double *lr, size_t k, double d2, int digits) {
  double top = fmax(lr[k], fmax(lr[k - 1], lr[k - 2]));
  return !digits || !(top > 0) || fabs(d2) > 4 * unit_of(top, digits);
}

/* Count kink k, keeping the first ones in order. */
static void add_kink(fslaw_run_summary *sum, size_t k) {
  size_t cap = sizeof sum->kinks / sizeof sum->kinks[0], n = sum->nkinks < cap ? sum->nkinks : cap;
  size_t i = n;
  while (i && sum->kinks[i - 1] > k) i--;
  if (i < cap) {
    memmove(sum->kinks + i + 1, sum->kinks + i, ((n < cap ? n + 1 : cap) - i - 1) * sizeof *sum->kinks);
    sum->kinks[i] = k;
  }
  sum->nkinks++;
}

/* The rate on one side of a kink near step c, as the line y0 + slope (x - x0)
 * through the crossings of rounding boundaries nearest c (a change from
 * lr[k-1] to lr[k] puts their mean at k - 1/2, to half a step) within h
 * steps: two of them give the slope, one takes it from the ends, none is a
 * flat stretch. */
static void side_line(const double *lr, size_t c, size_t h, int right, double *x0, double *y0,
                      double *slope) {
  size_t found[3], nf = 0;
  for (size_t i = 1; i <= h && nf < 3; i++) {
    size_t k = right ? c + i : c + 1 - i;
    if (lr[k] != lr[k - 1]) found[nf++] = k;
  }
  size_t lo = right ? c : c - h, hi = right ? c + h : c;
  *slope = (lr[hi] - lr[lo]) / (double)h;
  if (!nf) *slope = 0, *x0 = (double)c, *y0 = lr[right ? hi : lo];
  else {
    *x0 = (double)found[0] - 0.5, *y0 = 0.5 * (lr[found[0]] + lr[found[0] - 1]);
    if (nf > 1)
      *slope = 0.5 * (lr[found[nf - 1]] + lr[found[nf - 1] - 1]) - *y0,
      *slope /= (double)found[nf - 1] - 0.5 - *x0;
  }
}

/* Where the lines on either side of a kink flagged over steps [a, b] meet:
 * from the middle, each estimate taken as the next one's dividing step. */
static size_t place_kink(const double *lr, size_t a, size_t b, size_t h) {
  size_t c = (a + b) / 2;
  for (int it = 0; it < 4; it++) {
    double xl, yl, sl, xr, yr, sr;
    side_line(lr, c, h, 0, &xl, &yl, &sl);
    side_line(lr, c, h, 1, &xr, &yr, &sr);
    double x = (yr - yl + sl * xl - sr * xr) / (sl - sr);
    if (!(x >= (double)a && x <= (double)b)) break; /* parallel, or beyond the flagged steps */
    c = (size_t)floor(x + 0.5);
  }
  return c;
}

/* Second difference over a lag h at step k (h <= k < n - h). */
static double d2_lag(const double *lr, size_t k, size_t h) {
  return lr[k + h] - 2 * lr[k] + lr[k - h];
}

/* Rates rounded to `digits` hide a slow change of slope (a linear decay from
 * 3.00e-4 over 4000 steps loses its first unit 75 steps in), which shows
 * over a lag h: a kink's second difference is a tent of height (change of
 * slope) * h over the 2h steps around it, a smooth curvature's varies
 * slowly, so a kink is where it exceeds its values h steps away by more than
 * rounding makes (4 units in each, taken at the largest rate: 6) and by
 * thr * h. h, a fourth of the run scaled by the rounding's relative size,
 * keeps a cosine's curvature over h far below that. Kinks the one-step pass
 * found (jumps) are left to it. */
static void find_rounded_kinks(const double *lr, size_t n, size_t from, double thr, int digits,
                               double lr_max, fslaw_run_summary *sum) {
  double u = unit_of(lr_max, digits);
  size_t h = (size_t)(0.25 * (double)n * sqrt(u / lr_max));
  if (h < 2 || n < from + 2 * h + 2) return;
  size_t nfound = sum->nkinks < 16 ? sum->nkinks : 16, found[16], a = 0, last = 0;
  memcpy(found, sum->kinks, nfound * sizeof *found);
  double T = fmax(6 * u, thr * (double)h);
  int in_run = 0;
  for (size_t k = from + h; k + h <= n; k++) {
    int flagged = 0;
    if (k + h < n) {
      double d = d2_lag(lr, k, h), sgn = d < 0 ? -1 : 1, side = 0; /* the sides that exist */
      if (k >= 2 * h) side = sgn * d2_lag(lr, k - h, h);
      if (k + 2 * h < n) side = fmax(side, sgn * d2_lag(lr, k + h, h));
      flagged = sgn * d - fmax(side, 0) > T;
    }
    if (flagged) {
      if (!in_run) a = k, in_run = 1;
      last = k;
    }
    /* a run ends h steps after its last flagged step (rounding can split one) */
    if (!in_run || (k - last < h && k + h < n)) continue;
    in_run = 0;
    int near = 0; /* a jump the one-step pass found flags the steps around it too */
    for (size_t i = 0; i < nfound; i++) near |= found[i] + 2 * h >= a && found[i] <= last + 2 * h;
    if (!near) add_kink(sum, place_kink(lr, a, last, h));
  }
}

static void find_kinks(const double *lr, size_t n, size_t from, double thr, double lr_max,
                       fslaw_run_summary *sum) {
  int digits = rate_digits(lr, n, from);
  size_t last = 0;
  int in_run = 0;
  for (size_t k = from + 2; k < n; k++) {
    double d2 = (lr[k] - lr[k - 1]) - (lr[k - 1] - lr[k - 2]);
    int flagged = fabs(d2) > thr && k - 1 > from && beyond_rounding(lr, k, d2, digits);
    if (in_run && !(flagged && k - 1 == last + 1)) { /* close a run at its last step */
      add_kink(sum, last);
      in_run = 0;
    }
    if (flagged) {
      last = k - 1;
      in_run = 1;
    }
  }
  if (in_run) {
    /* open at the step before the last: the rate changed at the last step,
     * whose kink the rate held after the log would flag there */
    if (last == n - 2 && fabs(lr[n - 1] - lr[n - 2]) > thr) last = n - 1;
    add_kink(sum, last);
  }
  if (digits && lr_max > 0) find_rounded_kinks(lr, n, from, thr, digits, lr_max, sum);
}

fslaw_status fslaw_run_summarize(const fslaw_run *run, fslaw_run_summary *sum,
                                 fslaw_error *err) {
  memset(sum, 0, sizeof *sum);
  if (!run->lr) return fslaw_fail(err, FSLAW_EINVAL, "run '%s' has no learning rates", run->name);
  const double *lr = run->lr;
  size_t n = run->steps;
  sum->steps = n;
  sum->nloss = run->nloss;
  sum->lr_filled = run->lr_filled;
  sum->lr_min = sum->lr_max = lr[0];
  for (size_t k = 0; k < n; k++) {
    if (lr[k] < sum->lr_min) sum->lr_min = lr[k];
    if (lr[k] > sum->lr_max) sum->lr_max = lr[k];
  }
  sum->t_final = fslaw_sum(lr, n);
  sum->warmup = fslaw_warmup_end(lr, n);
  find_kinks(lr, n, sum->warmup, 0.1 * sum->lr_max / (double)n, sum->lr_max, sum);
  sum->loss_min = sum->loss_max = run->nloss ? run->loss[0] : NAN;
  for (size_t i = 0; i < run->nloss; i++) {
    if (run->loss[i] < sum->loss_min) sum->loss_min = run->loss[i];
    if (run->loss[i] > sum->loss_max) sum->loss_max = run->loss[i];
  }
  return FSLAW_OK;
}
