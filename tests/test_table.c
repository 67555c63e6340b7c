/* test_table.c: tables, table laws, the Epoch fit, bootstrap and allocation
 * (fslaw/table.h, MATH.md §6, §7) on synthetic tables drawn from known
 * parameters. argv[1] = source tree, argv[2] = scratch folder. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "fslaw/params.h" /* FSLAW_MAX_PARAMS */
#include "fslaw/table.h"

/* Deterministic noise in [-1, 1]. */
static double wiggle(size_t i) { return sin(12.9898 * (double)i + 78.233 * (double)(i * i % 97)); }

/* A chinchilla table: nn sizes x nd token counts, loss * (1 + noise * wiggle). */
static fslaw_table *chin_table(const double *p, size_t nn, size_t nd, double noise) {
  fslaw_table *t = fslaw_table_create(2);
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla");
  for (size_t i = 0; i < nn; i++)
    for (size_t j = 0; j < nd; j++) {
      double x[2] = {7e7 * pow(2.0, (double)i), 1e9 * pow(2.5, (double)j) * (1 + 0.1 * (double)i)}, y;
      fslaw_tlaw_predict(law, p, x, 1, &y);
      fslaw_table_add(t, x, y * (1 + noise * wiggle(i * nd + j)), NULL);
    }
  return t;
}

static void test_parse(void) {
  const char *csv = "\xEF\xBB\xBFN,D,loss,excl,name\n"
                    "1e8,2e9,3.1,0,a\n"
                    "2e8,4e9,2.9,1,b\n"
                    "\n"
                    "4e8,8e9,2.7,0,\"c,d\"\n";
  const char *where[] = {"excl=0.0"};
  fslaw_table_spec sp = {2, {0, 0}, 0, 0, where, 1};
  fslaw_table *t = NULL;
  fslaw_error err;
  CHECK(fslaw_table_parse("t.csv", csv, strlen(csv), &sp, &t, &err) == FSLAW_OK);
  CHECK(t && fslaw_table_rows(t) == 2);
  if (t) {
    CHECK(fslaw_table_x(t)[2] == 4e8 && fslaw_table_x(t)[3] == 8e9 && fslaw_table_loss(t)[1] == 2.7);
    CHECK(fslaw_table_line(t, 1) == 5);
    CHECK(fslaw_table_line(t, 2) == 0 && fslaw_table_line(t, (size_t)-1) == 0); /* no such row */
  }
  fslaw_table_destroy(t);
  /* a NULL spec is an error, not a crash (no default is implied) */
  t = (fslaw_table *)1;
  CHECK(fslaw_table_parse("t.csv", csv, strlen(csv), NULL, &t, &err) == FSLAW_EINVAL && t == NULL);
  CHECK_HAS(err.msg, "t.csv: table spec is NULL");
  CHECK(fslaw_table_read("t.csv", NULL, &t, &err) == FSLAW_EINVAL && t == NULL);
  CHECK_HAS(err.msg, "t.csv: table spec is NULL");
  /* an unknown (or NULL) table law name gives NULL, and a fit of NULL is NULL */
  CHECK(fslaw_tlaw_find(NULL) == NULL && fslaw_tlaw_find("chinchila") == NULL);
  CHECK(fslaw_tfit_create(fslaw_tlaw_find("chinchila")) == NULL);
  CHECK(fslaw_tlaw_param_index(fslaw_tlaw_find("chinchilla"), NULL) == -1);
  const char *w2[] = {"name!=a", "name=c,d"}; /* text comparison, quoted field */
  sp.where = w2;
  sp.nwhere = 2;
  CHECK(fslaw_table_parse("t.csv", csv, strlen(csv), &sp, &t, &err) == FSLAW_OK && fslaw_table_rows(t) == 1);
  fslaw_table_destroy(t);
  /* column mapping: C-law table read from other names */
  const char *c2 = "flops,val\n1e20,3\n1e21,2.5\n";
  fslaw_table_spec s1 = {1, {"flops", 0}, "val", 0, NULL, 0};
  CHECK(fslaw_table_parse("c.csv", c2, strlen(c2), &s1, &t, &err) == FSLAW_OK && fslaw_table_rows(t) == 2);
  fslaw_table_destroy(t);
}

