/* baselines.c: the baseline schedules of `fslaw optimize` (see baselines.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baselines.h"
#include "cli.h"
#include "fslaw/schedule.h"

static const char *const names[CLI_NBASE] = {"constant", "cosine to 0.1 peak", "cosine to 0",
                                             "wsd, 20% linear tail", "8-1-1"};

const char *cli_base_name(int b) { return b >= 0 && b < CLI_NBASE ? names[b] : ""; }

/* A tenth of the peak as written (3e-05 for peak=0.0003), as a user would
 * type it: 0.1 * peak may need 17 digits (2.9999999999999997e-05). */
static double tenth(double peak) {
  char b[48];
  cli_num(b, peak);
  char *e = strchr(b, 'e');
  int x = e ? atoi(e + 1) : 0;
  snprintf(e ? e : b + strlen(b), 16, "e%d", x - 1);
  return strtod(b, NULL);
}

void cli_base_spec(int b, const fslaw_optimize_options *o, char *spec, size_t len) {
  /* 8-1-1: two steps of factor 1/sqrt(10), ending at 0.1 peak. */
  static const char *const shapes[CLI_NBASE] = {
      "constant:", "cosine:final=%s,", "cosine:final=0,", "wsd:decay=0.2,tail=linear,",
      "multistep:milestones=0.8/0.9,factor=0.31622776601683794,"};
  /* the shortest text that reads back: peak=0.0003 as typed, the same schedule */
  char shape[128], peak[32], final[32];
  snprintf(shape, sizeof shape, shapes[b], cli_num(final, tenth(o->peak)));
  snprintf(spec, len, "%speak=%s,warmup=%zu,warmup_style=%s,steps=%zu", shape,
           cli_num(peak, o->peak), o->warmup, o->warmup_inclusive ? "inclusive" : "standard",
           o->steps);
}

int cli_base_rates(int b, const fslaw_optimize_options *o, double *lr) {
  char spec[256];
  fslaw_schedule *s;
  memset(lr, 0, o->steps * sizeof *lr);
  cli_base_spec(b, o, spec, sizeof spec);
  if (fslaw_schedule_create(spec, &s, NULL)) return 1;
  fslaw_status st = fslaw_schedule_eval(s, lr, o->steps, NULL);
  fslaw_schedule_destroy(s);
  if (o->head && o->warmup) memcpy(lr, o->head, o->warmup * sizeof *lr); /* a run continued */
  return st != FSLAW_OK;
}

size_t cli_shape_held(const fslaw_optimize_options *o, const double *lr, double *top) {
  double t = 0; /* a run continued: the shape of what follows its rates */
  for (size_t k = o->head ? o->warmup : 0; k < o->steps; k++) t = lr[k] > t ? lr[k] : t;
  size_t held = o->warmup;
  for (size_t k = o->warmup; k < o->steps; k++)
    if (lr[k] >= 0.99 * t) held = k;
  if (top) *top = t;
  return held;
}

/* A free optimum is a CSV of every step; this says what it amounts to. */
const char *cli_shape_describe(const fslaw_optimize_options *o, const double *lr, char *buf,
                               size_t len) {
  double top;
  size_t held = cli_shape_held(o, lr, &top);
  double end = lr[o->steps - 1];
  snprintf(buf, len, "largest rate %.6g (%.3g x --peak) held to step %zu, then a decay over the "
           "last %.3g %% of the steps to %.6g (%.3g x its largest) at step %zu", top, top / o->peak,
           held, 100.0 * (double)(o->steps - 1 - held) / (double)o->steps, end,
           top > 0 ? end / top : 0, o->steps - 1);
  return buf;
}
