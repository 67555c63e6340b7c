#!/usr/bin/env bash
# test_extrapolation_cli.sh: the notes on predictions beyond the fitted runs
# (cli/extrapolation.c) say what is true of the run: "back in time" is
# judged at the first point scored (eval) or predicted (predict), and names
# the cause, a lower peak or a later start of the fit.
# Usage: test_extrapolation_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$(realpath "$1") SRC=$2 TMP=$3/extrapolation
rm -rf "$TMP" && mkdir -p "$TMP"
. "$SRC/tests/lib.sh"

# A fit's record as fslaw fit writes it: runs at peak 3e-4 after a warmup
# of 2160 steps, first fitted point at intrinsic time 0.3243.
P=$TMP/p.json
cat >"$P" <<'JSON'
{"law": "mpl", "params": {"L0": 2.52, "A": 0.66, "alpha": 0.42, "B": 770, "C": 0.53, "beta": 0.27, "gamma": 0.65},
 "fitted_range": {"max_step": 23999, "max_time": 7.2, "min_time": 0.3243, "min_rate": 3e-5, "max_rate": 3e-4}}
JSON
# run FILE FIRST: rate 3e-4 from step 0 (no warmup), losses logged every 100
# steps from step FIRST to 10000
run() {
  awk -v first="$2" 'BEGIN { print "step,lr,loss"
    for (s = 0; s <= 10000; s++) { t += 3e-4; l = s >= first && s % 100 == 0 ? sprintf("%.6f", 2.5 + 0.7 * (1 + t) ^ -0.4) : ""
      printf "%d,3e-4,%s\n", s, l } }' >"$1"
}
run "$TMP/late.csv" 5000   # scored from t = 1.5: well after the fit's first point
run "$TMP/early.csv" 100   # scored from t = 0.03, before half the fit's first 0.3243

# eval: a run whose losses start late is not predicted back in time, though
# it has no warmup (its predictions at the steps scored start at t = 1.5)
"$FSLAW" eval --params "$P" "$TMP/late.csv" >/dev/null 2>"$TMP/err" && ok || bad "eval late: $(cat "$TMP/err")"
grep -q "back in time" "$TMP/err" && bad "late losses flagged: $(cat "$TMP/err")" || ok
# ... one whose losses start at step 100 is, from that step, for the fit's later start
"$FSLAW" eval --params "$P" "$TMP/early.csv" >/dev/null 2>"$TMP/err" && ok || bad "eval early: $(cat "$TMP/err")"
grep -q "note: .*early.csv is predicted from step 100 at intrinsic time 0.0303, well before the first fitted point's 0.3243 (the fit started later, with --from or after a longer warmup: at the fitted peak the fitted runs reach that time at step 108[01] at the earliest): there the prediction extrapolates back in time" "$TMP/err" \
  && ok || bad "early note: $(cat "$TMP/err")"
# ... and not when --after leaves only late points to score
"$FSLAW" eval --params "$P" --after 4000 "$TMP/early.csv" >/dev/null 2>"$TMP/err" && ! grep -q "back in time" "$TMP/err" \
  && ok || bad "eval --after: $(cat "$TMP/err")"

# predict: a lower peak with the fitted runs' warmup reaches less time by the
# first step predicted: that is the cause named, not a later start of the fit
"$FSLAW" predict --params "$P" --schedule 'constant:peak=1e-4,warmup=2160,steps=10000' >/dev/null 2>"$TMP/err" \
  && grep -q "note: constant is predicted from step 2161 at intrinsic time 0.1082, well before the first fitted point's 0.3243 (its rates up to there peak at 0.0001, below the fitted runs' 0.0003, so it has covered less intrinsic time by then)" "$TMP/err" \
  && ! grep -q "started later" "$TMP/err" && ok || bad "lower peak: $(cat "$TMP/err")"
# the fitted peak with a short warmup: the fit's later start, not the peak
"$FSLAW" predict --params "$P" --schedule 'constant:peak=3e-4,warmup=100,steps=10000' >/dev/null 2>"$TMP/err" \
  && grep -q "note: constant is predicted from step 101 at .*(the fit started later, with --from or after a longer warmup" "$TMP/err" \
  && ! grep -q "below the fitted runs'" "$TMP/err" && ok || bad "later start: $(cat "$TMP/err")"
# both: a lower peak and a short warmup
"$FSLAW" predict --params "$P" --schedule 'constant:peak=1e-4,warmup=100,steps=10000' >/dev/null 2>"$TMP/err" \
  && grep -q "(its rates up to there peak at 0.0001, below the fitted runs' 0.0003, and the fit started later" "$TMP/err" \
  && ok || bad "both causes: $(cat "$TMP/err")"
# a schedule like the fitted runs': no note
"$FSLAW" predict --params "$P" --schedule 'constant:peak=3e-4,warmup=2160,steps=10000' >/dev/null 2>"$TMP/err" \
  && ! grep -q note "$TMP/err" && ok || bad "inside the range: $(cat "$TMP/err")"

# rates within 1e-3 of the fitted peak of each other are alike: a fit whose
# lowest rate is a decay's last step near 0 does not note a schedule that
# decays to 0 too, but does note one that ends at a tenth of the peak below
# a fitted tenth of a tenth
sed 's/"min_rate": 3e-5/"min_rate": 3.9e-9/' "$P" >"$TMP/zero.json"
"$FSLAW" predict --params "$TMP/zero.json" --schedule 'cosine:peak=3e-4,final=0,warmup=2160,steps=20000' \
  >/dev/null 2>"$TMP/err" && ! grep -q "goes down to rate" "$TMP/err" && ok || bad "a decay to 0 noted: $(cat "$TMP/err")"
sed 's/"min_rate": 3e-5/"min_rate": 3e-6/' "$P" >"$TMP/low.json"
"$FSLAW" predict --params "$TMP/low.json" --schedule 'cosine:peak=3e-4,final=0,warmup=2160,steps=20000' \
  >/dev/null 2>"$TMP/err" && grep -q "goes down to rate [0-9.e-]*, below the lowest fitted rate 3e-06" "$TMP/err" \
  && ok || bad "a decay below the fitted rates not noted: $(cat "$TMP/err")"

finish test_extrapolation_cli