static void expect_parse_error(const char *csv, const char *const *where, size_t nw, const char *want) {
  fslaw_table_spec sp = {2, {0, 0}, 0, 0, where, nw};
  fslaw_table *t = NULL;
  fslaw_error err = {""};
  CHECK(fslaw_table_parse("bad.csv", csv, strlen(csv), &sp, &t, &err) != FSLAW_OK && !t);
  CHECK_HAS(err.msg, want);
}

static void test_parse_errors(void) {
  expect_parse_error("N,D,loss\n1e8,2e9,3\n0,2e9,3\n", NULL, 0, "bad.csv:3:1: column 'N': must be positive, got 0");
  expect_parse_error("N,D,loss\n1e8,-2e9,3\n", NULL, 0, "bad.csv:2:5: column 'D': must be positive");
  expect_parse_error("N,D,loss\n1e8,2e9,nan\n", NULL, 0, "bad.csv:2:9: column 'loss': NaN is not a valid value");
  expect_parse_error("N,D,loss\n1e8,2e9,x\n", NULL, 0, "column 'loss': expected a number, got 'x'");
  expect_parse_error("N,loss\n1e8,3\n", NULL, 0, "bad.csv:1: missing column 'D' (the header has: N, loss)");
  expect_parse_error("N,D,loss\n1e8,2e9\n", NULL, 0, "bad.csv:2:5: expected 3 fields as in the header, found 2");
  const char *w[] = {"flag=1"};
  expect_parse_error("N,D,loss\n1e8,2e9,3\n", w, 1, "missing column 'flag' named in a filter");
  const char *w0[] = {"N=5"};
  expect_parse_error("N,D,loss\n1e8,2e9,3\n", w0, 1, "bad.csv: no row passes the --where filters");
  const char *wb[] = {"=5"};
  expect_parse_error("N,D,loss\n1e8,2e9,3\n", wb, 1, "expected COL=VALUE");
  expect_parse_error("", NULL, 0, "bad.csv: empty file");
}

/* Noise-free chinchilla data: the grid fit recovers the parameters. */
static void test_chinchilla_recovery(void) {
  const double truth[5] = {406.4, 410.7, 1.69, 0.34, 0.28};
  fslaw_table *t = chin_table(truth, 6, 7, 0);
  fslaw_tfit *f = fslaw_tfit_create(fslaw_tlaw_find("chinchilla"));
  double p[5];
  fslaw_tfit_result res;
  CHECK(fslaw_tfit_set_grid(f, 2) == FSLAW_OK);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK);
  CHECK(fslaw_tfit_run(f, p, &res) == FSLAW_OK);
  CHECK(res.starts == 32 && res.points == 42 && res.converged);
  double again[5]; /* the result is optional */
  CHECK(fslaw_tfit_run(f, again, NULL) == FSLAW_OK && !memcmp(p, again, sizeof p));
  CHECK(!strcmp(fslaw_tfit_errmsg(NULL), "no fit (NULL)"));
  /* the range of the inputs, which predictions beyond note */
  CHECK(res.input_min[0] == 7e7 && res.input_max[0] == 7e7 * pow(2.0, 5));
  CHECK(res.input_min[1] == 1e9 && res.input_max[1] == 1e9 * pow(2.5, 6) * (1 + 0.1 * 5));
  for (int i = 0; i < 5; i++) CHECK_REL(p[i], truth[i], 1e-4);
  CHECK(res.objective < 1e-14);
  /* the objective by hand at a perturbed point: Huber of log residuals */
  double q[5] = {420, 400, 1.7, 0.34, 0.28}, pred[42], s = 0;
  fslaw_tlaw_predict(fslaw_tlaw_find("chinchilla"), q, fslaw_table_x(t), 42, pred);
  for (int i = 0; i < 42; i++) {
    double r = log(fslaw_table_loss(t)[i]) - log(pred[i]);
    s += fabs(r) <= 1e-3 ? 0.5 * r * r : 1e-3 * (fabs(r) - 0.5e-3);
  }
  CHECK_REL(fslaw_tfit_objective(f, q), s, 1e-12);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

