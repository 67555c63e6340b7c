#!/usr/bin/env bash
# test_run_schedule.sh: --schedule RUN=SPEC, a schedule per run, for runs
# made with different schedules whose logs hold the rates sparsely or not at
# all: fit recovers the law that made them, every command that reads runs
# takes the form, and every misuse is an error naming the option.
# Usage: test_run_schedule.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") TMP=$3/runsched
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1 # runs are named as given: short names, as a user types them

# Two runs of the momentum law with known parameters under two schedules,
# logged as step,lr,loss: the loss every 10 steps after warmup, the rate only
# every 250 steps (a sparse log, its gaps interpolated) or not at all.
printf '{"law": "mtl", "params": {"L0": 2.5, "A": 0.45, "alpha": 0.5, "C": 0.4}}\n' >true.json
SA='cosine:peak=3e-4,final=3e-5,warmup=100,steps=3000'
SB='wsd:peak=3e-4,decay=0.3,final=3e-5,warmup=100,steps=3000'
# make_log SPEC LR_EVERY: the log (LR_EVERY 0: no lr column)
make_log() {
  "$FSLAW" predict --params true.json --schedule "$1" --every 1 >truth.csv &&
    "$FSLAW" schedule "$1" >rates.csv &&
    awk -F, -v e="$2" 'NR == FNR { if (FNR > 1) p[$2] = $5; next }
      FNR == 1 { print e ? "step,lr,loss" : "step,loss"; next }
      { k = $1; y = (k in p && (k % 10 == 0 || k == 2999)) ? p[k] : ""
        if (e) print k "," ((k % e == 0 || k == 2999) ? $2 : "") "," y; else print k "," y }' truth.csv rates.csv
}
make_log "$SA" 250 >a.csv && make_log "$SB" 250 >b.csv && make_log "$SA" 0 >a0.csv && make_log "$SB" 0 >b0.csv \
  && [ "$(grep -c ',,' a.csv)" -gt 2000 ] && ok || bad "logs made"
# near_truth SUMMARY: the fitted parameters are the generating ones (a fit to
# the exact rates has nothing to miss; interpolated rates miss C by 0.006)
near_truth() {
  awk '$2 == "=" { v[$1] = $3 } function off(k, t) { d = v[k] - t; return d < -0.001 || d > 0.001 }
       END { exit off("L0", 2.5) || off("A", 0.45) || off("alpha", 0.5) || off("C", 0.4) }' "$1"
}

# fit: each run its own schedule recovers the law
"$FSLAW" fit --law mtl --starts 4 --out per.json a.csv b.csv --schedule "a.csv=$SA" --schedule "b.csv=$SB" \
  >sum 2>err && [ ! -s err ] && near_truth sum && ok || bad "per-run fit: $(cat sum err)"
# the same with the logs that have no lr column at all: the same fit
"$FSLAW" fit --law mtl --starts 4 --out nolr.json --schedule "b0.csv=$SB" a0.csv b0.csv --schedule "a0.csv=$SA" \
  >sum0 2>err && cmp -s <(sed -n '/"params"/,/objective/p' per.json) <(sed -n '/"params"/,/objective/p' nolr.json) \
  && ok || bad "per-run fit without lr columns: $(cat sum0 err)"
# without a schedule such a log is refused, and told how to give one run its own
expect_fail "no lr, no schedule" "a0.csv: no 'lr' column (the header has: step,loss); name it with --col lr=COLUMN or give --schedule SPEC, or --schedule a0.csv=SPEC for this run alone" \
  "$FSLAW" fit --law mtl a0.csv b0.csv --schedule "b0.csv=$SB"
# one schedule for both: the rates logged in b.csv are not the cosine's
expect_fail "one spec for both" "b.csv: over steps 1500 to 2999 the rates of --schedule sum to 0.0005965, the logged ones to 0.00147 (at the steps that log one): it is not this run's schedule (--schedule applies to every run given; give a run its own with --schedule RUN=SPEC" \
  "$FSLAW" fit --law mtl a.csv b.csv --schedule "$SA"
