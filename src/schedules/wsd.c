/* wsd.c: warmup-stable-decay: peak until decay_start, then a tail to `final`. */
#include <math.h>

#include "internal.h"
#include "schedule_kind.h"

enum { KEY_START, KEY_DECAY, KEY_TAIL, KEY_P };
static const char *const tails[] = {"linear", "cosine", "sqrt", "exp", "power", NULL};

static fslaw_status init(sched_params *p, fslaw_error *err) {
  if (p->set[KEY_START] == p->set[KEY_DECAY])
    return fslaw_fail(err, FSLAW_EINVAL,
                      "schedule 'wsd': give exactly one of 'decay_start' (step) or 'decay' "
                      "(fraction of steps)");
  if (p->set[KEY_DECAY])
    p->num[KEY_START] = (double)p->steps - round(p->num[KEY_DECAY] * (double)p->steps);
  if (p->num[KEY_START] < (double)p->warmup || p->num[KEY_START] >= (double)p->steps)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "key '%s': the decay must start at or after warmup (%zu) and before "
                      "steps (%zu), got step %.0f",
                      p->set[KEY_DECAY] ? "decay" : "decay_start", p->warmup, p->steps,
                      p->num[KEY_START]);
  if ((sched_tail)p->num[KEY_TAIL] == TAIL_EXP && p->final <= 0)
    return fslaw_fail(err, FSLAW_EINVAL, "key 'final': must be positive for tail=exp");
  if (p->set[KEY_P] && (sched_tail)p->num[KEY_TAIL] != TAIL_POWER) /* it would be ignored */
    return fslaw_fail(err, FSLAW_EINVAL, "key 'p': applies only to tail=power; the tail is %s%s",
                      tails[(int)p->num[KEY_TAIL]], p->set[KEY_TAIL] ? "" : " (the default)");
  if (!p->set[KEY_P]) p->num[KEY_P] = 2;
  if (p->num[KEY_P] <= 0) return fslaw_fail(err, FSLAW_EINVAL, "key 'p': must be positive");
  return FSLAW_OK;
}
static double rate(const sched_params *p, size_t k) {
  size_t start = (size_t)p->num[KEY_START];
  if (k < start) return p->peak;
  return fslaw_sched_decay((sched_tail)p->num[KEY_TAIL], fslaw_sched_progress(p, start, k),
                           p->peak, p->final, p->num[KEY_P]);
}
const fslaw_schedule_kind fslaw_sched_wsd = {
    "wsd",
    "wsd (decay_start=STEP | decay=FRACTION) [tail=linear|cosine|sqrt|exp|power] [p=2] "
    "[final=0]: peak until the decay start, then the tail from peak towards final over "
    "x = (k-start)/(steps-start); sqrt: peak-(peak-final)sqrt(x), power: "
    "final+(peak-final)(1-x)^p.",
    {{"decay_start", KEY_STEP, 0},
     {"decay", KEY_FRACTION, 0},
     {"tail", KEY_WORD, tails},
     {"p", KEY_NUMBER, 0}},
    1, 0, init, rate};
