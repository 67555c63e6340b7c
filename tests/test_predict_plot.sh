#!/usr/bin/env bash
# test_predict_plot.sh: `fslaw predict --plot` marks where a run goes beyond
# the fitted runs in intrinsic time: a dashed line at the first step whose
# sum of rates exceeds the params' fitted_range.max_time, at the pixel x of
# that step, and none for a run within the fitted range or params without a
# range. Several --schedule SPECs without runs are predicted side by side.
# Usage: test_predict_plot.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/predict_plot
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/400M

"$FSLAW" fit --law mpl --out "$TMP/mpl.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
  "$D/wsdcon_9.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit: $(tail -1 "$TMP/err")"

# marker RUN.csv PRED.csv PLOT.svg: the plot has one marker, at the x pixel
# of the first step of RUN whose intrinsic time exceeds max_time (the x axis
# is log, over the plotted steps padded by 4 % of their span on each side)
marker() {
  python3 - "$TMP/mpl.json" "$@" <<'PY'
import csv, json, math, re, sys
params, run, pred, plot = sys.argv[1:]
tmax = json.load(open(params))["fitted_range"]["max_time"]
rows = list(csv.DictReader(open(run)))
t, cross = 0.0, None
for r in rows:
    t += float(r["lr"])
    if cross is None and t > tmax:
        cross = int(r["step"])
assert cross is not None and t > 1.01 * tmax, (cross, t, tmax)
steps = [int(r["step"]) for r in csv.DictReader(open(pred))]
steps += [int(r["step"]) for r in rows if r["loss"] and int(r["step"]) > 0]
lo, hi = math.log10(min(steps)), math.log10(max(steps))
lo, hi = lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)
svg = open(plot).read()
fr = re.search(r'class="frame" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
x0, w = float(fr.group(1)), float(fr.group(2))
want = x0 + w * (math.log10(cross) - lo) / (hi - lo)
marks = re.findall(r'<g class="marker">\n<line x1="([\d.]+)"[^>]*stroke-dasharray[^>]*/>\n<text[^>]*>([^<]*)</text>', svg)
assert len(marks) == 1, marks
assert abs(float(marks[0][0]) - want) <= 0.05 + 1e-9, (marks, want, cross)
assert marks[0][1] == "beyond fitted runs", marks
print(cross)
PY
}

# 72000 steps from params fitted on 24000-step runs: marked where it passes
# them, as the note on stderr says
"$FSLAW" predict --params "$TMP/mpl.json" "$D/cosine_72000.csv" --out "$TMP/p72.csv" \
  --plot "$TMP/p72.svg" 2>"$TMP/err" && ok || bad "predict 72000: $(tail -1 "$TMP/err")"
grep -q "beyond that the prediction extrapolates in time" "$TMP/err" && ok || bad "72000: no note"
cross=$(marker "$D/cosine_72000.csv" "$TMP/p72.csv" "$TMP/p72.svg" 2>"$TMP/err") && ok \
  || bad "72000 marker: $(tail -3 "$TMP/err")"
# cosine over 72000 steps passes 24000 steps of the fitted rates late
[ "${cross:-0}" -gt 24000 ] && [ "${cross:-0}" -lt 40000 ] && ok || bad "crossing step '$cross'"
xmllint --noout "$TMP/p72.svg" && ok || bad "p72.svg is not well-formed"

# a fitted run itself: within the range, no marker and no note
"$FSLAW" predict --params "$TMP/mpl.json" "$D/cosine_24000.csv" --plot "$TMP/p24.svg" \
  >/dev/null 2>"$TMP/err" && ok || bad "predict 24000: $(tail -1 "$TMP/err")"
grep -q 'class="marker"' "$TMP/p24.svg" && bad "24000: marked" || ok
grep -q "extrapolates in time" "$TMP/err" && bad "24000: noted" || ok

# several runs: one marker per run that passes, named; none for the one within
"$FSLAW" predict --params "$TMP/mpl.json" "$D/cosine_24000.csv" "$D/cosine_72000.csv" \
  "$D/constant_72000.csv" --plot "$TMP/many.svg" >/dev/null 2>"$TMP/err" && ok \
  || bad "predict many: $(tail -1 "$TMP/err")"
