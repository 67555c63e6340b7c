/* test_schedule.c: every schedule at chosen steps (values computed here from
 * the formulas of MATH.md §3), the nine multi-power-law reproductions,
 * intrinsic-time sums, and every spec error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

static const double PI = 3.14159265358979323846;

/* Rate of SPEC at step k (NaN if the spec fails). */
static double rate(const char *spec, size_t k) {
  fslaw_schedule *s;
  fslaw_error err;
  if (fslaw_schedule_create(spec, &s, &err)) {
    fprintf(stderr, "unexpected error for %s: %s\n", spec, err.msg);
    return NAN;
  }
  double r = fslaw_schedule_rate(s, k);
  fslaw_schedule_destroy(s);
  return r;
}

/* The spec fails with a message containing `want`. */
static void check_error(const char *spec, const char *want) {
  fslaw_schedule *s = (fslaw_schedule *)1;
  fslaw_error err = {""};
  fslaw_status st = fslaw_schedule_create(spec, &s, &err);
  CHECK(st < 0);
  CHECK(s == NULL);
  CHECK_HAS(err.msg, want);
}

static void test_values(void) {
  /* warmup conventions */
  CHECK_REL(rate("constant:peak=2,warmup=10,steps=20", 5), 2 * 5 / 10.0, 1e-15);
  CHECK_REL(rate("constant:peak=2,warmup=10,steps=20", 10), 2, 1e-15);
  CHECK_REL(rate("constant:peak=2,warmup=10,warmup_style=inclusive,steps=20", 9), 2, 1e-15);
  CHECK_REL(rate("constant:peak=2,warmup=10,warmup_style=inclusive,steps=20", 3), 2 * 3 / 9.0, 1e-15);
  CHECK(rate("constant:peak=2,warmup=10,steps=20", 0) == 0);
  CHECK(rate("constant:steps=5", 4) == 1); /* default peak 1 */
  CHECK(rate("constant:steps=5", 5) == 0); /* outside */
  /* cosine: x = (k - w)/(n - w) */
  CHECK_REL(rate("cosine:peak=1,final=0.1,warmup=100,steps=1100", 600),
            0.1 + 0.9 * 0.5 * (1 + cos(PI * 0.5)), 1e-14);
  CHECK_REL(rate("cosine:peak=1,final=0.1,warmup=100,steps=1100", 350),
            0.1 + 0.9 * 0.5 * (1 + cos(PI * 0.25)), 1e-14);
  CHECK_REL(rate("cosine:peak=1,warmup=100,steps=1100", 100), 1, 1e-15);
  CHECK_REL(rate("linear:peak=4,final=1,steps=100", 25), 4 - 3 * 0.25, 1e-15);
  CHECK_REL(rate("exp:peak=1e-3,final=1e-5,steps=100", 50), 1e-4, 1e-13);
  CHECK_REL(rate("power:peak=2,p=3,steps=100", 50), 2 * 0.125, 1e-14);
  CHECK_REL(rate("power:peak=2,p=3,final=0.5,steps=100", 50), 0.5 + 1.5 * 0.125, 1e-14);
  /* wsd: decay fraction 0.25 of 100 steps starts at 75 */
  CHECK_REL(rate("wsd:peak=1,decay=0.25,steps=100", 74), 1, 1e-15);
  CHECK_REL(rate("wsd:peak=1,decay=0.25,steps=100", 80), 1 - 5 / 25.0, 1e-15);
  CHECK_REL(rate("wsd:peak=1,decay_start=60,tail=cosine,final=0.2,steps=100", 70),
            0.2 + 0.8 * 0.5 * (1 + cos(PI * 0.25)), 1e-14);
  CHECK_REL(rate("wsd:peak=1,decay_start=60,tail=sqrt,steps=100", 70), 1 - sqrt(0.25), 1e-14);
  CHECK_REL(rate("wsd:peak=1,decay_start=60,tail=exp,final=0.01,steps=100", 80), 0.1, 1e-14);
  CHECK_REL(rate("wsd:peak=1,decay_start=60,tail=power,p=3,steps=100", 80), 0.125, 1e-14);
  CHECK_REL(rate("twostage:peak=3,switch=50,low=1,steps=100", 49), 3, 0);
  CHECK_REL(rate("twostage:peak=3,switch=50,low=1,steps=100", 50), 1, 0);
  /* 8-1-1 of [FSL]: eta, eta/sqrt(10) after 80 %, eta/10 after 90 % */
  const char *s811 = "multistep:peak=1,milestones=0.8/0.9,factor=0.31622776601683794,steps=1000";
  CHECK_REL(rate(s811, 799), 1, 0);
  CHECK_REL(rate(s811, 800), 1 / sqrt(10), 1e-15);
  CHECK_REL(rate(s811, 900), 0.1, 1e-15);
  CHECK_REL(rate("invsqrt:peak=1,warmup=100,steps=1000", 400), sqrt(100 / 400.0), 1e-15);
  CHECK_REL(rate("invsqrt:peak=1,timescale=10,steps=1000", 30), sqrt(10 / 40.0), 1e-15);
  CHECK_REL(rate("cyclic:peak=1,low=0.2,period=100,steps=1000", 150), 0.2, 1e-15);
  CHECK_REL(rate("cyclic:peak=1,low=0.2,period=100,steps=1000", 125), 0.6, 1e-15);
  CHECK_REL(rate("cyclic:peak=1,low=0.2,period=100,steps=1000", 200), 1, 1e-15);
}

