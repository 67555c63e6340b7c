#!/usr/bin/env bash
# test_fit_cli.sh: fit / predict / eval as a user runs them, with every
# bad-input case. Usage: test_fit_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/fitcli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/25M
TRAIN="$D/cosine_24000.csv $D/constant_24000.csv $D/wsdcon_9.csv"
TEST="$D/constant_72000.csv $D/cosine_72000.csv $D/wsd_20000_24000.csv $D/wsdld_20000_24000.csv $D/wsdcon_3.csv $D/wsdcon_18.csv"

# fit: summary on stdout, JSON file with the law and every parameter
"$FSLAW" fit --law mtl --starts 4 --out "$TMP/mtl.json" $TRAIN >"$TMP/sum" 2>"$TMP/err" && ok || bad "fit: $(cat "$TMP/err")"
grep -q "^law mtl: 3 runs, 437 points after warmup" "$TMP/sum" && ok || bad "fit summary: $(cat "$TMP/sum")"
grep -q "wrote $TMP/mtl.json" "$TMP/sum" && ok || bad "fit says where"
for key in '"law":' '"params":' '"L0":' '"alpha":' '"objective":' '"runs":' '"window":' '"huber":'; do
  grep -q "$key" "$TMP/mtl.json" && ok || bad "json lacks $key"
done
grep -q '"max_step":.*23936' "$TMP/mtl.json" && grep -q '"min_rate":.*3.0008' "$TMP/mtl.json" && ok || bad "json lacks the fitted range"
# without --out the JSON goes to stdout and the summary to stderr
"$FSLAW" fit --law mtl --starts 2 $TRAIN >"$TMP/stdout.json" 2>"$TMP/err" && ok || bad "fit to stdout"
head -c1 "$TMP/stdout.json" | grep -q '{' && grep -q "^law mtl" "$TMP/err" && ok || bad "fit stdout/stderr split"

# eval: a row per run and a mean row; numbers readable back
"$FSLAW" eval --params "$TMP/mtl.json" $TEST >"$TMP/eval.csv" && ok || bad "eval"
[ "$(head -1 "$TMP/eval.csv")" = "run,n,r2,mae,rmse,prede,worste" ] && ok || bad "eval header"
[ "$(wc -l <"$TMP/eval.csv")" -eq 8 ] && ok || bad "eval rows"
awk -F, '$1 == "mean" { exit !($3 > 0.99 && $3 <= 1 && $6 < 0.005) }' "$TMP/eval.csv" && ok || bad "eval mean r2/prede: $(tail -1 "$TMP/eval.csv")"
"$FSLAW" eval --params "$TMP/mtl.json" --after 20000 "$D/wsd_20000_24000.csv" | awk -F, '$1 == "mean" { exit !($2 == 31) }' \
  && ok || bad "--after keeps the points after the branch"
# one scored point has no R^2: an empty field, not nan; the mean R^2 is the other run's
"$FSLAW" eval --params "$TMP/mtl.json" --after 23900 "$D/wsd_20000_24000.csv" "$D/constant_72000.csv" >"$TMP/one.csv" 2>/dev/null
awk -F, 'NR == 2 { one = ($2 == 1 && $3 == "") } NR == 3 { r2 = $3 } $1 == "mean" { ok = one && $3 == r2 && $3 != "" } END { exit !ok }' "$TMP/one.csv" \
  && ! grep -qi nan "$TMP/one.csv" && ok || bad "no R^2 for one point: $(cat "$TMP/one.csv")"

# a loss logged at every step with batch noise (+-0.03, fixed pattern): scored one by one
# the noise dominates; --bins scores bin means, in which the noise cancels, and equals
# the bin means computed here from predict's output. No noise note: the pattern is a
# period-5 sawtooth, four of whose five point-to-point steps are equal, so the robust
# scatter the note measures (MAD of the steps) is 0; random noise: test_noise_cli.sh
S='wsd:peak=3e-4,decay=0.2,final=3e-5,warmup=2160,steps=12000'
"$FSLAW" predict --params "$TMP/mtl.json" --schedule "$S" --every 1 --out "$TMP/truth.csv" \
  && "$FSLAW" schedule "$S" >"$TMP/rates.csv" && ok || bad "truth for the noisy log"
awk -F, 'NR == FNR { if (FNR > 1) p[$2] = $5; next }
         FNR == 1 { print "step,lr,loss"; next }
         { s = $1; y = ""; if (s in p) y = sprintf("%.10f", p[s] + ((s * 7919) % 5 - 2) * 0.015); print s "," $2 "," y }' \
  "$TMP/truth.csv" "$TMP/rates.csv" >"$TMP/noisy.csv"
"$FSLAW" eval --params "$TMP/mtl.json" "$TMP/noisy.csv" >"$TMP/e1.csv" 2>"$TMP/err" && ok || bad "eval noisy: $(cat "$TMP/err")"
[ ! -s "$TMP/err" ] && ok || bad "note on a sawtooth: $(cat "$TMP/err")"
"$FSLAW" eval --params "$TMP/mtl.json" --bins 50 "$TMP/noisy.csv" >"$TMP/e2.csv" 2>"$TMP/err" && [ ! -s "$TMP/err" ] \
  && ok || bad "eval --bins: $(cat "$TMP/err")"
paste -d, "$TMP/e1.csv" "$TMP/e2.csv" | awk -F, '$1 == "mean" { exit !($2 == 9839 && $9 == 50 && $6 > 0.003 && $13 < 0.1 * $6) }' \
  && ok || bad "bins cancel the noise: $(paste -d' ' "$TMP/e1.csv" "$TMP/e2.csv")"
