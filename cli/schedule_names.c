/* schedule_names.c: [NAME=]SPEC values (see schedule_names.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "schedule_names.h"

static char *dup_text(const char *t, size_t n) {
  char *d = malloc(n + 1);
  if (d) memcpy(d, t, n), d[n] = '\0';
  return d;
}

int cli_schedule_split_name(const char *cmd, const char *opt, const char *value, const char **spec,
                            char **name) {
  const char *eq = strchr(value, '=');
  int named = eq && !memchr(value, ':', (size_t)(eq - value));
  *spec = named ? eq + 1 : value;
  *name = NULL;
  if (!named) return 0;
  if (eq == value) return cli_error(cmd, "option '--%s': '%s' has an empty NAME", opt, value);
  if (!(*name = dup_text(value, (size_t)(eq - value)))) return cli_error(cmd, "out of memory");
  struct stat st; /* a regular file: RUN=SPEC with the RUN forgotten */
  if (!stat(*name, &st) && S_ISREG(st.st_mode))
    return cli_error(cmd, "option '--%s': '%s' in '%s' is a file, not a name: give it as a RUN "
                          "too to predict it with those rates, or name the schedule otherwise",
                     opt, *name, value);
  return 0;
}

int cli_schedule_default_names(const char *cmd, const char *opt, const char *const *spec,
                               fslaw_schedule *const *s, size_t n, char **name) {
  const char *base[CLI_MAX_SCHEDULES];
  for (size_t i = 0; i < n; i++) {
    const char *path = fslaw_schedule_path(s[i]);
    base[i] = name[i] ? name[i] : path ? path : fslaw_schedule_name(s[i]);
  }
  for (size_t i = 0; i < n; i++) {
    int clash = 0;
    for (size_t j = 0; !name[i] && j < n; j++) clash |= j != i && !strcmp(base[i], base[j]);
    const char *t = clash ? spec[i] : base[i];
    if (!name[i] && !(name[i] = dup_text(t, strlen(t)))) return cli_error(cmd, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (!strcmp(name[i], name[j]))
        return cli_error(cmd, "option '--%s': two schedules are called '%s'; name each with "
                              "--%s NAME=SPEC", opt, name[i], opt);
  return 0;
}
