/* params.c: params JSON (fslaw/params.h), written and read with cJSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fslaw/params.h"
#include "fslaw/table.h"
#include "internal.h"
#include "json_util.h"

static const char *loss_name(fslaw_loss l) { return l == FSLAW_LOSS_SQUARED ? "squared" : "huber"; }

/* "group": {"name", "objective" and "points" (its part), "of": [all groups]}
 * and "shared": [parameter names]; "objective", "points" and "evaluations"
 * above are the whole fit's, "on_bound" the group's. */
static void add_group(cJSON *o, const fslaw_law *law, const fslaw_fit_info *info) {
  cJSON *g = cJSON_AddObjectToObject(o, "group");
  if (g) {
    cJSON_AddStringToObject(g, "name", info->group);
    fslaw_json_add_number(g, "objective", info->group_objective);
    cJSON_AddNumberToObject(g, "points", (double)info->group_points);
    cJSON *of = cJSON_AddArrayToObject(g, "of");
    for (size_t i = 0; of && i < info->ngroups; i++)
      cJSON_AddItemToArray(of, cJSON_CreateString(info->groups[i]));
  }
  cJSON *sh = cJSON_AddArrayToObject(o, "shared");
  for (size_t i = 0; sh && i < fslaw_law_nparams(law); i++)
    if (info->shared & (1UL << i))
      cJSON_AddItemToArray(sh, cJSON_CreateString(fslaw_law_param_name(law, i)));
}

/* "curvature": {"params": [the names of the parameters that move],
 * "matrix": [their rows], "residual_scale": fslaw_fit_curvature's scale}. */
static void add_curvature(cJSON *o, const fslaw_law *law, const double *M, double scale) {
  size_t np = fslaw_law_nparams(law), act[FSLAW_MAX_PARAMS], na = 0;
  for (size_t i = 0; i < np && i < FSLAW_MAX_PARAMS; i++)
    if (M[i * np + i] > 0) act[na++] = i;
  cJSON *c = na ? cJSON_AddObjectToObject(o, "curvature") : NULL;
  cJSON *names = c ? cJSON_AddArrayToObject(c, "params") : NULL;
  cJSON *rows = c ? cJSON_AddArrayToObject(c, "matrix") : NULL;
  for (size_t a = 0; names && rows && a < na; a++) {
    cJSON_AddItemToArray(names, cJSON_CreateString(fslaw_law_param_name(law, act[a])));
    cJSON *row = cJSON_CreateArray();
    for (size_t b = 0; row && b < na; b++) fslaw_json_add_number(row, NULL, M[act[a] * np + act[b]]);
    cJSON_AddItemToArray(rows, row);
  }
  if (c) fslaw_json_add_number(c, "residual_scale", scale);
}

/* "schedules": {run: the SPEC it was read with}, for the runs given one; none
 * when no run was (older files have none either: logged rates). */
static void add_schedules(cJSON *o, const fslaw_fit_info *info, const char *const *sched) {
  size_t k = 0;
  for (size_t i = 0; sched && i < info->nruns; i++) k += sched[i] != NULL;
  cJSON *s = k ? cJSON_AddObjectToObject(o, "schedules") : NULL;
  for (size_t i = 0; s && i < info->nruns; i++)
    if (sched[i]) cJSON_AddStringToObject(s, info->runs[i], sched[i]);
}

char *fslaw_params_to_json(const fslaw_law *law, const double *values,
                           const fslaw_fit_result *res, const fslaw_fit_info *info) {
  return fslaw_params_to_json_scheduled(law, values, res, info, NULL);
}

