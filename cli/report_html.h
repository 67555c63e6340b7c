/* report_html.h: a self-contained HTML report page: styles and the script
 * inlined, charts as static SVG (fslaw/svg.h) that read without scripts, and
 * a small script layer adding log-scale toggles and a hover read-out.
 *
 * A page is begun, filled with headings, text, tables and charts in order,
 * and ended. Each chart is written once per offered axis scale (log/linear
 * on x and on y); the default variant is visible without scripts, the
 * toggles show the others. Beside each chart its hover data go into a JSON
 * block, thinned for display (tables are written by the caller with the
 * exact numbers): a scatter (markers) keeps every point, and above 1000 one
 * per cell of 2.5 pixels, so no dot that could be seen apart is lost; a
 * curve keeps the lowest and highest point of each of 300 steps of x and
 * of log x, so a peak or dip is read at its true value. The writer is shared by every kind of report: a new kind
 * only adds the charts and tables it needs. */
#ifndef FSLAW_CLI_REPORT_HTML_H
#define FSLAW_CLI_REPORT_HTML_H

#include <stdio.h>

#include "fslaw/fslaw.h"

/* A page being written. */
typedef struct rep_html {
  FILE *f;        /* the page's stream */
  size_t ncharts; /* charts written so far; chart k has the id "cK" */
} rep_html;

/* One extra column of a series' hover read-out (name NULL = unused). */
typedef struct rep_col {
  const char *name; /* shown as "name value" */
  const double *v;  /* one value per point of the series */
} rep_col;

#define REP_MAX_COLS 4

/* One series of a chart; x must not decrease. A line is drawn from every
 * point (from the kept ones in a smooth chart), markers from the kept ones:
 * every point of a scatter up to 1000. */
typedef struct rep_series {
  const char *label;         /* legend text, or NULL for none */
  const char *name;          /* first line of the hover read-out (the run) */
  const char *yname;         /* what y is in the read-out ("loss", "pred") */
  const double *x, *y;       /* the points */
  size_t n;                  /* number of points */
  fslaw_svg_style style;     /* as in fslaw_svg_series */
  rep_col col[REP_MAX_COLS]; /* more values in the read-out */
} rep_series;

/* How a chart is drawn. */
typedef struct rep_chart {
  const char *title, *xlabel, *ylabel; /* panel texts */
  const char *caption;                 /* text under the chart, or NULL */
  int xlog, ylog;                      /* default axis scales (the static view) */
  int xtoggle, ytoggle;                /* offer the other scale of that axis */
  int smooth;                          /* 1: draw lines from the kept points
                                          too (smooth curves); 0: every point */
  double width, height;                /* pixels */
} rep_chart;

/* Write the document head (styles inlined), and an <h1> with `title`. */
void rep_begin(rep_html *h, FILE *f, const char *title);
/* What an existing file at path must begin with for a page's --out to
 * replace it (a cli_target head): NULL when it is an HTML page (begins
 * "<!DOCTYPE" as rep_begin writes, or "<html"), else "<!DOCTYPE". */
const char *report_html_head(const char *path);
/* Write the script and close the document. */
void rep_end(rep_html *h);
/* Write s as HTML text (markup characters escaped). */
void rep_text(FILE *f, const char *s);
/* Write a chart with its toggles, read-out and hover data. Fails only when
 * out of memory or when writing fails. */
fslaw_status rep_chart_write(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns,
                             fslaw_error *err);

#endif
