/* json_util.c: exact numbers and located parse errors for cJSON (json_util.h). */
#include "json_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* A params file that is no JSON at all (a training log, a predict output):
 * say what it begins with, since "malformed JSON" at 1:1 does not tell. */
cJSON *fslaw_json_parse_params(const char *name, const char *json, fslaw_error *err) {
  cJSON *o = fslaw_json_parse(name, json, err);
  const char *s = json;
  s += strspn(s, " \t\r\n");
  if (o || *s == '{' || *s == '[') return o; /* JSON gone wrong: keep its line:column */
  if (!*s) {
    fslaw_fail(err, FSLAW_EPARSE, "%s: empty, not a parameters file; give the JSON that fslaw "
               "fit --out wrote", name);
    return NULL;
  }
  int n = (int)strcspn(s, "\r\n");
  int cut = n > 40;
  for (int i = 0; i < (cut ? 40 : n); i++)
    if ((unsigned char)s[i] < 0x20 && s[i] != '\t') { /* binary (an event file): no quote */
      fslaw_fail(err, FSLAW_EPARSE, "%s: not a parameters file (not text); give the JSON that "
                 "fslaw fit --out wrote", name);
      return NULL;
    }
  fslaw_fail(err, FSLAW_EPARSE, "%s: not a parameters file (it begins '%.*s'%s%s); give the JSON "
             "that fslaw fit --out wrote", name, cut ? 40 : n, s, cut ? "..." : "",
             memchr(s, ',', (size_t)n) ? ", a CSV" : "");
  return NULL;
}
