/* table_params.c: params JSON of table laws (fslaw/table.h), with the
 * bootstrap's standard errors, 95 % percentile intervals and samples.
 * Numbers go out as the shortest exact text (fslaw_num): cJSON's own printing
 * is not exact. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json_util.h"
#include "table_law.h"

static void add_range(cJSON *o, const fslaw_tlaw *law, const fslaw_tfit_result *res) {
  cJSON *fr = res->points ? cJSON_AddObjectToObject(o, "fitted_range") : NULL;
  for (size_t k = 0; fr && k < law->ninputs; k++) {
    cJSON *a = cJSON_AddArrayToObject(fr, law->inputs[k]);
    if (!a) return;
    fslaw_json_add_number(a, NULL, res->input_min[k]);
    fslaw_json_add_number(a, NULL, res->input_max[k]);
  }
}

static void add_result(cJSON *o, const fslaw_tfit_result *res) {
  fslaw_json_add_number(o, "objective", res->objective);
  cJSON_AddNumberToObject(o, "points", (double)res->points);
  cJSON_AddNumberToObject(o, "starts", (double)res->starts);
  cJSON_AddNumberToObject(o, "best_start", (double)res->best_start);
  cJSON_AddNumberToObject(o, "starts_at_best", (double)res->near_best);
  cJSON_AddNumberToObject(o, "evaluations", (double)res->evaluations);
  cJSON_AddBoolToObject(o, "converged", res->converged);
  cJSON_AddStringToObject(o, "reason", res->reason);
}

static void add_info(cJSON *o, const fslaw_tlaw *law, const fslaw_tfit_info *info) {
  cJSON_AddStringToObject(o, "loss", "huber");
  fslaw_json_add_number(o, "huber", info->delta);
  cJSON *fx = cJSON_AddArrayToObject(o, "fixed");
  for (size_t i = 0; fx && i < law->np; i++)
    if (info->fixed & (1UL << i)) cJSON_AddItemToArray(fx, cJSON_CreateString(law->pname[i]));
  cJSON *in = cJSON_AddArrayToObject(o, "inputs");
  for (size_t i = 0; in && i < info->ninputs; i++)
    cJSON_AddItemToArray(in, cJSON_CreateString(info->inputs[i]));
  cJSON *wh = cJSON_AddArrayToObject(o, "where");
  for (size_t i = 0; wh && i < info->nwhere; i++)
    cJSON_AddItemToArray(wh, cJSON_CreateString(info->where[i]));
  cJSON *wa = cJSON_AddArrayToObject(o, "warnings");
  for (size_t i = 0; wa && i < info->nwarnings; i++)
    cJSON_AddItemToArray(wa, cJSON_CreateString(info->warnings[i]));
}

/* Standard errors and 95 % intervals of every parameter and derived
 * quantity, then the samples themselves (for allocation intervals). */
static void add_boot(cJSON *o, const fslaw_tlaw *law, const fslaw_tboot *b) {
  cJSON *bo = cJSON_AddObjectToObject(o, "bootstrap");
  if (!bo) return;
  char seed[32];
  snprintf(seed, sizeof seed, "%" PRIu64, b->seed);
  cJSON_AddNumberToObject(bo, "resamples", (double)b->resamples);
  cJSON_AddRawToObject(bo, "seed", seed);
  cJSON_AddNumberToObject(bo, "failed", (double)b->failed);
  cJSON_AddNumberToObject(bo, "extra_starts", (double)b->extra_starts);
  cJSON *se = cJSON_AddObjectToObject(bo, "se"), *lo = cJSON_AddObjectToObject(bo, "lo95"),
        *hi = cJSON_AddObjectToObject(bo, "hi95");
  size_t np = law->np, nq = np + law->nderived;
  double *v = malloc((b->resamples * nq + 1) * sizeof *v);
  for (size_t r = 0; v && r < b->resamples; r++) {
    memcpy(v + r * nq, b->samples + r * np, np * sizeof *v);
    if (law->nderived) law->derived(b->samples + r * np, v + r * nq + np);
  }
  for (size_t q = 0; v && se && lo && hi && q < nq; q++) {
    double sd, l, h;
    const char *name = q < np ? law->pname[q] : law->dname[q - np];
    fslaw_tfit_interval(v + q, b->resamples, nq, 0.025, &sd, &l, &h);
    fslaw_json_add_number(se, name, sd);
    fslaw_json_add_number(lo, name, l);
    fslaw_json_add_number(hi, name, h);
  }
  free(v);
  cJSON *names = cJSON_AddArrayToObject(bo, "sample_params");
  for (size_t i = 0; names && i < np; i++) cJSON_AddItemToArray(names, cJSON_CreateString(law->pname[i]));
  cJSON *s = cJSON_AddArrayToObject(bo, "samples");
  for (size_t r = 0; s && r < b->resamples; r++) {
    cJSON *row = cJSON_CreateArray();
    for (size_t i = 0; row && i < np; i++) fslaw_json_add_number(row, NULL, b->samples[r * np + i]);
    if (row) cJSON_AddItemToArray(s, row);
  }
}

