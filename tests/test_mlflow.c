/* test_mlflow.c: runs read from an MLflow tracking database (mlflow.db),
 * made here with SQLite in MLflow's schema: the run chosen by name or id,
 * the values read exactly, a Trainer's mean loss, a resumed run, deleted
 * runs, and every bad-input message. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

/* MLflow's tables (mlflow/store/tracking/dbmodels/models.py), the columns
 * fslaw reads and a few it does not. */
static const char *const SCHEMA =
    "CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) "
    "NOT NULL UNIQUE, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), "
    "creation_time BIGINT, last_update_time BIGINT);"
    "CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), "
    "source_type VARCHAR(20), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, "
    "end_time BIGINT, lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id "
    "INTEGER);"
    "CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT "
    "NOT NULL, run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN "
    "DEFAULT '0' NOT NULL, CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, "
    "value, is_nan));"
    "INSERT INTO experiments VALUES (0, 'Default', '', 'active', 0, 0);"
    "INSERT INTO experiments VALUES (1, 'sweep', '', 'active', 0, 0);";

static char scratch[4096];

/* A fresh database `name` in the scratch folder with SCHEMA and then `sql`;
 * its path. */
static const char *make_db(const char *name, const char *sql) {
  static char path[8192];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  remove(path);
  sqlite3 *h;
  char *msg = NULL;
  CHECK(sqlite3_open(path, &h) == SQLITE_OK);
  CHECK(sqlite3_exec(h, SCHEMA, NULL, NULL, &msg) == SQLITE_OK);
  if (sql && sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "sql: %s\n", msg);
    CHECK(0);
  }
  sqlite3_free(msg);
  sqlite3_close(h);
  return path;
}

static fslaw_run *read_run(const char *path, const fslaw_run_columns *cols) {
  fslaw_run *r = NULL;
  fslaw_error err;
  if (fslaw_run_read(path, FSLAW_RUN_AUTO, cols, &r, &err)) fprintf(stderr, "unexpected: %s\n", err.msg);
  return r;
}

/* Reading `path` fails with a message containing every `want` (NULL-ended). */
static void check_bad(const char *path, const fslaw_run_columns *cols, const char *const *want) {
  fslaw_run *r = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, cols, &r, &err) != FSLAW_OK);
  CHECK(r == NULL);
  for (; *want; want++) CHECK_HAS(err.msg, *want);
}

/* A run in the Hugging Face Trainer's keys: loss (a mean since the previous
 * log), learning_rate, epoch, at steps 10, 20, ..., 100. */
static void add_trainer_run(char *sql, size_t n, const char *id, const char *name, int exp,
                            const char *stage, long start) {
  size_t used = strlen(sql);
  used += (size_t)snprintf(sql + used, n - used,
                           "INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, "
                           "experiment_id) VALUES ('%s', '%s', 'FINISHED', %ld, '%s', %d);",
                           id, name, start, stage, exp);
  for (int s = 10; s <= 100; s += 10) {
    long ts = 1700000000000L + s * 1000L;
    used += (size_t)snprintf(sql + used, n - used,
                             "INSERT INTO metrics VALUES ('loss', %.17g, %ld, '%s', %d, 0);"
                             "INSERT INTO metrics VALUES ('learning_rate', %.17g, %ld, '%s', %d, 0);"
                             "INSERT INTO metrics VALUES ('epoch', %.17g, %ld, '%s', %d, 0);",
                             4.0 - s / 100.0, ts, id, s, 1e-3 * (1 - s / 200.0), ts, id, s, s / 50.0,
                             ts, id, s);
  }
}

