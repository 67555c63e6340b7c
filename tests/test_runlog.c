/* test_runlog.c: the CSV/JSONL/JSON-document/printed training-log readers: good
 * files, records sharing a step, Hugging Face trainer_state.json, the
 * learning_rate alias, every bad-input message, interpolation, schedules and
 * summaries. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

static fslaw_run *parse(const char *name, const char *text, const fslaw_run_columns *cols) {
  fslaw_run *run = NULL;
  fslaw_error err;
  if (fslaw_run_parse(name, text, strlen(text), FSLAW_RUN_AUTO, cols, &run, &err))
    fprintf(stderr, "unexpected error: %s\n", err.msg);
  return run;
}

/* Parsing fails with a message containing `want`. */
static void check_bad(const char *name, const char *text, const char *want) {
  fslaw_run *run = (fslaw_run *)1;
  fslaw_error err = {""};
  fslaw_status st = fslaw_run_parse(name, text, strlen(text), FSLAW_RUN_AUTO, NULL, &run, &err);
  CHECK(st == FSLAW_EPARSE);
  CHECK(run == NULL);
  CHECK_HAS(err.msg, want);
}

/* A log that repeats steps (a resumed run) reads with `steps` steps, `nloss`
 * losses and `replaced` values replaced; returns the run. */
static fslaw_run *check_resumed(const char *name, const char *text, size_t steps, size_t nloss,
                                size_t replaced) {
  fslaw_run *r = parse(name, text, NULL);
  CHECK(r && fslaw_run_steps(r) == steps && fslaw_run_nloss(r) == nloss &&
        fslaw_run_replaced(r) == replaced);
  return r;
}

