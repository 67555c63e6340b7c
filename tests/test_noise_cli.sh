#!/usr/bin/env bash
# test_noise_cli.sh: the batch noise note of eval, cv and report. A loss
# logged every step scatters from point to point; scored one by one that
# scatter, not the law, makes most of PredE, and the note says so, measured on
# the data (not on how many points there are), with a --bins that helps.
# Usage: test_noise_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/noise
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
CHECK=(python3 "$SRC/tests/report_check.py")

# a smooth truth: a law's own prediction at every step after warmup (1000 points)
cat >"$TMP/p.json" <<'EOF'
{"law": "mpl", "params": {"L0": 2.52, "A": 0.657, "alpha": 0.418, "B": 11587, "C": 6.55, "beta": 0.3, "gamma": 0.386}}
EOF
# log SEED SIGMA SPEC OUT: the truth of SPEC times exp(SIGMA z), z normal from a fixed seed
log() {
  "$FSLAW" predict --params "$TMP/p.json" --schedule "$3" --every 1 --out "$TMP/truth.csv" \
    && "$FSLAW" schedule "$3" >"$TMP/rates.csv" || return 1
  awk -F, -v seed="$1" -v s="$2" 'BEGIN { srand(seed); pi = atan2(0, -1) }
    NR == FNR { if (FNR > 1) p[$2] = $5; next }
    FNR == 1 { print "step,lr,loss"; next }
    { y = ""; if ($1 in p) { z = sqrt(-2 * log(1 - rand())) * cos(2 * pi * rand())
                             y = sprintf("%.10f", p[$1] * exp(s * z)) }
      print $1 "," $2 "," y }' "$TMP/truth.csv" "$TMP/rates.csv" >"$4"
}
COS='cosine:peak=3e-4,warmup=100,steps=1101'
WSD='wsd:peak=3e-4,warmup=100,decay=0.3,final=3e-5,steps=1101'
log 7 0.01 "$COS" "$TMP/noisy.csv" && log 7 0 "$COS" "$TMP/clean.csv" \
  && log 11 0.01 "$WSD" "$TMP/noisy2.csv" && ok || bad "logs"

# 1 % noise on 1000 points: the note, with the scatter within 20 % of 1 %
"$FSLAW" eval --params "$TMP/p.json" "$TMP/noisy.csv" >"$TMP/e.csv" 2>"$TMP/err" && ok || bad "eval: $(cat "$TMP/err")"
grep -q "^fslaw eval: note: $TMP/noisy.csv: its losses scatter by about [0-9.]* % from point to point (batch noise), which accounts for" "$TMP/err" \
  && ok || bad "noise note: $(cat "$TMP/err")"
sigma=$(sed -n 's/.*scatter by about \([0-9.]*\) %.*/\1/p' "$TMP/err")
awk -v s="$sigma" 'BEGIN { exit !(s >= 0.8 && s <= 1.2) }' && ok || bad "scatter $sigma %, not 1 % +-20 %"
# PredE itself is then ~ sqrt(2/pi) 1 %, all noise (the law is the truth)
awk -F, '$1 == "mean" { exit !($6 > 0.006 && $6 < 0.01) }' "$TMP/e.csv" && ok || bad "PredE: $(cat "$TMP/e.csv")"
# the --bins it suggests: at least 20 points per bin, at least 2 bins
bins=$(sed -n 's/.*: --bins \([0-9]*\) scores means of \([0-9]*\) consecutive points.*/\1/p' "$TMP/err")
[ -n "$bins" ] && [ "$bins" -ge 2 ] && [ "$bins" -le 50 ] && ok || bad "suggested bins '$bins': $(cat "$TMP/err")"

