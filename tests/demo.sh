#!/usr/bin/env bash
# demo.sh: `make demo` (scripts/demo.sh), the README's first command, runs to
# the end on the bundled data and writes everything it lists. Registered
# only in the optimised build (its fits are slow under sanitizers).
# Usage: demo.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/demo
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
bash "$SRC/scripts/demo.sh" "$FSLAW" "$TMP/out" >"$TMP/log" 2>"$TMP/err" && ok || bad "demo failed: $(tail -5 "$TMP/err")"
for f in runs_400M.svg fslkq_400M_report.html sizes/25M.json sizes/100M.json sizes/400M.json; do
  [ -s "$TMP/out/$f" ] && ok || bad "demo did not write $f"
done
for law in fsl fslq fslkq mpl; do
  for f in "${law}_400M.json" "${law}_400M_eval.csv" "${law}_400M_pred.csv" "${law}_400M_pred.svg"; do
    [ -s "$TMP/out/$f" ] && ok || bad "demo did not write $f"
  done
done
grep -q '^mean ' "$TMP/log" && ok || bad "demo prints the held-out table"
[ "$(grep -cE '^(25M|100M|400M) +0\.99' "$TMP/log")" -eq 3 ] && ok || bad "demo prints the three sizes: $(tail -12 "$TMP/log")"
finish demo
