/* test_locale.c: the library reads and writes numbers with a decimal point
 * whatever LC_NUMERIC its host program set. A host that calls
 * setlocale(LC_ALL, "") under a German or French locale gets a decimal comma
 * from printf and strtod; logs, specs and JSON must not change meaning.
 *
 * The test compiles a locale whose only change is the decimal comma (with
 * localedef, from the Debian package locales that scripts/setup.sh installs)
 * into the scratch folder, so it needs no system locale. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "fslaw/fslaw.h"

/* Switch LC_NUMERIC to a decimal-comma locale built under dir; 1 on success. */
static int use_comma_locale(const char *dir) {
  char src[600], out[600], cmd[1400];
  snprintf(src, sizeof src, "%s/comma.src", dir);
  snprintf(out, sizeof out, "%s/comma", dir);
  mkdir(dir, 0777);
  FILE *f = fopen(src, "w");
  if (!f) return 0;
  fputs("LC_NUMERIC\ndecimal_point \",\"\nthousands_sep \"<U002E>\"\ngrouping 3;3\n"
        "END LC_NUMERIC\n", f);
  fclose(f);
  /* -c: the other categories are left undefined on purpose (exit status 1). */
  snprintf(cmd, sizeof cmd, "localedef -c -i '%s' -f ANSI_X3.4-1968 '%s' >/dev/null 2>&1",
           src, out);
  if (system(cmd) == -1) return 0;
  setenv("LOCPATH", dir, 1);
  if (!setlocale(LC_NUMERIC, "comma")) return 0;
  char buf[16];
  snprintf(buf, sizeof buf, "%g", 0.5);
  return !strcmp(buf, "0,5");
}

static void check_run_log(void) {
  const char *csv = "step,lr,loss\n0,0.001,\n1,0.001,3.25\n2,5e-4,3.125\n";
  fslaw_run *run = NULL;
  fslaw_error err = {{0}};
  CHECK(fslaw_run_parse("log.csv", csv, strlen(csv), FSLAW_RUN_CSV, NULL, &run, &err) ==
        FSLAW_OK);
  if (!run) return;
  CHECK(fslaw_run_lr(run)[1] == 0.001 && fslaw_run_lr(run)[2] == 5e-4);
  CHECK(fslaw_run_nloss(run) == 2 && fslaw_run_loss(run)[0] == 3.25 &&
        fslaw_run_loss(run)[1] == 3.125);
  fslaw_run_destroy(run);
}

static void check_schedule_spec(void) {
  fslaw_schedule *s = NULL;
  fslaw_error err = {{0}};
  CHECK(fslaw_schedule_create("constant:peak=0.0025,steps=10", &s, &err) == FSLAW_OK);
  if (!s) return;
  CHECK(fslaw_schedule_peak(s) == 0.0025 && fslaw_schedule_rate(s, 5) == 0.0025);
  fslaw_schedule_destroy(s);
}

/* Law options are numbers too (mtl's lambda); params JSON round-trips exactly
 * and is written with a decimal point (other programs read it). */
static void check_law_and_params(void) {
  fslaw_law *law = NULL, *back = NULL;
  fslaw_error err = {{0}};
  CHECK(fslaw_law_create("mtl:lambda=0.995", &law, &err) == FSLAW_OK);
  if (!law) return;
  CHECK_HAS(fslaw_law_spec(law), "lambda=0.995");
  double v[16] = {0}, w[16] = {0};
  size_t np = fslaw_law_nparams(law);
  for (size_t i = 0; i < np; i++) v[i] = 0.1 + 0.3 * (double)i + 1e-17 * (double)i;
  v[0] = 2.625;
  char *json = fslaw_params_to_json(law, v, NULL, NULL);
  CHECK(json != NULL);
  if (json) {
    CHECK_HAS(json, "2.625");
    CHECK(strstr(json, "2,625") == NULL);
    CHECK(fslaw_params_parse("p.json", json, &back, w, &err) == FSLAW_OK);
    int same = back != NULL;
    for (size_t i = 0; same && i < np; i++) same = v[i] == w[i];
    CHECK(same);
    if (back) CHECK_HAS(fslaw_law_spec(back), "lambda=0.995");
  }
  free(json);
  fslaw_law_destroy(back);
  fslaw_law_destroy(law);
}

static void check_table(void) {
  const char *csv = "N,D,loss\n1.5e8,3.25e9,2.875\n";
  fslaw_table_spec spec = {.ninputs = 2};
  fslaw_table *t = NULL;
  fslaw_error err = {{0}};
  CHECK(fslaw_table_parse("t.csv", csv, strlen(csv), &spec, &t, &err) == FSLAW_OK);
  if (!t) return;
  CHECK(fslaw_table_x(t)[0] == 1.5e8 && fslaw_table_x(t)[1] == 3.25e9 &&
        fslaw_table_loss(t)[0] == 2.875);
  fslaw_table_destroy(t);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/locale", argv[2]);
  mkdir(argv[2], 0777);
  if (!use_comma_locale(dir)) {
    fprintf(stderr, "test_locale: cannot build a decimal-comma locale with localedef "
                    "(Debian package locales; scripts/setup.sh check installs it)\n");
    return 1;
  }
  check_run_log();
  check_schedule_spec();
  check_law_and_params();
  check_table();
  return check_done("test_locale");
}
