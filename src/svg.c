/* svg.c: a small dependency-free SVG chart writer (see fslaw/svg.h).
 *
 * Each panel gets a frame, title, axis labels, ticks with labels, a light
 * grid, its series and a legend. All user text goes through xml_text() so
 * the document stays well-formed whatever the labels contain, and numbers
 * are formatted without depending on LC_NUMERIC. A series is one <path>
 * with coordinates to 0.1 px, relative after the first, so the file stays
 * small: long series are first thinned per pixel column (min and max kept
 * in their original order, so spikes and jumps remain visible), then a
 * line's vertices are thinned in 2-D where that changes nothing seen (see
 * thinner). */
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

typedef struct svg_panel {
  char *title, *xlabel, *ylabel;
  int xlog, ylog;
  svg_series *series;
  size_t nseries, cap;
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
                              fslaw_svg_style style, fslaw_error *err) {
  if (!svg) return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: svg is NULL");
  if (p >= svg->npanels)
    return fslaw_fail(err, FSLAW_EINVAL,
                      "fslaw_svg_series: panel %zu out of range (figure has %zu panels)",
                      p, svg->npanels);
  if (n > 0 && !x)
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: x is NULL with n = %zu", n);
  if (n > 0 && !y)
    return fslaw_fail(err, FSLAW_EINVAL, "fslaw_svg_series: y is NULL with n = %zu", n);
  int same = (style & FSLAW_SVG_SAME_COLOR) != 0;
  style = (fslaw_svg_style)(style & ~FSLAW_SVG_SAME_COLOR);
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

/* Short tick label: %g with `prec` significant digits, a '.' decimal point
 * and a compact exponent ("1e+06" -> "1e6", "2.5e-05" -> "2.5e-5"). */
static void fmt_num(char *buf, size_t size, double v, int prec) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*g", prec, v);
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

/* "Nice" 1-2-5 ticks covering [lo, hi] (values, not axis units). */
static size_t nice_ticks(double lo, double hi, tick *out, size_t max) {
  double raw = (hi / 2 - lo / 2) / 2.5; /* aim at about five intervals */
  if (!(raw > 0) || !isfinite(raw)) return 0;
  double base = pow(10, floor(log10(raw)));
  double fr = raw / base;
  double step = (fr < 1.5 ? 1 : fr < 3 ? 2 : fr < 7 ? 5 : 10) * base;
  if (!isfinite(step) || !(step > 0)) return 0;
  double i0 = ceil(lo / step);
  if (!isfinite(i0) || fabs(i0) > 1e15) return 0; /* span below double resolution */
  double maxabs = fmax(fabs(lo), fabs(hi));
  int digits = (int)floor(log10(maxabs)) - (int)floor(log10(step)) + 1;
  int prec = digits < 6 ? 6 : digits > 17 ? 17 : digits;
  size_t n = 0;
  for (int it = 0; it < 2 * MAX_TICKS && n < max; it++) {
    double v = (i0 + it) * step;
    if (v > hi) break;
    if (v < lo) continue;
    if (fabs(v) < step * 1e-9) v = 0; /* no "-0" or 1e-17 labels */
    out[n].t = v;
    fmt_num(out[n].label, TICK_LABEL, v, prec);
    n++;
  }
  return n;
}

/* Label of 10^k: plain decimals for moderate k, else "1eK". */
static void decade_label(char *buf, size_t size, int k) {
  if (k >= -3 && k <= 4) fmt_num(buf, size, pow(10, k), 6);
  else snprintf(buf, size, "1e%d", k);
}

/* Ticks of an axis, positions in axis units. Log axes use decades (every
 * few decades if there are many), then 1-2-5 within a short range, then
 * linear nice ticks when even those are too few. */
static size_t axis_ticks(const axis *a, tick *out) {
  if (!a->log) return nice_ticks(a->lo, a->hi, out, MAX_TICKS);
  size_t n = 0;
  int d0 = (int)ceil(a->lo - 1e-9), d1 = (int)floor(a->hi + 1e-9);
  if (d1 - d0 + 1 >= 2) {
    int stride = (d1 - d0 + 8) / 8; /* at most ~8 labelled decades */
    /* Multiples of the stride, so the labels read 1e-6, 0.01, 100, ... */
    int k = (int)(ceil((double)d0 / stride) * stride);
    for (; k <= d1 && n < MAX_TICKS; k += stride) {
      out[n].t = k;
      decade_label(out[n].label, TICK_LABEL, k);
      n++;
    }
    return n;
  }
  static const double mant[3] = {1, 2, 5};
  for (int k = (int)floor(a->lo); k <= (int)ceil(a->hi) && n < MAX_TICKS; k++) {
    for (int m = 0; m < 3 && n < MAX_TICKS; m++) {
      double t = k + log10(mant[m]);
      if (t < a->lo || t > a->hi) continue;
      out[n].t = t;
      if (m == 0) decade_label(out[n].label, TICK_LABEL, k);
      else fmt_num(out[n].label, TICK_LABEL, mant[m] * pow(10, k), 6);
      n++;
    }
  }
  if (n >= 2) return n;
  n = nice_ticks(pow(10, a->lo), pow(10, a->hi), out, MAX_TICKS);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(out[i].t > 0)) continue;
    out[kept] = out[i];
    out[kept].t = log10(out[i].t);
    kept++;
  }
  return kept;
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

