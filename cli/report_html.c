/* report_html.c: the self-contained HTML report page (see report_html.h).
 *
 * Charts are drawn by the library's SVG writer, once per axis-scale variant,
 * and inlined with their element ids prefixed so they stay unique on the
 * page. The script (report_js.h) finds its way from pixels back to data by
 * calibrating each variant on the drawn ends of its series, so it never
 * repeats the SVG writer's layout rules. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h> /* strncasecmp */
#include <sys/stat.h>

#include "report_html.h"
#include "report_js.h"

/* Curves keep, for hover (and for drawing smooth charts), the lowest and
 * highest point of each of this many equal steps of x and as many of log x:
 * enough to point at, light enough for 20 long runs, and a drawn peak or dip
 * is the true one. */
#define CURVE_BUCKETS 300
/* Scatters of up to this many points keep every point (one dot per row). */
#define SCATTER_ALL 1000
/* Larger scatters keep one point per cell of this many pixels in every scale
 * the chart offers: 5 px dots closer than that are not seen apart. */
#define CELL_PX 2.5

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:1000px;margin:1em auto;"
    "padding:0 1em}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:.5em 0;font-size:13px}\n"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
    "td.num{font-family:ui-monospace,monospace;text-align:right}td{white-space:nowrap}\n"
    ".wide{overflow-x:auto}\n"
    "tr.mean td{font-weight:bold;background:#f4f4f4}\n"
    "pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}\n"
    "figure.chart{position:relative;margin:1em 0}\n"
    "figure.chart svg{max-width:100%;height:auto;display:block}\n"
    ".variant{display:none}.variant.on{display:block}\n"
    ".ctl{font-size:13px;margin-bottom:2px}.ctl label{margin-right:1em}\n"
    ".tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #888;"
    "padding:3px 6px;font:12px ui-monospace,monospace;white-space:pre;z-index:2}\n"
    "figcaption{font-size:13px;color:#444}\n"
    ".role-train{color:#1a5}.role-held{color:#a51}\n"
    /* notes on extrapolation: seen at a glance, next to what they concern */
    ".notes{border-left:4px solid #d90;background:#fff7e0;padding:.2em .9em;margin:1em 0}\n"
    ".notes ul{margin:.3em 0;padding-left:1.2em}.notes li{margin:.25em 0}\n"
    "a.flag{color:#b60;font-size:12px;text-decoration:none;white-space:nowrap}\n"
    /* long names and lists wrap rather than push a table past the page */
    "td.name,td.wrap,table.fit td{white-space:normal;overflow-wrap:anywhere}\n"
    "td.name small{color:#666}table.fit th{white-space:nowrap;vertical-align:top}\n";

void rep_text(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

/* The head an existing --out must begin with (cli_check_outputs): an HTML
 * page, "<!DOCTYPE html>" as every page here begins, or "<html" (either in
 * any case); NULL (any head) when it is one. */
const char *report_html_head(const char *path) {
  char b[10] = {0};
  struct stat st; /* a regular file only: opening a pipe to read would wait for a writer */
  FILE *f = path && !stat(path, &st) && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
  if (f) {
    size_t n = fread(b, 1, 9, f);
    b[n] = '\0';
    fclose(f);
  }
  return !strncasecmp(b, "<!DOCTYPE", 9) || !strncasecmp(b, "<html", 5) ? NULL : "<!DOCTYPE";
}

void rep_begin(rep_html *h, FILE *f, const char *title) {
  h->f = f;
  h->ncharts = 0;
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>",
        f);
  rep_text(f, title);
  fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
  rep_text(f, title);
  fputs("</h1>\n", f);
}

void rep_end(rep_html *h) {
  fprintf(h->f, "<p><small>written by fslaw %s</small></p>\n<script>\n%s</script>\n",
          fslaw_version(), rep_js);
  fputs("</body>\n</html>\n", h->f);
}

