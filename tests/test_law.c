/* test_law.c: the loss-curve laws against direct implementations of their
 * MATH.md §5 formulas, analytic vs finite-difference Jacobians, the
 * compression of long sums, arguments outside the fast ranges of the
 * vectorised exp/log (src/vmath.h), specs, params JSON round trips and
 * metrics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fslaw/fslaw.h"

#define N 3000
static double lr[N], T[N];
static size_t at[] = {400, 700, 1000, 1500, 1501, 1502, 2000, 2600, 2999};
#define NAT (sizeof at / sizeof at[0])
/* Loss error of the default compression (eps in src/law.c). */
#define COMPRESSION_TOL 3e-7

/* A schedule with every feature: warmup, cosine, a jump, a flat tail. */
static void make_schedule(void) {
  fslaw_schedule *s;
  fslaw_schedule_create("cosine:peak=1e-3,final=1e-4,warmup=200,warmup_style=inclusive,steps=3000", &s, NULL);
  fslaw_schedule_eval(s, lr, N, NULL);
  fslaw_schedule_destroy(s);
  for (size_t k = 1500; k < 2500; k++) lr[k] *= 0.5;
  fslaw_intrinsic_time(lr, N, T);
}

static const size_t W = 199; /* warmup end: the peak at step 199 */

/* Direct O(k) evaluations of the formulas. */
static double mpl_direct(const double *p, size_t k, int code) {
  double ld = 0;
  for (size_t i = code ? 1 : W + 1; i <= k; i++) {
    double S = T[k] - T[i] + lr[i], x = pow(lr[i], -p[6]) * S;
    ld += (lr[i - 1] - lr[i]) * (1 - pow(p[4] * x + 1, -p[5]));
  }
  return p[0] + p[1] * pow(T[k], -p[2]) - p[3] * ld;
}
static double fsl_direct(const double *p, size_t k) {
  double sum = 0;
  for (size_t i = W + 1; i <= k; i++)
    sum += (lr[i - 1] - lr[i]) * (p[3] + pow(T[i], -p[5])) * (1 - pow(1 + p[4] * (T[k] - T[i]), -p[6]));
  return p[0] + p[1] * pow(T[k], -p[5]) - p[2] * sum;
}
static double conv_direct(const double *p, size_t k) {
  double sum = 0;
  for (size_t j = 0; j <= k; j++) sum += pow(p[5] + T[k] - T[j], -p[6]) * lr[j] * lr[j];
  return p[0] + p[1] * pow(p[2] + T[k], -p[3]) + p[4] * sum;
}
static double fslk_direct(const double *p, size_t k) {
  double sum = 0;
  for (size_t i = 0; i <= k; i++)
    if (lr[i] > 0)
      sum += lr[i] * lr[i] * (p[4] + pow(T[i], -p[2])) * pow(1 + p[5] * (T[k] - T[i]), -(1 + p[6]));
  return p[0] + p[1] * pow(T[k], -p[2]) + p[3] * sum;
}
static double fslq_direct(const double *p, size_t k, double ref) {
  double sum = 0;
  for (size_t i = W + 1; i <= k; i++) {
    double D = ref * (pow(lr[i - 1] / ref, p[7]) - pow(lr[i] / ref, p[7]));
    sum += D * (p[3] + pow(T[i], -p[5])) * (1 - pow(1 + p[4] * (T[k] - T[i]), -p[6]));
  }
  return p[0] + p[1] * pow(T[k], -p[5]) - p[2] * sum;
}
static double fslkq_direct(const double *p, size_t k, double ref) {
  double sum = 0;
  for (size_t i = 0; i <= k; i++)
    if (lr[i] > 0)
      sum += ref * ref * pow(lr[i] / ref, 1 + p[7]) * (p[4] + pow(T[i], -p[2])) *
             pow(1 + p[5] * (T[k] - T[i]), -(1 + p[6]));
  return p[0] + p[1] * pow(T[k], -p[2]) + p[3] * sum;
}
static double mtl_direct(const double *p, size_t k, double lambda) {
  double S1 = 0, m = 0, S2 = 0;
  for (size_t i = 0; i <= k; i++) {
    if (i <= W) { S1 += lr[W]; continue; }
    S1 += lr[i];
    m = lambda * m + (lr[i - 1] - lr[i]);
    S2 += m;
  }
  return p[0] + p[1] * pow(S1, -p[2]) - p[3] * S2;
}

typedef struct {
  const char *spec;
  double p[8];
} law_case;