want=$(awk -F, 'NR == FNR { if (FNR > 1 && $2 > 2160) p[$2] = $5; next }
  FNR > 1 && $1 in p { y[n + 0] = $3; q[n + 0] = p[$1]; n++ }
  END { for (i = 0; i < 50; i++) { lo = int(i * n / 50); hi = int((i + 1) * n / 50); a = b = 0
          for (j = lo; j < hi; j++) { a += y[j]; b += q[j] }; a /= hi - lo; b /= hi - lo
          e = a - b; if (e < 0) e = -e; s += e / a }
        printf "%.6g", s / 50 }' "$TMP/truth.csv" "$TMP/noisy.csv")
got=$(awk -F, '$1 == "mean" { printf "%.6g", $6 }' "$TMP/e2.csv")
[ "$got" = "$want" ] && ok || bad "--bins PredE $got, by hand $want"
expect_fail "bins 1" "option '--bins': expected at least 2 bins, got 1" "$FSLAW" eval --params "$TMP/mtl.json" --bins 1 "$TMP/noisy.csv"
expect_fail "bins text" "option '--bins': expected a positive whole number, got 'x'" "$FSLAW" eval --params "$TMP/mtl.json" --bins x "$TMP/noisy.csv"

# run names with commas are quoted (RFC 4180); runs of the same file name are
# told apart by their paths
mkdir -p "$TMP/x" "$TMP/y"
cp "$D/wsdcon_3.csv" "$TMP/lr=3e-4,bs=256.csv" && cp "$D/wsdcon_3.csv" "$TMP/x/run.csv" && cp "$D/wsdcon_18.csv" "$TMP/y/run.csv"
"$FSLAW" predict --params "$TMP/mtl.json" "$TMP/lr=3e-4,bs=256.csv" "$TMP/x/run.csv" "$TMP/y/run.csv" --out "$TMP/names.csv" 2>/dev/null \
  && "$FSLAW" eval --params "$TMP/mtl.json" "$TMP/lr=3e-4,bs=256.csv" --out "$TMP/names_eval.csv" 2>/dev/null && ok || bad "odd names"
python3 - "$TMP/names.csv" "$TMP/names_eval.csv" "$TMP" <<'PY' && ok || bad "quoted names"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert all(len(r) == 5 for r in rows), "predict rows of 5 fields"
assert {r[0] for r in rows[1:]} == {"lr=3e-4,bs=256", sys.argv[3] + "/x/run.csv", sys.argv[3] + "/y/run.csv"}, {r[0] for r in rows[1:]}
rows = list(csv.reader(open(sys.argv[2])))
assert all(len(r) == 7 for r in rows) and rows[1][0] == sys.argv[3] + "/lr=3e-4,bs=256.csv"
PY

# --every N: the multiples of N after warmup, and the last step
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'wsd:peak=3e-4,final=3e-5,decay=0.2,warmup=2160,steps=30000' --every 12000 \
  | cut -d, -f2 | tail -n +2 | tr '\n' ' ' | grep -qx "12000 24000 29999 " && ok || bad "--every multiples"

# a rate that jumps between most steps (cyclic, period 50) still gets about N/3 bins
S='cyclic:peak=3e-4,low=1e-4,period=50,steps=20000,warmup=100'
"$FSLAW" predict --params "$TMP/mtl.json" --schedule "$S" --every 1 --out "$TMP/cyc_truth.csv" 2>/dev/null && "$FSLAW" schedule "$S" >"$TMP/cyc_rates.csv"
awk -F, 'NR == FNR { if (FNR > 1) p[$2] = $5; next } FNR == 1 { print "step,lr,loss"; next } { print $1 "," $2 "," (($1 in p) ? p[$1] : "") }' \
  "$TMP/cyc_truth.csv" "$TMP/cyc_rates.csv" >"$TMP/cyc.csv"
"$FSLAW" fit --law mtl --starts 2 "$TMP/cyc.csv" 2>&1 >/dev/null | awk '/points after warmup/ { n = $5 } END { exit !(n > 150 && n < 250) }' \
  && ok || bad "cyclic log thinned"

# --out to a device, a pipe or a link writes through it: a rename would replace
# /dev/null itself (as root) or the link
"$FSLAW" eval --params "$TMP/mtl.json" --out /dev/null "$D/wsdcon_3.csv" && [ -c /dev/null ] && ok || bad "--out /dev/null"
rm -f "$TMP/pipe" && mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/piped.csv" &
"$FSLAW" eval --params "$TMP/mtl.json" --out "$TMP/pipe" "$D/wsdcon_3.csv"; wait
[ -p "$TMP/pipe" ] && grep -q "^mean," "$TMP/piped.csv" && ok || bad "--out a pipe"
"$FSLAW" eval --params "$TMP/mtl.json" "$D/wsdcon_3.csv" >"$TMP/real.csv" && ln -sf "$TMP/real.csv" "$TMP/link.csv" && echo run,n,r2,old >"$TMP/real.csv"
"$FSLAW" eval --params "$TMP/mtl.json" --out "$TMP/link.csv" "$D/wsdcon_3.csv" && [ -L "$TMP/link.csv" ] && grep -q "^mean," "$TMP/real.csv" \
  && ok || bad "--out through a link"

# predict: CSV with empty loss where not logged; a schedule alone; a plot
"$FSLAW" predict --params "$TMP/mtl.json" "$D/wsdcon_3.csv" --out "$TMP/pred.csv" --plot "$TMP/pred.svg" && ok || bad "predict"
[ "$(head -1 "$TMP/pred.csv")" = "run,step,lr,loss,pred" ] && ok || bad "predict header"
grep -q '^wsdcon_3,2176,0.0003,4.0723,' "$TMP/pred.csv" && ok || bad "logged row"
grep -qE '^wsdcon_3,[0-9]+,[0-9.e-]+,,[0-9.]+$' "$TMP/pred.csv" && ok || bad "unlogged row has empty loss"
xmllint --noout "$TMP/pred.svg" && ok || bad "predict plot XML"
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'cosine:peak=3e-4,final=3e-5,warmup=2160,steps=30000' --every 1000 >"$TMP/s.csv" && ok || bad "predict schedule"
# --params given a CSV (a training log, predict's output) is named for what it is,
# not "malformed JSON" at 1:1, by every command that reads one
W='not a parameters file (it begins'
G='give the JSON that fslaw fit --out wrote'
for P in "$D/wsdcon_3.csv" "$TMP/pred.csv"; do
  first=$(head -1 "$P")
  expect_fail "predict csv params" "$P: $W '$first', a CSV); $G" "$FSLAW" predict --params "$P" "$D/wsdcon_3.csv"
  expect_fail "eval csv params" "$P: $W '$first', a CSV)" "$FSLAW" eval --params "$P" "$D/wsdcon_3.csv"
  expect_fail "optimize csv params" "$P: $W '$first', a CSV)" "$FSLAW" optimize --params "$P" --steps 1000 --peak 3e-4
  expect_fail "report csv params" "$P: $W '$first', a CSV)" "$FSLAW" report --params "$P" --out "$TMP/never.html" "$D/wsdcon_3.csv"
  expect_fail "allocate csv params" "$P: $W '$first', a CSV)" "$FSLAW" allocate --params "$P" --compute 1e20
done
[ ! -e "$TMP/never.html" ] && ok || bad "report wrote a page from a CSV params"
: >"$TMP/empty.json"
expect_fail "empty params" "empty.json: empty, not a parameters file; $G" "$FSLAW" eval --params "$TMP/empty.json" "$D/wsdcon_3.csv"
printf 'step 10: loss 3.2 lr 1e-4\n' >"$TMP/printed.log"
expect_fail "log params" "printed.log: $W 'step 10: loss 3.2 lr 1e-4'); $G" "$FSLAW" predict --params "$TMP/printed.log" "$D/wsdcon_3.csv"
# JSON gone wrong keeps its line and column
printf '{"law": "mpl",\n "params": {\n' >"$TMP/cutoff.json"
expect_fail "cut params" "cutoff.json:3:1: malformed JSON" "$FSLAW" eval --params "$TMP/cutoff.json" "$D/wsdcon_3.csv"
grep -q '^cosine,29999,' "$TMP/s.csv" && ok || bad "schedule prediction reaches the last step"
# a bad --schedule is refused before anything goes to standard output
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'wsd:peak=3e-4,steps=1000' >"$TMP/s.csv" 2>"$TMP/err"
[ $? -ne 0 ] && [ ! -s "$TMP/s.csv" ] && grep -q "option '--schedule'" "$TMP/err" && ok || bad "bad schedule wrote: $(cat "$TMP/s.csv")"

# a prediction beyond the fitted runs says so; one inside them does not
"$FSLAW" predict --params "$TMP/mtl.json" "$D/cosine_72000.csv" --out "$TMP/long.csv" 2>"$TMP/err" \
  && grep -q "note: .*cosine_72000.csv runs to intrinsic time .*beyond that the prediction extrapolates in time" "$TMP/err" \
  && ok || bad "long run note: $(cat "$TMP/err")"
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'constant:peak=1e-5,warmup=2160,steps=24000' 2>"$TMP/err" >/dev/null \
  && grep -q "goes down to rate 1e-05, below the lowest fitted rate 3e-05" "$TMP/err" && ok || bad "low rate note: $(cat "$TMP/err")"
"$FSLAW" predict --params "$TMP/mtl.json" "$D/wsdcon_18.csv" 2>"$TMP/err" >/dev/null && ! grep -q note "$TMP/err" \
  && ok || bad "no note inside the fitted range: $(cat "$TMP/err")"
# the step named is that of the run reaching the largest intrinsic time (cosine to step 12000,
# not wsdcon_9, which logs to step 14144 at lower rates); a fit --from a late step flags
# early predictions
awk -F, 'NR == 1 || $1 <= 12000' "$D/cosine_24000.csv" >"$TMP/short.csv"
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/two.json" "$TMP/short.csv" "$D/wsdcon_9.csv" >/dev/null 2>&1
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["fitted_range"]; assert r["max_step"] == 11888 and r["min_time"] < 1, r' \
  "$TMP/two.json" && ok || bad "fitted range of the longest run: $(grep -A5 fitted_range "$TMP/two.json")"
# held parameters are recorded with the fit
"$FSLAW" fit --law mtl --starts 2 --fix alpha=0.5 --out "$TMP/fixed.json" "$TMP/short.csv" "$D/wsdcon_9.csv" 2>/dev/null \
  | grep -q "alpha  = 0.5   (fixed)" && ok || bad "fixed in the summary"
python3 -c 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); assert a["fixed"] == ["alpha"] and a["params"]["alpha"] == 0.5 and b["fixed"] == [], (a["fixed"], b["fixed"])' \
  "$TMP/fixed.json" "$TMP/two.json" && ok || bad "fixed in the params JSON"
