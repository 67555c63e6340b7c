/* test_tfevents.c: TensorBoard event files as training logs. The fixtures in
 * tests/data/tfevents were written by make_fixtures.py, an encoder that shares
 * no code with the reader, each beside a CSV of the same run: the two must
 * read as the same run, value for value. Then bad and cut files, folders,
 * resumed runs, tensor types and tag messages. */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "fslaw/fslaw.h"

static char root_dir[1024], scratch[1024];

static fslaw_run *read_run(const char *rel, const fslaw_run_columns *cols) {
  char path[2048];
  snprintf(path, sizeof path, "%s/tests/data/tfevents/%s", root_dir, rel);
  fslaw_run *run = NULL;
  fslaw_error err;
  if (fslaw_run_read(path, FSLAW_RUN_AUTO, cols, &run, &err))
    fprintf(stderr, "unexpected error: %s\n", err.msg);
  return run;
}

static char *slurp(const char *rel, size_t *len) {
  char path[2048];
  snprintf(path, sizeof path, "%s/tests/data/tfevents/%s", root_dir, rel);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = malloc(1 << 16);
  *len = buf ? fread(buf, 1, 1 << 16, f) : 0;
  fclose(f);
  return buf;
}

/* a and b hold the same run: steps, rates and losses equal to the bit. */
static void check_same(const fslaw_run *a, const fslaw_run *b) {
  CHECK(a && b);
  if (!a || !b) return;
  CHECK(fslaw_run_steps(a) == fslaw_run_steps(b));
  CHECK(fslaw_run_nloss(a) == fslaw_run_nloss(b));
  CHECK(fslaw_run_lr_filled(a) == fslaw_run_lr_filled(b));
  if (fslaw_run_steps(a) != fslaw_run_steps(b) || fslaw_run_nloss(a) != fslaw_run_nloss(b)) return;
  int lr_same = 1, loss_same = 1;
  for (size_t i = 0; i < fslaw_run_steps(a); i++) lr_same &= fslaw_run_lr(a)[i] == fslaw_run_lr(b)[i];
  for (size_t i = 0; i < fslaw_run_nloss(a); i++)
    loss_same &= fslaw_run_loss(a)[i] == fslaw_run_loss(b)[i] &&
                 fslaw_run_loss_steps(a)[i] == fslaw_run_loss_steps(b)[i];
  CHECK(lr_same);
  CHECK(loss_same);
}

/* A Hugging Face Trainer run: train/ tags found by default, float32 values
 * read as their shortest decimals, text and histogram summaries skipped. */
static void test_hf(void) {
  fslaw_run *ev = read_run("hf_run", NULL), *csv = read_run("hf_run.csv", NULL);
  check_same(ev, csv);
  CHECK(ev && !strcmp(fslaw_run_name(ev), "hf_run"));
  CHECK(ev && !strcmp(fslaw_run_column(ev, "loss"), "train/loss"));
  CHECK(ev && !strcmp(fslaw_run_column(ev, "lr"), "train/learning_rate"));
  CHECK(ev && !strcmp(fslaw_run_column(ev, "step"), "step"));
  CHECK(ev && fslaw_run_column(ev, "tokens") == NULL);
  CHECK(ev && fslaw_run_loss_is_mean(ev)); /* the Trainer's train/loss, as in trainer_state.json */
  CHECK(csv && !fslaw_run_loss_is_mean(csv));
  CHECK(ev && fslaw_run_lr(ev)[50] == 1e-3 && fslaw_run_lr(ev)[60] == 0.0009901664);
  CHECK(ev && fslaw_run_replaced(ev) == 0 && fslaw_run_partial_record(ev, NULL) == 0);
  /* the file itself: named after its folder */
  fslaw_run *one = read_run("hf_run/events.out.tfevents.1732400000.host.1234.0", NULL);
  check_same(one, ev);
  CHECK(one && !strcmp(fslaw_run_name(one), "hf_run"));
  fslaw_run_destroy(one);
  fslaw_run_destroy(ev);
  fslaw_run_destroy(csv);
}

/* tf.summary style: scalar tensors of several types, several values per
 * event, a vector tensor that is no scalar. */