char *fslaw_params_to_json_scheduled(const fslaw_law *law, const double *values,
                                     const fslaw_fit_result *res, const fslaw_fit_info *info,
                                     const char *const *schedules) {
  if (!law || !values) return NULL;
  /* JSON has no NaN or infinity (cJSON would write null, which no reader
   * takes back): refuse rather than write a file that does not read. */
  for (size_t i = 0; i < fslaw_law_nparams(law); i++)
    if (!isfinite(values[i])) return NULL;
  cJSON *o = cJSON_CreateObject(), *p = cJSON_CreateObject();
  if (!o || !p) {
    cJSON_Delete(o);
    cJSON_Delete(p);
    return NULL;
  }
  cJSON_AddStringToObject(o, "law", fslaw_law_name(law));
  cJSON_AddStringToObject(o, "spec", fslaw_law_spec(law));
  cJSON_AddStringToObject(o, "formula", fslaw_law_formula(law));
  for (size_t i = 0; i < fslaw_law_nparams(law); i++)
    fslaw_json_add_number(p, fslaw_law_param_name(law, i), values[i]);
  cJSON_AddItemToObject(o, "params", p);
  if (res) {
    fslaw_json_add_number(o, "objective", res->objective);
    cJSON_AddNumberToObject(o, "points", (double)res->points);
    cJSON_AddNumberToObject(o, "starts", (double)res->starts);
    cJSON_AddNumberToObject(o, "evaluations", (double)res->iterations);
    cJSON_AddBoolToObject(o, "converged", res->converged);
    cJSON_AddStringToObject(o, "reason", res->reason);
    cJSON *b = cJSON_AddArrayToObject(o, "on_bound");
    for (size_t i = 0; b && i < fslaw_law_nparams(law); i++)
      if (res->on_bound & (1UL << i))
        cJSON_AddItemToArray(b, cJSON_CreateString(fslaw_law_param_name(law, i)));
    cJSON *fx = cJSON_AddArrayToObject(o, "fixed");
    for (size_t i = 0; fx && i < fslaw_law_nparams(law); i++)
      if (res->fixed & (1UL << i))
        cJSON_AddItemToArray(fx, cJSON_CreateString(fslaw_law_param_name(law, i)));
    cJSON *fr = res->range.max_step ? cJSON_AddObjectToObject(o, "fitted_range") : NULL;
    if (fr) {
      cJSON_AddNumberToObject(fr, "max_step", (double)res->range.max_step);
      fslaw_json_add_number(fr, "max_time", res->range.max_time);
      fslaw_json_add_number(fr, "min_time", res->range.min_time);
      fslaw_json_add_number(fr, "min_rate", res->range.min_rate);
      fslaw_json_add_number(fr, "max_rate", res->range.max_rate);
    }
  }
  if (info) {
    cJSON_AddStringToObject(o, "loss", loss_name(info->loss));
    fslaw_json_add_number(o, "huber", info->delta);
    cJSON *w = cJSON_AddObjectToObject(o, "window");
    if (w) cJSON_AddNumberToObject(w, "from", (double)info->from);
    if (w) cJSON_AddNumberToObject(w, "max_points", (double)info->max_points);
    cJSON *r = cJSON_AddArrayToObject(o, "runs");
    for (size_t i = 0; r && i < info->nruns; i++)
      cJSON_AddItemToArray(r, cJSON_CreateString(info->runs[i]));
    add_schedules(o, info, schedules);
    if (info->group) add_group(o, law, info);
    if (info->curvature) add_curvature(o, law, info->curvature, info->residual_scale);
  }
  cJSON_AddStringToObject(o, "fslaw_version", fslaw_version());
  char *s = cJSON_Print(o);
  cJSON_Delete(o);
  return s;
}

