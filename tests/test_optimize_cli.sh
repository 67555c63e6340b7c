#!/usr/bin/env bash
# test_optimize_cli.sh: `fslaw optimize` as a user runs it, with bad input.
# Usage: test_optimize_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/optcli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
cat >"$TMP/mpl.json" <<'J'
{"law": "mpl", "params": {"L0": 2.5, "A": 0.6, "alpha": 0.45, "B": 600, "C": 0.5, "beta": 0.4, "gamma": 0.6}}
J
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --out "$TMP/s.csv" --plot "$TMP/s.svg" >"$TMP/sum" && ok || bad "optimize runs"
for b in constant "cosine to 0.1 peak" "cosine to 0" "wsd, 20% linear tail" "8-1-1" optimum; do
  grep -q "^  $b " "$TMP/sum" && ok || bad "summary lacks $b"
done
# the optimum is below every baseline
awk '/^  / && $0 !~ /spec/ { v = $(NF); if ($1 == "optimum") { o = $2 } else if (v + 0 > 0) b[NR] = v }
     END { for (i in b) if (o + 0 >= b[i] + 0) exit 1 }' "$TMP/sum" && ok || bad "optimum below baselines: $(cat "$TMP/sum")"
# parameters written by hand record no curvature: no amplification line
! grep -q "amplification" "$TMP/sum" && ok || bad "amplification without a curvature: $(cat "$TMP/sum")"
[ "$(head -1 "$TMP/s.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/s.csv")" -eq 2001 ] && ok || bad "CSV step,lr of 2000 rows"
"$FSLAW" schedule "file:path=$TMP/s.csv" --every 500 >/dev/null && ok || bad "loads as a file schedule"
xmllint --noout "$TMP/s.svg" && ok || bad "plot XML"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "optimum spec: cosine:" \
  && ok || bad "family optimum prints its spec"
# a shape family that cannot reach a baseline says so, with the numbers of the summary
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --family linear >/dev/null 2>"$TMP/lin" \
  && ok || bad "linear family runs"
o=$(awk '$1 == "optimum" && $2 != "spec:" && $2 != "shape:" { print $2 }' "$TMP/lin")
b=$(awk '$1 == "8-1-1" { print $2 }' "$TMP/lin")
grep -qF "note: the best of the linear family ($o) is" "$TMP/lin" && grep -qF "above the baseline '8-1-1' ($b)" "$TMP/lin" \
  && ok || bad "linear family short of 8-1-1: $(cat "$TMP/lin")"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --family wsd 2>&1 >/dev/null \
  | grep -q "note: the best of" && bad "wsd family noted though below every baseline" || ok
cat >"$TMP/fsl.json" <<'J'
{"law": "fsl", "params": {"L0": 2.4, "c1": 0.7, "c2": 300, "c3": 0.4, "c4": 20, "s": 0.5, "gamma": 0.6}}
J
"$FSLAW" optimize --params "$TMP/fsl.json" --steps 500 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "note: law 'fsl' keeps each drop's benefit" \
  && ok || bad "fsl optimum comes with a note"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 500 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "note: law" \
  && bad "mpl has no such note" || ok
# --out -: the schedule alone on standard output, the summary on standard error
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 200 --peak 1e-3 --warmup 10 --out - >"$TMP/dash.csv" 2>"$TMP/dash.err" \
  && [ "$(head -1 "$TMP/dash.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/dash.csv")" -eq 201 ] \
  && grep -q "^  optimum " "$TMP/dash.err" && ok || bad "--out -: $(head -3 "$TMP/dash.csv")"
# progress on a terminal only: `script` gives the command one
if command -v script >/dev/null; then
  script -qc "'$FSLAW' optimize --params '$TMP/mpl.json' --steps 500 --peak 1e-3 --warmup 10 --out '$TMP/tty.csv'" /dev/null \
    | grep -q "fslaw optimize: evaluation 10 " && ok || bad "progress on a terminal"
fi
! grep -q "optimize: evaluation" "$TMP/dash.err" && ok || bad "no progress when stderr is not a terminal"
# outputs are checked before the search
expect_fail "unwritable --out" "option '--out': folder '/nonexistent' does not exist" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out /nonexistent/x.csv
expect_fail "unwritable --plot" "option '--plot': folder '/nonexistent' does not exist" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/early.csv" --plot /nonexistent/x.svg
[ ! -e "$TMP/early.csv" ] && ok || bad "no schedule written when the plot cannot be"
# a search cut short by its budget says how to give it more
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --max-evals 5 2>&1 >/dev/null \
  | grep -q "note: a final search stage stopped at its budget of 5 evaluations before converging; a larger --max-evals may lower the optimum" \
  && ok || bad "budget note"
