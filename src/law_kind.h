/* law_kind.h: the interface between the law registry (law.c) and one law
 * (src/laws/NAME.c). A new law is one file defining a `const law_kind` and
 * one line in the registry of law.c. */
#ifndef FSLAW_LAW_KIND_H
#define FSLAW_LAW_KIND_H

#include <stddef.h>

#include "fslaw/common.h"

#define LAW_MAX_PARAMS 8

/* One parameter of a law. */
typedef struct {
  const char *name;   /* name in params JSON and --fix */
  double lo, hi;      /* default bounds */
  double start;       /* default start */
  double start_lo, start_hi; /* range sampled by the multistart */
  int logscale;       /* searched as log(value) (positive, wide range) */
} law_param;

/* Options of a law, parsed from its spec (all kinds share one struct). */
typedef struct {
  double eps;         /* compression resolution of long sums, 0 = exact */
  int code_convention;/* mpl: also sum the drops over the warmup ramp */
  double lambda;      /* mtl: momentum decay */
  double ref;         /* fslq: reference rate of the rate response */
  double unit;        /* every law: rates enter it as lr / unit (law.c) */
} law_opts;

/* Run-wide structures that the prepares of one run share (the chunks of
 * fslaw_law_predict), each built by the first prepare that needs it;
 * law_atoms.c. */
typedef struct law_cache law_cache;
law_cache *fslaw_law_cache_create(void);
void fslaw_law_cache_destroy(law_cache *c);

/* What a law is prepared on: one run and the steps to predict. */
typedef struct {
  const double *lr;   /* per-step rates, n of them */
  const double *T;    /* intrinsic time T[k] = sum_{i<=k} lr[i] */
  size_t n;           /* number of steps */
  const size_t *at;   /* steps to predict, increasing */
  size_t nat;         /* number of steps to predict */
  size_t warmup;      /* warmup end: first step at the peak of the ramp */
  law_cache *cache;   /* NULL, or shared by the prepares on this run */
} law_input;

/* One law. */
typedef struct law_kind {
  const char *name;          /* spec name */
  const char *formula;       /* the law as text */
  const char *help;          /* options, for --help */
  size_t np;                 /* number of parameters */
  law_param params[LAW_MAX_PARAMS]; /* parameters */
  const char *options;       /* accepted option keys besides eps, comma-separated */
  /* Precompute everything that does not depend on the parameters. */
  fslaw_status (*prepare)(const law_opts *o, const law_input *in, void **state,
                          fslaw_error *err);
  /* Predictions at in->at and, when jac != NULL, their Jacobian (nat x np). */
  void (*predict)(const void *state, const double *p, double *pred, double *jac);
  /* Free the state. */
  void (*release)(void *state);
  /* The loss at the last step of in->lr and, when grad != NULL, its
   * derivative with respect to every rate, grad[in->n] (exact, O(n)); with
   * grad == NULL the loss alone, cheaper (a shape family's search needs no
   * gradient). The hook itself is NULL when not available. Used to optimise
   * schedules. */
  void (*final_grad)(const law_opts *o, const law_input *in, const double *p, double *loss,
                     double *grad);
  /* Nonzero when prepare costs O(steps) whatever the points and keeps
   * little per point: fslaw_law_predict then prepares all points at once,
   * not in chunks (each would cost O(steps)). */
  int prepare_once;
} law_kind;

/* The parameter-free part of a law on one run, shared by the laws that sum
 * over steps: weighted sums compressed for every predicted step (MATH.md
 * §5.3: only steps with a weight contribute; smooth schedules are
 * compressed), sum_{i <= at[a]} w_i f(lr_i, T_i) ~= sum_{j in off[a]..off[a+1]}
 * W_j f(E_j, TT_j); per predicted step its intrinsic time, per atom its
 * weight and what the law derives from it (law_derive). */
typedef struct {
  size_t nat;   /* predicted steps */
  double *Tk;   /* intrinsic time of each predicted step */
  size_t *off;  /* atom offsets, nat + 1 */
  double *W;    /* summed weight of each atom */
  double *E;    /* weighted mean rate of each atom (or derive->e of it) */
  double *R;    /* rate at the last step of the atom's block */
  double *WB;   /* weight of the atom's block (W, or 2 W for the two atoms of
                   a merged block); a block's drops telescope: for drop
                   weights WB = rate before the block - R, so a law applies
                   a function f of the rate to drops exactly, f(R + WB) - f(R) */
  double *x;    /* first derived value of each atom */
  double *y;    /* second derived value of each atom */
} law_sums;

/* Which weights a law sums. */
typedef enum {
  LAW_DROPS,     /* lr_{i-1} - lr_i after warmup */
  LAW_DROPS_ALL, /* lr_{i-1} - lr_i from step 1 (ramp rises included) */
  LAW_LR2        /* lr_i^2 at every step */
} law_weights;

/* What a law derives from an atom's rate and intrinsic time T: x from
 * these alone, the value E it keeps of the rate (e, or the rate itself when
 * e is NULL), both computed once per block of steps; y also from the
 * intrinsic time T_k of the predicted step, for the n atoms of a step at
 * once: yt[j] holds atom j's T on entry, its y on return. */
typedef struct {
  double (*x)(double rate, double T);
  void (*y)(double Tk, const double *E, double *yt, size_t n);
  double (*e)(const law_opts *o, double rate);
} law_derive;

/* The derivation most laws use: x = log T_i, y = T_k - T_i, E = rate. */
double fslaw_law_log_time(double rate, double T);
void fslaw_law_time_to(double Tk, const double *E, double *yt, size_t n);
extern const law_derive fslaw_law_derive_time;

/* Build the sums (a law's prepare); *state receives a law_sums. */
fslaw_status fslaw_law_sums_prepare(const law_opts *o, const law_input *in, law_weights weights,
                              const law_derive *derive, void **state, fslaw_error *err);
/* Free a law_sums (a law's release). */
void fslaw_law_sums_release(void *state);

/* Atoms per pass of fslaw_law_sums_pair (bounded stack, warm cache) and the most
 * terms a law sums per atom. */
enum { LAW_CHUNK = 128, LAW_MAX_TERMS = 6 };

/* A law's per-atom terms at parameters p for atoms j0 .. j0 + m - 1 (m <=
 * LAW_CHUNK): term k of atom j0 + c into t[k * LAW_CHUNK + c]. Laws compute
 * them in loops the compiler vectorises (vmath.h). */
typedef void (*law_terms)(const law_sums *s, const double *p, size_t j0, size_t m, double *t);

/* acc[h][k] = sum over the atoms of predicted step i + h of term k (h < 2,
 * k < nt <= LAW_MAX_TERMS; acc[1] untouched when i + 1 is not a predicted
 * step), each added in atom order: the same sums, bit for bit, as a loop
 * over the atoms, whatever the chunking. Two steps at a time, since each
 * sum is a chain of dependent additions: for laws of up to five terms, the
 * two steps' chains are interleaved, twice as many overlapping. */
void fslaw_law_sums_pair(const law_sums *s, const double *p, size_t i, law_terms terms, size_t nt,
                   double acc[2][LAW_MAX_TERMS]);

/* Weights of the loss drops lr[i-1] - lr[i] for warmup < i (or 0 < i with
 * from_start), 0 elsewhere; caller frees. */
double *fslaw_law_drop_weights(const law_input *in, int from_start);

extern const law_kind fslaw_law_fsl, fslaw_law_fslconv, fslaw_law_fslk, fslaw_law_fslq, fslaw_law_fslkq,
    fslaw_law_mpl,
    fslaw_law_mtl;

#endif
