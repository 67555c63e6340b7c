/* json_util.h: cJSON helpers shared by the params JSON readers and writers
 * (internal). */
#ifndef FSLAW_JSON_UTIL_H
#define FSLAW_JSON_UTIL_H

#include <cjson/cJSON.h>

#include "fslaw/common.h"

/* Add `name`: v as the shortest text that reads back exactly (fslaw_num;
 * null when not finite): cJSON prints 15 digits when they read back within
 * a relative DBL_EPSILON, which is not an exact round trip. With name NULL,
 * append to the array o. */
void fslaw_json_add_number(cJSON *o, const char *name, double v);

/* Parse json; on failure fill err with name:line:column and return NULL. */
cJSON *fslaw_json_parse(const char *name, const char *json, fslaw_error *err);

/* fslaw_json_parse of a parameters file: one that is no JSON at all (a CSV,
 * a log) is named as such, with its first line, instead of line:column. */
cJSON *fslaw_json_parse_params(const char *name, const char *json, fslaw_error *err);

#endif