/* Summed Huber of log residuals by hand (MATH.md §6), from predictions. */
static double huber_by_hand(const fslaw_tlaw *law, const fslaw_table *t, const double *p,
                            double delta, size_t *nquad) {
  size_t n = fslaw_table_rows(t);
  double s = 0, *pred = malloc(n * sizeof *pred);
  fslaw_tlaw_predict(law, p, fslaw_table_x(t), n, pred);
  *nquad = 0;
  for (size_t i = 0; i < n; i++) {
    double r = log(fslaw_table_loss(t)[i]) - log(pred[i]);
    *nquad += fabs(r) <= delta;
    s += fabs(r) <= delta ? 0.5 * r * r : delta * (fabs(r) - 0.5 * delta);
  }
  free(pred);
  return s;
}

/* Gradient against central differences in each parameter. */
static void check_gradient(const fslaw_tfit *f, const double *p, size_t np) {
  double g[8], q[8], gmax = 0;
  CHECK(isfinite(fslaw_tfit_gradient(f, p, g)));
  for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(g[i] * p[i]));
  for (size_t i = 0; i < np; i++) {
    double h = 1e-7 * fabs(p[i]); /* small: rows cross the Huber kink */
    memcpy(q, p, np * sizeof *p);
    q[i] = p[i] + h;
    double up = fslaw_tfit_objective(f, q);
    q[i] = p[i] - h;
    double fd = (up - fslaw_tfit_objective(f, q)) / (2 * h);
    CHECK_CLOSE(g[i] * p[i], fd * p[i], 1e-6 * gmax); /* scaled: d/d log p */
  }
}

/* The chinchilla objective takes a one-pass path (a logarithm only for
 * rows near or inside Huber's quadratic part) and falls back to the
 * generic one far out; both against the hand formula, with rows on both
 * parts of the Huber loss, and the analytic gradient against differences. */
static void test_objective_paths(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla");
  const double truth[5] = {406.4, 410.7, 1.69, 0.34, 0.28};
  fslaw_table *t = chin_table(truth, 6, 7, 2e-3); /* |r| up to 2 delta */
  fslaw_tfit *f = fslaw_tfit_create(law);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK);
  size_t nq;
  const double near[5] = {406.4, 410.7, 1.6901, 0.34, 0.28}, mid[5] = {300, 900, 1.5, 0.3, 0.35};
  const double huge[5] = {1e300, 410.7, 1.69, 0, 0.28}, tiny[5] = {1e-300, 1e-300, 1e-300, 0, 0};
  CHECK_REL(fslaw_tfit_objective(f, near), huber_by_hand(law, t, near, 1e-3, &nq), 1e-12);
  CHECK(nq > 5 && nq < 37); /* both parts of the loss present */
  CHECK_REL(fslaw_tfit_objective(f, mid), huber_by_hand(law, t, mid, 1e-3, &nq), 1e-12);
  CHECK_REL(fslaw_tfit_objective(f, huge), huber_by_hand(law, t, huge, 1e-3, &nq), 1e-12);
  CHECK_REL(fslaw_tfit_objective(f, tiny), huber_by_hand(law, t, tiny, 1e-3, &nq), 1e-12);
  check_gradient(f, near, 5);
  check_gradient(f, mid, 5);
  CHECK(fslaw_tfit_set_huber(f, 0.05) == FSLAW_OK); /* every row quadratic */
  CHECK_REL(fslaw_tfit_objective(f, near), huber_by_hand(law, t, near, 0.05, &nq), 1e-12);
  CHECK(nq == 42);
  check_gradient(f, near, 5);
  double g[5], bad[5] = {406.4, -1, 1.69, 0.34, 0.28};
  CHECK(isnan(fslaw_tfit_gradient(f, bad, g)));
  fslaw_tfit_destroy(f);
  /* the generic path (kaplan) against differences too */
  const fslaw_tlaw *kap = fslaw_tlaw_find("kaplan");
  const double kp[4] = {6.4e13, 1.8e13, 0.076, 0.103};
  f = fslaw_tfit_create(kap);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK);
  CHECK_REL(fslaw_tfit_objective(f, kp), huber_by_hand(kap, t, kp, 1e-3, &nq), 1e-12);
  check_gradient(f, kp, 4);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

