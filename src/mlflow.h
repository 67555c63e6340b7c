/* mlflow.h (private): the metrics of a run in an MLflow tracking database
 * (mlflow.db, SQLite: MLflow's default store since 3.7). Each metric value
 * is a (key, step, value), as a TensorBoard scalar is a (tag, step, value):
 * runlog.c maps the keys to columns the same way. */
#ifndef FSLAW_MLFLOW_H
#define FSLAW_MLFLOW_H

#include <stddef.h>

#include "fslaw/common.h"
#include "tfevents.h"

/* 1 when data (len bytes, at least the first 16 of the file) starts with
 * SQLite's file header. */
int fslaw_mlf_is_database(const char *data, size_t len);

/* Call fn for every value of every metric of one run of the MLflow
 * database at path `db`, in the order they were logged (timestamp, then
 * step), each a tfe_scalar with tag = the metric's key and offset = its
 * row id (for messages). The run is `run`, its name or its id; NULL: the
 * database's only run (deleted runs do not count). A NaN that MLflow
 * stored as such is passed as NaN. *name receives the run's name (its id
 * when it has none; free it), also on error once the run is found.
 * Errors: not an MLflow database, no such run, a name that several runs
 * share (the message lists them with their ids), several runs and no
 * `run` (listed likewise). */
fslaw_status fslaw_mlf_scan(const char *db, const char *run, char **name, tfe_scalar_fn fn, void *ctx,
                      fslaw_error *err);

#endif