/* The nine schedules of the bundled MPL runs, reproduced to 1e-12 relative. */
static void test_mpl(const char *root) {
  static const char *const runs[9][2] = {
      {"constant_24000", "constant:steps=24000"},
      {"constant_72000", "constant:steps=72000"},
      {"cosine_24000", "cosine:final=3e-5,steps=24000"},
      {"cosine_72000", "cosine:final=3e-5,steps=72000"},
      {"wsd_20000_24000", "wsd:final=3e-5,decay_start=20000,tail=exp,steps=24000"},
      {"wsdld_20000_24000", "wsd:final=3e-5,decay_start=20000,tail=linear,steps=24000"},
      {"wsdcon_3", "twostage:low=3e-5,switch=8000,steps=16000"},
      {"wsdcon_9", "twostage:low=9e-5,switch=8000,steps=16000"},
      {"wsdcon_18", "twostage:low=1.8e-4,switch=8000,steps=16000"}};
  for (int i = 0; i < 9; i++) {
    char path[1024], spec[256];
    snprintf(path, sizeof path, "%s/data/mpl/400M/%s.csv", root, runs[i][0]);
    /* common keys first: the spec puts them in any order */
    const char *colon = strchr(runs[i][1], ':');
    snprintf(spec, sizeof spec, "%.*s:peak=3e-4,warmup=2160,warmup_style=inclusive,%s",
             (int)(colon - runs[i][1]), runs[i][1], colon + 1);
    fslaw_run *run = NULL;
    fslaw_schedule *s = NULL;
    fslaw_error err;
    CHECK(fslaw_run_read(path, FSLAW_RUN_AUTO, NULL, &run, &err) == FSLAW_OK);
    CHECK(fslaw_schedule_create(spec, &s, &err) == FSLAW_OK);
    if (!run || !s) {
      fprintf(stderr, "%s: %s\n", runs[i][0], err.msg);
      fslaw_run_destroy(run);
      fslaw_schedule_destroy(s);
      continue;
    }
    CHECK(fslaw_schedule_steps(s) == fslaw_run_steps(run));
    const double *want = fslaw_run_lr(run);
    double worst = 0;
    for (size_t k = 0; k < fslaw_run_steps(run); k++) {
      double r = fslaw_schedule_rate(s, k);
      double rel = want[k] ? fabs(r - want[k]) / want[k] : fabs(r);
      if (rel > worst) worst = rel;
    }
    if (worst > 1e-12) fprintf(stderr, "%s: worst relative error %g\n", runs[i][0], worst);
    CHECK(worst <= 1e-12);
    fslaw_run_destroy(run);
    fslaw_schedule_destroy(s);
  }
}

