/* test_svg.c: unit test of the SVG chart writer (fslaw/svg.h).
 *
 * Writes figures into the scratch folder (argv[2]) and checks them: xmllint
 * accepts them, labels are escaped, each series is one path with the
 * expected subpaths and dots, a 72000-point series is thinned to a small
 * file while its spikes survive and every point stays within 0.2 px of the
 * drawn line, every dot of a short scatter is drawn, a noisy 30000-point
 * scatter is thinned in 2-D into a cloud without holes, its extremes exact,
 * log axes skip non-positive values, axes get enough labels (exact ones for
 * typical ranges), markers are placed and labelled, and errors name the
 * argument. */
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

/* The tick labels of the first panel's axis, joined by spaces: the y axis
 * ("end": right-aligned) or the x axis ("middle", no font-size of its own). */
static void axis_labels(const char *doc, const char *anchor, char *out, size_t size) {
  char key[64];
  snprintf(key, sizeof key, "text-anchor=\"%s\">", anchor);
  size_t o = 0;
  out[0] = '\0';
  for (const char *p = strstr(doc, key); p && o + 1 < size; p = strstr(p + 1, key)) {
    const char *v = p + strlen(key), *e = strchr(v, '<');
    if (!e) break;
    int w = snprintf(out + o, size - o, "%s%.*s", o ? " " : "", (int)(e - v), v);
    if (w < 0 || (size_t)w >= size - o) break;
    o += (size_t)w;
  }
}

/* Pixel y of each y tick label's text (its baseline), ascending on screen. */
static size_t ylabel_ys(const char *doc, double *ys, size_t max) {
  size_t n = 0;
  for (const char *p = strstr(doc, "text-anchor=\"end\">"); p && n < max;
       p = strstr(p + 1, "text-anchor=\"end\">")) {
    const char *t = p;
    while (t > doc && strncmp(t, "<text", 5) != 0) t--;
    ys[n++] = attr(t, "y");
  }
  return n;
}

/* Labels of both axes of an 800 x 480 panel drawn over points (x, y), the
 * least distance between y labels and the longest stretch of the y axis
 * without one, as a fraction of its length. */
static void tick_labels(const double *x, const double *y, size_t n, int xlog, int ylog,
                        char *xl, char *yl, size_t size, double *gap, double *bare) {
  fslaw_svg *svg = fslaw_svg_create(1, 800, 480);
  CHECK(svg && fslaw_svg_panel(svg, 0, "t", "x", "y", xlog, ylog, NULL) == FSLAW_OK &&
        fslaw_svg_series(svg, 0, NULL, x, y, n, FSLAW_SVG_LINE, NULL) == FSLAW_OK);
  char path[4096];
  char *doc = svg ? write_fig(svg, "ticks.svg", path, sizeof path, NULL) : NULL;
  fslaw_svg_destroy(svg);
  xl[0] = yl[0] = '\0';
  *gap = INFINITY;
  *bare = 1;
  if (!doc) return;
  axis_labels(doc, "middle", xl, size);
  axis_labels(doc, "end", yl, size);
  double ys[66];
  plot_box fr = frame_of(doc);
  size_t k = ylabel_ys(doc, ys + 1, 64);
  ys[0] = fr.y0 + fr.h + 4; /* baselines sit 4 px below their tick */
  ys[k + 1] = fr.y0 + 4;
  *bare = 0;
  for (size_t i = 1; i < k + 2; i++) {
    if (i > 1 && i < k + 1) *gap = fmin(*gap, fabs(ys[i] - ys[i - 1]));
    *bare = fmax(*bare, fabs(ys[i] - ys[i - 1]) / fr.h);
  }
  free(doc);
}

static size_t words(const char *s) {
  size_t n = 0;
  for (const char *p = s; *p; p++) n += p[0] != ' ' && (p == s || p[-1] == ' ');
  return n;
}

/* Axis labels: as many as fit (at least 4), 1..9 within a decade on a log
 * axis spanning less than one, plain steps within a narrow log range, no
 * float artefacts. */
