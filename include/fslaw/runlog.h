/* fslaw/runlog.h: training runs read from logs (CSV, JSONL, one JSON document,
 * or TensorBoard event files).
 *
 * A run is a dense per-step learning-rate array for steps 0..steps-1 plus the
 * losses at the logged steps. Input columns (header names, any order, extra
 * columns ignored): step (required), lr, loss (may be empty on rows where it
 * was not logged), tokens (optional). A CSV header name matches in other
 * case ("Step") when no name matches exactly. CSV follows RFC 4180 (quoted fields,
 * CRLF, UTF-8 BOM); JSONL has one object per line with the same names. A JSON
 * document is an array of such objects or an object whose array "log_history"
 * holds them (Hugging Face trainer_state.json). Python's NaN, Infinity and
 * -Infinity are accepted as JSON values (and rejected in a read column).
 * When the lr column is not named and the input has no "lr" but has
 * "learning_rate", that is read. PyTorch Lightning's names are read last:
 * the step "trainer/global_step", the rate "lr-*" (one name of one word
 * after "lr-", e.g. "lr-AdamW", when exactly one matches) and, only when the
 * rate was read from such a name, the loss "train_loss_step" or
 * "train_loss" (never "train_loss_epoch"; elsewhere "train_loss" may be a
 * run's mean, and is not read unless named).
 * A JSON record with none of the columns' names (a config or summary
 * record) is skipped.
 * Records at the step of the previous one (a Hugging Face eval record) are
 * merged into it when every value they share is equal. A record at an
 * earlier step, or at the same step with a different value, is a run resumed
 * from a checkpoint that appended to its log: it replaces the records from
 * its step on (the later values win, as in TensorBoard; fslaw_run_replaced).
 * Learning rates missing on some steps are filled by linear interpolation
 * between logged steps, except that a change between flat stretches (the
 * two logged rates before it equal, and the two from it on, to a relative
 * 1e-9, all four logged) is a jump at its logged
 * step: a step decay logged every N steps is not an N-step ramp. Before the
 * first logged rate they ramp from 0 at step 0 when the logged rates rise,
 * else hold the first one (fslaw_run_lr_first); after the last they hold
 * it. Errors name file:line:column, or in a document file: log_history[i],
 * or in an event file: the byte offset.
 *
 * TensorBoard event files (events.out.tfevents.*, written by PyTorch's
 * SummaryWriter, the Hugging Face Trainer, Lightning, Keras, tf.summary):
 * a column's names are scalar tags, steps are the events' steps, and a
 * scalar is a simple_value or a one-element float, double, int, half or
 * bfloat16 tensor; float32 values read as the shortest decimal that rounds
 * to them (3e-4, not 2.9999999e-4). A folder is read as one run: its event
 * files in name order (their names hold their creation time). A value
 * logged again at an earlier or the same step of its tag replaces the
 * values from that step on (a run resumed from a checkpoint; the later
 * values win, as in TensorBoard; see fslaw_run_replaced). The Trainer's
 * "train/loss" (with its "train/epoch" tag) is a mean since the previous
 * log, as in trainer_state.json (fslaw_run_loss_is_mean). */
#ifndef FSLAW_RUNLOG_H
#define FSLAW_RUNLOG_H

#include "fslaw/common.h"
#include "fslaw/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef struct fslaw_run fslaw_run;

/* Input format of a log. */
typedef enum fslaw_run_format {
  FSLAW_RUN_AUTO = 0,  /* an event file when the data starts with a record
                          header whose checksum holds; else JSONL when the
                          name ends in .jsonl/.ndjson or the first non-blank
                          byte is '{' or '[', CSV otherwise; but a name
                          ending in .log, .txt or .out is text unless it
                          starts as JSON ('{', or '[' then '{', '[' or ']')
                          or its first line is a CSV header (names and
                          commas) */
  FSLAW_RUN_CSV = 1,   /* RFC 4180 CSV with a header line */
  FSLAW_RUN_JSONL = 2, /* one JSON object per line, or one JSON document when
                          the first line is not a complete JSON value, or is
                          an object with an array "log_history" or an array
                          starting with an object */
  FSLAW_RUN_TFEVENTS = 3, /* a TensorBoard event file (TFRecord of Event
                             messages) */
  FSLAW_RUN_TEXT = 4       /* a training script's printed lines: each number
                              named by the words before it ("iter 100: loss
                              3.2", "lm loss: 6.5E+00 |", "lr=3e-4"); a line
                              naming a step and a rate, loss or tokens is a
                              record, other lines are skipped. The step is
                              also read from "iter" or "iteration", the rate
                              from "learning rate" */
} fslaw_run_format;