char *fslaw_tparams_to_json(const fslaw_tlaw *law, const double *values,
                            const fslaw_tfit_result *res, const fslaw_tfit_info *info,
                            const fslaw_tboot *boot) {
  if (!law || !values) return NULL;
  /* as fslaw_params_to_json: JSON cannot hold a non-finite parameter */
  for (size_t i = 0; i < law->np; i++)
    if (!isfinite(values[i])) return NULL;
  cJSON *o = cJSON_CreateObject(), *p = o ? cJSON_AddObjectToObject(o, "params") : NULL;
  if (!p) {
    cJSON_Delete(o);
    return NULL;
  }
  cJSON_AddStringToObject(o, "law", law->name);
  cJSON_AddBoolToObject(o, "table_law", 1);
  cJSON_AddStringToObject(o, "formula", law->formula);
  for (size_t i = 0; i < law->np; i++) fslaw_json_add_number(p, law->pname[i], values[i]);
  if (law->nderived) {
    double d[2];
    law->derived(values, d);
    cJSON *dv = cJSON_AddObjectToObject(o, "derived");
    for (size_t j = 0; dv && j < law->nderived; j++) fslaw_json_add_number(dv, law->dname[j], d[j]);
  }
  if (res) add_result(o, res);
  if (res) add_range(o, law, res);
  if (info) add_info(o, law, info);
  if (boot && boot->resamples) add_boot(o, law, boot);
  cJSON_AddStringToObject(o, "fslaw_version", fslaw_version());
  char *s = cJSON_Print(o);
  cJSON_Delete(o);
  return s;
}

static char *slurp(const char *path, fslaw_error *err) {
  char *buf;
  size_t len;
  return fslaw_read_file(path, &buf, &len, err) ? NULL : buf;
}

static fslaw_status read_values(const char *name, const cJSON *p, const fslaw_tlaw *law,
                                double *values, fslaw_error *err) {
  const cJSON *it;
  cJSON_ArrayForEach(it, p)
    if (fslaw_tlaw_param_index(law, it->string ? it->string : "") < 0)
      return fslaw_fail(err, FSLAW_EPARSE, "%s: parameter '%s' does not belong to law '%s'", name,
                        it->string ? it->string : "?", law->name);
  for (size_t i = 0; i < law->np; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, law->pname[i]);
    if (!v) return fslaw_fail(err, FSLAW_EPARSE, "%s: law '%s' needs parameter '%s'", name, law->name, law->pname[i]);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
      return fslaw_fail(err, FSLAW_EPARSE, "%s: parameter '%s' must be a finite number", name, law->pname[i]);
    values[i] = v->valuedouble;
  }
  fslaw_error e;
  if (fslaw_tlaw_check(law, values, &e))
    return fslaw_fail(err, FSLAW_EPARSE, "%s: %.900s", name, e.msg);
  return FSLAW_OK;
}

/* The samples of a "bootstrap" object (null entries read as NaN). */
static fslaw_status read_boot(const char *name, const cJSON *bo, const fslaw_tlaw *law,
                              fslaw_tboot *boot, fslaw_error *err) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(bo, "samples");
  const cJSON *seed = cJSON_GetObjectItemCaseSensitive(bo, "seed");
  size_t n = cJSON_IsArray(s) ? (size_t)cJSON_GetArraySize(s) : 0;
  if (!n) return fslaw_fail(err, FSLAW_EPARSE, "%s: \"bootstrap\" has no \"samples\" array", name);
  boot->samples = malloc(n * law->np * sizeof *boot->samples);
  if (!boot->samples) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  boot->resamples = n;
  boot->seed = cJSON_IsNumber(seed) ? (uint64_t)seed->valuedouble : 0;
  const cJSON *extra = cJSON_GetObjectItemCaseSensitive(bo, "extra_starts"); /* older files: none */
  boot->extra_starts = cJSON_IsNumber(extra) ? (size_t)extra->valuedouble : 0;
  size_t r = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, s) {
    if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != law->np)
      return fslaw_fail(err, FSLAW_EPARSE, "%s: bootstrap sample %zu must have %zu numbers", name, r, law->np);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, row) boot->samples[r * law->np + i++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    boot->failed += isnan(boot->samples[r * law->np]);
    r++;
  }
  return FSLAW_OK;
}