static void test_ticks(void) {
  static const struct {
    double lo, hi; /* y range; x runs 0..72000 */
    int ylog;
    const char *want;
  } cases[] = {
      {2.6, 10, 1, "3 4 5 6 7 8 9 10"}, /* was "5 10" */
      {2.6, 3.0, 1, "2.6 2.7 2.8 2.9 3"},
      {1.2e-5, 9e-5, 1, "2e-5 3e-5 4e-5 5e-5 6e-5 7e-5 8e-5 9e-5"},
      {0.1, 0.7, 0, "0.1 0.2 0.3 0.4 0.5 0.6 0.7"},
      {2.6, 3.6, 0, "2.6 2.8 3 3.2 3.4 3.6"},
      {2.6, 4.5, 1, "2.6 2.8 3 3.2 3.4 3.6 3.8 4 4.2 4.4"}, /* not "3 3.5 4 4.5" */
      {0, 3e-4, 0, "0 5e-5 1e-4 1.5e-4 2e-4 2.5e-4 3e-4"}, /* one notation an axis */
      {0, 1.2e6, 0, "0 2e5 4e5 6e5 8e5 1e6 1.2e6"},
      {1e6, 1e6 + 10, 0, "1000000 1000002 1000004 1000006 1000008 1000010"},
      {-0.3, 0.3, 0, "-0.3 -0.2 -0.1 0 0.1 0.2 0.3"},
      {1, 1000, 1, "1 3 10 30 100 300 1000"},
      {0.02, 30, 1, "0.03 0.1 0.3 1 3 10 30"},
      {2.6, 33, 1, "3 5 10 20 30"},
      {1e-7, 1e5, 1, "1e-6 1e-4 0.01 1 100 10000"},
  };
  char xl[1024], yl[1024];
  double gap, bare;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double x[3] = {0, 36000, 72000}, y[3] = {cases[c].lo, cases[c].hi, cases[c].lo};
    tick_labels(x, y, 3, 0, cases[c].ylog, xl, yl, sizeof xl, &gap, &bare);
    CHECK(strcmp(yl, cases[c].want) == 0);
    if (strcmp(yl, cases[c].want) != 0) fprintf(stderr, "  y %g..%g: '%s'\n", cases[c].lo, cases[c].hi, yl);
    CHECK(strcmp(xl, "0 10000 20000 30000 40000 50000 60000 70000") == 0);
    CHECK(gap >= 15);
    CHECK(bare <= 0.3);
  }
  /* Any range: at least 4 labels, 15 px apart, no stretch of 30 % of the
   * axis bare (a quarter where the 1-2-5 and 1..9 sets allow it), short
   * labels (no 0.30000000000000004). */
  for (int lg = 0; lg < 2; lg++)
    for (double r = 1.02; r < 1e9; r *= 1.37) {
      double x[2] = {1, 1.5 * r}, y[2] = {2.6, 2.6 * r};
      tick_labels(x, y, 2, lg, lg, xl, yl, sizeof xl, &gap, &bare);
      CHECK(words(yl) >= 4 && words(xl) >= 4);
      CHECK(gap >= 15);
      CHECK(bare <= 0.3);
      CHECK(strlen(yl) <= 9 * words(yl) && strlen(xl) <= 9 * words(xl));
      if (words(yl) < 4 || words(xl) < 4 || gap < 15 || bare > 0.3)
        fprintf(stderr, "  %s range x%g: x '%s', y '%s', bare %g\n", lg ? "log" : "linear", r, xl, yl, bare);
    }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Drawn dot k's cell of DOT_CELL = 1.5 px (as src/svg.c: from the plot's
 * corner, on the coordinates as written in tenths). */
static long long dot_cell(double v, double origin) {
  long long t = llround(v * 10) - llround(origin * 10);
  return t / 15 - (t % 15 < 0);
}

/* A noisy log of 30000 points (a loss every step with batch noise, as a
 * uniform band) with a spike and a dip, and a prediction line over it. Dots
 * are thinned in 2-D, one per occupied 1.5 px cell, so the cloud is drawn
 * as a cloud: every point lies within a cell's diagonal of a drawn dot, no
 * column of cells has a hole wider than a dot where points are dense, only
 * cells holding a column's extremes or the first or last point hold two
 * dots, the extremes and ends are exact, and the file stays small. */