# scored in those bins: no note (or a smaller one), a lower PredE
"$FSLAW" eval --params "$TMP/p.json" --bins "${bins:-2}" "$TMP/noisy.csv" >"$TMP/eb.csv" 2>"$TMP/err" && ok || bad "eval --bins"
[ ! -s "$TMP/err" ] && ok || bad "note with the suggested --bins $bins: $(cat "$TMP/err")"
paste -d, "$TMP/e.csv" "$TMP/eb.csv" | awk -F, '$1 == "mean" { exit !($13 < 0.25 * $6) }' \
  && ok || bad "binned PredE not lower: $(paste -d' ' "$TMP/e.csv" "$TMP/eb.csv")"
# too many bins (5 points each): the bin means are still mostly noise; fewer are suggested
"$FSLAW" eval --params "$TMP/p.json" --bins 200 "$TMP/noisy.csv" >/dev/null 2>"$TMP/err" && ok || bad "eval --bins 200"
grep -q "note: $TMP/noisy.csv: the means of its 200 bins (5 points each) still scatter by about 0.[3-5][0-9]* % " "$TMP/err" \
  && grep -q "^fslaw eval: note: batch noise: --bins $bins scores" "$TMP/err" && ok || bad "note on 200 bins: $(cat "$TMP/err")"

# the same truth without noise: no note (one by one, 1000 points)
"$FSLAW" eval --params "$TMP/p.json" "$TMP/clean.csv" >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] \
  && ok || bad "note without noise: $(cat "$TMP/err")"
# the clean truth logged with 1 decimal (%.1f): the noise estimate sees none (most
# differences are 0), but the rounding alone makes PredE ~ 0.025 / loss; with 4 decimals
# it is far below any PredE worth scoring, and no note comes
awk -F, 'NR > 1 && $3 != "" { $3 = sprintf("%.1f", $3) } 1' OFS=, "$TMP/clean.csv" >"$TMP/round1.csv"
awk -F, 'NR > 1 && $3 != "" { $3 = sprintf("%.4f", $3) } 1' OFS=, "$TMP/clean.csv" >"$TMP/round4.csv"
"$FSLAW" eval --params "$TMP/p.json" "$TMP/round1.csv" >"$TMP/e1.csv" 2>"$TMP/err" && ok || bad "eval rounded"
grep -q "note: $TMP/round1.csv: its losses are logged with 1 decimal; that rounding alone makes a PredE of about [0-9.]* % (its PredE is [0-9.]* %)" "$TMP/err" \
  && ok || bad "rounding note: $(cat "$TMP/err")"
# the estimate is the PredE itself here (the law is the truth): within 20 %
part=$(sed -n 's/.*alone makes a PredE of about \([0-9.]*\) %.*/\1/p' "$TMP/err")
awk -F, -v p="${part:-0}" '$1 == "mean" { exit !(p / 100 > 0.8 * $6 && p / 100 < 1.2 * $6) }' "$TMP/e1.csv" \
  && ok || bad "rounding part $part % vs PredE: $(tail -1 "$TMP/e1.csv")"
"$FSLAW" eval --params "$TMP/p.json" "$TMP/round4.csv" >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] \
  && ok || bad "note on 4 decimals: $(cat "$TMP/err")"
# 0.02 % noise (as data/mpl's validation losses): noise makes all of PredE, yet too little to matter
log 7 0.0002 "$COS" "$TMP/quiet.csv" && "$FSLAW" eval --params "$TMP/p.json" "$TMP/quiet.csv" >/dev/null 2>"$TMP/err" \
  && [ ! -s "$TMP/err" ] && ok || bad "note on 0.02 % noise: $(cat "$TMP/err")"

# a law that misses by far more than the noise: no note
sed 's/"L0": 2.52/"L0": 2.7/' "$TMP/p.json" >"$TMP/off.json"
"$FSLAW" eval --params "$TMP/off.json" "$TMP/noisy.csv" >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] \
  && ok || bad "note on a law 7 % off: $(cat "$TMP/err")"