static const law_case cases[] = {
    {"mpl", {2.5, 0.6, 0.45, 600, 0.5, 0.4, 0.6}},
    {"mpl:convention=code", {2.5, 0.6, 0.45, 600, 0.5, 0.4, 0.6}},
    {"fsl", {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6}},
    {"fslconv", {2.4, 0.7, 0.05, 0.5, 500, 0.02, 0.7}},
    {"mtl", {2.5, 0.6, 0.5, 0.4, 0, 0, 0}},
    {"mtl:lambda=0.99", {2.5, 0.6, 0.5, 0.4, 0, 0, 0}},
    {"fslk", {2.4, 0.7, 0.5, 300, 0.4, 20, 0.6}},
    {"fslq", {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6, 1.4}},
    {"fslq:ref=3e-4", {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6, 0.65}},
    {"fslkq", {2.4, 0.7, 0.5, 300, 0.4, 20, 0.6, 1.4}},
    {"fslkq:ref=3e-4", {2.4, 0.7, 0.5, 300, 0.4, 20, 0.6, 0.65}},
};
#define NCASES (sizeof cases / sizeof cases[0])

static double direct(size_t c, const double *p, size_t k) {
  switch (c) {
  case 0: return mpl_direct(p, k, 0);
  case 1: return mpl_direct(p, k, 1);
  case 2: return fsl_direct(p, k);
  case 3: return conv_direct(p, k);
  case 4: return mtl_direct(p, k, 0.999);
  case 5: return mtl_direct(p, k, 0.99);
  case 6: return fslk_direct(p, k);
  case 7: return fslq_direct(p, k, 1e-3);
  case 8: return fslq_direct(p, k, 3e-4);
  case 9: return fslkq_direct(p, k, 1e-3);
  default: return fslkq_direct(p, k, 3e-4);
  }
}

/* spec with eps=E appended. */
static const char *with_eps(char *buf, size_t len, const char *spec, const char *eps) {
  snprintf(buf, len, "%s%seps=%s", spec, strchr(spec, ':') ? "," : ":", eps);
  return buf;
}

static fslaw_law_eval *prepare(const char *spec, fslaw_law **law) {
  fslaw_error err;
  fslaw_law_eval *ev = NULL;
  if (fslaw_law_create(spec, law, &err) ||
      fslaw_law_eval_create(*law, lr, N, at, NAT, &ev, &err))
    fprintf(stderr, "%s: %s\n", spec, err.msg);
  return ev;
}

static void test_formulas(void) {
  for (size_t c = 0; c < NCASES; c++) {
    fslaw_law *law = NULL;
    char spec[64];
    fslaw_law_eval *ev = prepare(with_eps(spec, sizeof spec, cases[c].spec, "0"), &law);
    CHECK(ev != NULL);
    if (!ev) continue;
    CHECK(fslaw_law_eval_warmup(ev) == W);
    double pred[NAT];
    fslaw_law_eval_predict(ev, cases[c].p, pred, NULL);
    for (size_t i = 0; i < NAT; i++) CHECK_REL(pred[i], direct(c, cases[c].p, at[i]), 1e-11);
    fslaw_law_eval_destroy(ev);
    fslaw_law_destroy(law);
  }
}

/* Analytic Jacobian vs central differences, exact and compressed sums. */
static void test_jacobians(void) {
  for (size_t c = 0; c < NCASES; c++) {
    for (int compressed = 0; compressed < 2; compressed++) {
      char spec[64];
      with_eps(spec, sizeof spec, cases[c].spec, compressed ? "0.02" : "0");
      fslaw_law *law = NULL;
      fslaw_law_eval *ev = prepare(spec, &law);
      if (!ev) { CHECK(0); continue; }
      size_t np = fslaw_law_nparams(law);
      double p[8], pred[NAT], jac[NAT * 8], hi[NAT], lo[NAT];
      memcpy(p, cases[c].p, sizeof p);
      fslaw_law_eval_predict(ev, p, pred, jac);
      for (size_t j = 0; j < np; j++) {
        double h = 1e-6 * fmax(fabs(p[j]), 1e-3), keep = p[j];
        p[j] = keep + h;
        fslaw_law_eval_predict(ev, p, hi, NULL);
        p[j] = keep - h;
        fslaw_law_eval_predict(ev, p, lo, NULL);
        p[j] = keep;
        for (size_t i = 0; i < NAT; i++) {
          double fd = (hi[i] - lo[i]) / (2 * h);
          double scale = fmax(fabs(fd), 1e-8 / h * 1e-3);
          if (fabs(jac[i * np + j] - fd) > 1e-5 * scale + 1e-9) {
            fprintf(stderr, "%s param %s point %zu: analytic %.10g fd %.10g\n", spec,
                    fslaw_law_param_name(law, j), i, jac[i * np + j], fd);
            CHECK(0);
          } else {
            CHECK(1);
          }
        }
      }
      fslaw_law_eval_destroy(ev);
      fslaw_law_destroy(law);
    }
  }
}