# an existing file of other data (a training log), an input, or the other
# output: refused before the search, the file untouched, no summary
printf 'step,lr,loss\n0,0,10\n100,1e-3,5\n' >"$TMP/log.csv" && cp "$TMP/log.csv" "$TMP/log.bak"
expect_fail "--out on a log" "option '--out': '$TMP/log.csv' exists and holds other data (it begins 'step,lr,loss'); remove it first" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/log.csv"
cmp -s "$TMP/log.csv" "$TMP/log.bak" && ok || bad "the log was changed"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/mpl.json" >"$TMP/sum2" 2>"$TMP/err"
[ $? -ne 0 ] && grep -q "option '--out': refusing to overwrite the input file" "$TMP/err" && [ ! -s "$TMP/sum2" ] \
  && ok || bad "--out on the params: $(cat "$TMP/err" "$TMP/sum2")"
expect_fail "--out = --plot" "options '--out' and '--plot' name the same file '$TMP/same.csv'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/same.csv" --plot "$TMP/same.csv"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/s.csv" >/dev/null 2>&1 \
  && ok || bad "an earlier schedule is replaced"
# the shape line agrees with the CSV: the decay starts after the last step
# within 1 % of the largest rate, and ends at the last step's rate
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --family wsd --out "$TMP/w.csv" >"$TMP/wsum" 2>&1
held=$(awk -F, 'NR > 1 && $1 > 100 && $2 < 0.99e-3 { print $1 - 1; exit }' "$TMP/w.csv")
end=$(awk -F, 'END { printf "%.6g", $2 }' "$TMP/w.csv")
grep -q "optimum shape: largest rate 0.001 (1 x --peak) held to step $held, then a decay over the last .* to $end (.* x its largest) at step 1999" \
  "$TMP/wsum" && ok || bad "shape line (held $held, end $end): $(grep shape "$TMP/wsum")"
# --compare: every row under another law; the optimum's column is that law's
# prediction of the written schedule (predict, an independent path), and
# the same law compared with itself agrees on the gain
cat >"$TMP/mpl2.json" <<'J'
{"law": "mpl", "params": {"L0": 2.5, "A": 0.6, "alpha": 0.45, "B": 100, "C": 2, "beta": 0.6, "gamma": 0.3}}
J
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --compare "$TMP/mpl2.json" \
  --compare "$TMP/mpl.json" --out "$TMP/c.csv" >"$TMP/csum" 2>"$TMP/err" && ok || bad "--compare: $(cat "$TMP/err")"
want=$("$FSLAW" predict --params "$TMP/mpl2.json" --schedule "file:path=$TMP/c.csv" 2>/dev/null | awk -F, 'END { printf "%.6f", $5 }')
awk -v w="$want" '$1 == "optimum" && NF == 4 { exit !($3 == w && $2 == $4) } ' "$TMP/csum" \
  && grep -q "^  gain over best baseline " "$TMP/csum" && ok || bad "--compare optimum column (want $want): $(cat "$TMP/csum")"
awk '/^  gain over best baseline/ { exit !($5 == $7) }' "$TMP/csum" && ok || bad "self-comparison gain: $(cat "$TMP/csum")"
grep -Eq "^  (the laws disagree|every law predicts)" "$TMP/csum" && ok || bad "--compare verdict: $(cat "$TMP/csum")"
# two compared params files of one name are told apart by their paths
mkdir -p "$TMP/c2" && cp "$TMP/mpl2.json" "$TMP/c2/mpl2.json"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 500 --peak 1e-3 --family cosine --compare "$TMP/mpl2.json" \
  --compare "$TMP/c2/mpl2.json" 2>&1 >/dev/null | grep -F "(--compare):" -A1 | tail -1 \
  | grep -qF "$TMP/mpl2.json $TMP/c2/mpl2.json" && ok || bad "--compare heads of one name"
expect_fail "bad --compare" "option '--compare': " \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 200 --peak 1e-3 --compare "$TMP/log.csv"
expect_fail "--compare in theory mode" "option '--compare' cannot be combined with '--theory'" \
  "$FSLAW" optimize --theory --steps 200 --compare "$TMP/mpl.json"