static void test_cloud(void) {
  enum { N = 30000 };
  fslaw_svg *svg = fslaw_svg_create(1, 800, 480);
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), lx[2] = {0, N - 1}, ly[2] = {3, 2.5};
  CHECK(svg && x && y);
  if (!svg || !x || !y) {
    fslaw_svg_destroy(svg);
    free(x);
    free(y);
    return;
  }
  for (int i = 0; i < N; i++) {
    double u = i * 0.6180339887498949; /* evenly spread noise in every window */
    x[i] = i;
    y[i] = 3 - 0.5 * i / N + 0.2 * (u - floor(u) - 0.5);
  }
  y[12000] = 4.5; /* a spike and a dip: the extremes */
  y[25000] = 1.8;
  CHECK(fslaw_svg_series(svg, 0, "prediction", lx, ly, 2, FSLAW_SVG_LINE, NULL) == FSLAW_OK);
  CHECK(fslaw_svg_series(svg, 0, NULL, x, y, N, (fslaw_svg_style)(FSLAW_SVG_MARKERS | FSLAW_SVG_SAME_COLOR), NULL) == FSLAW_OK);
  char path[4096];
  long bytes = 0;
  char *doc = write_fig(svg, "cloud.svg", path, sizeof path, &bytes);
  fslaw_svg_destroy(svg);
  path_pts d = doc ? path_points(doc, "p0-s1") : (path_pts){NULL, NULL, 0, 0, 0};
  if (!doc || d.n == 0) {
    CHECK(d.n > 0);
    free(doc);
    free(x);
    free(y);
    return;
  }
  CHECK(xmllint_ok(path));
  CHECK(bytes < 120 * 1024); /* 78 kB; 1.5 MB with all 30000 dots */
  CHECK(d.dots == d.n && d.subpaths == d.n);
  CHECK(d.n < N / 2);
  /* The line is written after the dots: drawn over its data. */
  CHECK(strstr(doc, "id=\"p0-s1\"") < strstr(doc, "id=\"p0-s0\""));
  plot_box fr = frame_of(doc);
  double xs = (N - 1) * (1 + 2 * PAD), ys = 2.7 * (1 + 2 * PAD);