static void test_one_run(void) {
  static char sql[1 << 16];
  sql[0] = '\0';
  add_trainer_run(sql, sizeof sql, "a1b2c3d4", "warm-fox-12", 1, "active", 1000);
  const char *db = make_db("one.db", sql);
  fslaw_run *r = read_run(db, NULL); /* its only run, named by nothing */
  CHECK(r != NULL);
  if (!r) return;
  CHECK(!strcmp(fslaw_run_name(r), "warm-fox-12"));
  CHECK(fslaw_run_nloss(r) == 10 && fslaw_run_steps(r) == 101);
  CHECK(fslaw_run_loss_steps(r)[0] == 10 && fslaw_run_loss_steps(r)[9] == 100);
  CHECK(fslaw_run_loss(r)[3] == 4.0 - 40 / 100.0); /* the stored double, exactly */
  CHECK(fslaw_run_lr(r)[70] == 1e-3 * (1 - 70 / 200.0));
  CHECK_REL(fslaw_run_lr(r)[75], 1e-3 * (1 - 75 / 200.0), 1e-14); /* interpolated */
  CHECK(!strcmp(fslaw_run_column(r, "lr"), "learning_rate"));
  CHECK(fslaw_run_loss_is_mean(r)); /* the Trainer's loss, as in its trainer_state.json */
  fslaw_run_destroy(r);
  /* by name and by id, the same run */
  char path[8300];
  snprintf(path, sizeof path, "%s#warm-fox-12", db);
  r = read_run(path, NULL);
  CHECK(r && fslaw_run_nloss(r) == 10);
  fslaw_run_destroy(r);
  snprintf(path, sizeof path, "%s#a1b2c3d4", db);
  r = read_run(path, NULL);
  CHECK(r && fslaw_run_nloss(r) == 10 && !strcmp(fslaw_run_name(r), "warm-fox-12"));
  fslaw_run_destroy(r);
  /* a loss that is not the Trainer's (no learning_rate beside it) is the step's own */
  fslaw_run_columns cols = {NULL, "epoch", NULL, NULL};
  r = read_run(db, &cols);
  CHECK(r && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  snprintf(path, sizeof path, "%s#nobody", db);
  check_bad(path, NULL, (const char *[]){"no run named or with id 'nobody'",
                                         "its runs: 'warm-fox-12' (id a1b2c3d4, experiment 'sweep')",
                                         NULL});
  cols = (fslaw_run_columns){NULL, NULL, "train/loss", NULL};
  check_bad(db, &cols, (const char *[]){"#warm-fox-12: no metric named 'train/loss'",
                                        "its metrics: loss, learning_rate, epoch", NULL});
}

static void test_several_runs(void) {
  static char sql[1 << 17];
  sql[0] = '\0';
  add_trainer_run(sql, sizeof sql, "aaaa1111", "cosine", 1, "active", 1000);
  add_trainer_run(sql, sizeof sql, "bbbb2222", "wsd", 1, "active", 2000);
  add_trainer_run(sql, sizeof sql, "cccc3333", "wsd", 0, "active", 3000);
  add_trainer_run(sql, sizeof sql, "dddd4444", "gone", 1, "deleted", 500);
  /* the wsd run of the sweep differs: its loss is 1 lower */
  strcat(sql, "UPDATE metrics SET value = value - 1 WHERE run_uuid = 'bbbb2222' AND key = 'loss';");
  const char *db = make_db("several.db", sql);
  check_bad(db, NULL, (const char *[]){"an MLflow database of 3 runs: 'cosine' (id aaaa1111, "
                                       "experiment 'sweep'), 'wsd' (id bbbb2222, experiment "
                                       "'sweep'), 'wsd' (id cccc3333, experiment 'Default')",
                                       "give one as", "#NAME or", "#ID", NULL});
  char path[8300];
  snprintf(path, sizeof path, "%s#wsd", db);
  check_bad(path, NULL, (const char *[]){"2 runs are named 'wsd'", "give one by its id", NULL});
  snprintf(path, sizeof path, "%s#bbbb2222", db);
  fslaw_run *r = read_run(path, NULL);
  CHECK(r && fslaw_run_loss(r)[0] == 4.0 - 0.1 - 1);
  fslaw_run_destroy(r);
  snprintf(path, sizeof path, "%s#cosine", db);
  r = read_run(path, NULL);
  CHECK(r && fslaw_run_loss(r)[0] == 4.0 - 0.1);
  fslaw_run_destroy(r);
  snprintf(path, sizeof path, "%s#gone", db); /* a deleted run is not there */
  check_bad(path, NULL, (const char *[]){"no run named or with id 'gone' but a deleted one", NULL});
}

/* A run whose name holds '#' is named after the database's '#'. */
static void test_hashed_name(void) {
  static char sql[1 << 16];
  sql[0] = '\0';
  add_trainer_run(sql, sizeof sql, "abab1212", "lr#2", 1, "active", 1000);
  add_trainer_run(sql, sizeof sql, "cdcd3434", "other", 1, "active", 2000);
  const char *db = make_db("hashed.db", sql);
  char path[8300];
  snprintf(path, sizeof path, "%s#lr#2", db);
  fslaw_run *r = read_run(path, NULL);
  CHECK(r && !strcmp(fslaw_run_name(r), "lr#2") && fslaw_run_nloss(r) == 10);
  fslaw_run_destroy(r);
}

static void test_logged_values(void) {
  const char *run = "INSERT INTO runs (run_uuid, name, start_time, lifecycle_stage, experiment_id) "
                    "VALUES ('r1', 'r', 0, 'active', 0);";
  char sql[4096];
  /* resumed from step 20: the values logged later at steps 20 and 30 win */
  snprintf(sql, sizeof sql, "%s"
           "INSERT INTO metrics VALUES ('loss', 3.0, 100, 'r1', 10, 0);"
           "INSERT INTO metrics VALUES ('loss', 2.9, 200, 'r1', 20, 0);"
           "INSERT INTO metrics VALUES ('loss', 2.8, 300, 'r1', 30, 0);"
           "INSERT INTO metrics VALUES ('loss', 2.7, 400, 'r1', 20, 0);"
           "INSERT INTO metrics VALUES ('loss', 2.6, 500, 'r1', 30, 0);"
           "INSERT INTO metrics VALUES ('lr', 1e-3, 100, 'r1', 10, 0);", run);
  fslaw_run *r = read_run(make_db("resumed.db", sql), NULL);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_replaced(r) == 2);
  CHECK(r && fslaw_run_loss(r)[1] == 2.7 && fslaw_run_loss(r)[2] == 2.6);
  CHECK(r && !strcmp(fslaw_run_name(r), "r"));
  fslaw_run_destroy(r);
  /* a NaN MLflow stored as such (value 0, is_nan 1) */
  snprintf(sql, sizeof sql, "%s"
           "INSERT INTO metrics VALUES ('loss', 3.0, 100, 'r1', 10, 0);"
           "INSERT INTO metrics VALUES ('loss', 0, 200, 'r1', 20, 1);"
           "INSERT INTO metrics VALUES ('lr', 1e-3, 100, 'r1', 10, 0);", run);
  check_bad(make_db("nan.db", sql), NULL,
            (const char *[]){"nan.db#r: metrics row 2: column 'loss': NaN is not a valid value", NULL});
  /* log_metric without step=: every value at step 0 */
  snprintf(sql, sizeof sql, "%s"
           "INSERT INTO metrics VALUES ('loss', 3.0, 100, 'r1', 0, 0);"
           "INSERT INTO metrics VALUES ('loss', 2.9, 200, 'r1', 0, 0);"
           "INSERT INTO metrics VALUES ('lr', 1e-3, 100, 'r1', 0, 0);", run);
  check_bad(make_db("nostep.db", sql), NULL,
            (const char *[]){"every value of 'loss' is logged at step 0", NULL});
  snprintf(sql, sizeof sql, "%s", run);
  check_bad(make_db("empty.db", sql), NULL, (const char *[]){"it has no metrics", NULL});
  check_bad(make_db("noruns.db", NULL), NULL,
            (const char *[]){"an MLflow database with no runs", NULL});
}

