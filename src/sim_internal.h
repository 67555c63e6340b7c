/* sim_internal.h: what the three simulators (sim_exact.c, sim_spectral.c,
 * sim_mc.c) share: their entry points, the divergence test and message, and
 * the flush-denormals guard. Not part of the public API. */
#ifndef FSLAW_SIM_INTERNAL_H
#define FSLAW_SIM_INTERNAL_H

#include "fslaw/simulate.h"

#ifdef __SSE__
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

/* Hot loops are compiled for AVX-512, AVX2 and baseline x86-64 and picked at
 * load time. Contraction is off and each kernel fixes its accumulators in
 * the source, so every variant gives bit-identical results. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FSLAW_SIM_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FSLAW_SIM_CLONES
#endif

/* The risk counts as diverged once it exceeds this many times its start
 * (initial signal plus effective noise): no stable run comes near it, and
 * an unstable one crosses it long before overflowing (§1.1a). */
#define FSLAW_SIM_BLOWUP 1e15

/* Most modes (exact) or coordinates (mc) a stored method takes: 1.6 GB of
 * state already (exact), and the limit of theory's exact mode sums; more
 * goes through the spectral method. It also keeps the size_t arithmetic of
 * the allocations far from overflow. */
#define FSLAW_SIM_MAX_STORED 1e8

/* Step k (steps taken, 1..K) is reported when it is a multiple of every or the last. */
static inline int fslaw_sim_is_row(size_t k, size_t K, size_t every) {
  return k % every == 0 || k == K;
}

/* Flush denormals to zero in the calling thread (decayed modes otherwise
 * fall into the slow denormal range, §1.1b); returns the state to restore. */
static inline unsigned fslaw_sim_ftz_begin(void) {
#ifdef __SSE__
  unsigned old = _mm_getcsr();
  _mm_setcsr(old | 0x8040u); /* FTZ (bit 15) | DAZ (bit 6) */
  return old;
#else
  return 0;
#endif
}

static inline void fslaw_sim_ftz_end(unsigned old) {
#ifdef __SSE__
  _mm_setcsr(old);
#else
  (void)old;
#endif
}

/* Fill err with the divergence message for a risk that grew past `limit`
 * after `step` steps (naming the largest rate so far and the bounds of
 * §1.1a); returns FSLAW_EDIVERGED. */
fslaw_status fslaw_sim_diverged(fslaw_error *err, const fslaw_plk_model *m, const double *lr,
                                size_t step, double limit);

/* The three methods; arguments checked by fslaw_simulate. */
fslaw_status fslaw_sim_exact_run(const fslaw_plk_model *m, const double *lr, size_t K,
                                 const fslaw_sim_options *opt, double *excess, fslaw_error *err);
fslaw_status fslaw_sim_spectral_run(const fslaw_plk_model *m, const double *lr, size_t K,
                                    const fslaw_sim_options *opt, double *excess,
                                    fslaw_sim_info *info, fslaw_error *err);
fslaw_status fslaw_sim_mc_run(const fslaw_plk_model *m, const double *lr, size_t K,
                              const fslaw_sim_options *opt, double *excess, double *stderr_out,
                              fslaw_error *err);

#endif
