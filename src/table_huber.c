/* table_huber.c: fused summed-Huber objectives of table laws (MATH.md §6).
 *
 * The Epoch grid fit spends nearly all its time in the objective, and most
 * of that in one logarithm per row for the log residual r = log y - log L̂.
 * With delta = 1e-3 almost every row sits on Huber's linear part, where the
 * gradient needs only the sign of r and the objective only the sum of |r|.
 * The sign is a comparison of L̂ with y; the sum of |r| over those rows is
 * the logarithm of the product of the ratios e^|r| (y/L̂ or L̂/y), kept as
 * mantissa and binary exponent: one logarithm per evaluation instead of
 * one per row. Rows near the kink (|r| < delta + 1e-9) and on the
 * quadratic part take the exact log. The exponentials come from vexp
 * (vmath.h), a vectorisable e^x within 1.1 ulp; chin_covered checks its
 * range. Same objective; only the rounding differs (a few ulp of the sum
 * of |r|; the grid fit's optimum agrees with the per-row-log form to 10
 * digits). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "table_law.h"
#include "vmath.h"

#define LN2 0.693147180559945309417232121458176568

/* The vectorised loops run in wider vectors where the CPU has them
 * (VECTOR_CLONES, vmath.h): same bits on every machine. */

/* A product of factors >= 1 as mant * 2^k, so any number of factors up to
 * 1e300 never overflows. */
typedef struct {
  double mant; /* in [1, 2) */
  int64_t k;   /* binary exponent */
} ratio_prod;

