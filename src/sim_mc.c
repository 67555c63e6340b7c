/* sim_mc.c: Monte Carlo one-pass SGD on the PLK model (MATH.md §1.2), the
 * independent check of the expected-risk recursion of §1.1.
 *
 * Every run samples real Gaussian features x_j ~ N(0, lambda_j), j <= N,
 * labels y = <x, theta*> + sigma eps, and updates the top-M coordinates
 * v <- v - (eta/B) sum_b (f(x_b; v) - y_b) x_b. Its excess risk is computed
 * exactly from v: R(v) - sigma^2/2 = ½ sum_{j<=N} lambda_j (v_j - theta*_j)^2.
 * Run r draws from its own xoshiro256** stream seeded from (seed, r), and the
 * runs are reduced in run order, so the output does not depend on the
 * number of threads. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sim_internal.h"

/* Runs simulated between two (ordered) reductions; bounds the buffer size. */
#define MC_BLOCK 64

/* A xoshiro256** generator. */
typedef struct {
  uint64_t s[4]; /* generator state */
} mc_rng;

/* Layers of the ziggurat for the normal distribution (Marsaglia & Tsang 2000). */
#define ZIG_N 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

/* Ziggurat tables: layer edges x[0..ZIG_N] (x[0] = V/f(R) is the base
 * strip's width, x[1] = R, x[ZIG_N] = 0) and f(x) = exp(-x^2/2) at them. */
typedef struct {
  double x[ZIG_N + 1]; /* layer edges */
  double f[ZIG_N + 1]; /* density (unnormalised) at the edges */
} zig_table;

