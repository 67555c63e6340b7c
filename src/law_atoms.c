/* law_atoms.c: compressed weighted sums over steps for the laws (law_kind.h).
 *
 * The sums of §5 (loss drops, noise injections) run over every step before
 * the predicted one: O(steps) per point, too slow for fitting smooth
 * schedules. Far from the predicted step the summand varies slowly with the
 * intrinsic-time distance, so dyadic blocks of steps are replaced by two atoms
 * that match the block's weight, mean and variance in T (a two-point Gauss
 * rule), leaving an error of fourth order in the block's relative width.
 * Steps with zero weight cost nothing; step schedules keep their few drops
 * exactly.
 *
 * Everything about a block that does not depend on the predicted step (its
 * moments, its atoms, a threshold for merging it) is computed once per run:
 * a predicted step then costs O(its atoms), a walk back through the blocks.
 * The prepares of one run share these levels through a law_cache (the
 * chunks of a one-off prediction of a long log). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "law_kind.h"

/* A block's atoms, in one cache line: computed once per block, not once
 * per atom of every predicted step. */
typedef struct {
  double w;               /* the block's weight */
  int na;                 /* its atoms: 0 (no weight, or never merged), 1 or 2 */
  double t[2], e[2], x[2];/* their intrinsic times, values E and derive->x */
} block;

/* One dyadic level: per block the threshold the walks of atoms_for compare
 * and the atoms, and while the next level is built, the moments it
 * combines: weighted means of T and rate, second central moment of T,
 * co-moment of T and rate, range and sign of the rates. Means and central
 * moments combine exactly (Chan et al.), without the cancellation of raw
 * sums. */
typedef struct {
  double *thr;        /* taken at distance d from the predicted step iff thr <= eps d */
  block *b;
  double *mt, *me;    /* weighted mean T, weighted mean rate */
  double *m2;         /* sum w (T - mean T)^2 */
  double *ce;         /* sum w (T - mean T)(rate - mean rate) */
  double *emin, *emax;/* smallest and largest rate */
  signed char *sign;  /* 1 all >= 0, -1 all <= 0, 2 mixed */
  size_t n;           /* number of blocks */
} level;

/* The dyadic levels of one run's weights: block b of level l covers steps
 * b 2^l .. (b + 1) 2^l - 1. */
typedef struct {
  level lv[40];
  int nl;
} levels;

static void moments_free(level *L) {
  double *arrs[] = {L->mt, L->me, L->m2, L->ce, L->emin, L->emax};
  for (size_t a = 0; a < sizeof arrs / sizeof *arrs; a++) free(arrs[a]);
  free(L->sign);
  L->mt = L->me = L->m2 = L->ce = L->emin = L->emax = NULL;
  L->sign = NULL;
}

static void levels_destroy(levels *ls) {
  if (!ls) return;
  for (int l = 0; l < ls->nl; l++) {
    moments_free(&ls->lv[l]);
    free(ls->lv[l].thr);
    free(ls->lv[l].b);
  }
  free(ls);
}

