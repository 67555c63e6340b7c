/* svg.c: a small dependency-free SVG chart writer (see fslaw/svg.h).
 *
 * Each panel gets a frame, title, axis labels, ticks with labels, a light
 * grid, its series, its markers and a legend. All user text goes through
 * xml_text() so the document stays well-formed whatever the labels contain,
 * and numbers are formatted without depending on LC_NUMERIC. A series is
 * one <path> with coordinates to 0.1 px, relative after the first, so the
 * file stays small: a long line is first thinned per pixel column (min and
 * max kept in their original order, so spikes and jumps remain visible),
 * then its vertices are thinned in 2-D where that changes nothing seen (see
 * thinner); long series of dots are thinned in 2-D cells smaller than a
 * dot (see thin_dots). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fslaw/svg.h"
#include "internal.h"

typedef struct svg_series {
  char *label;          /* NULL = not in the legend */
  double *x, *y;        /* the points, copied */
  size_t n;             /* number of points */
  fslaw_svg_style style;/* line, dashed or markers */
  size_t color;         /* palette index */
} svg_series;

typedef struct svg_marker {
  double x;    /* where, in data units */
  char *label; /* NULL = none */
} svg_marker;

typedef struct svg_panel {
  char *title, *xlabel, *ylabel;
  int xlog, ylog;
  svg_series *series;
  size_t nseries, cap;
  svg_marker *markers;
  size_t nmarkers, mcap;
} svg_panel;

struct fslaw_svg {
  svg_panel *panels;
  size_t npanels;
  double width, panel_height;
};

/* Room around each plot area for the title, tick labels and axis labels. */
#define MARGIN_LEFT 74.0
#define MARGIN_RIGHT 18.0
#define MARGIN_TOP 30.0
#define MARGIN_BOTTOM 46.0
#define MIN_PLOT 10.0  /* smallest plot area side, for tiny figures */
#define PAD_FRAC 0.04  /* empty space added on each side of the data range */
#define MAX_SIZE 1e6   /* larger pixel sizes are certainly a mistake */
#define MAX_TICKS 64
#define TICK_LABEL 40

/* Distinguishable colours (Tableau 10 subset); series cycle through them. */
static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
#define PALETTE_N (sizeof palette / sizeof palette[0])

/* ---- construction ------------------------------------------------------ */

fslaw_svg *fslaw_svg_create(size_t panels, double width, double panel_height) {
  /* The negated comparisons also reject NaN. */
  if (panels == 0 || !(width > 0 && width <= MAX_SIZE) ||
      !(panel_height > 0 && panel_height <= MAX_SIZE))
    return NULL;
  fslaw_svg *svg = calloc(1, sizeof *svg);
  if (!svg) return NULL;
  svg->panels = calloc(panels, sizeof *svg->panels);
  if (!svg->panels) {
    free(svg);
    return NULL;
  }
  svg->npanels = panels;
  svg->width = width;
  svg->panel_height = panel_height;
  return svg;
}

void fslaw_svg_destroy(fslaw_svg *svg) {
  if (!svg) return;
  for (size_t p = 0; p < svg->npanels; p++) {
    svg_panel *pn = &svg->panels[p];
    for (size_t s = 0; s < pn->nseries; s++) {
      free(pn->series[s].label);
      free(pn->series[s].x);
      free(pn->series[s].y);
    }
    free(pn->series);
    for (size_t k = 0; k < pn->nmarkers; k++) free(pn->markers[k].label);
    free(pn->markers);
    free(pn->title);
    free(pn->xlabel);
    free(pn->ylabel);
  }
  free(svg->panels);
  free(svg);
}

/* Copy an optional string; returns 0 only when a copy was needed and failed. */
static int dup_opt(const char *s, char **out) {
  *out = s ? fslaw_strdup(s) : NULL;
  return !s || *out;
}

fslaw_status fslaw_svg_panel(fslaw_svg *svg, size_t p, const char *title,
                             const char *xlabel, const char *ylabel, int xlog,
                             int ylog, fslaw_error *err) {
  if (!svg) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_panel: svg is NULL");
  if (p >= svg->npanels)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "fslaw_svg_panel: panel %zu out of range (figure has %zu panels)", p,
                      svg->npanels);
  /* Copy everything first so a failed call leaves the panel unchanged. */
  char *t, *xl, *yl;
  int ok = dup_opt(title, &t);
  ok = dup_opt(xlabel, &xl) && ok;
  ok = dup_opt(ylabel, &yl) && ok;
  if (!ok) {
    free(t);
    free(xl);
    free(yl);
    return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_panel: out of memory");
  }
  svg_panel *pn = &svg->panels[p];
  free(pn->title);
  free(pn->xlabel);
  free(pn->ylabel);
  pn->title = t;
  pn->xlabel = xl;
  pn->ylabel = yl;
  pn->xlog = xlog != 0;
  pn->ylog = ylog != 0;
  return FSLAW_OK;
}

fslaw_status fslaw_svg_series(fslaw_svg *svg, size_t p, const char *label,
                              const double *x, const double *y, size_t n,
                              int flags, fslaw_error *err) {
  if (!svg) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: svg is NULL");
  if (p >= svg->npanels)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "fslaw_svg_series: panel %zu out of range (figure has %zu panels)",
                      p, svg->npanels);
  if (n > 0 && !x)
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: x is NULL with n = %zu", n);
  if (n > 0 && !y)
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: y is NULL with n = %zu", n);
  int same = (flags & FSLAW_SVG_SAME_COLOR) != 0;
  fslaw_svg_style style = (fslaw_svg_style)(flags & ~FSLAW_SVG_SAME_COLOR);
  if (style != FSLAW_SVG_LINE && style != FSLAW_SVG_DASHED && style != FSLAW_SVG_MARKERS)
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: unknown style %d", (int)style);
  if (n > SIZE_MAX / sizeof(double))
    return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_series: n = %zu is too large", n);

  svg_panel *pn = &svg->panels[p];
  if (pn->nseries == pn->cap) {
    size_t cap = pn->cap ? 2 * pn->cap : 4;
    svg_series *grown = realloc(pn->series, cap * sizeof *grown);
    if (!grown) return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_series: out of memory");
    pn->series = grown;
    pn->cap = cap;
  }
  size_t color = pn->nseries ? pn->series[pn->nseries - 1].color + !same : 0;
  svg_series s = {NULL, NULL, NULL, n, style, color};
  int ok = dup_opt(label, &s.label);
  if (n > 0) {
    s.x = malloc(n * sizeof(double));
    s.y = malloc(n * sizeof(double));
    ok = ok && s.x && s.y;
  }
  if (!ok) {
    free(s.label);
    free(s.x);
    free(s.y);
    return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_series: out of memory for %zu points", n);
  }
  if (n > 0) {
    memcpy(s.x, x, n * sizeof(double));
    memcpy(s.y, y, n * sizeof(double));
  }
  pn->series[pn->nseries++] = s;
  return FSLAW_OK;
}

