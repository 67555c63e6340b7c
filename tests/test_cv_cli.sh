#!/usr/bin/env bash
# test_cv_cli.sh: fslaw cv (leave-one-run-out) against fit + eval run by
# hand, its mean row, folds that cannot be fitted, and bad input.
# Usage: test_cv_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/cvcli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/25M
A=$D/cosine_24000.csv B=$D/constant_24000.csv C=$D/wsdcon_9.csv

"$FSLAW" cv --law mtl --starts 2 --out "$TMP/cv.csv" "$A" "$B" "$C" 2>"$TMP/err" && ok || bad "cv: $(cat "$TMP/err")"
[ "$(head -1 "$TMP/cv.csv")" = "law,heldout,n,r2,mae,rmse,prede,worste,note" ] && ok || bad "cv header"
[ "$(wc -l <"$TMP/cv.csv")" -eq 5 ] && ok || bad "cv rows: $(cat "$TMP/cv.csv")"
# the wsdcon_9 fold is exactly fit on the two others + eval on wsdcon_9
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/two.json" "$A" "$B" >/dev/null 2>&1 && ok || bad "fit by hand"
want=$("$FSLAW" eval --params "$TMP/two.json" "$C" | sed -n 2p | cut -d, -f2-)
got=$(grep "^mtl,$C," "$TMP/cv.csv" | cut -d, -f3-8)
[ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "fold != fit + eval: '$got' vs '$want'"
# --bins scores the fold as eval --bins does
"$FSLAW" cv --law mtl --starts 2 --bins 20 "$A" "$B" "$C" >"$TMP/bins.csv" 2>"$TMP/err" && ok || bad "cv --bins: $(cat "$TMP/err")"
want=$("$FSLAW" eval --params "$TMP/two.json" --bins 20 "$C" | sed -n 2p | cut -d, -f2-)
got=$(grep "^mtl,$C," "$TMP/bins.csv" | cut -d, -f3-8)
[ -n "$got" ] && [ "$got" = "$want" ] && case $want in 20,*) true ;; *) false ;; esac && ok || bad "--bins fold != eval --bins: '$got' vs '$want'"
# the mean row: unweighted means of the three folds, points summed, all folds
awk -F, 'NR > 1 && $2 != "mean" { n += $3; r2 += $4; pe += $7; k++ }
         $2 == "mean" { exit !(k == 3 && $3 == n && ($4 - r2 / 3)^2 < 1e-24 && ($7 - pe / 3)^2 < 1e-24 && $9 == "3 of 3 folds") }' \
  "$TMP/cv.csv" && ok || bad "mean row: $(tail -1 "$TMP/cv.csv")"

# --predict: each fold's fit predicts the schedule's final loss; the
# wsdcon_9 fold's is fit on the two others + predict (exact sums there, the
# compressed ones of predict: equal to 1e-7); the mean row is their mean; on
# stderr each schedule's range and how many folds rank each lowest
W='wsd20=wsd:peak=3e-4,final=3e-5,decay=0.2,warmup=2160,steps=30000' K='cosine:peak=3e-4,final=3e-5,warmup=2160,steps=30000'
"$FSLAW" cv --law mtl --starts 2 --predict "$W" --predict "$K" --out "$TMP/p.csv" "$A" "$B" "$C" 2>"$TMP/perr" \
  && ok || bad "cv --predict: $(cat "$TMP/perr")"
