/* law_atoms.c: compressed weighted sums over steps for the laws (law_kind.h).
 *
 * The sums of §5 (loss drops, noise injections) run over every step before
 * the predicted one: O(steps) per point, too slow for fitting smooth
 * schedules. Far from the predicted step the summand varies slowly with the
 * intrinsic-time distance, so dyadic blocks of steps are replaced by two atoms
 * that match the block's weight, mean and variance in T (a two-point Gauss
 * rule), leaving an error of fourth order in the block's relative width.
 * Steps with zero weight cost nothing; step schedules keep their few drops
 * exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "law_kind.h"

/* Block moments at one dyadic level: weight, weighted mean and second central
 * moment of T, weighted mean and range of the rate. Means and central moments
 * combine exactly (Chan et al.), without the cancellation of raw sums. */
typedef struct {
  double *w, *mt, *m2, *me; /* weight, mean T, sum w (T - mean)^2, mean rate */
  double *ce;               /* co-moment sum w (T - mean T)(rate - mean rate) */
  double *emin, *emax;      /* smallest and largest rate in the block */
  signed char *sign;        /* 1 all >= 0, -1 all <= 0, 2 mixed */
  size_t n;                 /* number of blocks */
} level;

static void levels_free(level *lv, int nl) {
  for (int l = 0; l < nl; l++) {
    free(lv[l].w);
    free(lv[l].mt);
    free(lv[l].m2);
    free(lv[l].me);
    free(lv[l].ce);
    free(lv[l].emin);
    free(lv[l].emax);
    free(lv[l].sign);
  }
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
  double wa = c->w[i], wb = c->w[j], w = wa + wb;
  L->w[b] = w;
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

static int levels_build(level *lv, int nl, const law_input *in, const double *w) {
  for (int l = 0; l < nl; l++) {
    size_t n = in->n >> l;
    level *L = &lv[l];
    L->n = n;
    double **arrs[] = {&L->w, &L->mt, &L->m2, &L->me, &L->emin, &L->emax, &L->ce};
    for (int a = 0; a < 7; a++)
      if (!(*arrs[a] = malloc((n + 1) * sizeof(double)))) return 0;
    if (!(L->sign = malloc(n + 1))) return 0;
    for (size_t b = 0; b < n; b++) {
      if (l) {
        combine(L, &lv[l - 1], b);
        continue;
      }
      L->w[b] = w[b];
      L->mt[b] = in->T[b];
      L->m2[b] = L->ce[b] = 0;
      L->me[b] = L->emin[b] = L->emax[b] = in->lr[b];
      L->sign[b] = (signed char)sign_of(w[b]);
    }
  }
  return 1;
}

/* Growing atom arrays. */
typedef struct {
  double *W, *E, *TT; /* weight, rate, intrinsic time of each atom */
  double *R, *WB;     /* rate at the end of the atom's block, the block's weight */
  size_t n, cap;      /* used, capacity */
} atom_buf;

static int grow(double **a, size_t cap) {
  double *p = realloc(*a, cap * sizeof *p);
  if (p) *a = p;
  return p != NULL;
}

static int push(atom_buf *b, double w, double t, double e, double r, double wb) {
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 1024;
    if (!grow(&b->W, cap) || !grow(&b->E, cap) || !grow(&b->TT, cap) || !grow(&b->R, cap) ||
        !grow(&b->WB, cap))
      return 0;
    b->cap = cap;
  }
  b->W[b->n] = w;
  b->E[b->n] = e;
  b->TT[b->n] = t;
  b->R[b->n] = r;
  b->WB[b->n] = wb;
  b->n++;
  return 1;
}

/* A block may be merged when its weights share a sign, its intrinsic-time
 * width is at most eps times its distance from the predicted step, and its
 * rates vary by at most eps relative (laws also depend on the rate itself). */
static int mergeable(const level *L, size_t blk, double width, double dist, double eps) {
  if (L->sign[blk] == 2 || width > eps * dist) return 0;
  return L->emax[blk] - L->emin[blk] <= eps * L->emin[blk];
}

/* The atoms of predicted step k: dyadic blocks walked back from k; a merged
 * block becomes two atoms at mean T -/+ its standard deviation (matching
 * three moments of T), with rates from the block's regression of rate on T,
 * so that laws depending on both stay accurate to second order. */
static int atoms_for(atom_buf *b, const level *lv, int nl, const law_input *in, size_t k,
                     double eps) {
  const double *T = in->T;
  long e = (long)k;
  while (e >= 0) {
    int l = 0;
    double dist = T[k] - T[e];
    while (eps > 0 && l + 1 < nl && ((size_t)(e + 1) & (((size_t)1 << (l + 1)) - 1)) == 0) {
      size_t blk = ((size_t)(e + 1) >> (l + 1)) - 1;
      long start = e + 1 - (1L << (l + 1));
      if (!mergeable(&lv[l + 1], blk, T[e] - T[start], dist, eps)) break;
      l++;
    }
    const level *L = &lv[l];
    size_t blk = ((size_t)(e + 1) >> l) - 1;
    double w = L->w[blk];
    if (w != 0) {
      double sd = l ? sqrt(L->m2[blk] / w) : 0, de = sd > 0 ? L->ce[blk] / w / sd : 0;
      double r = in->lr[e];
      int ok = sd > 0 ? push(b, w / 2, L->mt[blk] - sd, L->me[blk] - de, r, w) &&
                            push(b, w / 2, L->mt[blk] + sd, L->me[blk] + de, r, w)
                      : push(b, w, L->mt[blk], L->me[blk], r, w);
      if (!ok) return 0;
    }
    e -= 1L << l;
  }
  return 1;
}

