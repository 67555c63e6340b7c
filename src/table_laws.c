/* table_laws.c: the registry of table laws (MATH.md §6, §7) with analytic
 * gradients in the log-sum-exp form, allocation and parameter checks. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "table_law.h"

/* log(e^t[0] + ... + e^t[n-1]) and the softmax weights w[n]. */
static double lse(const double *t, size_t n, double *w) {
  double m = t[0], s = 0;
  for (size_t k = 1; k < n; k++)
    if (t[k] > m) m = t[k];
  for (size_t k = 0; k < n; k++) s += w[k] = exp(t[k] - m);
  for (size_t k = 0; k < n; k++) w[k] /= s;
  return m + log(s);
}

/* Chinchilla, th = (a, b, e, alpha, beta): log L = LSE(a - alpha log N,
 * b - beta log D, e)  (§6). The direct sum of exponentials is exact unless
 * it overflows or underflows (far from any sensible fit), where the
 * max-shifted form takes over; it saves an exp per row, the bulk of a fit. */
static void chin_logpred(const double *th, const double *x, const double *lx, size_t n,
                         double *lp, double *g) {
  (void)x;
  double ee = exp(th[2]), lx0 = NAN, e0 = 0;
  for (size_t i = 0; i < n; i++, lx += 2) {
    double t[3] = {th[0] - th[3] * lx[0], th[1] - th[4] * lx[1], th[2]}, w[3];
    if (lx[0] != lx0) { /* rows of one model size share N^-alpha: one exp per size */
      lx0 = lx[0];
      e0 = exp(t[0]);
    }
    double e1 = exp(t[1]), s = e0 + e1 + ee;
    if (s > 1e-300 && s < 1e300) {
      lp[i] = log(s);
      double inv = 1 / s;
      w[0] = e0 * inv, w[1] = e1 * inv, w[2] = ee * inv;
    } else {
      lp[i] = lse(t, 3, w);
    }
    if (!g) continue;
    double *gi = g + 5 * i;
    gi[0] = w[0];
    gi[1] = w[1];
    gi[2] = w[2];
    gi[3] = -w[0] * lx[0];
    gi[4] = -w[1] * lx[1];
  }
}

static void chin_derived(const double *p, double *out) { out[0] = p[4] / (p[3] + p[4]); }

/* Kaplan joint form, th = log(Nc, Dc, alpha_N, alpha_D):
 * log L = alpha_D LSE(r (log Nc - log N), log Dc - log D), r = alpha_N / alpha_D (§6). */
static void kap_logpred(const double *th, const double *x, const double *lx, size_t n,
                        double *lp, double *g) {
  (void)x;
  double an = exp(th[2]), ad = exp(th[3]), r = an / ad;
  for (size_t i = 0; i < n; i++, lx += 2) {
    double u = th[0] - lx[0], t[2] = {r * u, th[1] - lx[1]}, w[2];
    double l = lse(t, 2, w);
    lp[i] = ad * l;
    if (!g) continue;
    double *gi = g + 4 * i;
    gi[0] = w[0] * an;
    gi[1] = ad * w[1];
    gi[2] = an * w[0] * u;           /* p * d/dp for alpha_N */
    gi[3] = ad * (l - w[0] * r * u); /* p * d/dp for alpha_D */
  }
}

/* Two-phase law in compute, th = (log Linf, log A, log C0, log B, gamma):
 * log L = LSE(log Linf, log A - C/C0, log B - gamma log C)  (§7). */
static void two_logpred(const double *th, const double *x, const double *lx, size_t n,
                        double *lp, double *g) {
  double ic0 = exp(-th[2]);
  for (size_t i = 0; i < n; i++, lx += 2) {
    double q = x[i] * ic0, t[3] = {th[0], th[1] - q, th[3] - th[4] * lx[0]}, w[3];
    lp[i] = lse(t, 3, w);
    if (!g) continue;
    double *gi = g + 5 * i;
    gi[0] = w[0];
    gi[1] = w[1];
    gi[2] = w[1] * q;
    gi[3] = w[2];
    gi[4] = -w[2] * lx[0];
  }
}

static const fslaw_tlaw laws[] = {
    {"chinchilla", "L = E + A*N^-alpha + B*D^-beta",
     "chinchilla  E + A N^-alpha + B D^-beta over N,D (Epoch grid: 4500 starts)",
     2, {"N", "D"}, 5, {"A", "B", "E", "alpha", "beta"}, {1, 1, 1, 0, 0},
     {6, 6, 5, 5, 5},
     {{0, 5, 10, 15, 20, 25}, {0, 5, 10, 15, 20, 25}, {-1, -0.5, 0, 0.5, 1},
      {0, 0.5, 1, 1.5, 2}, {0, 0.5, 1, 1.5, 2}},
     {0}, chin_logpred, 1, {"a"}, chin_derived, fslaw_tlaw_chin_huber},
    {"kaplan", "L = ((Nc/N)^(alpha_N/alpha_D) + Dc/D)^alpha_D",
     "kaplan      [(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D over N,D (81 starts)",
     2, {"N", "D"}, 4, {"Nc", "Dc", "alpha_N", "alpha_D"}, {1, 1, 1, 1},
     {3, 3, 3, 3},
     {{25, 30, 35}, {25, 30, 35}, {-3.5, -2.3, -1.2}, {-3.5, -2.3, -1.2}},
     {0}, kap_logpred, 0, {0}, NULL, NULL},
    {"twophase", "L = Linf + A*exp(-C/C0) + B*C^-gamma",
     "twophase    Linf + A exp(-C/C0) + B C^-gamma over C (gamma = 1/6 in theory; 432 starts)",
     1, {"C", NULL}, 5, {"Linf", "A", "C0", "B", "gamma"}, {1, 1, 1, 1, 0},
     {3, 3, 4, 4, 3},
     {{-1, 0, 1}, {-2, 0, 2}, {0, 1.0 / 3, 2.0 / 3, 1}, {0, 5, 10, 15}, {0.1, 0.3, 0.6}},
     {0, 0, 1, 0, 0}, two_logpred, 0, {0}, NULL, NULL},
};