fslaw_status fslaw_svg_marker(fslaw_svg *svg, size_t p, double x, const char *label,
                              fslaw_error *err) {
  if (!svg) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_marker: svg is NULL");
  if (p >= svg->npanels)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "fslaw_svg_marker: panel %zu out of range (figure has %zu panels)",
                      p, svg->npanels);
  if (!isfinite(x)) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_marker: x is not finite");
  svg_panel *pn = &svg->panels[p];
  if (pn->nmarkers == pn->mcap) {
    size_t cap = pn->mcap ? 2 * pn->mcap : 2;
    svg_marker *grown = realloc(pn->markers, cap * sizeof *grown);
    if (!grown) return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_marker: out of memory");
    pn->markers = grown;
    pn->mcap = cap;
  }
  svg_marker m = {x, NULL};
  if (!dup_opt(label, &m.label))
    return fslaw_fail(err, FSLAW_ENOMEM, "fslaw_svg_marker: out of memory");
  pn->markers[pn->nmarkers++] = m;
  return FSLAW_OK;
}

/* ---- text and number formatting ----------------------------------------- */

/* Write s as XML character data: escape markup characters and replace bytes
 * that are not valid UTF-8 or not allowed in XML 1.0 by U+FFFD, so any label
 * yields a well-formed document. */
static void xml_text(FILE *f, const char *s) {
  static const char repl[] = "\xEF\xBF\xBD";
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    if (c < 0x80) {
      switch (c) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      case '\'': fputs("&apos;", f); break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fputs(repl, f);
        else fputc((int)c, f);
      }
      p++;
      continue;
    }
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    unsigned long cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    size_t k = 1;
    /* A NUL is not a continuation byte, so this never reads past the end. */
    for (; k < len && (p[k] & 0xC0) == 0x80; k++) cp = (cp << 6) | (p[k] & 0x3F);
    int valid = len > 0 && k == len && !(len == 3 && cp < 0x800) &&
                !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    if (valid) {
      fwrite(p, 1, len, f);
      p += len;
    } else {
      fputs(repl, f);
      p++;
    }
  }
}

/* Pixel position in tenths of a pixel: every coordinate is written to this
 * resolution, finer than any screen shows a 1.5 px line. */
static long long tenths(double v) {
  if (!isfinite(v) || fabs(v) >= 1e14) v = 0; /* cannot happen with sane sizes */
  return llround(v * 10);
}

/* Pixel coordinate with at most one decimal ("12", "12.5", "-0.5"), built
 * from integers so a caller's LC_NUMERIC (decimal comma) cannot break the SVG. */
static const char *num1(char buf[32], double v) {
  long long t = tenths(v);
  unsigned long long a = t < 0 ? 0 - (unsigned long long)t : (unsigned long long)t;
  if (a % 10) snprintf(buf, 32, "%s%llu.%llu", t < 0 ? "-" : "", a / 10, a % 10);
  else snprintf(buf, 32, "%s%llu", t < 0 ? "-" : "", a / 10);
  return buf;
}

/* Copy a printf-formatted number with a '.' decimal point and a compact
 * exponent ("1e+06" -> "1e6", "2.5e-05" -> "2.5e-5"). */
static void compact_num(char *buf, size_t size, const char *tmp) {
  size_t o = 0;
  for (size_t i = 0; tmp[i] && o + 1 < size; i++) {
    char ch = tmp[i];
    if (ch == ',') ch = '.'; /* decimal comma from a caller's locale */
    buf[o++] = ch;
    if (ch == 'e') {
      i++;
      if (tmp[i] == '-') buf[o++] = '-';
      else if (tmp[i] != '+') i--;
      while (tmp[i + 1] == '0' && tmp[i + 2] >= '0' && tmp[i + 2] <= '9') i++;
    }
  }
  buf[o] = '\0';
}

/* Short tick label: %g with `prec` significant digits, compacted. */
static void fmt_num(char *buf, size_t size, double v, int prec) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*g", prec, v);
  compact_num(buf, size, tmp);
}

/* Label of tick v of a set of ticks `step` apart: the digits the step
 * needs, trailing zeros dropped ("2.6", "3", "0.0002"), in e-notation when
 * sci ("5e-5", "1.5e-4"); all labels of one axis use the same notation. */
static void fmt_step(char *buf, size_t size, double v, double step, int sci) {
  char tmp[64];
  int e = (int)floor(log10(step) + 1e-9), d;
  if (v == 0) {
    snprintf(buf, size, "0");
    return;
  }
  if (sci) {
    d = (int)floor(log10(fabs(v))) - e;
    snprintf(tmp, sizeof tmp, "%.*e", d < 0 ? 0 : d > 16 ? 16 : d, v);
  } else {
    snprintf(tmp, sizeof tmp, "%.*f", -e < 0 ? 0 : -e > 17 ? 17 : -e, v);
  }
  /* drop the mantissa's trailing zeros, and its point if nothing follows */
  size_t end = strcspn(tmp, "e"), point = strcspn(tmp, ".,"), cut = end;
  if (point < end) {
    while (cut > point + 1 && tmp[cut - 1] == '0') cut--;
    if (cut == point + 1) cut = point;
    memmove(tmp + cut, tmp + end, strlen(tmp + end) + 1);
  }
  compact_num(buf, size, tmp);
}

/* ---- axes ---------------------------------------------------------------- */

/* One axis: its range in axis units (log10 of the value on a log axis) and
 * where it sits in pixels. y axes grow upwards. */
