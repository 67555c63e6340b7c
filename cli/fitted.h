/* fitted.h: which of the given runs a params file's fit was made on, and
 * reading them as it read them: with the schedule the fit recorded for
 * them ("schedules" in the params JSON), so that report, eval and predict
 * read a fitted run the one same way. */
#ifndef FSLAW_CLI_FITTED_H
#define FSLAW_CLI_FITTED_H

#include <cjson/cJSON.h>

#include "cli.h"

/* The params JSON at path as a cJSON tree, for what the fit recorded beside
 * the parameters (NULL when unreadable; fslaw_params_read says why). */
cJSON *cli_params_meta(const char *path);

/* The fitted run that `path` is (its name in meta's "runs"), or NULL: the
 * same file, found beside the params file (where a fit often runs) or from
 * here; else one path the tail of the other, with a note from cmd (none
 * when cmd is NULL) that it is taken by its name. */
const char *cli_fitted_name(const char *cmd, const cJSON *meta, const char *path,
                            const char *params);

/* The schedule SPEC the fit recorded for its run `fitted` (NULL: none;
 * older files record none, and their runs' logged rates were fitted). */
const char *cli_fitted_schedule(const cJSON *meta, const char *fitted);

/* Read run `path` as the fit read it: with the --schedule given for it in
 * `given`, else the schedule it recorded (`recorded`, with a note; a
 * relative file: path in it is read beside the params file when there),
 * else its logged rates. */
int cli_read_as_fitted(const char *cmd, const cli_run_opts *given, const char *params,
                       const char *path, const char *recorded, fslaw_run **run);

/* Read run `path` given to cmd (eval, predict) with params: as its fit read
 * it when the params' meta lists it (cli_read_as_fitted), else as given. */
int cli_read_given_run(const char *cmd, const cli_run_opts *given, const char *params,
                       const cJSON *meta, const char *path, fslaw_run **run);

#endif