/* Writes the points of one series, one segment at a time: a marker as a dot
 * of its own, a line's vertices through the thinner. */
typedef struct emitter {
  const axis *ax, *ay;
  const svg_series *s;
  pen pen;
  thinner thin;
  size_t count, last; /* points taken in this segment, last index taken */
} emitter;

static void emit_point(emitter *e, size_t i) {
  if (e->count > 0 && e->last == i) return;
  long long x = tenths(axis_px(e->ax, e->s->x[i])), y = tenths(axis_px(e->ay, e->s->y[i]));
  if (e->s->style == FSLAW_SVG_MARKERS) {
    pen_move(&e->pen, x, y);
    pen_dot(&e->pen);
  } else {
    thin_vertex(&e->thin, x, y);
  }
  e->count++;
  e->last = i;
}

/* One pixel-column bucket: its lowest and highest point in index order, so
 * the line still passes through every extreme and jumps stay visible. */
static void emit_bucket(emitter *e, size_t lo, size_t hi) {
  emit_point(e, lo < hi ? lo : hi);
  emit_point(e, lo < hi ? hi : lo);
}

/* Points a..b-1, all drawable. Short segments are taken whole; longer ones
 * keep at most the min and max of each pixel column (plus the segment's
 * first and last point), i.e. about two points per column. */
static void emit_segment(emitter *e, size_t a, size_t b) {
  const double *y = e->s->y;
  e->count = 0;
  if ((double)(b - a) <= 2 * e->ax->len + 2) {
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
  if (e->s->style != FSLAW_SVG_MARKERS) thin_end(&e->thin);
}

static const char *dash_attr(fslaw_svg_style st) {
  return st == FSLAW_SVG_DASHED ? " stroke-dasharray=\"6 4\"" : "";
}

/* A series is one <path>: a line's segments are its subpaths, a marker's
 * dots zero-length subpaths drawn by round caps 5 px wide (the size of the
 * legend's sample dot). */
static void write_series(FILE *f, const axis *ax, const axis *ay, const svg_series *s,
                         size_t p, size_t k) {
  int dots = s->style == FSLAW_SVG_MARKERS;
  fprintf(f, "<g id=\"p%zu-s%zu\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" "
             "stroke-linecap=\"round\"%s%s>\n",
          p, k, palette[s->color % PALETTE_N], dots ? "5" : "1.5",
          dots ? "" : " stroke-linejoin=\"round\"", dash_attr(s->style));
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

/* How much of the data box b hides: segments of lines and markers it meets. */
static size_t legend_cover(const svg_panel *pn, const axis *ax, const axis *ay, const box *b) {
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
  return hits;
}

/* Legend of the labelled series, in the corner of the plot area where it
 * hides the least data (top right when all are equal). */
static void write_legend(FILE *f, const svg_panel *pn, const axis *ax, const axis *ay,
                         double left, double right, double top, double bottom) {
  size_t rows = 0, maxlen = 0;
  for (size_t s = 0; s < pn->nseries; s++) {
    const char *l = pn->series[s].label;
    if (!l) continue;
    size_t len = 0; /* code points, a fair width estimate */
    for (const unsigned char *q = (const unsigned char *)l; *q; q++)
      if ((*q & 0xC0) != 0x80) len++;
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
    size_t hits = legend_cover(pn, ax, ay, &bx);
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
      fprintf(f, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>\n", num1(a, x + 17),
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

  for (size_t s = 0; s < pn->nseries; s++) write_series(f, &ax, &ay, &pn->series[s], p, s);

  fprintf(f, "<rect class=\"frame\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
             "fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n",
          num1(a, left), num1(b, top), num1(c, pw), num1(d, ph));
  write_legend(f, pn, &ax, &ay, left, right, top, bottom);

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