"$FSLAW" fit --law mtl --starts 2 --from 12000 --out "$TMP/late.json" "$D/cosine_24000.csv" "$D/wsdcon_9.csv" >/dev/null 2>&1
"$FSLAW" predict --params "$TMP/late.json" "$D/wsdcon_3.csv" 2>"$TMP/err" >/dev/null \
  && grep -q "well before the first fitted point" "$TMP/err" && ok || bad "--from note: $(cat "$TMP/err")"
# a peak above the fitted runs' (3e-4) is an extrapolation too; the fitted peak is not
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["fitted_range"]; assert r["max_rate"] == 3e-4, r' "$TMP/mtl.json" \
  && ok || bad "max_rate recorded: $(grep -A6 fitted_range "$TMP/mtl.json")"
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'cosine:peak=1e-3,warmup=2160,steps=20000' 2>"$TMP/err" >/dev/null \
  && grep -q "note: cosine reaches rate 0.001, above the highest fitted rate 0.0003" "$TMP/err" && ok || bad "peak note: $(cat "$TMP/err")"
"$FSLAW" predict --params "$TMP/mtl.json" --schedule 'cosine:peak=3e-4,final=3e-5,warmup=2160,steps=20000' 2>"$TMP/err" >/dev/null \
  && ! grep -q "highest fitted rate" "$TMP/err" && ok || bad "fitted peak, no note: $(cat "$TMP/err")"
# a range edited into nonsense is ignored, not trusted
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); j["fitted_range"]["max_step"] = 1e300; json.dump(j, open(sys.argv[2], "w"))' \
  "$TMP/mtl.json" "$TMP/odd.json"
"$FSLAW" predict --params "$TMP/odd.json" "$D/cosine_72000.csv" 2>"$TMP/err" >/dev/null && ! grep -q note "$TMP/err" \
  && ok || bad "nonsense range: $(cat "$TMP/err")"

# a dense log is thinned to --max-points per run, with a note; 0 keeps all
"$FSLAW" fit --law mtl --starts 2 --max-points 40 --out "$TMP/thin.json" $TRAIN >"$TMP/sum" 2>"$TMP/err" && ok || bad "thinned fit"
grep -q "^law mtl: 3 runs, 63 points after warmup (of 437 logged; --max-points)" "$TMP/sum" && ok || bad "thinned summary: $(cat "$TMP/sum")"
grep -q "note: runs logged more densely than --max-points 40 are fitted as means of bins" "$TMP/err" && ok || bad "thinning note: $(cat "$TMP/err")"
grep -q '"max_points":.*40' "$TMP/thin.json" && ok || bad "max_points recorded"
"$FSLAW" fit --law mtl --starts 2 --max-points 0 $TRAIN 2>"$TMP/err" >/dev/null && grep -q "437 points after warmup$" "$TMP/err" && ! grep -q note "$TMP/err" \
  && ok || bad "--max-points 0 keeps all: $(cat "$TMP/err")"
# fewer than two points per free parameter: a warning (not with --fix enough)
"$FSLAW" fit --law mtl --starts 2 --from 23500 "$D/cosine_24000.csv" 2>"$TMP/err" >/dev/null \
  && grep -q "warning: only 4 fitted points for 4 free parameters" "$TMP/err" && ok || bad "few points: $(cat "$TMP/err")"