static void test_csv_good(void) {
  /* BOM, CRLF, quoted header and cells, columns in any order, extra columns */
  const char *text = "\xEF\xBB\xBF" "loss,\"note, with comma\",step,lr\r\n"
                     "3.5,\"a \"\"quoted\"\"\nline\",0,0.0\r\n"
                     ",x,2,0.2\r\n"
                     "\"3.25\",y,4,0.4\r\n";
  fslaw_run *r = parse("dir/run.a.csv", text, NULL);
  CHECK(r != NULL);
  if (!r) return;
  CHECK(!strcmp(fslaw_run_name(r), "run.a"));
  CHECK(fslaw_run_steps(r) == 5);
  CHECK(fslaw_run_nloss(r) == 2);
  CHECK(fslaw_run_loss_steps(r)[0] == 0 && fslaw_run_loss_steps(r)[1] == 4);
  CHECK(fslaw_run_loss(r)[0] == 3.5 && fslaw_run_loss(r)[1] == 3.25);
  const double *lr = fslaw_run_lr(r);
  CHECK_REL(lr[1], 0.1, 1e-15); /* interpolated */
  CHECK_REL(lr[3], 0.3, 1e-15);
  CHECK(fslaw_run_lr_filled(r) == 2);
  CHECK(fslaw_run_tokens(r) == NULL);
  fslaw_run_destroy(r);
  /* W&B-style names mapped with columns; tokens */
  fslaw_run_columns cols = {"_step", "train/lr", "train/loss", "tok"};
  r = parse("wandb.csv", "_step,train/loss,train/lr,tok\n10,2.5,1e-3,100\n20,,2e-3,\n", &cols);
  CHECK(r && fslaw_run_steps(r) == 21 && fslaw_run_nloss(r) == 1);
  if (r) {
    CHECK_REL(fslaw_run_lr(r)[5], 1e-3 * 5 / 10, 1e-15); /* from 0 at step 0 */
    CHECK_REL(fslaw_run_lr(r)[15], 1.5e-3, 1e-15);
    CHECK(fslaw_run_tokens(r) && fslaw_run_tokens(r)[0] == 100);
  }
  fslaw_run_destroy(r);
  /* that ramp is a warmup the log shows (its rates rise); a log whose first
   * rate, at step 500, is its largest shows none: the rate holds before it
   * (a Trainer run without warmup, logging every 500 steps) */
  int ramp = 0;
  r = parse("wandb.csv", "_step,train/loss,train/lr,tok\n10,2.5,1e-3,100\n20,,2e-3,\n", &cols);
  CHECK(r && fslaw_run_lr_first(r, &ramp) == 10 && ramp == 1);
  fslaw_run_destroy(r);
  r = parse("hf.csv", "step,lr,loss\n500,3e-4,4\n1000,2.9e-4,3\n", NULL);
  CHECK(r && fslaw_run_lr_first(r, &ramp) == 500 && ramp == 0);
  CHECK(r && fslaw_run_lr(r)[0] == 3e-4 && fslaw_run_lr(r)[499] == 3e-4 &&
        fslaw_run_lr(r)[500] == 3e-4 && fslaw_run_lr_filled(r) == 999);
  CHECK_REL(r ? fslaw_run_lr(r)[750] : 0, 2.95e-4, 1e-12);
  const size_t *logged = NULL;
  CHECK(r && fslaw_run_lr_logged(r, &logged) == 2 && logged && logged[1] == 1000);
  CHECK(r && fslaw_run_lr_logged(r, NULL) == 2); /* the count alone, as lr_first's ramp */
  fslaw_run_destroy(r);
  r = parse("one.csv", "step,lr,loss\n40,0.5,4\n80,,3\n", NULL);
  CHECK(r && fslaw_run_lr_first(r, &ramp) == 40 && ramp == 0 && fslaw_run_lr(r)[0] == 0.5 &&
        fslaw_run_lr(r)[80] == 0.5);
  fslaw_run_destroy(r);
  /* no lr column at all: rates unknown until a schedule is set */
  r = parse("nolr.csv", "step,loss\n0,3\n9,2\n", NULL);
  CHECK(r && fslaw_run_lr(r) == NULL);
  if (r) {
    fslaw_schedule *s;
    fslaw_error err;
    fslaw_schedule_create("constant:peak=0.5,steps=8", &s, NULL);
    CHECK(fslaw_run_set_schedule(r, s, &err) == FSLAW_EINVAL);
    CHECK_HAS(err.msg, "has 10 steps (0 to 9) but the schedule 'constant:peak=0.5,steps=8' only 8");
    fslaw_schedule_destroy(s);
    /* one step short: a log numbered by updates done (0 .. 9 for 9 steps) */
    fslaw_schedule_create("linear:peak=0.5,steps=9", &s, NULL);
    CHECK(fslaw_run_set_schedule(r, s, &err) == FSLAW_OK);
    CHECK(fslaw_run_steps(r) == 10 && fslaw_run_lr(r)[9] == fslaw_run_lr(r)[8] &&
          fslaw_run_lr(r)[8] > 0 && fslaw_run_lr(r)[8] < fslaw_run_lr(r)[7]);
    fslaw_schedule_destroy(s);
    fslaw_schedule_create("constant:peak=0.5,steps=12", &s, NULL);
    CHECK(fslaw_run_set_schedule(r, s, &err) == FSLAW_OK);
    CHECK(fslaw_run_steps(r) == 12 && fslaw_run_lr(r)[11] == 0.5 && fslaw_run_lr_filled(r) == 0);
    fslaw_schedule_destroy(s);
  }
  fslaw_run_destroy(r);
  /* rates held after the last logged one; blank lines skipped; spaces trimmed */
  r = parse("hold.csv", "step,lr,loss\n\n0, 1 ,\n2,0.5,\n\n4,,1.5\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 5);
  if (r) CHECK(fslaw_run_lr(r)[3] == 0.5 && fslaw_run_lr(r)[4] == 0.5 && fslaw_run_lr(r)[1] == 0.75);
  fslaw_run_destroy(r);
}

static void test_jsonl_good(void) {
  const char *text = "{\"step\": 0, \"lr\": 0, \"loss\": 4.0, \"extra\": [1,2]}\n"
                     "\n"
                     "{\"lr\": 1e-3, \"step\": 10, \"loss\": null}\r\n"
                     "{\"step\": 20, \"loss\": \"3.5\"}\n";
  fslaw_run *r = parse("log.jsonl", text, NULL);
  CHECK(r != NULL);
  if (!r) return;
  CHECK(fslaw_run_steps(r) == 21 && fslaw_run_nloss(r) == 2);
  CHECK(fslaw_run_loss(r)[1] == 3.5 && fslaw_run_loss_steps(r)[1] == 20);
  CHECK_REL(fslaw_run_lr(r)[5], 5e-4, 1e-15);
  CHECK(fslaw_run_lr(r)[20] == 1e-3);
  CHECK(fslaw_run_lr_filled(r) == 19);
  fslaw_run_destroy(r);
  /* detected from the contents too */
  r = parse("log.txt", "  {\"step\": 1, \"lr\": 2}\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 2);
  fslaw_run_destroy(r);
}

static void test_bad(void) {
  check_bad("e.csv", "", "e.csv: empty file");
  check_bad("e.csv", "\n\n", "e.csv: empty file");
  check_bad("h.csv", "step,lr,loss\n", "h.csv: no data rows");
  check_bad("m.csv", "stp,lr,loss\n0,1,2\n", "m.csv:1: missing column 'step' (the header has: stp, lr, loss)");
  check_bad("d.csv", "step,lr,step\n0,1,2\n", "d.csv:1:9: column 'step' appears twice");
  check_bad("n.csv", "step,lr,loss\n0,1e-3,3.5\n1,abc,3.4\n", "n.csv:3:3: column 'lr': expected a number, got 'abc'");
  check_bad("s.csv", "step,lr\n1.5,1\n", "s.csv:2:1: column 'step': expected a whole step number");
  check_bad("s.csv", "step,lr\n-1,1\n", "s.csv:2:1: column 'step': must not be negative");
  check_bad("s.csv", "step,lr,loss\n,1,2\n", "s.csv:2:1: column 'step': missing step");
  check_bad("l.csv", "step,lr,loss\n0,-1e-4,3\n", "l.csv:2:3: column 'lr': must not be negative, got -0.0001");
  check_bad("x.csv", "step,lr,loss\n0,1,nan\n", "x.csv:2:5: column 'loss': NaN is not a valid value");
  check_bad("x.csv", "step,lr,loss\n0,1,NaN\n", "column 'loss': NaN");
  check_bad("x.csv", "step,lr,loss\n0,inf,3\n", "x.csv:2:3: column 'lr': infinite value");
  check_bad("f.csv", "step,lr,loss\n0,1\n", "f.csv:2:3: expected 3 fields as in the header, found 2");
  check_bad("f.csv", "step,lr,loss\n0,1,2,3\n", "f.csv:2:7: expected 3 fields as in the header, found 4");
  check_bad("q.csv", "step,lr,loss\n0,1,\"3.5\n", "q.csv:2:5: unterminated quoted field");
  check_bad("q.csv", "step,lr,loss\n0,1,\"3.5\"x\n", "q.csv:2:10: unexpected character after closing quote");
  check_bad("q.csv", "step,lr,loss\n0,1,3\"5\n", "q.csv:2:6: quote inside an unquoted field");
  /* columns count UTF-8 characters, not bytes */
  check_bad("u.csv", "step,note,lr\n0,\xC3\xA9\xC3\xA9,x\n", "u.csv:2:6: column 'lr'");
  check_bad("j.jsonl", "{\"step\": 0, \"lr\": 1}\n{\"step\": 1, \"lr\": }\n", "j.jsonl:2:");
  check_bad("j.jsonl", "{\"step\": 0, \"lr\": 1}\n{\"step\": 1, \"lr\": }\n", "malformed JSON");
  check_bad("j.jsonl", "[1,2]\n", "j.jsonl:1:1: expected a JSON object");
  check_bad("j.jsonl", "{\"lr\": 1}\n", "j.jsonl:1:1: missing column 'step'");
  check_bad("j.jsonl", "{\"step\": 0, \"lr\": true}\n", "j.jsonl:1:13: column 'lr': expected a number");
  check_bad("j.jsonl", "{\"step\": 0, \"loss\": \"NaN\"}\n", "column 'loss': NaN is not a valid value");
  check_bad("j.jsonl", "\n  \n", "j.jsonl: empty file");
  check_bad("big.csv", "step,lr\n100000000,1\n", "expected a whole step number below");
  check_bad("t.tsv", "step\tlr\tloss\n0\t1\t3\n", "t.tsv:1: missing column 'step' (the header has: step\tlr\tloss); fields must be separated by commas");
  check_bad("x.csv", "step,lr,loss\n0,1,nan\n", "NaN is not a valid value (a step whose loss overflowed? remove its record, or leave the loss empty)");
  check_bad("g.csv.gz", "\x1f\x8b\x08\x00", "g.csv.gz: a gzip-compressed file; decompress it first (gunzip)");
  fslaw_run *r = (fslaw_run *)1;
  fslaw_error err;
  CHECK(fslaw_run_read("/nonexistent/x.csv", FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EIO);
  CHECK(r == NULL);
  CHECK_HAS(err.msg, "/nonexistent/x.csv: cannot open");
  /* a folder is read as TensorBoard event files; one without them says so */
  CHECK(fslaw_run_read("/", FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EPARSE && r == NULL);
  CHECK_HAS(err.msg, "/: a folder with no TensorBoard event files (events.out.tfevents.*)");
  /* NULL arguments are errors naming the argument, not crashes */
  r = (fslaw_run *)1;
  CHECK(fslaw_run_read(NULL, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EINVAL && r == NULL);
  CHECK_HAS(err.msg, "fslaw_run_read: path is NULL");
  CHECK(fslaw_run_read("/nonexistent/x.csv", FSLAW_RUN_AUTO, NULL, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "fslaw_run_read: out is NULL");
  const char *log = "step,lr,loss\n0,1,3\n";
  r = (fslaw_run *)1;
  CHECK(fslaw_run_parse(NULL, log, strlen(log), FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EINVAL &&
        r == NULL);
  CHECK_HAS(err.msg, "fslaw_run_parse: name is NULL");
  CHECK(fslaw_run_parse("x.csv", NULL, 5, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "fslaw_run_parse: data is NULL");
  CHECK(fslaw_run_parse("x.csv", log, strlen(log), FSLAW_RUN_AUTO, NULL, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "fslaw_run_parse: out is NULL");
}

/* A log still being written: an unfinished last line that does not parse is
 * skipped and its line reported; one that parses, a bad line before it, a
 * finished bad last line and a JSON document are not forgiven. */
static void test_partial_line(void) {
  fslaw_run *r = parse("p.csv", "step,lr,loss\n0,1e-3,3\n1,1e-3,2.9\n2,1e-", NULL);
  CHECK(r && fslaw_run_steps(r) == 2 && fslaw_run_nloss(r) == 2);
  CHECK(r && fslaw_run_partial_line(r) == 4);
  CHECK(r && fslaw_run_loss(r)[1] == 2.9);
  fslaw_run_destroy(r);
  r = parse("p.csv", "step,lr,loss\r\n0,1e-3,3\r\n1,1e-3,2.9\r\n2", NULL);
  CHECK(r && fslaw_run_steps(r) == 2 && fslaw_run_partial_line(r) == 4);
  fslaw_run_destroy(r);
  r = parse("w.csv", "step,lr,loss\n0,1e-3,3\n1,1e-3,2.9", NULL); /* whole, no line end */
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_partial_line(r) == 0);
  fslaw_run_destroy(r);
  r = parse("p.jsonl", "{\"step\": 0, \"lr\": 1e-3, \"loss\": 3}\n{\"step\": 1, \"lr\": 1e-3, \"lo", NULL);
  CHECK(r && fslaw_run_steps(r) == 1 && fslaw_run_partial_line(r) == 2);
  fslaw_run_destroy(r);
  check_bad("b.csv", "step,lr,loss\n0,1e-3,x\n1,1e-3,2.9\n2,1e-", "b.csv:2:8: column 'loss'");
  check_bad("b.csv", "step,lr,loss\n0,1e-3,3\n1,1e-3\n", "b.csv:3:3: expected 3 fields");
  check_bad("b.csv", "step,lr,lo", "b.csv: no data rows");
  check_bad("t.json", "{\"log_history\": [{\"step\": 1, \"loss\": 2}, {\"step\": 2, \"lo", "t.json");
}

/* Header names match in other case when nothing matches exactly (W&B's
 * "Step"); an exact match wins; two case variants are an error. */
static void test_case(void) {
  fslaw_run *r = parse("c.csv", "Step,Loss,LR\n0,,0\n10,3,1e-3\n20,2.9,1e-3\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 21 && fslaw_run_nloss(r) == 2 && fslaw_run_lr(r)[20] == 1e-3);
  fslaw_run_destroy(r);
  r = parse("c.csv", "step,Loss,loss\n0,5,3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3);
  fslaw_run_destroy(r);
  fslaw_run_columns cols = {NULL, "Train/LR", NULL, NULL};
  r = parse("c.csv", "step,train/lr\n0,1e-3\n", &cols);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 1e-3);
  fslaw_run_destroy(r);
  check_bad("c.csv", "STEP,Step,loss\n0,1,3\n",
            "c.csv:1:6: columns 'STEP' and 'Step' both match 'step' but for case; name one with --col");
}

/* Parsing as `fmt` with `cols` fails with a message containing `want`. */
static void check_bad_as(const char *name, const char *text, fslaw_run_format fmt,
                         const fslaw_run_columns *cols, const char *want) {
  fslaw_run *run = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_parse(name, text, strlen(text), fmt, cols, &run, &err) == FSLAW_EPARSE);
  CHECK(run == NULL);
  CHECK_HAS(err.msg, want);
}

/* Records sharing a step merge when they agree; conflicts name both lines. */
static void test_merge(void) {
  /* Hugging Face style: the eval record repeats the training record's step */
  const char *hf = "{\"step\": 10, \"loss\": 5.1, \"lr\": 2e-4}\n"
                   "{\"step\": 20, \"loss\": 4.9, \"lr\": 2e-4}\n"
                   "{\"step\": 20, \"eval_loss\": 4.95}\n"
                   "{\"step\": 20, \"loss\": 4.9, \"tokens\": 800}\n"
                   "{\"step\": 30, \"loss\": 4.5, \"lr\": 1e-4}\n";
  fslaw_run *r = parse("hf.jsonl", hf, NULL);
  CHECK(r && fslaw_run_steps(r) == 31 && fslaw_run_nloss(r) == 3);
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[1] == 20 && fslaw_run_loss(r)[1] == 4.9);
    CHECK(fslaw_run_loss_steps(r)[2] == 30 && fslaw_run_loss(r)[2] == 4.5);
    CHECK(fslaw_run_tokens(r) && fslaw_run_tokens(r)[1] == 800 && isnan(fslaw_run_tokens(r)[0]));
    CHECK(fslaw_run_lr(r)[20] == 2e-4 && fslaw_run_lr_filled(r) == 31 - 3);
    /* a drop at the log's last step: the side after it is unknown, so linear */
    CHECK(fabs(fslaw_run_lr(r)[25] - 1.5e-4) < 1e-15);
  }
  fslaw_run_destroy(r);
  /* CSV: lr and loss of step 0 on two rows */
  r = parse("m.csv", "step,lr,loss\n0,1,\n0,,3\n0,1,3\n5,1,2\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_steps(r) == 6);
  if (r) CHECK(fslaw_run_loss(r)[0] == 3 && fslaw_run_loss_steps(r)[0] == 0 &&
               fslaw_run_lr(r)[0] == 1 && fslaw_run_lr_filled(r) == 4);
  fslaw_run_destroy(r);
  /* a record at the step of the previous one with a value that differs (a
   * resumed run) replaces it: the later values win */
  fslaw_run_destroy(check_resumed("c.jsonl", "{\"step\": 20, \"loss\": 4.9, \"lr\": 1}\n"
                                  "{\"step\": 20, \"loss\": 4.8}\n", 21, 1, 2));
  r = check_resumed("c.csv", "step,lr,loss\n0,1,3\n5,1,3\n5,0.5,\n", 6, 1, 2);
  CHECK(r && fslaw_run_lr(r)[5] == 0.5 && fslaw_run_lr(r)[4] == 0.6);
  fslaw_run_destroy(r);
  /* merged records first (lr 1, loss 3), then replaced whole */
  r = check_resumed("c.csv", "step,lr,loss\n5,1,\n5,,3\n5,1,2.5\n", 6, 1, 2);
  CHECK(r && fslaw_run_loss(r)[0] == 2.5);
  fslaw_run_destroy(r);
  /* values that differ in the last digit differ */
  fslaw_run_destroy(check_resumed("c.csv", "step,tokens\n5,0.30000000000000004\n5,0.3\n", 6, 0, 1));
  /* a resumed run logged past its checkpoint */
  r = check_resumed("r.jsonl", "{\"step\": 10, \"loss\": 3}\n{\"step\": 20, \"loss\": 2.9}\n"
                    "{\"step\": 10, \"loss\": 3.1}\n{\"step\": 15, \"loss\": 2.95}\n", 16, 2, 2);
  CHECK(r && fslaw_run_loss(r)[0] == 3.1 && fslaw_run_loss_steps(r)[1] == 15);
  fslaw_run_destroy(r);
}

/* A CSV of steps 0..100, resumed at step 50 to 150 (other losses), reads as
 * steps 0..150 with the later losses from 50 on; NaN stays an error. */
static void test_resumed(void) {
  size_t cap = 8192, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text, cap, "step,lr,loss\n");
  for (int k = 0; k <= 100; k++) len += (size_t)snprintf(text + len, cap - len, "%d,1e-3,%d\n", k, 1000 - k);
  for (int k = 50; k <= 150; k++) len += (size_t)snprintf(text + len, cap - len, "%d,2e-3,%d\n", k, 500 - k);
  fslaw_run *r = check_resumed("resumed.csv", text, 151, 151, 2 * 51);
  int right = r != NULL;
  for (size_t i = 0; r && i < 151; i++)
    right &= fslaw_run_loss_steps(r)[i] == i && fslaw_run_loss(r)[i] == (i < 50 ? 1000.0 : 500.0) - (double)i &&
             fslaw_run_lr(r)[i] == (i < 50 ? 1e-3 : 2e-3);
  CHECK(right);
  CHECK(r && fslaw_run_lr_filled(r) == 0);
  fslaw_run_destroy(r);
  free(text);
  r = check_resumed("resumed.csv", "step,lr,loss\n0,1,3\n5,1,3\n4,1,3\n", 5, 2, 2);
  fslaw_run_destroy(r);
  fslaw_run_destroy(check_resumed("j.jsonl", "{\"step\": 3}\n{\"step\": 2}\n", 3, 0, 0));
  /* a run without repeats replaces nothing */
  fslaw_run_destroy(check_resumed("ok.csv", "step,lr,loss\n0,1,3\n5,1,3\n", 6, 2, 0));
  check_bad("x.csv", "step,lr,loss\n0,1,3\n5,1,3\n4,1,nan\n", "x.csv:4:5: column 'loss': NaN is not a valid value");
  check_bad("x.csv", "step,lr,loss\n0,1,3\n5,1,3\n4,1,inf\n", "x.csv:4:5: column 'loss': infinite value");
  check_bad("x.jsonl", "{\"step\": 5, \"loss\": 3}\n{\"step\": 5, \"loss\": NaN}\n",
            "x.jsonl:2:13: column 'loss': NaN is not a valid value");
}

/* A pretty-printed Hugging Face trainer_state.json (Python writes NaN and
 * Infinity for a grad_norm after an fp16 overflow). */
static const char *trainer_state =
    "{\n"
    "  \"best_metric\": null,\n"
    "  \"epoch\": 0.3,\n"
    "  \"global_step\": 30,\n"
    "  \"log_history\": [\n"
    "    {\n"
    "      \"epoch\": 0.1,\n"
    "      \"grad_norm\": 1.5,\n"
    "      \"learning_rate\": 1e-4,\n"
    "      \"loss\": 5.0,\n"
    "      \"step\": 10\n"
    "    },\n"
    "    {\"epoch\": 0.1, \"eval_loss\": 5.2, \"eval_runtime\": 1.0, \"step\": 10},\n"
    "    {\"epoch\": 0.2, \"grad_norm\": NaN, \"learning_rate\": 2e-4, \"loss\": 4.5, \"step\": 20},\n"
    "    {\"epoch\": 0.2, \"eval_loss\": 4.7, \"step\": 20},\n"
    "    {\"epoch\": 0.3, \"grad_norm\": -Infinity, \"learning_rate\": 1e-4, \"loss\": 4.0, "
    "\"note\": \"NaN \\\"x\\\"\", \"step\": 30},\n"
    "    {\"epoch\": 0.3, \"step\": 30, \"total_flos\": 1e15, \"train_loss\": 4.5,\n"
    "     \"train_runtime\": 12.5, \"train_samples_per_second\": 80.1}\n"
    "  ],\n"
    "  \"max_steps\": 30,\n"
    "  \"trial_params\": null\n"
    "}\n";

static void check_trainer_state(const fslaw_run *r, const char *name) {
  CHECK(r && fslaw_run_steps(r) == 31 && fslaw_run_nloss(r) == 3);
  if (!r) return;
  /* eval_loss and the summary's train_loss are not losses */
  const size_t *s = fslaw_run_loss_steps(r);
  CHECK(s[0] == 10 && s[1] == 20 && s[2] == 30);
  CHECK(fslaw_run_loss(r)[0] == 5.0 && fslaw_run_loss(r)[1] == 4.5 && fslaw_run_loss(r)[2] == 4.0);
  const double *lr = fslaw_run_lr(r);
  CHECK(lr && fslaw_run_lr_filled(r) == 28 && fslaw_run_tokens(r) == NULL);
  if (lr) {
    CHECK(lr[10] == 1e-4 && lr[20] == 2e-4 && lr[30] == 1e-4);
    CHECK_REL(lr[5], 5e-5, 1e-15);
    CHECK_REL(lr[25], 1.5e-4, 1e-15);
  }
  CHECK(!strcmp(fslaw_run_name(r), name));
}

static void test_document(void) {
  fslaw_run *r = parse("out/checkpoint-30/trainer_state.json", trainer_state, NULL);
  check_trainer_state(r, "out"); /* named by the run's output folder */
  fslaw_run_destroy(r);
  /* a checkpoint with no usable folder above it, a state file in the run's
   * folder or with no folder, and a renamed one keep their own names */
  const char *path[][2] = {{"checkpoint-30/trainer_state.json", "checkpoint-30"},
                           {"./checkpoint-30/trainer_state.json", "checkpoint-30"},
                           {"runs/llama//trainer_state.json", "llama"},
                           {"./trainer_state.json", "trainer_state"},
                           {"/trainer_state.json", "trainer_state"},
                           {"../trainer_state.json", "trainer_state"},
                           {"out/checkpoint-x/trainer_state.json", "checkpoint-x"},
                           {"out/checkpoint-30/state.json", "state"}};
  for (size_t i = 0; i < sizeof path / sizeof *path; i++) {
    r = parse(path[i][0], trainer_state, NULL);
    CHECK(r && !strcmp(fslaw_run_name(r), path[i][1]));
    if (r && strcmp(fslaw_run_name(r), path[i][1]))
      fprintf(stderr, "  %s: named '%s'\n", path[i][0], fslaw_run_name(r));
    fslaw_run_destroy(r);
  }
  /* --format jsonl too (the first line is not a complete JSON object) */
  fslaw_error err = {""};
  r = NULL;
  CHECK(fslaw_run_parse("trainer_state.json", trainer_state, strlen(trainer_state),
                        FSLAW_RUN_JSONL, NULL, &r, &err) == FSLAW_OK);
  check_trainer_state(r, "trainer_state");
  fslaw_run_destroy(r);
  /* a top-level array of records, pretty-printed or on one line; a BOM */
  r = parse("a.json", "\xEF\xBB\xBF[\n {\"step\": 1, \"lr\": 1, \"loss\": 3},\n"
                      " {\"step\": 2, \"lr\": 1, \"loss\": 2}, {\"step\": 2, \"eval_loss\": 9}\n]\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 3 && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 2);
  fslaw_run_destroy(r);
  r = parse("a.jsonl", "[{\"step\": 1, \"loss\": 3}, {\"step\": 4, \"loss\": 2}]", NULL);
  CHECK(r && fslaw_run_steps(r) == 5 && fslaw_run_nloss(r) == 2 && fslaw_run_lr(r) == NULL);
  fslaw_run_destroy(r);
  /* a one-line trainer_state.json */
  r = parse("ts.txt", "{\"log_history\": [{\"step\": 7, \"learning_rate\": 0.5, \"loss\": 1}]}", NULL);
  CHECK(r && fslaw_run_steps(r) == 8 && fslaw_run_lr(r) && fslaw_run_lr(r)[7] == 0.5);
  fslaw_run_destroy(r);
  /* a JSONL line may use Python's NaN on a column not read */
  r = parse("n.jsonl", "{\"step\": 1, \"loss\": 2, \"grad_norm\": NaN}\n{\"step\": 2, \"loss\": 1.5}\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2);
  fslaw_run_destroy(r);
}

/* Steps of the logged losses of `csv` (step,loss rows) after centering with
 * `window`; n of them are compared with want. */
static void check_centered(const char *csv, size_t window, const size_t *want, size_t n) {
  fslaw_run *r = parse("c.csv", csv, NULL);
  fslaw_error err;
  CHECK(r && fslaw_run_center_losses(r, window, NULL, &err) == FSLAW_OK);
  int same = r && fslaw_run_nloss(r) == n;
  for (size_t i = 0; same && i < n; i++) same = fslaw_run_loss_steps(r)[i] == want[i];
  if (!same && r)
    for (size_t i = 0; i < fslaw_run_nloss(r); i++)
      fprintf(stderr, "centered step %zu: %zu\n", i, fslaw_run_loss_steps(r)[i]);
  CHECK(same);
  fslaw_run_destroy(r);
}

/* A mean over steps a..b is placed at their middle, rounded up. */
static void test_center_losses(void) {
  const char *regular = "step,loss\n10,3\n20,2\n30,1\n";
  /* interval: 1..10 (dropped: it holds all the time up to its middle),
   * 11..20, 21..30 */
  check_centered(regular, 0, (const size_t[]){16, 26}, 2);
  check_centered(regular, 1, (const size_t[]){10, 20, 30}, 3);
  /* 4 steps ending at each: 7..10 etc.; clipped at step 1 (and dropped) */
  check_centered(regular, 4, (const size_t[]){9, 19, 29}, 3);
  check_centered("step,loss\n2,3\n3,2\n10,1\n", 4, (const size_t[]){9}, 1);
  check_centered("step,loss\n5,3\n6,2\n10,1\n", 4, (const size_t[]){5, 9}, 2);
  /* the first loss of a log that starts late takes the gap to the next;
   * irregular gaps; a lone loss covers steps 1..s and is dropped */
  check_centered("step,loss\n100,3\n110,2\n150,1\n", 0, (const size_t[]){96, 106, 131}, 3);
  check_centered("step,loss\n50,3\n", 0, NULL, 0);
  /* the losses keep their values and order; *dropped counts */
  fslaw_run *r = parse("c.csv", regular, NULL);
  fslaw_error err;
  size_t dropped = 9;
  CHECK(r && fslaw_run_center_losses(r, 0, &dropped, &err) == FSLAW_OK && dropped == 1 &&
        fslaw_run_loss(r)[0] == 2 && fslaw_run_loss(r)[1] == 1 && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  /* in intrinsic time: under a warmup ramp (rate = step) the window 11..20
   * is dropped too (time 55 before it, 136 at its middle 16), 21..30 is kept
   * (210 before, 351 at 26). At a constant rate 11..20 is kept. */
  r = parse("w.csv", "step,lr,loss\n0,0,\n10,,3\n20,,2\n30,30,1\n", NULL);
  CHECK(r && fslaw_run_center_losses(r, 0, &dropped, &err) == FSLAW_OK && dropped == 2 &&
        fslaw_run_nloss(r) == 1 && fslaw_run_loss_steps(r)[0] == 26);
  fslaw_run_destroy(r);
  r = parse("w.csv", "step,lr,loss\n0,1,\n10,,3\n20,,2\n30,1,1\n", NULL);
  CHECK(r && fslaw_run_center_losses(r, 0, &dropped, &err) == FSLAW_OK && dropped == 1 &&
        fslaw_run_nloss(r) == 2);
  fslaw_run_destroy(r);
  /* a trainer_state.json's "loss" is such a mean; its eval_loss is not */
  const char *ts = "{\"log_history\": [{\"step\": 7, \"loss\": 1, \"eval_loss\": 2}]}";
  r = parse("ts.json", ts, NULL);
  CHECK(r && fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  r = parse("ts.json", ts, &(fslaw_run_columns){.loss = "eval_loss"});
  CHECK(r && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  r = parse("a.json", "[{\"step\": 7, \"loss\": 1}]", NULL);
  CHECK(r && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
}

static void test_document_bad(void) {
  /* errors inside give the line:column of the key (or of the record) */
  check_bad("trainer_state.json", "{\n \"log_history\": [\n  {\"step\": 1, \"loss\": 2},\n"
            "  {\"step\": 2, \"loss\": NaN}\n ]\n}\n",
            "trainer_state.json:4:15: column 'loss': NaN is not a valid value");
  check_bad("ts.json", "[\n {\"step\": 1, \"lr\": -Infinity}\n]\n", "ts.json:2:14: column 'lr': infinite value");
  check_bad("ts.json", "[\n {\"step\": 1, \"lr\": 1e999}\n]\n", "ts.json:2:14: column 'lr': infinite value");
  /* a document repeating steps (a resumed run) reads: the later values win */
  fslaw_run_destroy(check_resumed("ts.json", "{\"log_history\": [\n {\"step\": 5, \"loss\": 3},\n"
                                  " {\"step\": 4, \"loss\": 2}\n]}\n", 5, 1, 1));
  check_bad("ts.json", "[\n {\"loss\": 3}\n]\n", "ts.json:2:2: missing column 'step'");
  check_bad("ts.json", "[\n {\"step\": 1},\n 2\n]\n", "ts.json:3:2: expected a JSON object");
  /* the records are found again in the text past members whose strings hold
   * brackets and quotes, a BOM, an escaped key, multi-byte text and keys on
   * lines of their own (pretty-printed trainer_state.json) */
  check_bad("ts.json", "\xEF\xBB\xBF{\"n\": \"] } [ { \\\" \\\\\", \"x\": {\"a\": [1, {\"b\": \"]\"}], \"c\": -1e-3},\n"
            " \"log\\u005fhistory\": [ {\"step\": 1, \"\xC3\xA9\": 2}, {\"step\": 2},\n  {\n   \"step\": 3,\n"
            "   \"lr\": true\n  }\n ]\n}\n",
            "ts.json:5:4: column 'lr': expected a number");
  check_bad("ts.json", "\xEF\xBB\xBF[{\"step\": 2}, {\"\xC3\xA9\": 1, \"step\": -1}]", "ts.json:1:24: column 'step': must not be negative");
  /* a key's name inside a value is not the key */
  check_bad("ts.json", "[{\"note\": \"loss\", \"step\": 1,\n  \"loss\": -Infinity}]", "ts.json:2:3: column 'loss': infinite value");
  /* nor a key of a nested object, or inside another key; an escaped key and
   * cJSON's white space (any byte up to ' ') are found; the same in JSONL */
  check_bad("ts.json", "[{\"step\":1,\"loss\":2},\n {\"x\":{\"loss\":1}, \"step\":2,\"loss\":\"bad\"}]",
            "ts.json:2:28: column 'loss': expected a number, got 'bad'");
  check_bad("ts.json", "[{\"x\\\"loss\": 1, \"step\": 2, \"lo\\u0073s\"\x01: true}]",
            "ts.json:1:28: column 'loss': expected a number");
  check_bad("j.jsonl", "{\"x\":{\"loss\":1},\"step\":1,\"lr\":0.1,\"loss\":\"bad\"}\n", "j.jsonl:1:35: column 'loss'");
  check_bad("j.jsonl", "{\"step\": 1}\n  {\"step\":2,\"loss\"\x1f:NaN}\n", "j.jsonl:2:13: column 'loss': NaN");
  check_bad("ts.json", "{\"log_history\": []}\n", "ts.json: no records (the array log_history is empty)");
  check_bad("ts.json", "[\n]\n", "ts.json: no records (the array is empty)");
  check_bad("ts.json", "{\n \"log_history\": 3\n}\n", "ts.json: expected an array of records or an object with an array 'log_history'");
  /* malformed documents: line:column of cJSON's error pointer (one past a
   * stray comma, at the last byte when the text ends early) */
  check_bad("ts.json", "{\n  \"log_history\": [\n    {\"step\": 1,, \"loss\": 2}\n  ]\n}\n",
            "ts.json:3:17: malformed JSON (read as one JSON document since its first line is not a complete JSON object)");
  check_bad("ts.json", "{\n  \"log_history\": [\n    {\"step\": 1, \"lo\xC3\xA9\": x}\n  ]\n}\n",
            "ts.json:3:24: malformed JSON");
  check_bad("ts.json", "{\n  \"log_history\": [\n    {\"step\": 1, \"grad\": NaN, \"x\": ]\n  ]\n}\n",
            "ts.json:3:35: malformed JSON");
  check_bad("ts.json", "[\n {\"step\": 1}\n] x\n", "ts.json:3:3: unexpected text after the JSON document");
  check_bad("ts.json", "[\n {\"step\": 1}\n", "ts.json:2:13: malformed JSON: the document ends before it is complete");
  /* JSONL with a broken first line is read as a document: same position */
  check_bad("j.jsonl", "{\"step\": 0, \"lr\": }\n{\"step\": 1}\n", "j.jsonl:1:19: malformed JSON");
  check_bad_as("ts.json", "[\n {\"step\": 1}\n]\n", FSLAW_RUN_CSV, NULL, "ts.json:1: missing column 'step'");
}

/* lr reads "learning_rate" when the log has no "lr" and --col lr was not given. */
static void test_alias(void) {
  fslaw_run *r = parse("hf.csv", "step,learning_rate,loss\n0,1,3\n2,0.5,2\n", NULL);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[1] == 0.75);
  fslaw_run_destroy(r);
  /* "lr" wins over learning_rate */
  r = parse("both.csv", "step,learning_rate,lr\n0,1,3\n", NULL);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 3);
  fslaw_run_destroy(r);
  /* a named column overrides the alias, and no alias when "lr" is named */
  fslaw_run_columns cols = {NULL, "learning_rate", NULL, NULL};
  r = parse("both.csv", "step,learning_rate,lr\n0,1,3\n", &cols);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 1);
  fslaw_run_destroy(r);
  /* a named column must exist (a typo would read nothing); no alias for it */
  fslaw_run_columns named_lr = {NULL, "lr", NULL, NULL}, named_loss = {NULL, NULL, "train/loss", NULL};
  fslaw_error err = {""};
  r = (fslaw_run *)1;
  const char *hf = "step,learning_rate,loss\n0,1,3\n", *w = "step,loss\n0,3\n";
  CHECK(fslaw_run_parse("hf.csv", hf, strlen(hf), FSLAW_RUN_CSV, &named_lr, &r, &err) == FSLAW_EPARSE &&
        r == NULL);
  CHECK_HAS(err.msg, "hf.csv:1: missing column 'lr' (the header has: step, learning_rate, loss)");
  const char *js = "{\"step\": 0, \"learning_rate\": 1}\n";
  CHECK(fslaw_run_parse("hf.jsonl", js, strlen(js), FSLAW_RUN_AUTO, &named_lr, &r, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "hf.jsonl: no record has the key 'lr'");
  CHECK(fslaw_run_parse("w.csv", w, strlen(w), FSLAW_RUN_CSV, &named_loss, &r, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "w.csv:1: missing column 'train/loss' (the header has: step, loss)");
  /* errors name the column read */
  check_bad("hf.csv", "step,learning_rate\n0,-1\n", "hf.csv:2:3: column 'learning_rate': must not be negative");
  check_bad("hf.csv", "step,learning_rate,learning_rate\n0,1,1\n", "hf.csv:1:20: column 'learning_rate' appears twice");
  /* JSONL: the alias from the first record with a rate; "lr" after it is an error */
  r = parse("hf.jsonl", "{\"step\": 0, \"loss\": 3}\n{\"step\": 4, \"learning_rate\": 1}\n", NULL);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[2] == 1); /* one rate: held back */
  fslaw_run_destroy(r);
  r = parse("hf.jsonl", "{\"step\": 0, \"lr\": 1}\n{\"step\": 4, \"learning_rate\": 9}\n", NULL);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[4] == 1 && fslaw_run_lr_filled(r) == 4);
  fslaw_run_destroy(r);
  check_bad("mix.jsonl", "{\"step\": 0, \"learning_rate\": 1}\n{\"step\": 1, \"lr\": 1}\n",
            "mix.jsonl:2:13: key 'lr' after records with 'learning_rate' (from line 1); name the column with --col lr=COLUMN");
  r = parse("mix.jsonl", "{\"step\": 0, \"learning_rate\": 1}\n{\"step\": 1, \"lr\": 2}\n", &cols);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[1] == 1);
  fslaw_run_destroy(r);
  /* a document: "lr" in any record wins */
  r = parse("d.json", "[{\"step\": 0, \"learning_rate\": 1},\n{\"step\": 2, \"lr\": 2}]", NULL);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 2 && fslaw_run_lr(r)[2] == 2);
  fslaw_run_destroy(r);
  /* train_loss (a run average) is never read as the loss */
  r = parse("t.csv", "step,lr,train_loss\n0,1,3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 0);
  fslaw_run_destroy(r);
}

/* Parsing with columns cols fails with status st and a message containing want. */
static void check_bad_cols(const char *name, const char *text, const fslaw_run_columns *cols,
                           fslaw_status st, const char *want) {
  fslaw_run *run = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_parse(name, text, strlen(text), FSLAW_RUN_AUTO, cols, &run, &err) == st);
  CHECK(run == NULL);
  CHECK_HAS(err.msg, want);
}

/* Column names with alternatives: each log reads the first it has, so a
 * W&B export and a trainer_state.json are read with the same names. */
static void test_alternatives(void) {
  fslaw_run_columns cols = {NULL, "train/learning_rate|learning_rate", "train/loss|loss", NULL};
  fslaw_run *r = parse("wandb.csv", "Step,run - train/loss,run - train/learning_rate\n"
                                    "0,5,1\n10,4,0.5\n", &cols);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 4 && fslaw_run_lr(r)[10] == 0.5);
  CHECK(r && !strcmp(fslaw_run_column(r, "loss"), "train/loss") &&
        !strcmp(fslaw_run_column(r, "lr"), "train/learning_rate") &&
        !strcmp(fslaw_run_column(r, "step"), "step") && !fslaw_run_column(r, "tokens"));
  fslaw_run_destroy(r);
  r = parse("trainer_state.json", "{\"log_history\": [{\"step\": 10, \"learning_rate\": 1, "
                                  "\"loss\": 3}, {\"step\": 20, \"learning_rate\": 0.5, \"loss\": 2.5}]}",
            &cols);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_lr(r)[20] == 0.5);
  CHECK(r && !strcmp(fslaw_run_column(r, "loss"), "loss") && fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
  /* the first alternative wins when a log has several */
  fslaw_run_columns loss_cols = {NULL, NULL, "train/loss|loss", NULL};
  r = parse("both.csv", "step,loss,train/loss,lr\n0,3,7,1\n", &loss_cols);
  CHECK(r && fslaw_run_loss(r)[0] == 7 && !strcmp(fslaw_run_column(r, "lr"), "lr"));
  fslaw_run_destroy(r);
  r = parse("d.json", "[{\"step\": 0, \"loss\": 3}, {\"step\": 1, \"train/loss\": 2}]", &loss_cols);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 2);
  fslaw_run_destroy(r);
  /* JSONL decides at the first record with one of the names */
  r = parse("j.jsonl", "{\"step\": 0, \"loss\": 3}\n{\"step\": 1, \"loss\": 2}\n", &loss_cols);
  CHECK(r && fslaw_run_nloss(r) == 2 && !strcmp(fslaw_run_column(r, "loss"), "loss"));
  fslaw_run_destroy(r);
  check_bad_cols("j.jsonl", "{\"step\": 0, \"loss\": 3}\n{\"step\": 1, \"train/loss\": 2}\n", &loss_cols,
                 FSLAW_EPARSE, "j.jsonl:2:13: key 'train/loss' after records with 'loss' (from line 1); "
                 "name the column with --col loss=COLUMN");
  /* a named column must have one of its names */
  check_bad_cols("w.csv", "step,lr,val/loss\n0,1,3\n", &loss_cols, FSLAW_EPARSE,
                 "w.csv:1: missing column 'train/loss' or 'loss' (the header has: step, lr, val/loss)");
  check_bad_cols("w.jsonl", "{\"step\": 0, \"learning_rate\": 1}\n", &loss_cols, FSLAW_EPARSE,
                 "w.jsonl: no record has the key 'train/loss' or 'loss'");
  fslaw_run_columns three = {"a|b|c", NULL, NULL, NULL};
  check_bad_cols("w.csv", "step,lr\n0,1\n", &three, FSLAW_EPARSE,
                 "w.csv:1: missing column 'a', 'b' or 'c' (the header has: step, lr)");
  check_bad_cols("w.jsonl", "{\"lr\": 1}\n", &three, FSLAW_EPARSE,
                 "w.jsonl:1:1: missing column 'step' (no numeric key 'a', 'b' or 'c')");
  /* malformed lists */
  fslaw_run_columns empty = {NULL, NULL, "loss||x", NULL}, many = {NULL, NULL, "a|b|c|d|e|f|g|h|i", NULL};
  check_bad_cols("w.csv", "step,loss\n0,1\n", &empty, FSLAW_EINVAL, "column of loss: empty name in 'loss||x'");
  check_bad_cols("w.csv", "step,loss\n0,1\n", &many, FSLAW_EINVAL, "column of loss: more than 8 names");
  /* the default lr list: which name was read */
  r = parse("hf.csv", "step,learning_rate,loss\n0,1,3\n", NULL);
  CHECK(r && !strcmp(fslaw_run_column(r, "lr"), "learning_rate") && !fslaw_run_column(r, "bogus"));
  fslaw_run_destroy(r);
  /* a column that is there but empty is told from a missing one */
  r = parse("e.csv", "step,lr,loss\n0,,3\n", NULL);
  CHECK(r && !fslaw_run_lr(r) && !strcmp(fslaw_run_column(r, "lr"), "lr"));
  fslaw_run_destroy(r);
  r = parse("e.csv", "step,loss\n0,3\n", NULL);
  CHECK(r && !fslaw_run_lr(r) && !fslaw_run_column(r, "lr"));
  fslaw_run_destroy(r);
}

/* PyTorch Lightning: CSVLogger's metrics.csv (rate, loss and validation rows
 * apart), its W&B history with "trainer/global_step", its event files; the
 * rate is LearningRateMonitor's "lr-" and the optimizer's class, the loss
 * "train_loss" or "train_loss_step", never the epoch's mean or val_loss. */
/* Whether run r read quantity what from the input name `name`. */
static int col_is(const fslaw_run *r, const char *what, const char *name) {
  const char *c = fslaw_run_column(r, what);
  return c && !strcmp(c, name);
}

static void test_lightning(const char *root) {
  fslaw_run *r = parse("metrics.csv", "epoch,lr-AdamW,step,train_loss,val_loss\n,0.001,0,,\n"
                                      "0,,9,3.5,\n,0.0008,10,,\n0,,19,3.25,\n0,,19,,3.75\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 20 && fslaw_run_nloss(r) == 2);
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[0] == 9 && fslaw_run_loss(r)[0] == 3.5 &&
          fslaw_run_loss_steps(r)[1] == 19 && fslaw_run_loss(r)[1] == 3.25);
    CHECK(fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 1e-3 && fslaw_run_lr(r)[10] == 8e-4 &&
          fslaw_run_lr(r)[19] == 8e-4);
    CHECK(col_is(r, "lr", "lr-AdamW") &&
          col_is(r, "loss", "train_loss"));
  }
  fslaw_run_destroy(r);
  /* on_step and on_epoch: the step's loss, not the epoch's mean; the momentum
   * LearningRateMonitor logs beside the rate is not a rate; any optimizer class */
  r = parse("m.csv", "epoch,lr-SGD,lr-SGD-momentum,step,train_loss_epoch,train_loss_step\n"
                     "0,0.1,0.9,4,,2.5\n0,,,4,2.75,\n0,0.05,0.9,9,,2.25\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 2.5 && fslaw_run_loss(r)[1] == 2.25 &&
        fslaw_run_lr(r) && fslaw_run_lr(r)[4] == 0.1 && fslaw_run_lr(r)[9] == 0.05);
  CHECK(r && col_is(r, "loss", "train_loss_step") &&
        col_is(r, "lr", "lr-SGD"));
  fslaw_run_destroy(r);
  r = parse("m.csv", "step,train_loss_epoch,val_loss,lr-AdamW\n9,3,3.5,0.1\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 0 && !fslaw_run_column(r, "loss"));
  fslaw_run_destroy(r);
  /* the defaults come first: "lr" and "loss" win */
  r = parse("m.csv", "step,lr,lr-AdamW,loss,train_loss\n0,1,2,3,4\n", NULL);
  CHECK(r && fslaw_run_lr(r)[0] == 1 && fslaw_run_loss(r)[0] == 3);
  fslaw_run_destroy(r);
  /* param groups or two optimizers may have different rates: none is read
   * without --col, and then neither is train_loss (not a Lightning log) */
  r = parse("pg.csv", "step,lr-AdamW/pg1,lr-AdamW/pg2,train_loss\n0,1,2,3\n", NULL);
  CHECK(r && !fslaw_run_lr(r) && !fslaw_run_column(r, "lr") && fslaw_run_nloss(r) == 0);
  fslaw_run_destroy(r);
  r = parse("gan.csv", "step,lr-Adam,lr-SGD,train_loss_step\n0,1,2,3\n", NULL);
  CHECK(r && !fslaw_run_lr(r) && fslaw_run_nloss(r) == 0);
  fslaw_run_destroy(r);
  fslaw_run_columns pg1 = {NULL, "lr-AdamW/pg1", NULL, NULL};
  r = parse("pg.csv", "step,lr-AdamW/pg1,lr-AdamW/pg2,train_loss\n0,1,2,3\n", &pg1);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 1 && fslaw_run_nloss(r) == 1 &&
        fslaw_run_loss(r)[0] == 3);
  fslaw_run_destroy(r);
  /* a '*' given with --col matches the same way */
  fslaw_run_columns wild = {NULL, "lr-*", NULL, NULL};
  r = parse("w.csv", "step,lr-Lion,lr-Lion-momentum,loss\n0,2,3,4\n", &wild);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 2 && col_is(r, "lr", "lr-Lion"));
  fslaw_run_destroy(r);
  /* WandbLogger's history (JSONL): the step is trainer/global_step, not W&B's _step */
  const char *wb = "{\"lr-AdamW\": 0.001, \"trainer/global_step\": 0, \"_step\": 0}\n"
                   "{\"train_loss\": 3.5, \"epoch\": 0, \"trainer/global_step\": 49, \"_step\": 1}\n"
                   "{\"lr-AdamW\": 0.0005, \"trainer/global_step\": 50, \"_step\": 2}\n"
                   "{\"train_loss\": 3.25, \"epoch\": 0, \"trainer/global_step\": 99, \"_step\": 3}\n"
                   "{\"val_loss\": 3.75, \"epoch\": 0, \"trainer/global_step\": 99, \"_step\": 4}\n";
  r = parse("wandb-history.jsonl", wb, NULL);
  CHECK(r && fslaw_run_steps(r) == 100 && fslaw_run_nloss(r) == 2);
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[0] == 49 && fslaw_run_loss(r)[0] == 3.5 &&
          fslaw_run_loss_steps(r)[1] == 99 && fslaw_run_loss(r)[1] == 3.25);
    CHECK(fslaw_run_lr(r) && fslaw_run_lr(r)[0] == 1e-3 && fslaw_run_lr(r)[50] == 5e-4);
    CHECK(col_is(r, "step", "trainer/global_step") &&
          col_is(r, "lr", "lr-AdamW") &&
          col_is(r, "loss", "train_loss"));
  }
  fslaw_run_destroy(r);
  /* ... and as one JSON document */
  r = parse("h.json", "[{\"trainer/global_step\": 0, \"lr-AdamW\": 0.5},"
                      " {\"trainer/global_step\": 4, \"train_loss\": 2}]", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss_steps(r)[0] == 4 &&
        fslaw_run_loss(r)[0] == 2 && fslaw_run_lr(r) && fslaw_run_lr(r)[4] == 0.5);
  fslaw_run_destroy(r);
  /* TensorBoardLogger's event files read as the CSV of their values
   * (tests/data/lightning/make_lightning.py) */
  char dir[1024], csv[1024];
  snprintf(dir, sizeof dir, "%s/tests/data/lightning/lightning_run", root);
  snprintf(csv, sizeof csv, "%s/tests/data/lightning/lightning_run.csv", root);
  fslaw_run *ev = NULL, *want = NULL;
  fslaw_error err;
  CHECK(fslaw_run_read(dir, FSLAW_RUN_AUTO, NULL, &ev, &err) == FSLAW_OK);
  CHECK(fslaw_run_read(csv, FSLAW_RUN_AUTO, NULL, &want, &err) == FSLAW_OK);
  if (ev && want) {
    CHECK(fslaw_run_steps(ev) == 200 && fslaw_run_steps(want) == 200 &&
          fslaw_run_nloss(ev) == 20 && fslaw_run_nloss(want) == 20);
    CHECK(!memcmp(fslaw_run_loss_steps(ev), fslaw_run_loss_steps(want), 20 * sizeof(size_t)) &&
          !memcmp(fslaw_run_loss(ev), fslaw_run_loss(want), 20 * sizeof(double)));
    CHECK(fslaw_run_lr(ev) && !memcmp(fslaw_run_lr(ev), fslaw_run_lr(want), 200 * sizeof(double)));
    CHECK(col_is(ev, "lr", "lr-AdamW") &&
          col_is(ev, "loss", "train_loss_step"));
  }
  fslaw_run_destroy(ev);
  fslaw_run_destroy(want);
}

/* JSON records with none of the columns' names (a config or summary record)
 * are skipped; a log of only such records is an error saying so. */
static void test_skipped_records(void) {
  fslaw_run *r = parse("c.jsonl", "{\"config\": {\"model\": \"gpt2\", \"lr\": 3e-4}}\n"
                                  "{\"step\": 0, \"lr\": 1, \"loss\": 3}\n{\"step\": 2, \"lr\": 1, \"loss\": 2}\n"
                                  "{\"summary\": {\"final\": 2}}\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 3 && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 2);
  fslaw_run_destroy(r);
  r = parse("c.json", "[{\"run\": \"x\"}, {\"step\": 1, \"lr\": 1, \"loss\": 3}]", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1);
  fslaw_run_destroy(r);
  check_bad("c.jsonl", "\n{\"config\": 1}\n{\"global_step\": 1, \"train_loss\": 3}\n",
            "c.jsonl: none of its 2 records has a key for step, lr, loss or tokens (the first is at "
            "line 2); name the keys with --col NAME=KEY");
  check_bad("c.json", "[{\"run\": \"x\"}]", "c.json: none of its 1 records has a key");
  /* a record with a loss but no step is still an error */
  check_bad("c.jsonl", "{\"config\": 1}\n{\"loss\": 3}\n", "c.jsonl:2:1: missing column 'step'");
}

/* Summaries of the bundled runs: warmup, kinks, intrinsic time. */
static void test_summary(const char *root) {
  static const struct {
    const char *name;
    size_t nkinks, kink;
  } runs[] = {{"cosine_24000", 0, 0}, {"constant_72000", 0, 0}, {"wsd_20000_24000", 1, 20000},
              {"wsdld_20000_24000", 1, 20000}, {"wsdcon_9", 1, 8000}};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/data/mpl/100M/%s.csv", root, runs[i].name);
    fslaw_run *r;
    fslaw_error err;
    CHECK(fslaw_run_read(path, FSLAW_RUN_CSV, NULL, &r, &err) == FSLAW_OK);
    if (!r) continue;
    fslaw_run_summary s;
    CHECK(fslaw_run_summarize(r, &s, &err) == FSLAW_OK);
    CHECK(s.warmup == 2159); /* inclusive ramp: the peak at step 2159 */
    CHECK(s.nkinks == runs[i].nkinks);
    if (runs[i].nkinks) CHECK(s.kinks[0] == runs[i].kink);
    CHECK(s.lr_min == 0 && s.lr_max == 3e-4);
    /* t_final: the warmup area 3e-4 * 2159*2160/2 / 2159 plus the rest */
    double t = 0;
    for (size_t k = 0; k < s.steps; k++) t += fslaw_run_lr(r)[k];
    CHECK_REL(s.t_final, t, 1e-10); /* t is a plain (uncompensated) sum */
    CHECK(s.nloss > 90 && s.loss_min > 2 && s.loss_max < 4);
    fslaw_run_destroy(r);
  }
  /* constant_24000: t = 3e-4 * (2160/2 + 24000 - 2160) exactly in theory */
  char path[1024];
  snprintf(path, sizeof path, "%s/data/mpl/25M/constant_24000.csv", root);
  fslaw_run *r;
  fslaw_run_summary s;
  CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, NULL, &r, NULL) == FSLAW_OK);
  CHECK(fslaw_run_summarize(r, &s, NULL) == FSLAW_OK);
  CHECK_REL(s.t_final, 3e-4 * (2159.0 * 2160.0 / 2 / 2159.0 + 24000 - 2160), 1e-12);
  fslaw_run_destroy(r);
  /* a jump and a slope change in a synthetic schedule (the decay logged at
   * two steps: at its end alone, a drop after a flat stretch is a jump) */
  r = parse("k.csv", "step,lr\n0,1\n10,1\n11,0.5\n20,0.5\n25,0.25\n30,0.0\n", NULL);
  CHECK(fslaw_run_summarize(r, &s, NULL) == FSLAW_OK);
  CHECK(s.warmup == 0 && s.nkinks == 2 && s.kinks[0] == 11 && s.kinks[1] == 20);
  fslaw_run_destroy(r);
  /* a drop at the log's last step is a kink there, not one step early */
  r = parse("end.csv", "step,lr\n0,1\n1,1\n2,1\n3,1\n4,0.5\n", NULL);
  CHECK(fslaw_run_summarize(r, &s, NULL) == FSLAW_OK && s.nkinks == 1 && s.kinks[0] == 4);
  fslaw_run_destroy(r);
  /* rates logged rounded: a cosine to 5 digits has no kinks, a WSD decay
   * start to 6 digits and a jump between round numbers keep theirs */
  for (int shape = 0; shape < 3; shape++) {
    size_t n = 24000, len = 0, cap = 64 * n;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "step,lr\n");
    for (size_t k = 0; k < n; k++) {
      double x = (double)k / (double)n, lr = shape == 0 ? 1.5e-4 * (1 + cos(3.14159265358979 * x)) + 3e-5
                                       : shape == 1 ? (k < 20000 ? 3e-4 : 3e-4 * (24000.0 - k) / 4000)
                                                    : (k < 8000 ? 3e-4 : 3e-5);
      len += (size_t)snprintf(text + len, cap - len, shape == 1 ? "%zu,%.6g\n" : "%zu,%.5g\n", k, lr);
    }
    r = parse("rounded.csv", text, NULL);
    CHECK(r && fslaw_run_summarize(r, &s, NULL) == FSLAW_OK);
    CHECK(s.nkinks == (shape == 0 ? 0u : 1u));
    if (shape) CHECK(s.kinks[0] == (shape == 1 ? 20000u : 8000u));
    fslaw_run_destroy(r);
    free(text);
  }
  r = parse("nolr.csv", "step,loss\n0,1\n", NULL);
  fslaw_error err;
  CHECK(fslaw_run_summarize(r, &s, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "has no learning rates");
  fslaw_run_destroy(r);
  fslaw_run_destroy(NULL);
}

