/* test_svg.c: unit test of the SVG chart writer (fslaw/svg.h).
 *
 * Writes figures into the scratch folder (argv[2]) and checks them: xmllint
 * accepts them, labels are escaped, each series is one path with the
 * expected subpaths and dots, a 72000-point series is thinned to a small
 * file while its spikes survive and every point stays within 0.2 px of the
 * drawn line, every dot of a scatter is drawn, log axes skip non-positive
 * values, and errors name the argument. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "fslaw/svg.h"

/* Must match PAD_FRAC in src/svg.c: the data range is padded by this
 * fraction of its span on each side. */
#define PAD 0.04

static char scratch[2048];

/* mkdir -p */
static int make_dirs(const char *path) {
  char buf[2048];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char c = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    buf[i] = c;
  }
  return 0;
}

static void scratch_path(char *out, size_t size, const char *name) {
  snprintf(out, size, "%s/%s", scratch, name);
}

/* Whole file as a NUL-terminated string (caller frees), NULL on error. */
static char *slurp(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = '\0';
  fclose(f);
  if (size) *size = n;
  return s;
}

static int xmllint_ok(const char *path) {
  char cmd[4200];
  if (strchr(path, '\'')) return 0; /* cannot quote it for the shell */
  snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
  return system(cmd) == 0;
}

static size_t count(const char *s, const char *sub) {
  size_t n = 0;
  for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub)) n++;
  return n;
}

/* Numeric value of attribute `name` in the first element at or after `from`. */
static double attr(const char *from, const char *name) {
  char key[64];
  snprintf(key, sizeof key, " %s=\"", name);
  const char *p = strstr(from, key);
  return p ? strtod(p + strlen(key), NULL) : NAN;
}