#define PX(v) (fr.x0 + fr.w * ((v) + (N - 1) * PAD) / xs)
#define PY(v) (fr.y0 + fr.h - fr.h * ((v) - 1.8 + 2.7 * PAD) / ys)
  /* Ends and extremes exact (0.05 px: coordinates have one decimal). */
  CHECK(fabs(d.x[0] - PX(0)) <= 0.05 + 1e-9 && fabs(d.y[0] - PY(y[0])) <= 0.05 + 1e-9);
  CHECK(fabs(d.x[d.n - 1] - PX(N - 1)) <= 0.05 + 1e-9 && fabs(d.y[d.n - 1] - PY(y[N - 1])) <= 0.05 + 1e-9);
  double top = INFINITY, low = -INFINITY;
  for (size_t i = 0; i < d.n; i++) {
    top = fmin(top, d.y[i]);
    low = fmax(low, d.y[i]);
  }
  CHECK(fabs(top - PY(4.5)) <= 0.05 + 1e-9);
  CHECK(fabs(low - PY(1.8)) <= 0.05 + 1e-9);
  /* Cells of the drawn dots: two in a cell only where it holds its column's
   * highest and lowest dot at once, or the first or last point. */
  long long *cx = malloc(d.n * sizeof *cx), *cy = malloc(d.n * sizeof *cy);
  double *col = malloc(d.n * sizeof *col);
  CHECK(cx && cy && col);
  size_t shared = 0, bad_share = 0, holes = 0, cols = 0;
  for (size_t i = 0; cx && cy && i < d.n; i++) {
    cx[i] = dot_cell(d.x[i], fr.x0);
    cy[i] = dot_cell(d.y[i], fr.y0);
  }
  for (size_t i = 0; cx && cy && col && i < d.n; i++) {
    long long hi = cy[i], lo = cy[i];
    size_t same = 0, m = 0;
    for (size_t j = 0; j < d.n; j++) {
      if (cx[j] != cx[i]) continue;
      hi = cy[j] < hi ? cy[j] : hi;
      lo = cy[j] > lo ? cy[j] : lo;
      same += cy[j] == cy[i];
      col[m++] = d.y[j];
    }
    if (same > 1) {
      shared++;
      int end = i == 0 || i == d.n - 1 ||
                (cx[0] == cx[i] && cy[0] == cy[i]) || (cx[d.n - 1] == cx[i] && cy[d.n - 1] == cy[i]);
      bad_share += !(hi == lo) && !end;
    }
    /* Columns in the middle of the run (not the spike's): no hole wider
     * than a dot (5 px) in the cloud. Per column of points, the min-max
     * rule drew two dots 30 px apart. */
    if ((i == 0 || cx[i] != cx[i - 1]) && d.x[i] > PX(0.1 * N) && d.x[i] < PX(0.9 * N) &&
        fabs(d.x[i] - PX(12000)) > 3 && fabs(d.x[i] - PX(25000)) > 3) {
      qsort(col, m, sizeof *col, cmp_double);
      for (size_t j = 1; j < m; j++) holes += col[j] - col[j - 1] > 5;
      cols++;
    }
  }
  CHECK(bad_share == 0);
  CHECK(shared <= 8);
  CHECK(holes == 0);
  CHECK(cols > 300);
  /* Every point lies within a cell's diagonal (2.1 px) of a drawn dot (the
   * dots are in x order: a window of them is searched). */
  size_t far = 0;
  for (size_t i = 0, j0 = 0; i < N; i++) {
    double px = PX(x[i]), py = PY(y[i]), best = INFINITY;
    while (j0 < d.n && d.x[j0] < px - 2.2) j0++;
    for (size_t j = j0; j < d.n && d.x[j] <= px + 2.2; j++)
      best = fmin(best, hypot(d.x[j] - px, d.y[j] - py));
    far += best > 1.5 * sqrt(2) + 0.1;
  }
  CHECK(far == 0);
#undef PX
#undef PY
  free(cx);
  free(cy);
  free(col);
  path_free(&d);
  free(doc);
  free(x);
  free(y);
}

/* Markers: a dashed vertical line at x across the plot, its label (escaped)
 * right of it where it fits, else left; labels stack; a marker outside the
 * data's range is not drawn; the legend keeps clear of markers. Plot area
 * of a 400 x 300 panel: x 74..382, y 30..254; x 0..100 padded by 4. */