static void test_tf2(void) {
  fslaw_run *ev = read_run("tf2_run", NULL), *csv = read_run("tf2_run.csv", NULL);
  check_same(ev, csv);
  const double *tok = ev ? fslaw_run_tokens(ev) : NULL;
  CHECK(tok && tok[0] == 0 && tok[5] == 100 * 4096); /* int64 tensor */
  CHECK(ev && fslaw_run_lr(ev)[60] == 2e-3 * (1 - 20.0 / 100)); /* double in tensor_content */
  fslaw_run_destroy(ev);
  fslaw_run_destroy(csv);
  fslaw_run_columns half = {NULL, NULL, "loss_half", NULL};
  ev = read_run("tf2_run", &half);
  CHECK(ev && fslaw_run_nloss(ev) == 6);
  if (ev && fslaw_run_nloss(ev) == 6)
    for (size_t i = 0; i < 6; i++) CHECK(fslaw_run_loss(ev)[i] == 2.5 + 20.0 * (double)i / 512);
  fslaw_run_destroy(ev);
  /* a tag no event has: the message lists the scalar tags (not the vector) */
  fslaw_run_columns nope = {NULL, NULL, "val/loss", NULL};
  char path[2048];
  snprintf(path, sizeof path, "%s/tests/data/tfevents/tf2_run", root_dir);
  fslaw_run *run = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, &nope, &run, &err) == FSLAW_EPARSE && run == NULL);
  CHECK_HAS(err.msg, "no scalar tagged 'val/loss' (its scalar tags: loss, lr, tokens, loss_half); "
                     "name the loss's tag with --col loss=TAG");
  /* a step column named for the CSV logs of the same command does not apply */
  fslaw_run_columns step = {"_step", NULL, NULL, NULL};
  CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, &step, &run, &err) == FSLAW_OK);
  CHECK(run && fslaw_run_nloss(run) == 6 && !strcmp(fslaw_run_column(run, "step"), "step"));
  fslaw_run_destroy(run);
  CHECK(fslaw_run_read(path, FSLAW_RUN_CSV, NULL, &run, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "only TensorBoard event files are read from a folder");
}

/* A run resumed from its step-60 checkpoint: the second file's values win. */
static void test_resumed(void) {
  fslaw_run *ev = read_run("resumed_run", NULL), *csv = read_run("resumed_run.csv", NULL);
  check_same(ev, csv);
  CHECK(ev && fslaw_run_replaced(ev) == 10); /* steps 60..100, lr and loss */
  CHECK(csv && fslaw_run_replaced(csv) == 0);
  fslaw_run_destroy(ev);
  fslaw_run_destroy(csv);
}

/* CRC-32C, bit by bit: the test's own, to write records. */
static uint32_t masked_crc(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
  }
  c = ~c;
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

static size_t put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
  return (size_t)bytes;
}

/* One record holding data[0..n) at out; returns its size. */
static size_t put_record(unsigned char *out, const unsigned char *data, size_t n) {
  size_t at = put_le(out, n, 8);
  at += put_le(out + at, masked_crc(out, 8), 4);
  memcpy(out + at, data, n);
  at += n;
  return at + put_le(out + at, masked_crc(data, n), 4);
}

static void check_parse_fails(const char *name, const char *data, size_t len, const char *want) {
  fslaw_run *run = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_parse(name, data, len, FSLAW_RUN_AUTO, NULL, &run, &err) == FSLAW_EPARSE);
  CHECK(run == NULL);
  CHECK_HAS(err.msg, want);
}