/* A JSON string; '<', '>' and '&' escaped too so no text can end the script. */
static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

/* Eight digits are plenty on screen (and keep steps below 1e8 exact); the
 * tables carry the exact numbers. */
static void json_num(FILE *f, double v) {
  if (isfinite(v)) fprintf(f, "%.8g", v);
  else fputs("null", f);
}

static int drawable(double v, int lg) { return isfinite(v) && (!lg || v > 0); }
static double unit(double v, int lg) { return lg ? log(v) : v; }
static int is_marker(const rep_series *s) {
  return (s->style & ~FSLAW_SVG_SAME_COLOR) == FSLAW_SVG_MARKERS;
}

/* Mark the first and last point drawable on each kind of axes: the script
 * calibrates on them against the ends the SVG writer drew. */
static void mark_ends(const double *x, const double *y, size_t n, unsigned char *mark) {
  for (int c = 0; c < 4; c++) {
    size_t first = n, last = 0;
    for (size_t i = 0; i < n; i++)
      if (drawable(x[i], c & 1) && drawable(y[i], c >> 1)) {
        if (first == n) first = i;
        last = i;
      }
    if (first < n) mark[first] = mark[last] = 1;
  }
}

/* Mark the lowest and highest point of each of CURVE_BUCKETS equal steps of
 * x (of log x when xl); x does not decrease, so a bucket's points are
 * consecutive. */
static void mark_extremes(const double *x, const double *y, size_t n, int xl,
                          unsigned char *mark) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (drawable(x[i], xl) && isfinite(y[i])) {
      lo = fmin(lo, unit(x[i], xl));
      hi = fmax(hi, unit(x[i], xl));
    }
  double w = (hi - lo) / CURVE_BUCKETS;
  long cur = -1;
  size_t a = 0, b = 0; /* the bucket's lowest and highest point */
  for (size_t i = 0; i < n; i++) {
    if (!drawable(x[i], xl) || !isfinite(y[i])) continue;
    long k = w > 0 ? (long)((unit(x[i], xl) - lo) / w) : 0;
    if (k >= CURVE_BUCKETS) k = CURVE_BUCKETS - 1; /* the last point: not a bucket of its own */
    if (k != cur) {
      if (cur >= 0) mark[a] = mark[b] = 1;
      cur = k;
      a = b = i;
    }
    if (y[i] < y[a]) a = i;
    if (y[i] > y[b]) b = i;
  }
  if (cur >= 0) mark[a] = mark[b] = 1;
}

/* Mark the first point of each occupied cell of a grid of CELL_PX pixels
 * over the points drawable with scales (xl, yl). The grid spans this series'
 * points, which the chart's axes span or exceed: cells are never wider. */
static int mark_cells(const double *x, const double *y, size_t n, const rep_chart *c, int xl,
                      int yl, unsigned char *mark) {
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (size_t i = 0; i < n; i++)
    if (drawable(x[i], xl) && drawable(y[i], yl)) {
      double u[2] = {unit(x[i], xl), unit(y[i], yl)};
      for (int a = 0; a < 2; a++) {
        lo[a] = fmin(lo[a], u[a]);
        hi[a] = fmax(hi[a], u[a]);
      }
    }
  size_t g[2] = {(size_t)(c->width / CELL_PX) + 1, (size_t)(c->height / CELL_PX) + 1};
  unsigned char *seen = calloc(g[0] * g[1], 1);
  if (!seen) return 1;
  for (size_t i = 0; i < n; i++) {
    if (!drawable(x[i], xl) || !drawable(y[i], yl)) continue;
    double u[2] = {unit(x[i], xl), unit(y[i], yl)};
    size_t cell[2];
    for (int a = 0; a < 2; a++)
      cell[a] = hi[a] > lo[a] ? (size_t)((u[a] - lo[a]) / (hi[a] - lo[a]) * (double)(g[a] - 1)) : 0;
    unsigned char *taken = &seen[cell[0] * g[1] + cell[1]];
    mark[i] |= !*taken;
    *taken = 1;
  }
  free(seen);
  return 0;
}

