/* twostage.c: peak until `switch`, then the constant rate `low` (the wsdcon runs). */
#include "internal.h"
#include "schedule_kind.h"

enum { KEY_SWITCH, KEY_LOW };
static fslaw_status init(sched_params *p, fslaw_error *err) {
  if (!p->set[KEY_SWITCH]) return fslaw_fail(err, FSLAW_EINVAL, "schedule 'twostage': missing required key 'switch'");
  if (!p->set[KEY_LOW]) return fslaw_fail(err, FSLAW_EINVAL, "schedule 'twostage': missing required key 'low'");
  if (p->num[KEY_SWITCH] < (double)p->warmup || p->num[KEY_SWITCH] > (double)p->steps)
    return fslaw_fail(err, FSLAW_EINVAL, "key 'switch' (%.0f) must lie between warmup (%zu) and steps (%zu)",
                      p->num[KEY_SWITCH], p->warmup, p->steps);
  /* `low` is the rate after a drop (the wsdcon runs): a rise is a typo of the peak or
   * of low. With low <= peak the parser's check of the peak's sum covers low's. */
  if (p->num[KEY_LOW] > p->peak)
    return fslaw_fail(err, FSLAW_EINVAL, "key 'low' (%g) must not exceed peak (%g)",
                      p->num[KEY_LOW], p->peak);
  return FSLAW_OK;
}
static double rate(const sched_params *p, size_t k) {
  return (double)k < p->num[KEY_SWITCH] ? p->peak : p->num[KEY_LOW];
}
const fslaw_schedule_kind fslaw_sched_twostage = {
    "twostage",
    "twostage switch=STEP low=RATE: peak before step `switch`, `low` (at most peak) from it "
    "on.",
    {{"switch", KEY_STEP, 0}, {"low", KEY_NUMBER, 0}}, 0, 0, init, rate};
