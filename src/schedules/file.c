/* file.c: per-step rates read from a CSV/JSONL file (columns step,lr), gaps
 * filled by the training-log reader's interpolation. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/runlog.h"
#include "internal.h"
#include "schedule_kind.h"

static fslaw_status init(sched_params *p, fslaw_error *err) {
  if (!p->path) return fslaw_fail(err, FSLAW_EINVAL, "schedule 'file': missing required key 'path'");
  fslaw_run *run = NULL;
  fslaw_status st = fslaw_run_read(p->path, FSLAW_RUN_AUTO, NULL, &run, err);
  if (st) return st;
  const double *lr = fslaw_run_lr(run);
  if (!lr) {
    fslaw_run_destroy(run);
    return fslaw_fail(err, FSLAW_EINVAL, "schedule 'file': %s has no 'lr' column", p->path);
  }
  p->ntable = p->steps = fslaw_run_steps(run);
  p->table = malloc(p->ntable * sizeof *p->table);
  if (p->table) memcpy(p->table, lr, p->ntable * sizeof *p->table);
  fslaw_run_destroy(run);
  if (!p->table) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  p->peak = 0;
  for (size_t k = 0; k < p->ntable; k++)
    if (p->table[k] > p->peak) p->peak = p->table[k];
  if (!(fabs(fslaw_sum(p->table, p->ntable)) <= DBL_MAX / 2)) /* the intrinsic time */
    return fslaw_fail(err, FSLAW_EINVAL,
                      "schedule 'file': the rates of %s sum past the largest double: the "
                      "intrinsic time t would overflow",
                      p->path);
  return FSLAW_OK;
}
static double rate(const sched_params *p, size_t k) { return p->table[k]; }
const fslaw_schedule_kind fslaw_sched_file = {
    "file",
    "file path=FILE: per-step rates from a CSV or JSONL file with columns step,lr (gaps "
    "interpolated linearly, a change between flat stretches a jump at its step; before the first, from 0 at step 0 when the rates rise, "
    "else the first rate).",
    {{"path", KEY_PATH, 0}}, 0, 1, init, rate};