expect_fail "no params" "option '--params' is required" "$FSLAW" optimize --steps 10 --peak 1
expect_fail "no steps" "options '--steps' and '--peak' are required" "$FSLAW" optimize --params "$TMP/mpl.json" --peak 1
expect_fail "bad peak" "option '--peak': expected a positive rate up to 1e6, got '-1'" "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak -1
expect_fail "huge peak" "option '--peak': expected a positive rate up to 1e6, got '1e9'" "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1e9
expect_fail "bad warmup" "option '--warmup': expected a whole number of steps (0 or more), got '-5'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1e-3 --warmup -5
expect_fail "bad family" "option '--family': expected free, wsd, cosine, linear or power, got 'step'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1 --family step
expect_fail "warmup too long" "need at least 2 steps after warmup" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1e-3 --warmup 99 --out "$TMP/none.csv"
[ ! -e "$TMP/none.csv" ] && ok || bad "no output on error"
# the baselines' specs read as typed (peak=0.0003, final=3e-05, not
# 0.00029999999999999997 and 2.9999999999999997e-05) and reproduce the
# baseline: the spec's schedule, set as the file beside the baselines, has the
# very final loss of the baseline it names
spec="cosine:final=3e-05,peak=0.0003,warmup=100,warmup_style=standard,steps=2000"
"$FSLAW" schedule "$spec" --out "$TMP/base.csv" >/dev/null \
  && "$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/base.csv" --out "$TMP/base.html" >/dev/null \
  && ok || bad "report beside the baselines"
row() { grep "data-sched=\"$1\"" "$TMP/base.html"; }
row "cosine to 0.1 peak" | grep -qF "<code title=\"$spec\">" && ok || bad "baseline spec: $(row "cosine to 0.1 peak" | grep -o '<code[^>]*>')"
row constant | grep -qF '<code title="constant:peak=0.0003,warmup=100,' && ok || bad "constant spec: $(row constant | grep -o '<code[^>]*>')"
exact() { row "$1" | grep -oE '[0-9]\.[0-9]{8,}' | head -1; }
[ -n "$(exact base.csv)" ] && [ "$(exact base.csv)" = "$(exact "cosine to 0.1 peak")" ] \
  && ok || bad "the spec's final loss $(exact base.csv) is not the baseline's $(exact "cosine to 0.1 peak")"
# --min-lr: a floor under every rate after warmup; 'fitted' is the params'
# lowest fitted rate, and without it an optimum below that rate says so
cat >"$TMP/ranged.json" <<'J'
{"law": "mpl", "params": {"L0": 2.5, "A": 0.6, "alpha": 0.45, "B": 600, "C": 0.5, "beta": 0.4, "gamma": 0.6},
 "fitted_range": {"max_step": 2000, "max_time": 2.0, "min_time": 0.05, "min_rate": 2e-4, "max_rate": 1e-3}}
J
"$FSLAW" optimize --params "$TMP/ranged.json" --steps 2000 --peak 1e-3 --warmup 100 --out "$TMP/nofloor.csv" \
  >/dev/null 2>"$TMP/err" && grep -q "note: --min-lr fitted keeps every rate at or above the lowest fitted one" "$TMP/err" \
  && ok || bad "no floor: the note on --min-lr: $(cat "$TMP/err")"
for f in "fitted 2e-4" "1.5e-4 1.5e-4"; do
  set -- $f
  for fam in free wsd power; do
    "$FSLAW" optimize --params "$TMP/ranged.json" --steps 2000 --peak 1e-3 --warmup 100 --family $fam --min-lr $1 \
      --out "$TMP/floor.csv" >"$TMP/sum" 2>"$TMP/err" || bad "--min-lr $1 --family $fam: $(tail -1 "$TMP/err")"
    awk -F, -v lo=$2 'NR > 101 { if ($2 < lo || (NR > 102 && $2 > prev)) bad = 1; prev = $2; last = $2 }
      END { exit bad || !(last < 1.05 * lo) }' "$TMP/floor.csv" \
      && ok || bad "--min-lr $1 --family $fam: a rate below $2, a rise, or the floor not reached: $(tail -1 "$TMP/floor.csv")"
  done
  grep -q "note: --min-lr" "$TMP/err" && bad "--min-lr $1: the note again" || ok
