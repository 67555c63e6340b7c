/* table_law.h: the vtable of a table law (internal; see fslaw/table.h).
 *
 * A law works in fit coordinates th: a positive parameter p enters as
 * log p (the log-sum-exp form of MATH.md §6), any other as itself. It
 * predicts log L of one row and its gradient in th, analytically. */
#ifndef FSLAW_TABLE_LAW_H
#define FSLAW_TABLE_LAW_H

#include <stddef.h>

#include "fslaw/params.h"
#include "fslaw/table.h"

#define TLAW_MAXP 8 /* most parameters of a table law */
/* fslaw_tparams_read's callers size their values by FSLAW_MAX_PARAMS. */
_Static_assert(TLAW_MAXP <= FSLAW_MAX_PARAMS, "a table law's parameters must fit FSLAW_MAX_PARAMS");
#define TLAW_MAXG 8 /* most grid values per parameter */

/* The rows of a fit as a law's fused objective reads them (rows sorted by
 * input 0, so rows of one model size are adjacent). */
typedef struct {
  size_t n;          /* number of rows */
  const double *lx0; /* log input 0 of each row, contiguous */
  const double *lx1; /* log input 1 of each row, contiguous */
  double lxlo[2];    /* smallest log input k */
  double lxhi[2];    /* largest log input k */
  const size_t *grp; /* group of each row: rows of one value of input 0 (adjacent) */
  const double *lg;  /* log input 0 of each group */
  const double *ly;  /* log losses */
  const double *y;   /* losses */
  const double *iy;  /* 1 / losses */
  double lylo, lyhi; /* smallest and largest log loss */
  double delta;      /* Huber delta */
  double cut;        /* e^delta (1 + 1e-9): a ratio prediction/loss or loss/prediction
                        above it puts the row on Huber's linear part for sure */
} tlaw_rows;

struct fslaw_tlaw {
  const char *name;                 /* registry name */
  const char *formula;              /* the law as text */
  const char *help;                 /* one help line */
  size_t ninputs;                   /* 2 (N, D) or 1 (C) */
  const char *inputs[2];            /* input names */
  size_t np;                        /* number of parameters */
  const char *pname[TLAW_MAXP];     /* parameter names */
  int positive[TLAW_MAXP];          /* fitted as log p */
  size_t ngrid[TLAW_MAXP];          /* start-grid values per parameter */
  double grid[TLAW_MAXP][TLAW_MAXG]; /* start-grid values, fit coordinates */
  int grid_range[TLAW_MAXP];        /* 1: grid values are fractions of the
                                       data's [min, max] of log(input 0) */
  /* log L of rows 0..n-1 into lp[i] from th, raw inputs x[i * ninputs + k]
   * and their logs lx[2 * i + k]; when g is not NULL also
   * d log L_i / d th[j] into g[i * np + j]. */
  void (*logpred)(const double *th, const double *x, const double *lx, size_t n, double *lp,
                  double *g);
  size_t nderived;                  /* number of derived quantities */
  const char *dname[2];             /* their names */
  void (*derived)(const double *p, double *out); /* from natural parameters */
  /* Optional: the summed Huber loss of log residuals (MATH.md §6) with row
   * weights w (NULL = 1) and, when g is not NULL, its gradient in th, in one
   * pass; NAN where it cannot (the path through logpred then takes over). */
  double (*huber)(const double *th, const tlaw_rows *rows, const double *w, double *g);
};

/* Fit coordinates from natural parameters and back. */
void fslaw_tlaw_to_theta(const fslaw_tlaw *law, const double *p, double *th);
void fslaw_tlaw_from_theta(const fslaw_tlaw *law, const double *th, double *p);

/* The fused objective of chinchilla (table_huber.c). */
double fslaw_tlaw_chin_huber(const double *th, const tlaw_rows *rows, const double *w, double *g);

#endif
