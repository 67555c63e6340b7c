/* fuzz_params.c: libFuzzer target for the params JSON reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/fslaw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *json = malloc(size + 1);
  if (!json) return 0;
  memcpy(json, data, size);
  json[size] = '\0';
  fslaw_law *law = NULL;
  double values[FSLAW_MAX_PARAMS];
  fslaw_error err;
  if (fslaw_params_parse("fuzz", json, &law, values, &err) == FSLAW_OK) {
    char *back = fslaw_params_to_json(law, values, NULL, NULL);
    free(back);
    double M[FSLAW_MAX_PARAMS * FSLAW_MAX_PARAMS], scale, amp;
    int found;
    size_t np = fslaw_law_nparams(law);
    if (fslaw_params_parse_curvature("fuzz", json, law, M, &scale, &found, &err) == FSLAW_OK && found)
      fslaw_sensitivity_amplification(np, M, values, &amp, &err); /* any finite g will do */
    fslaw_law_destroy(law);
  }
  free(json);
  return 0;
}