/* Damaged, cut and odd files; detection by content. */
static void test_bad(void) {
  size_t len;
  char *data = slurp("tf2_run/events.out.tfevents.1732400001.host.tf2", &len);
  CHECK(data && len > 200);
  if (!data) return;
  /* any name: found by its first record's checksum */
  fslaw_run *r = NULL;
  fslaw_error err = {""};
  CHECK(fslaw_run_parse("logs/run.bin", data, len, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_OK);
  CHECK(r && !strcmp(fslaw_run_name(r), "run") && fslaw_run_nloss(r) == 6);
  fslaw_run_destroy(r);
  /* cut inside the last event: read without it, and said where */
  size_t first = 16 + (size_t)(unsigned char)data[0]; /* the file_version record */
  size_t last = first;
  for (size_t at = first; at < len; at += 16 + (size_t)((unsigned char)data[at] | (unsigned char)data[at + 1] << 8))
    last = at;
  for (size_t cut = len - 1; cut > last; cut -= (cut - last) / 2 + 1) {
    r = NULL;
    CHECK(fslaw_run_parse("cut", data, cut, FSLAW_RUN_TFEVENTS, NULL, &r, &err) == FSLAW_OK);
    const char *file = NULL;
    CHECK(r && fslaw_run_nloss(r) == 5 && fslaw_run_partial_record(r, &file) == last + 1);
    CHECK(r && file && !strcmp(file, "cut"));
    fslaw_run_destroy(r);
  }
  /* a flipped byte: in the data, in a header */
  data[first + 20] ^= 0x40;
  char want[96];
  snprintf(want, sizeof want, "cut: byte %zu: corrupt event (its checksum does not match", first);
  check_parse_fails("cut", data, len, want);
  data[first + 20] ^= 0x40;
  data[first + 3] ^= 0x01;
  snprintf(want, sizeof want, "cut: byte %zu: corrupt record header", first);
  check_parse_fails("cut", data, len, want);
  data[first + 3] ^= 0x01;
  free(data);
  /* records with sound checksums: no Event inside; an Event with a NaN loss */
  unsigned char buf[256], junk[] = {0xFF, 0xFF, 0xFF};
  size_t n = put_record(buf, junk, sizeof junk);
  check_parse_fails("junk.tfevents", (char *)buf, n, "junk.tfevents: byte 0: the record is not a TensorBoard event");
  /* Event{step 7, summary{value{tag "loss", simple_value NaN}}} */
  unsigned char ev[] = {0x10, 7, 0x2A, 13, 0x0A, 11, 0x0A, 4, 'l', 'o', 's', 's', 0x15, 0, 0, 0xC0, 0x7F};
  size_t at = put_record(buf, (const unsigned char *)"\x1a\x0d" "brain.Event:2", 15);
  n = at + put_record(buf + at, ev, sizeof ev);
  snprintf(want, sizeof want, "nan.tfevents: event at byte %zu: column 'loss': NaN is not a valid value", at);
  check_parse_fails("nan.tfevents", (char *)buf, n, want);
  ev[15] = ev[16] = 0x40; /* 3.0f: the same event reads */
  n = at + put_record(buf + at, ev, sizeof ev);
  r = NULL;
  CHECK(fslaw_run_parse("ok", (char *)buf, n, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_OK);
  CHECK(r && fslaw_run_nloss(r) == 1 && fslaw_run_loss(r)[0] == 3 && fslaw_run_loss_steps(r)[0] == 7);
  fslaw_run_destroy(r);
  /* only the file_version event: no scalars */
  check_parse_fails("empty.tfevents", (char *)buf, at,
                    "empty.tfevents: no scalar tagged 'loss', 'train/loss' or 'lm loss' (it has no scalars)");
}

/* Event{step, summary{value{tag, simple_value x}}} into out; its size. */
static size_t put_scalar_event(unsigned char *out, unsigned step, const char *tag, float x) {
  unsigned char ev[128];
  size_t tl = strlen(tag), vl = 2 + tl + 5, n = 0;
  ev[n++] = 0x10; /* step, a varint below 128 */
  ev[n++] = (unsigned char)step;
  ev[n++] = 0x2A; /* summary */
  ev[n++] = (unsigned char)(vl + 2);
  ev[n++] = 0x0A; /* value */
  ev[n++] = (unsigned char)vl;
  ev[n++] = 0x0A; /* tag */
  ev[n++] = (unsigned char)tl;
  memcpy(ev + n, tag, tl);
  n += tl;
  ev[n++] = 0x15; /* simple_value */
  memcpy(ev + n, &x, 4); /* little-endian hosts */
  return put_record(out, ev, n + 4);
}

/* Megatron-LM's tags are found without naming them; "... vs samples" (the
 * same values against consumed samples) are not read. */
static void test_megatron(void) {
  unsigned char buf[1024];
  size_t n = 0;
  for (unsigned s = 10; s <= 30; s += 10) {
    n += put_scalar_event(buf + n, s, "learning-rate", 3e-4f);
    n += put_scalar_event(buf + n, s, "learning-rate vs samples", 9.0f);
    n += put_scalar_event(buf + n, s, "lm loss", 7.0f - (float)s / 10);
    n += put_scalar_event(buf + n, s * 4, "lm loss vs samples", 1.0f);
  }
  fslaw_run *r = NULL;
  fslaw_error err = {""};
  CHECK(fslaw_run_parse("megatron/events.out.tfevents.1.h", (char *)buf, n, FSLAW_RUN_AUTO, NULL, &r,
                        &err) == FSLAW_OK);
  CHECK(r && !strcmp(fslaw_run_name(r), "megatron") && fslaw_run_steps(r) == 31);
  CHECK(r && fslaw_run_nloss(r) == 3 && fslaw_run_loss(r)[2] == 4 && fslaw_run_lr(r)[30] == 3e-4);
  CHECK(r && !strcmp(fslaw_run_column(r, "lr"), "learning-rate") &&
        !strcmp(fslaw_run_column(r, "loss"), "lm loss") && !fslaw_run_loss_is_mean(r));
  fslaw_run_destroy(r);
}

/* Folders: none, or a file in them that is no event file. */
static void test_folders(void) {
  char dir[1100], path[1200];
  snprintf(dir, sizeof dir, "%s/tfevents_empty", scratch);
  mkdir(scratch, 0777);
  mkdir(dir, 0777);
  fslaw_run *r = (fslaw_run *)1;
  fslaw_error err = {""};
  CHECK(fslaw_run_read(dir, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EPARSE && r == NULL);
  CHECK_HAS(err.msg, "a folder with no TensorBoard event files");
  /* TensorBoard's log folder, a folder per run */
  snprintf(path, sizeof path, "%s/tests/data/tfevents", root_dir);
  CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EPARSE && r == NULL);
  CHECK_HAS(err.msg, "a folder of runs (");
  CHECK_HAS(err.msg, "resumed_run");
  CHECK_HAS(err.msg, "); give each run's folder as a RUN");
  snprintf(path, sizeof path, "%s/events.out.tfevents.1.host", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs("step,lr,loss\n0,1,2\n", f);
  fclose(f);
  CHECK(fslaw_run_read(dir, FSLAW_RUN_AUTO, NULL, &r, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "events.out.tfevents.1.host: not a TensorBoard event file");
  remove(path);
}

int main(int argc, char **argv) {
  snprintf(root_dir, sizeof root_dir, "%s", argc > 1 ? argv[1] : ".");
  snprintf(scratch, sizeof scratch, "%s", argc > 2 ? argv[2] : "/tmp");
  test_hf();
  test_tf2();
  test_resumed();
  test_megatron();
  test_bad();
  test_folders();
  return check_done("test_tfevents");
}
