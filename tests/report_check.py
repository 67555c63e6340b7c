#!/usr/bin/env python3
"""report_check.py: checks of an HTML page written by `fslaw report`, used by
tests/test_report.sh (Python standard library only).

  report_check.py metrics PAGE.html HELD_EVAL.csv TRAIN_EVAL.csv
      every run row of the metrics table has the role and the exact numbers
      `fslaw eval` printed for that run, and the two mean rows those of eval's
      'mean' rows (eval run on the held-out and on the training runs)
  report_check.py role PAGE.html RUN_PATH
      print the role shown for RUN_PATH ("training" or "held out")
  report_check.py body DOM.html NAME
      print the body attribute NAME of a page dumped by chromium --dump-dom
  report_check.py hover DOM.html CHART_ID CSV...
      the hover read-out the page's self-test left on chart CHART_ID names a
      run among the CSVs, a step it logged, and the loss logged there
  report_check.py rows PAGE.html EVAL.csv
      (report --table) the rows table holds exactly the rows and the mean
      `fslaw eval --params P.json TABLE` printed, cell for cell
  report_check.py boot PAGE.html PARAMS.json
      (report --table) every parameter's value, and with a bootstrap its se
      and 95 % interval, equal those stored in the params JSON
  report_check.py alloc PAGE.html ALLOCATE.csv
      (report --table) the allocation table's rows equal the CSV `fslaw
      allocate` printed for the same budgets (C, N_opt, D_opt, D/N and the
      N and D intervals)
  report_check.py finals PAGE.html SUMMARY.txt
      (report --optimize) the final losses of the optimum and of every
      baseline equal those of the summary `fslaw optimize` printed
  report_check.py theory PAGE.html THEORY.err THEORY.csv [SIM.csv]
      (report --theory) the calibration table shows the constants and the
      raw / fitted / rms deviations exactly as `fslaw theory --calibrate`
      printed them on THEORY.err (and as many points); every row of the curve
      table equals the row of the same step in `fslaw theory --out`, cell for
      cell (without SIM.csv: no calibration on the page, no fitted column);
      with SIM.csv its simulation cells equal the CSV's excess there
  report_check.py table1 PAGE.html TABLE.txt
      (report --theory) the Table 1 rows (schedule, setting, a, b, formula)
      are those `fslaw theory --table` printed for the same (s, beta)
  report_check.py dots PAGE.html CHART_ID N
      the hover data of chart CHART_ID hold N dots (marker points), and
      every scale variant of the chart draws one dot for each of them that
      its axes can show (legend dots not counted)
  report_check.py extreme PAGE.html CHART_ID SERIES VALUE
      the largest |y| among the hover data of series SERIES (its name) in
      chart CHART_ID is VALUE (to the 8 digits the hover data keep)
  report_check.py peak PAGE.html CHART_ID SERIES
      in every scale variant of chart CHART_ID the line of series SERIES
      reaches the top of the data (the chart's largest value: 4 % of the
      padded range below the frame), to the 0.1 px the SVG is written with
  report_check.py notes PAGE.html STDERR.txt CMD
      the notes box of the page lists exactly the notes "fslaw CMD: note:
      TEXT" of STDERR.txt (what CMD printed), in order, each TEXT whole
  report_check.py last PAGE.html CHART_ID SERIES VALUE
      the last point of series SERIES in the hover data of chart CHART_ID is
      VALUE (to the 8 digits the hover data keep)
  report_check.py first PAGE.html CHART_ID
      print the first x of the hover data of chart CHART_ID (where it starts)
  report_check.py amps PAGE.html SUMMARY.txt
      (report --optimize) the amplification column shows, for every
      schedule, what the summary of `fslaw optimize` printed
  report_check.py compare PAGE.html SUMMARY.txt
      (report --optimize --compare) every schedule's final loss under each
      compared law, each law's gain and the verdict equal the table `fslaw
      optimize --compare` printed (the same schedule and laws)
Exit status 0 when the check passes; otherwise a message on stderr.
"""
import csv
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    """Rows of the metrics table (cells as text, keyed by data-run), the
    body's attributes and the figures' attributes."""

    def __init__(self):
        super().__init__()
        self.rows, self.body, self.figs = {}, {}, {}
        self.in_metrics = False
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "figure" and "id" in a:
            self.figs[a["id"]] = a
        elif tag == "table" and "metrics" in (a.get("class") or ""):
            self.in_metrics = True
        elif tag == "tr" and self.in_metrics and "data-run" in a:
            self.row = (a["data-run"], [])
        elif tag == "td" and self.row is not None:
            self.cell = []
            self.exact = a.get("data-v")  # a rounded cell keeps its exact value here

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_metrics = False
        elif tag == "td" and self.cell is not None:
            text = "".join(self.cell).strip()
            self.row[1].append(self.exact if self.exact is not None else text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows[self.row[0]] = self.row[1]
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


class Tables(HTMLParser):
    """Every table's body rows, keyed by the table's class: (tr attributes,
    texts of the td cells); rows without td (headers) are left out."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cur = self.tables.setdefault(a.get("class") or "", [])
        elif tag == "tr" and self.cur is not None:
            self.row = (a, [])
        elif tag == "td" and self.row is not None:
            self.cell = []
            self.exact = a.get("data-v")  # a rounded cell keeps its exact value here

    def handle_endtag(self, tag):
        if tag == "table":
            self.cur = None
        elif tag == "td" and self.cell is not None:
            text = "".join(self.cell).strip()
            self.row[1].append(self.exact if self.exact is not None else text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row[1]:
                self.cur.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(path):
    t = Tables()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    return t.tables


def check_rows(page, eval_csv):
    rows = tables(page).get("rows", [])
    with open(eval_csv, newline="") as f:
        want = list(csv.reader(f))[1:]
    if len(rows) != len(want):
        fail(f"page lists {len(rows)} rows (mean included), fslaw eval {len(want)}")
    for (attrs, cells), w in zip(rows, want):
        if attrs.get("data-line") != w[0]:
            fail(f"row {attrs.get('data-line')}: expected line {w[0]}")
        if cells != w:
            fail(f"line {w[0]}: page shows {cells}, fslaw eval printed {w}")
    print(f"{len(rows)} rows match fslaw eval")


def check_boot(page, params):
    import json
    with open(params) as f:
        j = json.load(f)
    rows = {cells[0]: cells[1:] for _, cells in tables(page).get("params", [])}
    boot = j.get("bootstrap")
    n = 0
    for name, value in j["params"].items():
        want = [value] + ([boot[k][name] for k in ("se", "lo95", "hi95")] if boot else [])
        got = rows.get(name)
        if got is None or [float(v) for v in got] != [float(v) for v in want]:
            fail(f"{name}: page shows {got}, params JSON has {want}")
        n += 1
    print(f"{n} parameters match{' with their bootstrap' if boot else ''}")


def check_alloc(page, alloc_csv):
    rows = tables(page).get("alloc", [])
    with open(alloc_csv, newline="") as f:
        want = list(csv.reader(f))[1:]
    if not rows or len(rows) != len(want):
        fail(f"page has {len(rows)} allocation rows, fslaw allocate {len(want)}")
    for (_, cells), w in zip(rows, want):
        if cells != w[:len(cells)] or len(cells) < 4:
            fail(f"C {w[0]}: page shows {cells}, fslaw allocate printed {w}")
    print(f"{len(rows)} allocation rows match fslaw allocate")


def check_finals(page, summary):
    rows = {a.get("data-sched"): cells for a, cells in tables(page).get("finals", [])}
    n = 0
    with open(summary) as f:
        for line in f:
            if not line.startswith("  ") or "spec:" in line or "shape:" in line:
                continue
            name = "optimum" if line.split()[0] == "optimum" else line[2:26].strip()
            value = line[27:].split()[0] if name != "optimum" else line.split()[1]
            got = rows.get(name)
            if got is None or got[1] != value:
                fail(f"{name}: page shows {got}, fslaw optimize printed {value}")
            n += 1
    if n != 6:
        fail(f"expected 6 schedules in the summary, found {n}")
    print(f"{n} final losses match fslaw optimize")


class Notes(HTMLParser):
    """The text of every <li> inside the <div class="notes">, without the
    bold run name a curve page puts first."""

    def __init__(self):
        super().__init__()
        self.items, self.depth, self.li, self.bold = [], 0, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "div" and (self.depth or "notes" in (dict(attrs).get("class") or "").split()):
            self.depth += 1
        elif tag == "li" and self.depth:
            self.li = []
        elif tag == "b" and self.li is not None:
            self.bold = True

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1
        elif tag == "li" and self.li is not None:
            self.items.append("".join(self.li).strip())
            self.li = None
        elif tag == "b":
            self.bold = False

    def handle_data(self, data):
        if self.li is not None and not self.bold:
            self.li.append(data)


def check_notes(page, err, cmd):
    n = Notes()
    with open(page, encoding="utf-8") as f:
        n.feed(f.read())
    prefix = f"fslaw {cmd}: note: "
    with open(err, encoding="utf-8") as f:
        want = [line[len(prefix):].rstrip("\n") for line in f if line.startswith(prefix)]
    got = [t[2:] if t.startswith(": ") else t for t in n.items]
    if not want:
        fail(f"no note of fslaw {cmd} in {err}")
    if got != want:
        fail(f"the page's notes {got} are not those fslaw {cmd} printed {want}")
    print(f"{len(want)} notes on the page, as fslaw {cmd} printed them")


def check_last(page, chart_id, name, value):
    _, data = chart(page, chart_id)
    ys = [y for s in data["series"] if s["name"] == name for y in s["y"]]
    want = float(value)
    if not ys or ys[-1] is None or abs(ys[-1] - want) > 1e-7 * abs(want) + 1e-12:
        fail(f"{chart_id} {name}: last y {ys[-1] if ys else None}, expected {value}")
    print(f"{chart_id} {name}: ends at {ys[-1]}")


def check_amps(page, summary):
    rows = {a.get("data-sched"): cells for a, cells in tables(page).get("finals", [])}
    with open(summary) as f:
        line = next((l for l in f if l.startswith("amplification of each final loss")), None)
    if line is None:
        fail(f"no amplification line in {summary}")
    pairs = [p.strip().rsplit(" ", 1) for p in line.split(": ", 1)[1].split(";")]
    for name, value in pairs:
        got = rows.get(name)
        if got is None or got[4] != value:
            fail(f"{name}: page shows amplification {got and got[4]}, fslaw optimize printed {value}")
    if len(pairs) != 6:
        fail(f"expected 6 amplifications, found {len(pairs)}")
    print(f"{len(pairs)} amplifications match fslaw optimize")


def check_compare(page, summary):
    rows = {a.get("data-sched"): cells for a, cells in tables(page).get("finals", [])}
    with open(summary) as f:
        lines = f.read().split("\n")
    start = next((i for i, l in enumerate(lines) if l.startswith("the same schedules under each law")), None)
    if start is None:
        fail(f"no --compare table in {summary}")
    n, verdict = 0, None
    for line in lines[start + 2:]:
        if not line.startswith("  "):
            break
        name, values = line[2:26].strip(), line[27:].split()
        values = ["n/a" if v in ("nan", "-nan") else v for v in values]  # as the page shows NaN
        if not values or not values[0][0].isdigit() and values[0][0] != "-":
            verdict = line.strip()  # the sentence under the gains
            break
        got = rows.get(name)
        if got is None or [got[1]] + got[6:] != values:
            fail(f"{name}: page shows {got and [got[1]] + got[6:]}, fslaw optimize printed {values}")
        n += 1
    text = open(page, encoding="utf-8").read()
    import html
    import re
    m = re.search(r'<span class="verdict">(.*?)</span>', text)
    if verdict is None or not m or html.unescape(m.group(1)) != verdict:
        fail(f"verdict: page says {m and html.unescape(m.group(1))!r}, fslaw optimize {verdict!r}")
    if n < 3:
        fail(f"expected the optimum, baselines and gains, found {n} rows")
    print(f"{n} rows and the verdict match fslaw optimize --compare")


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def fail(msg):
    print("report_check: " + msg, file=sys.stderr)
    sys.exit(1)


def eval_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))[1:]


def check_metrics(page, held, train):
    rows = parse(page).rows
    n = 0
    for csv_path, role, mean_key in ((held, "held out", "mean held-out"),
                                     (train, "training", "mean training")):
        for r in eval_rows(csv_path):
            key = mean_key if r[0] == "mean" else r[0]
            if key not in rows:
                fail(f"no metrics row for {key} (rows: {sorted(rows)})")
            cells = rows[key]
            want_role = "" if r[0] == "mean" else role
            if cells[1] != want_role:
                fail(f"{key}: role '{cells[1]}', expected '{want_role}'")
            if cells[2:] != r[1:]:
                fail(f"{key}: page shows {cells[2:]}, fslaw eval printed {r[1:]}")
            n += 1
    print(f"{n} metrics rows match fslaw eval")


def check_hover(dom, chart, csvs):
    fig = parse(dom).figs.get(chart)
    text = fig.get("data-hover") if fig else None
    if not text:
        fail(f"chart {chart} has no hover read-out")
    parts = [p.strip() for p in text.split(";")]
    fields = dict(p.split(" ", 1) for p in parts[1:])
    run, step, loss = parts[0], int(fields["step"]), float(fields["loss"])
    for path in csvs:
        if path.rsplit("/", 1)[-1].rsplit(".", 1)[0] != run:
            continue
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if int(row["step"]) == step:
                    if row["loss"] and abs(float(row["loss"]) - loss) <= 1e-5 * loss:
                        print(f"read-out '{text}' matches {path}")
                        return
                    fail(f"{path} step {step}: logged loss {row['loss']}, read-out {loss}")
        fail(f"{path} has no step {step}")
    fail(f"read-out names run '{run}', not among the CSVs")


def check_theory(page, err, curve_csv, sim_csv=None):
    import re
    t = tables(page)
    calib = {a.get("data-k"): cells for a, cells in t.get("calib", [])}
    if sim_csv:
        text = open(err).read()
        want = dict(re.findall(r"(c_[aen]) = (\S+)", text))
        m = re.search(r"raw (\S+), fitted (\S+) \(rms ([^)]+)\)", text)
        if len(want) != 3 or not m:
            fail(f"no calibration in {err}")
        want.update(raw=m.group(1), fitted=m.group(2), rms=m.group(3))
        for k, v in want.items():
            got = calib.get(k, ["missing"])[0]
            if got != v:
                fail(f"{k}: page shows {got}, fslaw theory printed {v}")
        n = re.search(r"calibration on (\d+) points", text).group(1)
        if f'<span class="npts">{n}</span>' not in open(page, encoding="utf-8").read():
            fail(f"page does not name the {n} calibration points")
    elif calib:
        fail("calibration table without a simulation")
    with open(curve_csv, newline="") as f:
        rows = list(csv.reader(f))
    ncol = len(rows[0])
    want = {r[0]: r for r in rows[1:]}
    sim = {}
    if sim_csv:
        with open(sim_csv, newline="") as f:
            sim = {r[0]: r[2] for r in list(csv.reader(f))[1:]}
    curve = t.get("curve", [])
    if len(curve) < 5:
        fail(f"curve table has {len(curve)} rows")
    for attrs, cells in curve:
        step = attrs.get("data-step")
        if cells[:ncol] != want.get(step):
            fail(f"step {step}: page shows {cells[:ncol]}, fslaw theory wrote {want.get(step)}")
        if sim_csv and cells[ncol] != sim.get(step, ""):
            fail(f"step {step}: simulation {cells[ncol]}, the CSV has {sim.get(step)}")
        if len(cells) != ncol + (1 if sim_csv else 0):
            fail(f"step {step}: {len(cells)} cells")
    if curve[-1][0].get("data-step") != rows[-1][0]:
        fail("the curve table does not end at the last step")
    print(f"calibration and {len(curve)} curve rows match fslaw theory")


def check_table1(page, table_txt):
    want = []
    for line in open(table_txt, encoding="utf-8"):
        f = line.split()
        if len(f) >= 5 and f[1] in ("data-limited", "compute-limited"):
            want.append([f[0], f[1], f[2].split("^-", 1)[1], f[4].split("^", 1)[1], " ".join(f[5:])])
    got = [cells for _, cells in tables(page).get("table1", [])]
    if len(want) != 6 or got != want:
        fail(f"Table 1 on the page {got}, fslaw theory --table printed {want}")
    print("Table 1 matches fslaw theory --table")


def chart(page, chart_id):
    """The scale variants of a chart (key "xy", e.g. "10" = log x, and its
    SVG text) and its hover data."""
    import json
    import re
    text = open(page, encoding="utf-8").read()
    m = re.search(r'<figure class="chart" id="%s">(.*?)</figure>' % chart_id, text, re.S)
    d = re.search(r'<script type="application/json" id="%s-data">(.*?)</script>' % chart_id,
                  text, re.S)
    if not m or not d:
        fail(f"no chart {chart_id}")
    variants = re.findall(r'<(?:div|script) class="variant[^"]*" data-v="(\d\d)"[^>]*>(.*?)'
                          r'</(?:div|script)>', m.group(1), re.S)
    data = json.loads(d.group(1))
    for s in data["series"]:  # "x": k stands for the x of series k
        if isinstance(s["x"], int):
            s["x"] = data["series"][s["x"]]["x"]
    return variants, data


def drawable(v, lg):
    return v is not None and (not lg or v > 0)


def check_dots(page, chart_id, n):
    import re
    variants, data = chart(page, chart_id)
    marks = [s for s in data["series"] if s["marker"]]
    if sum(len(s["x"]) for s in marks) != n:
        fail(f"{chart_id}: hover data hold {sum(len(s['x']) for s in marks)} dots, expected {n}")
    for key, svg in variants:
        xl, yl = key[0] == "1", key[1] == "1"
        want = sum(drawable(x, xl) and drawable(y, yl) for s in marks for x, y in zip(s["x"], s["y"]))
        # a series of dots is one path of zero-length subpaths, 5 px wide
        groups = re.findall(r'<g id="[^"]*p0-s\d+" [^>]*stroke-width="5"[^>]*>(.*?)</g>', svg, re.S)
        got = sum(len(re.findall(r"[Mm]", d)) for g in groups for d in re.findall(r' d="([^"]*)"', g))
        if got != want or not got:
            fail(f"{chart_id} variant {key}: {got} dots drawn, {want} points to show")
    print(f"{chart_id}: {n} dots, each drawn in {len(variants)} variants")


def check_extreme(page, chart_id, name, value):
    _, data = chart(page, chart_id)
    ys = [abs(y) for s in data["series"] if s["name"] == name for y in s["y"] if y is not None]
    want = abs(float(value))
    if not ys or abs(max(ys) - want) > 1e-7 * want:
        fail(f"{chart_id} {name}: largest |y| {max(ys) if ys else None}, expected {value}")
    print(f"{chart_id} {name}: largest |y| {max(ys)}")


def path_vertices(d):
    """The vertices of path data as the SVG writer writes it (M absolute;
    m, l relative; h0 a dot)."""
    import re
    out, c, x, y = [], "", 0.0, 0.0
    t = re.findall(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)", d)
    i = 0
    while i < len(t):
        if t[i].isalpha():
            c, i = t[i], i + 1
        elif c == "h":
            i += 1
        else:
            a, b = float(t[i]), float(t[i + 1])
            x, y = (a, b) if c == "M" else (x + a, y + b)
            c, i = "l", i + 2
            out.append((x, y))
    return out


def check_peak(page, chart_id, name):
    import re
    variants, data = chart(page, chart_id)
    ks = [k for k, s in enumerate(data["series"]) if s["name"] == name and not s["marker"]]
    for key, svg in variants:
        f = re.search(r'class="frame" x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)"', svg)
        top = float(f.group(1)) + float(f.group(2)) * 0.04 / 1.08
        ys = [y for k in ks
              for g in re.findall(r'<g id="[^"]*p0-s%d"[^>]*>(.*?)</g>' % k, svg, re.S)
              for d in re.findall(r' d="([^"]*)"', g) for _, y in path_vertices(d)]
        if not ys or abs(min(ys) - top) > 0.05 + 1e-6:
            fail(f"{chart_id} variant {key} {name}: highest drawn y {min(ys) if ys else None}, data top {top}")
    print(f"{chart_id} {name}: reaches the top of the data in {len(variants)} variants")


def main(argv):
    if len(argv) >= 5 and argv[1] == "metrics":
        check_metrics(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "role":
        cells = parse(argv[2]).rows.get(argv[3])
        if not cells:
            fail(f"no metrics row for {argv[3]}")
        print(cells[1])
    elif len(argv) == 4 and argv[1] == "body":
        print(parse(argv[2]).body.get(argv[3], ""))
    elif len(argv) >= 5 and argv[1] == "hover":
        check_hover(argv[2], argv[3], argv[4:])
    elif len(argv) == 4 and argv[1] == "rows":
        check_rows(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "boot":
        check_boot(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "alloc":
        check_alloc(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "finals":
        check_finals(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "table1":
        check_table1(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "dots":
        check_dots(argv[2], argv[3], int(argv[4]))
    elif len(argv) == 6 and argv[1] == "extreme":
        check_extreme(*argv[2:])
    elif len(argv) == 5 and argv[1] == "peak":
        check_peak(*argv[2:])
    elif len(argv) == 5 and argv[1] == "notes":
        check_notes(*argv[2:])
    elif len(argv) == 6 and argv[1] == "last":
        check_last(*argv[2:])
    elif len(argv) == 4 and argv[1] == "amps":
        check_amps(*argv[2:])
    elif len(argv) == 4 and argv[1] == "first":
        _, data = chart(argv[2], argv[3])
        xs = [s["x"][0] for s in data["series"] if s["x"]]
        if not xs:
            fail(f"chart {argv[3]} has no points")
        print(f"{min(xs):.0f}")
    elif len(argv) == 4 and argv[1] == "compare":
        check_compare(*argv[2:])
    elif len(argv) in (5, 6) and argv[1] == "theory":
        check_theory(*argv[2:])
    else:
        fail("usage: see the header of report_check.py")


if __name__ == "__main__":
    main(sys.argv)
