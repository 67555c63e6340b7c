/* mlflow.c: metrics of a run in an MLflow tracking database (see mlflow.h).
 * SQLite's own library reads the file: the database is MLflow's schema
 * (tables experiments, runs, metrics) in SQLite's format, which only it
 * reads reliably (a run still training writes it, perhaps through a WAL). */
#include "mlflow.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { LISTED = 8 }; /* runs named in a message */

int fslaw_mlf_is_database(const char *data, size_t len) {
  return len >= 16 && !memcmp(data, "SQLite format 3", 16);
}

/* The database's error as an fslaw error naming the file. */
static fslaw_status db_fail(sqlite3 *h, const char *db, const char *what, fslaw_error *err) {
  const char *msg = h ? sqlite3_errmsg(h) : "out of memory";
  if (strstr(msg, "no such table") || strstr(msg, "no such column"))
    return fslaw_fail(err, FSLAW_EPARSE, "%s: an SQLite database but not MLflow's (%s); give "
                      "the tracking database of MLflow (mlflow.db)", db, msg);
  return fslaw_fail(err, FSLAW_EIO, "%s: %s: %s", db, what, msg);
}

/* Runs matching `run` (NULL: all), not deleted, oldest first. */
static const char *const RUNS_SQL =
    "SELECT r.run_uuid, r.name, e.name FROM runs r LEFT JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE r.lifecycle_stage IS NOT 'deleted' "
    "AND (?1 IS NULL OR r.run_uuid = ?1 OR r.name = ?1) ORDER BY r.start_time, r.run_uuid";

/* "name (id, experiment 'E')" of the row q is on, appended to buf. */
static void list_run(sqlite3_stmt *q, size_t k, char *buf, size_t n) {
  const char *id = (const char *)sqlite3_column_text(q, 0);
  const char *name = (const char *)sqlite3_column_text(q, 1);
  const char *exp = (const char *)sqlite3_column_text(q, 2);
  size_t used = strlen(buf);
  if (k < LISTED)
    snprintf(buf + used, n - used, "%s'%s' (id %s, experiment '%s')", k ? ", " : "",
             name ? name : "", id ? id : "", exp ? exp : "?");
  else if (k == LISTED)
    snprintf(buf + used, n - used, ", ...");
}

/* The runs `run` selects (NULL: all): how many into *k, the first's id and
 * name into id[64] and *name, a list of them into list[n]. */
static fslaw_status query_runs(sqlite3 *h, const char *db, const char *run, char id[64],
                               char **name, char *list, size_t n, size_t *k, fslaw_error *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(h, RUNS_SQL, -1, &q, NULL)) return db_fail(h, db, "reading its runs", err);
  if (run) sqlite3_bind_text(q, 1, run, -1, SQLITE_STATIC);
  list[0] = '\0';
  int rc;
  for (*k = 0; (rc = sqlite3_step(q)) == SQLITE_ROW; ++*k) {
    list_run(q, *k, list, n);
    if (*k || !name) continue;
    const char *u = (const char *)sqlite3_column_text(q, 0), *nm = (const char *)sqlite3_column_text(q, 1);
    snprintf(id, 64, "%s", u ? u : "");
    if (!(*name = fslaw_strdup(nm && *nm ? nm : id))) rc = SQLITE_NOMEM;
  }
  sqlite3_finalize(q);
  if (rc == SQLITE_NOMEM) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  return rc == SQLITE_DONE ? FSLAW_OK : db_fail(h, db, "reading its runs", err);
}

/* 1 when `run` names or is the id of a deleted run. */
static int is_deleted(sqlite3 *h, const char *run) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(h, "SELECT 1 FROM runs WHERE lifecycle_stage = 'deleted' AND "
                            "(run_uuid = ?1 OR name = ?1)", -1, &q, NULL))
    return 0;
  sqlite3_bind_text(q, 1, run, -1, SQLITE_STATIC);
  int found = sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  return found;
}

/* The id and name of the run `run` selects into id[64] and *name. */
static fslaw_status find_run(sqlite3 *h, const char *db, const char *run, char id[64], char **name,
                             fslaw_error *err) {
  char list[2048];
  size_t k;
  fslaw_status st = query_runs(h, db, run, id, name, list, sizeof list, &k, err);
  if (st || k == 1) return st;
  if (!k && run && !(st = query_runs(h, db, NULL, id, NULL, list, sizeof list, &k, err)))
    return fslaw_fail(err, FSLAW_EPARSE, "%s: no run named or with id '%s'%s (%s%s)", db, run,
                      is_deleted(h, run) ? " but a deleted one" : "", k ? "its runs: " : "it has no runs",
                      list);
  if (st) return st;
  if (!k) return fslaw_fail(err, FSLAW_EPARSE, "%s: an MLflow database with no runs", db);
  return run ? fslaw_fail(err, FSLAW_EPARSE, "%s: %zu runs are named '%s': %s; give one by its "
                          "id, as %s#ID", db, k, run, list, db)
             : fslaw_fail(err, FSLAW_EPARSE, "%s: an MLflow database of %zu runs: %s; give one "
                          "as %s#NAME or %s#ID", db, k, list, db, db);
}

/* Every value of run `id`'s metrics to fn, in the order they were logged. */
static fslaw_status scan_metrics(sqlite3 *h, const char *db, const char *id, tfe_scalar_fn fn,
                                 void *ctx, fslaw_error *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(h, "SELECT key, step, value, is_nan, rowid FROM metrics "
                            "WHERE run_uuid = ?1 ORDER BY timestamp, step, rowid", -1, &q, NULL))
    return db_fail(h, db, "reading its metrics", err);
  sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
  fslaw_status st = FSLAW_OK;
  int rc;
  while (!st && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(q, 0);
    tfe_scalar s = {key ? key : "", (int64_t)sqlite3_column_int64(q, 1),
                    sqlite3_column_int(q, 3) ? NAN : sqlite3_column_double(q, 2),
                    (size_t)sqlite3_column_int64(q, 4)};
    st = fn(ctx, &s, err);
  }
  if (!st && rc != SQLITE_DONE) st = db_fail(h, db, "reading its metrics", err);
  sqlite3_finalize(q);
  return st;
}

fslaw_status fslaw_mlf_scan(const char *db, const char *run, char **name, tfe_scalar_fn fn, void *ctx,
                      fslaw_error *err) {
  *name = NULL;
  sqlite3 *h = NULL;
  char id[64] = "";
  fslaw_status st = sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL)
                        ? db_fail(h, db, "cannot open", err)
                        : find_run(h, db, run, id, name, err);
  if (!st) st = scan_metrics(h, db, id, fn, ctx, err);
  sqlite3_close(h);
  return st;
}