# cv: one note per run held out (of the law with the least PredE, named)
"$FSLAW" cv --law mpl --law mtl --starts 2 "$TMP/noisy.csv" "$TMP/noisy2.csv" >"$TMP/cv.csv" 2>"$TMP/err" && ok || bad "cv: $(cat "$TMP/err")"
[ "$(grep -c '^fslaw cv: note: .*batch noise' "$TMP/err")" -le 2 ] && ok || bad "cv notes repeated: $(cat "$TMP/err")"
grep -q "^fslaw cv: note: $TMP/noisy.csv: its losses scatter by about [0-9.]* %.* (law m[pt]l)$" "$TMP/err" \
  && grep -q "^fslaw cv: note: batch noise: --bins [0-9]* scores" "$TMP/err" && ok || bad "cv note: $(cat "$TMP/err")"

# one --bins scores every run: the advice is one line after the runs' notes,
# the fewest bins any run needs, though a run the law misses by 0.4 % alone
# would do with many more (50) than the law's own truth (3)
awk -F, 'NR > 1 && $3 != "" { $3 = sprintf("%.10f", $3 * 1.004) } 1' OFS=, "$TMP/noisy2.csv" >"$TMP/off.csv"
for cmd in "eval --params $TMP/p.json" "cv --law mpl --starts 2"; do
  c=${cmd%% *}
  "$FSLAW" $cmd "$TMP/noisy.csv" "$TMP/off.csv" "$TMP/noisy2.csv" >/dev/null 2>"$TMP/err" && ok || bad "$c: $(cat "$TMP/err")"
  [ "$(grep -c -- '--bins' "$TMP/err")" -eq 1 ] && [ "$(grep -c 'batch noise' "$TMP/err")" -ge 3 ] \
    && tail -1 "$TMP/err" | grep -q "^fslaw $c: note: batch noise: --bins [0-9]* scores means of at least [0-9]* consecutive points of each run noted, whose noise adds at most about" \
    && ok || bad "$c: --bins advice not one line after the notes: $(cat "$TMP/err")"
done
"$FSLAW" eval --params "$TMP/p.json" "$TMP/noisy.csv" "$TMP/off.csv" 2>&1 >/dev/null | grep -q -- "--bins $bins scores" \
  && ok || bad "eval: the advice is not the fewest bins ($bins) a run needs"

# report: on stderr as eval prints it, and in the page's notes box
"$FSLAW" eval --params "$TMP/p.json" "$TMP/noisy.csv" >/dev/null 2>"$TMP/eval.err"
"$FSLAW" report --params "$TMP/p.json" "$TMP/noisy.csv" --out "$TMP/r.html" 2>"$TMP/rep.err" && ok || bad "report: $(cat "$TMP/rep.err")"
sed 's/^fslaw eval: /fslaw report: /' "$TMP/eval.err" | diff - "$TMP/rep.err" >/dev/null \
  && ok || bad "report's note differs from eval's: $(cat "$TMP/rep.err")"
"${CHECK[@]}" notes "$TMP/r.html" "$TMP/eval.err" eval >/dev/null 2>"$TMP/err" && ok || bad "note on the page: $(cat "$TMP/err")"
grep -q "batch noise" "$TMP/r.html" && ok || bad "no noise note on the page"
"$FSLAW" report --params "$TMP/p.json" --bins "${bins:-2}" "$TMP/noisy.csv" --out "$TMP/rb.html" 2>"$TMP/err" \
  && [ ! -s "$TMP/err" ] && ok || bad "report --bins $bins: $(cat "$TMP/err")"

# the bundled runs (validation losses every 128 steps): a fit on three 400M runs
# scoring every 400M run, the fitted ones too: no note
D="$SRC/data/mpl/400M"
"$FSLAW" fit --law mpl --starts 8 "$D/cosine_24000.csv" "$D/constant_24000.csv" "$D/wsd_20000_24000.csv" \
  --out "$TMP/400M.json" >/dev/null 2>&1 && ok || bad "fit 400M"
"$FSLAW" eval --params "$TMP/400M.json" "$D"/*.csv >/dev/null 2>"$TMP/err" && ok || bad "eval 400M"
grep -q "batch noise" "$TMP/err" && bad "noise note on the bundled runs: $(cat "$TMP/err")" || ok
finish test_noise_cli