static void test_intrinsic_time(void) {
  /* constant: t_k = peak (k + 1), exactly representable partial sums */
  fslaw_schedule *s;
  CHECK(fslaw_schedule_create("constant:peak=0.5,steps=1000", &s, NULL) == FSLAW_OK);
  double lr[1000], t[1000];
  fslaw_schedule_eval(s, lr, 1000, NULL);
  fslaw_intrinsic_time(lr, 1000, t);
  CHECK(t[0] == 0.5 && t[999] == 500);
  fslaw_schedule_destroy(s);
  /* linear warmup peak k / W: t_k = peak k (k + 1) / (2 W) */
  CHECK(fslaw_schedule_create("constant:peak=3e-4,warmup=1000,steps=1000", &s, NULL) ==
        FSLAW_EINVAL);
  CHECK(fslaw_schedule_create("constant:peak=3e-4,warmup=999,steps=1000", &s, NULL) == FSLAW_OK);
  fslaw_schedule_eval(s, lr, 1000, NULL);
  fslaw_intrinsic_time(lr, 1000, t);
  CHECK_REL(t[998], 3e-4 * 998.0 * 999.0 / (2 * 999.0), 1e-14);
  CHECK_REL(t[999], t[998] + 3e-4, 1e-15);
  fslaw_schedule_destroy(s);
  /* compensation: 1e6 additions of 0.1 stay within 1 ulp of 1e5 */
  size_t n = 1000000;
  double *a = malloc(n * sizeof *a);
  for (size_t k = 0; k < n; k++) a[k] = 0.1;
  fslaw_intrinsic_time(a, n, a); /* in place */
  CHECK(fabs(a[n - 1] - 1e5) <= 1e5 * 2.3e-16);
  free(a);
  /* eval refuses more rates than steps */
  CHECK(fslaw_schedule_create("cosine:steps=10", &s, NULL) == FSLAW_OK);
  fslaw_error err;
  CHECK(fslaw_schedule_eval(s, lr, 11, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "11 rates of a 10-step");
  fslaw_schedule *c = fslaw_schedule_copy(s);
  CHECK(c && !strcmp(fslaw_schedule_spec(c), "cosine:steps=10"));
  CHECK(c && fslaw_schedule_rate(c, 3) == fslaw_schedule_rate(s, 3));
  CHECK(!strcmp(fslaw_schedule_name(s), "cosine"));
  fslaw_schedule_destroy(c);
  fslaw_schedule_destroy(s);
  fslaw_schedule_destroy(NULL);
}

static void test_file(const char *scratch) {
  char path[1024], spec[1100];
  snprintf(path, sizeof path, "%s/sched_file.csv", scratch);
  FILE *f = fopen(path, "w");
  fprintf(f, "step,lr\n0,0\n4,0.4\n5,0.5\n9,0.1\n");
  fclose(f);
  snprintf(spec, sizeof spec, "file:path=%s", path);
  fslaw_schedule *s;
  fslaw_error err;
  CHECK(fslaw_schedule_create(spec, &s, &err) == FSLAW_OK);
  if (!s) return;
  CHECK(fslaw_schedule_steps(s) == 10);
  CHECK_REL(fslaw_schedule_rate(s, 2), 0.2, 1e-15); /* interpolated */
  CHECK_REL(fslaw_schedule_rate(s, 7), 0.3, 1e-15);
  CHECK(fslaw_schedule_peak(s) == 0.5);
  CHECK(fslaw_schedule_warmup(s) == 0);
  CHECK(fslaw_schedule_path(s) && !strcmp(fslaw_schedule_path(s), path)); /* for --out checks */
  fslaw_schedule *c = fslaw_schedule_copy(s);
  remove(path); /* the copy does not read the file again */
  CHECK(c && fslaw_schedule_rate(c, 7) == fslaw_schedule_rate(s, 7));
  fslaw_schedule_destroy(c);
  fslaw_schedule_destroy(s);
  check_error(spec, "cannot open");
  check_error("file:steps=10", "unknown key 'steps'");
  check_error("file", "missing required key 'path'");
  f = fopen(path, "w"); /* finite rates whose sum is not */
  fprintf(f, "step,lr\n0,1e308\n1,1e308\n2,1e308\n");
  fclose(f);
  check_error(spec, "sum past the largest double");
  remove(path);
}

static void test_errors(void) {
  check_error("cosin:steps=10", "unknown schedule 'cosin'");
  check_error("cosine:steps=10,fnal=3", "unknown key 'fnal'");
  check_error("constant:steps=10,final=3", "unknown key 'final'");
  check_error("cosine", "missing required key 'steps'");
  check_error("cosine:peak=1", "missing required key 'steps'");
  check_error("cosine:steps=0", "key 'steps': must be at least 1");
  check_error("cosine:steps=10.5", "key 'steps': expected a whole number");
  check_error("cosine:steps=10,peak=-1", "key 'peak': must not be negative");
  check_error("cosine:steps=10,peak=nan", "key 'peak': expected a finite number");
  check_error("cosine:steps=10,peak=inf", "key 'peak': expected a finite number");
  check_error("cosine:steps=10,peak=1e999", "key 'peak': expected a finite number");
  check_error("cosine:steps=10,peak=0", "key 'peak': must be positive");
  check_error("cosine:steps=10,peak=abc", "got 'abc'");
  check_error("cosine:steps=10,peak=", "key 'peak': missing value");
  check_error("cosine:steps=10,peak", "expected key=value, got 'peak'");
  check_error("cosine:steps=10,steps=20", "key 'steps' given twice");
  check_error("cosine:steps=10,warmup=10", "key 'warmup' (10) must be less than steps (10)");
  check_error("cosine:steps=10,final=2", "key 'final' (2) must not exceed peak (1)");
  check_error("cosine:steps=10,warmup_style=mpl", "expected one of standard|inclusive");
  check_error("exp:steps=10", "key 'final' must be given and positive");
  check_error("power:steps=10,p=0", "key 'p': must be positive");
  check_error("wsd:steps=10", "exactly one of 'decay_start'");
  check_error("wsd:steps=10,decay=0.2,decay_start=3", "exactly one of 'decay_start'");
  check_error("wsd:steps=10,decay=1.5", "key 'decay': expected a fraction");
  check_error("wsd:steps=10,warmup=5,decay_start=2", "key 'decay_start': the decay must start");
  check_error("wsd:steps=10,decay=0.2,tail=exp", "key 'final': must be positive for tail=exp");
  check_error("wsd:steps=10,decay=0.2,tail=step", "key 'tail': expected one of");
  check_error("twostage:steps=10,low=1", "missing required key 'switch'");
  check_error("twostage:steps=10,switch=5", "missing required key 'low'");
  check_error("twostage:steps=10,switch=11,low=1", "key 'switch' (11) must lie between");
  /* low is the rate after the drop: above the peak it would be a silent rise */
  check_error("twostage:peak=1e-3,steps=10,switch=5,low=2e-3",
              "key 'low' (0.002) must not exceed peak (0.001)");
  check_error("multistep:steps=10", "missing required key 'milestones'");
  check_error("multistep:steps=10,milestones=0.9/0.8", "fractions must increase");
  check_error("multistep:steps=10,milestones=0.8/1.2", "fractions must lie in (0, 1)");
  check_error("multistep:steps=10,milestones=0.5,factor=0", "key 'factor': must be positive");
  check_error("multistep:steps=10,warmup=6,milestones=0.5", "falls inside the warmup");
  /* a drop that would silently never happen, or the peak never used */
  check_error("multistep:steps=10,milestones=0.01/0.02", "milestone 0.01 falls on step 0");
  check_error("multistep:steps=10,milestones=0.01/0.02", "the peak is never used");
  check_error("multistep:steps=10,warmup=5,milestones=0.5", "the peak is never used");
  check_error("multistep:steps=10,milestones=0.3/0.32", "0.3 and 0.32 both fall on step 3");
  check_error("multistep:steps=10,milestones=0.5/0.99", "past the last step");
  /* wsd's p shapes only the power tail: elsewhere it would be ignored */
  check_error("wsd:steps=10,decay=0.5,p=3", "key 'p': applies only to tail=power");
  check_error("wsd:steps=10,decay=0.5,tail=cosine,p=3", "the tail is cosine");
  /* rates whose sum (the intrinsic time) would overflow */
  check_error("constant:peak=1e308,steps=3", "key 'peak': 1e+308 over 3 steps");
  check_error("cosine:peak=1e300,steps=1000000000", "intrinsic time");
  check_error("multistep:steps=10,milestones=0.3/0.5,factor=1e300", "key 'factor'");
  check_error("invsqrt:steps=10,timescale=0", "key 'timescale': must be positive");
  check_error("cyclic:steps=10", "missing required key 'period'");
  check_error("cyclic:steps=10,period=1", "key 'period': must be at least 2");
  check_error("cyclic:steps=10,period=4,low=2", "key 'low' (2) must not exceed peak");
  fslaw_schedule *s = (fslaw_schedule *)1;
  CHECK(fslaw_schedule_create(NULL, &s, NULL) == FSLAW_EINVAL && s == NULL);
}

/* The boundaries the spec checks above leave open, and the rates there. */
static void test_edges(void) {
  /* inclusive warmup reaches the peak at step warmup-1: a drop at warmup is fine */
  const char *incl = "multistep:peak=2,steps=10,warmup=5,warmup_style=inclusive,milestones=0.5";
  CHECK(rate(incl, 4) == 2);
  CHECK_REL(rate(incl, 5), 0.2, 1e-15);
  CHECK_REL(rate("wsd:peak=1,decay_start=60,tail=power,p=3,steps=100", 80), 0.125, 1e-14);
  /* the largest peak whose sum is finite: every t finite */
  fslaw_schedule *s;
  CHECK(fslaw_schedule_create("constant:peak=2.5e307,steps=3", &s, NULL) == FSLAW_OK);
  if (s) {
    double lr[3], t[3];
    fslaw_schedule_eval(s, lr, 3, NULL);
    fslaw_intrinsic_time(lr, 3, t);
    CHECK_REL(t[2], 7.5e307, 1e-15);
    CHECK(fslaw_schedule_path(s) == NULL);
    fslaw_schedule_destroy(s);
  }
}

static void test_registry(void) {
  static const char *const names[] = {"constant", "cosine", "linear", "exp", "power", "wsd",
                                      "twostage", "multistep", "invsqrt", "cyclic", "file"};
  CHECK(fslaw_schedule_kind_count() == 11);
  for (size_t i = 0; i < 11; i++) {
    CHECK(!strcmp(fslaw_schedule_kind_name(i), names[i]));
    CHECK(strlen(fslaw_schedule_kind_help(i)) > 20);
  }
  CHECK(fslaw_schedule_kind_name(11) == NULL);
  CHECK(!strcmp(fslaw_status_to_string(FSLAW_EINVAL), "invalid argument"));
  int major, minor, patch;
  CHECK(sscanf(fslaw_version(), "%d.%d.%d", &major, &minor, &patch) == 3);
}

/* The warmup ends at the first step at the top of the initial stretch where
 * the rate never decreases, pauses included. */
static void test_warmup_end(void) {
  const double rising[] = {0, 1, 2, 3, 3, 2}, paused[] = {0, 1, 1, 2, 2, 3, 3, 3, 1},
               zeros[] = {0, 0, 1, 2, 3, 1}, flat[] = {3, 3, 2, 1}, falling[] = {3, 2, 4};
  CHECK(fslaw_warmup_end(rising, 6) == 3);
  CHECK(fslaw_warmup_end(paused, 9) == 5);
  CHECK(fslaw_warmup_end(zeros, 6) == 4);
  CHECK(fslaw_warmup_end(flat, 4) == 0);
  CHECK(fslaw_warmup_end(falling, 3) == 0);
  CHECK(fslaw_warmup_end(rising, 1) == 0);
  /* a step up after a plateau is not warmup: from step 0, or after a ramp */
  double up[100], ramp_up[100];
  for (size_t k = 0; k < 100; k++) {
    up[k] = k < 50 ? 1 : 3;
    ramp_up[k] = k < 5 ? (double)k : k < 60 ? 5 : 9;
  }
  CHECK(fslaw_warmup_end(up, 100) == 0);
  CHECK(fslaw_warmup_end(ramp_up, 100) == 5);
  /* rates logged with 3 digits: plateaus inside a 500-step linear ramp */
  double lr[800];
  char buf[32];
  for (size_t k = 0; k < 800; k++) {
    snprintf(buf, sizeof buf, "%.3g", k < 500 ? 3e-4 * (double)k / 500 : 3e-4 * (1 - (double)(k - 500) / 600));
    lr[k] = strtod(buf, NULL);
  }
  CHECK(fslaw_warmup_end(lr, 800) == 500);
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : ".";
  const char *scratch = argc > 2 ? argv[2] : "/tmp";
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", scratch);
  if (system(cmd)) return 1;
  test_values();
  test_mpl(root);
  test_intrinsic_time();
  test_warmup_end();
  test_file(scratch);
  test_errors();
  test_edges();
  test_registry();
  return check_done("test_schedule");
}