/* The default compression (eps 0.02) against exact sums. */
static void test_compression(void) {
  for (size_t c = 0; c < NCASES; c += 1) {
    fslaw_law *law = NULL;
    fslaw_law_eval *ev = prepare(cases[c].spec, &law); /* default eps 0.15 */
    if (!ev) { CHECK(0); continue; }
    double pred[NAT], worst = 0;
    fslaw_law_eval_predict(ev, cases[c].p, pred, NULL);
    for (size_t i = 0; i < NAT; i++) {
      double want = direct(c, cases[c].p, at[i]);
      worst = fmax(worst, fabs(pred[i] - want) / want);
    }
    printf("compression %-20s max relative error %.2e\n", cases[c].spec, worst);
    CHECK(worst <= COMPRESSION_TOL);
    fslaw_law_eval_destroy(ev);
    fslaw_law_destroy(law);
  }
}

/* Laws at parameters whose exponentials and logarithms leave the fast
 * ranges of src/vmath.h on some atoms (the laws then take libm's): kernels
 * that underflow, a drop to rate 0. Exact sums against the direct formulas. */
static void check_direct(const char *spec, size_t c, const double *p) {
  fslaw_law *law = NULL;
  fslaw_law_eval *ev = prepare(spec, &law);
  CHECK(ev != NULL);
  if (!ev) return;
  double pred[NAT];
  fslaw_law_eval_predict(ev, p, pred, NULL);
  for (size_t i = 0; i < NAT; i++) {
    double want = direct(c, p, at[i]);
    CHECK(isfinite(want)); /* CHECK_REL would pass anything against inf */
    CHECK_REL(pred[i], want, 1e-11);
  }
  fslaw_law_eval_destroy(ev);
  fslaw_law_destroy(law);
}

/* mpl with lr = 0 from step 2800: those drops have G = 1 (their x is
 * infinite, or nan when gamma = 0), the steps without a drop add nothing. */
static double mpl_zero_direct(const double *p, size_t k) {
  double ld = 0;
  for (size_t i = W + 1; i <= k; i++) {
    double D = lr[i - 1] - lr[i];
    if (D == 0) continue;
    double x = pow(lr[i], -p[6]) * (T[k] - T[i] + lr[i]);
    ld += D * (lr[i] == 0 ? 1 : 1 - pow(p[4] * x + 1, -p[5]));
  }
  return p[0] + p[1] * pow(T[k], -p[2]) - p[3] * ld;
}

static void test_outside_fast_range(void) {
  double fslk[7] = {2.4, 0.7, 0.5, 300, 0.4, 1e4, 100}; /* (1 + c4 y)^-101 < 1e-308 */
  check_direct("fslk:eps=0", 6, fslk);
  double fsl[7] = {2.4, 0.7, 300, 0.4, 1e4, 0.5, 200};
  check_direct("fsl:eps=0", 2, fsl);
  double conv[7] = {2.4, 0.7, 0.05, 0.5, 500, 1, 1500}; /* (1 + y)^-1500 < 1e-308 */
  check_direct("fslconv:eps=0", 3, conv);
  double keep[N];
  memcpy(keep, lr, sizeof lr);
  for (size_t k = 2800; k < N; k++) lr[k] = 0;
  fslaw_intrinsic_time(lr, N, T);
  for (int g = 0; g < 2; g++) {
    double mpl[7] = {2.5, 0.6, 0.45, 600, 0.5, 0.4, g ? 0.6 : 0};
    fslaw_law *law = NULL;
    fslaw_law_eval *ev = prepare("mpl:eps=0", &law);
    if (!ev) { CHECK(0); break; }
    double pred[NAT], jac[NAT * 7];
    fslaw_law_eval_predict(ev, mpl, pred, jac);
    for (size_t i = 0; i < NAT; i++) CHECK_REL(pred[i], mpl_zero_direct(mpl, at[i]), 1e-11);
    for (size_t i = 0; i < NAT * 7; i++) CHECK(isfinite(jac[i]));
    fslaw_law_eval_destroy(ev);
    fslaw_law_destroy(law);
  }
  double fslq[8] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6, 0.65}; /* the drop to 0 at step 2800 */
  check_direct("fslq:eps=0,ref=3e-4", 8, fslq);
  memcpy(lr, keep, sizeof lr);
  fslaw_intrinsic_time(lr, N, T);
}