# the check compares the rates where the log has them: with the rate logged
# only every 500 steps, the interpolated cosine is 2.5 % off the true one over
# the second half, and the right schedule used to be refused for it
make_log "$SA" 500 >a500.csv
"$FSLAW" inspect a500.csv --schedule "a500.csv=$SA" >/dev/null 2>err && ok || bad "right schedule, sparse rates: $(cat err)"
# the check is per run: swapped schedules are refused at the first run
expect_fail "swapped schedules" "a.csv: over steps 1500 to 2999 the rates of --schedule sum to 0.00147, the logged ones to 0.0005965 (at the steps that log one): it is not this run's schedule (given to it by --schedule RUN=SPEC" \
  "$FSLAW" fit --law mtl a.csv b.csv --schedule "a.csv=$SB" --schedule "b.csv=$SA"
# groups: a RUN as written inside --group
"$FSLAW" fit --law mtl --starts 4 --group g1=a.csv --group g2=b.csv --share L0,A,alpha \
  --schedule "a.csv=$SA" --schedule "b.csv=$SB" >/dev/null 2>gsum \
  && awk '$2 == "=" { n++; d1 = $3 - ($1 == "C" ? 0.4 : $3); d2 = $4 - ($1 == "C" ? 0.4 : $4)
                      if (d1 * d1 > 1e-6 || d2 * d2 > 1e-6) bad = 1 } END { exit bad || n != 4 }' gsum \
  && near_truth gsum && ok || bad "per-run schedules in --group: $(cat gsum)"

# misuse: each an error naming the option, nothing read with a wrong schedule
expect_fail "unknown RUN" "option '--schedule': 'c.csv' in 'c.csv=$SA' names no run given (RUN=SPEC takes a RUN exactly as given; the runs are 'a.csv', 'b.csv')" \
  "$FSLAW" fit --law mtl a.csv b.csv --schedule "c.csv=$SA" --schedule "b.csv=$SB"
expect_fail "RUN not as given" "'./a.csv' in './a.csv=$SA' names no run given" \
  "$FSLAW" inspect a.csv --schedule "./a.csv=$SA"
expect_fail "RUN not in any group" "'b.csv' in 'b.csv=$SB' names no run given (RUN=SPEC takes a RUN exactly as given; the runs are 'a.csv')" \
  "$FSLAW" fit --law mtl --group g1=a.csv --schedule "b.csv=$SB"
expect_fail "plain and per-run" "option '--schedule': '$SA' is for every run, and other --schedule values are given too; give each run its own with --schedule RUN=SPEC, or one SPEC for all" \
  "$FSLAW" fit --law mtl a.csv b.csv --schedule "b.csv=$SB" --schedule "$SA"
expect_fail "two plain" "option '--schedule': '$SA' is for every run, and other --schedule values are given too" \
  "$FSLAW" eval --params true.json a.csv --schedule "$SA" --schedule "$SA"
expect_fail "same run twice" "option '--schedule': run 'a.csv' is given two schedules ('$SA' and '$SB'); give each run one" \
  "$FSLAW" cv --law mtl a.csv b.csv --schedule "a.csv=$SA" --schedule "a.csv=$SB"
expect_fail "bad per-run spec" "option '--schedule': a.csv: " \
  "$FSLAW" inspect a.csv b.csv --schedule "a.csv=cosine:peak=3e-4,steps=3000,tail=x"
# other single-valued options are still refused twice
expect_fail "--format twice" "option '--format' given twice ('csv', then 'csv'); it takes one value" \
  "$FSLAW" inspect a.csv --format csv --format csv

# a spec's file path holds '=' after its ':', a run's name may hold '=': neither is misread
"$FSLAW" schedule "$SA" --out sa.csv >/dev/null && cp a.csv 'lr=3e-4.csv' \
  && "$FSLAW" inspect 'lr=3e-4.csv' b.csv --schedule 'lr=3e-4.csv=file:path=sa.csv' --schedule "b.csv=$SB" >ins 2>err \
  && grep -qF "lr=3e-4.csv: steps=3000 losses=290 lr=[0,0.0003] warmup=100 kinks=none t_final=0.493485 loss=[3.05373,4.96599] schedule=file:path=sa.csv" ins \
  && [ ! -s err ] && ok || bad "'=' in a run name and in a file spec: $(cat ins err)"