/* Which points of series s to keep for display, into keep (ascending); how
 * many, or (size_t)-1 when out of memory. Scatters keep every point, or
 * above SCATTER_ALL one per pixel cell in each scale the chart offers;
 * curves above 2 CURVE_BUCKETS points keep each bucket's extremes and the
 * ends. */
static size_t thin(const rep_chart *c, const rep_series *s, size_t *keep) {
  size_t n = s->n, k = 0;
  int marker = is_marker(s);
  if (n <= (marker ? SCATTER_ALL : 2 * CURVE_BUCKETS)) {
    for (size_t i = 0; i < n; i++) keep[i] = i;
    return n;
  }
  unsigned char *mark = calloc(n, 1);
  int oom = !mark;
  for (int dx = 0; !oom && marker && dx <= (c->xtoggle != 0); dx++)
    for (int dy = 0; !oom && dy <= (c->ytoggle != 0); dy++)
      oom = mark_cells(s->x, s->y, n, c, (c->xlog != 0) ^ dx, (c->ylog != 0) ^ dy, mark);
  if (!oom && !marker) {
    mark_ends(s->x, s->y, n, mark);
    mark_extremes(s->x, s->y, n, 0, mark);
    mark_extremes(s->x, s->y, n, 1, mark);
  }
  for (size_t i = 0; !oom && i < n; i++)
    if (mark[i]) keep[k++] = i;
  free(mark);
  return oom ? (size_t)-1 : k;
}

/* The points of series s kept for display, into the caller's arrays. */
typedef struct thinned {
  size_t *idx; /* kept indices */
  size_t n;    /* how many */
} thinned;

/* Copy the SVG in `tmp` to f without its XML declaration, prefixing every
 * id with `pre` so several charts (and variants) can share a page. */
static void copy_svg(FILE *f, FILE *tmp, const char *pre) {
  static const char pat[] = " id=\"";
  size_t m = 0;
  rewind(tmp);
  int c = getc(tmp), d = c == '<' ? getc(tmp) : EOF;
  if (c == '<' && d == '?') { /* skip "<?xml ...?>\n" */
    while ((c = getc(tmp)) != EOF && c != '\n') {}
  } else {
    if (c != EOF) fputc(c, f);
    if (d != EOF) fputc(d, f);
  }
  while ((c = getc(tmp)) != EOF) {
    fputc(c, f);
    m = c == pat[m] ? m + 1 : c == pat[0];
    if (m == sizeof pat - 1) {
      fputs(pre, f);
      m = 0;
    }
  }
}

/* The points handed to the SVG writer: a line's every point, unless the
 * chart is smooth; else the kept ones. Dots go in runs no longer than the
 * chart is wide, split by a NaN: the writer thins a run longer than twice
 * the plot's width (to one dot per 1.5 px cell), and every kept dot must be drawn (the script matches
 * dots to the hover data one for one). *x, *y are NULL for every point. */
static fslaw_status drawn_points(const rep_chart *c, const rep_series *s, const thinned *t,
                                 double **x, double **y, size_t *n, fslaw_error *err) {
  *x = *y = NULL;
  *n = s->n;
  if (!is_marker(s) && !c->smooth) return FSLAW_OK;
  size_t run = (size_t)c->width > 1 ? (size_t)c->width : 1, m = t->n + t->n / run + 1;
  *x = malloc(m * sizeof **x);
  *y = malloc(m * sizeof **y);
  if (!*x || !*y)
    return (snprintf(err->msg, sizeof err->msg, "out of memory"), FSLAW_ENOMEM);
  *n = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (is_marker(s) && i && i % run == 0) {
      (*x)[*n] = (*y)[*n] = NAN;
      ++*n;
    }
    (*x)[*n] = s->x[t->idx[i]];
    (*y)[(*n)++] = s->y[t->idx[i]];
  }
  return FSLAW_OK;
}