static fslaw_status read_values(const char *name, const cJSON *p, const fslaw_law *law,
                                double *values, fslaw_error *err) {
  char have[512] = "";
  const cJSON *it;
  cJSON_ArrayForEach(it, p) {
    if (*have) strncat(have, ", ", sizeof have - strlen(have) - 1);
    strncat(have, it->string ? it->string : "?", sizeof have - strlen(have) - 1);
    if (fslaw_law_param_index(law, it->string ? it->string : "") < 0)
      return fslaw_fail(err, FSLAW_EPARSE,
                        "%s: parameter '%s' does not belong to law '%s' (parameters of another law?)",
                        name, it->string ? it->string : "?", fslaw_law_name(law));
  }
  for (size_t i = 0; i < fslaw_law_nparams(law); i++) {
    const char *pn = fslaw_law_param_name(law, i);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, pn);
    if (!v)
      return fslaw_fail(err, FSLAW_EPARSE,
                        "%s: law '%s' needs parameter '%s' (the file has: %s; parameters of another law?)",
                        name, fslaw_law_name(law), pn, have);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
      return fslaw_fail(err, FSLAW_EPARSE, "%s: parameter '%s' must be a finite number", name, pn);
    values[i] = v->valuedouble;
  }
  return FSLAW_OK;
}

/* A file edited by hand may name one law in "law" and another in "spec":
 * which one the user meant cannot be told. */
static fslaw_status law_agrees(const char *name, const cJSON *o, const fslaw_law *law,
                               fslaw_error *err) {
  const cJSON *given = cJSON_GetObjectItemCaseSensitive(o, "law");
  if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "spec")) || !cJSON_IsString(given) ||
      !strcmp(given->valuestring, fslaw_law_name(law)))
    return FSLAW_OK;
  return fslaw_fail(err, FSLAW_EPARSE, "%s: \"law\" is '%s' but \"spec\" is '%s'; make them "
                    "agree (or remove \"spec\")", name, given->valuestring, fslaw_law_spec(law));
}

fslaw_status fslaw_params_parse(const char *name, const char *json, fslaw_law **law,
                                double *values, fslaw_error *err) {
  *law = NULL;
  cJSON *o = fslaw_json_parse_params(name, json, err);
  if (!o) return FSLAW_EPARSE;
  const cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
  if (!cJSON_IsString(spec)) spec = cJSON_GetObjectItemCaseSensitive(o, "law");
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "params");
  fslaw_status st = FSLAW_OK;
  if (!cJSON_IsObject(o) || !cJSON_IsString(spec))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: expected an object with a \"law\" string", name);
  else if (!cJSON_IsObject(p))
    st = fslaw_fail(err, FSLAW_EPARSE, "%s: expected a \"params\" object", name);
  else if (fslaw_tlaw_find(spec->valuestring))
    st = fslaw_fail(err, FSLAW_EINVAL, "%s holds the parameters of '%s', a law over a table of "
                    "runs (model size, data, compute), not of a loss curve over the steps of a "
                    "run; fit one with fslaw fit --law fslkq RUN...", name, spec->valuestring);
  else if ((st = fslaw_law_create(spec->valuestring, law, err)) && err)
    snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg), " (in %s)", name);
  else if (!st && ((st = law_agrees(name, o, *law, err)) ||
                    (st = read_values(name, p, *law, values, err)))) {
    fslaw_law_destroy(*law);
    *law = NULL;
  }
  cJSON_Delete(o);
  return st;
}

fslaw_status fslaw_params_read_range(const char *path, fslaw_fit_range *range, int *found,
                                     fslaw_error *err) {
  memset(range, 0, sizeof *range);
  *found = 0;
  char *buf;
  size_t len;
  fslaw_status st = fslaw_read_file(path, &buf, &len, err);
  if (st) return st;
  cJSON *o = fslaw_json_parse_params(path, buf, err);
  free(buf);
  if (!o) return FSLAW_EPARSE;
  const cJSON *fr = cJSON_GetObjectItemCaseSensitive(o, "fitted_range");
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(fr, "max_step");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(fr, "max_time");
  const cJSON *t0 = cJSON_GetObjectItemCaseSensitive(fr, "min_time");
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(fr, "min_rate");
  /* a range that makes no sense (edited by hand) is no range */
  if (cJSON_IsNumber(s) && cJSON_IsNumber(t) && cJSON_IsNumber(t0) && cJSON_IsNumber(r) &&
      s->valuedouble >= 0 && s->valuedouble <= 9007199254740992.0 && isfinite(t->valuedouble) &&
      t0->valuedouble > 0 && t->valuedouble >= t0->valuedouble && isfinite(r->valuedouble) &&
      r->valuedouble >= 0) {
    range->max_step = (size_t)s->valuedouble;
    range->max_time = t->valuedouble;
    range->min_time = t0->valuedouble;
    range->min_rate = r->valuedouble;
    /* older files have no max_rate: no note about high rates */
    const cJSON *hi = cJSON_GetObjectItemCaseSensitive(fr, "max_rate");
    range->max_rate = cJSON_IsNumber(hi) && hi->valuedouble >= r->valuedouble &&
                              isfinite(hi->valuedouble) ? hi->valuedouble : HUGE_VAL;
    *found = 1;
  }
  cJSON_Delete(o);
  return FSLAW_OK;
}

