/* fslaw/fslaw.h: the whole public API of libfslaw. */
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