static void test_kaplan_recovery(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("kaplan");
  const double truth[4] = {6.4e13, 1.8e13, 0.076, 0.103};
  fslaw_table *t = fslaw_table_create(2);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      double x[2] = {1e7 * pow(4.0, i), 1e9 * pow(3.0, j)}, y;
      fslaw_tlaw_predict(law, truth, x, 1, &y);
      fslaw_table_add(t, x, y, NULL);
    }
  fslaw_tfit *f = fslaw_tfit_create(law);
  double p[4];
  fslaw_tfit_result res;
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK);
  CHECK(fslaw_tfit_run(f, p, &res) == FSLAW_OK && res.starts == 81);
  for (int i = 0; i < 4; i++) CHECK_REL(p[i], truth[i], 1e-3);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

static void test_twophase_recovery(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("twophase");
  const double truth[5] = {1.8, 2.0, 3e18, 40.0, 1.0 / 6};
  fslaw_table *t = fslaw_table_create(1);
  for (int i = 0; i < 30; i++) {
    double c = 1e17 * pow(10.0, i / 6.0), y;
    fslaw_tlaw_predict(law, truth, &c, 1, &y);
    fslaw_table_add(t, &c, y, NULL);
  }
  fslaw_tfit *f = fslaw_tfit_create(law);
  double p[5];
  fslaw_tfit_result res;
  CHECK(fslaw_tfit_fix(f, 4, 1.0 / 6) == FSLAW_OK);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK);
  CHECK(fslaw_tfit_run(f, p, &res) == FSLAW_OK);
  CHECK(res.starts == 3 * 3 * 4 * 4 && p[4] == 1.0 / 6);
  for (int i = 0; i < 4; i++) CHECK_REL(p[i], truth[i], 1e-3);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

static void test_degenerate(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla");
  fslaw_tfit *f = fslaw_tfit_create(law);
  fslaw_table *t = fslaw_table_create(2);
  double x[2] = {1e8, 1e9};
  fslaw_error err = {""};
  CHECK(fslaw_table_add(t, x, -1, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "a loss must be positive");
  for (int i = 0; i < 4; i++) {
    x[1] *= 2;
    fslaw_table_add(t, x, 3 - 0.1 * i, NULL);
  }
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_tfit_errmsg(f), "5 free parameters but the table has only 4 rows");
  { /* 4 distinct points listed twice are still 4 points, not 8 (5 parameters fit them exactly) */
    fslaw_table *t2 = fslaw_table_create(2);
    for (int k = 0; k < 8; k++) {
      double x2[2] = {k % 4 < 2 ? 1e8 : 1e9, k % 2 ? 2e9 : 1e9};
      fslaw_table_add(t2, x2, 3.5 - 0.2 * (k % 4), NULL);
    }
    CHECK(fslaw_tfit_set_table(f, t2) == FSLAW_EINVAL);
    CHECK_HAS(fslaw_tfit_errmsg(f), "5 free parameters but the table has only 4 distinct (N, D) points (8 rows");
    CHECK(fslaw_tfit_fix(f, 2, 1.5) == FSLAW_OK); /* 4 free: enough */
    CHECK(fslaw_tfit_set_table(f, t2) == FSLAW_OK);
    fslaw_table_destroy(t2);
    fslaw_tfit_destroy(f);
    f = fslaw_tfit_create(law);
  }
  x[1] *= 2;
  fslaw_table_add(t, x, 2.5, NULL);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_tfit_errmsg(f), "every row has the same N (1e+08)");
  fslaw_table *c = fslaw_table_create(1);
  fslaw_table_add(c, x, 3, NULL);
  CHECK(fslaw_tfit_set_table(f, c) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_tfit_errmsg(f), "law 'chinchilla' needs a table of N, D, loss");
  CHECK(fslaw_tfit_fix(f, 0, -3) == FSLAW_EINVAL);
  CHECK_HAS(fslaw_tfit_errmsg(f), "fixed value of 'A' must be positive");
  double p[5];
  fslaw_tfit_result res;
  CHECK(fslaw_tfit_run(f, p, &res) == FSLAW_EINVAL); /* no table set */
  CHECK(fslaw_tfit_bootstrap(f, p, 10, 1, 2, p, &(size_t){0}) == FSLAW_EINVAL);
  fslaw_table_destroy(c);
  fslaw_table_destroy(t);
  fslaw_tfit_destroy(f);
}

