/* fslaw/svg.h: a small dependency-free SVG chart writer.
 *
 * A figure is a column of panels; each panel has its own axes (linear or
 * log), title, axis labels and series (lines or markers), and a legend.
 * Series data are copied. Each series is drawn as one <path>, coordinates to
 * 0.1 px: markers as dots, half transparent (one per point; a run of more
 * points than twice the plot's width, between undrawable points, keeps one
 * dot per occupied 1.5 px cell, plus the highest and lowest dot of each
 * column of cells and its first and last point, so a noisy cloud stays a
 * cloud and its extremes stay exact), drawn under the lines; lines
 * thinned in pixels where that moves them by at most 0.1 px, every turn of
 * x or y (so every peak and dip) drawn exactly, and jumps kept visible.
 * Axes are labelled as densely as their labels fit without crowding, with
 * at least 4 labels and no quarter of the axis bare where that can be had
 * (1-2-5 steps; on log axes decades, 1-3, 1-2-5, 1-2-3-5 or 1..9 within
 * decades, or plain steps within one decade).
 * Output is well-formed standalone XML (validated in tests/test_svg.c). */
#ifndef FSLAW_SVG_H
#define FSLAW_SVG_H

#include <stdio.h>

#include "fslaw/common.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef struct fslaw_svg fslaw_svg;

/* How a series is drawn. */
typedef enum fslaw_svg_style {
  FSLAW_SVG_LINE = 0,    /* solid polyline */
  FSLAW_SVG_DASHED = 1,  /* dashed polyline */
  FSLAW_SVG_MARKERS = 2, /* dots 5 px wide, no line */
  FSLAW_SVG_SAME_COLOR = 16 /* flag: the colour of the panel's previous series */
} fslaw_svg_style;

/* New figure of `panels` stacked panels (>= 1), each width x panel_height
 * pixels. NULL when out of memory or for a zero size. */
fslaw_svg *fslaw_svg_create(size_t panels, double width, double panel_height);
/* Free a figure; NULL is allowed. */
void fslaw_svg_destroy(fslaw_svg *svg);

/* Title and axis labels of panel p (strings are copied; NULL = none) and
 * whether each axis is logarithmic (points with a non-positive coordinate
 * on a log axis are skipped). */
fslaw_status fslaw_svg_panel(fslaw_svg *svg, size_t p, const char *title,
                             const char *xlabel, const char *ylabel, int xlog,
                             int ylog, fslaw_error *err);

/* Add a series of n points to panel p, labelled `label` in the legend (NULL =
 * not in the legend). Non-finite points are skipped (they break the line).
 * `style` is a fslaw_svg_style, optionally with the flag FSLAW_SVG_SAME_COLOR
 * (`FSLAW_SVG_LINE | FSLAW_SVG_SAME_COLOR`: an int, hence the parameter's
 * type, which C++ needs): colours cycle through a fixed palette per panel,
 * and the flag keeps the previous series' colour (a fit and its data). */
fslaw_status fslaw_svg_series(fslaw_svg *svg, size_t p, const char *label,
                              const double *x, const double *y, size_t n,
                              int style, fslaw_error *err);

/* Mark x (in data units, like the series' x) in panel p with a vertical
 * dashed grey line across the plot and, unless label is NULL, a short label
 * (copied) at its top, right of the line where it fits, else left of it;
 * the labels of several markers are stacked. A marker does not widen the
 * axis: one outside the range of the panel's data (or not positive on a log
 * x axis) is not drawn. FSLAW_EINVAL for a bad panel or a non-finite x. */
fslaw_status fslaw_svg_marker(fslaw_svg *svg, size_t p, double x, const char *label,
                              fslaw_error *err);

/* Write the figure as a standalone SVG document. */
fslaw_status fslaw_svg_write(const fslaw_svg *svg, FILE *f, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
