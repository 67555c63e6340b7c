/* schedule_names.h: schedules given as [NAME=]SPEC (fslaw predict --schedule
 * without RUNs, fslaw cv --predict): one way of telling a NAME from a SPEC
 * and of naming the schedules given without one, for every command. */
#ifndef FSLAW_CLI_SCHEDULE_NAMES_H
#define FSLAW_CLI_SCHEDULE_NAMES_H

#include <stddef.h>

#include "fslaw/schedule.h"

/* Split value, [NAME=]SPEC: text before the first '=' without a ':' is a
 * NAME (a SPEC always has ':' there), *name a new string (free()), else
 * NULL; *spec points into value. A NAME that is a regular file is refused
 * (RUN=SPEC with the RUN forgotten), as is an empty one: the error names
 * cmd and option opt, and 1 is returned. */
int cli_schedule_split_name(const char *cmd, const char *opt, const char *value, const char **spec,
                            char **name);

/* Name the schedules s[0..n) that have none (name[i] NULL) by their file
 * or kind, or by their SPEC when that would be another's name too; two
 * schedules may not share a name (an error naming cmd and opt, 1). */
int cli_schedule_default_names(const char *cmd, const char *opt, const char *const *spec,
                               fslaw_schedule *const *s, size_t n, char **name);

#endif