#define NLAWS (sizeof laws / sizeof laws[0])

size_t fslaw_tlaw_count(void) { return NLAWS; }
const fslaw_tlaw *fslaw_tlaw_get(size_t i) { return i < NLAWS ? &laws[i] : NULL; }

const fslaw_tlaw *fslaw_tlaw_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < NLAWS; i++)
    if (!strcmp(laws[i].name, name)) return &laws[i];
  return NULL;
}

const char *fslaw_tlaw_name(const fslaw_tlaw *law) { return law->name; }
const char *fslaw_tlaw_formula(const fslaw_tlaw *law) { return law->formula; }
const char *fslaw_tlaw_help(const fslaw_tlaw *law) { return law->help; }
size_t fslaw_tlaw_ninputs(const fslaw_tlaw *law) { return law->ninputs; }
const char *fslaw_tlaw_input_name(const fslaw_tlaw *law, size_t k) { return law->inputs[k]; }
size_t fslaw_tlaw_nparams(const fslaw_tlaw *law) { return law->np; }
const char *fslaw_tlaw_param_name(const fslaw_tlaw *law, size_t i) { return law->pname[i]; }
int fslaw_tlaw_param_positive(const fslaw_tlaw *law, size_t i) { return law->positive[i]; }
size_t fslaw_tlaw_nderived(const fslaw_tlaw *law) { return law->nderived; }
const char *fslaw_tlaw_derived_name(const fslaw_tlaw *law, size_t j) { return law->dname[j]; }

void fslaw_tlaw_derived(const fslaw_tlaw *law, const double *params, double *out) {
  if (law->derived) law->derived(params, out);
}

long fslaw_tlaw_param_index(const fslaw_tlaw *law, const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < law->np; i++)
    if (!strcmp(law->pname[i], name)) return (long)i;
  return -1;
}

void fslaw_tlaw_to_theta(const fslaw_tlaw *law, const double *p, double *th) {
  for (size_t i = 0; i < law->np; i++) th[i] = law->positive[i] ? log(p[i]) : p[i];
}

void fslaw_tlaw_from_theta(const fslaw_tlaw *law, const double *th, double *p) {
  for (size_t i = 0; i < law->np; i++) p[i] = law->positive[i] ? exp(th[i]) : th[i];
}

fslaw_status fslaw_tlaw_check(const fslaw_tlaw *law, const double *params, fslaw_error *err) {
  for (size_t i = 0; i < law->np; i++) {
    if (!isfinite(params[i]))
      return fslaw_fail(err, FSLAW_EINVAL, "law '%s': parameter '%s' must be finite", law->name,
                        law->pname[i]);
    if (law->positive[i] && !(params[i] > 0))
      return fslaw_fail(err, FSLAW_EINVAL, "law '%s': parameter '%s' must be positive, got %g",
                        law->name, law->pname[i], params[i]);
  }
  return FSLAW_OK;
}

void fslaw_tlaw_predict(const fslaw_tlaw *law, const double *params, const double *x, size_t n,
                        double *pred) {
  double th[TLAW_MAXP];
  fslaw_tlaw_to_theta(law, params, th);
  for (size_t i = 0; i < n; i++) {
    const double *xi = x + i * law->ninputs;
    double lx[2] = {log(xi[0]), law->ninputs > 1 ? log(xi[1]) : 0};
    law->logpred(th, xi, lx, 1, &pred[i], NULL);
    pred[i] = exp(pred[i]);
  }
}

/* §6: G = (alpha A / (beta B))^(1/(alpha+beta)), N_opt = G (C/6)^a,
 * D_opt = (C/6)^b / G with a = beta/(alpha+beta), b = alpha/(alpha+beta). */
fslaw_status fslaw_tlaw_allocate(const fslaw_tlaw *law, const double *p, double compute,
                                 double *n_opt, double *d_opt, fslaw_error *err) {
  if (law != &laws[0])
    return fslaw_fail(err, FSLAW_EINVAL, "law '%s' has no closed-form compute-optimal allocation "
                      "(only chinchilla)", law->name);
  if (!(compute > 0) || !isfinite(compute))
    return fslaw_fail(err, FSLAW_EINVAL, "compute must be positive and finite, got %g", compute);
  fslaw_status st = fslaw_tlaw_check(law, p, err);
  if (st) return st;
  double A = p[0], B = p[1], al = p[3], be = p[4];
  if (!(al > 0) || !(be > 0))
    return fslaw_fail(err, FSLAW_EINVAL, "allocation needs alpha > 0 and beta > 0 (got %g, %g)",
                      al, be);
  double s = al + be, lg = (log(al * A) - log(be * B)) / s, lc = log(compute / 6);
  *n_opt = exp(lg + be / s * lc);
  *d_opt = exp(-lg + al / s * lc);
  if (!isfinite(*n_opt) || !isfinite(*d_opt) || !(*n_opt > 0) || !(*d_opt > 0))
    return fslaw_fail(err, FSLAW_EDIVERGED, "allocation overflows at C = %g", compute);
  return FSLAW_OK;
}
