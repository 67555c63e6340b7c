/* internal.h: helpers shared inside the library; not part of the public API. */
#ifndef FSLAW_INTERNAL_H
#define FSLAW_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "fslaw/common.h"

#if defined(__GNUC__)
#define FSLAW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FSLAW_PRINTF(a, b)
#endif

/* Format a message into err (if non-NULL) and return status. */
fslaw_status fslaw_fail(fslaw_error *err, fslaw_status status, const char *fmt, ...)
    FSLAW_PRINTF(3, 4);

/* The error of an FSL evaluation that overflowed, naming its cause: the noise
 * injection is sigma^2 eta^2, so a sigma near sqrt(DBL_MAX) overflows whatever
 * the rates. step is the first bad step, or (size_t)-1 when not known. */
fslaw_status fslaw_fsl_overflow(fslaw_error *err, double sigma, size_t step);

/* M_PI is not C11. */
#define FSLAW_PI 3.14159265358979323846

/* strdup is not C11. */
char *fslaw_strdup(const char *s);

/* Read the whole file at `path` into a new NUL-terminated buffer (*data,
 * free with free(); *len excludes the NUL). Errors name the path. */
fslaw_status fslaw_read_file(const char *path, char **data, size_t *len, fslaw_error *err);

/* strtod in the "C" locale: a decimal point whatever LC_NUMERIC the host
 * program set. Every number the library parses goes through it. */
double fslaw_strtod(const char *s, char **end);

/* v as the shortest of %.15g, %.16g, %.17g that reads back as exactly v
 * (3e-4 prints as 0.0003, not 0.00029999999999999997), with a decimal point
 * whatever the locale; returns buf. */
char *fslaw_num(double v, char buf[32]);

/* End (exclusive) of bin i when n points are split into `bins` (< n) bins of
 * consecutive points whose sizes differ by at most one; bin i starts at the
 * end of bin i - 1 (0 for bin 0). Fits thin dense logs so, and
 * fslaw_metrics_bin scores them so. */
static inline size_t fslaw_bin_end(size_t i, size_t n, size_t bins) {
  return (i + 1) * n / bins;
}

/* Steps at[0..nat-1] increase and lie within a schedule of nsteps steps. */
fslaw_status fslaw_check_steps(const size_t *at, size_t nat, size_t nsteps, fslaw_error *err);

/* B (n x m, row-major) := A+ B for a symmetric positive semi-definite A
 * (n x n, n <= 16): the pseudo-inverse drops eigenvalues below 1e-12 of the
 * largest (sensitivity.c, LAPACK). Nonzero when the eigensolver fails. */
int fslaw_sym_pinv_apply(size_t n, const double *A, size_t m, double *B);

/* Compensated sum of x[0..n-1] (the summation of fslaw_intrinsic_time). */
double fslaw_sum(const double *x, size_t n);

#endif