typedef struct axis {
  int log, flip;
  double lo, hi;
  double p0, len;
} axis;

static int axis_ok(const axis *a, double v) { return isfinite(v) && (!a->log || v > 0); }
static double axis_unit(const axis *a, double v) { return a->log ? log10(v) : v; }

/* Pixel position of axis unit t; halves keep hi - lo finite near DBL_MAX. */
static double axis_px_unit(const axis *a, double t) {
  double fr = (t / 2 - a->lo / 2) / (a->hi / 2 - a->lo / 2);
  return a->flip ? a->p0 + a->len * (1 - fr) : a->p0 + a->len * fr;
}
static double axis_px(const axis *a, double v) { return axis_px_unit(a, axis_unit(a, v)); }

/* Range of both axes from the points that will be drawn, padded; a missing
 * or single-valued range gets a sensible span so nothing divides by zero. */
static void panel_ranges(const svg_panel *pn, axis *ax, axis *ay) {
  axis *both[2] = {ax, ay};
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (size_t s = 0; s < pn->nseries; s++) {
    const svg_series *se = &pn->series[s];
    for (size_t i = 0; i < se->n; i++) {
      if (!axis_ok(ax, se->x[i]) || !axis_ok(ay, se->y[i])) continue;
      double t[2] = {axis_unit(ax, se->x[i]), axis_unit(ay, se->y[i])};
      for (int k = 0; k < 2; k++) {
        if (t[k] < lo[k]) lo[k] = t[k];
        if (t[k] > hi[k]) hi[k] = t[k];
      }
    }
  }
  for (int k = 0; k < 2; k++) {
    axis *a = both[k];
    double l = lo[k], h = hi[k], pad;
    if (!(l <= h)) { /* no drawable point: 0..1 or 1..10 */
      l = 0;
      h = 1;
      pad = 0;
    } else if (l == h) {
      pad = a->log ? 0.5 : l != 0 ? fabs(l) * 0.1 : 1;
    } else {
      pad = PAD_FRAC * 2 * (h / 2 - l / 2);
    }
    if (isfinite(l - pad)) l -= pad;
    if (isfinite(h + pad)) h += pad;
    if (!(h / 2 - l / 2 > 0)) { /* span underflowed (subnormal data) */
      l -= 1;
      h += 1;
    }
    a->lo = l;
    a->hi = h;
  }
}

typedef struct tick {
  double t; /* position in axis units */
  char label[TICK_LABEL];
} tick;

/* How densely an axis is labelled: at most one label per this many pixels
 * of its length (plus one), and labels at least this far apart (y), or as
 * far as their width (x: CHAR_W per character plus a gap). */
#define LABEL_EVERY_X 80.0
#define LABEL_EVERY_Y 55.0
#define LABEL_GAP_Y 15.0
#define CHAR_W 6.2 /* a digit at font-size 11 */
#define TOO_MANY SIZE_MAX

/* Multiples of step within [lo, hi] (values; on a log axis placed at their
 * log10, non-positive ones left out), labelled with the digits the step
 * needs, so no float artefacts ("0.30000000000000004") show. TOO_MANY
 * when there are more than max or the step is below the values' resolution. */
static size_t step_ticks(const axis *a, double lo, double hi, double step, tick *out,
                         size_t max) {
  if (!(step > 0) || !isfinite(step)) return 0;
  double i0 = ceil(lo / step), i1 = floor(hi / step);
  if (!isfinite(i0) || !isfinite(i1) || fabs(i0) > 1e15 || fabs(i1) > 1e15) return TOO_MANY;
  if (i1 - i0 + 1 > (double)max) return TOO_MANY;
  /* e-notation for steps of many zeros: "5e-5", "2e5"; "0.0001", "1000002" */
  int sci = step < 1e-4 * (1 - 1e-9) || step >= 1e5 * (1 - 1e-9);
  size_t n = 0;
  for (double i = i0; i <= i1; i++) {
    double v = i * step;
    if (fabs(v) < step * 1e-9) v = 0; /* no "-0" or 1e-17 labels */
    if (a->log && !(v > 0)) continue;
    out[n].t = a->log ? log10(v) : v;
    fmt_step(out[n].label, TICK_LABEL, v, step, sci);
    n++;
  }
  return n;
}

/* Label of m * 10^k: plain decimals for moderate k, else "mek" ("2e-5"). */
static void log_label(char *buf, size_t size, int m, int k) {
  if (k >= -3 && k <= 4) fmt_num(buf, size, m * pow(10, k), 6);
  else snprintf(buf, size, "%de%d", m, k);
}

/* Log-axis ticks m * 10^k for the mantissas mant[0..nm-1] and the decades k
 * that are multiples of stride (so labels read 1e-6, 0.01, 100, ...). */
static size_t log_ticks(const axis *a, const int *mant, size_t nm, int stride, tick *out,
                        size_t max) {
  int d1 = (int)ceil(a->hi);
  size_t n = 0;
  for (int k = (int)(floor(floor(a->lo) / stride) * stride); k <= d1; k += stride)
    for (size_t j = 0; j < nm; j++) {
      double t = k + log10(mant[j]);
      if (t < a->lo - 1e-9 || t > a->hi + 1e-9) continue;
      if (n == max) return TOO_MANY;
      out[n].t = t;
      log_label(out[n].label, TICK_LABEL, mant[j], k);
      n++;
    }
  return n;
}

/* Whether the labels of ticks t[0..n-1] (ascending) are far enough apart
 * not to overlap. */
static int ticks_apart(const axis *a, const tick *t, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++) w = strlen(t[i].label) > w ? strlen(t[i].label) : w;
  double need = a->flip ? LABEL_GAP_Y : CHAR_W * (double)w + 10;
  for (size_t i = 1; i < n; i++)
    if (fabs(axis_px_unit(a, t[i].t) - axis_px_unit(a, t[i - 1].t)) < need) return 0;
  return 1;
}

/* Whether labels at t[0..n-1] (ascending) leave no stretch of the axis
 * longer than MAX_STRETCH of it unlabelled: on a log axis plain steps
 * crowd the top of the range and leave its bottom bare. */