fslaw_status law_atoms_build(law_atoms *a, const law_input *in, const double *w, double eps,
                             fslaw_error *err) {
  memset(a, 0, sizeof *a);
  int nl = 1;
  while (nl < 40 && (in->n >> nl) > 0) nl++;
  level lv[40];
  memset(lv, 0, sizeof lv);
  atom_buf b = {0};
  a->off = malloc((in->nat + 1) * sizeof *a->off);
  int ok = a->off && levels_build(lv, nl, in, w);
  for (size_t i = 0; ok && i < in->nat; i++) {
    a->off[i] = b.n;
    ok = atoms_for(&b, lv, nl, in, in->at[i], eps);
  }
  levels_free(lv, nl);
  if (!ok) {
    free(b.W);
    free(b.E);
    free(b.TT);
    free(b.R);
    free(b.WB);
    law_atoms_free(a);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  a->off[in->nat] = b.n;
  a->W = b.W;
  a->E = b.E;
  a->TT = b.TT;
  a->R = b.R;
  a->WB = b.WB;
  return FSLAW_OK;
}

void law_atoms_free(law_atoms *a) {
  free(a->off);
  free(a->W);
  free(a->E);
  free(a->TT);
  free(a->R);
  free(a->WB);
  memset(a, 0, sizeof *a);
}

double *law_drop_weights(const law_input *in, int from_start) {
  double *w = calloc(in->n ? in->n : 1, sizeof *w);
  if (!w) return NULL;
  for (size_t i = from_start ? 1 : in->warmup + 1; i < in->n; i++) w[i] = in->lr[i - 1] - in->lr[i];
  return w;
}

fslaw_status law_sums_prepare(const law_opts *o, const law_input *in, law_weights weights,
                              law_derive derive, void **state, fslaw_error *err) {
  *state = NULL;
  double *w = NULL;
  if (weights == LAW_LR2) {
    w = malloc((in->n ? in->n : 1) * sizeof *w);
    for (size_t k = 0; w && k < in->n; k++) w[k] = in->lr[k] * in->lr[k];
  } else {
    w = law_drop_weights(in, weights == LAW_DROPS_ALL);
  }
  law_sums *s = calloc(1, sizeof *s);
  law_atoms a;
  fslaw_status st = !w || !s ? fslaw_fail(err, FSLAW_ENOMEM, "out of memory")
                             : law_atoms_build(&a, in, w, o->eps, err);
  free(w);
  if (st) {
    free(s);
    return st;
  }
  size_t na = a.off[in->nat];
  s->nat = in->nat;
  s->off = a.off;
  s->W = a.W;
  s->E = a.E;
  s->R = a.R;
  s->WB = a.WB;
  s->Tk = malloc((in->nat + 1) * sizeof *s->Tk);
  s->x = malloc((na + 1) * sizeof *s->x);
  s->y = malloc((na + 1) * sizeof *s->y);
  if (!s->Tk || !s->x || !s->y) {
    free(a.TT);
    law_sums_release(s);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < in->nat; i++) {
    s->Tk[i] = in->T[in->at[i]];
    for (size_t j = a.off[i]; j < a.off[i + 1]; j++)
      derive(s->Tk[i], a.E[j], a.TT[j], &s->x[j], &s->y[j]);
  }
  free(a.TT);
  *state = s;
  return FSLAW_OK;
}

void law_sums_release(void *state) {
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

/* Each term's sum in atom order, as the plain loop over atoms would add
 * them: the same bits on every machine and thread count. Six scalar
 * accumulators (the rows of t past nt stay 0) so that the six dependency
 * chains overlap. */
void law_sums_point(const law_sums *s, const double *p, size_t i, law_terms terms, size_t nt,
                    double *acc) {
  double t[LAW_MAX_TERMS * LAW_CHUNK];
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
  memset(t + nt * LAW_CHUNK, 0, (LAW_MAX_TERMS - nt) * LAW_CHUNK * sizeof *t);
  for (size_t j0 = s->off[i]; j0 < s->off[i + 1]; j0 += LAW_CHUNK) {
    size_t m = s->off[i + 1] - j0 < LAW_CHUNK ? s->off[i + 1] - j0 : LAW_CHUNK;
    terms(s, p, j0, m, t);
    for (size_t c = 0; c < m; c++) {
      a0 += t[c];
      a1 += t[LAW_CHUNK + c];
      a2 += t[2 * LAW_CHUNK + c];
      a3 += t[3 * LAW_CHUNK + c];
      a4 += t[4 * LAW_CHUNK + c];
      a5 += t[5 * LAW_CHUNK + c];
    }
  }
  double all[LAW_MAX_TERMS] = {a0, a1, a2, a3, a4, a5};
  memcpy(acc, all, nt * sizeof *acc);
}

void law_derive_time(double Tk, double rate, double T, double *x, double *y) {
  (void)rate;
  *x = log(T); /* an atom has weight, so a positive rate and T */
  *y = Tk - T;
}