[ "$(head -1 "$TMP/p.csv")" = "law,heldout,n,r2,mae,rmse,prede,worste,note,final:wsd20,final:cosine" ] && ok || bad "--predict header: $(head -1 "$TMP/p.csv")"
# the metrics are those of cv without --predict
[ "$(cut -d, -f1-9 "$TMP/p.csv" | tail -n +2)" = "$(tail -n +2 "$TMP/cv.csv")" ] && ok || bad "--predict changed the metrics"
for s in "$W" "$K"; do
  name=${s%%=*}; case $s in cosine:*) name=cosine ;; esac
  col=$(awk -F, -v c="final:$name" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $2 == "'"$C"'" { print $k }' "$TMP/p.csv")
  want=$("$FSLAW" predict --params "$TMP/two.json" --schedule "${s#wsd20=}" 2>/dev/null | awk -F, 'END { print $5 }')
  awk -v a="$col" -v b="$want" 'BEGIN { d = a - b; exit !(a > 0 && (d < 0 ? -d : d) < 1e-7 * b) }' \
    && ok || bad "--predict $name fold != fit + predict: '$col' vs '$want'"
done
awk -F, 'NR > 1 && $2 != "mean" { s += $10; k++ } $2 == "mean" { exit !(k == 3 && ($10 - s / 3)^2 < 1e-24) }' "$TMP/p.csv" \
  && ok || bad "--predict mean: $(cat "$TMP/p.csv")"
lo=$(awk -F, 'NR > 1 && $2 != "mean" { if (m == "" || $10 < m) m = $10 } END { printf "%.6g", m }' "$TMP/p.csv")
hi=$(awk -F, 'NR > 1 && $2 != "mean" { if (m == "" || $10 > m) m = $10 } END { printf "%.6g", m }' "$TMP/p.csv")
grep -qF "fslaw cv: mtl: final loss of each --predict schedule by the fits without each run: wsd20 $lo to $hi (spread" "$TMP/perr" \
  && ok || bad "--predict range ($lo, $hi): $(cat "$TMP/perr")"
nw=$(awk -F, 'NR > 1 && $2 != "mean" && $10 < $11' "$TMP/p.csv" | wc -l)
grep -Eq "fslaw cv: mtl: lowest: (wsd20 in $nw of 3 folds|cosine in 3 of 3 folds)" "$TMP/perr" \
  && ok || bad "--predict lowest ($nw): $(cat "$TMP/perr")"
if [ "$nw" -gt 0 ] && [ "$nw" -lt 3 ]; then grep -q "note: mtl: the folds disagree" "$TMP/perr"; else ! grep -q "disagree" "$TMP/perr"; fi \
  && ok || bad "--predict disagreement note: $(cat "$TMP/perr")"
# a failed fold predicts nothing; its cells stay empty
"$FSLAW" cv --law mpl --starts 2 --predict "$W" "$A" "$B" 2>/dev/null | grep -q "^mpl,$A,,,,,,,\".*\",$" \
  && ok || bad "--predict on a failed fold"
expect_fail "--predict with groups" "option '--predict' cannot be combined with '--group'" \
  "$FSLAW" cv --law mtl --predict "$W" --group "a=$A,$B" --group "b=$C,$D/constant_72000.csv"
expect_fail "--predict bad spec" "option '--predict': " "$FSLAW" cv --law mtl --predict 'wsd:peak=-1,steps=10' "$A" "$B"
expect_fail "--predict two names" "option '--predict': two schedules are called 'x'" \
  "$FSLAW" cv --law mtl --predict "x=$K" --predict "x=$K" "$A" "$B"
expect_fail "--predict NAME a file" "option '--predict': '$A' in '$A=$K' is a file, not a name" \
  "$FSLAW" cv --law mtl --predict "$A=$K" "$A" "$B"

# a fold whose other runs cannot fit the law: empty metrics and the reason
"$FSLAW" cv --law mpl --starts 2 "$A" "$B" >"$TMP/part.csv" 2>"$TMP/err" && ok || bad "partial cv exit: $(cat "$TMP/err")"
grep -q "^mpl,$A,,,,,,,\"fit failed: law 'mpl': no fitted point depends on B, C, beta, gamma" "$TMP/part.csv" \
  && ok || bad "failed fold row: $(cat "$TMP/part.csv")"
grep -q "^mpl,mean,171,.*,1 of 2 folds$" "$TMP/part.csv" && ok || bad "partial mean: $(tail -1 "$TMP/part.csv")"
# no fold at all: an error, reasons listed, no output file
expect_fail "no fold fits" "fslaw cv: error: a law could not be fitted and scored in any fold" \
  "$FSLAW" cv --law mpl --starts 2 --out "$TMP/none.csv" "$B" "$D/constant_72000.csv"
grep -q "mpl without $B: fit failed" "$TMP/err" && [ ! -e "$TMP/none.csv" ] && ok || bad "no-fold reasons / no file"

# a fold whose law predicts a non-positive loss on the run left out is a
# failed fold with the reason, not the end of cv: fsl with all but L0 and c2
# held at values whose drop outgrows L0 under a cosine fits a constant run and
# a mild WSD (made by the same law) and fails on the cosine; the two other
# folds (the cosine among their runs) are scored
printf '{"law": "fsl", "params": {"L0": 2.4, "c1": 0.7, "c2": 3e5, "c3": 0.4, "c4": 20, "s": 0.5, "gamma": 0.6}}\n' >"$TMP/neg.json"
for s in constant:warmup=200 wsd:decay=0.2,final=2.9e-4,warmup=200; do
  "$FSLAW" predict --params "$TMP/neg.json" --schedule "$s,peak=3e-4,steps=3000" --every 50 2>/dev/null |
    awk -F, 'NR == 1 { print "step,lr,loss"; next } { print $2 "," $3 "," $5 }' >"$TMP/n_${s%%:*}.csv"
done
"$FSLAW" schedule --every 50 'cosine:peak=3e-4,warmup=200,steps=3000' | awk -F, 'NR == 1 { print "step,lr,loss"; next } { print $1 "," $2 "," 3 - $1 / 3000 }' >"$TMP/n_cosine.csv"
NFIX="--fix c1=0.7 --fix c3=0.4 --fix c4=20 --fix s=0.5 --fix gamma=0.6"
# shellcheck disable=SC2086
"$FSLAW" cv --law fsl $NFIX --starts 8 "$TMP/n_constant.csv" "$TMP/n_wsd.csv" "$TMP/n_cosine.csv" >"$TMP/neg.csv" 2>"$TMP/err" \
  && grep -q '^fsl,mean,.*,2 of 3 folds$' "$TMP/neg.csv" && ok || bad "cv with a failed fold: $(cat "$TMP/neg.csv" "$TMP/err")"
grep -q "^fsl,$TMP/n_cosine.csv,,,,,,,\"prediction failed: the law predicts a loss of -" "$TMP/neg.csv" &&
  grep -q "fslaw cv: note: fsl without $TMP/n_cosine.csv: prediction failed" "$TMP/err" && ok || bad "non-positive fold: $(cat "$TMP/neg.csv" "$TMP/err")"

# groups: each fold is a grouped fit; the run left out is scored with its own
# group's parameters. The fold leaving out 100M's constant run is exactly
# fit --group (without it) + eval with the 100M file; a group left empty by
# its fold is reported, not fitted; per-group means precede the mean.
E=$SRC/data/mpl/100M
"$FSLAW" cv --law mtl --starts 2 --share alpha --group "25M=$A,$C" --group "100M=$E/cosine_24000.csv,$E/constant_24000.csv" \
  --group "x=$E/wsdcon_9.csv" --out "$TMP/g.csv" 2>"$TMP/err" && ok || bad "grouped cv: $(cat "$TMP/err")"
mkdir -p "$TMP/gfit"
"$FSLAW" fit --law mtl --starts 2 --share alpha --group "25M=$A,$C" --group "100M=$E/cosine_24000.csv" --group "x=$E/wsdcon_9.csv" \
  --out-dir "$TMP/gfit" >/dev/null 2>&1 && ok || bad "grouped fit by hand"
want=$("$FSLAW" eval --params "$TMP/gfit/100M.json" "$E/constant_24000.csv" | sed -n 2p | cut -d, -f2-)
got=$(grep "^mtl,$E/constant_24000.csv," "$TMP/g.csv" | cut -d, -f3-8)
[ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "grouped fold != fit --group + eval: '$got' vs '$want'"
grep -q "^mtl,$E/wsdcon_9.csv,,,,,,,group 'x' has no other run to fit$" "$TMP/g.csv" && ok || bad "empty group fold: $(cat "$TMP/g.csv")"
awk -F, '$2 ~ /^mean/ { l = l $2 " " $9 ";" } END { exit l != "mean:25M 2 of 2 folds;mean:100M 1 of 2 folds;mean:x 0 of 1 folds;mean 3 of 5 folds;" }' \
  "$TMP/g.csv" && ok || bad "group means: $(grep mean "$TMP/g.csv")"
# nothing shared: each group is fitted alone, so every fold is the fold of a
# plain cv of its group (a joint multistart over all groups did worse)
G25="25M=$A,$C" G100="100M=$E/cosine_24000.csv,$E/constant_24000.csv"
"$FSLAW" cv --law mtl --starts 2 --group "$G25" --group "$G100" --group "x=$E/wsdcon_9.csv" --out "$TMP/u.csv" 2>"$TMP/err" \
  && ok || bad "unshared grouped cv: $(cat "$TMP/err")"
"$FSLAW" cv --law mtl --starts 2 "$A" "$C" >"$TMP/u25.csv" 2>/dev/null && ok || bad "cv 25M"
"$FSLAW" cv --law mtl --starts 2 "$E/cosine_24000.csv" "$E/constant_24000.csv" >"$TMP/u100.csv" 2>/dev/null && ok || bad "cv 100M"
[ "$(grep -v ',mean' "$TMP/u25.csv" "$TMP/u100.csv" | grep -v ':law,' | cut -d: -f2-)" = \
  "$(grep -v ',mean' "$TMP/u.csv" | grep -v "^law,\|^mtl,$E/wsdcon_9")" ] && ok || bad "unshared grouped folds != cv of each group: $(cat "$TMP/u.csv")"
grep -q "^mtl,mean:100M,$(grep ',mean,' "$TMP/u100.csv" | cut -d, -f3-)$" "$TMP/u.csv" && ok || bad "group mean != its cv's mean"
grep -q "^mtl,$E/wsdcon_9.csv,,,,,,,group 'x' has no other run to fit$" "$TMP/u.csv" && ok || bad "unshared empty group fold"
expect_fail "a run given twice" "'$D/../25M/wsdcon_9.csv' holds the same logged losses as '$C': give each run once (a run given twice counts double, and a fold would fit on the copy" \
  "$FSLAW" cv --law mtl "$A" "$C" "$D/../25M/wsdcon_9.csv"
expect_fail "run in two groups" "option '--group': '$C' is in groups 'a' and 'b'; a run belongs to one group" \
  "$FSLAW" cv --law mtl --group "a=$A,$C" --group "b=$B,$C"
# also when spelled differently
expect_fail "same run, two spellings" "is in groups 'a' and 'b'" "$FSLAW" cv --law mtl --group "a=$A,$C" --group "b=$B,$D/../25M/wsdcon_9.csv"
expect_fail "share without groups" "option '--share' needs groups of runs" "$FSLAW" cv --law mtl --share alpha "$A" "$B"
expect_fail "groups and runs" "give runs either as RUN arguments or with --group" "$FSLAW" cv --law mtl --group "a=$A,$B" "$C"

expect_fail "one run" "expected at least two RUN files" "$FSLAW" cv --law mtl "$A"
"$FSLAW" cv --starts 2 --max-points 60 "$A" "$B" "$C" 2>"$TMP/err" | cut -d, -f1 | sort -u >"$TMP/laws" \
  && grep -q "note: law fslkq, the default" "$TMP/err" && [ "$(tr '\n' ' ' <"$TMP/laws")" = "fslkq law " ] \
  && ok || bad "no law: fslkq by default: $(cat "$TMP/laws" "$TMP/err")"
expect_fail "bad law" "option '--law': unknown law 'mlp'" "$FSLAW" cv --law mlp "$A" "$B"
# --fix outside its default range: warned once per law, not once per fold
"$FSLAW" cv --law mtl --starts 2 --fix alpha=4 "$A" "$B" "$C" >/dev/null 2>"$TMP/err" \
  && [ "$(grep -c "warning: --fix alpha=4 holds alpha outside its default range" "$TMP/err")" = 1 ] \
  && ok || bad "--fix warning once: $(cat "$TMP/err")"
expect_fail "bad fix" "option '--fix': law 'mtl' has no parameter 'beta'" "$FSLAW" cv --law mtl --fix beta=1 "$A" "$B"
expect_fail "bad after" "option '--after': expected a positive whole number" "$FSLAW" cv --law mtl --after x "$A" "$B"
"$FSLAW" cv --help | grep -q "^usage: fslaw cv" && ok || bad "cv --help"
finish test_cv_cli