/* fslq with q = 1 is fsl, exact and compressed, Jacobian included. */
static void test_fslq_is_fsl(void) {
  const char *eps[] = {"0", "0.1"};
  for (int e = 0; e < 2; e++) {
    char a[64], b[64];
    fslaw_law *lf = NULL, *lq = NULL;
    fslaw_law_eval *ef = prepare(with_eps(a, sizeof a, "fsl", eps[e]), &lf);
    fslaw_law_eval *eq = prepare(with_eps(b, sizeof b, "fslq", eps[e]), &lq);
    CHECK(ef && eq);
    if (ef && eq) {
      double p[8] = {2.4, 0.7, 300, 0.4, 20, 0.5, 0.6, 1}, pf[NAT], pq[NAT], jf[NAT * 7],
             jq[NAT * 8];
      fslaw_law_eval_predict(ef, p, pf, jf);
      fslaw_law_eval_predict(eq, p, pq, jq);
      for (size_t i = 0; i < NAT; i++) {
        CHECK_REL(pq[i], pf[i], 1e-13);
        for (size_t j = 0; j < 7; j++) CHECK_REL(jq[i * 8 + j], jf[i * 7 + j], 1e-10);
      }
    }
    fslaw_law_eval_destroy(ef);
    fslaw_law_eval_destroy(eq);
    fslaw_law_destroy(lf);
    fslaw_law_destroy(lq);
  }
}

static void check_law_error(const char *spec, const char *want) {
  fslaw_law *law = (fslaw_law *)1;
  fslaw_error err = {""};
  CHECK(fslaw_law_create(spec, &law, &err) == FSLAW_EINVAL && law == NULL);
  CHECK_HAS(err.msg, want);
}