done
expect_fail "--min-lr at the peak" "option '--min-lr': expected a rate in [0, peak 0.001), got 0.001" \
  "$FSLAW" optimize --params "$TMP/ranged.json" --steps 500 --peak 1e-3 --min-lr 1e-3 --out "$TMP/never.csv"
[ -e "$TMP/never.csv" ] && bad "--min-lr at the peak: wrote the schedule" || ok
expect_fail "--min-lr fitted above the peak" "option '--min-lr': fitted: the lowest fitted rate 0.0002 (the params' fitted_range.min_rate) is not below --peak 0.0001" \
  "$FSLAW" optimize --params "$TMP/ranged.json" --steps 500 --peak 1e-4 --min-lr fitted
expect_fail "--min-lr text" "option '--min-lr'" \
  "$FSLAW" optimize --params "$TMP/ranged.json" --steps 500 --peak 1e-3 --min-lr low
expect_fail "--min-lr fitted without a range" "option '--min-lr': $TMP/mpl.json records no fitted range" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 500 --peak 1e-3 --min-lr fitted
expect_fail "--min-lr fitted in theory mode" "option '--min-lr': 'fitted' needs a fitted law" \
  "$FSLAW" optimize --theory --steps 500 --min-lr fitted

# --continue: a run in progress (a warmup of 100, then 1e-3, logged to step
# 999) keeps its rates bit for bit; the steps after it are searched and beat
# every baseline continued the same way
awk 'BEGIN { print "step,lr,loss"; for (k = 0; k < 1000; k++) { lr = k < 100 ? 1e-3 * k / 100 : 1e-3;
  printf "%d,%.17g,%s\n", k, lr, k % 50 == 49 ? 3 + 10 / (k + 10) ^ 0.5 : "" } }' >"$TMP/run.csv"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --out "$TMP/cont.csv" \
  --plot "$TMP/cont.svg" >"$TMP/csum" 2>"$TMP/err" && ok || bad "--continue runs: $(cat "$TMP/err")"
xmllint --noout "$TMP/cont.svg" && grep -q "run so far | searched" "$TMP/cont.svg" && ok || bad "--continue plot marks the step"
grep -qF "continuing $TMP/run.csv: its rates of steps 0..999 kept, steps 1000..1999 searched (rates at most 0.001)" \
  "$TMP/csum" && ok || bad "--continue summary: $(head -2 "$TMP/csum")"