/* One variant: the chart drawn with the given scales, inlined. */
static fslaw_status write_variant(rep_html *h, const rep_chart *c, const rep_series *s,
                                  size_t ns, const thinned *kept, int xlog, int ylog, int on,
                                  size_t v, fslaw_error *err) {
  fslaw_svg *svg = fslaw_svg_create(1, c->width, c->height);
  if (!svg) return (snprintf(err->msg, sizeof err->msg, "out of memory"), FSLAW_ENOMEM);
  fslaw_status st = fslaw_svg_panel(svg, 0, c->title, c->xlabel, c->ylabel, xlog, ylog, err);
  for (size_t k = 0; !st && k < ns; k++) {
    double *tx, *ty;
    size_t n;
    st = drawn_points(c, &s[k], &kept[k], &tx, &ty, &n, err);
    if (!st)
      st = fslaw_svg_series(svg, 0, s[k].label, tx ? tx : s[k].x, ty ? ty : s[k].y, n,
                            s[k].style, err);
    free(tx);
    free(ty);
  }
  FILE *tmp = st ? NULL : tmpfile();
  if (!st && !tmp) {
    st = FSLAW_EIO;
    snprintf(err->msg, sizeof err->msg, "cannot create a temporary file for a chart");
  }
  if (!st) st = fslaw_svg_write(svg, tmp, err);
  if (!st) {
    char pre[48];
    snprintf(pre, sizeof pre, "c%zu-v%zu-", h->ncharts, v);
    /* Other variants are raw text until shown: only the visible charts
     * are parsed into the page when it loads. */
    fprintf(h->f, "<%s class=\"variant%s\" data-v=\"%d%d\" data-pre=\"%s\"%s>\n",
            on ? "div" : "script", on ? " on" : "-src", xlog, ylog, pre,
            on ? "" : " type=\"text/x-svg\"");
    copy_svg(h->f, tmp, pre);
    fputs(on ? "</div>\n" : "</script>\n", h->f);
  }
  if (tmp) fclose(tmp);
  fslaw_svg_destroy(svg);
  return st;
}

/* The first series before k whose kept x are those of series k (runs logged
 * at the same steps), or k when there is none. */
static size_t same_x(const rep_series *s, const thinned *kept, size_t k) {
  for (size_t j = 0; j < k; j++) {
    if (kept[j].n != kept[k].n || !kept[k].n) continue;
    size_t i = 0;
    while (i < kept[k].n && s[j].x[kept[j].idx[i]] == s[k].x[kept[k].idx[i]]) i++;
    if (i == kept[k].n) return j;
  }
  return k;
}

/* The hover data of a chart: its default scales and every series, thinned.
 * A series whose x are those of an earlier one says so by its number
 * ("x":3), which the script resolves: most runs of a page share their steps. */
static void write_data(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns,
                       const thinned *kept) {
  FILE *f = h->f;
  long probe = -1;
  fprintf(f, "<script type=\"application/json\" id=\"c%zu-data\">{\"xname\":", h->ncharts);
  json_str(f, c->xlabel);
  fprintf(f, ",\"xlog\":%d,\"ylog\":%d,\"series\":[", c->xlog != 0, c->ylog != 0);
  for (size_t k = 0; k < ns; k++) {
    int marker = is_marker(&s[k]);
    const thinned *t = &kept[k];
    if (marker && probe < 0 && t->n) probe = (long)k;
    fputs(k ? ",\n{\"name\":" : "\n{\"name\":", f);
    json_str(f, s[k].name);
    fputs(",\"yname\":", f);
    json_str(f, s[k].yname);
    fprintf(f, ",\"marker\":%d", marker);
    const double *arr[2] = {s[k].x, s[k].y};
    size_t sx = same_x(s, kept, k);
    if (sx < k) fprintf(f, ",\"x\":%zu", sx);
    for (int a = sx < k; a < 2; a++) {
      fputs(a ? ",\"y\":[" : ",\"x\":[", f);
      for (size_t i = 0; i < t->n; i++) {
        if (i) fputc(',', f);
        json_num(f, arr[a][t->idx[i]]);
      }
      fputc(']', f);
    }
    fputs(",\"cols\":[", f);
    for (size_t j = 0, w = 0; j < REP_MAX_COLS; j++) {
      if (!s[k].col[j].name) continue;
      fputs(w++ ? ",[" : "[", f);
      json_str(f, s[k].col[j].name);
      fputs(",[", f);
      for (size_t i = 0; i < t->n; i++) {
        if (i) fputc(',', f);
        json_num(f, s[k].col[j].v[t->idx[i]]);
      }
      fputs("]]", f);
    }
    fputs("]}", f);
  }
  fprintf(f, "],\"probe\":%ld}</script>\n", probe);
}