static void zig_init(zig_table *z) {
  z->x[0] = ZIG_V / exp(-0.5 * ZIG_R * ZIG_R);
  z->x[1] = ZIG_R;
  for (int i = 1; i < ZIG_N - 1; i++)
    z->x[i + 1] = sqrt(-2 * log(ZIG_V / z->x[i] + exp(-0.5 * z->x[i] * z->x[i])));
  z->x[ZIG_N] = 0;
  for (int i = 0; i <= ZIG_N; i++) z->f[i] = exp(-0.5 * z->x[i] * z->x[i]);
}

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Stream of run `run`: splitmix64 of a mix of seed and run fills the state. */
static void rng_seed(mc_rng *r, uint64_t seed, uint64_t run) {
  uint64_t x = seed;
  x = splitmix64(&x) ^ ((run + 1) * 0xd1b54a32d192ed03u);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(mc_rng *r) {
  uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

static double rng_uniform(mc_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* The rare ziggurat cases for layer i, sign and abscissa x that missed the
 * layer's inner rectangle: the tail beyond R (Marsaglia's method) or the
 * wedge test. Returns the normal, or NAN to ask for a fresh draw. */
static double zig_slow(mc_rng *r, const zig_table *z, int i, double sign, double x) {
  if (i == 0) {
    double a, b;
    do {
      a = -log(1 - rng_uniform(r)) / ZIG_R;
      b = -log(1 - rng_uniform(r));
    } while (b + b < a * a);
    return sign * (ZIG_R + a);
  }
  if (z->f[i] + rng_uniform(r) * (z->f[i + 1] - z->f[i]) < exp(-0.5 * x * x)) return sign * x;
  return NAN;
}

/* out[j] = scale[j] * (standard normal), j < n, by the ziggurat: one 64-bit
 * draw gives the layer (7 bits), the sign (1 bit) and the abscissa (53
 * bits); ~99 % of draws end at the first comparison. Deterministic per
 * stream; inline so the generator state stays in registers. */
static inline void rng_normals(mc_rng *r, const zig_table *z, const double *scale, double *out,
                               size_t n) {
  for (size_t j = 0; j < n; j++) {
    for (;;) {
      uint64_t u = rng_next(r);
      int i = (int)(u & (ZIG_N - 1));
      double sign = (u >> 7) & 1 ? -1.0 : 1.0;
      double x = (double)(u >> 11) * 0x1.0p-53 * z->x[i];
      if (x < z->x[i + 1]) {
        out[j] = scale[j] * (sign * x);
        break;
      }
      double v = zig_slow(r, z, i, sign, x);
      if (v == v) {
        out[j] = scale[j] * v;
        break;
      }
    }
  }
}

/* Fixed inputs of every run. */
typedef struct {
  const fslaw_plk_model *m; /* the model */
  const double *lr;         /* K rates */
  size_t K, every, rows;    /* steps, report period, reported rows */
  size_t M, N;              /* learned and total coordinates */
  double *lam, *sq, *theta; /* lambda_j, sqrt(lambda_j), theta*_j for j < N */
  double delta;             /* ½ sum_{M<j<=N} lambda_j theta*_j^2 (v_j = 0 there) */
  double limit;             /* blow-up threshold on sum_{j<=M} lambda_j w_j^2 */
  zig_table zig;            /* normal sampler tables */
  uint64_t seed;            /* base seed */
} mc_setup;

/* ½ sum_{j<M} lambda_j w_j^2 with w = v - theta* over the learned coordinates. */
static double learned_error(const double *lam, const double *w, size_t M) {
  double s = 0;
  for (size_t j = 0; j < M; j++) s += lam[j] * w[j] * w[j];
  return 0.5 * s;
}

/* One SGD step on mini-batch of B fresh samples; x and grad are workspaces. */
static void sgd_step(const mc_setup *S, mc_rng *r, double eta, double *w, double *x, double *grad) {
  size_t M = S->M, N = S->N, B = (size_t)S->m->batch;
  for (size_t j = 0; j < M; j++) grad[j] = 0;
  for (size_t b = 0; b < B; b++) {
    rng_normals(r, &S->zig, S->sq, x, N);
    /* f - y = <x_{<=M}, v - theta*> - <x_{>M}, theta*_{>M}> - sigma eps */
    double res = 0;
    for (size_t j = 0; j < M; j++) res += x[j] * w[j];
    for (size_t j = M; j < N; j++) res -= x[j] * S->theta[j];
    double eps;
    rng_normals(r, &S->zig, &S->m->sigma, &eps, 1);
    res -= eps;
    for (size_t j = 0; j < M; j++) grad[j] += res * x[j];
  }
  double h = eta / (double)B;
  for (size_t j = 0; j < M; j++) w[j] -= h * grad[j];
}

/* Run `run`: fills out[0..rows-1]; returns 0, the step of divergence, or
 * (size_t)-1 when out of memory. */
static size_t mc_one(const mc_setup *S, uint64_t run, double *out) {
  double *w = malloc(S->M * sizeof *w), *x = malloc(S->N * sizeof *x);
  double *grad = malloc(S->M * sizeof *grad);
  size_t fail = 0, row = 1;
  if (!w || !x || !grad) fail = (size_t)-1;
  mc_rng r;
  rng_seed(&r, S->seed, run);
  for (size_t j = 0; !fail && j < S->M; j++) w[j] = -S->theta[j]; /* v_0 = 0 */
  if (!fail) out[0] = learned_error(S->lam, w, S->M) + S->delta;
  for (size_t k = 0; !fail && k < S->K; k++) {
    sgd_step(S, &r, S->lr[k], w, x, grad);
    double e = learned_error(S->lam, w, S->M);
    if (!(e <= S->limit))
      fail = k + 1;
    else if (fslaw_sim_is_row(k + 1, S->K, S->every))
      out[row++] = e + S->delta;
  }
  free(w);
  free(x);
  free(grad);
  return fail;
}

/* Fold runs [r0, r0 + n) into the running means and sums of squares
 * (Welford), in run order, of the risks divided by `unit`. */
static void reduce_block(const double *buf, size_t n, size_t r0, size_t rows, double unit,
                         double *mean, double *m2) {
  for (size_t i = 0; i < n; i++) {
    double cnt = (double)(r0 + i + 1);
    for (size_t q = 0; q < rows; q++) {
      double x = buf[i * rows + q] / unit, d = x - mean[q];
      mean[q] += d / cnt;
      m2[q] += d * (x - mean[q]);
    }
  }
}

/* The unit of the mean and spread: risks near the blow-up limit square past
 * the largest double once it passes ~1e154 (a huge sigma), so from 2^300 on
 * they are counted in a power of two near it (exact: no rounding). */
static double stat_unit(double limit) {
  return limit > 0x1p300 ? ldexp(1, ilogb(limit)) : 1;
}

/* Simulate runs in blocks, threads within a block; returns the status. */
static fslaw_status mc_blocks(const mc_setup *S, const fslaw_sim_options *opt, double *mean,
                              double *m2, double *buf, fslaw_error *err) {
  int nt = opt->threads > 0 ? opt->threads : omp_get_max_threads();
  double unit = stat_unit(S->limit);
  for (size_t r0 = 0; r0 < opt->runs; r0 += MC_BLOCK) {
    size_t n = opt->runs - r0 < MC_BLOCK ? opt->runs - r0 : MC_BLOCK;
    size_t fail[MC_BLOCK];
#pragma omp parallel for schedule(dynamic) num_threads(nt)
    for (size_t i = 0; i < n; i++) fail[i] = mc_one(S, r0 + i, buf + i * S->rows);
    for (size_t i = 0; i < n; i++) {
      if (fail[i] == (size_t)-1)
        return fslaw_fail(err, FSLAW_ENOMEM, "out of memory in Monte Carlo run %zu", r0 + i);
      if (fail[i]) {
        fslaw_status st = fslaw_sim_diverged(err, S->m, S->lr, fail[i], S->limit);
        size_t len = strlen(err ? err->msg : "");
        if (err && len + 40 < sizeof err->msg)
          snprintf(err->msg + len, sizeof err->msg - len, " (Monte Carlo run %zu)", r0 + i);
        return st;
      }
    }
    reduce_block(buf, n, r0, S->rows, unit, mean, m2);
  }
  return FSLAW_OK;
}

fslaw_status fslaw_sim_mc_run(const fslaw_plk_model *m, const double *lr, size_t K,
                              const fslaw_sim_options *opt, double *excess, double *stderr_out,
                              fslaw_error *err) {
  size_t N = (size_t)m->dim, rows = fslaw_sim_rows(K, opt->every);
  mc_setup S = {m,
                lr,
                K,
                opt->every,
                rows,
                (size_t)m->features,
                N,
                malloc(N * sizeof(double)),
                malloc(N * sizeof(double)),
                malloc(N * sizeof(double)),
                0,
                0,
                {{0}, {0}},
                opt->seed};
  zig_init(&S.zig);
  double *m2 = calloc(rows, sizeof *m2);
  size_t nbuf = opt->runs < MC_BLOCK ? opt->runs : MC_BLOCK;
  double *buf = malloc(nbuf * rows * sizeof *buf);
  fslaw_status st = FSLAW_OK;
  if (!S.lam || !S.sq || !S.theta || !m2 || !buf) {
    st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory for the Monte Carlo buffers");
  } else {
    double s0 = 0, tail = 0;
    for (size_t j = 0; j < N; j++) {
      double jj = (double)(j + 1), sig = fslaw_plk_signal(m, jj);
      S.lam[j] = fslaw_plk_lambda(m, jj);
      S.sq[j] = sqrt(S.lam[j]);
      S.theta[j] = sqrt(sig / S.lam[j]); /* lambda_j theta*_j^2 = j^-(s beta + 1) */
      if (j < S.M)
        s0 += sig;
      else
        tail += sig;
    }
    S.delta = 0.5 * tail;
    S.limit = FSLAW_SIM_BLOWUP * (s0 + m->sigma * m->sigma + tail);
    for (size_t q = 0; q < rows; q++) excess[q] = 0;
    st = mc_blocks(&S, opt, excess, m2, buf, err);
    double R = (double)opt->runs, unit = stat_unit(S.limit);
    for (size_t q = 0; !st && q < rows; q++) {
      excess[q] *= unit;
      /* one run has no spread to estimate: NAN (documented), never a 0 */
      if (stderr_out) stderr_out[q] = opt->runs > 1 ? unit * sqrt(m2[q] / (R - 1) / R) : NAN;
    }
  }
  free(S.lam);
  free(S.sq);
  free(S.theta);
  free(m2);
  free(buf);
  return st;
}
