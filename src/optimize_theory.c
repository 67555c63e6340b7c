/* optimize_theory.c: the final loss of the discrete FSL of the PLK model
 * (MATH.md §2) as a functional of the schedule, its exact gradient with
 * respect to every rate, and the schedule that minimises it (§4), through
 * the free-form and family searches of optimize.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/optimize.h"
#include "internal.h"

/* Per-step work above which the per-step function values are computed in
 * parallel (a fork/join costs a few microseconds). */
#define PARALLEL_WORK 2e5

/* The functional and its scratch (sized for `cap` steps).
 *
 * With rates eta_k, t_k = sum_{i<k} eta_i, T = t_n and u_k = T - t_{k+1}
 * (the intrinsic time left after step k), the discrete FSL of §2 is
 *   L = a + h e(T) + h sum_k K(u_k) c_k,   c_k = [e(t_k) + S] eta_k^2 / B
 * (a: approximation term; h = 1/2 for the mode sums, 1 for the power form;
 * S = sigma_eff^2 or sigma^2). This is the accumulator sweep of
 * fsl_eval.c summed in closed form: A(n) = sum_k exp(-r u_k) c_k for every
 * exponential of K. Since dt_k/deta_j = [j < k], du_k/deta_j = [j > k] and
 * dT/deta_j = 1, its adjoint is
 *   dL/deta_j = h { e'(T) + sum_{k<j} K'(u_k) c_k + 2 K(u_j) [e(t_j) + S] eta_j / B
 *                   + sum_{k>j} K(u_k) e'(t_k) eta_k^2 / B },
 * one prefix and one suffix sum over values of e, e', K, K' per step. */
typedef struct {
  fslaw_plk_model m;          /* the model */
  int power;                  /* 1: power forms, 0: mode sums */
  fslaw_fsl_spectrum *sp[3];  /* modes: model s (e, K), s+1 (-e'/2), 3-1/beta (-K'/2) */
  double approx;              /* the constant approximation term a */
  double half;                /* h */
  double sig2;                /* S */
  double alpha;               /* power kernel exponent 2 - 1/beta */
  size_t cap;                 /* steps the scratch holds */
  double *t, *u;              /* t_k (cap + 1 entries) and u_k */
  double *e, *de, *kk, *dk;   /* e(t_k), e'(t_k), K(u_k), K'(u_k) */
} theory;

static void theory_free(theory *th) {
  for (int i = 0; i < 3; i++) fslaw_fsl_spectrum_destroy(th->sp[i]);
  free(th->t);
  free(th->u);
  free(th->e);
  free(th->de);
  free(th->kk);
  free(th->dk);
}

/* The mode sums' derivatives are mode sums of other PLK models:
 *   e_M'(t) = -2 sum lambda_j (lambda_j theta_j^2) exp(-2 lambda_j t), the
 *     signal of the model with s + 1 (weights j^-((s+1) beta + 1));
 *   K_M'(t) = -2 sum lambda_j^3 exp(-2 lambda_j t), the signal of the model
 *     with s = 3 - 1/beta (weights j^-3beta). */
static fslaw_status build_spectra(theory *th, const fslaw_fsl_options *fo, double t_max,
                                  fslaw_error *err) {
  fslaw_plk_model d[3] = {th->m, th->m, th->m};
  d[1].s = th->m.s + 1;
  d[2].s = 3 - 1 / th->m.beta;
  for (int i = 0; i < 3; i++) {
    fslaw_status st = fslaw_fsl_spectrum_create(&d[i], fo, t_max, &th->sp[i], err);
    if (st) return st;
  }
  return FSLAW_OK;
}

/* Set up the functional for up to cap steps whose intrinsic time is at
 * most t_max (the compressed mode sums are accurate up to there). */