"$FSLAW" fit --law mtl --starts 2 --from 23500 --fix L0=2.5 --fix A=0.5 "$D/cosine_24000.csv" 2>"$TMP/err" >/dev/null \
  && ! grep -q "fitted points for" "$TMP/err" && ok || bad "few points, two fixed: $(cat "$TMP/err")"
cp "$D/wsdcon_9.csv" "$TMP/in.csv"
out=$("$FSLAW" fit --law fslkq --out "$TMP/in.csv" "$D/cosine_24000.csv" "$TMP/in.csv" 2>&1)
case $out in *"option '--out': '$TMP/in.csv' is an input run"*) ok ;; *) bad "--out an input: $out" ;; esac
# refused before the fit (which prints its summary first), the input intact
cmp -s "$D/wsdcon_9.csv" "$TMP/in.csv" && ! echo "$out" | grep -q "^law fslkq" && ok || bad "refused before the fit: $out"
# --fix outside a parameter's default range: allowed, with a warning
"$FSLAW" fit --law mtl --starts 2 --fix alpha=-1 "$D/cosine_24000.csv" >/dev/null 2>"$TMP/err" \
  && grep -q "warning: --fix alpha=-1 holds alpha outside its default range \[" "$TMP/err" && ok || bad "--fix out of range: $(cat "$TMP/err")"
# --out naming another log (a slip of the hand) is refused; a params file is replaced
cp "$D/wsdcon_3.csv" "$TMP/other.csv"
expect_fail "--out another log" "option '--out': '$TMP/other.csv' exists and holds no fitted parameters (a log? it would be overwritten); remove it first or choose another name" \
  "$FSLAW" fit --law mtl --starts 2 --out "$TMP/other.csv" "$D/cosine_24000.csv"
cmp -s "$D/wsdcon_3.csv" "$TMP/other.csv" && ok || bad "the other log is intact"
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/again.json" "$D/cosine_24000.csv" >/dev/null 2>&1 \
  && "$FSLAW" fit --law mtl --starts 2 --out "$TMP/again.json" "$D/wsd_20000_24000.csv" >/dev/null 2>&1 \
  && grep -q wsd_20000_24000 "$TMP/again.json" && ok || bad "a params file is replaced"
# predict: a file schedule is an input, never overwritten by --out or --plot
"$FSLAW" schedule 'cosine:peak=3e-4,steps=500' --out "$TMP/sched.csv" >/dev/null && cp "$TMP/sched.csv" "$TMP/sched0.csv"
expect_fail "predict --out over the schedule" "refusing to overwrite the input file '$TMP/sched.csv'" \
  "$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --out "$TMP/sched.csv"
expect_fail "predict --plot over the schedule" "refusing to overwrite the input file '$TMP/sched.csv'" \
  "$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --plot "$TMP/sched.csv"
cmp -s "$TMP/sched.csv" "$TMP/sched0.csv" && ok || bad "the schedule file is intact"
# ... nor a file of other data that is no input (a log named by mistake), nor
# one file named by both --out and --plot; a former prediction is replaced
expect_fail "predict --out over another log" "option '--out': '$TMP/sched0.csv' exists and holds other data (it begins 'step,lr,t')" \
  "$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --out "$TMP/sched0.csv"
cmp -s "$TMP/sched.csv" "$TMP/sched0.csv" && ok || bad "the other file is intact"
expect_fail "predict --out = --plot" "options '--out' and '--plot' name the same file" \
  "$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --out "$TMP/p.csv" --plot "$TMP/p.csv"
"$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --out "$TMP/p.csv" 2>/dev/null &&
  "$FSLAW" predict --params "$TMP/again.json" --schedule "file:path=$TMP/sched.csv" --out "$TMP/p.csv" 2>/dev/null \
  && ok || bad "a former prediction is not replaced"
# a file: schedule's rows are named by its file, not 'file'
sed -n 2p "$TMP/p.csv" | grep -q "^$TMP/sched.csv," && ok || bad "file schedule's run name: $(sed -n 2p "$TMP/p.csv")"
expect_fail "kernel law on a constant run" "law 'fslkq': no run's learning rate changes after warmup" \
  "$FSLAW" fit --law fslkq "$D/constant_24000.csv"
# ... unless the parameters of that answer are held, as the mpl message advises
"$FSLAW" fit --law mpl --starts 2 --fix B=700 --fix C=0.5 --fix beta=0.3 --fix gamma=0.6 "$D/constant_24000.csv" >/dev/null 2>"$TMP/err" \
  && ok || bad "constant run with the response held: $(cat "$TMP/err")"
cp "$D/wsdcon_9.csv" "$TMP/copy.csv"
expect_fail "a run given twice" "'$TMP/copy.csv' holds the same logged losses as '$D/wsdcon_9.csv': give each run once" \
  "$FSLAW" fit --law mtl "$D/cosine_24000.csv" "$D/wsdcon_9.csv" "$TMP/copy.csv"
expect_fail "max-points 1" "option '--max-points': max points must be 0 (all) or at least 2" "$FSLAW" fit --law mtl --max-points 1 $TRAIN
expect_fail "max-points text" "option '--max-points': expected 0 (every point) or a whole number >= 2, got 'many'" "$FSLAW" fit --law mtl --max-points many $TRAIN

# bad input: each a clear error, non-zero exit, no output file
# without --law: fslkq, with a note; the same fit and the same errors
"$FSLAW" fit --starts 2 --max-points 60 --out "$TMP/default.json" $TRAIN 2>"$TMP/err" >/dev/null \
  && grep -q "note: law fslkq, the default" "$TMP/err" && ok || bad "no law: $(cat "$TMP/err")"
"$FSLAW" fit --law fslkq --starts 2 --max-points 60 --out "$TMP/fslkq2.json" $TRAIN >/dev/null 2>&1
cmp -s "$TMP/default.json" "$TMP/fslkq2.json" && ok || bad "no law: not the fit of --law fslkq"
expect_fail "unknown law" "option '--law': unknown law 'mlp'" "$FSLAW" fit --law mlp $TRAIN
expect_fail "bad fix" "option '--fix': law 'mtl' has no parameter 'beta'" "$FSLAW" fit --law mtl --fix beta=1 $TRAIN
expect_fail "bad bound" "option '--bound': expected NAME=LO:HI" "$FSLAW" fit --law mtl --bound A=1 $TRAIN
expect_fail "bad loss" "option '--loss': expected huber or mse" "$FSLAW" fit --law mtl --loss l1 $TRAIN
expect_fail "bad huber" "option '--huber': expected a positive number" "$FSLAW" fit --law mtl --huber -1 $TRAIN
printf 'step,lr,loss\n0,0,5\n100,1e-3,\n' >"$TMP/nopost.csv"
expect_fail "no post-warmup point" "has no logged loss after its warmup (which ends at step 100)" \
  "$FSLAW" fit --law mtl --out "$TMP/never.json" "$TMP/nopost.csv"