[ "$(grep -c 'class="marker"' "$TMP/many.svg")" = 2 ] && ok || bad "many: markers $(grep -c 'class="marker"' "$TMP/many.svg")"
grep -q '>cosine_72000: beyond fitted runs<' "$TMP/many.svg" && grep -q '>constant_72000: beyond fitted runs<' "$TMP/many.svg" \
  && ok || bad "many: marker labels"

# params without a fitted range (older files): no marker
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); del j["fitted_range"]; json.dump(j, open(sys.argv[2], "w"))' \
  "$TMP/mpl.json" "$TMP/norange.json" && ok || bad "norange.json"
"$FSLAW" predict --params "$TMP/norange.json" "$D/cosine_72000.csv" --plot "$TMP/nr.svg" \
  >/dev/null 2>"$TMP/err" && ok || bad "predict without range: $(tail -1 "$TMP/err")"
grep -q 'class="marker"' "$TMP/nr.svg" && bad "no range: marked" || ok

# Several schedules without runs: each one's rows are those of predicting it
# alone, under its NAME (or kind, or SPEC when kinds clash); stderr ranks the
# final losses; two schedules of one name are refused and nothing is written.
W='wsd:steps=6000,peak=3e-4,final=3e-5,warmup=500'
C='cosine:steps=6000,peak=3e-4,final=3e-5,warmup=500'
"$FSLAW" predict --params "$TMP/mpl.json" --schedule "late=$W,decay=0.1" --schedule "$C" \
  --schedule "$W,decay=0.5" --schedule "$W,decay=0.3" --every 1000 --out "$TMP/multi.csv" --plot "$TMP/multi.svg" \
  2>"$TMP/multi.err" && ok || bad "several schedules: $(tail -1 "$TMP/multi.err")"
for spec in "$W,decay=0.1" "$C" "$W,decay=0.5" "$W,decay=0.3"; do
  "$FSLAW" predict --params "$TMP/mpl.json" --schedule "$spec" --every 1000 \
    2>/dev/null | tail -n +2 | cut -d, -f2- >>"$TMP/alone.csv"
done
python3 - "$TMP/multi.csv" "$TMP/alone.csv" "$TMP/multi.err" "$TMP/multi.svg" <<'PY' && ok || bad "several schedules: rows, names or ranking"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = []
for r in rows:
    if r["run"] not in names: names.append(r["run"])
w = "wsd:steps=6000,peak=3e-4,final=3e-5,warmup=500,decay="
assert names == ["late", "cosine", w + "0.5", w + "0.3"], names
alone = [l.rstrip("\n") for l in open(sys.argv[2])]
mine = [",".join([r["step"], r["lr"], r["loss"], r["pred"]]) for r in rows]
assert mine == alone, "rows differ from predicting each schedule alone"
final = {n: float([r for r in rows if r["run"] == n][-1]["pred"]) for n in names}
err = open(sys.argv[3]).read()
ranked = re.findall(r"^  (\S+)\s+([\d.]+)", err.split("lowest first:\n")[1], re.M)
assert [n for n, _ in ranked] == sorted(names, key=final.get), ranked
for n, v in ranked: assert abs(float(v) - final[n]) < 1e-5 * final[n], (n, v, final[n])
svg = open(sys.argv[4]).read()
for n in names: assert ">%s</text>" % n in svg, n
PY
expect_fail "two names" "two schedules are called 'a'" "$FSLAW" predict --params "$TMP/mpl.json" \
  --schedule "a=$C" --schedule "a=$W,decay=0.2" --out "$TMP/dup.csv"
[ -e "$TMP/dup.csv" ] && bad "two names: wrote the CSV" || ok
expect_fail "one spec twice" "two schedules are called" "$FSLAW" predict --params "$TMP/mpl.json" \
  --schedule "$C" --schedule "$C"
mkdir -p "$TMP/runs" # a NAME that is a folder is a name (a file would be a forgotten RUN)
(cd "$TMP" && "$FSLAW" predict --params mpl.json --schedule "runs=$C" --every 3000 2>/dev/null) | grep -q '^runs,3000,' \
  && ok || bad "a NAME that is a folder"
expect_fail "empty name" "empty NAME" "$FSLAW" predict --params "$TMP/mpl.json" --schedule "=$C"