/* p *= q for 1 <= q < 1e301: one multiply and an exponent move. */
static inline void prod_mul(ratio_prod *p, double q) {
  double v = p->mant * q;
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  p->k += (int64_t)(b >> 52) - 1023;
  b = (b & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  memcpy(&p->mant, &b, sizeof b);
}

/* Weight w of a row: its integral part as repeated factors (bootstrap
 * counts are integers), any fraction through a logarithm into *extra. */
static void prod_mul_w(ratio_prod *p, double q, double w, double *extra) {
  for (; w >= 1; w--) prod_mul(p, q);
  if (w > 0) *extra += w * log(q);
}

/* Sums over the rows of one evaluation. */
typedef struct {
  ratio_prod prod; /* product of e^|r| over linear rows */
  double extra;    /* sum of w |r| over linear rows kept out of prod */
  double nlin;     /* sum of w over linear rows */
  double quad;     /* sum of w r^2 / 2 over quadratic rows */
} huber_sums;

/* Row i with prediction s = L̂, inv = 1/s and weight wi: adds its Huber
 * term to h and returns psi = rho'(r) (MATH.md §6). */
static inline double huber_row(huber_sums *h, const tlaw_rows *d, size_t i, double s, double inv,
                               double wi) {
  double qp = d->y[i] * inv, qn = s * d->iy[i], q = qp > qn ? qp : qn;
  if (q > d->cut) { /* surely linear: no logarithm */
    h->nlin += wi;
    prod_mul_w(&h->prod, q, wi, &h->extra);
    return qp > qn ? d->delta : -d->delta;
  }
  double r = d->ly[i] - log(s), a = fabs(r);
  if (a <= d->delta) {
    h->quad += wi * 0.5 * r * r;
    return r;
  }
  h->nlin += wi;
  h->extra += wi * a;
  return r > 0 ? d->delta : -d->delta;
}

/* The summed Huber loss: sum over linear rows of w delta (|r| - delta/2)
 * plus the quadratic rows' sum. */
static double huber_total(const huber_sums *h, double delta) {
  double sum_abs = (double)h->prod.k * LN2 + log(h->prod.mant) + h->extra;
  return h->quad + delta * sum_abs - 0.5 * delta * delta * h->nlin;
}

/* Range of a - b x over x in [lo, hi] (linear in x: the ends). */
static void lin_range(double a, double b, double lo, double hi, double *tmin, double *tmax) {
  double u = a - b * lo, v = a - b * hi;
  *tmin = u < v ? u : v;
  *tmax = u < v ? v : u;
}

/* Whether the fast path covers th, judged in log space from the ends of
 * the data's ranges: every exponent in vexp's range, log L̂ within
 * [-640, 640] (L̂ = e0 + e1 + e^e lies between the largest term and three
 * times it) and every ratio L̂/y, y/L̂ below e^690 < 1e300. Far from
 * there the generic max-shifted path is needed. */
static int chin_covered(const double *th, const tlaw_rows *d) {
  double lo0, hi0, lo1, hi1;
  lin_range(th[0], th[3], d->lxlo[0], d->lxhi[0], &lo0, &hi0);
  lin_range(th[1], th[4], d->lxlo[1], d->lxhi[1], &lo1, &hi1);
  if (!(lo0 >= -708 && hi0 <= 709 && lo1 >= -708 && hi1 <= 709) || isnan(th[2])) return 0;
  double top = fmax(th[2], fmax(hi0, hi1)) + 1.1, bot = fmax(th[2], fmax(lo0, lo1));
  return bot > -640 && top < 640 && top - d->lylo < 690 && d->lyhi - bot < 690;
}

enum { CHUNK = 256 }; /* rows per pass: bounded stack, warm cache */

/* Per-row values of one chunk of rows. */
typedef struct {
  double e0g[CHUNK]; /* A N^-alpha of each model size in the chunk */
  double e0[CHUNK];  /* A N^-alpha */
  double e1[CHUNK];  /* B D^-beta */
  double s[CHUNK];   /* L̂ */
  double inv[CHUNK]; /* 1 / L̂ */
  double m[CHUNK];   /* mantissa of e^|r| on the linear part, else 1 */
  double u[CHUNK];   /* w psi / L̂: the row's weight in the gradient */
  int64_t lin[CHUNK]; /* 1: weight 1 and surely on the linear part */
  double cut[CHUNK];  /* with weights: rows->cut for weight 1, else infinity */
} chin_chunk;

/* With row weights w: the cuts chin_linear compares with, infinite (never
 * linear there) for weights other than 1. */
static void chin_cuts(const tlaw_rows *d, const double *w, chin_chunk *c, size_t k) {
  for (size_t i = 0; i < k; i++) c->cut[i] = w[i] == 1 ? d->cut : HUGE_VAL;
}

/* The exponentials of rows i0.. of a chunk, vectorised: N^-alpha once per
 * model size (140 sizes for 240 rows in Chinchilla's table). */
VECTOR_CLONES static void chin_exps(const double *th, const tlaw_rows *d, size_t i0, chin_chunk *c,
                                    size_t k) {
  const double *lx1 = d->lx1 + i0, *lg = d->lg + d->grp[i0];
  const size_t *grp = d->grp + i0;
  size_t g0 = grp[0], ng = grp[k - 1] - g0 + 1; /* the chunk's model sizes */
  for (size_t j = 0; j < ng; j++) c->e0g[j] = vexp(th[0] - th[3] * lg[j]);
  for (size_t i = 0; i < k; i++) c->e1[i] = vexp(th[1] - th[4] * lx1[i]);
  for (size_t i = 0; i < k; i++) c->e0[i] = c->e0g[grp[i] - g0];
}

/* Rows of weight 1 surely on the linear part, branch-free so it vectorises:
 * mantissa of e^|r| into m, its exponent summed into h, u = +-delta / L̂.
 * Other rows get lin = 0 and m = 1 (chin_others finishes them). Compares
 * with c->cut when weighted, else with rows->cut. Returns the number of
 * linear rows. */
VECTOR_CLONES static size_t chin_linear(const tlaw_rows *d, size_t i0, chin_chunk *c, size_t k,
                                       double ee, int weighted, huber_sums *h) {
  const double *y = d->y + i0, *iy = d->iy + i0, delta = d->delta, cut1 = d->cut;
  int64_t ex = 0, nl = 0;
  for (size_t i = 0; i < k; i++) {
    double s = c->e0[i] + c->e1[i] + ee, inv = 1 / s;
    double qp = y[i] * inv, qn = s * iy[i], q = qp > qn ? qp : qn;
    uint64_t b, one = 0x3FF0000000000000ULL, mb;
    memcpy(&b, &q, sizeof b);
    mb = (b & 0x000FFFFFFFFFFFFFULL) | one;
    double mant;
    memcpy(&mant, &mb, sizeof mant);
    double psi = qp > qn ? delta : -delta;
    int64_t e = (int64_t)(b >> 52) - 1023;
    int64_t lin = q > (weighted ? c->cut[i] : cut1) ? 1 : 0; /* 64-bit types only: one width */
    c->s[i] = s;
    c->inv[i] = inv;
    c->m[i] = lin ? mant : 1;
    c->u[i] = psi * inv; /* right for linear rows only: chin_others fixes the rest */
    c->lin[i] = lin;
    ex += lin ? e : 0;
    nl += lin;
  }
  h->prod.k += ex;
  h->nlin += (double)nl;
  return (size_t)nl;
}

/* The rows chin_linear left: exact log residual (weight 0: nothing). */
static void chin_others(const tlaw_rows *d, const double *w, size_t i0, chin_chunk *c, size_t k,
                        huber_sums *h) {
  for (size_t i = 0; i < k; i++) {
    if (c->lin[i]) continue;
    double wi = w ? w[i0 + i] : 1;
    c->u[i] = wi == 0 ? 0 : wi * huber_row(h, d, i0 + i, c->s[i], c->inv[i], wi) * c->inv[i];
  }
}

/* Eight doubles as one value (GCC/clang vector extension): elementwise
 * IEEE arithmetic, one register on AVX-512, two on AVX2, four on SSE2. */
enum { LANES = 8 };
typedef double lanes __attribute__((vector_size(LANES * sizeof(double))));

/* LANES doubles at p (no alignment needed). */
#define LANES_AT(v, p) memcpy(&(v), (p), sizeof(lanes))

/* Product of the chunk's mantissas (each in [1, 2), at most CHUNK / LANES
 * per lane: no overflow) into h, and the gradient sums acc = (u e0, u e1,
 * u, u e0 log N, u e1 log D). Row i goes to lane i mod LANES: a fixed
 * summation order whatever the vector width. */
VECTOR_CLONES static void chin_sums(const tlaw_rows *d, size_t i0, const chin_chunk *c, size_t k,
                                    huber_sums *h, double *acc) {
  const double *lx0 = d->lx0 + i0, *lx1 = d->lx1 + i0;
  lanes pm = {1, 1, 1, 1, 1, 1, 1, 1}, a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0};
  size_t i = 0;
  for (; i + LANES <= k; i += LANES) {
    lanes u, e0, e1, m, l0, l1;
    LANES_AT(u, c->u + i);
    LANES_AT(e0, c->e0 + i);
    LANES_AT(e1, c->e1 + i);
    LANES_AT(m, c->m + i);
    LANES_AT(l0, lx0 + i);
    LANES_AT(l1, lx1 + i);
    lanes v0 = u * e0, v1 = u * e1;
    pm *= m;
    a0 += v0;
    a1 += v1;
    a2 += u;
    a3 += v0 * l0;
    a4 += v1 * l1;
  }
  for (size_t j = 0; i + j < k; j++) { /* the last rows, lane by lane */
    double u = c->u[i + j], v0 = u * c->e0[i + j], v1 = u * c->e1[i + j];
    pm[j] *= c->m[i + j];
    a0[j] += v0;
    a1[j] += v1;
    a2[j] += u;
    a3[j] += v0 * lx0[i + j];
    a4[j] += v1 * lx1[i + j];
  }
  for (size_t j = 0; j < LANES; j++) {
    prod_mul(&h->prod, pm[j]);
    acc[0] += a0[j];
    acc[1] += a1[j];
    acc[2] += a2[j];
    acc[3] += a3[j];
    acc[4] += a4[j];
  }
}