[ ! -e "$TMP/never.json" ] && ok || bad "no JSON on error"
expect_fail "no decay" "no fitted point depends on B, C, beta, gamma" "$FSLAW" fit --law mpl "$D/constant_24000.csv"
printf 'step,lr,loss\n0,1e-3,3.0\n1,1e-3,nan\n' >"$TMP/nan.csv"
expect_fail "NaN in log" "nan.csv:3:8: column 'loss': NaN is not a valid value" "$FSLAW" fit --law mtl "$TMP/nan.csv"
sed 's/"law":.*"mtl"/"law": "fsl"/; s/"spec":.*"mtl"/"spec": "fsl"/' "$TMP/mtl.json" >"$TMP/other.json"
expect_fail "params of another law" "parameters of another law?" "$FSLAW" predict --params "$TMP/other.json" "$D/wsdcon_3.csv"
expect_fail "eval no params" "option '--params' is required" "$FSLAW" eval "$D/wsdcon_3.csv"
expect_fail "predict nothing" "expected RUN files or --schedule SPEC" "$FSLAW" predict --params "$TMP/mtl.json"
expect_fail "overwrite params" "refusing to overwrite the input file" "$FSLAW" predict --params "$TMP/mtl.json" "$D/wsdcon_3.csv" --out "$TMP/mtl.json"
grep -q '"law"' "$TMP/mtl.json" && ok || bad "params intact"

# groups: one fit over two sizes with alpha shared, a params JSON per group
E=$SRC/data/mpl/100M
G1="--group 25M=$D/cosine_24000.csv,$D/wsdcon_9.csv" G2="--group 100M=$E/cosine_24000.csv,$E/wsdcon_9.csv"
"$FSLAW" fit --law mtl --starts 4 --share alpha --out-dir "$TMP" $G1 $G2 >"$TMP/sum" 2>"$TMP/err" && ok || bad "grouped fit: $(cat "$TMP/err")"
grep -q "^law mtl: 2 groups, 4 runs" "$TMP/sum" && grep -q "alpha .*(shared)" "$TMP/sum" && ok || bad "grouped summary: $(cat "$TMP/sum")"
grep -q "wrote $TMP/25M.json" "$TMP/sum" && grep -q "wrote $TMP/100M.json" "$TMP/sum" && ok || bad "grouped fit says where"
python3 - "$TMP" <<'PYEOF' && ok || bad "group files: shared alpha, own L0, group objectives add up"
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/{g}.json")) for g in ("25M", "100M"))
assert a["params"]["alpha"] == b["params"]["alpha"] and a["params"]["L0"] != b["params"]["L0"]
assert a["shared"] == ["alpha"] and a["group"]["name"] == "25M" and b["group"]["of"] == ["25M", "100M"]
assert abs(a["group"]["objective"] + b["group"]["objective"] - a["objective"]) < 1e-12 * a["objective"]
assert len(a["runs"]) == 2 and "100M" in b["runs"][0]
PYEOF
"$FSLAW" eval --params "$TMP/100M.json" "$E/wsdcon_3.csv" | awk -F, '$1 == "mean" { exit !($3 > 0.99) }' && ok || bad "a group's params evaluate"
"$FSLAW" report --params "$TMP/25M.json" --out "$TMP/g.html" "$D/wsdcon_3.csv" >/dev/null 2>&1 \
  && grep -q "groups fitted together</th><td>25M, 100M</td>" "$TMP/g.html" \
  && grep -q "parameters shared by the groups</th><td>alpha</td>" "$TMP/g.html" && ok || bad "report shows the groups"
# one group is the plain fit; without --out-dir, a JSON array on stdout
"$FSLAW" fit --law mtl --starts 4 --out "$TMP/plain.json" "$D/cosine_24000.csv" "$D/wsdcon_9.csv" >/dev/null 2>&1
"$FSLAW" fit --law mtl --starts 4 --group one="$D/cosine_24000.csv,$D/wsdcon_9.csv" >"$TMP/one.json" 2>/dev/null && ok || bad "one group"
python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2])); assert a["params"] == b[0]["params"] and len(b) == 1' \
  "$TMP/plain.json" "$TMP/one.json" && ok || bad "one group equals the plain fit"
# nothing shared: each group is fitted alone, its parameters (to the last
# digit), curvature and evaluations those of a plain fit of its runs
"$FSLAW" fit --law mtl --starts 4 --out "$TMP/plain100.json" "$E/cosine_24000.csv" "$E/wsdcon_9.csv" >/dev/null 2>&1
"$FSLAW" fit --law mtl --starts 4 --out-dir "$TMP/sep" $G1 $G2 >"$TMP/sum" 2>"$TMP/err" && ok || bad "unshared grouped fit: $(cat "$TMP/err")"
grep -q "^best of 4 starts per group (nothing shared: each group fitted alone):" "$TMP/sum" && grep -q "^  100M: start " "$TMP/sum" \
  && ok || bad "unshared grouped summary: $(cat "$TMP/sum")"
python3 - "$TMP" <<'PYEOF' && ok || bad "unshared groups != plain fits of each group"
import json, sys
t = sys.argv[1]
for g, plain in (("25M", "plain"), ("100M", "plain100")):
    a, b = json.load(open(f"{t}/sep/{g}.json")), json.load(open(f"{t}/{plain}.json"))
    assert a["params"] == b["params"] and a["curvature"] == b["curvature"], g
    assert a["evaluations"] == b["evaluations"] and a["group"]["objective"] == b["objective"], g
    assert a["shared"] == [] and a["group"]["of"] == ["25M", "100M"] and a["runs"] == b["runs"], g
a, b = (json.load(open(f"{t}/sep/{g}.json")) for g in ("25M", "100M"))
assert a["objective"] == b["objective"] == a["group"]["objective"] + b["group"]["objective"]
PYEOF
# groups that peak apart: fitted alone, each reads rates in its own unit and
# the note names the group; any --share (even of a held parameter) is one
# joint fit in one unit, so that the shared value is one value
awk -F, 'NR == 1 { print; next } { $2 *= 2; print }' OFS=, "$D/constant_24000.csv" >"$TMP/hi_const.csv"
awk -F, 'NR == 1 { print; next } { $2 *= 2; print }' OFS=, "$D/wsdcon_9.csv" >"$TMP/hi_wsdcon.csv"
GH="--group hi=$TMP/hi_const.csv,$TMP/hi_wsdcon.csv --group lo=$E/constant_24000.csv,$E/wsdcon_9.csv"
"$FSLAW" fit --law fslq --starts 2 --max-points 60 --fix c4=300 --out-dir "$TMP/units" $GH >/dev/null 2>"$TMP/err"
grep -q "note: group 'hi': the runs peak at a rate of 0.0006" "$TMP/err" && ! grep -q "group 'lo'" "$TMP/err" \
  && grep -q '"spec":[[:space:]]*"fslq:unit=2"' "$TMP/units/hi.json" && grep -q '"spec":[[:space:]]*"fslq",' "$TMP/units/lo.json" \
  && ok || bad "groups alone: own units, the note names the group: $(cat "$TMP/err")"