/* The schedule `spec` logged every `every` steps from step `from` (and at
 * its last step), read back: every step's rate is compared with the
 * schedule's, to tol * peak, exactly when `tol` is 0. Returns the number of steps that
 * differ. */
static size_t sparse_diffs(const char *spec, size_t every, size_t from, double tol) {
  fslaw_schedule *sc;
  fslaw_error err;
  if (fslaw_schedule_create(spec, &sc, &err)) {
    fprintf(stderr, "%s: %s\n", spec, err.msg);
    return (size_t)-1;
  }
  size_t n = fslaw_schedule_steps(sc), cap = 40 * n + 16, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text, cap, "step,lr\n");
  for (size_t k = from; k < n; k += every)
    len += (size_t)snprintf(text + len, cap - len, "%zu,%.17g\n", k, fslaw_schedule_rate(sc, k));
  if ((n - 1 - from) % every)
    snprintf(text + len, cap - len, "%zu,%.17g\n", n - 1, fslaw_schedule_rate(sc, n - 1));
  fslaw_run *r = parse("sparse.csv", text, NULL);
  size_t bad = r && fslaw_run_steps(r) == n ? 0 : (size_t)-1;
  for (size_t k = 0; r && !bad && k < n; k++) {
    double want = fslaw_schedule_rate(sc, k), got = fslaw_run_lr(r)[k];
    bad += tol ? !(fabs(got - want) <= tol * fslaw_schedule_peak(sc)) : got != want;
  }
  fslaw_run_destroy(r);
  fslaw_schedule_destroy(sc);
  free(text);
  return bad;
}