/* Chinchilla, th = (a, b, e, alpha, beta), L̂ = e^(a - alpha log N) +
 * e^(b - beta log D) + e^e (§6), by chunks of rows: exponentials, linear
 * rows and sums in loops the compiler vectorises, the few other rows
 * exactly. The gradient of log L̂ is the softmax weights (e0, e1, e^e) / L̂
 * times (1, 1, 1, -log N, -log D). */
double fslaw_tlaw_chin_huber(const double *th, const tlaw_rows *d, const double *w, double *g) {
  if (!chin_covered(th, d)) return NAN;
  const double ee = exp(th[2]);
  huber_sums h = {{1, 0}, 0, 0, 0};
  double acc[5] = {0};
  chin_chunk c;
  for (size_t i0 = 0; i0 < d->n; i0 += CHUNK) {
    size_t k = d->n - i0 < CHUNK ? d->n - i0 : CHUNK;
    if (w) chin_cuts(d, w + i0, &c, k);
    chin_exps(th, d, i0, &c, k);
    if (chin_linear(d, i0, &c, k, ee, w != NULL, &h) < k) chin_others(d, w, i0, &c, k, &h);
    chin_sums(d, i0, &c, k, &h, acc);
  }
  if (g) {
    g[0] = -acc[0];
    g[1] = -acc[1];
    g[2] = -ee * acc[2];
    g[3] = acc[3];
    g[4] = acc[4];
  }
  return huber_total(&h, d->delta);
}