"$FSLAW" fit --law fslq --starts 2 --max-points 60 --fix c4=300 --share c4 --out-dir "$TMP/units1" $GH >/dev/null 2>"$TMP/err"
[ "$(grep -h '"spec"' "$TMP/units1/hi.json" "$TMP/units1/lo.json" | sort -u | wc -l)" -eq 1 ] \
  && ok || bad "--share of a held parameter: one unit: $(grep -h '"spec"' "$TMP/units1/"*.json)"
expect_fail "group and runs" "give runs either as RUN arguments or with --group, not both" "$FSLAW" fit --law mtl $G1 "$D/wsdcon_3.csv"
expect_fail "group --out" "a grouped fit writes one file per group; use --out-dir DIR" "$FSLAW" fit --law mtl $G1 --out "$TMP/x.json"
expect_fail "out-dir alone" "option '--out-dir': only for groups of runs" "$FSLAW" fit --law mtl --out-dir "$TMP" $TRAIN
expect_fail "share alone" "option '--share' needs groups of runs" "$FSLAW" fit --law mtl --share alpha $TRAIN
expect_fail "share unknown" "option '--share': law 'mtl' has no parameter 'beta'" "$FSLAW" fit --law mtl --share beta $G1 $G2
expect_fail "group syntax" "option '--group': expected NAME=RUN[,RUN...], got '25M'" "$FSLAW" fit --law mtl --group 25M
expect_fail "group name" "option '--group': the name 'a/b' must be letters" "$FSLAW" fit --law mtl --group "a/b=$D/wsdcon_3.csv"
expect_fail "group twice" "option '--group': '25M' is given twice" "$FSLAW" fit --law mtl $G1 $G1
expect_fail "group empty item" "option '--group': empty item in 'a=$D/wsdcon_3.csv,'" "$FSLAW" fit --law mtl --group "a=$D/wsdcon_3.csv,"
expect_fail "group run twice" "option '--group': group 'a' lists '$D/wsdcon_3.csv' twice" "$FSLAW" fit --law mtl --group "a=$D/wsdcon_3.csv,$D/wsdcon_3.csv"
expect_fail "group names by case" "'a' is given twice (names may not differ only in case" "$FSLAW" fit --law mtl --group "A=$D/wsdcon_3.csv" --group "a=$D/wsdcon_9.csv"
expect_fail "group name dash" "must be letters, digits" "$FSLAW" fit --law mtl --group "-=$D/wsdcon_3.csv"
expect_fail "share empty item" "option '--share': empty item in 'alpha,'" "$FSLAW" fit --law mtl --share alpha, $G1 $G2
expect_fail "empty out-dir" "option '--out-dir': expected a path, got ''" "$FSLAW" fit --law mtl --out-dir "" $G1 $G2
# an output that cannot be written is refused before the fit; earlier files stay
mkdir -p "$TMP/part/100M.json" && echo '{"law": "mtl", "old": 1}' >"$TMP/part/25M.json"
expect_fail "group output is a folder" "option '--out-dir': '$TMP/part/100M.json' is a folder" "$FSLAW" fit --law mtl --starts 2 --out-dir "$TMP/part" $G1 $G2
grep -q old "$TMP/part/25M.json" && ok || bad "earlier group file kept"
# a missing --out-dir is made after the fit (its parent must exist), and not at all if the fit fails
expect_fail "out-dir parent missing" "option '--out-dir': folder '$TMP/nowhere' does not exist" "$FSLAW" fit --law mtl --out-dir "$TMP/nowhere/fits" $G1 $G2
"$FSLAW" fit --law mtl --starts 2 --out-dir "$TMP/made" $G1 $G2 >/dev/null 2>&1 && [ -s "$TMP/made/25M.json" ] && [ -s "$TMP/made/100M.json" ] \
  && ok || bad "out-dir made"
"$FSLAW" fit --law mtl --starts 2 --out-dir "$TMP/slash/" $G1 $G2 >/dev/null 2>&1 && [ -s "$TMP/slash/25M.json" ] \
  && ok || bad "out-dir made, given with a trailing slash"
ln -s "$TMP/nowhere/x" "$TMP/dangling"
expect_fail "dangling link" "option '--out-dir': '$TMP/dangling' is a link to nothing" "$FSLAW" fit --law mtl --out-dir "$TMP/dangling" $G1 $G2
expect_fail "failed fit" "missing.csv" "$FSLAW" fit --law mtl --starts 2 --out-dir "$TMP/notmade" $G1 --group "x=$TMP/missing.csv"
[ ! -e "$TMP/notmade" ] && ok || bad "a failed fit made its --out-dir"
if [ -w /dev/full ]; then
  "$FSLAW" fit --law mtl --starts 2 --share alpha $G1 $G2 >/dev/full 2>"$TMP/err" && bad "stdout full: exit 0" \
    || { grep -q "error writing to standard output" "$TMP/err" && ok || bad "stdout full: $(cat "$TMP/err")"; }
fi

# what the runs determine: fsl on a constant run and one with a single drop
# cannot tell c2 from c3 (the drop's benefit c2 (c3 + T^-s) is one number); fit
# warns, records the curvature, and predict and optimize note a schedule that
# depends on them apart (a cosine) but not the fitted run
printf '{"law": "fsl", "params": {"L0": 2.4, "c1": 0.7, "c2": 300, "c3": 0.4, "c4": 20, "s": 0.5, "gamma": 0.6}}\n' >"$TMP/true_fsl.json"
for S in 'constant:peak=1e-3,warmup=200,steps=4000' 'twostage:peak=1e-3,warmup=200,switch=2500,low=3e-4,steps=4000'; do
  f=$TMP/${S%%:*}.csv
  "$FSLAW" predict --params "$TMP/true_fsl.json" --schedule "$S" --every 40 >"$TMP/p.csv" 2>/dev/null
  "$FSLAW" schedule "$S" | awk -F, 'NR == FNR { if (FNR > 1 && $2 % 40 == 0) y[$2] = $5; next }
    FNR == 1 { print "step,lr,loss"; next } { print $1 "," $2 "," (($1 in y) ? y[$1] : "") }' "$TMP/p.csv" - >"$f"