/* A rate that changes between flat stretches jumps at its logged step;
 * ramps (warmup, cosine, linear decay) stay interpolated. */
static void test_steps(void) {
  /* a multistep decay logged every 50 steps reads back exactly (before:
   * 50-step ramps into each milestone) */
  CHECK(sparse_diffs("multistep:milestones=0.5/0.75,factor=0.1,steps=24000,peak=0.1", 50, 0, 0) == 0);
  CHECK(sparse_diffs("multistep:milestones=0.3/0.6/0.8,factor=0.2,steps=9000,warmup=500", 50, 0,
                     1e-15) == 0); /* the warmup to rounding */
  CHECK(sparse_diffs("twostage:switch=700,low=3e-5,peak=3e-4,steps=1000", 100, 100, 0) == 0);
  /* a linear warmup is interpolated exactly, also from a first log at step
   * 50 of a 100-step warmup (a ramp from 0, then flat: no jump at step 100) */
  CHECK(sparse_diffs("constant:warmup=100,steps=1000", 50, 0, 1e-15) == 0);
  CHECK(sparse_diffs("constant:warmup=100,steps=1000", 50, 50, 1e-15) == 0);
  /* a cosine logged every 50 steps: interpolated as before, within the
   * interpolation's error (4.3e-4 of the peak), each rate between logged
   * ones on the line through them */
  CHECK(sparse_diffs("cosine:peak=1e-3,warmup=100,steps=2000", 50, 0, 5e-4) == 0);
  fslaw_schedule *sc;
  CHECK(fslaw_schedule_create("cosine:peak=1e-3,warmup=100,steps=2000", &sc, NULL) == FSLAW_OK);
  char text[4096] = "step,lr\n";
  for (size_t k = 0, len = strlen(text); k < 2000; k += 50)
    len += (size_t)snprintf(text + len, sizeof text - len, "%zu,%.17g\n", k, fslaw_schedule_rate(sc, k));
  fslaw_schedule_destroy(sc);
  fslaw_run *r = parse("cos.csv", text, NULL);
  size_t off = 0;
  for (size_t k = 25; r && k < 1950; k += 50) {
    const double *lr = fslaw_run_lr(r);
    off += !(fabs(lr[k] - (lr[k - 25] + lr[k + 25]) / 2) <= 1e-15 * lr[k - 25]);
  }
  CHECK(r && off == 0);
  fslaw_run_destroy(r);
  /* a linear decay, and a WSD's, logged every 50 steps: interpolated exactly */
  CHECK(sparse_diffs("linear:peak=1e-3,steps=1000", 50, 0, 1e-12) == 0);
  CHECK(sparse_diffs("wsd:decay=0.2,steps=1000", 50, 0, 1e-12) == 0);
  /* a change with no flat neighbour, or with no neighbour at all, stays linear */
  r = parse("iso.csv", "step,lr\n0,1\n50,0.9\n100,0.5\n150,0.4\n", NULL);
  CHECK(r && fslaw_run_lr(r)[75] == 0.7 && fslaw_run_lr(r)[99] == 0.9 - 0.4 * 49 / 50.0);
  CHECK(r && fslaw_run_lr_jumps(r) == 0);
  fslaw_run_destroy(r);
  r = parse("two.csv", "step,lr\n0,1\n100,0.5\n", NULL);
  CHECK(r && fslaw_run_lr(r)[50] == 0.75);
  fslaw_run_destroy(r);
  /* flat on one side only: a ramp */
  r = parse("one.csv", "step,lr\n0,1\n50,1\n100,0.5\n150,0.25\n", NULL);
  CHECK(r && fslaw_run_lr(r)[75] == 0.75);
  fslaw_run_destroy(r);
  /* rates equal to a relative 1e-9 (printed to other digits) are flat */
  r = parse("flat.csv", "step,lr\n0,1\n50,1.0000000001\n100,0.1\n150,0.10000000001\n", NULL);
  CHECK(r && fslaw_run_lr(r)[99] == 1.0000000001 && fslaw_run_lr(r)[100] == 0.1);
  CHECK(r && fslaw_run_lr_jumps(r) == 1); /* counted for the CLI's note */
  fslaw_run_destroy(r);
  r = parse("start.csv", "step,lr,loss\n50,1,3\n100,1,3\n150,0.1,2\n200,0.1,1\n", NULL);
  CHECK(r && fslaw_run_lr(r)[0] == 1 && fslaw_run_lr(r)[149] == 1 && fslaw_run_lr(r)[150] == 0.1);
  fslaw_run_destroy(r);
  /* at either end of the log one side is unknown: linear (a decay tail
   * inside the last logging interval is not held at the peak) */
  r = parse("end.csv", "step,lr\n0,1\n50,1\n100,0.1\n", NULL);
  CHECK(r && fabs(fslaw_run_lr(r)[75] - 0.55) < 1e-15 && fslaw_run_lr_jumps(r) == 0);
  fslaw_run_destroy(r);
  r = parse("f32.csv", "step,lr\n0,1\n50,1.00000001\n100,0.1\n", NULL); /* 1e-8: not flat */
  CHECK(r && fslaw_run_lr(r)[75] > 0.5 && fslaw_run_lr(r)[75] < 0.6);
  fslaw_run_destroy(r);
  /* inspect: one kink at the drop, not two at the ends of a ramp */
  r = parse("drop.csv", "step,lr\n0,1\n50,1\n100,0.1\n150,0.1\n200,0.1\n", NULL);
  fslaw_run_summary s;
  CHECK(r && fslaw_run_summarize(r, &s, NULL) == FSLAW_OK && s.nkinks == 1 && s.kinks[0] == 100);
  fslaw_run_destroy(r);
}

