/* mlruns.h (private): the metrics of a run in MLflow's file store (the
 * mlruns/ folder, MLflow's default store before 3.7). A run's folder holds
 * meta.yaml and metrics/KEY, one file per metric key (a key "train/loss" is
 * metrics/train/loss), each line "TIMESTAMP VALUE STEP" (before MLflow 1.0,
 * "TIMESTAMP VALUE": step 0). runlog.c maps the keys to columns as it maps
 * an MLflow database's (mlflow.h). */
#ifndef FSLAW_MLRUNS_H
#define FSLAW_MLRUNS_H

#include <stddef.h>

#include "fslaw/common.h"
#include "tfevents.h"

/* 1 when dir is in MLflow's file store: a run's folder (meta.yaml and
 * metrics/), an experiment's (meta.yaml and runs' folders) or the store's
 * own (mlruns/: experiments' folders). */
int fslaw_mlr_is_store(const char *dir);

/* A value of a metric: s->offset is its line in metric file `file`. */
typedef fslaw_status (*mlr_value_fn)(void *ctx, const tfe_scalar *s, size_t file,
                                     fslaw_error *err);

/* What fslaw_mlr_scan found of a run; free with fslaw_mlr_run_free. */
typedef struct {
  char *name;    /* the run's name (its id when it has none) */
  char **file;   /* its metric files' paths, for messages */
  size_t nfile;  /* their number */
  int deleted;   /* MLflow marks the run deleted: its folder was given itself */
} mlr_run;

void fslaw_mlr_run_free(mlr_run *r);

/* Call fn for every value of every metric of one run of the store at dir,
 * file by file in name order, each file's values in the order they were
 * logged (timestamp, then step, then line), with tag = the metric's key.
 * The run is `run`, its name or its id (its folder's name); NULL: dir's only
 * run, or dir itself when it is a run's folder. Deleted runs do not count,
 * except a run's folder given itself (r->deleted says so).
 * *r is filled as far as the run is known, also on error.
 * Errors: no such run, a name that several runs share (the message lists
 * them), several runs and no `run` (listed likewise), a malformed line
 * (file:line:column). */
fslaw_status fslaw_mlr_scan(const char *dir, const char *run, mlr_run *r, mlr_value_fn fn, void *ctx,
                      fslaw_error *err);

#endif