# --compare: each schedule's final loss under another fitted law is what
# predict under that law gives; the verdict says whether the laws agree on the
# lowest (WSD decaying 10 % vs 40 % of the run: mpl and mtl disagree; vs
# cosine they agree)
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/mtl.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
  "$D/wsdcon_9.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit mtl: $(tail -1 "$TMP/err")"
"$FSLAW" predict --params "$TMP/mpl.json" --schedule "short=$W,decay=0.1" --schedule "long=$W,decay=0.4" \
  --schedule "$C" --compare "$TMP/mtl.json" --out "$TMP/cmp.csv" 2>"$TMP/cmp.err" && ok || bad "compare: $(cat "$TMP/cmp.err")"
for spec in "$W,decay=0.1" "$W,decay=0.4" "$C"; do
  "$FSLAW" predict --params "$TMP/mtl.json" --schedule "$spec" --every 100000 2>/dev/null | tail -1 | cut -d, -f5
done >"$TMP/mtl_final.txt"
python3 - "$TMP/cmp.err" "$TMP/mtl_final.txt" <<'PY' && ok || bad "compare: column or verdict: $(cat "$TMP/cmp.err")"
import re, sys
err = open(sys.argv[1]).read()
want = dict(zip(["short", "long", "cosine"], map(float, open(sys.argv[2]).read().split())))
rows = re.findall(r"^  (short|long|cosine)\s+([\d.]+)\s+(?:\S+ \(\S+ %\)\s+)?([\d.]+)$", err, re.M)
assert len(rows) == 3, rows
for name, mine, other in rows: assert abs(float(other) - want[name]) < 1e-5 * want[name], (name, other)
assert err.split("--compare law):\n")[1].split("\n")[0].split() == ["mpl", "mtl"]
first = rows[0][0]
other_first = min(want, key=want.get)
assert first != other_first, (first, other_first)
assert "the laws disagree: under mtl, %s (" % other_first in err and "is lower than %s" % first in err
PY
"$FSLAW" predict --params "$TMP/mpl.json" --schedule "short=$W,decay=0.1" --schedule "$C" \
  --compare "$TMP/mtl.json" --out "$TMP/cmp2.csv" 2>&1 >/dev/null | grep -q "every law ranks short lowest (the closest second: cosine" \
  && ok || bad "compare: agreement"
# a tie under the fitted law ranks nothing; two params files of one name are
# told apart by their paths
mkdir -p "$TMP/other" && cp "$TMP/mtl.json" "$TMP/other/mtl.json"
"$FSLAW" predict --params "$TMP/mpl.json" --schedule "a=$C" --schedule "b=$C" --compare "$TMP/mtl.json" \
  --compare "$TMP/other/mtl.json" --out "$TMP/tie.csv" 2>"$TMP/tie.err" && ok || bad "tie: $(cat "$TMP/tie.err")"
grep -q "a and b tie under the fitted law: nothing to rank" "$TMP/tie.err" \
  && grep -qF "$TMP/other/mtl.json" "$TMP/tie.err" && ok || bad "tie or labels: $(cat "$TMP/tie.err")"
expect_fail "compare with runs" "option '--compare' ranks the final losses of schedules" \
  "$FSLAW" predict --params "$TMP/mpl.json" --compare "$TMP/mtl.json" "$D/wsdcon_3.csv" --out "$TMP/cmp3.csv"
[ -e "$TMP/cmp3.csv" ] && bad "compare with runs: wrote the CSV" || ok
expect_fail "compare one schedule" "give two or more --schedule SPECs" \
  "$FSLAW" predict --params "$TMP/mpl.json" --compare "$TMP/mtl.json" --schedule "$C"
expect_fail "compare bad params" "option '--compare': " \
  "$FSLAW" predict --params "$TMP/mpl.json" --compare "$D/wsdcon_3.csv" --schedule "$C" --schedule "$W,decay=0.2"
expect_fail "compare over itself" "" \
  "$FSLAW" predict --params "$TMP/mpl.json" --compare "$TMP/mtl.json" --schedule "$C" --schedule "$W,decay=0.2" --out "$TMP/mtl.json"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/mtl.json" && ok || bad "compare: params overwritten"

finish test_predict_plot
