/* fslaw/schedule.h: learning-rate schedules built from spec strings (MATH.md §3).
 *
 * A spec is NAME[:key=value,...], e.g.
 *   cosine:peak=3e-4,final=3e-5,warmup=2160,steps=24000
 * Keys common to every schedule except `file`:
 *   steps        total number of steps including warmup (required)
 *   peak         rate after warmup (default 1)
 *   warmup       length of the linear ramp from 0 (default 0)
 *   warmup_style standard: peak*k/warmup, the peak is reached at step warmup;
 *                inclusive: peak*k/(warmup-1), the peak is reached at step
 *                warmup-1 (the convention of the multi-power-law runs)
 *   final        end rate of decaying schedules
 * See docs/schedules.md (or `fslaw schedule --help`) for the names and keys.
 * A decay over steps [start, steps) uses x = (k - start) / (steps - start),
 * so the end rate `final` is approached but not reached at the last step. */
#ifndef FSLAW_SCHEDULE_H
#define FSLAW_SCHEDULE_H

#include "fslaw/common.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef struct fslaw_schedule fslaw_schedule;

/* Parse SPEC into a new schedule (*out, free with fslaw_schedule_destroy).
 * On failure *out is NULL and err names the offending key or value. */
fslaw_status fslaw_schedule_create(const char *spec, fslaw_schedule **out,
                                   fslaw_error *err);
/* Free a schedule; NULL is allowed. */
void fslaw_schedule_destroy(fslaw_schedule *s);
/* Deep copy, or NULL when out of memory. */
fslaw_schedule *fslaw_schedule_copy(const fslaw_schedule *s);

/* Number of steps (rates) of the schedule. */
size_t fslaw_schedule_steps(const fslaw_schedule *s);
/* Warmup length in steps (0 for `file` schedules). */
size_t fslaw_schedule_warmup(const fslaw_schedule *s);
/* Peak rate: the largest rate of the schedule. */
double fslaw_schedule_peak(const fslaw_schedule *s);
/* The schedule's name ("cosine", ...). */
const char *fslaw_schedule_name(const fslaw_schedule *s);
/* The spec the schedule was created from. */
const char *fslaw_schedule_spec(const fslaw_schedule *s);
/* The file a `file` schedule was read from (its path= value, as given);
 * NULL for the other kinds. Commands pass it among their inputs so that an
 * output never overwrites it. */
const char *fslaw_schedule_path(const fslaw_schedule *s);

/* Rate at step k (0 <= k < steps); 0 outside the schedule. Every rate is
 * finite and so is their sum: a spec whose rates would sum past the largest
 * double is refused, naming the key (usually peak). */
double fslaw_schedule_rate(const fslaw_schedule *s, size_t k);
/* Fill lr[0..n-1] with the rates of steps 0..n-1; n must not exceed steps. */
fslaw_status fslaw_schedule_eval(const fslaw_schedule *s, double *lr, size_t n,
                                 fslaw_error *err);

/* Intrinsic time t[k] = sum_{i<=k} lr[i] (MATH.md §2, inclusive of step k),
 * summed with compensation so long runs keep full precision. t may alias lr. */
void fslaw_intrinsic_time(const double *lr, size_t n, double *t);

/* Warmup end of per-step rates: the first step at the peak of the initial
 * ramp, the stretch from step 0 where the rate never decreases (it may pause:
 * rounded logged rates, two zeros of a log starting at step 1; a rise after a
 * pause longer than the ramp so far is a later step up, not warmup); 0 when
 * the rates do not start by rising. Laws fit only the points after it. */
size_t fslaw_warmup_end(const double *lr, size_t n);

/* The registry of schedule names, for help texts: count, then name and a
 * one-paragraph description (keys and formula) of entry i. */
size_t fslaw_schedule_kind_count(void);
const char *fslaw_schedule_kind_name(size_t i);
const char *fslaw_schedule_kind_help(size_t i);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
