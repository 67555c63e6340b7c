/* multistep.c: step decay at milestone fractions of the run (e.g. 8-1-1). */
#include <float.h>
#include <math.h>

#include "internal.h"
#include "schedule_kind.h"

enum { KEY_MILESTONES, KEY_FACTOR };

/* Each milestone must drop the rate at a step of its own, after at least one
 * step at the peak and before the end: otherwise a drop (or the peak) would
 * silently never happen, as with milestones=0.01/0.02 over 10 steps. */
static fslaw_status check_milestones(const sched_params *p, fslaw_error *err) {
  for (size_t i = 0; i < p->nlist; i++) {
    double at = round(p->list[i] * (double)p->steps), w = (double)p->warmup;
    if (at < w)
      return fslaw_fail(err, FSLAW_EINVAL, "key 'milestones': milestone %g falls inside the warmup",
                        p->list[i]);
    if (at == w && !(p->warmup_inclusive && p->warmup)) /* inclusive: the peak is at w - 1 */
      return fslaw_fail(err, FSLAW_EINVAL,
                        "key 'milestones': milestone %g falls on step %.0f (round(%g x %zu)), "
                        "where the warmup ends: the peak is never used; place it after step %zu",
                        p->list[i], at, p->list[i], p->steps, p->warmup);
    if (at >= (double)p->steps)
      return fslaw_fail(err, FSLAW_EINVAL,
                        "key 'milestones': milestone %g falls on step %.0f (round(%g x %zu)), past "
                        "the last step: its drop never happens",
                        p->list[i], at, p->list[i], p->steps);
    if (i && at == round(p->list[i - 1] * (double)p->steps))
      return fslaw_fail(err, FSLAW_EINVAL,
                        "key 'milestones': milestones %g and %g both fall on step %.0f of %zu; "
                        "give more steps or fewer milestones",
                        p->list[i - 1], p->list[i], at, p->steps);
  }
  return FSLAW_OK;
}

static fslaw_status init(sched_params *p, fslaw_error *err) {
  if (!p->set[KEY_MILESTONES])
    return fslaw_fail(err, FSLAW_EINVAL, "schedule 'multistep': missing required key 'milestones'");
  if (!p->set[KEY_FACTOR]) p->num[KEY_FACTOR] = 0.1;
  if (p->num[KEY_FACTOR] <= 0) return fslaw_fail(err, FSLAW_EINVAL, "key 'factor': must be positive");
  /* a factor above 1 raises the rate past the peak: the sum of the rates must stay finite */
  double top = p->peak * pow(fmax(p->num[KEY_FACTOR], 1), (double)p->nlist);
  if (!(top * (double)p->steps <= DBL_MAX / 2))
    return fslaw_fail(err, FSLAW_EINVAL,
                      "key 'factor': %g at %zu milestones raises the rate so that its sum over "
                      "%zu steps passes the largest double: the intrinsic time t would overflow",
                      p->num[KEY_FACTOR], p->nlist, p->steps);
  return check_milestones(p, err);
}
static double rate(const sched_params *p, size_t k) {
  double r = p->peak;
  for (size_t i = 0; i < p->nlist; i++)
    if ((double)k >= round(p->list[i] * (double)p->steps)) r *= p->num[KEY_FACTOR];
  return r;
}
const fslaw_schedule_kind fslaw_sched_multistep = {
    "multistep",
    "multistep milestones=F1/F2/... [factor=0.1]: the rate is multiplied by `factor` at each "
    "step round(Fi*steps), each milestone on a step of its own after the warmup; 8-1-1 is "
    "milestones=0.8/0.9,factor=0.31622776601683794.",
    {{"milestones", KEY_LIST, 0}, {"factor", KEY_NUMBER, 0}}, 0, 0, init, rate};
