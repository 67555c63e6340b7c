#!/usr/bin/env bash
# heldout.sh: pinned held-out metrics on the bundled multi-power-law runs
# (MATH.md §5.5 reference split): fit fsl, fslq, fslkq and mpl on cosine_24000,
# constant_24000 and wsdcon_9 of each size (and fslq on the three sizes at
# once with q shared: fit --group/--share), score the six other runs, and fail
# when a mean R² drops or a mean PredE / WorstE rises beyond the tolerance
# from the values measured when this test was written (2026-11-24).
# Registered only in the optimised build (fits under sanitizers are too slow).
# Usage: heldout.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/heldout
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
# size law R2 PredE WorstE (as measured)
train() { local D=$SRC/data/mpl/$1; echo "$D/cosine_24000.csv,$D/constant_24000.csv,$D/wsdcon_9.csv"; }
"$FSLAW" fit --law fslq --share q --out-dir "$TMP" --group 25M="$(train 25M)" \
  --group 100M="$(train 100M)" --group 400M="$(train 400M)" >/dev/null 2>"$TMP/err" \
  || bad "fslq shared q fit: $(cat "$TMP/err")"
for size in 25M 100M 400M; do [ -f "$TMP/$size.json" ] && mv "$TMP/$size.json" "$TMP/fslq-shared-q-$size.json"; done
while read -r size law r2 prede worste; do
  D=$SRC/data/mpl/$size
  if [ "$law" != fslq-shared-q ] && ! "$FSLAW" fit --law "$law" --out "$TMP/$law-$size.json" \
      "$D/cosine_24000.csv" "$D/constant_24000.csv" "$D/wsdcon_9.csv" >/dev/null 2>"$TMP/err"; then
    bad "$size $law fit: $(cat "$TMP/err")"
    continue
  fi
  [ -f "$TMP/$law-$size.json" ] || continue
  mean=$("$FSLAW" eval --params "$TMP/$law-$size.json" "$D/constant_72000.csv" "$D/cosine_72000.csv" \
    "$D/wsd_20000_24000.csv" "$D/wsdld_20000_24000.csv" "$D/wsdcon_3.csv" "$D/wsdcon_18.csv" | tail -1)
  echo "$size $law held-out $mean"
  # R² may fall by 2e-4 at most, PredE and WorstE rise by 3 % at most
  echo "$mean" | awk -F, -v r2="$r2" -v pe="$prede" -v we="$worste" \
    '{ exit !($3 >= r2 - 2e-4 && $6 <= pe * 1.03 && $7 <= we * 1.03) }' \
    && ok || bad "$size $law: $mean worse than R2 $r2 PredE $prede WorstE $worste"
done <<'PINNED'
25M fsl 0.998315 0.0012261 0.0029885
25M mpl 0.997247 0.0013830 0.0030796
100M fsl 0.998261 0.0013326 0.0056021
100M mpl 0.997336 0.0015773 0.0048945
400M fsl 0.997016 0.0020493 0.0067795
400M mpl 0.996086 0.0022610 0.0066179
25M fslq 0.999431 0.0007643 0.0026339
100M fslq 0.997559 0.0015649 0.0052707
400M fslq 0.998809 0.0012950 0.0047708
25M fslkq 0.998720 0.0010305 0.0033002
100M fslkq 0.999622 0.0006406 0.0024392
400M fslkq 0.999402 0.0009555 0.0048172
25M fslq-shared-q 0.999431 0.0007504 0.0027638
100M fslq-shared-q 0.998628 0.0012160 0.0043727
400M fslq-shared-q 0.998400 0.0014934 0.0051949
PINNED
finish heldout