/* Sensitivity: a parameter collapsed onto a boundary (E -> 0 on a table
 * drawn with no floor) moves no prediction; well-posed ones do. */
static void test_sensitivity(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla");
  const double truth[5] = {406.4, 410.7, 1.69, 0.34, 0.28}, nofloor[5] = {30, 500, 1e-300, 0.12, 0.3};
  double p[5], s[5];
  fslaw_tfit_result res;
  fslaw_table *t = chin_table(truth, 5, 5, 0.005);
  fslaw_tfit *f = fslaw_tfit_create(law);
  fslaw_tfit_set_grid(f, 3);
  CHECK(fslaw_tfit_sensitivity(f, truth, s) == FSLAW_EINVAL); /* no table */
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK && fslaw_tfit_run(f, p, &res) == FSLAW_OK);
  CHECK(res.distinct == 25);
  CHECK(fslaw_tfit_sensitivity(f, p, s) == FSLAW_OK);
  for (int i = 0; i < 5; i++) CHECK(s[i] > 1e-2);
  fslaw_table_destroy(t);
  t = chin_table(nofloor, 5, 5, 0.005);
  CHECK(fslaw_tfit_set_table(f, t) == FSLAW_OK && fslaw_tfit_run(f, p, &res) == FSLAW_OK);
  CHECK(fslaw_tfit_sensitivity(f, p, s) == FSLAW_OK);
  CHECK(p[2] < 1e-6 && s[2] < FSLAW_TFIT_UNDETERMINED);
  for (int i = 0; i < 5; i++) CHECK(i == 2 || s[i] > 1e-2);
  /* an exponent near 0: its elasticity about the mean vanishes; fixed: NaN */
  const double flat[5] = {406.4, 410.7, 1.69, 1e-7, 0.28};
  CHECK(fslaw_tfit_sensitivity(f, flat, s) == FSLAW_OK && s[3] < FSLAW_TFIT_UNDETERMINED && s[0] > 1e-2);
  fslaw_tfit_fix(f, 4, 0.3);
  CHECK(fslaw_tfit_sensitivity(f, p, s) == FSLAW_OK && isnan(s[4]) && s[3] > 1e-2);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

/* Bootstrap: reproducible for a seed, the same on 1 and 2 threads, and its
 * intervals cover the truth on noisy data. */