#define MAX_STRETCH 0.25
static int ticks_cover(const axis *a, const tick *t, size_t n) {
  double prev = a->lo;
  for (size_t i = 0; i <= n; i++) {
    double next = i < n ? t[i].t : a->hi;
    if (fabs(axis_px_unit(a, next) - axis_px_unit(a, prev)) > MAX_STRETCH * a->len) return 0;
    prev = next;
  }
  return 1;
}

/* The candidate tick sets of an axis are offered one by one. The densest
 * that is not too dense (at most maxn labels, none overlapping) wins; when
 * that has fewer than MIN_LABELS or leaves a long stretch bare, the
 * sparsest with that many, covering the axis, that do not overlap; when
 * nothing fits, the first offered. */
#define MIN_LABELS 4
typedef struct tick_pick {
  const axis *a;
  size_t maxn;
  tick trial[MAX_TICKS];
  tick *out; /* densest fitting, or the first offered */
  size_t n;
  int fits;
  tick more[MAX_TICKS]; /* sparsest with MIN_LABELS, covering, not overlapping */
  size_t nmore;
} tick_pick;

static void offer(tick_pick *k, size_t n) {
  if (n == 0 || n == TOO_MANY) return;
  int apart = ticks_apart(k->a, k->trial, n), ok = apart && n <= k->maxn;
  if ((ok && (!k->fits || n > k->n)) || (!k->fits && k->n == 0)) {
    memcpy(k->out, k->trial, n * sizeof *k->out);
    k->n = n;
    k->fits = ok;
  }
  if (apart && n >= MIN_LABELS && (k->nmore == 0 || n < k->nmore) &&
      ticks_cover(k->a, k->trial, n)) {
    memcpy(k->more, k->trial, n * sizeof *k->more);
    k->nmore = n;
  }
}

/* Offer the 1-2-5 steps over values [lo, hi], from one spanning it on. */
static void offer_steps(tick_pick *k, double lo, double hi) {
  double half = hi / 2 - lo / 2;
  if (!(half > 0) || !isfinite(half)) return;
  static const double f[3] = {1, 0.5, 0.2};
  double e = ceil(log10(half) + log10(2.0));
  for (int i = 0; i < 3 * 40; i++) {
    size_t n = step_ticks(k->a, lo, hi, f[i % 3] * pow(10, e - i / 3), k->trial, MAX_TICKS);
    offer(k, n);
    if (n == TOO_MANY || n > k->maxn) break; /* finer steps only crowd more */
  }
}

/* Ticks of an axis, positions in axis units: 1-2-5 steps on a linear axis;
 * on a log axis decades (or every 2nd, 5th, ... one), then 1-2-5 and 1..9
 * within decades, then plain steps for a range within a decade: as many
 * labels as fit (at least 4 on any axis of ordinary size). */