static int sign_of(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
static signed char merge_sign(signed char a, signed char b) {
  if (a == 2 || b == 2) return 2;
  if (!a) return b;
  if (!b) return a;
  return a == b ? a : 2;
}

/* Block b of level l from blocks 2b and 2b+1 of level l-1. */
static void combine(level *L, const level *c, size_t b) {
  size_t i = 2 * b, j = 2 * b + 1;
  double wa = c->b[i].w, wb = c->b[j].w, w = wa + wb;
  L->b[b].w = w;
  L->sign[b] = merge_sign(c->sign[i], c->sign[j]);
  L->emin[b] = fmin(c->emin[i], c->emin[j]);
  L->emax[b] = fmax(c->emax[i], c->emax[j]);
  if (w == 0 || L->sign[b] == 2) { /* not mergeable or empty: means unused */
    L->mt[b] = c->mt[j];
    L->me[b] = c->me[j];
    L->m2[b] = L->ce[b] = 0;
    return;
  }
  double d = c->mt[j] - c->mt[i], de = c->me[j] - c->me[i];
  L->mt[b] = c->mt[i] + d * wb / w;
  L->me[b] = c->me[i] + de * wb / w;
  L->m2[b] = c->m2[i] + c->m2[j] + d * d * wa * wb / w;
  L->ce[b] = c->ce[i] + c->ce[j] + d * de * wa * wb / w;
}

/* Block b of level 0: step b. */
static void single(level *L, size_t b, const law_input *in, const double *w) {
  L->b[b].w = w[b];
  L->mt[b] = in->T[b];
  L->m2[b] = L->ce[b] = 0;
  L->me[b] = L->emin[b] = L->emax[b] = in->lr[b];
  L->sign[b] = (signed char)sign_of(w[b]);
}

/* What a run's levels depend on besides the run. */
typedef struct {
  law_weights weights;
  const law_derive *derive;
  law_opts opts;
} levels_key;

static int level_alloc(level *L, size_t n) {
  L->n = n;
  /* aligned to cache lines: a walk reads one per atom */
  if (!(L->b = aligned_alloc(64, (n + 1) * sizeof *L->b))) return 0;
  double **arrs[] = {&L->thr, &L->mt, &L->me, &L->m2, &L->ce, &L->emin, &L->emax};
  for (size_t a = 0; a < sizeof arrs / sizeof *arrs; a++)
    if (!(*arrs[a] = malloc((n + 1) * sizeof(double)))) return 0;
  return (L->sign = malloc(n + 1)) != NULL;
}

/* A block may be merged when its weights share a sign, its intrinsic-time
 * width is at most eps times its distance from the predicted step, and its
 * rates vary by at most eps relative (laws also depend on the rate itself).
 * The walk of atoms_for climbs from a step through the blocks ending there,
 * one level up as long as the block may be merged: a block's threshold is
 * the largest width along that chain (+inf if one of them may never be
 * merged), and the walk reaches the block iff its threshold <= eps dist. */
static double threshold(const levels *ls, int l, size_t b, const double *T, double eps) {
  const level *L = &ls->lv[l];
  if (!l) return -INFINITY; /* a single step: always */
  if (L->sign[b] == 2 || !(L->emax[b] - L->emin[b] <= eps * L->emin[b])) return INFINITY;
  size_t len = (size_t)1 << l, first = b * len;
  return fmax(T[first + len - 1] - T[first], ls->lv[l - 1].thr[2 * b + 1]);
}

/* Atom a of a block: its time t, rate (before derive->e) and derive->x. */
static void atom_set(block *B, int a, double t, double rate, const levels_key *key) {
  const law_derive *d = key->derive;
  B->t[a] = t;
  B->e[a] = d->e ? d->e(&key->opts, rate) : rate;
  B->x[a] = d->x(rate, t);
}

/* Block b's threshold and atoms: a merged block becomes two atoms at mean T
 * -/+ its standard deviation (matching three moments of T), with rates from
 * the block's regression of rate on T, so that laws depending on both stay
 * accurate to second order. */
static void block_finish(levels *ls, int l, size_t b, const law_input *in,
                         const levels_key *key) {
  level *L = &ls->lv[l];
  block *B = &L->b[b];
  L->thr[b] = threshold(ls, l, b, in->T, key->opts.eps);
  for (int a = 0; a < 2; a++) B->t[a] = B->e[a] = B->x[a] = 0;
  B->na = 0;
  if (B->w == 0 || L->thr[b] == INFINITY) return; /* never an atom */
  double sd = l ? sqrt(L->m2[b] / B->w) : 0, de = sd > 0 ? L->ce[b] / B->w / sd : 0;
  B->na = sd > 0 ? 2 : 1;
  if (sd > 0) {
    atom_set(B, 0, L->mt[b] - sd, L->me[b] - de, key);
    atom_set(B, 1, L->mt[b] + sd, L->me[b] + de, key);
  } else {
    atom_set(B, 0, L->mt[b], L->me[b], key);
  }
}

static int levels_fill(levels *ls, const law_input *in, const double *w, const levels_key *key) {
  for (int l = 0; l < ls->nl; l++) {
    level *L = &ls->lv[l];
    if (!level_alloc(L, in->n >> l)) return 0;
    for (size_t b = 0; b < L->n; b++) {
      if (l) combine(L, &ls->lv[l - 1], b);
      else single(L, b, in, w);
      block_finish(ls, l, b, in, key);
    }
    if (l) moments_free(&ls->lv[l - 1]);
  }
  moments_free(&ls->lv[ls->nl - 1]);
  return 1;
}

/* The levels of the weights w[0..in->n-1]; NULL when out of memory. */
static levels *levels_build(const law_input *in, const double *w, const levels_key *key) {
  levels *ls = calloc(1, sizeof *ls);
  if (!ls) return NULL;
  ls->nl = 1;
  while (ls->nl < 40 && (in->n >> ls->nl) > 0) ls->nl++;
  if (levels_fill(ls, in, w, key)) return ls;
  levels_destroy(ls);
  return NULL;
}

/* Run-wide structures shared by the prepares of one run: the levels built
 * by the first prepare (one law per run: another key builds its own). */
struct law_cache {
  levels *ls;
  levels_key key;
};

law_cache *fslaw_law_cache_create(void) { return calloc(1, sizeof(law_cache)); }

void fslaw_law_cache_destroy(law_cache *c) {
  if (!c) return;
  levels_destroy(c->ls);
  free(c);
}

/* The weights a law sums, w[in->n]; NULL when out of memory. */
static double *weights_of(const law_input *in, law_weights weights) {
  if (weights != LAW_LR2) return fslaw_law_drop_weights(in, weights == LAW_DROPS_ALL);
  double *w = malloc((in->n ? in->n : 1) * sizeof *w);
  for (size_t k = 0; w && k < in->n; k++) w[k] = in->lr[k] * in->lr[k];
  return w;
}

static int same_key(const levels_key *a, const levels_key *b) {
  const law_opts *p = &a->opts, *q = &b->opts;
  return a->weights == b->weights && a->derive == b->derive && p->eps == q->eps &&
         p->code_convention == q->code_convention && p->lambda == q->lambda && p->ref == q->ref;
}

/* The levels for key, from in->cache when a prepare on the run built them
 * (else built, and kept there); *own: built for this call alone. NULL when
 * out of memory. */
static const levels *levels_of(const law_input *in, const levels_key *key, levels **own) {
  *own = NULL;
  law_cache *c = in->cache;
  if (c && c->ls && same_key(&c->key, key)) return c->ls;
  double *w = weights_of(in, key->weights);
  levels *ls = w ? levels_build(in, w, key) : NULL;
  free(w);
  if (ls && c && !c->ls) {
    c->ls = ls;
    c->key = *key;
  } else {
    *own = ls;
  }
  return ls;
}

/* The atom arrays of a law_sums, growing. */
typedef struct {
  law_sums *s;
  size_t n, cap; /* atoms, capacity */
} atom_buf;

static int grow(double **a, size_t cap) {
  double *p = realloc(*a, cap * sizeof *p);
  if (p) *a = p;
  return p != NULL;
}

/* Room for `more` atoms. */
static int reserve(atom_buf *b, size_t more) {
  if (b->n + more <= b->cap) return 1;
  size_t cap = 2 * b->cap > b->n + more ? 2 * b->cap : b->n + more;
  law_sums *s = b->s;
  if (!grow(&s->W, cap) || !grow(&s->E, cap) || !grow(&s->R, cap) || !grow(&s->WB, cap) ||
      !grow(&s->x, cap) || !grow(&s->y, cap))
    return 0;
  b->cap = cap;
  return 1;
}

static void push(atom_buf *b, double w, double e, double x, double t, double r, double wb) {
  law_sums *s = b->s;
  s->W[b->n] = w;
  s->E[b->n] = e;
  s->R[b->n] = r;
  s->WB[b->n] = wb;
  s->x[b->n] = x;
  s->y[b->n] = t; /* derive->y makes it y */
  b->n++;
}

/* The level of the block the walk of atoms_for takes at step e: the
 * highest block ending at e with a threshold at most lim (the thresholds
 * grow up the chain, so this is where climbing from level 0 stops), found
 * from the level l of the block before (blocks grow with the distance),
 * which ended at e + 2^l: a block of level l ends at e too. */
static int level_at(const levels *ls, size_t e, double lim, int l) {
  size_t end = e + 1;
  while (l > 0 && !(ls->lv[l].thr[(end >> l) - 1] <= lim)) l--;
  while (l + 1 < ls->nl && !(end & (((size_t)1 << (l + 1)) - 1)) &&
         ls->lv[l + 1].thr[(end >> (l + 1)) - 1] <= lim)
    l++;
  return l;
}

/* The atoms of predicted step k: dyadic blocks walked back from k, each
 * single step or merged block as its atoms (block_finish). */
static int atoms_for(atom_buf *b, const levels *ls, const law_input *in, size_t k, double eps,
                     const law_derive *d) {
  const double *T = in->T, Tk = T[k];
  size_t first = b->n;
  int l = 0;
  for (long e = (long)k; e >= 0; e -= 1L << l) {
    l = eps > 0 ? level_at(ls, (size_t)e, eps * (Tk - T[e]), l) : 0;
    const block *B = &ls->lv[l].b[(((size_t)e + 1) >> l) - 1];
    double w = B->w, r = in->lr[e];
    if (B->na == 0) continue;
    if (!reserve(b, 2)) return 0;
    if (B->na == 2) {
      push(b, w / 2, B->e[0], B->x[0], B->t[0], r, w);
      push(b, w / 2, B->e[1], B->x[1], B->t[1], r, w);
    } else {
      push(b, w, B->e[0], B->x[0], B->t[0], r, w);
    }
  }
  d->y(Tk, b->s->E + first, b->s->y + first, b->n - first);
  return 1;
}

double *fslaw_law_drop_weights(const law_input *in, int from_start) {
  double *w = calloc(in->n ? in->n : 1, sizeof *w);
  if (!w) return NULL;
  for (size_t i = from_start ? 1 : in->warmup + 1; i < in->n; i++) w[i] = in->lr[i - 1] - in->lr[i];
  return w;
}

fslaw_status fslaw_law_sums_prepare(const law_opts *o, const law_input *in, law_weights weights,
                              const law_derive *derive, void **state, fslaw_error *err) {
  *state = NULL;
  levels_key key = {weights, derive, *o};
  levels *own = NULL;
  const levels *ls = in->nat ? levels_of(in, &key, &own) : NULL;
  law_sums *s = calloc(1, sizeof *s);
  atom_buf b = {s, 0, 0};
  int ok = (ls || !in->nat) && s && (s->off = malloc((in->nat + 1) * sizeof *s->off)) &&
           (s->Tk = malloc((in->nat + 1) * sizeof *s->Tk)) && reserve(&b, 1024);
  for (size_t i = 0; ok && i < in->nat; i++) {
    s->off[i] = b.n;
    s->Tk[i] = in->T[in->at[i]];
    ok = atoms_for(&b, ls, in, in->at[i], o->eps, derive);
    /* the points left have about as many atoms as this one: fewer copies */
    if (ok && i == 0) ok = reserve(&b, (in->nat - 1) * (b.n + b.n / 8 + 16));
  }
  levels_destroy(own);
  if (!ok) {
    fslaw_law_sums_release(s);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  s->nat = in->nat;
  s->off[in->nat] = b.n;
  *state = s;
  return FSLAW_OK;
}

void fslaw_law_sums_release(void *state) {
  law_sums *s = state;
  if (!s) return;
  free(s->Tk);
  free(s->off);
  free(s->W);
  free(s->E);
  free(s->R);
  free(s->WB);
  free(s->x);
  free(s->y);
  free(s);
}

/* Add the terms of m atoms, t[k * LAW_CHUNK + c], to acc[k], k < nt. */
static inline __attribute__((always_inline)) void add_terms(const double *t, size_t m, size_t nt,
                                                            double *acc) {
  for (size_t c = 0; c < m; c++)
    for (size_t k = 0; k < nt; k++) acc[k] += t[k * LAW_CHUNK + c];
}

/* fslaw_law_sums_pair for a constant nt (each copy inlined): one scalar
 * accumulator per term and step, no rows of zeros added. */
static inline __attribute__((always_inline)) void sums_pair(const law_sums *s, const double *p,
                                                            size_t i, law_terms terms,
                                                            size_t nt,
                                                            double acc[2][LAW_MAX_TERMS]) {
  double t[2][LAW_MAX_TERMS * LAW_CHUNK], a[LAW_MAX_TERMS] = {0}, b[LAW_MAX_TERMS] = {0};
  size_t ja = s->off[i], ea = s->off[i + 1], jb = ea, eb = i + 1 < s->nat ? s->off[i + 2] : ea;
  while (ja < ea || jb < eb) {
    size_t ma = ea - ja < LAW_CHUNK ? ea - ja : LAW_CHUNK;
    size_t mb = eb - jb < LAW_CHUNK ? eb - jb : LAW_CHUNK, mm = ma < mb ? ma : mb;
    if (ma) terms(s, p, ja, ma, t[0]);
    if (mb) terms(s, p, jb, mb, t[1]);
    for (size_t c = 0; c < mm; c++) /* both chains of each term interleaved */
      for (size_t k = 0; k < nt; k++) {
        a[k] += t[0][k * LAW_CHUNK + c];
        b[k] += t[1][k * LAW_CHUNK + c];
      }
    add_terms(t[0] + mm, ma - mm, nt, a);
    add_terms(t[1] + mm, mb - mm, nt, b);
    ja += ma;
    jb += mb;
  }
  memcpy(acc[0], a, nt * sizeof *a);
  if (i + 1 < s->nat) memcpy(acc[1], b, nt * sizeof *b);
}

/* The sums of one step i into acc, for a constant nt. */
static inline __attribute__((always_inline)) void sums_one(const law_sums *s, const double *p,
                                                           size_t i, law_terms terms, size_t nt,
                                                           double *acc) {
  double t[LAW_MAX_TERMS * LAW_CHUNK], a[LAW_MAX_TERMS] = {0};
  for (size_t j0 = s->off[i]; j0 < s->off[i + 1]; j0 += LAW_CHUNK) {
    size_t m = s->off[i + 1] - j0 < LAW_CHUNK ? s->off[i + 1] - j0 : LAW_CHUNK;
    terms(s, p, j0, m, t);
    add_terms(t, m, nt, a);
  }
  memcpy(acc, a, nt * sizeof *a);
}

void fslaw_law_sums_pair(const law_sums *s, const double *p, size_t i, law_terms terms, size_t nt,
                   double acc[2][LAW_MAX_TERMS]) {
  switch (nt) {
  case 3: sums_pair(s, p, i, terms, 3, acc); break;
  case 4: sums_pair(s, p, i, terms, 4, acc); break;
  case 5: sums_pair(s, p, i, terms, 5, acc); break;
  case 6: /* one step at a time: two steps' twelve chains ran slower (fslq 10 %, fslkq 5 %) */
    for (size_t h = 0; h < 2 && i + h < s->nat; h++) sums_one(s, p, i + h, terms, 6, acc[h]);
    break;
  default:
    for (size_t h = 0; h < 2 && i + h < s->nat; h++) sums_one(s, p, i + h, terms, nt, acc[h]);
    break;
  }
}

double fslaw_law_log_time(double rate, double T) {
  (void)rate;
  return log(T); /* an atom has weight, so a positive rate and T */
}

void fslaw_law_time_to(double Tk, const double *E, double *yt, size_t n) {
  (void)E;
  for (size_t j = 0; j < n; j++) yt[j] = Tk - yt[j];
}

const law_derive fslaw_law_derive_time = {fslaw_law_log_time, fslaw_law_time_to, NULL};
