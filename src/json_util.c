/* json_util.c: exact numbers and located parse errors for cJSON (json_util.h). */
#include "json_util.h"

#include <math.h>
#include <stdio.h>

#include "internal.h"

void fslaw_json_add_number(cJSON *o, const char *name, double v) {
  char buf[32];
  cJSON *item = isfinite(v) ? cJSON_CreateRaw(fslaw_num(v, buf)) : cJSON_CreateNull();
  if (name) cJSON_AddItemToObject(o, name, item);
  else cJSON_AddItemToArray(o, item);
}

cJSON *fslaw_json_parse(const char *name, const char *json, fslaw_error *err) {
  const char *end = NULL;
  cJSON *o = cJSON_ParseWithOpts(json, &end, 0);
  if (o) return o;
  size_t line = 1, col = 1;
  for (const char *c = json; end && c < end; c++) {
    if (*c == '\n') line++, col = 1;
    else col++;
  }
  fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: malformed JSON", name, line, col);
  return NULL;
}