/* Printed logs as a review of real tools' output found them: evaluation
 * lines, progress bars redrawn with '\r', digit groups and unit suffixes,
 * a bracket after a name, every rank printing, several runs in one file. */
static void test_text_review(void) {
  fslaw_run *r = parse("e.log", "step 100 | loss 3.20 | lr 1e-4\n[eval] step 100 | loss 3.40\n"
                                "VAL | step 200 | loss 3.30\nValidation - step 200 - loss 3.3\n"
                                "step 200 | loss 3.10 | lr 1e-4 | val: n/a\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 3.2 && fslaw_run_loss(r)[1] == 3.1 &&
        fslaw_run_replaced(r) == 0);
  fslaw_run_destroy(r);
  r = parse("bar.log", "iter 1: loss 3.0, lr 1e-3\riter 2: loss 2.9, lr 1e-3\riter 3: loss 2.8, "
                       "lr 1e-3\r\niter 4: loss 2.7, lr 1e-3\r\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 4 && fslaw_run_loss(r)[2] == 2.8);
  fslaw_run_destroy(r);
  check_bad("bar.log", "iter 1: loss 3.0\riter 2: loss nan\niter 3: loss 1\n",
            "bar.log:1:26: column 'loss': NaN");
  r = parse("g.log", "step 1,000 | loss 3.2 | lr 1e-4 | tokens 1,228,800 | tps 1,234\n"
                     "step 2,000 | loss 3.1 | lr 1e-4 | tokens 2.5M\n", NULL);
  CHECK(r && fslaw_run_steps(r) == 2001 && fslaw_run_loss_steps(r)[0] == 1000 &&
        fslaw_run_tokens(r) && fslaw_run_tokens(r)[0] == 1228800 && fslaw_run_tokens(r)[1] == 2.5e6);
  fslaw_run_destroy(r);
  check_bad("dc.log", "step 1 | loss 3,210\n", "dc.log:1:10: column 'loss': expected a number, got "
            "'3,210' (digit groups, or a decimal comma?)");
  check_bad("u.log", "step 1 | loss 3 | tokens 5ms\n", "u.log:1:19: column 'tokens': expected a "
            "number, got '5m...' (a unit after the number?)");
  r = parse("b.log", "Epoch [1/10], Step [100/1000], Loss: 2.3000, lr=[0.0001, 0.0002]\n", NULL);
  CHECK(r && fslaw_run_loss_steps(r)[0] == 100 && fslaw_run_loss(r)[0] == 2.3 &&
        fslaw_run_lr(r) && fslaw_run_lr(r)[100] == 1e-4);
  fslaw_run_destroy(r);
  check_bad("ranks.log", "step 10 loss 3.0 lr 1e-3\nstep 10 loss 3.1 lr 1e-3\n",
            "ranks.log:2:9: step 10 again, with loss 3.1 where line 1 has 3: several ranks");
  check_bad("two.log", "step 1 loss 5\nstep 1 loss 6\n", "step 1 again");
  check_bad("runs.log", "[a] step 100 loss 5\n[b] step 150 loss 6\n[a] step 200 loss 4\n"
                        "[b] step 160 loss 5\n[a] step 300 loss 3\n[b] step 170 loss 4\n"
                        "[a] step 400 loss 2\n[b] step 180 loss 3\n[a] step 500 loss 1\n"
                        "[b] step 190 loss 2\n",
            "runs.log: the steps go back 4 times (first on line 4): several runs or ranks");
  check_bad("epochs.log", "epoch 1 iter 100 loss 3.4\nepoch 1 iter 200 loss 3.3\n"
                          "epoch 2 iter 100 loss 2.9\n", "epochs.log:3:9: the steps go back to 100, to "
            "or before the first step logged (100): a counter that restarts each epoch");
  r = parse("tensor.log", "step 10 loss tensor(3.2100, device='cuda:0', grad_fn=<NllLossBackward0>)\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3.21);
  fslaw_run_destroy(r);
  /* a run resumed once goes back once: the later records win, as in the other formats */
  r = parse("res.log", "step 10 loss 5\nstep 20 loss 4\nstep 30 loss 3.5\nstep 20 loss 4.1\n"
                       "step 30 loss 3.4\nstep 40 loss 3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 4 && fslaw_run_loss(r)[2] == 3.4 && fslaw_run_replaced(r) == 2);
  fslaw_run_destroy(r);
}

/* Printed logs: nanoGPT, Megatron-LM, torchtitan (colour codes) and
 * key=value lines; banners and evaluation lines skipped; errors located. */
static void test_text(void) {
  const char *nano = "Overriding config with config/train_shakespeare_char.py:\n"
                     "tokens per iteration will be 16,384\n"
                     "number of parameters: 10.65M\n"
                     "step 0: train loss 4.2874, val loss 4.2823\n"
                     "iter 0: loss 4.2649, time 12345.67ms, mfu -100.00%\n"
                     "iter 10: loss 3.2176, time 45.12ms, mfu 12.30%\n"
                     "step 20: train loss 2.9, val loss 3.0\n"
                     "saving checkpoint to out\n"
                     "iter 20: loss 2.7812, time 2001.22ms, mfu 11.10%\n";
  fslaw_run *r = parse("train.log", nano, NULL);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_steps(r) == 21 && !fslaw_run_lr(r));
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[1] == 10 && fslaw_run_loss(r)[1] == 3.2176 &&
          fslaw_run_loss(r)[2] == 2.7812);
    CHECK(!strcmp(fslaw_run_column(r, "step"), "iter") && !strcmp(fslaw_run_column(r, "loss"), "loss"));
  }
  fslaw_run_destroy(r);
  const char *mega =
      " [2024-05-01 10:00:00] iteration       10/    5000 | consumed samples:         5120 | "
      "elapsed time per iteration (ms): 1234.5 | learning rate: 3.000000E-05 | global batch "
      "size:   512 | lm loss: 1.034567E+01 | loss scale: 1.0 | grad norm: 12.345 |\n"
      " validation loss at iteration 10 | lm loss value: 9.812345E+00 | lm loss PPL: 1.8E+04 |\n"
      " [2024-05-01 10:00:12] iteration       20/    5000 | consumed samples:        10240 | "
      "elapsed time per iteration (ms): 1200.1 | learning rate: 6.000000E-05 | global batch "
      "size:   512 | lm loss: 9.876543E+00 | loss scale: 1.0 | grad norm: 8.765 |\n";
  r = parse("megatron.out", mega, NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_steps(r) == 21 && fslaw_run_lr(r));
  if (r) {
    CHECK(fslaw_run_loss(r)[0] == 10.34567 && fslaw_run_loss(r)[1] == 9.876543);
    CHECK(fslaw_run_lr(r)[10] == 3e-5 && fslaw_run_lr(r)[20] == 6e-5);
    CHECK(!strcmp(fslaw_run_column(r, "lr"), "learning rate") &&
          !strcmp(fslaw_run_column(r, "loss"), "lm loss"));
    /* Megatron-LM prints the mean over its --log-interval (its event files
     * hold the step's own loss: test_tfevents.c) */
    CHECK(fslaw_run_loss_is_mean(r));
  }
  fslaw_run_destroy(r);
  const char *titan = "\x1b[31mstep: \x1b[39m 1  \x1b[32mloss: 12.2345\x1b[39m  "
                      "\x1b[33mmemory: 10.00GiB(10.52%)\x1b[39m  \x1b[34mtps: 1,234\x1b[39m\n"
                      "[titan] 2025-01-01 12:00:00,123 - root - INFO - \x1b[31mstep:  2  "
                      "\x1b[32mloss: 11.5000  \x1b[33mmemory: 10.00GiB(10.52%)\x1b[39m\n";
  r = parse("titan.txt", titan, NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 12.2345 &&
        fslaw_run_loss(r)[1] == 11.5 && fslaw_run_loss_steps(r)[1] == 2);
  CHECK(r && !fslaw_run_loss_is_mean(r)); /* torchtitan prints the step's loss */
  fslaw_run_destroy(r);
  /* a format outside the enum is refused, not read as CSV */
  r = (fslaw_run *)1;
  fslaw_error err42;
  CHECK(fslaw_run_parse("x", "step,loss\n1,2\n", 12, (fslaw_run_format)42, NULL, &r, &err42) ==
            FSLAW_EINVAL && r == NULL);
  /* key=value, any case; an explicit format needs no file name */
  const char *kv = "Step=0 LR=1e-4 Loss=5.0\nstep=4 lr=2e-4 loss=4.5 eval_loss=9\n";
  fslaw_error err;
  r = NULL;
  CHECK(fslaw_run_parse("kv", kv, strlen(kv), FSLAW_RUN_TEXT, NULL, &r, &err) == FSLAW_OK);
  CHECK(r && fslaw_run_steps(r) == 5 && fslaw_run_lr(r)[4] == 2e-4 && fslaw_run_loss(r)[1] == 4.5);
  fslaw_run_destroy(r);
  const fslaw_run_columns eval = {NULL, NULL, "eval_loss", NULL};
  r = NULL;
  CHECK(fslaw_run_parse("kv", kv, strlen(kv), FSLAW_RUN_TEXT, &eval, &r, &err) == FSLAW_OK);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 9);
  fslaw_run_destroy(r);
  check_bad("bad.log", "iter 0: loss 3.0\niter 10: loss nan, time 1ms\n",
            "bad.log:2:10: column 'loss': NaN is not a valid value");
  check_bad("mix.log", "iter 0: loss 3.0\nstep 20: loss 1.5\n",
            "mix.log:2:1: the step is named 'step' here, 'iter' on the lines before (from line 1)");
  check_bad("mix2.log", "step 0: loss 3.0\niter 20: loss 1.5\n",
            "mix2.log:2:1: the step is named 'iter' here, 'step' on the lines before (from line 1)");
  check_bad("none.log", "hello\nloss 3\n[eval] step 3 loss 2\n", "none.log: no line names a step "
            "('step', 'iter', 'iteration' or 'completed step') and a rate ('lr'");
  check_bad("none.log", "hello\nloss 3\n[eval] step 3 loss 2\n", "(1 evaluation line skipped)");
  /* the Hugging Face Trainer's printed dicts name no step: its trainer_state.json does */
  const char *hf = "  0%|          | 0/500 [00:00<?, ?it/s]\n"
                   "{'loss': 2.3456, 'grad_norm': 1.23, 'learning_rate': 4.9e-05, 'epoch': 0.01}\n"
                   "{'loss': 2.1, 'grad_norm': 1.1, 'learning_rate': 4.8e-05, 'epoch': 0.02}\n";
  check_bad("hf.log", hf, "hf.log:2: the Hugging Face Trainer's printed dicts ({'loss': ..., "
            "'learning_rate': ..., 'epoch': ...}) name no step, and fslaw does not invent one: read "
            "the run's trainer_state.json instead (in each checkpoint-N folder of the Trainer's "
            "output_dir), which fslaw reads as it is");
  check_bad("hf.log", "INFO:root:{'loss': 2.5, 'epoch': 0.5}\n", "hf.log:1: the Hugging Face Trainer's");
  /* other dicts without a step keep the general message */
  check_bad("d.log", "{'loss': 2.5, 'lr': 1e-3}\n", "d.log: no line names a step");
  test_text_review();
  /* .txt holding CSV or JSON is read as such; "[titan]" or "[2024-..." is text */
  r = parse("t.txt", "step,lr,loss\n0,1e-3,3\n1,1e-3,2\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && !strcmp(fslaw_run_column(r, "step"), "step"));
  fslaw_run_destroy(r);
  r = parse("t.txt", "[{\"step\": 1, \"loss\": 2}]", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1);
  fslaw_run_destroy(r);
  r = parse("t.log", "[2024-05-01] step 3 loss 2.5\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss_steps(r)[0] == 3);
  fslaw_run_destroy(r);
  /* ... and so is a printed dict, a JSON config line or a comma banner before them */
  const char *starts[] = {"{'data': {'batch_size': 4}, 'lr': 3e-4}\n", "{\"config\": 1} trailing\n",
                          "Loading data, please wait\n"};
  for (int i = 0; i < 3; i++) {
    char text[256];
    snprintf(text, sizeof text, "%siter 1 | loss 3.5\niter 2 | loss 3.25\n", starts[i]);
    r = parse("litgpt.txt", text, NULL);
    CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 3.25);
    fslaw_run_destroy(r);
  }
}