# inspect shows which schedule each run got; the run without one is read as logged
"$FSLAW" inspect a.csv b.csv --schedule "a.csv=$SA" >ins 2>err && ok || bad "inspect: $(cat err)"
grep -q "^a\.csv: .* schedule=$SA\$" ins && grep -q "^b\.csv: " ins && ! grep -q "^b\.csv: .*schedule=" ins \
  && ok || bad "inspect schedules: $(cat ins)"
grep -q "note: b.csv: lr logged on 13 of 3000 steps" err && ! grep -q "a.csv" err && ok || bad "inspect notes: $(cat err)"

# predict and eval: the law's own curves back, to the last digit, with the
# exact rates; --schedule SPEC alone still predicts a schedule
"$FSLAW" predict --params true.json a.csv b.csv --schedule "a.csv=$SA" --schedule "b.csv=$SB" --every 1000 >pred.csv 2>err \
  && awk -F, 'NR > 1 && $4 != "" { n++; d = $4 - $5; if (d * d > 1e-20) bad = 1 } END { exit bad || n != 580 }' pred.csv \
  && ok || bad "predict per run: $(head -3 pred.csv) $(cat err)"
"$FSLAW" predict --params true.json a.csv --every 1000 2>/dev/null \
  | awk -F, 'NR > 1 && $4 != "" { d = $4 - $5; if (d * d > 1e-10) far = 1 } END { exit !far }' \
  && ok || bad "interpolated rates do not give the exact curve (else the test above proves nothing)"
"$FSLAW" predict --params true.json --schedule "$SB" --every 1000 | grep -q '^wsd,2999,' && ok || bad "predict a schedule"
expect_fail "predict RUN= without RUNs" "'a.csv' in 'a.csv=$SA' is a file, not a name: give it as a RUN too" \
  "$FSLAW" predict --params true.json --schedule "a.csv=$SA"
# a per-run file schedule is an input: never written over
expect_fail "predict --out over a run's schedule" "refusing to overwrite the input file 'sa.csv'" \
  "$FSLAW" predict --params true.json a.csv --schedule "a.csv=file:path=sa.csv" --out sa.csv
cmp -s sa.csv <("$FSLAW" schedule "$SA") && ok || bad "the schedule file is intact"
"$FSLAW" eval --params true.json a0.csv b0.csv --schedule "a0.csv=$SA" --schedule "b0.csv=$SB" >eval.csv 2>err \
  && awk -F, '$1 == "mean" { exit !($2 == 580 && $3 == 1 && $6 < 1e-9) }' eval.csv && ok || bad "eval per run: $(cat eval.csv err)"

# cv: each fold reads each run with its schedule
"$FSLAW" cv --law mtl --starts 4 a.csv b.csv --schedule "a.csv=$SA" --schedule "b.csv=$SB" >cv.csv 2>err \
  && awk -F, '$2 == "mean" { exit !($7 < 1e-6 && $9 == "2 of 2 folds") }' cv.csv && ok || bad "cv per run: $(cat cv.csv err)"

# report: runs and --train runs take RUN=SPEC; a page without runs refuses --schedule
"$FSLAW" report --params per.json a.csv --train b.csv --schedule "a.csv=$SA" --schedule "b.csv=$SB" --out r.html >/dev/null 2>err \
  && grep -q "<html" r.html && ok || bad "report per run: $(cat err)"
expect_fail "report per run, wrong schedule" "b.csv: over steps 1500 to 2999 the rates of --schedule sum to 0.0005965" \
  "$FSLAW" report --params per.json a.csv --train b.csv --schedule "a.csv=$SA" --schedule "b.csv=$SA" --out r2.html
[ ! -e r2.html ] && ok || bad "a failed report leaves no page"
expect_fail "report --optimize with --schedule" "options '--after', '--bins', '--schedule' and '--format' are for RUN files, not '--optimize'" \
  "$FSLAW" report --params true.json --optimize sa.csv --schedule "a.csv=$SA"

finish test_run_schedule