static void test_not_mlflow(void) {
  char path[8192];
  snprintf(path, sizeof path, "%s/other.db", scratch);
  remove(path);
  sqlite3 *h;
  CHECK(sqlite3_open(path, &h) == SQLITE_OK);
  CHECK(sqlite3_exec(h, "CREATE TABLE t (x);", NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(h);
  check_bad(path, NULL, (const char *[]){"an SQLite database but not MLflow's", NULL});
  /* '#' in a path that is no database is part of the file's name */
  char hashed[8300];
  snprintf(hashed, sizeof hashed, "%s/no-such#run", scratch);
  check_bad(hashed, NULL, (const char *[]){"no-such#run", NULL});
  snprintf(hashed, sizeof hashed, "%s/run#1.csv", scratch);
  FILE *f = fopen(hashed, "w");
  if (f) fputs("step,lr,loss\n1,1e-3,3\n2,1e-3,2.9\n", f), fclose(f);
  fslaw_run *r = read_run(hashed, NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && !strcmp(fslaw_run_name(r), "run#1"));
  fslaw_run_destroy(r);
}

int main(int argc, char **argv) {
  snprintf(scratch, sizeof scratch, "%s", argc > 2 ? argv[2] : ".");
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", scratch);
  if (system(cmd)) return 1;
  test_one_run();
  test_several_runs();
  test_hashed_name();
  test_logged_values();
  test_not_mlflow();
  return check_done("test_mlflow");
}
