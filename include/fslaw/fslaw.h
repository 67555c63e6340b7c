/* fslaw/fslaw.h: the whole public API of libfslaw.
 *
 * Conventions, as in NLopt: every object is an opaque handle made by
 * fslaw_X_create and freed by fslaw_X_destroy (NULL is a no-op). A
 * constructor that reads text (a spec, a log, a params file) can fail on its
 * input, so it returns an fslaw_status, its object through an out pointer and
 * a message in an fslaw_error; one that only allocates returns the object, or
 * NULL when out of memory. An enum's text is fslaw_E_to_string (status,
 * family). Arrays are the caller's: the library fills them and keeps no
 * pointer to them past the call that takes them, unless the header says. */
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
