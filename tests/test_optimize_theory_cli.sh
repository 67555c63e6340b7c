#!/usr/bin/env bash
# test_optimize_theory_cli.sh: `fslaw optimize --theory` (MATH.md §4) as a
# user runs it, with bad input.
# Usage: test_optimize_theory_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/opttheorycli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
"$FSLAW" optimize --theory --s 1 --beta 2 --features inf --steps 2000 --out "$TMP/s.csv" \
  --plot "$TMP/s.svg" >"$TMP/sum" && ok || bad "optimize --theory runs"
for b in constant "cosine to 0.1 peak" "cosine to 0" "wsd, 20% linear tail" "8-1-1" \
  "closed form (sec. 4)" optimum; do
  grep -qF "  $b " "$TMP/sum" && ok || bad "summary lacks $b"
done
# the default cap: half the stability bound 0.61099 of this model (1/zeta(2) = 0.608 was 99.5 % of it)
grep -q "power form, eta_max 0.305493" "$TMP/sum" && ok || bad "default cap, half the stability bound: $(head -1 "$TMP/sum")"
# the optimum is below every baseline and the closed form
awk '/^  / && $0 !~ /spec|largest|fraction/ { v = $(NF); if ($1 == "optimum") { o = $2 } else b[NR] = v }
     END { if (o == "") exit 1; for (i in b) if (o + 0 >= b[i] + 0) exit 1 }' "$TMP/sum" \
  && ok || bad "optimum below baselines: $(cat "$TMP/sum")"
# easy regime: the optimum stays below the cap and decays over the whole run
awk '/largest rate/ { exit !($4 + 0 < 0.2) }' "$TMP/sum" && ok || bad "easy peak below the cap"
grep -q "decay fraction 1 " "$TMP/sum" && ok || bad "easy: the whole run decays"
[ "$(head -1 "$TMP/s.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/s.csv")" -eq 2001 ] && ok || bad "CSV step,lr of 2000 rows"
# the CSV reproduces the optimum's loss through `fslaw theory --form power`
want=$(awk '$1 == "optimum" && $2 ~ /^[0-9]/ { print $2 }' "$TMP/sum")
got=$("$FSLAW" theory --schedule "file:path=$TMP/s.csv" --form power --s 1 --beta 2 --features inf \
  --every 2000 | awk -F, 'END { printf "%.6f", $3 }')
[ "$got" = "$want" ] && ok || bad "fslaw theory on the CSV: $got, summary: $want"
xmllint --noout "$TMP/s.svg" && grep -q "closed form" "$TMP/s.svg" && ok || bad "plot XML with the closed form"
# hard regime, low noise: WSD-shaped, at the cap first
"$FSLAW" optimize --theory --s 0.5 --beta 4 --sigma 0.1 --steps 2000 --out "$TMP/h.csv" >"$TMP/hsum" && ok || bad "hard runs"
cap=$(sed -n 's/.*eta_max \([0-9.]*\)).*/\1/p' "$TMP/hsum")
awk -F, -v cap="$cap" 'NR == 2 { exit !($2 > 0.99 * cap && cap > 0.3) }' "$TMP/h.csv" && ok || bad "hard: starts at the cap $cap"
awk '/decay fraction/ { exit !($4 + 0 < 0.5) }' "$TMP/hsum" && ok || bad "hard: short decay: $(cat "$TMP/hsum")"
grep -q "hard regime" "$TMP/hsum" && ok || bad "hard regime named"
# the mode sums and a family
"$FSLAW" optimize --theory --form modes --features 64 --steps 300 --family cosine 2>&1 >/dev/null \
  | grep -q "optimum spec: cosine:" && ok || bad "modes form with a family"
expect_fail "params with theory" "option '--params' cannot be combined with '--theory'" \
  "$FSLAW" optimize --theory --params x.json --steps 10
expect_fail "theory option alone" "option '--beta' needs --theory" \
  "$FSLAW" optimize --params x.json --steps 10 --peak 1 --beta 2
expect_fail "no steps" "option '--steps' is required" "$FSLAW" optimize --theory
expect_fail "bad form" "option '--form': expected power or modes, got 'x'" \
  "$FSLAW" optimize --theory --steps 10 --form x
expect_fail "bad beta" "option '--beta': expected a finite number, got 'two'" \
  "$FSLAW" optimize --theory --steps 10 --beta two
expect_fail "bad model" "model:" "$FSLAW" optimize --theory --steps 10 --beta 0.5
expect_fail "bad peak" "option '--peak': expected a positive rate up to 1e6, got '0'" \
  "$FSLAW" optimize --theory --steps 10 --peak 0 --out "$TMP/none.csv"
[ ! -e "$TMP/none.csv" ] && ok || bad "no output on error"
# an overflow caused by sigma names sigma, as fslaw theory does, in both forms
for f in power modes; do
  expect_fail "sigma overflow, $f" "sigma = 1e+160 is too large" \
    "$FSLAW" optimize --theory --steps 100 --sigma 1e160 --form $f --features 64
done
"$FSLAW" optimize --help | grep -q -- "--theory" && ok || bad "help names --theory"
finish test_optimize_theory_cli
