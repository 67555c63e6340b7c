/* fuzz_runlog.c: libFuzzer target for the training-log readers: CSV, JSONL,
 * JSON documents (trainer_state.json, arrays of records), TensorBoard event
 * files, W&B logs (whatever the first byte says) and printed lines, with
 * records that share a step and the
 * learning_rate alias. The first byte picks the format (byte % 5) and whether
 * the lr column is named (byte / 5 odd: lr=learning_rate, loss=eval_loss);
 * the rest is the file. */
#include <stddef.h>
#include <stdint.h>

#include "fslaw/fslaw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  fslaw_run_format fmt = (fslaw_run_format)(data[0] % 5);
  const fslaw_run_columns named = {NULL, "learning_rate", "eval_loss", NULL};
  const fslaw_run_columns *cols = (data[0] / 5) % 2 ? &named : NULL;
  fslaw_run *run = NULL;
  fslaw_error err;
  if (fslaw_run_parse("fuzz", (const char *)data + 1, size - 1, fmt, cols, &run, &err) ==
      FSLAW_OK) {
    fslaw_run_summary s;
    if (fslaw_run_lr(run)) fslaw_run_summarize(run, &s, &err);
  }
  fslaw_run_destroy(run);
  return 0;
}
