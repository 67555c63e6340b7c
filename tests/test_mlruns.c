/* test_mlruns.c: runs read from MLflow's file store (mlruns/), made here as
 * MLflow's FileStore writes it: the run chosen by name, id or folder, the
 * values read exactly, a Trainer's mean loss, a resumed run, deleted runs,
 * keys with '/', and every bad-input message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

static char scratch[4096];

/* Write text to scratch/rel, making its folders. */
static void put(const char *rel, const char *text) {
  char path[8192], cmd[8400];
  snprintf(path, sizeof path, "%s/%s", scratch, rel);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
  CHECK(system(cmd) == 0);
  *slash = '/';
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fputs(text, f), fclose(f);
}

/* scratch/rel, for fslaw_run_read. */
static const char *at(const char *rel) {
  static char path[8192];
  snprintf(path, sizeof path, "%s/%s", scratch, rel);
  return path;
}

static void experiment(const char *store, const char *id, const char *name) {
  char rel[512], text[512];
  snprintf(rel, sizeof rel, "%s/%s/meta.yaml", store, id);
  snprintf(text, sizeof text, "artifact_location: file:///x/%s\ncreation_time: 1\nexperiment_id: "
           "'%s'\nlast_update_time: 1\nlifecycle_stage: active\nname: %s\n", id, id, name);
  put(rel, text);
}

/* A run of experiment exp in the Hugging Face Trainer's keys: loss (a mean
 * since the previous log), learning_rate, epoch at steps 10, 20, ..., 100.
 * name goes to tags/mlflow.runName when tag, else to meta.yaml only. */