done
"$FSLAW" fit --law fsl --starts 4 --out "$TMP/deg.json" "$TMP/constant.csv" "$TMP/twostage.csv" >/dev/null 2>"$TMP/err" && ok || bad "degenerate fit: $(cat "$TMP/err")"
grep -q "warning: the runs barely determine a trade-off between parameters: c2 x[0-9.]*, c3 x2 together do not change the fitted curves at all" "$TMP/err" \
  && ok || bad "no warning on c2 and c3: $(cat "$TMP/err")"
grep -q '"curvature":' "$TMP/deg.json" && grep -q '"residual_scale":' "$TMP/deg.json" && ok || bad "no curvature in the params"
"$FSLAW" predict --params "$TMP/deg.json" --schedule 'cosine:peak=1e-3,warmup=200,steps=4000' >/dev/null 2>"$TMP/err"
grep -q "cosine: the fitted runs do not determine its final loss: it moves along a combination" "$TMP/err" \
  && ok || bad "predict does not note the undetermined cosine: $(cat "$TMP/err")"
"$FSLAW" predict --params "$TMP/deg.json" "$TMP/twostage.csv" >/dev/null 2>"$TMP/err"
! grep -q "determine its final loss" "$TMP/err" && ok || bad "a fitted run noted as undetermined: $(cat "$TMP/err")"
# a WSD run logged only 400 steps into its decay: the rest of the decay is
# barely determined (finite, large amplification)
S='wsd:peak=1e-3,warmup=200,decay_start=3000,final=1e-4,steps=4000'
"$FSLAW" predict --params "$TMP/true_fsl.json" --schedule "$S" --every 40 >"$TMP/p.csv" 2>/dev/null
"$FSLAW" schedule "$S" | awk -F, 'NR == FNR { if (FNR > 1 && $2 % 40 == 0 && $2 <= 3400) y[$2] = $5; next }
  FNR == 1 { print "step,lr,loss"; next } { print $1 "," $2 "," (($1 in y) ? y[$1] : "") }' "$TMP/p.csv" - >"$TMP/wsdcut.csv"
# (unit=1: the unit fit would choose for this peak leaves a direction exactly free)
"$FSLAW" fit --law fsl:unit=1 --starts 4 --out "$TMP/cut.json" "$TMP/constant.csv" "$TMP/wsdcut.csv" >/dev/null 2>&1 \
  && "$FSLAW" predict --params "$TMP/cut.json" --schedule "$S" >/dev/null 2>"$TMP/err" \
  && grep -q "wsd: the fitted runs barely determine its final loss: when the parameters move, it moves [0-9.]*x as much" "$TMP/err" \
  && ok || bad "no note on the undetermined end of a decay: $(cat "$TMP/err")"
# a loss <= 0 has no relative error: eval names its step instead of printing inf
awk -F, '$1 == 4992 { $3 = 0 } { print }' OFS=, "$D/wsdcon_18.csv" >"$TMP/zero.csv"
expect_fail "zero loss in eval" "zero.csv: the loss at step 4992 is 0; PredE, WorstE and the laws need positive losses" \
  "$FSLAW" eval --params "$TMP/mtl.json" "$TMP/zero.csv"
# eval gives the notes of predict: scoring a run beyond the fit or one it
# does not determine says why the score may be poor
"$FSLAW" schedule 'cosine:peak=1e-3,warmup=200,steps=4000' | awk -F, 'NR == 1 { print "step,lr,loss"; next }
  { print $1 "," $2 "," ($1 % 40 == 0 && $1 > 200 ? 3 : "") }' >"$TMP/cos4000.csv"
"$FSLAW" eval --params "$TMP/deg.json" "$TMP/cos4000.csv" >/dev/null 2>"$TMP/err" \
  && grep -q "note: .*cos4000.csv: the fitted runs do not determine its final loss" "$TMP/err" \
  && ok || bad "eval does not note the undetermined cosine: $(cat "$TMP/err")"
"$FSLAW" eval --params "$TMP/mtl.json" "$D/cosine_72000.csv" >/dev/null 2>"$TMP/err" \
  && grep -q "note: .*cosine_72000.csv runs to intrinsic time .*beyond that the prediction extrapolates in time" "$TMP/err" \
  && ok || bad "eval long run note: $(cat "$TMP/err")"
"$FSLAW" optimize --params "$TMP/deg.json" --steps 4000 --peak 1e-3 --warmup 200 --family cosine >/dev/null 2>"$TMP/err"
grep -q "note: the optimum: the fitted runs do not determine its final loss" "$TMP/err" \
  && ok || bad "optimize does not note the undetermined optimum: $(cat "$TMP/err")"
grep -q "^amplification of each final loss (.*): constant [0-9.]*; .*; optimum not determined$" "$TMP/err" \
  && ok || bad "optimize's amplification line: $(cat "$TMP/err")"
# the bundled 25M mpl fit: B and beta trade off (beta near 0 turns G into a logarithm)
"$FSLAW" fit --law mpl --starts 8 --out "$TMP/mpl25.json" $TRAIN >/dev/null 2>"$TMP/err"
grep -q "barely determine a trade-off between parameters: B x0.5[0-9]*, C x0.8[0-9]*, beta x2 together change the fitted curves by only" "$TMP/err" \
  && ok || bad "mpl 25M: no warning on B and beta: $(cat "$TMP/err")"

# the unit of the rate does not matter: runs logged at 1000 x the rates (SGD-like
# peak 0.3) fit to the same curves, the law reading rates in units of 1000.
# Before the unit, mpl's default starts all predicted negative losses there.
mkdir -p "$TMP/x1000"
for f in $TRAIN $D/cosine_72000.csv; do
  awk -F, 'NR == 1 { print; next } { printf "%s,%.12g,%s\n", $1, $2 * 1000, $3 }' "$f" >"$TMP/x1000/$(basename "$f")"
done
X="$TMP/x1000"
"$FSLAW" fit --law mpl --starts 4 --out "$TMP/mpl1.json" $TRAIN >/dev/null 2>&1 &&
  "$FSLAW" fit --law mpl --starts 4 --out "$TMP/mpl1000.json" "$X/cosine_24000.csv" "$X/constant_24000.csv" \
    "$X/wsdcon_9.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit at 1000 x the rates: $(cat "$TMP/err")"