/* Which input column holds each quantity; NULL means the default name. A
 * name may list alternatives separated by '|' (at most 8), e.g.
 * "train/loss|loss": each log reads the first of them it has, so logs of
 * different tools can be read with one set of names. A CSV header decides
 * by its names; JSONL and text by the first record with one of them (a later
 * record with a preferred one is an error); a JSON document by all its records.
 * Names match text logs' without case.
 * A named column must exist (one of its alternatives). */
typedef struct fslaw_run_columns {
  const char *step;   /* default "step"; an event file's steps are its events'
                         whatever is named here */
  const char *lr;     /* default "lr|learning_rate|train/learning_rate|learning-rate" */
  const char *loss;   /* default "loss|train/loss|lm loss" (Megatron-LM's) */
  const char *tokens; /* default "tokens" */
} fslaw_run_columns;

/* Read the log at `path` (cols may be NULL; a W&B run's log, run-ID.wandb,
 * is read as a JSONL of its history records), or the TensorBoard event files
 * of the folder `path`, or the W&B log of the folder `path` (a W&B run's,
 * wandb/run-DATE-ID), or a run of an MLflow tracking database (SQLite):
 * `path` is the database's, or "DB#RUN" with RUN the run's name or id (the
 * database alone: its only run), or of MLflow's file store: `path` is a
 * run's folder, or the store's or an experiment's folder ("mlruns",
 * "mlruns#RUN"); its metric keys are the columns, as an event file's tags
 * are, and the run's name is the run's. On success *out
 * owns a new run; on failure *out is NULL (a NULL path or out is
 * FSLAW_EINVAL). */
fslaw_status fslaw_run_read(const char *path, fslaw_run_format format,
                            const fslaw_run_columns *cols, fslaw_run **out,
                            fslaw_error *err);
/* Parse a log held in memory (len bytes, need not be NUL-terminated); `name`
 * is used in messages as the file name. A CSV or JSONL log whose last line
 * has no line break and does not parse is read without that line (a log
 * still being written); see fslaw_run_partial_line. name and out must not
 * be NULL, nor data when len > 0 (FSLAW_EINVAL). */
fslaw_status fslaw_run_parse(const char *name, const char *data, size_t len,
                             fslaw_run_format format, const fslaw_run_columns *cols,
                             fslaw_run **out, fslaw_error *err);
/* The 1-based line of an unfinished last line that was skipped (no line
 * break, does not parse), or 0 when the whole log was read. */
size_t fslaw_run_partial_line(const fslaw_run *run);
/* Event files: the byte offset + 1 of a last record cut short (a file still
 * being written), which was left out, or 0; *file (when not NULL) gets the
 * file's path, owned by the run. */
size_t fslaw_run_partial_record(const fslaw_run *run, const char **file);
/* The number of logged values that a later event at the same or an earlier
 * step of their tag replaced (event files), or that a later record at the
 * same or an earlier step replaced (other formats: each value of the
 * records dropped); a resumed run logs the steps after its checkpoint
 * again. */
size_t fslaw_run_replaced(const fslaw_run *run);
/* 1 when the run's store marks it deleted: an MLflow file store's run
 * folder given itself (a deleted run asked for by name or id, or as a
 * store's only run, is not found instead). */
int fslaw_run_deleted(const fslaw_run *run);
/* Free a run; NULL is allowed. */
void fslaw_run_destroy(fslaw_run *run);
/* The input column read for `what` ("step", "lr", "loss" or "tokens"): the
 * name, or the alternative, that matched. NULL when the input has no such
 * column. Owned by the run. */
const char *fslaw_run_column(const fslaw_run *run, const char *what);

/* Replace the run's rates by those of a schedule, which must cover every
 * step of the run, or all but the last (a log numbered by updates done, as
 * the Trainer's 0 .. N for an N-step schedule: the last rate holds); the run
 * is extended to the schedule's length. This replaces the arrays behind
 * fslaw_run_lr and fslaw_run_lr_logged: pointers got from them before are
 * no longer valid. */
fslaw_status fslaw_run_set_schedule(fslaw_run *run, const fslaw_schedule *s,
                                    fslaw_error *err);