static fslaw_status theory_init(theory *th, const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                                double t_max, size_t cap, fslaw_error *err) {
  memset(th, 0, sizeof *th);
  fslaw_fsl_options o = fo ? *fo : fslaw_fsl_options_default();
  fslaw_status st = fslaw_fsl_model_check(m, err);
  if (st) return st;
  if (o.form != FSLAW_FSL_MODES && o.form != FSLAW_FSL_POWER)
    return fslaw_fail(err, FSLAW_EINVAL, "form must be modes or power");
  th->m = *m;
  th->power = o.form == FSLAW_FSL_POWER;
  th->alpha = 2 - 1 / m->beta;
  th->cap = cap;
  double tail = isfinite(m->features) ? fslaw_plk_tail_signal(m) : 0;
  if (th->power) { /* the same terms as fslaw_fsl_eval's power form */
    th->approx = isfinite(m->features) ? pow(m->features, -m->s * m->beta) : 0;
    th->half = 1;
    th->sig2 = m->sigma * m->sigma;
  } else {
    th->approx = 0.5 * tail;
    th->half = 0.5;
    th->sig2 = m->sigma * m->sigma + tail;
    if ((st = build_spectra(th, &o, t_max > 0 ? t_max : 1, err))) {
      theory_free(th);
      return st;
    }
  }
  th->t = malloc((cap + 1) * sizeof *th->t);
  th->u = malloc(cap * sizeof *th->u);
  th->e = malloc(cap * sizeof *th->e);
  th->de = malloc(cap * sizeof *th->de);
  th->kk = malloc(cap * sizeof *th->kk);
  th->dk = malloc(cap * sizeof *th->dk);
  if (!th->t || !th->u || !th->e || !th->de || !th->kk || !th->dk) {
    theory_free(th);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  return FSLAW_OK;
}

/* e(t), e'(t) and K(u), K'(u) of the chosen form. */
static void signal_at(const theory *th, double t, double *e, double *de) {
  if (th->power) {
    *e = pow(1 + t, -th->m.s);
    *de = -th->m.s * *e / (1 + t);
  } else {
    *e = fslaw_fsl_signal_fn(th->sp[0], t);
    *de = -2 * fslaw_fsl_signal_fn(th->sp[1], t);
  }
}

static void kernel_at(const theory *th, double u, double *k, double *dk) {
  if (th->power) {
    *k = pow(1 + u, -th->alpha);
    *dk = -th->alpha * *k / (1 + u);
  } else {
    *k = fslaw_fsl_kernel_fn(th->sp[0], u);
    *dk = -2 * fslaw_fsl_signal_fn(th->sp[2], u);
  }
}

/* t_k by a compensated prefix sum and u_k by a compensated suffix sum (u_k
 * is a small difference of large t near the end, so it is summed directly). */
static void times(theory *th, const double *lr, size_t n) {
  double s = 0, c = 0;
  th->t[0] = 0;
  for (size_t k = 0; k < n; k++) {
    double y = lr[k] - c, x = s + y;
    c = (x - s) - y;
    th->t[k + 1] = s = x;
  }
  s = 0, c = 0;
  for (size_t k = n; k-- > 0;) {
    th->u[k] = s;
    double y = lr[k] - c, x = s + y;
    c = (x - s) - y;
    s = x;
  }
}

static void values(theory *th, size_t n) {
  size_t nodes = th->power ? 4 : fslaw_fsl_spectrum_size(th->sp[0]) * 2;
  double work = (double)n * (double)nodes;
  long nn = (long)n;
#pragma omp parallel for schedule(static) if (work > PARALLEL_WORK)
  for (long k = 0; k < nn; k++) {
    signal_at(th, th->t[k], &th->e[k], &th->de[k]);
    kernel_at(th, th->u[k], &th->kk[k], &th->dk[k]);
  }
}

/* The callback of fslaw_optimize_custom: ctx is a theory. */
static fslaw_status theory_loss(void *ctx, const double *lr, size_t n, double *loss, double *grad,
                                fslaw_error *err) {
  theory *th = ctx;
  if (n < 1 || n > th->cap)
    return fslaw_fail(err, FSLAW_EINVAL, "need 1 to %zu steps, got %zu", th->cap, n);
  for (size_t k = 0; k < n; k++)
    if (!(lr[k] >= 0) || !isfinite(lr[k]))
      return fslaw_fail(err, FSLAW_EINVAL,
                        "learning rate at step %zu must be finite and >= 0, got %g", k, lr[k]);
  times(th, lr, n);
  values(th, n);
  double eT, deT, S = th->sig2, B = th->m.batch, sum = 0, comp = 0;
  signal_at(th, th->t[n], &eT, &deT);
  for (size_t k = 0; k < n; k++) { /* compensated sum of the noise terms */
    double y = th->kk[k] * (th->e[k] + S) * lr[k] * lr[k] / B - comp, x = sum + y;
    comp = (x - sum) - y;
    sum = x;
  }
  *loss = th->approx + th->half * (eT + sum);
  if (!isfinite(*loss)) return fslaw_fsl_overflow(err, th->m.sigma, (size_t)-1);
  if (!grad) return FSLAW_OK;
  double pre = 0, suf = 0;
  for (size_t j = 0; j < n; j++) { /* sum_{k<j} K'(u_k) c_k */
    grad[j] = pre;
    pre += th->dk[j] * (th->e[j] + S) * lr[j] * lr[j] / B;
  }
  for (size_t j = n; j-- > 0;) { /* sum_{k>j} K(u_k) e'(t_k) eta_k^2 / B and the own term */
    grad[j] += suf + 2 * th->kk[j] * (th->e[j] + S) * lr[j] / B;
    suf += th->kk[j] * th->de[j] * lr[j] * lr[j] / B;
    grad[j] = th->half * (deT + grad[j]);
  }
  return FSLAW_OK;
}

fslaw_status fslaw_theory_final_loss(const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                                     const double *lr, size_t n, double *loss, double *grad,
                                     fslaw_error *err) {
  if (n < 1) return fslaw_fail(err, FSLAW_EINVAL, "need at least one step");
  double t_max = 0;
  for (size_t k = 0; k < n; k++) t_max += isfinite(lr[k]) && lr[k] > 0 ? lr[k] : 0;
  theory th;
  fslaw_status st = theory_init(&th, m, fo, t_max, n, err);
  if (st) return st;
  st = theory_loss(&th, lr, n, loss, grad, err);
  theory_free(&th);
  return st;
}

fslaw_status fslaw_optimize_theory(const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                                   const fslaw_optimize_options *opt, double *lr,
                                   fslaw_optimize_result *res, fslaw_error *err) {
  if (res) memset(res, 0, sizeof *res);
  if (!opt) return fslaw_fail(err, FSLAW_EINVAL, "options are NULL");
  if (!(opt->peak > 0) || !isfinite(opt->peak))
    return fslaw_fail(err, FSLAW_EINVAL, "peak must be positive and finite, got %g", opt->peak);
  if (opt->steps < 1) return fslaw_fail(err, FSLAW_EINVAL, "need at least one step");
  /* every candidate has rates <= peak after a head: T <= its sum + peak * the rest */
  double t_max = opt->peak * (double)opt->steps;
  if (opt->head && opt->warmup <= opt->steps) {
    t_max = opt->peak * (double)(opt->steps - opt->warmup);
    for (size_t k = 0; k < opt->warmup; k++) t_max += isfinite(opt->head[k]) ? fabs(opt->head[k]) : 0;
  }
  theory th;
  fslaw_status st = theory_init(&th, m, fo, t_max, opt->steps, err);
  if (st) return st;
  st = fslaw_optimize_custom(theory_loss, &th, opt, lr, res, err);
  theory_free(&th);
  return st;
}