static void test_bootstrap(void) {
  const double truth[5] = {406.4, 410.7, 1.69, 0.34, 0.28};
  fslaw_table *t = chin_table(truth, 6, 6, 0.01);
  fslaw_tfit *f = fslaw_tfit_create(fslaw_tlaw_find("chinchilla"));
  double p[5];
  fslaw_tfit_result res;
  fslaw_tfit_set_grid(f, 2);
  fslaw_tfit_set_table(f, t);
  CHECK(fslaw_tfit_run(f, p, &res) == FSLAW_OK);
  enum { R = 24 };
  static double s1[R * 5], s2[R * 5], s3[R * 5];
  size_t fail = 9;
  omp_set_num_threads(1);
  CHECK(fslaw_tfit_bootstrap(f, p, R, 42, 2, s1, &fail) == FSLAW_OK && fail == 0);
  omp_set_num_threads(2);
  CHECK(fslaw_tfit_bootstrap(f, p, R, 42, 2, s2, &fail) == FSLAW_OK);
  CHECK(!memcmp(s1, s2, sizeof s1));
  CHECK(fslaw_tfit_bootstrap(f, p, R, 43, 2, s3, &fail) == FSLAW_OK);
  CHECK(memcmp(s1, s3, sizeof s1) != 0);
  double sd, lo, hi;
  CHECK(fslaw_tfit_interval(s1 + 4, R, 5, 0.025, &sd, &lo, &hi) == R);
  CHECK(lo < p[4] && p[4] < hi && sd > 0 && sd < 0.2);
  /* percentiles as numpy computes them (linear interpolation) */
  const double v[5] = {5, 1, NAN, 3, 2};
  CHECK(fslaw_tfit_interval(v, 5, 1, 0.1, &sd, &lo, &hi) == 4);
  CHECK_CLOSE(lo, 1.3, 1e-15);
  CHECK_CLOSE(hi, 4.4, 1e-15);
  CHECK_CLOSE(sd, sqrt(35.0 / 12), 1e-15);
  fslaw_tfit_destroy(f);
  fslaw_table_destroy(t);
}