static fslaw_status parse(const char *name, const char *json, const fslaw_tlaw **law,
                          double *values, fslaw_tboot *boot, fslaw_error *err) {
  cJSON *o = fslaw_json_parse_params(name, json, err);
  if (!o) return FSLAW_EPARSE;
  const cJSON *ln = cJSON_GetObjectItemCaseSensitive(o, "law");
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "params");
  const cJSON *bo = cJSON_GetObjectItemCaseSensitive(o, "bootstrap");
  fslaw_status st = FSLAW_OK;
  if (!cJSON_IsString(ln))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: expected an object with a \"law\" string", name);
  else if (!(*law = fslaw_tlaw_find(ln->valuestring)))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: '%s' is not a table law (chinchilla, kaplan, twophase)",
                    name, ln->valuestring);
  else if (!cJSON_IsObject(p))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: expected a \"params\" object", name);
  else st = read_values(name, p, *law, values, err);
  if (!st && boot && cJSON_IsObject(bo)) st = read_boot(name, bo, *law, boot, err);
  cJSON_Delete(o);
  return st;
}

fslaw_status fslaw_tparams_read(const char *path, const fslaw_tlaw **law, double *values,
                                fslaw_tboot *boot, fslaw_error *err) {
  *law = NULL;
  if (boot) memset(boot, 0, sizeof *boot);
  char *buf = slurp(path, err);
  if (!buf) return err && strstr(err->msg, "out of memory") ? FSLAW_ENOMEM : FSLAW_EIO;
  fslaw_status st = parse(path, buf, law, values, boot, err);
  free(buf);
  if (st && boot) {
    free(boot->samples);
    memset(boot, 0, sizeof *boot);
  }
  return st;
}

/* "fitted_range" of law in o: 0 < lo <= hi, finite, for every input. */
static int read_range(const cJSON *o, const fslaw_tlaw *law, double *lo, double *hi) {
  const cJSON *fr = cJSON_GetObjectItemCaseSensitive(o, "fitted_range");
  for (size_t k = 0; k < law->ninputs; k++) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(fr, law->inputs[k]);
    const cJSON *l = cJSON_GetArrayItem(a, 0), *h = cJSON_GetArrayItem(a, 1);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 2 || !cJSON_IsNumber(l) || !cJSON_IsNumber(h))
      return 0;
    lo[k] = l->valuedouble, hi[k] = h->valuedouble;
    if (!(lo[k] > 0 && lo[k] <= hi[k] && isfinite(hi[k]))) return 0;
  }
  return 1;
}

fslaw_status fslaw_tparams_read_range(const char *path, double *lo, double *hi, int *found,
                                      fslaw_error *err) {
  *found = 0;
  char *buf = slurp(path, err);
  if (!buf) return err && strstr(err->msg, "out of memory") ? FSLAW_ENOMEM : FSLAW_EIO;
  cJSON *o = fslaw_json_parse_params(path, buf, err);
  free(buf);
  if (!o) return FSLAW_EPARSE;
  const cJSON *ln = cJSON_GetObjectItemCaseSensitive(o, "law");
  const fslaw_tlaw *law = cJSON_IsString(ln) ? fslaw_tlaw_find(ln->valuestring) : NULL;
  fslaw_status st = law ? FSLAW_OK
                        : fslaw_fail(err, FSLAW_EPARSE, "%s: expected the \"law\" of a table law",
                                     path);
  if (law) *found = read_range(o, law, lo, hi);
  cJSON_Delete(o);
  return st;
}

int fslaw_tparams_probe(const char *path) {
  char *buf = slurp(path, NULL);
  if (!buf) return 0;
  cJSON *o = cJSON_Parse(buf);
  free(buf);
  const cJSON *ln = o ? cJSON_GetObjectItemCaseSensitive(o, "law") : NULL;
  int yes = cJSON_IsString(ln) && fslaw_tlaw_find(ln->valuestring) != NULL;
  cJSON_Delete(o);
  return yes;
}