static void free_thinned(thinned *t, size_t n) {
  for (size_t k = 0; t && k < n; k++) free(t[k].idx);
  free(t);
}

/* The points of every series kept for display (drawing and hover data). */
static fslaw_status thin_all(const rep_chart *c, const rep_series *s, size_t ns, thinned *kept,
                             fslaw_error *err) {
  for (size_t k = 0; k < ns; k++) {
    kept[k].idx = malloc((s[k].n + 1) * sizeof *kept[k].idx);
    kept[k].n = kept[k].idx ? thin(c, &s[k], kept[k].idx) : (size_t)-1;
    if (kept[k].n == (size_t)-1)
      return (snprintf(err->msg, sizeof err->msg, "out of memory"), FSLAW_ENOMEM);
  }
  return FSLAW_OK;
}

static void write_toggles(FILE *f, const rep_chart *c) {
  if (!c->xtoggle && !c->ytoggle) return;
  fputs("<div class=\"ctl\" hidden>", f);
  if (c->xtoggle)
    fprintf(f, "<label><input type=\"checkbox\" data-axis=\"x\"%s> log x</label>",
            c->xlog ? " checked" : "");
  if (c->ytoggle)
    fprintf(f, "<label><input type=\"checkbox\" data-axis=\"y\"%s> log y</label>",
            c->ylog ? " checked" : "");
  fputs("</div>\n", f);
}

fslaw_status rep_chart_write(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns,
                             fslaw_error *err) {
  thinned *kept = calloc(ns + 1, sizeof *kept);
  fslaw_status st = !kept ? FSLAW_ENOMEM : thin_all(c, s, ns, kept, err);
  if (st == FSLAW_ENOMEM) snprintf(err->msg, sizeof err->msg, "out of memory");
  if (!st) {
    fprintf(h->f, "<figure class=\"chart\" id=\"c%zu\">\n", h->ncharts);
    write_toggles(h->f, c);
  }
  /* The default variant first (visible without scripts), then the others. */
  size_t v = 0;
  for (int dx = 0; !st && dx <= (c->xtoggle != 0); dx++)
    for (int dy = 0; !st && dy <= (c->ytoggle != 0); dy++) {
      int xl = (c->xlog != 0) ^ dx, yl = (c->ylog != 0) ^ dy;
      st = write_variant(h, c, s, ns, kept, xl, yl, v == 0, v, err);
      v++;
    }
  if (!st) {
    fputs("<div class=\"tip\" hidden></div>\n", h->f);
    if (c->caption) {
      fputs("<figcaption>", h->f);
      rep_text(h->f, c->caption);
      fputs("</figcaption>\n", h->f);
    }
    fputs("</figure>\n", h->f);
    write_data(h, c, s, ns, kept);
    if (ferror(h->f)) {
      st = FSLAW_EIO;
      snprintf(err->msg, sizeof err->msg, "writing the report failed");
    }
  }
  free_thinned(kept, ns);
  h->ncharts++;
  return st;
}