static size_t axis_ticks(const axis *a, tick *out) {
  tick_pick k; /* 9 kB: fine on the stack */
  memset(&k, 0, sizeof k);
  k.a = a;
  k.out = out;
  k.maxn = (size_t)(a->len / (a->flip ? LABEL_EVERY_Y : LABEL_EVERY_X)) + 1;
  if (k.maxn > MAX_TICKS) k.maxn = MAX_TICKS;
  if (!a->log) {
    offer_steps(&k, a->lo, a->hi);
  } else {
    static const int m1[] = {1}, m13[] = {1, 3}, m125[] = {1, 2, 5}, m1235[] = {1, 2, 3, 5},
                     m19[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const int strides[] = {500, 200, 100, 50, 20, 10, 5, 2, 1};
    for (size_t i = 0; i < sizeof strides / sizeof strides[0]; i++)
      offer(&k, log_ticks(a, m1, 1, strides[i], k.trial, MAX_TICKS));
    offer(&k, log_ticks(a, m13, 2, 1, k.trial, MAX_TICKS));
    offer(&k, log_ticks(a, m125, 3, 1, k.trial, MAX_TICKS));
    offer(&k, log_ticks(a, m1235, 4, 1, k.trial, MAX_TICKS));
    offer(&k, log_ticks(a, m19, 9, 1, k.trial, MAX_TICKS));
    if (a->hi - a->lo < 1) offer_steps(&k, pow(10, a->lo), pow(10, a->hi));
  }
  if ((k.n >= MIN_LABELS && ticks_cover(a, out, k.n)) || k.nmore == 0) return k.n;
  memcpy(out, k.more, k.nmore * sizeof *out);
  return k.nmore;
}

/* ---- series -------------------------------------------------------------- */

/* Writes the path data of one series in tenths of a pixel: the first point
 * absolute, every other relative to the one before. Deltas of rounded
 * positions are exact, so nothing accumulates, and short: "m3.2-.5". */
typedef struct pen {
  FILE *f;
  long long x, y; /* current point */
  int started;    /* a point was written */
  int cmd;        /* command in effect for the next pair ('l'), or 0 */
  int sep;        /* the previous number may run into the next one */
} pen;

static void pen_num(pen *p, long long v) {
  unsigned long long a = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
  if (v < 0) fputc('-', p->f);
  else if (p->sep) fputc(' ', p->f);
  if (a >= 10 || a == 0) fprintf(p->f, "%llu", a / 10);
  if (a % 10) fprintf(p->f, ".%llu", a % 10);
  p->sep = 1;
}

static void pen_pair(pen *p, long long x, long long y) {
  pen_num(p, x - (p->started ? p->x : 0));
  pen_num(p, y - (p->started ? p->y : 0));
  p->x = x;
  p->y = y;
  p->started = 1;
}

/* Start a subpath at (x, y). */
static void pen_move(pen *p, long long x, long long y) {
  fputc(p->started ? 'm' : 'M', p->f);
  p->sep = 0;
  pen_pair(p, x, y);
  p->cmd = 0;
}

static void pen_line(pen *p, long long x, long long y) {
  if (p->cmd != 'l') {
    fputc('l', p->f);
    p->sep = 0;
    p->cmd = 'l';
  }
  pen_pair(p, x, y);
}

/* A zero-length subpath: the round line cap draws a dot there. */
static void pen_dot(pen *p) {
  fputs("h0", p->f);
  p->cmd = 0;
  p->sep = 1;
}

/* Largest distance, in tenths of a pixel, of a dropped vertex of a line from
 * the line drawn instead: a tenth of a pixel is not seen even zoomed 4x (a
 * quarter pixel was, as corners on smooth curves). */
#define LINE_TOL 1.0

/* Thins the vertices of a line in 2-D as they come, in pixels: a vertex is
 * kept where x or y turns back (so every peak and dip is drawn exactly), and
 * where leaving it out would move the line by more than LINE_TOL; between
 * two kept vertices the line is monotone in x and y, so every dropped vertex
 * lies within LINE_TOL of the drawn segment (sector test of Zhao and
 * Saalfeld: the directions from the last kept vertex that pass that close to
 * every vertex since). */
typedef struct thinner {
  pen *pen;
  size_t n;               /* distinct vertices seen in this segment */
  long long ax, ay;       /* last kept vertex */
  long long px, py;       /* last vertex seen */
  int pkept;              /* it is the last kept one */
  int dx, dy;             /* sign of the last non-zero move in x and in y */
  double rx, ry, lo, hi;  /* sector: angles from the reference direction */
  int ref;                /* a reference direction is set */
} thinner;

static void thin_reset_sector(thinner *t) {
  t->ref = 0;
  t->lo = -INFINITY;
  t->hi = INFINITY;
}

/* Angle of (vx, vy) from the sector's reference direction. */
static double thin_angle(const thinner *t, double vx, double vy) {
  return atan2(t->rx * vy - t->ry * vx, t->rx * vx + t->ry * vy);
}

static void thin_vertex(thinner *t, long long x, long long y) {
  if (t->n == 0) {
    pen_move(t->pen, x, y);
    t->ax = t->px = x;
    t->ay = t->py = y;
    t->pkept = 1;
    t->dx = t->dy = 0;
    thin_reset_sector(t);
    t->n = 1;
    return;
  }
  if (x == t->px && y == t->py) return;
  int sx = (x > t->px) - (x < t->px), sy = (y > t->py) - (y < t->py);
  int turn = (sx && t->dx && sx != t->dx) || (sy && t->dy && sy != t->dy);
  double vx = (double)(x - t->ax), vy = (double)(y - t->ay);
  if (t->ref) {
    double phi = thin_angle(t, vx, vy);
    turn = turn || phi < t->lo || phi > t->hi;
  }
  if (turn && !t->pkept) { /* keep the previous vertex */
    pen_line(t->pen, t->px, t->py);
    t->ax = t->px;
    t->ay = t->py;
    thin_reset_sector(t);
    vx = (double)(x - t->ax);
    vy = (double)(y - t->ay);
  }
  if (!t->ref) {
    t->rx = vx;
    t->ry = vy;
    t->ref = 1;
  }
  double r = hypot(vx, vy);
  if (r > LINE_TOL) { /* this vertex narrows the sector */
    double phi = thin_angle(t, vx, vy), m = asin(LINE_TOL / r);
    t->lo = fmax(t->lo, phi - m);
    t->hi = fmin(t->hi, phi + m);
  }
  if (sx) t->dx = sx;
  if (sy) t->dy = sy;
  t->px = x;
  t->py = y;
  t->pkept = 0;
  t->n++;
}

/* End of a segment: its last vertex, or a dot for a lone one. */
static void thin_end(thinner *t) {
  if (t->n == 1) pen_dot(t->pen);
  else if (t->n > 1 && !t->pkept) pen_line(t->pen, t->px, t->py);
  t->n = 0;
}

/* Writes the points of one line, one segment at a time, through the
 * thinner. */
typedef struct emitter {
  const axis *ax, *ay;
  const svg_series *s;
  pen pen;
  thinner thin;
  size_t count, last; /* points taken in this segment, last index taken */
} emitter;

static void emit_point(emitter *e, size_t i) {
  if (e->count > 0 && e->last == i) return;
  thin_vertex(&e->thin, tenths(axis_px(e->ax, e->s->x[i])), tenths(axis_px(e->ay, e->s->y[i])));
  e->count++;
  e->last = i;
}

/* One pixel-column bucket: its lowest and highest point in index order, so
 * the line still passes through every extreme and jumps stay visible. */
static void emit_bucket(emitter *e, size_t lo, size_t hi) {
  emit_point(e, lo < hi ? lo : hi);
  emit_point(e, lo < hi ? hi : lo);
}

/* Whether a series of n drawable points is long enough to thin: more than
 * two points per pixel column. Shorter ones are drawn whole. */
static int worth_thinning(const axis *ax, size_t n) { return (double)n > 2 * ax->len + 2; }

/* Points a..b-1, all drawable. Short segments are taken whole; longer ones
 * keep at most the min and max of each pixel column (plus the segment's
 * first and last point), i.e. about two points per column. */
static void emit_segment(emitter *e, size_t a, size_t b) {
  const double *y = e->s->y;
  e->count = 0;
  if (!worth_thinning(e->ax, b - a)) {
    for (size_t i = a; i < b; i++) emit_point(e, i);
  } else {
    emit_point(e, a);
    double col = floor(axis_px(e->ax, e->s->x[a]));
    size_t lo = a, hi = a;
    for (size_t i = a + 1; i < b; i++) {
      double c = floor(axis_px(e->ax, e->s->x[i]));
      if (c != col) {
        emit_bucket(e, lo, hi);
        col = c;
        lo = hi = i;
      } else {
        if (y[i] < y[lo]) lo = i;
        if (y[i] > y[hi]) hi = i;
      }
    }
    emit_bucket(e, lo, hi);
    emit_point(e, b - 1);
  }
  thin_end(&e->thin);
}

/* Side of the square cells dots are thinned in, in tenths of a pixel: a
 * dropped dot lies within 2 px of a kept one 5 px wide, so a cloud keeps its
 * outline and looks as dense as it is wherever it is dense at all. */
#define DOT_CELL 15
#define DOT_OPACITY "0.5"

/* A drawable point of a series of dots: its cell and pixel y in tenths. */
typedef struct dot_cell {
  long long cx, cy, y;
  size_t i;
} dot_cell;

static int dot_cell_cmp(const void *pa, const void *pb) {
  const dot_cell *a = pa, *b = pb;
  if (a->cx != b->cx) return a->cx < b->cx ? -1 : 1;
  if (a->cy != b->cy) return a->cy < b->cy ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static long long floor_div(long long v, long long d) { return v / d - (v % d < 0); }

/* Dots of cells c[a..b-1], one cell column sorted by (cy, i): its highest
 * and lowest point exactly (so spikes and the cloud's edges stay where they
 * are), and the first point of each cell in between. */
static void keep_column(const dot_cell *c, size_t a, size_t b, unsigned char *keep) {
  size_t top = a, bot = a;
  for (size_t j = a + 1; j < b; j++) {
    if (c[j].y < c[top].y || (c[j].y == c[top].y && c[j].i < c[top].i)) top = j;
    if (c[j].y > c[bot].y || (c[j].y == c[bot].y && c[j].i < c[bot].i)) bot = j;
  }
  keep[c[top].i] = keep[c[bot].i] = 1;
  for (size_t j = a; j < b; j++) /* the top and bottom cells hold the extremes */
    if (c[j].cy != c[a].cy && c[j].cy != c[b - 1].cy && c[j].cy != c[j - 1].cy) keep[c[j].i] = 1;
}

/* Mark in keep which of the points a..b-1 (all drawable: a segment of a
 * long series) to draw as dots: one per occupied DOT_CELL cell, plus each
 * cell column's extremes and the segment's first and last point (the
 * report's read-out maps pixels to data through a series' ends). 0 when out
 * of memory. */
static int thin_dots(const axis *ax, const axis *ay, const svg_series *s, size_t a, size_t b,
                     unsigned char *keep) {
  size_t m = b - a;
  dot_cell *c = malloc(m * sizeof *c);
  if (!c) return 0;
  long long x0 = tenths(ax->p0), y0 = tenths(ay->p0);
  for (size_t i = a; i < b; i++) {
    long long x = tenths(axis_px(ax, s->x[i])), y = tenths(axis_px(ay, s->y[i]));
    c[i - a] = (dot_cell){floor_div(x - x0, DOT_CELL), floor_div(y - y0, DOT_CELL), y, i};
  }
  keep[a] = keep[b - 1] = 1;
  qsort(c, m, sizeof *c, dot_cell_cmp);
  for (size_t j = 0, e; j < m; j = e) {
    for (e = j + 1; e < m && c[e].cx == c[j].cx;) e++;
    keep_column(c, j, e, keep);
  }
  free(c);
  return 1;
}

/* A series of dots, each a zero-length subpath. Segments (runs of drawable
 * points) of more than two points per pixel column are thinned in 2-D
 * (thin_dots): thinning per column kept its top and bottom only, so a
 * noisy cloud showed as two bands. Shorter ones are drawn whole, a dot per
 * point, which the report relies on. */
static void write_dots(FILE *f, const axis *ax, const axis *ay, const svg_series *s) {
  unsigned char *keep = calloc(s->n ? s->n : 1, 1); /* NULL: draw every point */
  size_t i = 0, any = 0;
  while (keep && i < s->n) {
    while (i < s->n && !(axis_ok(ax, s->x[i]) && axis_ok(ay, s->y[i]))) i++;
    size_t a = i;
    while (i < s->n && axis_ok(ax, s->x[i]) && axis_ok(ay, s->y[i])) i++;
    if (i > a && (!worth_thinning(ax, i - a) || !thin_dots(ax, ay, s, a, i, keep)))
      memset(keep + a, 1, i - a);
  }
  pen pn = {f, 0, 0, 0, 0, 0};
  for (i = 0; i < s->n; i++) {
    if (!axis_ok(ax, s->x[i]) || !axis_ok(ay, s->y[i]) || (keep && !keep[i])) continue;
    if (!any++) fputs("<path d=\"", f);
    pen_move(&pn, tenths(axis_px(ax, s->x[i])), tenths(axis_px(ay, s->y[i])));
    pen_dot(&pn);
  }
  if (any) fputs("\"/>\n", f);
  free(keep);
}

static const char *dash_attr(fslaw_svg_style st) {
  return st == FSLAW_SVG_DASHED ? " stroke-dasharray=\"6 4\"" : "";
}

/* A series is one <path>: a line's segments are its subpaths, a marker's
 * dots zero-length subpaths drawn by round caps 5 px wide (the size of the
 * legend's sample dot), half transparent so a line of the same colour (a
 * fit over its data) shows through a dense cloud; the path is painted as
 * one shape, so overlapping dots do not darken. */
static void write_series(FILE *f, const axis *ax, const axis *ay, const svg_series *s,
                         size_t p, size_t k) {
  int dots = s->style == FSLAW_SVG_MARKERS;
  fprintf(f, "<g id=\"p%zu-s%zu\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" "
             "stroke-linecap=\"round\"%s%s>\n",
          p, k, palette[s->color % PALETTE_N], dots ? "5" : "1.5",
          dots ? " stroke-opacity=\"" DOT_OPACITY "\"" : " stroke-linejoin=\"round\"",
          dash_attr(s->style));
  if (dots) {
    write_dots(f, ax, ay, s);
    fputs("</g>\n", f);
    return;
  }
  emitter e = {ax, ay, s, {f, 0, 0, 0, 0, 0}, {NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 0};
  e.thin.pen = &e.pen;
  size_t i = 0;
  /* Undrawable points (non-finite, or non-positive on a log axis) split the
   * series into separately drawn segments. */
  while (i < s->n) {
    while (i < s->n && !(axis_ok(ax, s->x[i]) && axis_ok(ay, s->y[i]))) i++;
    size_t a = i;
    while (i < s->n && axis_ok(ax, s->x[i]) && axis_ok(ay, s->y[i])) i++;
    if (i > a) {
      if (!e.pen.started) fputs("<path d=\"", f);
      emit_segment(&e, a, i);
    }
  }
  if (e.pen.started) fputs("\"/>\n", f);
  fputs("</g>\n", f);
}

/* A rectangle in pixels. */
typedef struct box {
  double x0, y0, x1, y1;
} box;

/* Whether the segment p-q meets box b (Liang-Barsky clipping). */
static int segment_meets(double px, double py, double qx, double qy, const box *b) {
  double t0 = 0, t1 = 1, d[2] = {qx - px, qy - py};
  double lo[2] = {b->x0 - px, b->y0 - py}, hi[2] = {b->x1 - px, b->y1 - py};
  for (int k = 0; k < 2; k++) {
    if (d[k] == 0) {
      if (lo[k] > 0 || hi[k] < 0) return 0;
      continue;
    }
    double a = lo[k] / d[k], c = hi[k] / d[k];
    if (a > c) {
      double t = a;
      a = c;
      c = t;
    }
    t0 = fmax(t0, a);
    t1 = fmin(t1, c);
    if (t0 > t1) return 0;
  }
  return 1;
}

/* Length of a label in code points, a fair estimate of its width. */
static size_t text_len(const char *l) {
  size_t len = 0;
  for (const unsigned char *q = (const unsigned char *)l; *q; q++)
    if ((*q & 0xC0) != 0x80) len++;
  return len;
}

/* Where a marker is drawn: its line's x and its label's box. */
typedef struct marker_at {
  double x;
  box label;
  int left; /* the label is left of the line */
} marker_at;

/* Place marker k of panel pn in the plot area pa, its label (if any) in row
 * `row` of the stack at the top; 0 when it is not drawn (outside the axis). */
static int marker_place(const svg_panel *pn, size_t k, const axis *ax, const box *pa, size_t row,
                        marker_at *m) {
  const svg_marker *mk = &pn->markers[k];
  if (!axis_ok(ax, mk->x)) return 0;
  m->x = axis_px(ax, mk->x);
  if (!(m->x >= pa->x0 - 0.05 && m->x <= pa->x1 + 0.05)) return 0;
  double w = mk->label ? CHAR_W * (double)text_len(mk->label) : 0, y = pa->y0 + 6 + 15 * (double)row;
  m->left = m->x + 4 + w > pa->x1 - 2;
  m->label = m->left ? (box){m->x - 4 - w, y, m->x - 4, y + 12} : (box){m->x + 4, y, m->x + 4 + w, y + 12};
  return 1;
}

/* How much a legend in box b would hide: a marker (line or label) counts as
 * much as this many pieces of data. */
#define MARKER_WEIGHT 1000

/* How much of the data box b hides: segments of lines and markers it meets,
 * and the panel's markers in plot area pa. */
static size_t legend_cover(const svg_panel *pn, const axis *ax, const axis *ay, const box *pa,
                           const box *b) {
  size_t hits = 0;
  for (size_t s = 0; s < pn->nseries; s++) {
    const svg_series *se = &pn->series[s];
    int line = se->style != FSLAW_SVG_MARKERS, prev = 0;
    double px = 0, py = 0;
    for (size_t i = 0; i < se->n; i++) {
      int ok = axis_ok(ax, se->x[i]) && axis_ok(ay, se->y[i]);
      double x = ok ? axis_px(ax, se->x[i]) : 0, y = ok ? axis_px(ay, se->y[i]) : 0;
      if (ok && (line ? prev : 1)) hits += segment_meets(line ? px : x, line ? py : y, x, y, b);
      prev = ok;
      px = x;
      py = y;
    }
  }
  marker_at m;
  for (size_t k = 0, row = 0; k < pn->nmarkers; k++) {
    if (!marker_place(pn, k, ax, pa, row, &m)) continue;
    hits += MARKER_WEIGHT * (size_t)segment_meets(m.x, pa->y0, m.x, pa->y1, b);
    if (pn->markers[k].label) {
      row++;
      hits += MARKER_WEIGHT * (size_t)(m.label.x0 < b->x1 && m.label.x1 > b->x0 &&
                                       m.label.y0 < b->y1 && m.label.y1 > b->y0);
    }
  }
  return hits;
}

/* The panel's markers: dashed vertical lines, labels stacked at the top
 * with a white halo so they read over data and grid. */
static void write_markers(FILE *f, const svg_panel *pn, const axis *ax, const box *pa) {
  char a[32], b[32], c[32], d[32];
  marker_at m;
  for (size_t k = 0, row = 0; k < pn->nmarkers; k++) {
    if (!marker_place(pn, k, ax, pa, row, &m)) continue;
    fprintf(f, "<g class=\"marker\">\n<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
               "stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n",
            num1(a, m.x), num1(b, pa->y0), num1(c, m.x), num1(d, pa->y1));
    if (pn->markers[k].label) {
      row++;
      fprintf(f, "<text x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"#333333\" "
                 "text-anchor=\"%s\" stroke=\"white\" stroke-width=\"3\" "
                 "paint-order=\"stroke\">",
              num1(a, m.left ? m.label.x1 : m.label.x0), num1(b, m.label.y1 - 2),
              m.left ? "end" : "start");
      xml_text(f, pn->markers[k].label);
      fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
  }
}

/* Legend of the labelled series, in the corner of the plot area where it
 * hides the least data (top right when all are equal). */
static void write_legend(FILE *f, const svg_panel *pn, const axis *ax, const axis *ay,
                         const box *pa) {
  double left = pa->x0, right = pa->x1, top = pa->y0, bottom = pa->y1;
  size_t rows = 0, maxlen = 0;
  for (size_t s = 0; s < pn->nseries; s++) {
    const char *l = pn->series[s].label;
    if (!l) continue;
    size_t len = text_len(l);
    if (len > maxlen) maxlen = len;
    rows++;
  }
  if (rows == 0) return;
  char a[32], b[32], c[32], d[32];
  double w = 42 + 6.2 * (double)(maxlen > 80 ? 80 : maxlen), h = 8 + 16 * (double)rows;
  double xs[2] = {fmax(right - w - 6, left + 2), left + 6}, ys[2] = {top + 6, bottom - h - 6};
  double x = xs[0], y = ys[0];
  size_t least = SIZE_MAX;
  for (int corner = 0; corner < 4 && least; corner++) { /* TR, TL, BR, BL */
    box bx = {xs[corner & 1], ys[corner >> 1], xs[corner & 1] + w, ys[corner >> 1] + h};
    size_t hits = legend_cover(pn, ax, ay, pa, &bx);
    if (hits < least) {
      least = hits;
      x = bx.x0;
      y = bx.y0;
    }
  }
  fprintf(f, "<g class=\"legend\">\n<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
             "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbbbbb\"/>\n",
          num1(a, x), num1(b, y), num1(c, w), num1(d, h));
  size_t row = 0;
  for (size_t s = 0; s < pn->nseries; s++) {
    const svg_series *se = &pn->series[s];
    if (!se->label) continue;
    const char *col = palette[se->color % PALETTE_N];
    double ry = y + 12 + 16 * (double)row++;
    if (se->style == FSLAW_SVG_MARKERS)
      fprintf(f, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\" fill-opacity=\"" DOT_OPACITY
                 "\"/>\n", num1(a, x + 17),
              num1(b, ry), col);
    else
      fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                 "stroke-width=\"1.5\"%s/>\n",
              num1(a, x + 6), num1(b, ry), num1(c, x + 28), num1(d, ry), col,
              dash_attr(se->style));
    fprintf(f, "<text x=\"%s\" y=\"%s\" font-size=\"11\">", num1(a, x + 34), num1(b, ry + 4));
    xml_text(f, se->label);
    fputs("</text>\n", f);
  }
  fputs("</g>\n", f);
}

static void write_panel(FILE *f, const fslaw_svg *svg, size_t p) {
  const svg_panel *pn = &svg->panels[p];
  char a[32], b[32], c[32], d[32];
  double top = (double)p * svg->panel_height + MARGIN_TOP;
  double pw = fmax(svg->width - MARGIN_LEFT - MARGIN_RIGHT, MIN_PLOT);
  double ph = fmax(svg->panel_height - MARGIN_TOP - MARGIN_BOTTOM, MIN_PLOT);
  double left = MARGIN_LEFT, right = left + pw, bottom = top + ph;
  axis ax = {pn->xlog, 0, 0, 1, left, pw}, ay = {pn->ylog, 1, 0, 1, top, ph};
  panel_ranges(pn, &ax, &ay);
  tick xt[MAX_TICKS], yt[MAX_TICKS];
  size_t nx = axis_ticks(&ax, xt), ny = axis_ticks(&ay, yt);

  fprintf(f, "<g id=\"panel%zu\">\n", p);
  /* Grid first so data and frame are drawn over it. */
  fputs("<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n", f);
  for (size_t i = 0; i < nx; i++) {
    double x = axis_px_unit(&ax, xt[i].t);
    fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", num1(a, x), num1(b, top),
            num1(c, x), num1(d, bottom));
  }
  for (size_t i = 0; i < ny; i++) {
    double y = axis_px_unit(&ay, yt[i].t);
    fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", num1(a, left), num1(b, y),
            num1(c, right), num1(d, y));
  }
  fputs("</g>\n", f);

  /* Tick marks and labels, outside the frame. */
  fputs("<g stroke=\"#333333\" stroke-width=\"1\">\n", f);
  for (size_t i = 0; i < nx; i++) {
    double x = axis_px_unit(&ax, xt[i].t);
    fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", num1(a, x),
            num1(b, bottom), num1(c, x), num1(d, bottom + 5));
  }
  for (size_t i = 0; i < ny; i++) {
    double y = axis_px_unit(&ay, yt[i].t);
    fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", num1(a, left - 5),
            num1(b, y), num1(c, left), num1(d, y));
  }
  fputs("</g>\n<g font-size=\"11\" fill=\"#333333\">\n", f);
  for (size_t i = 0; i < nx; i++)
    fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>\n",
            num1(a, axis_px_unit(&ax, xt[i].t)), num1(b, bottom + 18), xt[i].label);
  for (size_t i = 0; i < ny; i++)
    fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>\n", num1(a, left - 8),
            num1(b, axis_px_unit(&ay, yt[i].t) + 4), yt[i].label);
  fputs("</g>\n", f);

  /* Dots under lines: a fit stays visible over a dense cloud of its data. */
  for (int lines = 0; lines < 2; lines++)
    for (size_t s = 0; s < pn->nseries; s++)
      if ((pn->series[s].style != FSLAW_SVG_MARKERS) == lines)
        write_series(f, &ax, &ay, &pn->series[s], p, s);

  fprintf(f, "<rect class=\"frame\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
             "fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n",
          num1(a, left), num1(b, top), num1(c, pw), num1(d, ph));
  box pa = {left, top, right, bottom};
  write_markers(f, pn, &ax, &pa);
  write_legend(f, pn, &ax, &ay, &pa);

  if (pn->title) {
    fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"14\" "
               "font-weight=\"bold\">",
            num1(a, left + pw / 2), num1(b, top - 10));
    xml_text(f, pn->title);
    fputs("</text>\n", f);
  }
  if (pn->xlabel) {
    fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"12\">",
            num1(a, left + pw / 2), num1(b, bottom + 36));
    xml_text(f, pn->xlabel);
    fputs("</text>\n", f);
  }
  if (pn->ylabel) {
    num1(a, 16);
    num1(b, top + ph / 2);
    fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"12\" "
               "transform=\"rotate(-90 %s %s)\">",
            a, b, a, b);
    xml_text(f, pn->ylabel);
    fputs("</text>\n", f);
  }
  fputs("</g>\n", f);
}

fslaw_status fslaw_svg_write(const fslaw_svg *svg, FILE *f, fslaw_error *err) {
  if (!svg) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_write: svg is NULL");
  if (!f) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_write: f is NULL");
  char w[32], h[32];
  num1(w, svg->width);
  num1(h, svg->panel_height * (double)svg->npanels);
  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" "
          "viewBox=\"0 0 %s %s\" font-family=\"sans-serif\">\n<title>",
          w, h, w, h);
  /* Document title: the panel titles joined, for viewers that show it. */
  int any = 0;
  for (size_t p = 0; p < svg->npanels; p++) {
    const char *t = svg->panels[p].title;
    if (!t || !*t) continue;
    if (any) fputs(" | ", f);
    xml_text(f, t);
    any = 1;
  }
  if (!any) fputs("fslaw figure", f);
  fprintf(f, "</title>\n<rect width=\"%s\" height=\"%s\" fill=\"white\"/>\n", w, h);
  for (size_t p = 0; p < svg->npanels; p++) write_panel(f, svg, p);
  fputs("</svg>\n", f);
  if (fflush(f) != 0 || ferror(f))
    return fslaw_fail(err, FSLAW_EIO, "fslaw_svg_write: writing the SVG failed");
  return FSLAW_OK;
}