static void test_marker(void) {
  fslaw_error err = {{0}};
  fslaw_svg *svg = fslaw_svg_create(1, 400, 300);
  double x[3] = {0, 50, 100}, y[3] = {0, 1, 0};
  CHECK(svg && fslaw_svg_series(svg, 0, NULL, x, y, 3, FSLAW_SVG_LINE, NULL) == FSLAW_OK);
  if (!svg) return;
  CHECK(fslaw_svg_marker(svg, 0, 50, "beyond <fit> & co", &err) == FSLAW_OK);
  CHECK(fslaw_svg_marker(svg, 0, 99, "edge", &err) == FSLAW_OK);
  CHECK(fslaw_svg_marker(svg, 0, 20, NULL, &err) == FSLAW_OK);
  CHECK(fslaw_svg_marker(svg, 0, 1000, "outside", &err) == FSLAW_OK);
  CHECK(fslaw_svg_marker(svg, 0, NAN, "x", &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "x is not finite");
  CHECK(fslaw_svg_marker(svg, 5, 1, "x", &err) == FSLAW_EINVAL);
  CHECK_HAS(err.msg, "panel 5");
  CHECK(fslaw_svg_marker(NULL, 0, 1, "x", &err) == FSLAW_EINVAL);
  char path[4096];
  char *doc = write_fig(svg, "marker.svg", path, sizeof path, NULL);
  fslaw_svg_destroy(svg);
  if (doc) {
    CHECK(xmllint_ok(path));
    CHECK(count(doc, "class=\"marker\"") == 3);
    CHECK(strstr(doc, "outside") == NULL);
    /* x = 50 at 74 + 308 * 54 / 108 = 228, label right of it on row 0 */
    CHECK_HAS(doc, "<g class=\"marker\">\n<line x1=\"228\" y1=\"30\" x2=\"228\" y2=\"254\" "
                   "stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n"
                   "<text x=\"232\" y=\"46\" font-size=\"11\"");
    CHECK_HAS(doc, "text-anchor=\"start\" stroke=\"white\" stroke-width=\"3\" "
                   "paint-order=\"stroke\">beyond &lt;fit&gt; &amp; co</text>\n</g>");
    /* x = 99 at 367.7: no room on the right, so left of it on row 1 */
    CHECK_HAS(doc, "<line x1=\"367.7\" y1=\"30\" x2=\"367.7\" y2=\"254\"");
    CHECK_HAS(doc, "<text x=\"363.7\" y=\"61\" font-size=\"11\" fill=\"#333333\" text-anchor=\"end\"");
    /* x = 20 at 142.4, no label */
    CHECK_HAS(doc, "<line x1=\"142.4\" y1=\"30\" x2=\"142.4\" y2=\"254\" stroke=\"#555555\" "
                   "stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n</g>");
  }
  free(doc);
  /* Falling data leave the top right free for the legend (test_legend_corner);
   * a marker there sends it to the bottom left. */
  double fx[3] = {0, 0.5, 1}, fy[3] = {1, 0.5, 0};
  svg = fslaw_svg_create(1, 400, 300);
  CHECK(svg && fslaw_svg_series(svg, 0, "data", fx, fy, 3, FSLAW_SVG_LINE, NULL) == FSLAW_OK &&
        fslaw_svg_marker(svg, 0, 0.9, "past", NULL) == FSLAW_OK);
  doc = svg ? write_fig(svg, "marker_legend.svg", path, sizeof path, NULL) : NULL;
  fslaw_svg_destroy(svg);
  if (doc) CHECK_HAS(doc, "<rect x=\"80\" y=\"224\"");
  free(doc);
}

/* Dots split by NaN into runs of at most two per pixel column are all
 * drawn, however many in all (the report hands them so and matches dots to
 * its hover data one for one); a longer run is thinned. */
static void test_dots_split(void) {
  enum { N = 6000 };
  static double x[N], y[N];
  double lx[2] = {0, 1199}, ly[2] = {3, 3.2}; /* sets the range: dots in a 4 px band */
  for (int i = 0; i < N; i++) {
    double u = i * 0.6180339887498949;
    x[i] = i % 1000 == 999 ? NAN : i % 1200;
    y[i] = 3.1 + 0.002 * (u - floor(u));
  }
  fslaw_svg *svg = fslaw_svg_create(1, 800, 480);
  CHECK(svg && fslaw_svg_series(svg, 0, NULL, lx, ly, 2, FSLAW_SVG_LINE, NULL) == FSLAW_OK &&
        fslaw_svg_series(svg, 0, NULL, x, y, N, FSLAW_SVG_MARKERS, NULL) == FSLAW_OK);
  for (int i = 0; i < 3000; i++) x[i] = i % 1200; /* one run of 3000 */
  CHECK(svg && fslaw_svg_series(svg, 0, NULL, x, y, 3000, FSLAW_SVG_MARKERS, NULL) == FSLAW_OK);
  char path[4096];
  char *doc = svg ? write_fig(svg, "dots_split.svg", path, sizeof path, NULL) : NULL;
  fslaw_svg_destroy(svg);
  if (!doc) return;
  path_pts all = path_points(doc, "p0-s1"), one = path_points(doc, "p0-s2");
  CHECK(all.n == N - N / 1000 && all.dots == all.n);
  CHECK(one.n > 0 && one.n < 2000);
  path_free(&all);
  path_free(&one);
  free(doc);
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
  test_ticks();
  test_cloud();
  test_marker();
  test_dots_split();
  return check_done("test_svg");
}