static void trainer_run(const char *store, const char *exp, const char *id, const char *name,
                        int tag, const char *stage, long start) {
  char rel[512], meta[1024];
  static char loss[4096], lr[4096], epoch[4096];
  snprintf(rel, sizeof rel, "%s/%s/%s/meta.yaml", store, exp, id);
  snprintf(meta, sizeof meta, "artifact_uri: file:///x\nend_time: 2\nentry_point_name: ''\n"
           "experiment_id: '%s'\nlifecycle_stage: %s\nrun_id: %s\nrun_name: %s\nrun_uuid: %s\n"
           "source_name: ''\nstart_time: %ld\nstatus: 3\ntags: []\nuser_id: me\n",
           exp, stage, id, name, id, start);
  put(rel, meta);
  if (tag) {
    snprintf(rel, sizeof rel, "%s/%s/%s/tags/mlflow.runName", store, exp, id);
    put(rel, name);
  }
  loss[0] = lr[0] = epoch[0] = '\0';
  for (int s = 10; s <= 100; s += 10) {
    long ts = 1700000000000L + s * 1000L;
    snprintf(loss + strlen(loss), 100, "%ld %.17g %d\n", ts, 4.0 - s / 100.0, s);
    snprintf(lr + strlen(lr), 100, "%ld %.17g %d\n", ts, 1e-3 * (1 - s / 200.0), s);
    snprintf(epoch + strlen(epoch), 100, "%ld %.17g %d\n", ts, s / 50.0, s);
  }
  const char *key[] = {"loss", "learning_rate", "epoch"}, *text[] = {loss, lr, epoch};
  for (int k = 0; k < 3; k++) {
    snprintf(rel, sizeof rel, "%s/%s/%s/metrics/%s", store, exp, id, key[k]);
    put(rel, text[k]);
  }
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

/* The run read from `path` is the Trainer run of trainer_run. */
/* The run at path holds trainer_run's values, is named name and is marked
 * deleted or not. */
static void check_run(const char *path, const char *name, int deleted) {
  fslaw_run *r = read_run(path, NULL);
  CHECK(r != NULL);
  if (!r) return;
  CHECK_HAS(fslaw_run_name(r), name);
  CHECK(strlen(fslaw_run_name(r)) == strlen(name));
  CHECK(fslaw_run_nloss(r) == 10 && fslaw_run_steps(r) == 101);
  CHECK(fslaw_run_loss_steps(r)[0] == 10 && fslaw_run_loss_steps(r)[9] == 100);
  CHECK(fslaw_run_loss(r)[3] == 4.0 - 40 / 100.0); /* the written double, exactly */
  CHECK(fslaw_run_lr(r)[70] == 1e-3 * (1 - 70 / 200.0));
  CHECK(!strcmp(fslaw_run_column(r, "lr"), "learning_rate"));
  CHECK(fslaw_run_loss_is_mean(r)); /* the Trainer's loss, as in an MLflow database */
  CHECK(fslaw_run_deleted(r) == deleted);
  fslaw_run_destroy(r);
}

static void check_trainer(const char *path, const char *name) { check_run(path, name, 0); }

static void test_one_run(void) {
  experiment("one", "0", "Default");
  experiment("one", "7", "sweep");
  trainer_run("one", "7", "a1b2c3d4", "warm-fox-12", 1, "active", 1000);
  check_trainer(at("one"), "warm-fox-12");                      /* the store's only run */
  check_trainer(at("one/7"), "warm-fox-12");                    /* its experiment's */
  check_trainer(at("one/7/a1b2c3d4"), "warm-fox-12");           /* its folder */
  check_trainer(at("one#warm-fox-12"), "warm-fox-12");          /* by name */
  check_trainer(at("one/7#a1b2c3d4"), "warm-fox-12");           /* by id */
  fslaw_run_columns cols = {NULL, "epoch", NULL, NULL};          /* not the Trainer's loss */
  fslaw_run *r = read_run(at("one"), &cols);
  CHECK(r && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  check_bad(at("one#nobody"), NULL,
            (const char *[]){"one: no run named or with id 'nobody'",
                             "its runs: 'warm-fox-12' (id a1b2c3d4, experiment 'sweep')", NULL});
  cols = (fslaw_run_columns){NULL, NULL, "train/loss", NULL};
  check_bad(at("one"), &cols, (const char *[]){"one: no metric named 'train/loss'",
                                               "its metrics: epoch, learning_rate, loss", NULL});
  check_bad(at("one/0"), NULL, (const char *[]){"an MLflow file store with no runs", NULL});
}

static void test_several_runs(void) {
  experiment("several", "1", "sweep");
  experiment("several", "0", "Default");
  trainer_run("several", "1", "aaaa1111", "cosine", 1, "active", 1000);
  trainer_run("several", "1", "bbbb2222", "wsd", 1, "active", 2000);
  trainer_run("several", "0", "cccc3333", "wsd", 0, "active", 3000); /* name in meta.yaml only */
  trainer_run("several", "1", "dddd4444", "gone", 1, "deleted", 500);
  trainer_run("several/.trash", "1", "eeee5555", "trashed", 1, "active", 600);
  /* the wsd run of the sweep differs: its first loss is 1 lower */
  put("several/1/bbbb2222/metrics/loss", "1700000010000 2.9 10\n1700000020000 3.8 20\n");
  check_bad(at("several"), NULL,
            (const char *[]){"an MLflow file store of 3 runs: 'cosine' (id aaaa1111, experiment "
                             "'sweep'), 'wsd' (id bbbb2222, experiment 'sweep'), 'wsd' (id "
                             "cccc3333, experiment 'Default')", "give one as", "several#NAME or",
                             "several#ID", NULL});
  check_bad(at("several#wsd"), NULL,
            (const char *[]){"2 runs are named 'wsd'", "give one by its id", NULL});
  fslaw_run *r = read_run(at("several#bbbb2222"), NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 2.9);
  fslaw_run_destroy(r);
  check_trainer(at("several#cccc3333"), "wsd");
  check_trainer(at("several/1#cosine"), "cosine");
  check_bad(at("several#gone"), NULL, (const char *[]){"no run named or with id 'gone' but a deleted one", NULL});
  check_bad(at("several#nobody"), NULL, (const char *[]){"no run named or with id 'nobody' (", NULL});
  check_bad(at("several#trashed"), NULL, (const char *[]){"no run named or with id 'trashed'", NULL});
  check_run(at("several/1/dddd4444"), "gone", 1); /* a deleted run's own folder still reads */
  /* a name quoted in meta.yaml */
  experiment("quoted", "0", "Default");
  trainer_run("quoted", "0", "ffff6666", "'it''s: 2'", 0, "active", 1);
  check_trainer(at("quoted"), "it's: 2");
  /* a run whose name holds '#' */
  experiment("hashed", "0", "Default");
  trainer_run("hashed", "0", "abab7777", "run#3", 1, "active", 1);
  check_trainer(at("hashed#run#3"), "run#3");
}

static void test_logged_values(void) {
  const char *run = "vals/0/r1";
  experiment("vals", "0", "Default");
  put("vals/0/r1/meta.yaml", "lifecycle_stage: active\nrun_id: r1\nrun_name: r\nstart_time: 0\n");
  put("vals/0/r1/metrics/lr", "100 0.001 10\n");
  /* resumed from step 20: the values logged later at steps 20 and 30 win,
   * whatever order the lines are in */
  put("vals/0/r1/metrics/loss", "100 3.0 10\n400 2.7 20\n200 2.9 20\n300 2.8 30\n500 2.6 30\n");
  fslaw_run *r = read_run(at(run), NULL);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_replaced(r) == 2);
  CHECK(r && fslaw_run_loss(r)[1] == 2.7 && fslaw_run_loss(r)[2] == 2.6);
  CHECK(r && !strcmp(fslaw_run_name(r), "r"));
  fslaw_run_destroy(r);
  /* a key with '/' is a folder under metrics/ */
  put("vals/0/r1/metrics/train/loss", "100 3.5 10\n200 3.4 20\n");
  fslaw_run_columns cols = {NULL, NULL, "train/loss", NULL};
  r = read_run(at(run), &cols);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 3.4);
  fslaw_run_destroy(r);
  /* a NaN as MLflow writes it, named by its file and line */
  put("vals/0/r1/metrics/loss", "100 3.0 10\n200 nan 20\n");
  check_bad(at(run), NULL, (const char *[]){"r1/metrics/loss:2: column 'loss': NaN is not a "
                                            "valid value", NULL});
  /* a malformed line, at its column */
  put("vals/0/r1/metrics/loss", "100 3.0 10\n200 2.9x 20\n");
  check_bad(at(run), NULL, (const char *[]){"r1/metrics/loss:2:5: expected 'TIMESTAMP VALUE STEP'",
                                            NULL});
  put("vals/0/r1/metrics/loss", "100 3.0 10\n\n200 2.9 20 7\n");
  check_bad(at(run), NULL, (const char *[]){"r1/metrics/loss:3:12: expected", NULL});
  /* lines without a step (MLflow before 1.0): every value at step 0 */
  put("vals/0/r1/metrics/loss", "100 3.0\n200 2.9\n");
  check_bad(at(run), NULL, (const char *[]){"every value of 'loss' is logged at step 0", NULL});
  /* no metrics at all */
  put("vals/0/r2/meta.yaml", "lifecycle_stage: active\nrun_id: r2\nrun_name: empty\n");
  put("vals/0/r2/metrics/.keep", "");
  check_bad(at("vals/0/r2"), NULL, (const char *[]){"r2: no metric named", NULL});
  /* a folder of neither MLflow nor TensorBoard keeps its message */
  put("plain/notes.txt", "nothing\n");
  check_bad(at("plain"), NULL, (const char *[]){"no TensorBoard event files", NULL});
}

int main(int argc, char **argv) {
  snprintf(scratch, sizeof scratch, "%s/mlruns", argc > 2 ? argv[2] : ".");
  char cmd[8300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", scratch, scratch);
  if (system(cmd)) return 1;
  test_one_run();
  test_several_runs();
  test_logged_values();
  return check_done("test_mlruns");
}
