#!/usr/bin/env bash
# simlab.sh: the loss-curve laws against a truth that is none of
# them. The truth is the exact expected risk of one-pass SGD on the power-law
# kernel model (fslaw simulate, MATH.md §1.1); training logs are three
# 10000-step runs of it (cosine, constant, two-stage: the shapes of the
# reference split, MATH.md §5.5). fslkq fitted to them must predict held-out
# schedules of the same process (up to 3x longer) within 0.2 % PredE, and
# the schedule optimize picks with it must truly beat the best baseline
# (WSD with a 20 % tail here) when the simulator runs it. bench/simlab.py
# runs every law on three models.
# Usage: simlab.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/simlab
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
MODEL=(--beta 2 --s 0.5 --features 1000 --sigma 0.5)
C="peak=0.2,warmup=500"

# log NAME SPEC: NAME.csv with step,lr,loss every 10th step; the loss logged
# at step k is the risk after its update (k + 1 steps, row k + 1 of simulate)
log() {
  "$FSLAW" schedule "$2" >"$TMP/$1.sched" && "$FSLAW" simulate --schedule "$2" "${MODEL[@]}" >"$TMP/$1.sim" &&
    awk -F, 'NR == FNR { if (FNR > 1) lr[FNR - 2] = $2; n = FNR - 1; next }
      FNR == 1 { print "step,lr,loss"; next }
      { k = FNR - 3; if (k >= 0 && (k % 10 == 0 || k == n - 1)) printf "%d,%s,%.17g\n", k, lr[k], $3 + 0.125 }' \
      "$TMP/$1.sched" "$TMP/$1.sim" >"$TMP/$1.csv"
}
truth_final() { "$FSLAW" simulate --schedule "$1" "${MODEL[@]}" | awk -F, 'END { printf "%.9f", $3 + 0.125 }'; }

log cos "cosine:$C,steps=10000" && log const "constant:$C,steps=10000" &&
  log two "twostage:$C,steps=10000,switch=4000,low=0.02" && log wsd "wsd:$C,steps=10000,decay=0.2" &&
  log late "twostage:$C,steps=10000,switch=7000,low=0.005" && log cos30 "cosine:$C,steps=30000" &&
  log s811 "multistep:$C,steps=30000,milestones=0.8/0.9,factor=0.31622776601683794" \
  && [ "$(wc -l <"$TMP/cos30.csv")" -eq 3002 ] && ok || bad "simulated logs"
"$FSLAW" fit --law fslkq --out "$TMP/fslkq.json" "$TMP/cos.csv" "$TMP/const.csv" "$TMP/two.csv" \
  >/dev/null 2>"$TMP/err" && ok || bad "fit: $(cat "$TMP/err")"
"$FSLAW" eval --params "$TMP/fslkq.json" "$TMP/wsd.csv" "$TMP/late.csv" "$TMP/cos30.csv" "$TMP/s811.csv" \
  >"$TMP/eval.csv" 2>/dev/null && ok || bad "eval"
awk -F, '$1 == "mean" { exit !($6 > 0 && $6 < 0.002) }' "$TMP/eval.csv" \
  && ok || bad "held-out PredE on the simulated process: $(cat "$TMP/eval.csv")"

# schedule design: the optimum of the fitted law, run by the simulator, beats
# the truth's best baseline (cosine and 8-1-1 lose to WSD here)
"$FSLAW" optimize --params "$TMP/fslkq.json" --steps 30000 --peak 0.2 --warmup 500 --out "$TMP/opt.csv" \
  >"$TMP/opt.txt" 2>/dev/null && ok || bad "optimize"
opt=$(truth_final "file:path=$TMP/opt.csv") wsd=$(truth_final "wsd:$C,steps=30000,decay=0.2")
cos=$(truth_final "cosine:$C,steps=30000")
awk -v o="$opt" -v w="$wsd" -v c="$cos" 'BEGIN { exit !(w < c && o < w - 2e-4) }' \
  && ok || bad "the optimum under the truth: $opt, WSD $wsd, cosine $cos"
finish simlab