/* Write the figure to scratch/name and return its contents (caller frees). */
static char *write_fig(const fslaw_svg *svg, const char *name, char *path, size_t size,
                       long *bytes) {
  fslaw_error err = {{0}};
  scratch_path(path, size, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return NULL;
  fslaw_status st = fslaw_svg_write(svg, f, &err);
  CHECK(st == FSLAW_OK);
  if (st != FSLAW_OK) fprintf(stderr, "  %s: %s\n", name, err.msg);
  CHECK(fclose(f) == 0);
  char *doc = slurp(path, bytes);
  CHECK(doc != NULL);
  return doc;
}

/* The drawn points of series `id` ("p0-s0"), read from its path data as the
 * writer writes it (M absolute; m, l relative; h0 a dot): the vertices of a
 * line, or one point per dot (caller frees x, y). */
typedef struct path_pts {
  double *x, *y;
  size_t n, subpaths, dots;
} path_pts;

static void path_push(path_pts *r, size_t *cap, double x, double y) {
  if (r->n == *cap) {
    *cap = *cap ? 2 * *cap : 256;
    double *nx = realloc(r->x, *cap * sizeof *nx);
    if (nx) r->x = nx;
    double *ny = realloc(r->y, *cap * sizeof *ny);
    if (ny) r->y = ny;
    if (!nx || !ny) exit(2);
  }
  r->x[r->n] = x;
  r->y[r->n++] = y;
}

static path_pts path_points(const char *doc, const char *id) {
  path_pts r = {NULL, NULL, 0, 0, 0};
  char key[64];
  snprintf(key, sizeof key, "id=\"%s\"", id);
  const char *g = strstr(doc, key);
  const char *end = g ? strstr(g, "</g>") : NULL;
  const char *p = g ? strstr(g, " d=\"") : NULL;
  if (!p || p > end) return r;
  size_t cap = 0;
  double x = 0, y = 0;
  char cmd = 0;
  for (p += 4; *p && *p != '"';) {
    if (*p == ' ') {
      p++;
    } else if (strchr("Mmlh", *p)) {
      cmd = *p++;
      r.subpaths += cmd == 'M' || cmd == 'm';
    } else {
      char *q;
      double a = strtod(p, &q), b = 0;
      if (q == p) break;
      p = q;
      if (cmd == 'h') {
        if (a != 0) break; /* the writer uses h only for dots */
        r.dots++;
        continue;
      }
      b = strtod(p, &q);
      if (q == p) break;
      p = q;
      x = cmd == 'M' ? a : x + a;
      y = cmd == 'M' ? b : y + b;
      cmd = cmd == 'M' || cmd == 'm' ? 'l' : cmd; /* pairs after a move are lines */
      path_push(&r, &cap, x, y);
    }
  }
  CHECK(*p == '"'); /* all of it parsed */
  return r;
}

static void path_free(path_pts *r) {
  free(r->x);
  free(r->y);
}

/* Pixel y range and count of the drawn points of series `id` whose x is
 * within dx of xc, plus the first and last such x. */
typedef struct pts {
  size_t n;
  double ymin, ymax, xfirst, xlast;
} pts;

static pts drawn_points_near(const char *doc, const char *id, double xc, double dx) {
  pts r = {0, INFINITY, -INFINITY, NAN, NAN};
  path_pts pp = path_points(doc, id);
  for (size_t i = 0; i < pp.n; i++) {
    if (fabs(pp.x[i] - xc) > dx) continue;
    if (r.n == 0) r.xfirst = pp.x[i];
    r.xlast = pp.x[i];
    r.ymin = fmin(r.ymin, pp.y[i]);
    r.ymax = fmax(r.ymax, pp.y[i]);
    r.n++;
  }
  path_free(&pp);
  return r;
}

static pts drawn_points(const char *doc, const char *id) {
  return drawn_points_near(doc, id, 0, INFINITY);
}

/* Pixel axes of a panel, from its frame and the padding rule. */
typedef struct plot_box {
  double x0, y0, w, h;
} plot_box;

static plot_box frame_of(const char *from) {
  const char *f = strstr(from, "class=\"frame\"");
  plot_box r = {NAN, NAN, NAN, NAN};
  if (f) r = (plot_box){attr(f, "x"), attr(f, "y"), attr(f, "width"), attr(f, "height")};
  return r;
}

/* Distance from (px, py) to the segment a-b. */
static double seg_dist(double px, double py, double ax, double ay, double bx, double by) {
  double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return hypot(px - ax - t * dx, py - ay - t * dy);
}

/* Two panels: linear with a 72000-point series with a jump and spikes plus
 * a dashed fit; log-log with a NaN-broken line and markers. */
static void test_figure(void) {
  fslaw_error err = {{0}};
  fslaw_svg *svg = fslaw_svg_create(2, 800, 400);
  CHECK(svg != NULL);
  if (!svg) return;
  CHECK(fslaw_svg_panel(svg, 0, "Loss <&\"> 'curve'", "step", "loss", 0, 0, &err) ==
        FSLAW_OK);
  CHECK(fslaw_svg_panel(svg, 1, "log-log", "tokens", "excess loss", 1, 1, &err) == FSLAW_OK);

  enum { N = 72000 };
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  CHECK(x && y);
  if (!x || !y) {
    free(x);
    free(y);
    fslaw_svg_destroy(svg);
    return;
  }
  for (int i = 0; i < N; i++) {
    x[i] = i;
    y[i] = 3 + 0.5 * sin(i * 0.001) + 0.05 * sin(i * 0.7) - (i >= 36000 ? 1.0 : 0.0);
  }
  y[20000] = -5; /* one-sample spikes: the global extremes */
  y[50001] = 10;
  CHECK(fslaw_svg_series(svg, 0, "loss <&\">", x, y, N, FSLAW_SVG_LINE, &err) == FSLAW_OK);
  double fx[73], fy[73];
  for (int i = 0; i < 73; i++) {
    fx[i] = 986.0 * i; /* inside the long series' x range */
    fy[i] = 2.5 + 0.5 * cos(i * 0.1);
  }
  CHECK(fslaw_svg_series(svg, 0, "fit", fx, fy, 73, FSLAW_SVG_DASHED, &err) == FSLAW_OK);

  double lx[41], ly[41], mx[15], my[15];
  for (int i = 0; i < 41; i++) {
    lx[i] = pow(10, i / 10.0);
    ly[i] = pow(lx[i], -0.5);
  }
  ly[20] = NAN; /* breaks the line in two */
  for (int i = 0; i < 15; i++) {
    mx[i] = pow(10, i / 5.0);
    my[i] = 2 * pow(mx[i], -1.5);
  }
  CHECK(fslaw_svg_series(svg, 1, "power law", lx, ly, 41, FSLAW_SVG_LINE, &err) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 1, "data & points", mx, my, 15, FSLAW_SVG_MARKERS, &err) ==
        FSLAW_OK);
  /* Data are copied: scribbling over the caller's arrays changes nothing. */
  y[50001] = 0;
  y[20000] = 0;

  char path[4096];
  long bytes = 0;
  char *doc = write_fig(svg, "figure.svg", path, sizeof path, &bytes);
  fslaw_svg_destroy(svg);
  if (!doc) {
    free(x);
    free(y);
    return;
  }
  CHECK(xmllint_ok(path));
  CHECK(strncmp(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
  CHECK_HAS(doc, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" "
                 "height=\"800\" viewBox=\"0 0 800 800\"");
  CHECK_HAS(doc, "<title>Loss &lt;&amp;&quot;&gt; &apos;curve&apos; | log-log</title>");
  CHECK_HAS(doc, "font-family=\"sans-serif\"");
  CHECK_HAS(doc, ">loss &lt;&amp;&quot;&gt;</text>");
  CHECK_HAS(doc, ">data &amp; points</text>");
  CHECK(strstr(doc, "<&") == NULL);
  CHECK(strstr(doc, "nan") == NULL && strstr(doc, "inf") == NULL);
  /* One path per series: the NaN-split line is two subpaths of one path,
   * the 15 markers 15 dots of one path; the only circle is the legend's. */
  CHECK(count(doc, "<path") == 4);
  CHECK(count(doc, "<polyline") == 0);
  CHECK(count(doc, "<circle") == 1);
  path_pts split = path_points(doc, "p1-s0"), dots = path_points(doc, "p1-s1");
  CHECK(split.subpaths == 2 && split.dots == 0);
  CHECK(dots.subpaths == 15 && dots.dots == 15 && dots.n == 15);
  path_free(&split);
  path_free(&dots);
  CHECK(count(doc, "stroke-dasharray") == 2); /* the series and its legend sample */
  CHECK(count(doc, "class=\"frame\"") == 2);
  CHECK(count(doc, "class=\"legend\"") == 2);
  /* Decade labels on the log y axis (about 1.3e-4 .. 2). */
  CHECK_HAS(doc, ">1e-4</text>");
  CHECK_HAS(doc, ">0.001</text>");
  CHECK_HAS(doc, ">10000</text>");
  CHECK_HAS(doc, ">60000</text>"); /* nice linear x ticks */
  /* 13.4 kB; 25.8 kB as polylines and circles with two decimals. */
  CHECK(bytes > 0 && bytes < 16 * 1024);

  /* Coordinates are written with one decimal, hence the 0.05 px slack.
   * The spikes survive thinning: the polyline reaches exactly the pixels of
   * y = 10 and y = -5 in the padded range [-5 - 0.6, 10 + 0.6]. */
  const char *frame = strstr(doc, "class=\"frame\"");
  double fx0 = attr(frame, "x"), fy0 = attr(frame, "y");
  double fw = attr(frame, "width"), fh = attr(frame, "height");
  CHECK(fw > 600 && fh > 300);
  pts r = drawn_points(doc, "p0-s0");
  double span = 15 * (1 + 2 * PAD);
  CHECK(fabs(r.ymin - (fy0 + fh * (15 * PAD) / span)) <= 0.05 + 1e-9);
  CHECK(fabs(r.ymax - (fy0 + fh - fh * (15 * PAD) / span)) <= 0.05 + 1e-9);
  /* First and last points are kept exactly. */
  double xspan = (N - 1) * (1 + 2 * PAD);
  CHECK(fabs(r.xfirst - (fx0 + fw * (N - 1) * PAD / xspan)) <= 0.05 + 1e-9);
  CHECK(fabs(r.xlast - (fx0 + fw - fw * (N - 1) * PAD / xspan)) <= 0.05 + 1e-9);
  /* At most about two points per pixel column. */
  CHECK(r.n <= (size_t)(2 * fw) + 4);
  /* The jump at step 36000 stays a vertical drop: near its pixel column the
   * polyline spans both the value just before and just after it. */
  double xj = fx0 + fw * (36000 + (N - 1) * PAD) / xspan;
  pts j = drawn_points_near(doc, "p0-s0", xj, 1.0);
  double pre = 3 + 0.5 * sin(35999 * 0.001) + 0.05 * sin(35999 * 0.7);
  double post = 3 + 0.5 * sin(36000 * 0.001) + 0.05 * sin(36000 * 0.7) - 1;
  double ypix_per_unit = fh / span;
  CHECK(j.n >= 2);
  CHECK(j.ymax - j.ymin >= (pre - post) * ypix_per_unit - 0.1);
  CHECK(j.ymax - j.ymin > 15); /* a visible step, not a blur */
  free(doc);
  free(x);
  free(y);
}

static void test_errors(void) {
  fslaw_error err = {{0}};
  double v[3] = {1, 2, 3};
  CHECK(fslaw_svg_create(0, 100, 100) == NULL);
  CHECK(fslaw_svg_create(1, 0, 100) == NULL);
  CHECK(fslaw_svg_create(1, 100, NAN) == NULL);
  fslaw_svg_destroy(NULL);
  fslaw_svg *svg = fslaw_svg_create(2, 400, 300);
  CHECK(svg != NULL);
  if (!svg) return;
  CHECK(fslaw_svg_series(svg, 2, "a", v, v, 3, FSLAW_SVG_LINE, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "panel 2");
  CHECK(fslaw_svg_panel(svg, 7, "t", NULL, NULL, 0, 0, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "panel 7");
  CHECK(fslaw_svg_series(svg, 0, "a", NULL, v, 3, FSLAW_SVG_LINE, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "x is NULL");
  CHECK(fslaw_svg_series(svg, 0, "a", v, NULL, 3, FSLAW_SVG_LINE, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "y is NULL");
  CHECK(fslaw_svg_series(svg, 0, "a", v, v, 3, (fslaw_svg_style)9, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "style");
  CHECK(fslaw_svg_series(svg, 0, NULL, NULL, NULL, 0, FSLAW_SVG_LINE, &err) == FSLAW_OK);
  CHECK(fslaw_svg_write(svg, NULL, &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "f is NULL");

  /* A stream opened for reading cannot be written: FSLAW_EIO. */
  char path[4096];
  scratch_path(path, sizeof path, "readonly.svg");
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fclose(f);
  f = fopen(path, "r");
  CHECK(f != NULL);
  if (f) {
    CHECK(fslaw_svg_write(svg, f, &err) == FSLAW_EIO);
    CHECK_HAS(err.msg, "fail");
    fclose(f);
  }
  fslaw_svg_destroy(svg);
}

/* No data at all: still a valid document with an empty frame. */
static void test_empty(void) {
  fslaw_svg *svg = fslaw_svg_create(1, 300, 200);
  CHECK(svg != NULL);
  if (!svg) return;
  char path[4096];
  char *doc = write_fig(svg, "empty.svg", path, sizeof path, NULL);
  fslaw_svg_destroy(svg);
  if (!doc) return;
  CHECK(xmllint_ok(path));
  CHECK(count(doc, "class=\"frame\"") == 1);
  CHECK(count(doc, "<path") == 0);
  CHECK(strstr(doc, "class=\"legend\"") == NULL);
  CHECK_HAS(doc, "<title>fslaw figure</title>");
  CHECK(strstr(doc, "nan") == NULL && strstr(doc, "inf") == NULL);
  free(doc);
}

/* The legend goes to the corner where it hides the least data: top right
 * when that is free, else the first free one of top left, bottom right,
 * bottom left. Plot area of a 400 x 300 panel: x 74..382, y 30..254. */
static void test_legend_corner(void) {
  static const struct {
    double x[3], y[3];
    const char *rect; /* the legend's box (1 series: 24 high) */
  } cases[] = {
      {{0, 0.5, 1}, {0, 0.1, 0.2}, "<rect x=\"80\" y=\"36\""},     /* rising: top left */
      {{0, 0.05, 1}, {0, 1, 1}, "<rect x=\"309.2\" y=\"224\""},  /* left and top: bottom right */
      {{0, 0.9, 1}, {1, 1, 0}, "<rect x=\"80\" y=\"224\""},    /* top and right: bottom left */
      {{0, 0.5, 1}, {1, 0.5, 0}, "<rect x=\"309.2\" y=\"36\""},  /* falling: top right */
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    fslaw_svg *svg = fslaw_svg_create(1, 400, 300);
    CHECK(svg && fslaw_svg_series(svg, 0, "data", cases[c].x, cases[c].y, 3, FSLAW_SVG_LINE, NULL) == FSLAW_OK);
    char path[4096];
    char *doc = svg ? write_fig(svg, "legend.svg", path, sizeof path, NULL) : NULL;
    fslaw_svg_destroy(svg);
    CHECK(doc != NULL);
    if (doc) CHECK_HAS(doc, cases[c].rect);
    free(doc);
  }
}

/* Log axes skip non-positive points, which split the line; a lone point,
 * a constant series and a single-point panel have degenerate ranges. */
static void test_log_and_degenerate(void) {
  fslaw_error err = {{0}};
  fslaw_svg *svg = fslaw_svg_create(3, 500, 300);
  CHECK(svg != NULL);
  if (!svg) return;
  double x[7] = {1, 2, 3, 4, 5, 0, 7}, y[7] = {1, -1, 0, 10, 100, 5, 1000};
  CHECK(fslaw_svg_panel(svg, 0, "log", "x", "y", 1, 1, &err) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 0, "skips", x, y, 7, FSLAW_SVG_LINE, &err) == FSLAW_OK);
  double cx[4] = {1, 2, 3, 4}, cy[4] = {2, 2, 2, 2}, px[1] = {5}, py[1] = {-3};
  CHECK(fslaw_svg_panel(svg, 1, "constant", NULL, NULL, 0, 0, &err) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 1, NULL, cx, cy, 4, FSLAW_SVG_DASHED, &err) == FSLAW_OK);
  CHECK(fslaw_svg_panel(svg, 2, "one point", NULL, NULL, 0, 1, &err) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 2, "p", px, py, 1, FSLAW_SVG_MARKERS, &err) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 2, "q", px, cy, 1, FSLAW_SVG_MARKERS, &err) == FSLAW_OK);

  char path[4096];
  char *doc = write_fig(svg, "log.svg", path, sizeof path, NULL);
  fslaw_svg_destroy(svg);
  if (!doc) return;
  CHECK(xmllint_ok(path));
  CHECK(strstr(doc, "nan") == NULL && strstr(doc, "inf") == NULL);
  /* Panel 0: valid points are #0 | #3 #4 | #6 -> three subpaths, the lone
   * points drawn as dots; panel 1: one; panel 2: series q's dot (p has none
   * on its log axis). */
  CHECK(count(doc, "<path") == 3);
  path_pts sk = path_points(doc, "p0-s0");
  CHECK(sk.subpaths == 3 && sk.dots == 2 && sk.n == 4);
  path_free(&sk);
  /* Decades on the y axis 1..1000, and 1-2-5 ticks on the short x axis. */
  CHECK_HAS(doc, ">1</text>");
  CHECK_HAS(doc, ">1000</text>");
  CHECK_HAS(doc, ">2</text>");
  CHECK_HAS(doc, ">5</text>");
  /* Panel 2: y = -3 is skipped on the log axis, y = 2 is drawn: one dot
   * plus two legend samples. */
  CHECK(count(doc, "<circle") == 2);
  CHECK(path_points(doc, "p2-s0").n == 0);
  path_pts q = path_points(doc, "p2-s1");
  CHECK(q.n == 1 && q.dots == 1);
  path_free(&q);
  pts r = drawn_points(doc, "p1-s0");
  CHECK(r.n == 2); /* constant: a flat line mid-panel, its two ends */
  CHECK(r.ymin == r.ymax);
  free(doc);
}

/* A dense figure as a report draws it: a smooth 72000-point curve with a
 * broad peak and a one-sample dip, and a scatter of 1500 dots. The curve is
 * drawn with few vertices, its points within 0.2 px of the drawn line (0.1 px
 * thinning plus rounding to 0.1 px; in the dip's pixel column the line goes
 * from the column's top to the dip, up to a pixel from the points between),
 * its extremes exactly; every dot is drawn; the file is small. */
static void test_dense(void) {
  enum { N = 72000, M = 1500 };
  fslaw_svg *svg = fslaw_svg_create(1, 900, 400);
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  double mx[M], my[M];
  CHECK(svg && x && y);
  if (!svg || !x || !y) {
    fslaw_svg_destroy(svg);
    free(x);
    free(y);
    return;
  }
  for (int i = 0; i < N; i++) {
    x[i] = i;
    y[i] = 3 + sin(i * 6e-5); /* peak 4 at step 26180 */
  }
  y[50000] = 1.5; /* the minimum */
  for (int i = 0; i < M; i++) {
    mx[i] = 48.0 * i;
    my[i] = 2.5 + 0.3 * sin(i * 0.37) + 0.0006 * i; /* inside the curve's y range */
  }
  CHECK(fslaw_svg_series(svg, 0, "curve", x, y, N, FSLAW_SVG_LINE, NULL) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 0, "rows", mx, my, M, FSLAW_SVG_MARKERS, NULL) == FSLAW_OK);
  char path[4096];
  long bytes = 0;
  char *doc = write_fig(svg, "dense.svg", path, sizeof path, &bytes);
  fslaw_svg_destroy(svg);
  if (doc) {
    CHECK(xmllint_ok(path));
    /* 16.2 kB; 84 kB as a polyline of two points per column and a circle
     * per dot, with two decimals. */
    CHECK(bytes < 24 * 1024);
    path_pts dots = path_points(doc, "p0-s1"), line = path_points(doc, "p0-s0");
    CHECK(dots.n == M && dots.dots == M && dots.subpaths == M);
    CHECK(line.subpaths == 1 && line.dots == 0);
    CHECK(line.n > 10 && line.n < 400);
    /* Pixels of the data: x 0..N-1, y 1.5..4, each padded by PAD. */
    plot_box fr = frame_of(doc);
    double xs = (N - 1) * (1 + 2 * PAD), ys = 2.5 * (1 + 2 * PAD), worst = 0, top = INFINITY, low = -INFINITY;
    size_t seg = 0;
    for (int i = 0; i < N && line.n >= 2; i++) {
      double px = fr.x0 + fr.w * (x[i] + (N - 1) * PAD) / xs;
      double py = fr.y0 + fr.h - fr.h * (y[i] - 1.5 + 2.5 * PAD) / ys;
      while (seg + 2 < line.n && line.x[seg + 1] < px) seg++;
      double d = seg_dist(px, py, line.x[seg], line.y[seg], line.x[seg + 1], line.y[seg + 1]);
      if (seg + 2 < line.n)
        d = fmin(d, seg_dist(px, py, line.x[seg + 1], line.y[seg + 1], line.x[seg + 2], line.y[seg + 2]));
      if (abs(i - 50000) > 100) worst = fmax(worst, d);
    }
    for (size_t i = 0; i < line.n; i++) {
      top = fmin(top, line.y[i]);
      low = fmax(low, line.y[i]);
    }
    CHECK(worst <= 0.2);
    CHECK(fabs(top - (fr.y0 + fr.h * PAD / (1 + 2 * PAD))) <= 0.05 + 1e-9);     /* y = 4 */
    CHECK(fabs(low - (fr.y0 + fr.h - fr.h * PAD / (1 + 2 * PAD))) <= 0.05 + 1e-9); /* y = 1.5 */
    path_free(&dots);
    path_free(&line);
  }
  free(doc);
  free(x);
  free(y);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SOURCE_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  snprintf(scratch, sizeof scratch, "%s", argv[2]);
  CHECK(make_dirs(scratch) == 0);
  int have_xmllint = system("xmllint --version >/dev/null 2>&1") == 0;
  if (!have_xmllint)
    fprintf(stderr, "FAIL test_svg: xmllint is not runnable; install it "
                    "(Debian: apt-get install libxml2-utils)\n");
  CHECK(have_xmllint);
  test_figure();
  test_errors();
  test_empty();
  test_legend_corner();
  test_log_and_degenerate();
  test_dense();
  return check_done("test_svg");
}