/* The closed form of §6 against a direct search along C = 6 N D. */
static void test_allocate(void) {
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla");
  const double p[5] = {482.0, 2085.4, 1.8169, 0.3478, 0.3658};
  double n, d, c = 5.88e23, best = HUGE_VAL, nbest = 0;
  fslaw_error err;
  CHECK(fslaw_tlaw_allocate(law, p, c, &n, &d, &err) == FSLAW_OK);
  CHECK_REL(6 * n * d, c, 1e-12);
  for (double ln = log(1e9); ln < log(1e12); ln += 1e-5) {
    double x[2] = {exp(ln), c / (6 * exp(ln))}, y;
    fslaw_tlaw_predict(law, p, x, 1, &y);
    if (y < best) best = y, nbest = x[0];
  }
  CHECK_REL(n, nbest, 1e-4);
  CHECK(d / n > 17.5 && d / n < 19); /* Epoch: about 18.3 tokens per parameter */
  CHECK(fslaw_tlaw_allocate(fslaw_tlaw_find("kaplan"), p, c, &n, &d, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "only chinchilla");
  CHECK(fslaw_tlaw_allocate(law, p, -1, &n, &d, &err) == FSLAW_EINVAL);
}

static void test_params_json(const char *scratch) {
  const fslaw_tlaw *law = fslaw_tlaw_find("chinchilla"), *back = NULL;
  const double p[5] = {477.82587123456789, 2143.4173, 1.8172181, 0.3473105, 1.0 / 3};
  double samples[3 * 5] = {1, 2, 3, 0.1, 0.2, NAN, NAN, NAN, NAN, NAN, 0.1 / 3, 1e300, 3, 0.4, 0.5};
  fslaw_tboot b = {3, 99, 1, 4, samples}, rb;
  fslaw_tfit_result res = {0.001, 240, 4500, 7, 3, 100, 1, "converged", {7e7, 1e9 / 3}, {2.24e9, 1.2e11}, 240};
  const char *in[] = {"t.csv"};
  fslaw_tfit_info info = {in, 1, NULL, 0, 1e-3, 1UL << 4, NULL, 0};
  char *json = fslaw_tparams_to_json(law, p, &res, &info, &b);
  CHECK(json != NULL);
  CHECK_HAS(json, "\"law\":\t\"chinchilla\"");
  CHECK_HAS(json, "\"fixed\":\t[\"beta\"]");
  char path[4096];
  mkdir(scratch, 0777);
  snprintf(path, sizeof path, "%s/table_params.json", scratch);
  FILE *f = fopen(path, "w");
  if (f) fputs(json, f), fclose(f);
  free(json);
  double q[FSLAW_MAX_PARAMS]; /* the law is known only once the file is read */
  fslaw_error err;
  CHECK(fslaw_tparams_probe(path) == 1);
  CHECK(fslaw_tparams_read(path, &back, q, &rb, &err) == FSLAW_OK && back == law);
  CHECK(!memcmp(p, q, sizeof p)); /* exact round trip */
  CHECK(rb.resamples == 3 && rb.seed == 99 && rb.failed == 1 && rb.extra_starts == 4 && rb.samples && rb.samples[10] == 0.1 / 3 &&
        rb.samples[11] == 1e300 && isnan(rb.samples[7]));
  free(rb.samples);
  double lo[2], hi[2];
  int found = 0;
  CHECK(fslaw_tparams_read_range(path, lo, hi, &found, &err) == FSLAW_OK && found);
  CHECK(lo[0] == 7e7 && lo[1] == 1e9 / 3 && hi[0] == 2.24e9 && hi[1] == 1.2e11); /* exact */
  f = fopen(path, "w"); /* without a range (older files), or a reversed one */
  if (f) fputs("{\"law\": \"chinchilla\", \"fitted_range\": {\"N\": [2, 1], \"D\": [1, 2]}}", f), fclose(f);
  CHECK(fslaw_tparams_read_range(path, lo, hi, &found, &err) == FSLAW_OK && !found);
  f = fopen(path, "w");
  if (f) fputs("{\"law\": \"mpl\", \"params\": {}}", f), fclose(f);
  CHECK(fslaw_tparams_read_range(path, lo, hi, &found, &err) == FSLAW_EPARSE && !found);
  CHECK(fslaw_tparams_probe(path) == 0);
  CHECK(fslaw_tparams_read(path, &back, q, NULL, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "'mpl' is not a table law");
  f = fopen(path, "w");
  if (f) fputs("{\"law\": \"chinchilla\", \"params\": {\"A\": 1, \"B\": 1, \"E\": 1, \"alpha\": 1}}", f), fclose(f);
  CHECK(fslaw_tparams_read(path, &back, q, NULL, &err) == FSLAW_EPARSE);
  CHECK_HAS(err.msg, "needs parameter 'beta'");
  /* JSON has no NaN: a non-finite parameter is refused, not written as null */
  double bad[5];
  memcpy(bad, p, sizeof bad);
  bad[2] = NAN;
  CHECK(fslaw_tparams_to_json(law, bad, NULL, NULL, NULL) == NULL);
  bad[2] = -INFINITY;
  CHECK(fslaw_tparams_to_json(law, bad, NULL, NULL, NULL) == NULL);
  CHECK(fslaw_tparams_to_json(law, NULL, NULL, NULL, NULL) == NULL);
}

/* Rows from a training log with tokens: every checkpoint counts. */
static void test_from_log(void) {
  const char *log = "step,lr,loss,tokens\n0,0,,\n100,1e-3,4.0,1e8\n200,1e-3,3.5,2e8\n300,1e-3,3.2,3e8\n";
  fslaw_run *run = NULL;
  fslaw_error err;
  CHECK(fslaw_run_parse("r.csv", log, strlen(log), FSLAW_RUN_CSV, NULL, &run, &err) == FSLAW_OK);
  fslaw_table *t = fslaw_table_create(2);
  size_t skipped = 9;
  CHECK(fslaw_table_add_run(t, run, 1.25e8, 1.5e8, &skipped, &err) == FSLAW_OK);
  CHECK(fslaw_table_rows(t) == 2 && fslaw_table_x(t)[0] == 1.25e8 && fslaw_table_x(t)[1] == 2e8 &&
        fslaw_table_loss(t)[1] == 3.2 && skipped == 0);
  CHECK(fslaw_table_add_run(t, run, -1, 0, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "N must be positive");
  fslaw_run_destroy(run);
  /* the loss at step 0 (tokens 0) is skipped and counted; a non-positive loss is an error */
  const char *log0 = "step,loss,tokens\n0,10.8,0\n100,4.0,1e8\n200,3.5,\n300,3.2,3e8\n";
  CHECK(fslaw_run_parse("r0.csv", log0, strlen(log0), FSLAW_RUN_CSV, NULL, &run, &err) == FSLAW_OK);
  CHECK(fslaw_table_add_run(t, run, 1e8, 0, &skipped, &err) == FSLAW_OK && skipped == 2 &&
        fslaw_table_rows(t) == 4);
  fslaw_run_destroy(run);
  const char *logn = "step,loss,tokens\n100,4.0,1e8\n200,-0.5,2e8\n";
  CHECK(fslaw_run_parse("rn.csv", logn, strlen(logn), FSLAW_RUN_CSV, NULL, &run, &err) == FSLAW_OK);
  CHECK(fslaw_table_add_run(t, run, 1e8, 0, &skipped, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "run 'rn': step 200: the loss must be positive and finite, got -0.5");
  CHECK(fslaw_table_rows(t) == 5); /* the rows before it were added: the caller discards t */
  fslaw_run_destroy(run);
  fslaw_table_destroy(t);
}

/* Rows repeating the inputs of an earlier row, named with the row they repeat. */
static void test_duplicates(void) {
  static const double rows[7][3] = {{1e8, 1e9, 3.0}, {2e8, 1e9, 2.9}, {1e8, 1e9, 3.1},
                                    {1e8, 1e9, 3.1}, {1e8, 2e9, 3.0}, {2e8, 1e9, 2.9},
                                    {1e8, 1e9, 3.0}};
  fslaw_table *t = fslaw_table_create(2);
  for (size_t i = 0; i < 7; i++) fslaw_table_add(t, rows[i], rows[i][2], NULL);
  fslaw_table_dup d[8];
  size_t n = 99;
  CHECK(fslaw_table_duplicates(t, d, 8, &n, NULL) == FSLAW_OK && n == 4);
  /* row 2 repeats row 0 with another loss; 3 copies 2; 5 copies 1; 6 copies 0 (not 2) */
  static const size_t want[4][3] = {{2, 0, 0}, {3, 2, 1}, {5, 1, 1}, {6, 0, 1}};
  for (size_t j = 0; j < 4 && n == 4; j++)
    CHECK(d[j].row == want[j][0] && d[j].first == want[j][1] && d[j].same_loss == (int)want[j][2]);
  CHECK(fslaw_table_duplicates(t, d, 1, &n, NULL) == FSLAW_OK && n == 4 && d[0].row == 2);
  CHECK(fslaw_table_duplicates(t, NULL, 0, &n, NULL) == FSLAW_OK && n == 4);
  fslaw_table_destroy(t);
  /* one input (C); no repeats */
  t = fslaw_table_create(1);
  double c[3] = {1e20, 1e21, 1e20};
  for (size_t i = 0; i < 3; i++) fslaw_table_add(t, &c[i], 3 - (double)i * 0.1, NULL);
  CHECK(fslaw_table_duplicates(t, d, 8, &n, NULL) == FSLAW_OK && n == 1 && d[0].row == 2 &&
        d[0].first == 0 && !d[0].same_loss);
  fslaw_table_destroy(t);
  t = chin_table((const double[]){406.4, 410.7, 1.69, 0.34, 0.28}, 3, 3, 0);
  CHECK(fslaw_table_duplicates(t, d, 8, &n, NULL) == FSLAW_OK && n == 0);
  fslaw_table_destroy(t);
  /* absent losses (a table to predict) are the same loss */
  const char *csv = "N,D\n1e8,1e9\n1e8,1e9\n";
  fslaw_table_spec sp = {2, {0, 0}, 0, 1, NULL, 0};
  CHECK(fslaw_table_parse("q.csv", csv, strlen(csv), &sp, &t, NULL) == FSLAW_OK);
  CHECK(fslaw_table_duplicates(t, d, 8, &n, NULL) == FSLAW_OK && n == 1 && d[0].same_loss);
  fslaw_table_destroy(t);
}

int main(int argc, char **argv) {
  const char *scratch = argc > 2 ? argv[2] : ".";
  test_parse();
  test_parse_errors();
  test_chinchilla_recovery();
  test_objective_paths();
  test_kaplan_recovery();
  test_twophase_recovery();
  test_degenerate();
  test_sensitivity();
  test_bootstrap();
  test_allocate();
  test_params_json(scratch);
  test_from_log();
  test_duplicates();
  return check_done("test_table");
}