fslaw_status fslaw_params_read(const char *path, fslaw_law **law, double *values,
                               fslaw_error *err) {
  *law = NULL;
  char *buf;
  size_t len;
  fslaw_status st = fslaw_read_file(path, &buf, &len, err);
  if (st) return st;
  st = fslaw_params_parse(path, buf, law, values, err);
  free(buf);
  return st;
}

/* M from a "curvature" object; 0 when it is not a valid one. */
static int parse_curvature(const cJSON *c, const fslaw_law *law, double *M, double *scale) {
  size_t np = fslaw_law_nparams(law), act[FSLAW_MAX_PARAMS], na = 0;
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "residual_scale");
  if (!cJSON_IsNumber(r) || !(r->valuedouble >= 0) || !isfinite(r->valuedouble)) return 0;
  *scale = r->valuedouble;
  const cJSON *names = cJSON_GetObjectItemCaseSensitive(c, "params");
  const cJSON *rows = cJSON_GetObjectItemCaseSensitive(c, "matrix"), *it;
  if (!cJSON_IsArray(names) || !cJSON_IsArray(rows)) return 0;
  cJSON_ArrayForEach(it, names) {
    long i = cJSON_IsString(it) ? fslaw_law_param_index(law, it->valuestring) : -1;
    if (i < 0 || na == np) return 0;
    for (size_t a = 0; a < na; a++)
      if (act[a] == (size_t)i) return 0;
    act[na++] = (size_t)i;
  }
  if (!na || (size_t)cJSON_GetArraySize(rows) != na) return 0;
  memset(M, 0, np * np * sizeof *M);
  size_t a = 0;
  cJSON_ArrayForEach(it, rows) {
    if (!cJSON_IsArray(it) || (size_t)cJSON_GetArraySize(it) != na) return 0;
    size_t b = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, it) {
      if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return 0;
      M[act[a] * np + act[b++]] = v->valuedouble;
    }
    a++;
  }
  for (a = 0; a < na; a++) {
    if (!(M[act[a] * np + act[a]] > 0)) return 0;
    for (size_t b = 0; b < a; b++)
      if (M[act[a] * np + act[b]] != M[act[b] * np + act[a]]) return 0;
  }
  return 1;
}

fslaw_status fslaw_params_parse_curvature(const char *name, const char *json, const fslaw_law *law,
                                          double *M, double *scale, int *found, fslaw_error *err) {
  *found = 0;
  cJSON *o = fslaw_json_parse_params(name, json, err);
  if (!o) return FSLAW_EPARSE;
  *found = parse_curvature(cJSON_GetObjectItemCaseSensitive(o, "curvature"), law, M, scale);
  cJSON_Delete(o);
  return FSLAW_OK;
}

fslaw_status fslaw_params_read_curvature(const char *path, const fslaw_law *law, double *M,
                                         double *scale, int *found, fslaw_error *err) {
  *found = 0;
  char *buf;
  size_t len;
  fslaw_status st = fslaw_read_file(path, &buf, &len, err);
  if (st) return st;
  st = fslaw_params_parse_curvature(path, buf, law, M, scale, found, err);
  free(buf);
  return st;
}
