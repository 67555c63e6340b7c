/* fslaw/fslaw.h: the whole public API of libfslaw.
 *
 * Conventions, as in NLopt: every object is an opaque handle made by
 * fslaw_X_create and freed by fslaw_X_destroy (NULL is a no-op). A
 * constructor that reads text (a spec, a log, a params file) can fail on its
 * input, so it returns an fslaw_status, its object through an out pointer and
 * a message in an fslaw_error; one that only allocates returns the object, or
 * NULL when out of memory. An enum's text is fslaw_E_to_string (status,
 * family). Arrays are the caller's: the library fills them and keeps no
 * pointer to them past the call that takes them, unless the header says.
 *
 * Arguments: pointer arguments must be non-NULL unless the header says NULL
 * is allowed. The common slips (a NULL spec, options, path, name or out
 * pointer) fail with FSLAW_EINVAL naming the argument, or give NULL / -1
 * where the function has no status, as its header says; other NULLs are
 * undefined. A failing constructor sets *out to NULL, so destroying it
 * afterwards is always safe.
 *
 * Ownership: strings and arrays returned by a getter belong to the object
 * and stay valid until it is destroyed or changed (fslaw_run_set_schedule,
 * fslaw_run_center_losses); registry strings (law and schedule names,
 * fslaw_*_to_string) are static.
 *
 * Threads: distinct objects may be used from different threads at once;
 * const objects (law, table law, schedule, run, table) may be shared for
 * reading; an object being changed is used by one thread at a time. Fits
 * (fslaw_fit_run, fslaw_tfit_run) run their starts in parallel with
 * OpenMP. */
#ifndef FSLAW_FSLAW_H
#define FSLAW_FSLAW_H

#include "fslaw/common.h"
#include "fslaw/fit.h"
#include "fslaw/fsl.h"
#include "fslaw/law.h"
#include "fslaw/metrics.h"
#include "fslaw/optimize.h"
#include "fslaw/params.h"
#include "fslaw/plk.h"
#include "fslaw/runlog.h"
#include "fslaw/schedule.h"
#include "fslaw/sensitivity.h"
#include "fslaw/simulate.h"
#include "fslaw/svg.h"
#include "fslaw/table.h"
#include "fslaw/version.h"

#endif
