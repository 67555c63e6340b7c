/* fslaw/params.h: fitted laws stored as JSON ("params JSON").
 *
 *   {"law": "mpl", "spec": "mpl:convention=paper", "formula": "...",
 *    "params": {"L0": 2.5, ...}, "objective": ..., "loss": "huber",
 *    "huber": 0.001, "window": {"from": 0}, "runs": ["a.csv", ...],
 *    "schedules": {"a.csv": "wsd:peak=3e-4,..."}, ...}
 * Numbers are written so that they read back exactly. */
#ifndef FSLAW_PARAMS_H
#define FSLAW_PARAMS_H

#include "fslaw/common.h"
#include "fslaw/fit.h"
#include "fslaw/law.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* What a fit used, written beside the parameters. */
typedef struct fslaw_fit_info {
  const char *const *runs; /* run file names */
  size_t nruns;            /* number of runs */
  size_t from;             /* --from step (0 = right after warmup) */
  fslaw_loss loss;         /* objective type */
  double delta;            /* Huber delta */
  size_t max_points;       /* points kept per run (0 = all) */
  /* A grouped fit (fslaw_fit_set_group): the file holds one group's
   * parameters; runs above are that group's. group = NULL: no groups. */
  const char *group;                 /* this group's name */
  const char *const *groups;         /* every group's name */
  size_t ngroups;                    /* number of groups */
  unsigned long shared;              /* bit i: parameter i shared by the groups */
  double group_objective;            /* this group's part of the objective */
  size_t group_points;               /* this group's fitted points */
  /* The fit's curvature at these parameters and the scale of its log
   * residuals (fslaw_fit_curvature; nparams x nparams), written as
   * "curvature" for fslaw_params_read_curvature; NULL: none. */
  const double *curvature;
  double residual_scale;
} fslaw_fit_info;

/* The params JSON of a fit as a new NUL-terminated string (free with free()).
 * res and info may be NULL (parameters only). NULL when out of memory, when
 * law or values is NULL, or when a parameter is not finite: JSON has no NaN
 * or infinity, and a file that does not read back exactly is not written. */
char *fslaw_params_to_json(const fslaw_law *law, const double *values,
                           const fslaw_fit_result *res, const fslaw_fit_info *info);
/* The same, with the schedule SPEC each of info's runs was read with
 * (schedules[i] for info->runs[i]; a NULL entry: its logged rates), written
 * as "schedules": {RUN: SPEC} for the runs given one, so that a command
 * reading the runs again can read them as they were fitted. (An argument,
 * not a field of fslaw_fit_info, so that callers filling that struct in
 * order need no change.) */
char *fslaw_params_to_json_scheduled(const fslaw_law *law, const double *values,
                                     const fslaw_fit_result *res, const fslaw_fit_info *info,
                                     const char *const *schedules);

/* Read params JSON from `path`: *law is created from its spec (free with
 * fslaw_law_destroy) and values[0..nparams-1] filled; the law is known only
 * once the file is read, so values must hold FSLAW_MAX_PARAMS doubles.
 * Errors name the file and the missing or extra parameter. */
fslaw_status fslaw_params_read(const char *path, fslaw_law **law, double *values,
                               fslaw_error *err);
/* What the fit recorded in `path` about its runs' range ("fitted_range":
 * last step, smallest and largest intrinsic time of a fitted point, lowest
 * rate after warmup, highest rate; HUGE_VAL when an older file lacks it),
 * for notes on extrapolation. *found = 0 when the file
 * has none (older files, parameters written by hand) or one that makes no
 * sense. */
fslaw_status fslaw_params_read_range(const char *path, fslaw_fit_range *range, int *found,
                                     fslaw_error *err);

/* The curvature the fit recorded in `path` (fslaw_fit_curvature) into
 * M[nparams x nparams] of `law` (the file's law), zero for parameters it
 * does not list, and the scale of its log residuals into *scale. *found = 0
 * when the file has none (older files, parameters written by hand) or one
 * that is not a symmetric matrix with a positive diagonal. */
fslaw_status fslaw_params_read_curvature(const char *path, const fslaw_law *law, double *M,
                                         double *scale, int *found, fslaw_error *err);
/* The same from a string; `name` is used in messages. */
fslaw_status fslaw_params_parse_curvature(const char *name, const char *json, const fslaw_law *law,
                                          double *M, double *scale, int *found, fslaw_error *err);

/* The same from a string; `name` is used in messages. */
fslaw_status fslaw_params_parse(const char *name, const char *json, fslaw_law **law,
                                double *values, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