/* Printed records of several lines: OLMo's "[step=N/M]" and composer's
 * "[batch=N/M]:" followed by one metric a line, indented; their evaluation
 * blocks are not read; where such a record ends; errors located on the
 * value's own line. */
static void test_text_blocks(void) {
  const char *olmo =
      "2024-02-01 12:00:00.001\tnode-12:0\tolmo.train:1140\tINFO\tPre-train system metrics\n"
      "    System/Peak GPU Memory (MB)=12,345\n"
      "2024-02-01 12:00:10.001\tnode-12:0\tolmo.train:1218\tINFO\t[step=1/739328]\n"
      "    train/CrossEntropyLoss=11.02\n"
      "    train/Perplexity=61,000\n"
      "    throughput/total_tokens=4,194,304\n"
      "2024-02-01 12:00:20.001\tnode-12:0\tolmo.train:1218\tINFO\t[step=2/739328]\n"
      "    train/CrossEntropyLoss=10.51\n"
      "2024-02-01 12:00:20.401\tnode-12:0\tolmo.train:1030\tINFO\t[eval_step=2/2]\n"
      "2024-02-01 12:00:20.501\tnode-12:0\tolmo.train:1036\tINFO\tv3-small-c4_en-validation\n"
      "    eval/v3-small-c4_en-validation/CrossEntropyLoss=10.60\n"
      "2024-02-01 12:00:30.001\tnode-12:0\tolmo.train:1218\tINFO\t[step=3/739328]\n"
      "    train/CrossEntropyLoss=9.876\n";
  fslaw_run *r = parse("olmo.log", olmo, NULL);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_steps(r) == 4 && !fslaw_run_lr(r));
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[0] == 1 && fslaw_run_loss_steps(r)[2] == 3);
    CHECK(fslaw_run_loss(r)[0] == 11.02 && fslaw_run_loss(r)[1] == 10.51 && fslaw_run_loss(r)[2] == 9.876);
    CHECK(!strcmp(fslaw_run_column(r, "loss"), "train/CrossEntropyLoss"));
  }
  fslaw_run_destroy(r);
  /* OLMo-core: more names on the step's line; a step's line alone (no metrics) is nothing */
  r = parse("core.log", "[step=1/100,epoch=0]\n    train/CE loss=11.02\n    train/PPL=61,000\n"
                        "[step=2/100,epoch=0]\n[step=3/100,epoch=0,eta=1h2m3s]\n    train/CE loss=10.5\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss_steps(r)[1] == 3 && fslaw_run_loss(r)[1] == 10.5);
  fslaw_run_destroy(r);
  const char *composer = "Config:\nnum_gpus_per_node: 8\n[batch=1/1000]:\n\t Train time/batch: 0\n"
                         "\t Train loss/train/total: 11.0234\n\t Train lr-DecoupledAdamW/group0: 0.0001\n"
                         "[batch=2/1000]:\n\t Train time/batch: 1\n\t Train loss/train/total: 10.5000\n"
                         "\t Train lr-DecoupledAdamW/group0: 0.0002\n"
                         "[Eval batch=1/10] Eval on eval data\n[Eval batch=10/10] Eval on eval data:\n"
                         "\t Eval metrics/eval/LanguageCrossEntropy: 10.6000\n"
                         "[batch=3/1000]:\n\t Train time/batch: 2\n\t Train loss/train/total: 9.8760\n";
  /* composer's step is its "batch", which --col names (see text_default_names) */
  check_bad("composer.log", composer, "composer.log: no line names a step");
  check_bad("composer.log", composer, "; line 5 has a loss but no step and continues line 3, which "
            "names 'batch': if that is the step, give --col step=batch");
  const fslaw_run_columns batch = {"batch", "Train lr-DecoupledAdamW/group0", NULL, NULL};
  r = parse("composer.log", composer, &batch);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_loss(r)[0] == 11.0234 && fslaw_run_loss(r)[2] == 9.876);
  CHECK(r && fslaw_run_lr(r) && fslaw_run_lr(r)[1] == 1e-4 && fslaw_run_lr(r)[2] == 2e-4);
  fslaw_run_destroy(r);
  check_bad("ep.log", "[epoch=1][batch=1/10]:\n\t Train loss/train/total: 3.2\n", "continues line 1, "
            "which names 'epoch' or 'batch': if one is the step, give it with --col step=NAME");
  check_bad("flat.log", "hello\nloss 3\n", "; line 2 has a loss but no step: name the step with --col step=NAME");
  /* errors name the value's own line and column */
  check_bad("nan.log", "[step=1/10]\n    train/CrossEntropyLoss=3.2\n[step=2/10]\n"
            "    train/CrossEntropyLoss=nan\n", "nan.log:4:5: column 'train/CrossEntropyLoss': NaN");
  check_bad("again.log", "[step=1/10]\n    loss 3\n[step=1/10]\n  x\n    loss 4\n",
            "again.log:5:5: step 1 again, with loss 4 where line 2 has 3");
  /* the record ends at a line not indented more than its step's, or a blank one */
  const char *ends[] = {"[step=1/10]\nbanner\n    loss 3\n", "[step=1/10]\n\n    loss 3\n",
                        "  step 1\n  loss 3\n", "step 1\n    step 2\n    loss 3\n"};
  for (int i = 0; i < 4; i++) check_bad("end.log", ends[i], "end.log: no line names a step");
  r = parse("crlf.log", "[step=1/10]\r\n    loss 3.5\r\n  lr 1e-4\r\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3.5 && fslaw_run_lr(r)[1] == 1e-4);
  fslaw_run_destroy(r);
  /* the names of a record's lines are matched together: 'loss' is preferred wherever it is */
  r = parse("pref.log", "[step=1/10]\n    train/loss=3.5\n    loss=3.0\n", NULL);
  CHECK(r && fslaw_run_loss(r)[0] == 3.0 && !strcmp(fslaw_run_column(r, "loss"), "loss"));
  fslaw_run_destroy(r);
  /* an evaluation's step (an eval word before it) takes its lines along, and is counted */
  r = parse("ev.log", "[eval] step 5\n    loss 9\nstep 5 loss 3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3);
  fslaw_run_destroy(r);
  check_bad("ev.log", "[eval] step 5\n    loss 9\n", "(1 evaluation line skipped)");
}

/* A value whose own name an evaluation word qualifies (after the value
 * before it: "val: loss", "| val | loss", "[eval] loss") is not the
 * training one; a name holding the word ("val loss", "val_loss") is another
 * name. A label before ": " is not part of the name. */
static void test_text_qualified(void) {
  fslaw_run *r = parse("q.log", "step 100 val: loss 3.3 train: loss 3.1\n"
                                "step 200 | val | loss 3.2 | train | loss 3.0\n"
                                "step 300 [eval] loss 3.1 [train] loss 2.9\n"
                                "step 400, val loss=3.0, loss=2.8\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 4);
  if (r) {
    CHECK(fslaw_run_loss(r)[0] == 3.1 && fslaw_run_loss(r)[1] == 3.0 && fslaw_run_loss(r)[2] == 2.9 &&
          fslaw_run_loss(r)[3] == 2.8);
    CHECK(!strcmp(fslaw_run_column(r, "loss"), "loss"));
  }
  fslaw_run_destroy(r);
  /* a line whose only loss is qualified is an evaluation: no conflict with the training line */
  r = parse("q.log", "step 100 | val | loss 3.3\nstep 100 | loss 3.1\nstep 200 | loss 3.0\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 3.1 && fslaw_run_replaced(r) == 0);
  fslaw_run_destroy(r);
  check_bad("q.log", "step 1 | val | loss 3.3\n", "(1 evaluation line skipped)");
  check_bad("q.log", "step 1 val: loss 3.3 train: loss nan\n", "q.log:1:29: column 'loss': NaN");
  /* nanoGPT's "train loss" is a name of its own, read when named */
  const fslaw_run_columns train = {NULL, NULL, "train loss", NULL};
  r = parse("nano.log", "step 250: train loss 3.1, val loss 3.3\nstep 500: train loss 2.9, val loss 3.0\n", &train);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 3.1 && fslaw_run_loss(r)[1] == 2.9);
  fslaw_run_destroy(r);
  /* a logger's label before the step's name */
  r = parse("info.log", "INFO: step 10 loss 3.5\nINFO: step 20 loss 3.25\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[1] == 3.25);
  fslaw_run_destroy(r);
}

/* What loggers print before the message (Python logging's defaults and
 * common formats, hydra, absl/glog, loguru, rich, transformers, DeepSpeed;
 * ISO timestamps) names nothing and holds no value: each layout reads the
 * steps, rates and losses of its message, "%s" standing for it. */
static void test_text_prefixes(void) {
  static const char *const layouts[] = {
      "2024-01-01 12:00:00 INFO %s",
      "INFO %s",
      "info %s",
      "[INFO] %s",
      "WARNING %s",
      "warn %s",
      "ERROR %s",
      "CRITICAL: %s",
      "debug: %s",
      "INFO:root:%s",
      "WARNING:lightning.pytorch.core:%s",
      "2024-01-01 12:00:00,123 - INFO - %s",
      "2024-01-01 12:00:00,123 - __main__ - INFO - %s",
      "01/01/2024 12:00:00 - INFO - __main__ - %s",
      "[2024-01-01 12:00:00,123][__main__][INFO] - %s",
      "I0101 12:00:00.123456 140 train.py:42] %s",
      "I0101 12:00:00.123456  1404 train.py:42] %s",
      "W20240101 12:00:00.123456 12345 trainer.cc:7] %s",
      "2024-01-01 12:00:00.123 | INFO     | __main__:train:42 - %s",
      "2024-01-01 12:00:00.123 | SUCCESS  | __main__:step:42 - %s",
      "2024-01-01 12:00:00.123 | INFO     | __main__:<module>:7 - %s",
      "[01/01/24 12:00:00] INFO     %s                  train.py:42",
      "                    INFO     %s                  train.py:42",
      "2024-01-01T12:00:00.123Z INFO %s",
      "2024-01-01T12:00:00Z %s",
      "2024-01-01T12:00:00.123456+00:00 | INFO | __main__:train:42 - %s",
      "[2024-01-01T12:00:00.123+0100][INFO] %s",
      "[INFO|trainer.py:1234] 2024-01-01 12:00:00,123 >> %s",
      "[2024-01-01 12:00:00,123] [INFO] [logging.py:96:log_dist] [Rank 0] %s",
      ("\x1b[32m2024-01-01 12:00:00.123\x1b[0m | \x1b[1mINFO    \x1b[0m | \x1b[36m__main__\x1b[0m:"
       "\x1b[36mtrain\x1b[0m:\x1b[36m42\x1b[0m - \x1b[1m%s\x1b[0m"), /* loguru in colour */
  };
  for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
    char text[1024], line[2][160];
    snprintf(line[0], sizeof line[0], layouts[i], "step 100 lr 3e-4 loss 3.2");
    snprintf(line[1], sizeof line[1], layouts[i], "step 200, lr 2.5e-4, loss 3.125");
    snprintf(text, sizeof text, "%s\n%s\n", line[0], line[1]);
    fslaw_run *r = parse("logger.log", text, NULL);
    int ok = r && fslaw_run_nloss(r) == 2 && fslaw_run_steps(r) == 201 &&
             fslaw_run_loss_steps(r)[0] == 100 && fslaw_run_loss_steps(r)[1] == 200 &&
             fslaw_run_loss(r)[0] == 3.2 && fslaw_run_loss(r)[1] == 3.125 && fslaw_run_lr(r) &&
             fslaw_run_lr(r)[100] == 3e-4 && fslaw_run_lr(r)[200] == 2.5e-4 &&
             !strcmp(fslaw_run_column(r, "step"), "step");
    if (!ok) fprintf(stderr, "layout %zu misread: %s", i, text);
    CHECK(ok);
    fslaw_run_destroy(r);
  }
  /* a date or clock time is no value, wherever it is: it names nothing and
   * ends the name before it */
  check_bad("t.log", "step: 12:00:00 loss 3.2\nstep: 2024-01-01 loss 3.1\n",
            "t.log: no line names a step");
  fslaw_run *r = parse("eta.log", "step 100 eta 1:23:45 loss 3.2 at 2024-01-01T12:00:00Z lr 1e-3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3.2 && fslaw_run_lr(r) &&
        fslaw_run_lr(r)[100] == 1e-3);
  fslaw_run_destroy(r);
  /* a level word that names a number is a name ("error 0.25"), and a name
   * before a number ("step:42", no file) is no source location */
  const fslaw_run_columns err_col = {NULL, NULL, "error", NULL};
  r = parse("err.log", "error 0.25 step 10\nINFO error: 0.125 step 20\n", &err_col);
  CHECK(r && fslaw_run_nloss(r) == 2 && fslaw_run_loss(r)[0] == 0.25 && fslaw_run_loss(r)[1] == 0.125);
  fslaw_run_destroy(r);
  r = parse("loc.log", "INFO | step:42 - loss 3.2\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss_steps(r)[0] == 42);
  fslaw_run_destroy(r);
  const fslaw_run_columns dotted = {"train.step", NULL, NULL, NULL};
  r = parse("loc.log", "INFO train.step:50 loss 3.1\n", &dotted);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss_steps(r)[0] == 50);
  fslaw_run_destroy(r);
  /* words before a level word are a logger's name only when a delimiter
   * follows them: "Training loss warning step 1" names no step */
  check_bad("words.log", "Training loss warning step 1 lr 0.1\n", "words.log: no line names a step");
  /* a loguru location holds numbers and may hold a column's name: none is read */
  check_bad("loguru.log", "2024-01-01 12:00:00.123 | INFO     | train:step:42 - loss 3.2\n",
            "loguru.log: no line names a step");
  /* errors still name the value's own column on the whole line */
  check_bad("lvl.log", "2024-01-01 12:00:00,123 - INFO - step 1 loss nan\n",
            "lvl.log:1:41: column 'loss': NaN");
  /* the prefix's words are no evaluation's: a source file "test.py" or
   * "eval.py", a logger "validation"; the message's own "[eval]" is */
  r = parse("glog.log", "I1125 12:00:00.123456 140234 test.py:42] step 100 loss 3.2 lr 3e-4\n"
                        "I1125 12:00:00.223456 140234 test.py:42] [eval] step 100 | loss 3.4\n"
                        "I1125 12:00:01.123456 140234 eval.py:7] step 200 loss 3.1 lr 2e-4\n"
                        "2024-01-01 12:00:02,000 - validation - INFO - step 300 loss 3 lr 1e-4\n"
                        "2024-01-01 12:00:02,100 - validation - INFO - val: step 300 loss 3.3\n", NULL);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_steps(r) == 301 && fslaw_run_replaced(r) == 0);
  if (r) {
    CHECK(fslaw_run_loss_steps(r)[0] == 100 && fslaw_run_loss(r)[0] == 3.2 &&
          fslaw_run_loss_steps(r)[1] == 200 && fslaw_run_loss(r)[1] == 3.1 &&
          fslaw_run_loss_steps(r)[2] == 300 && fslaw_run_loss(r)[2] == 3.0);
    CHECK(fslaw_run_lr(r) && fslaw_run_lr(r)[100] == 3e-4 && fslaw_run_lr(r)[200] == 2e-4 &&
          fslaw_run_lr(r)[300] == 1e-4);
  }
  fslaw_run_destroy(r);
  check_bad("glog.log", "I1125 12:00:00.123456 140234 train.py:42] [eval] step 100 | loss 3.4\n",
            "(1 evaluation line skipped)");
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : ".";
  test_csv_good();
  test_jsonl_good();
  test_bad();
  test_partial_line();
  test_case();
  test_merge();
  test_document();
  test_document_bad();
  test_center_losses();
  test_alias();
  test_alternatives();
  test_skipped_records();
  test_lightning(root);
  test_summary(root);
  test_steps();
  test_resumed();
  test_text();
  test_text_blocks();
  test_text_qualified();
  test_text_prefixes();
  return check_done("test_runlog");
}