/* Many loggers write the mean loss over the steps since their last log (the
 * Hugging Face Trainer, Megatron's log interval), not the loss at the logged
 * step; the mean lags the curve by half a window, which misleads a fit where
 * the loss falls fast (a decay, or with a long interval). This moves every
 * logged loss to the middle of its window (rounded up), where the mean of a
 * smooth curve equals the curve to second order: window = the number of
 * steps ending at the logged step, or 0 for the steps since the previous
 * logged loss (the first loss takes the gap to the next, at most its own
 * step). window = 1 leaves the run as it is. Loss steps stay increasing.
 * The first losses whose window holds more than half of the intrinsic time
 * (the steps, without rates) up to its middle are dropped: there the curve
 * bends too much for its mean to stand for its middle (*dropped, NULL
 * allowed, counts them). Set a schedule first: the rates are used. This
 * changes fslaw_run_nloss and rewrites the arrays of fslaw_run_loss_steps
 * and fslaw_run_loss in place: values read from them before are stale. */
fslaw_status fslaw_run_center_losses(fslaw_run *run, size_t window, size_t *dropped,
                                     fslaw_error *err);
/* 1 when the log itself says its losses are such means: the "loss" of a
 * Hugging Face trainer_state.json (not its "eval_loss") or of its event
 * files' "train/loss", and the "lm loss" / "lm_loss" of a printed
 * Megatron-LM / GPT-NeoX log. fslaw_run_read
 * leaves them where they were logged; the commands then call
 * fslaw_run_center_losses(run, 0, ...) by default, and so should a program
 * that wants their numbers. */
int fslaw_run_loss_is_mean(const fslaw_run *run);

/* Display name: the run's own name where the log has one (a W&B run's
 * display name, an MLflow run's name); else the file name without folder
 * and extension; for event files, their folder's name; for a Hugging Face
 * trainer_state.json, its output folder's (the one above checkpoint-STEP). */
const char *fslaw_run_name(const fslaw_run *run);
/* Number of steps: the last logged step + 1 (or the schedule's length). */
size_t fslaw_run_steps(const fslaw_run *run);
/* Per-step rates lr[0..steps-1], or NULL when the log had no lr column and
 * no schedule was set. Owned by the run. */
const double *fslaw_run_lr(const fslaw_run *run);
/* Number of steps whose rate was interpolated rather than logged. */
size_t fslaw_run_lr_filled(const fslaw_run *run);
/* Number of gaps between logged rates filled as a jump at the later logged
 * step (a step decay) rather than linearly; 0 when every rate is known. */
size_t fslaw_run_lr_jumps(const fslaw_run *run);
/* When some rates were interpolated: the number of steps whose rate was
 * logged, and those steps (*steps, increasing, owned by the run); else 0
 * and *steps = NULL (every rate logged, or set from a schedule). steps may
 * be NULL (the count only). */
size_t fslaw_run_lr_logged(const fslaw_run *run, const size_t **steps);
/* The step of the first logged rate. The steps before it ramp up from 0 at
 * step 0 when the logged rates rise after it (*ramp = 1: a warmup under way),
 * else they hold the first logged rate (*ramp = 0: the log shows no warmup).
 * ramp may be NULL; 0 for a run whose rates come from a schedule. */
size_t fslaw_run_lr_first(const fslaw_run *run, int *ramp);
/* Number of logged losses, their steps (increasing) and values. */
size_t fslaw_run_nloss(const fslaw_run *run);
const size_t *fslaw_run_loss_steps(const fslaw_run *run);
const double *fslaw_run_loss(const fslaw_run *run);
/* Tokens seen at each logged-loss row, NaN where not logged; NULL when the
 * log has no tokens column. */
const double *fslaw_run_tokens(const fslaw_run *run);

/* What `fslaw inspect` reports about a run. */
typedef struct fslaw_run_summary {
  size_t steps;        /* number of steps */
  size_t nloss;        /* number of logged losses */
  size_t lr_filled;    /* steps whose rate was interpolated */
  double lr_min;       /* smallest rate */
  double lr_max;       /* largest rate */
  size_t warmup;       /* steps before the first step at the peak of the
                          initial ramp (0 when the run starts at its peak) */
  size_t nkinks;       /* number of schedule kinks after warmup */
  size_t kinks[16];    /* the first (up to 16) kink steps */
  double t_final;      /* final intrinsic time sum of all rates */
  double loss_min;     /* smallest logged loss (NaN when none) */
  double loss_max;     /* largest logged loss (NaN when none) */
} fslaw_run_summary;

/* Summarise a run that has rates. A kink is a step where the slope of the
 * rate changes by more than 0.1 * lr_max / steps (a jump counts once), and by
 * more than 4 units in the last digit of rates logged rounded to 3-15
 * digits (a smooth decay logged to 5 digits is not thousands of kinks); in
 * such rates a change of slope too slow to show in one step (a WSD decay
 * from 3.00e-4) is found over a longer span and placed where the lines on
 * either side meet. */
fslaw_status fslaw_run_summarize(const fslaw_run *run, fslaw_run_summary *sum,
                                 fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