static void test_specs(void) {
  check_law_error("mlp", "unknown law 'mlp' (known: fsl, fslconv, fslk, fslq, fslkq, mpl, mtl)");
  check_law_error("mpl:lambda=0.9", "unknown key 'lambda' for law 'mpl' (keys: eps, unit, convention)");
  check_law_error("mpl:convention=book", "key 'convention': expected paper or code");
  check_law_error("mtl:lambda=1", "key 'lambda': must lie in [0, 1)");
  check_law_error("fsl:eps=2", "key 'eps': must lie in [0, 0.5]");
  check_law_error("fsl:eps", "expected key=value");
  check_law_error("fslq:ref=0", "key 'ref': must be positive, got 0");
  check_law_error("fslkq:ref=inf", "key 'ref': expected a number, got 'inf'");
  check_law_error("fsl:unit=0", "key 'unit': must be positive, got 0");
  check_law_error("mpl:unit=-3e-4", "key 'unit': must be positive");
  check_law_error("fsl:ref=1e-3", "unknown key 'ref' for law 'fsl' (keys: eps, unit)");
  fslaw_law *law;
  CHECK(fslaw_law_create("mpl", &law, NULL) == FSLAW_OK);
  CHECK(fslaw_law_nparams(law) == 7 && fslaw_law_param_index(law, "gamma") == 6);
  CHECK(fslaw_law_param_index(law, "delta") == -1);
  CHECK(fslaw_law_param_name(law, 7) == NULL);
  fslaw_law_destroy(law);
  /* predictions at bad steps */
  fslaw_law_eval *ev;
  fslaw_error err;
  size_t bad[] = {5, 3};
  fslaw_law_create("mtl", &law, NULL);
  CHECK(fslaw_law_eval_create(law, lr, N, bad, 2, &ev, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "must increase (3 after 5)");
  size_t far[] = {N};
  CHECK(fslaw_law_eval_create(law, lr, N, far, 1, &ev, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "beyond the schedule");
  double nanlr[3] = {0, NAN, 1};
  CHECK(fslaw_law_eval_create(law, nanlr, 3, NULL, 0, &ev, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "learning rate of step 1 is nan");
  /* a parameter set by hand to NaN or inf is named, not reported as a
   * diverged prediction */
  double par[16], pred, loss;
  for (size_t i = 0; i < fslaw_law_nparams(law); i++) par[i] = fslaw_law_param_start(law, i);
  size_t last = N - 1;
  CHECK(fslaw_law_predict(law, par, lr, N, &last, 1, &pred, &err) == FSLAW_OK);
  par[1] = NAN;
  CHECK(fslaw_law_predict(law, par, lr, N, &last, 1, &pred, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "parameter '");
  CHECK_HAS(err.msg, "' is nan");
  par[1] = INFINITY;
  CHECK(fslaw_law_final_loss(law, par, lr, N, &loss, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "' is inf");
  fslaw_law_destroy(law);
}

static void test_params_json(void) {
  fslaw_law *law, *back = NULL;
  fslaw_law_create("mpl:convention=code", &law, NULL);
  double p[7] = {2.5, 0.1 + 0.2, 1.0 / 3, 600.000000001, 5e-300, 0.4, 0.6}, q[16];
  char *json = fslaw_params_to_json(law, p, NULL, NULL);
  fslaw_error err;
  CHECK(json && fslaw_params_parse("p.json", json, &back, q, &err) == FSLAW_OK);
  if (back) {
    CHECK(!strcmp(fslaw_law_spec(back), "mpl:convention=code"));
    CHECK(!memcmp(p, q, sizeof p)); /* exact round trip */
    fslaw_law_destroy(back);
  }
  free(json);
  /* a non-finite parameter would be written as null, which no reader takes
   * back: the writer refuses it, as it does missing values */
  p[3] = NAN;
  CHECK(fslaw_params_to_json(law, p, NULL, NULL) == NULL);
  p[3] = INFINITY;
  CHECK(fslaw_params_to_json(law, p, NULL, NULL) == NULL);
  CHECK(fslaw_params_to_json(law, NULL, NULL, NULL) == NULL);
  CHECK(fslaw_law_param_index(law, NULL) == -1);
  CHECK(fslaw_law_param_index(law, "beta") == 5);
  fslaw_law_destroy(law);
  const char *other = "{\"law\": \"fsl\", \"params\": {\"L0\": 1, \"A\": 2}}";
  CHECK(fslaw_params_parse("o.json", other, &back, q, &err) == FSLAW_EPARSE && back == NULL);
  CHECK_HAS(err.msg, "o.json: parameter 'A' does not belong to law 'fsl' (parameters of another law?)");
  const char *missing = "{\"law\": \"mtl\", \"params\": {\"L0\": 1, \"A\": 2, \"alpha\": 0.5}}";
  CHECK(fslaw_params_parse("m.json", missing, &back, q, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "m.json: law 'mtl' needs parameter 'C' (the file has: L0, A, alpha");
  CHECK(fslaw_params_parse("b.json", "{\n \"law\": \"mtl\",\n \"params\": {,}}", &back, q, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "b.json:3:");
  CHECK(fslaw_params_parse("u.json", "{\"law\": \"xyz\", \"params\": {}}", &back, q, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "unknown law 'xyz' (known: fsl, fslconv, fslk, fslq, fslkq, mpl, mtl) (in u.json)");
  CHECK(fslaw_params_parse("s.json", "{\"law\": \"mtl\", \"params\": {\"L0\": \"x\", \"A\": 2, \"alpha\": 0.5, \"C\": 1}}", &back, q, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "parameter 'L0' must be a finite number");
  CHECK(fslaw_params_read("/nonexistent.json", &back, q, &err) == FSLAW_EIO);
  /* "law" and "spec" must name the same law; a spec's options are fine */
  const char *clash = "{\"law\": \"fsl\", \"spec\": \"mtl:lambda=0.99\", \"params\": {\"L0\": 1, \"A\": 2, \"alpha\": 0.5, \"C\": 1}}";
  CHECK(fslaw_params_parse("c.json", clash, &back, q, &err) == FSLAW_EPARSE && back == NULL);
  CHECK_HAS(err.msg, "c.json: \"law\" is 'fsl' but \"spec\" is 'mtl:lambda=0.99'; make them agree (or remove \"spec\")");
  const char *agree = "{\"law\": \"mtl\", \"spec\": \"mtl:lambda=0.99\", \"params\": {\"L0\": 1, \"A\": 2, \"alpha\": 0.5, \"C\": 1}}";
  CHECK(fslaw_params_parse("a.json", agree, &back, q, &err) == FSLAW_OK && back && q[3] == 1);
  fslaw_law_destroy(back);
  const char *law_only = "{\"law\": \"mtl:lambda=0.99\", \"params\": {\"L0\": 1, \"A\": 2, \"alpha\": 0.5, \"C\": 1}}";
  CHECK(fslaw_params_parse("l.json", law_only, &back, q, &err) == FSLAW_OK && back &&
        !strcmp(fslaw_law_spec(back), "mtl:lambda=0.99"));
  fslaw_law_destroy(back);
}

static void test_metrics(void) {
  double y[4] = {4, 3, 2, 1}, p[4] = {4, 3.5, 2, 0.5};
  fslaw_metrics m;
  CHECK(fslaw_metrics_compute(y, p, 4, &m, NULL) == FSLAW_OK);
  CHECK_REL(m.r2, 1 - 0.5 / 5.0, 1e-15);
  CHECK_REL(m.mae, 0.25, 1e-15);
  CHECK_REL(m.rmse, sqrt(0.125), 1e-15);
  CHECK_REL(m.prede, (0.5 / 3 + 0.5) / 4, 1e-15);
  CHECK_REL(m.worste, 0.5, 1e-15);
  fslaw_metrics two[2] = {m, m}, mean;
  two[1].r2 = 0.5;
  fslaw_metrics_mean(two, 2, &mean);
  CHECK_REL(mean.r2, (0.9 + 0.5) / 2, 1e-15);
  CHECK(mean.n == 8);
  two[1].r2 = NAN; /* one point, or a flat curve: no R^2; the mean is the other's */
  fslaw_metrics_mean(two, 2, &mean);
  CHECK_REL(mean.r2, 0.9, 1e-15);
  CHECK_REL(mean.prede, m.prede, 1e-15);
  fslaw_error err;
  p[2] = NAN;
  CHECK(fslaw_metrics_compute(y, p, 4, &m, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "point 2");
  p[2] = 2;
  y[3] = 0; /* relative errors need positive observations */
  CHECK(fslaw_metrics_compute(y, p, 4, &m, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "point 3: observed 0; the metrics need positive observations");
  y[3] = 1;

  /* bins of consecutive points: 7 points in 3 bins are [0, 2), [2, 4), [4, 7) */
  double by[7] = {1, 2, 3, 4, 5, 6, 7}, bp[7] = {2, 2, 4, 4, 9, 9, 9};
  CHECK(fslaw_metrics_bin(by, bp, 7, 0) == 7 && by[6] == 7);
  CHECK(fslaw_metrics_bin(by, bp, 7, 7) == 7 && by[6] == 7 && bp[0] == 2);
  CHECK(fslaw_metrics_bin(by, bp, 7, 3) == 3);
  CHECK(by[0] == 1.5 && by[1] == 3.5 && by[2] == 6);
  CHECK(bp[0] == 2 && bp[1] == 4 && bp[2] == 9);
}

/* A schedule the walk of the compression (src/law_atoms.c) goes down as
 * well as up on: a linear decay with a 6% triangle wave on it (rises and
 * falls: drops of both signs, blocks whose rates vary too much to merge), a
 * halving and a stretch at rate 0. Basic arithmetic only: the same rates on
 * every machine. */
#define WAVY 5000
static void make_wavy(double *r) {
  for (size_t k = 0; k < WAVY; k++) {
    double base = k < 200 ? 1e-3 * (double)k / 200 : 1e-3 - 9e-4 * (double)(k - 200) / (WAVY - 201);
    double tri = (double)(k % 80 < 40 ? k % 80 : 80 - k % 80) / 40; /* 0..1..0 */
    r[k] = base * (k < 200 ? 1 : 0.97 + 0.06 * tri);
    if (k >= 2000 && k < 3000) r[k] *= 0.5;
    if (k >= 3500 && k < 3600) r[k] = 0;
  }
}

/* The walk of the compression starts at each block from the level of the
 * block before and compares thresholds computed once per block; it must
 * take the blocks that climbing from level 0 at every block took (commit
 * 152b0b3, which gave the pinned predictions of the default compression on
 * the wavy schedule). A block merged differently moves a prediction by far
 * more than round-off: the compression error here is 3e-11 to 1e-6. */
static void test_compression_pinned(void) {
  static const size_t wat[] = {300, 1200, 2500, 3550, 3999, 4999};
  enum { WNAT = sizeof wat / sizeof wat[0] };
  static const double want[NCASES][WNAT] = {
    /* mpl */
    {3.7289271258201344, 3.0151483783641519, 2.6713306629804174,
     2.4041323719327941, 2.4900767124679155, 2.4271252219192867},
    /* mpl:convention=code */
    {4.0949474040233635, 3.5059846918425679, 3.1877380740082284,
     2.9276533087269705, 3.0158656723652646, 2.955967109413614},
    /* fsl */
    {3.9477047533178036, 2.9963249395458682, 2.694936409655162,
     2.640048234151545, 2.6072595730064738, 2.5516942991531013},
    /* fslconv */
    {4.2898893078628451, 4.0921413655028545, 3.8551007988500858,
     3.7780956133814478, 3.7263655813009398, 3.6151491271545053},
    /* mtl */
    {3.5826114282811168, 3.0334641902406023, 2.7762005115849258,
     2.6661002013238999, 2.6343573787285335, 2.5671053614395949},
    /* mtl:lambda=0.99 */
    {3.5830773019488755, 3.0607143915759361, 2.9109571364743512,
     2.8728039097461662, 2.8638700524308818, 2.8411655571574763},
    /* fslk */
    {4.0126133578787, 3.1256424294072893, 2.9426490741753035,
     2.8959706150344329, 2.8799553623921708, 2.8576032047687265},
    /* fslq */
    {3.9403848195800095, 2.9587222441416778, 2.6385746700198887,
     2.5791816739314317, 2.5466344006943396, 2.496608130726981},
    /* fslq:ref=3e-4 */
    {3.9580965446086513, 3.0536350671158021, 2.8164718393176598,
     2.7676211852718207, 2.7424780643222029, 2.6986333525537236},
    /* fslkq */
    {4.0109587402190678, 3.1238493502232565, 2.939909146505034,
     2.8930696600709918, 2.8771467091130178, 2.8553529208074266},
    /* fslkq:ref=3e-4 */
    {3.9978132555316548, 3.1171583008736694, 2.9402737607685308,
     2.8940757898037575, 2.8786873382354776, 2.8572757826266013},
  };
  static double r[WAVY];
  make_wavy(r);
  for (size_t c = 0; c < NCASES; c++) {
    fslaw_law *law;
    double pred[WNAT];
    if (fslaw_law_create(cases[c].spec, &law, NULL)) { CHECK(0); continue; }
    CHECK(fslaw_law_predict(law, cases[c].p, r, WAVY, wat, WNAT, pred, NULL) == FSLAW_OK);
    for (size_t i = 0; i < WNAT; i++) CHECK_REL(pred[i], want[c][i], 1e-12);
    fslaw_law_destroy(law);
  }
}

/* fslaw_law_predict predicts a long list of steps in chunks (memory) that
 * share the levels of block sums; each point's prediction must not depend
 * on the chunk it falls in nor on the other points: equal, bit for bit, to
 * one prepared law on every point, and to a law prepared on that point
 * alone. */
static void test_predict_chunks(void) {
  enum { LONG = 10000 };
  static double lr2[LONG], a[LONG], b[LONG];
  static size_t all[LONG];
  fslaw_schedule *s;
  fslaw_schedule_create("wsd:peak=1e-3,final=1e-4,warmup=200,decay=0.3,steps=10000", &s, NULL);
  fslaw_schedule_eval(s, lr2, LONG, NULL);
  fslaw_schedule_destroy(s);
  size_t n = 0;
  for (size_t k = 300; k < LONG; k++) all[n++] = k;
  for (size_t c = 0; c < NCASES; c++) {
    fslaw_law *law;
    fslaw_law_eval *ev;
    if (fslaw_law_create(cases[c].spec, &law, NULL)) { CHECK(0); continue; }
    CHECK(fslaw_law_predict(law, cases[c].p, lr2, LONG, all, n, a, NULL) == FSLAW_OK);
    CHECK(fslaw_law_eval_create(law, lr2, LONG, all, n, &ev, NULL) == FSLAW_OK);
    fslaw_law_eval_predict(ev, cases[c].p, b, NULL);
    CHECK(!memcmp(a, b, n * sizeof *a));
    fslaw_law_eval_destroy(ev);
    const size_t pick[] = {0, 63, 64, 4095, 4096, 5000, n - 1}; /* around chunk ends */
    for (size_t j = 0; j < sizeof pick / sizeof *pick; j++) {
      double one = NAN;
      CHECK(fslaw_law_eval_create(law, lr2, LONG, &all[pick[j]], 1, &ev, NULL) == FSLAW_OK);
      fslaw_law_eval_predict(ev, cases[c].p, &one, NULL);
      CHECK(!memcmp(&one, &a[pick[j]], sizeof one));
      fslaw_law_eval_destroy(ev);
    }
    fslaw_law_destroy(law);
  }
}

/* spec for runs peaking at `peak` is `want`. */
static void check_for_peak(const char *spec, double peak, const char *want) {
  fslaw_law *law = NULL;
  fslaw_error err = {""};
  CHECK(fslaw_law_create_for_peak(spec, peak, &law, &err) == FSLAW_OK && law != NULL);
  if (!law) return;
  CHECK(!strcmp(fslaw_law_spec(law), want));
  if (strcmp(fslaw_law_spec(law), want)) fprintf(stderr, "got '%s', want '%s'\n", fslaw_law_spec(law), want);
  fslaw_law_destroy(law);
}

/* unit=U: every law on lr * U is the law on lr (predictions and the final
 * loss's gradient, which scales by 1 / U), whatever the law. */
static void test_unit(void) {
  const double U = 333.3;
  static double big[N], ga[N], gb[N];
  for (size_t k = 0; k < N; k++) big[k] = lr[k] * U;
  for (size_t c = 0; c < NCASES; c++) {
    char spec[96];
    snprintf(spec, sizeof spec, "%s%sunit=%g", cases[c].spec, strchr(cases[c].spec, ':') ? "," : ":", U);
    fslaw_law *a = NULL, *b = NULL;
    double pa[NAT], pb[NAT], la = NAN, lb = NAN;
    CHECK(fslaw_law_create(cases[c].spec, &a, NULL) == FSLAW_OK);
    CHECK(fslaw_law_create(spec, &b, NULL) == FSLAW_OK && fslaw_law_unit(b) == U);
    if (!a || !b) break;
    CHECK(fslaw_law_predict(a, cases[c].p, lr, N, at, NAT, pa, NULL) == FSLAW_OK);
    CHECK(fslaw_law_predict(b, cases[c].p, big, N, at, NAT, pb, NULL) == FSLAW_OK);
    for (size_t i = 0; i < NAT; i++) CHECK_REL(pb[i], pa[i], 1e-9);
    if (fslaw_law_final_loss(a, cases[c].p, lr, N, &la, ga, NULL) == FSLAW_OK) {
      CHECK(fslaw_law_final_loss(b, cases[c].p, big, N, &lb, gb, NULL) == FSLAW_OK);
      CHECK_REL(lb, la, 1e-9);
      for (size_t k = 0; k < N; k += 97) CHECK(fabs(gb[k] * U - ga[k]) <= 1e-7 * fabs(ga[k]) + 1e-12);
    }
    fslaw_law_destroy(a);
    fslaw_law_destroy(b);
  }
  check_for_peak("mpl", 0.09, "mpl:unit=300");
  const double bad[] = {0, -1, NAN, INFINITY}; /* no unit to take from such a peak */
  for (int i = 0; i < 4; i++) {
    fslaw_law *law = (fslaw_law *)1;
    fslaw_error err = {""};
    CHECK(fslaw_law_create_for_peak("mpl", bad[i], &law, &err) == FSLAW_EINVAL && law == NULL);
    CHECK_HAS(err.msg, "the peak rate must be positive and finite");
  }
  check_for_peak("fslq:ref=0.001", 3e-5, "fslq:ref=0.001,unit=0.1");
  check_for_peak("mpl:", 1e-3, "mpl:unit=3.33333");
  check_for_peak("mpl", 3e-4, "mpl");           /* the design peak: no unit */
  check_for_peak("mpl:unit=1", 0.09, "mpl:unit=1"); /* a unit given is kept */
}

/* A law whose drop terms outgrow L0 predicts no loss: an error, not a number. */
static void test_non_positive(void) {
  fslaw_law *law = NULL;
  fslaw_error err = {""};
  double p[] = {2.4, 0.7, 3e5, 0.4, 20, 0.5, 0.6}, pred[NAT], loss;
  CHECK(fslaw_law_create("fsl", &law, NULL) == FSLAW_OK);
  if (!law) return;
  CHECK(fslaw_law_predict(law, p, lr, N, at, NAT, pred, &err) == FSLAW_EDIVERGED);
  CHECK_HAS(err.msg, "a loss is positive, so the fitted law breaks down for this schedule");
  CHECK(fslaw_law_final_loss(law, p, lr, N, &loss, NULL, &err) == FSLAW_EDIVERGED);
  p[2] = 300; /* the formulas' case: positive everywhere */
  CHECK(fslaw_law_predict(law, p, lr, N, at, NAT, pred, NULL) == FSLAW_OK);
  fslaw_law_destroy(law);
}

int main(void) {
  make_schedule();
  test_predict_chunks();
  test_compression_pinned();
  test_formulas();
  test_jacobians();
  test_compression();
  test_outside_fast_range();
  test_fslq_is_fsl();
  test_specs();
  test_unit();
  test_non_positive();
  test_params_json();
  test_metrics();
  return check_done("test_law");
}