grep -q '"spec":[[:space:]]*"mpl:unit=1000"' "$TMP/mpl1000.json" && grep -q "reads rates in units of 1000" "$TMP/err" \
  && ok || bad "the unit is not recorded or noted: $(grep spec "$TMP/mpl1000.json")"
a=$("$FSLAW" eval --params "$TMP/mpl1.json" "$D/cosine_72000.csv" 2>/dev/null | awk -F, '$1 == "mean" { print $6 }')
b=$("$FSLAW" eval --params "$TMP/mpl1000.json" "$X/cosine_72000.csv" 2>/dev/null | awk -F, '$1 == "mean" { print $6 }')
awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; exit !(a > 0 && (d < 0 ? -d : d) < 1e-4 * a) }' \
  && ok || bad "held-out PredE differs with the unit of the rate: $a vs $b"

# a law whose drops outgrow L0 predicts no loss: an error, and no output file
printf '{"law": "fsl", "params": {"L0": 2.4, "c1": 0.7, "c2": 3e5, "c3": 0.4, "c4": 20, "s": 0.5, "gamma": 0.6}}\n' >"$TMP/neg.json"
expect_fail "non-positive prediction" "the law predicts a loss of -" \
  "$FSLAW" predict --params "$TMP/neg.json" --schedule 'cosine:peak=3e-4,warmup=200,steps=3000' --out "$TMP/neg.csv"
[ ! -e "$TMP/neg.csv" ] && ok || bad "predict wrote a file of negative losses"

# a log that lacks its beginning (rates from step 10000 on, every 50 steps):
# the rates before are a guess, and the warning says so; a log that starts at
# its logging interval (every 500 steps from step 500) is no such gap
awk -F, 'NR == 1 || ($1 >= 10000 && $1 % 50 == 0)' "$D/cosine_24000.csv" >"$TMP/late.csv"
awk -F, 'NR == 1 || ($1 >= 500 && $1 % 500 == 0)' "$D/cosine_24000.csv" >"$TMP/every500.csv"
"$FSLAW" inspect "$TMP/late.csv" >/dev/null 2>"$TMP/err" && grep -q "warning: .*late.csv: its rates are logged from step 10000 on, about every 50 steps: the log lacks its first 10000 steps" "$TMP/err" \
  && ok || bad "no warning on a log without its beginning: $(cat "$TMP/err")"
"$FSLAW" inspect "$TMP/every500.csv" >/dev/null 2>"$TMP/err" && ! grep -q "lacks its first" "$TMP/err" \
  && ok || bad "a log written every 500 steps warned as cut: $(cat "$TMP/err")"

# the params file records each run's --schedule; report reads a fitted run with
# it when given none (the same page as with it), and an explicit one still wins
S='wsd:peak=3e-4,decay=0.2,final=3e-5,warmup=2160,steps=12000'
awk -F, 'NR == 1 { print "step,loss"; next } $2 % 50 == 0 { print $2 "," $5 }' "$TMP/truth.csv" >"$TMP/nolr.csv"
"$FSLAW" fit --law mtl --starts 2 --schedule "$TMP/nolr.csv=$S" --out "$TMP/sch.json" "$D/cosine_24000.csv" "$TMP/nolr.csv" \
  >/dev/null 2>"$TMP/err" && ok || bad "fit with a run's schedule: $(cat "$TMP/err")"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); assert j["schedules"] == {sys.argv[2]: sys.argv[3]}, j.get("schedules")' \
  "$TMP/sch.json" "$TMP/nolr.csv" "$S" && ok || bad "params file records the schedule"
! grep -q '"schedules"' "$TMP/mtl.json" && ok || bad "schedules recorded without --schedule"
"$FSLAW" report --params "$TMP/sch.json" --out "$TMP/r_given.html" --schedule "$TMP/nolr.csv=$S" "$TMP/nolr.csv" >/dev/null 2>&1 \
  && ok || bad "report with the schedule"
"$FSLAW" report --params "$TMP/sch.json" --out "$TMP/r_recorded.html" "$TMP/nolr.csv" >/dev/null 2>"$TMP/err" \
  && grep -qF "$TMP/nolr.csv is read with the schedule its fit recorded, $S" "$TMP/err" && ok || bad "report with the recorded schedule: $(cat "$TMP/err")"
cmp -s "$TMP/r_given.html" "$TMP/r_recorded.html" && ok || bad "report without --schedule differs from with it"
"$FSLAW" report --params "$TMP/sch.json" --out "$TMP/r_other.html" --schedule "$TMP/nolr.csv=${S/decay=0.2/decay=0.3}" \
  "$TMP/nolr.csv" >/dev/null 2>"$TMP/err" && ! grep -q "fit recorded" "$TMP/err" && ! cmp -s "$TMP/r_given.html" "$TMP/r_other.html" \
  && ok || bad "an explicit --schedule wins over the recorded one: $(cat "$TMP/err")"
# eval and predict read a fitted run as its fit read it too (one way for all)
for c in eval predict; do
  "$FSLAW" $c --params "$TMP/sch.json" --schedule "$TMP/nolr.csv=$S" "$TMP/nolr.csv" >"$TMP/$c.given" 2>/dev/null
  "$FSLAW" $c --params "$TMP/sch.json" "$TMP/nolr.csv" >"$TMP/$c.recorded" 2>"$TMP/err" \
    && grep -qF "fslaw $c: note: $TMP/nolr.csv is read with the schedule its fit recorded" "$TMP/err" \
    && [ -s "$TMP/$c.given" ] && cmp -s "$TMP/$c.given" "$TMP/$c.recorded" && ok || bad "$c of a fitted run without its --schedule: $(cat "$TMP/err")"
done
# a recorded file: schedule given relative to the fit's folder is read beside
# the params file, as the fitted runs are, when the report runs elsewhere
mkdir -p "$TMP/sub" && cp "$TMP/nolr.csv" "$TMP/sub/nolr.csv" && "$FSLAW" schedule "$S" >"$TMP/sub/lr.csv"
(cd "$TMP/sub" && "$FSLAW" fit --law mtl --starts 2 --schedule nolr.csv=file:path=lr.csv --out sch.json \
  "$D/cosine_24000.csv" nolr.csv >/dev/null 2>&1 && "$FSLAW" report --params sch.json --out here.html nolr.csv >/dev/null 2>&1) \
  && (cd "$TMP" && "$FSLAW" report --params sub/sch.json --out sub/there.html sub/nolr.csv >/dev/null 2>"$TMP/err") \
  && [ -s "$TMP/sub/there.html" ] && ok || bad "a recorded relative file: schedule from another folder: $(cat "$TMP/err")"
finish test_fit_cli