# same_rates A B N: the rates of steps 0..N-1 in A and B are the same doubles
same_rates() { awk -F, -v n="$3" 'FNR > 1 && $1 < n { if (FILENAME == ARGV[1]) a[$1] = $2; else if (a[$1] != $2 + 0 || !($1 in a)) bad = 1; m++ }
  END { exit bad || m != 2 * n }' "$1" "$2"; }
[ "$(wc -l <"$TMP/cont.csv")" -eq 2001 ] && same_rates "$TMP/cont.csv" "$TMP/run.csv" 1000 \
  && ok || bad "--continue: the run's rates are not the schedule's first 1000"
awk -F, 'NR > 1001 { if ($2 > 1e-3 || (NR > 1002 && $2 > prev)) bad = 1; prev = $2 } END { exit bad }' "$TMP/cont.csv" \
  && ok || bad "--continue: a rate after the run above the peak or rising"
awk '/^  / && $0 !~ /spec|shape/ { v = $(NF); if ($1 == "optimum") { o = $2 } else if (v + 0 > 0) { b[NR] = v; n++ } }
     END { if (n != 5) exit 1; for (i in b) if (o + 0 >= b[i] + 0) exit 1 }' "$TMP/csum" \
  && ok || bad "--continue: optimum below the 5 continued baselines: $(cat "$TMP/csum")"
# the baselines continue the run: constant is the run's rate to the end
want=$("$FSLAW" predict --params "$TMP/mpl.json" --schedule "file:path=$TMP/run.csv" --schedule \
  'const=constant:peak=1e-3,warmup=100,steps=2000' 2>/dev/null | awk -F, '$1 == "const" { v = $5 } END { printf "%.6f", v }')
awk -v w="$want" '$1 == "constant" { exit !($2 == w) }' "$TMP/csum" && ok || bad "--continue: constant baseline (want $want): $(cat "$TMP/csum")"
# a branch earlier in the run; a baseline whose decay would fall in the run is n/a
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --continue-at 500 --family wsd \
  --out "$TMP/c500.csv" >"$TMP/csum" 2>&1 && same_rates "$TMP/c500.csv" "$TMP/run.csv" 500 \
  && grep -q "steps 500..1999 searched" "$TMP/csum" && grep -q "optimum spec: wsd:.*warmup=500,.* (from step 500; its warmup stands" "$TMP/csum" \
  && ok || bad "--continue-at 500: $(cat "$TMP/csum")"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 1100 --continue "$TMP/run.csv" --family cosine >/dev/null 2>"$TMP/err" \
  && grep -q "^  wsd, 20% linear tail     n/a (its decay would start within the run so far)" "$TMP/err" \
  && ok || bad "--continue: baseline inside the run: $(cat "$TMP/err")"
# a run at a rate of 0 gives no peak; --peak does
awk 'BEGIN { print "step,lr,loss"; for (k = 0; k < 300; k++) printf "%d,%g,%g\n", k, k < 200 ? 1e-3 : 0, 3 }' >"$TMP/zero.csv"
expect_fail "--continue at rate 0" "$TMP/zero.csv: the rate at step 299 is 0, so it gives no peak for the steps after it; give --peak" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 1000 --continue "$TMP/zero.csv" --out "$TMP/never.csv"
[ -e "$TMP/never.csv" ] && bad "--continue at rate 0: wrote the schedule" || ok
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 1000 --continue "$TMP/zero.csv" --peak 5e-4 --family cosine >/dev/null 2>&1 \
  && ok || bad "--continue at rate 0 with --peak"
expect_fail "--continue, too few steps" "option '--steps': 1001 steps leave fewer than 2 to search after $TMP/run.csv's steps 0..999; give more than 1001" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 1001 --continue "$TMP/run.csv"
expect_fail "--continue-at past the run" "option '--continue-at': $TMP/run.csv has rates for steps 0..999 only, got 1200" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --continue-at 1200
expect_fail "--continue-at 0" "option '--continue-at': expected a positive whole number, got '0'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --continue-at 0
expect_fail "--continue-at alone" "option '--continue-at' needs --continue RUN" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --continue-at 10
expect_fail "--col alone" "option '--col' needs --continue RUN" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --col loss=x
expect_fail "--continue --warmup" "option '--warmup' cannot be combined with '--continue'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --warmup 10
expect_fail "--continue --theory" "option '--continue' needs a fitted law, not --theory" \
  "$FSLAW" optimize --theory --steps 2000 --continue "$TMP/run.csv"
expect_fail "--continue missing" "$TMP/nope.csv" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/nope.csv" --out "$TMP/never.csv"
[ -e "$TMP/never.csv" ] && bad "--continue missing: wrote the schedule" || ok
# with the run's exact rates from a schedule running past its log: it
# continues from its last logged loss
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" \
  --schedule "$TMP/run.csv=constant:peak=1e-3,warmup=100,steps=2000" 2>&1 >/dev/null | grep -q "steps 0..999 kept" \
  && ok || bad "--continue with --schedule RUN=SPEC"

# report --optimize --continue-at: the page's baselines continue the run as
# fslaw optimize's did, to the printed digits
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --out "$TMP/cont.csv" >"$TMP/csum" 2>&1
grep -qF "note: to draw it beside these baselines: fslaw report --params $TMP/mpl.json --optimize $TMP/cont.csv --continue-at 1000" \
  "$TMP/csum" && ok || bad "--continue: the report line: $(cat "$TMP/csum")"
"$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/cont.csv" --continue-at 1000 --out "$TMP/cont.html" >/dev/null 2>&1 \
  && grep -q "continuing a run: the file's rates of steps 0..999 are the run's" "$TMP/cont.html" \
  && ok || bad "report --continue-at"
for b in constant "cosine to 0.1 peak" "cosine to 0" "wsd, 20% linear tail" "8-1-1" optimum; do
  page=$(grep "data-sched=\"$b\"" "$TMP/cont.html" | grep -oE '[0-9]\.[0-9]{8,}' | head -1)
  printed=$(awk -v b="$b" 'index($0, "  " b " ") == 1 { s = substr($0, length(b) + 3); split(s, f, " "); print f[1]; exit }' "$TMP/csum")
  [ -n "$page" ] && [ "$(printf %.6f "$page")" = "$printed" ] && ok || bad "report --continue-at, $b: page $page, optimize $printed"
done
expect_fail "report --continue-at --warmup" "option '--warmup' cannot be combined with '--continue-at'" \
  "$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/cont.csv" --continue-at 1000 --warmup 10 --out "$TMP/x.html"
expect_fail "report --continue-at past the end" "option '--continue-at': 1999 leaves fewer than 2 of the 2000 steps" \
  "$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/cont.csv" --continue-at 1999 --out "$TMP/x.html"
expect_fail "report --continue-at alone" "option '--continue-at' needs --optimize" \
  "$FSLAW" report --params "$TMP/mpl.json" --continue-at 10 "$TMP/run.csv"
[ -e "$TMP/x.html" ] && bad "report --continue-at: a page on error" || ok

# a run still in warmup gives no peak; with --peak, a note on the jump
expect_fail "--continue in warmup" "$TMP/run.csv: its rate still rises at step 49 (0.00049, in warmup), so it is not the peak the run ramps to; give --peak" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --continue-at 50
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --continue-at 50 --peak 1e-3 --family cosine \
  2>&1 >/dev/null | grep -q "note: the searched steps may start above $TMP/run.csv's rate at step 49 (0.00049), at up to --peak 0.001: a jump that ends its warmup, not a ramp" \
  && ok || bad "--continue in warmup with --peak: the note"
# losses placed at the middle of their window (the Trainer's means) still
# say how far the run got: hf_run is logged to step 200
T=$(dirname "$0")/data/tfevents
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 3000 --continue "$T/hf_run" --family cosine --out - \
  --schedule "$T/hf_run=cosine:peak=1e-3,final=1e-4,warmup=50,steps=201" 2>&1 >/dev/null | grep -q "rates of steps 0..200 kept" \
  && ok || bad "--continue an HF run: to its last logged step"
expect_fail "--continue --loss-window" "option '--loss-window' does not apply" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --continue "$TMP/run.csv" --loss-window 5
expect_fail "a run given as an argument" "unexpected argument '$TMP/run.csv' (see --help; to continue that run: --continue $TMP/run.csv)" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 "$TMP/run.csv"
# the report's default peak is the run's last rate, as optimize's: a file
# whose rates after step S stay below it (a falling run, then 2e-4)
awk 'BEGIN { print "step,lr"; for (k = 0; k < 1300; k++) printf "%d,%.17g\n", k, k < 100 ? 1e-3 * k / 100 : k < 1000 ? 1e-3 * (1 - 0.5 * (k - 100) / 900) : 2e-4 }' >"$TMP/fall.csv"
awk -F, 'NR == 1 { print "step,lr,loss"; next } $1 < 1000 { print $0 "," 3 }' "$TMP/fall.csv" >"$TMP/fallrun.csv"
want=$("$FSLAW" optimize --params "$TMP/mpl.json" --steps 1300 --continue "$TMP/fallrun.csv" --family cosine 2>&1 >/dev/null | awk '$1 == "constant" { print $2 }')
"$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/fall.csv" --continue-at 1000 --out "$TMP/fall.html" >/dev/null 2>&1 \
  && grep -q "peak 0.0005005555555555555 (the run's last rate)" "$TMP/fall.html" \
  && [ "$(printf %.6f "$(grep 'data-sched="constant"' "$TMP/fall.html" | grep -oE '[0-9]\.[0-9]{8,}' | head -1)")" = "$want" ] \
  && ok || bad "report --continue-at: peak and constant baseline as optimize's ($want)"
expect_fail "report --continue-at in warmup" "option '--continue-at': the rate at step 49 of $TMP/fall.csv (0.00049) is still rising" \
  "$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/fall.csv" --continue-at 50 --out "$TMP/x.html"

# a baseline whose drop falls on the first searched step continues the run
# (8-1-1's first milestone, 80 % of 1000 steps, at --continue-at 800), in
# optimize and on the page alike
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 1000 --continue "$TMP/run.csv" --continue-at 800 --family cosine \
  --out "$TMP/c800.csv" >"$TMP/c800sum" 2>&1
b=$(awk '$1 == "8-1-1" { print $2 }' "$TMP/c800sum")
"$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/c800.csv" --continue-at 800 --out "$TMP/c800.html" >/dev/null 2>&1
page=$(grep 'data-sched="8-1-1"' "$TMP/c800.html" | grep -oE '[0-9]\.[0-9]{8,}' | head -1)
[ -n "$page" ] && [ "$b" = "$(printf %.6f "$page")" ] && ok || bad "8-1-1 dropping at the continued step: '$b', page '$page'"

finish test_optimize_cli
