#!/usr/bin/env bash
# test_table_cli.sh: fit / allocate / predict / eval over tables as a user
# runs them, on synthetic tables drawn from known parameters, with every
# bad-input case. Usage: test_table_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/tablecli
rm -rf "$TMP" && mkdir -p "$TMP"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
expect_fail() {
  local name=$1 want=$2; shift 2
  if "$@" >"$TMP/out" 2>"$TMP/err"; then bad "$name: exit 0"; return; fi
  if grep -qF -- "$want" "$TMP/err"; then ok; else bad "$name: stderr lacks '$want': $(cat "$TMP/err")"; fi
}
# |a - b| <= tol * |b|
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; if (b < 0) b = -b; exit !(d <= t * b) }'; }
json_num() { sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -1; }

# A Chinchilla table from E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28, with an
# excluded row carrying a wrong loss, and a twophase table in C.
awk 'BEGIN { print "N,D,loss,excluded"; OFMT = "%.17g"
  for (i = 0; i < 6; i++) for (j = 0; j < 6; j++) {
    n = 7e7 * 2 ^ i; d = 1e9 * 2.5 ^ j * (1 + 0.1 * i)
    printf "%.17g,%.17g,%.17g,0\n", n, d, 1.69 + 406.4 / n ^ 0.34 + 410.7 / d ^ 0.28 }
  print "1e9,1e10,9.5,1" }' >"$TMP/chin.csv"
awk 'BEGIN { print "C,loss"
  for (i = 0; i < 30; i++) { c = 1e17 * 10 ^ (i / 6); printf "%.17g,%.17g\n", c, 1.8 + 2 * exp(-c / 3e18) + 40 * c ^ (-1 / 6) } }' >"$TMP/two.csv"

# fit: summary on stdout, JSON with the parameters, exclusion honoured
"$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --out "$TMP/chin.json" "$TMP/chin.csv" >"$TMP/sum" 2>"$TMP/err" && ok || bad "fit: $(cat "$TMP/err")"
grep -q "^law chinchilla: 36 rows" "$TMP/sum" && ok || bad "fit summary: $(cat "$TMP/sum")"
grep -q "^best of 32 starts" "$TMP/sum" && ok || bad "grid 2 gives 32 starts"
near "$(json_num "$TMP/chin.json" A)" 406.4 1e-4 && near "$(json_num "$TMP/chin.json" beta)" 0.28 1e-4 && ok || bad "recovered parameters: $(cat "$TMP/chin.json")"
near "$(json_num "$TMP/chin.json" a)" "$(awk 'BEGIN { print 0.28 / 0.62 }')" 1e-4 && ok || bad "derived a"
grep -q '"table_law":[[:space:]]*true' "$TMP/chin.json" && grep -q '"where":[[:space:]]*\["excluded=0"\]' "$TMP/chin.json" && ok || bad "json records filter"
# --table T is the positional table (as predict and eval take it); never both
"$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --table "$TMP/chin.csv" >/dev/null 2>&1 \
  && "$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --table "$TMP/chin.csv" 2>/dev/null | cmp -s - "$TMP/chin.json" \
  && ok || bad "fit --table: not the fit of the positional table"
expect_fail "fit --table and TABLE" "option '--table': the table is given twice" \
  "$FSLAW" fit --law chinchilla --table "$TMP/chin.csv" "$TMP/chin.csv"
expect_fail "fit --table without --law" "option '--law' is required over a table" \
  "$FSLAW" fit --table "$TMP/chin.csv"
expect_fail "fit TABLE without --law" "'$TMP/chin.csv' is a table of runs (its header names N and D, or C and loss): give --law chinchilla, kaplan or twophase" \
  "$FSLAW" fit "$TMP/chin.csv"
# --out naming the table (or any file of other data) is refused; a params file is replaced
cp "$TMP/chin.csv" "$TMP/keep.csv"
expect_fail "table fit --out a table" "option '--out': '$TMP/keep.csv' exists and holds no fitted parameters" \
  "$FSLAW" fit --law chinchilla --grid 2 --out "$TMP/keep.csv" "$TMP/chin.csv"
cmp -s "$TMP/chin.csv" "$TMP/keep.csv" && ok || bad "the table is intact"
"$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --out "$TMP/chin.json" "$TMP/chin.csv" >/dev/null 2>&1 \
  && ok || bad "a params file is replaced"
# the tables are exact (drawn from known parameters): the exact-fit warning (tested below)
# goes to $TMP/exact, not the test log
# without --where the bad row spoils the fit
"$FSLAW" fit --law chinchilla --grid 2 --out "$TMP/all.json" "$TMP/chin.csv" >"$TMP/sum2" 2>>"$TMP/exact" && grep -q "37 rows" "$TMP/sum2" && ok || bad "no filter keeps 37 rows"

# rows repeating an earlier row's (N, D) weigh more: a note names them (a copy,
# and a second seed with another loss); a table without repeats has no note
"$FSLAW" fit --law chinchilla --grid 1 --where excluded=0 "$TMP/chin.csv" 2>&1 >/dev/null | grep -q "repeat" \
  && bad "a note without repeats" || ok
{ cat "$TMP/chin.csv"; sed -n 3p "$TMP/chin.csv"; sed -n 5p "$TMP/chin.csv" | awk -F, -v OFS=, '{ $3 = $3 * 1.01; print }'; } >"$TMP/dup.csv"
"$FSLAW" fit --law chinchilla --grid 1 --where excluded=0 --out "$TMP/dup.json" "$TMP/dup.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit with repeats: $(cat "$TMP/err")"
grep -qF "fslaw fit: note: 2 rows repeat the (N, D) of an earlier row" "$TMP/err" \
  && grep -qF "line 39 copies line 3 (same loss), line 40 repeats line 5 (another loss)" "$TMP/err" \
  && ok || bad "repeats note: $(cat "$TMP/err")"
grep -q "38 rows" <("$FSLAW" fit --law chinchilla --grid 1 --where excluded=0 "$TMP/dup.csv" 2>&1) && ok || bad "repeated rows are kept"

# every parameter fixed: the objective at given values
"$FSLAW" fit --law chinchilla --where excluded=0 --fix A=406.4 --fix B=410.7 --fix E=1.69 --fix alpha=0.34 --fix beta=0.28 \
  --out "$TMP/fixed.json" "$TMP/chin.csv" >/dev/null && ok || bad "all fixed"
awk -v v="$(json_num "$TMP/fixed.json" objective)" 'BEGIN { exit !(v < 1e-20) }' && ok || bad "objective at the truth is 0"

# bootstrap: intervals and reproducible for a seed whatever the threads
OMP_NUM_THREADS=1 "$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --bootstrap 6 --seed 5 --out "$TMP/b1.json" "$TMP/chin.csv" >"$TMP/bsum" 2>>"$TMP/exact" && ok || bad "bootstrap"
OMP_NUM_THREADS=2 "$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 --bootstrap 6 --seed 5 --out "$TMP/b2.json" "$TMP/chin.csv" >/dev/null 2>>"$TMP/exact"
cmp -s "$TMP/b1.json" "$TMP/b2.json" && ok || bad "bootstrap depends on threads"
grep -q '"lo95"' "$TMP/b1.json" && grep -q '"samples"' "$TMP/b1.json" && grep -q "^bootstrap: 6 resamples (seed 5" "$TMP/bsum" && ok || bad "bootstrap output"

# a table with no loss floor: E collapses onto 0, which fit warns of (naming E and
# the allocation), records in the JSON and allocate repeats; its bootstrap then
# restarts from the next-best optima too (from the optimum alone E's interval is empty)
awk 'BEGIN { print "N,D,loss"
  for (i = 0; i < 5; i++) for (j = 0; j < 5; j++) { n = 1e7 * 2 ^ i; d = 5e7 * 2 ^ j * (1 + 0.1 * i); k = i * 5 + j
    printf "%.17g,%.17g,%.17g\n", n, d, (30 / n ^ 0.12 + 500 / d ^ 0.3) * (1 + 0.005 * sin(12.9898 * k + 78.233 * (k * k % 97))) } }' >"$TMP/e0.csv"
"$FSLAW" fit --law chinchilla --grid 3 --bootstrap 30 --out "$TMP/e0.json" "$TMP/e0.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit e0: $(cat "$TMP/err")"
grep -q "^fslaw fit: warning: E = [0-9.e-]* collapsed onto a boundary of its range: .*the rows do not determine it.*compute-optimal allocation (fslaw allocate) rests on them" "$TMP/err" \
  && [ "$(grep -c "warning: .* collapsed" "$TMP/err")" -eq 1 ] && ok || bad "E warning: $(cat "$TMP/err")"
grep -qF "fslaw fit: note: E is not determined by the rows (warning below), so every resample starts also from the 4 next-best" "$TMP/err" && ok || bad "boot-starts note: $(cat "$TMP/err")"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); w = j["warnings"]; b = j["bootstrap"]
assert len(w) == 1 and w[0].startswith("E = ") and "do not determine" in w[0], w
assert b["hi95"]["E"] > 1e3 * j["params"]["E"] + 1e-6, b["hi95"]
assert b["extra_starts"] == 4, b["extra_starts"]' "$TMP/e0.json" && ok || bad "E warning in JSON, widened interval, restarts recorded"
"$FSLAW" fit --law chinchilla --grid 3 --bootstrap 30 --boot-starts 0 --out "$TMP/e0b.json" "$TMP/e0.csv" >/dev/null 2>"$TMP/err"
grep -q "next-best" "$TMP/err" && bad "--boot-starts 0 given: no default" || ok
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); assert j["bootstrap"]["hi95"]["E"] < 2 * j["params"]["E"] + 1e-6
assert j["bootstrap"]["extra_starts"] == 0' "$TMP/e0b.json" \
  && ok || bad "from the optimum alone the interval of E stays empty (the case the default avoids)"
"$FSLAW" allocate --params "$TMP/e0.json" --compute 1e19 >/dev/null 2>"$TMP/err"
grep -q "^fslaw allocate: warning: the fit warned: E = .* do not determine it" "$TMP/err" && ok || bad "allocate repeats: $(cat "$TMP/err")"
awk -F, 'NR == 1 || $4 == 0 { if (NR > 1) $3 = $3 * (1 + 0.005 * sin(NR * 12.9898)); print }' OFS=, "$TMP/chin.csv" >"$TMP/noisy.csv"
"$FSLAW" fit --law chinchilla --grid 2 --out "$TMP/noisy.json" "$TMP/noisy.csv" >/dev/null 2>"$TMP/err"
grep -q '"warnings":[[:space:]]*\[\]' "$TMP/noisy.json" && [ ! -s "$TMP/err" ] && ok || bad "no warnings on a well-posed fit: $(cat "$TMP/err")"
# 4 distinct points listed twice do not fit 5 parameters; 6 points for 5 are an
# exact fit: a warning that it (and its bootstrap) claims too much
printf 'N,D,loss\n1e8,1e9,3.5\n1e8,2e9,3.3\n1e9,1e9,3.1\n1e9,2e9,2.9\n' >"$TMP/four.csv"
tail -4 "$TMP/four.csv" >>"$TMP/four.csv"
expect_fail "few distinct" "5 free parameters but the table has only 4 distinct (N, D) points (8 rows" "$FSLAW" fit --law chinchilla --grid 1 "$TMP/four.csv"
{ cat "$TMP/four.csv" | head -5; printf '3e9,5e9,2.7\n3e9,1e10,2.6\n'; } >"$TMP/six.csv"
"$FSLAW" fit --law chinchilla --grid 2 --bootstrap 20 --out "$TMP/six.json" "$TMP/six.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit six: $(cat "$TMP/err")"
grep -qF "fslaw fit: warning: 6 distinct (N, D) points for 5 free parameters leave only 1 spare" "$TMP/err" \
  && grep -qF "claims a certainty the rows do not support; fit at least 10 distinct points" "$TMP/err" && ok || bad "no-spare warning: $(cat "$TMP/err")"
grep -q '"warnings":.*6 distinct (N, D) points' <(tr -d '\n' <"$TMP/six.json") && ok || bad "no-spare warning in JSON"
"$FSLAW" fit --law chinchilla --grid 2 --where excluded=0 "$TMP/chin.csv" 2>&1 >/dev/null | grep -qF "the law passes through every row" \
  && ok || bad "noise-free table: exact-fit warning"

# allocate: the closed form, a list of budgets, intervals from the bootstrap
"$FSLAW" allocate --params "$TMP/chin.json" --compute 5.88e23,1e24 >"$TMP/alloc.csv" 2>/dev/null && ok || bad "allocate"
[ "$(head -1 "$TMP/alloc.csv")" = "C,N_opt,D_opt,tokens_per_param" ] && [ "$(wc -l <"$TMP/alloc.csv")" -eq 3 ] && ok || bad "allocate csv: $(cat "$TMP/alloc.csv")"
awk -F, 'NR == 2 { g = (0.34 * 406.4 / (0.28 * 410.7)) ^ (1 / 0.62); n = g * ($1 / 6) ^ (0.28 / 0.62)
  d = n - $2; if (d < 0) d = -d; exit !(d < 1e-3 * n && ($2 * $3 * 6 - $1) ^ 2 < (1e-9 * $1) ^ 2) }' "$TMP/alloc.csv" && ok || bad "allocate values: $(cat "$TMP/alloc.csv")"
"$FSLAW" allocate --params "$TMP/b1.json" --compute 1e22 2>/dev/null | head -1 | grep -q ',tpp_lo,tpp_hi$' && ok || bad "allocate intervals"

# predict and eval over tables; a table without losses predicts too
"$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/chin.csv" --where excluded=0 >"$TMP/pred.csv" && ok || bad "predict"
[ "$(head -1 "$TMP/pred.csv")" = "N,D,loss,pred" ] && [ "$(wc -l <"$TMP/pred.csv")" -eq 37 ] && ok || bad "predict rows"
printf 'N,D\n1e9,2e10\n' >"$TMP/q.csv"
"$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/q.csv" | awk -F, 'NR == 2 { exit !($3 == "" && $4 > 2 && $4 < 3) }' && ok || bad "predict without loss"
"$FSLAW" eval --params "$TMP/chin.json" "$TMP/chin.csv" >"$TMP/eval.csv" && ok || bad "eval"
[ "$(head -1 "$TMP/eval.csv")" = "line,N,D,loss,pred,are" ] && ok || bad "eval header"
awk -F, '$1 == 38 { bad = $6 } $1 == "mean" { m = $6 } END { exit !(bad > 0.5 && m > 0.01 && m < 0.03) }' "$TMP/eval.csv" && ok || bad "eval errors: $(tail -2 "$TMP/eval.csv")"

# predictions and allocations beyond the fitted range of N and D are noted,
# with the factor (the range is recorded in the params JSON); within it, none
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["fitted_range"]; assert r["N"] == [7e7, 2.24e9] and r["D"][0] == 1e9, r' \
  "$TMP/chin.json" && ok || bad "fitted range: $(grep -A4 fitted_range "$TMP/chin.json")"
printf 'N,D\n1e9,2e10\n1e12,1e13\n5e6,1e9\n' >"$TMP/far.csv"
"$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/far.csv" >/dev/null 2>"$TMP/err" && ok || bad "predict far: $(cat "$TMP/err")"
grep -qF "note: 1 row has N above the fitted range of N (7e+07 to 2.24e+09), up to 446x its top (N = 1e+12 at line 3)" "$TMP/err" \
  && grep -qF "note: 1 row has N below the fitted range of N (7e+07 to 2.24e+09), up to 14x below its bottom (N = 5e+06 at line 4)" "$TMP/err" \
  && grep -qF "note: 1 row has D above the fitted range of D" "$TMP/err" && ! grep -q "D below" "$TMP/err" \
  && ok || bad "predict notes: $(cat "$TMP/err")"
"$FSLAW" eval --params "$TMP/chin.json" --where excluded=0 "$TMP/chin.csv" 2>&1 >/dev/null | grep -q "note" \
  && bad "a note within the fitted range" || ok
"$FSLAW" allocate --params "$TMP/chin.json" --compute 1e19,1e24 >/dev/null 2>"$TMP/err" \
  && grep -qF "note: 1 budget has N_opt above the fitted range of N (7e+07 to 2.24e+09), up to 18.4x its top (N_opt = 4.13e+10 at C = 1e+24)" "$TMP/err" \
  && grep -qF "note: 1 budget has D_opt above the fitted range of D" "$TMP/err" && [ "$(grep -c note "$TMP/err")" -eq 2 ] \
  && ok || bad "allocate notes: $(cat "$TMP/err")"
printf '{"law": "chinchilla", "params": {"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}}\n' >"$TMP/hand.json"
"$FSLAW" allocate --params "$TMP/hand.json" --compute 1e24 2>&1 >/dev/null | grep -q "note" && bad "a note without a recorded range" || ok

# twophase with gamma free and fixed
"$FSLAW" fit --law twophase --fix gamma=0.16666666666666666 --out "$TMP/two.json" "$TMP/two.csv" >/dev/null 2>>"$TMP/exact" && ok || bad "twophase"
near "$(json_num "$TMP/two.json" C0)" 3e18 1e-3 && near "$(json_num "$TMP/two.json" Linf)" 1.8 1e-3 && ok || bad "twophase values: $(cat "$TMP/two.json")"
"$FSLAW" fit --law twophase --grid 2 --out "$TMP/two2.json" "$TMP/two.csv" >/dev/null 2>>"$TMP/exact" && ok || bad "twophase free gamma"
expect_fail "allocate twophase" "no closed-form compute-optimal allocation" "$FSLAW" allocate --params "$TMP/two.json" --compute 1e22
[ ! -s "$TMP/out" ] && ok || bad "allocate twophase: no header left on standard output: $(cat "$TMP/out")"

# training logs with tokens as rows
printf 'step,loss,tokens\n100,3.9,1e9\n200,3.5,2e9\n300,3.3,3e9\n' >"$TMP/r1.csv"
printf 'step,loss,tokens\n100,3.6,1e9\n200,3.2,2e9\n300,3.0,3e9\n' >"$TMP/r2.csv"
"$FSLAW" fit --law chinchilla --grid 1 --log 1e8:"$TMP/r1.csv" --log 4e8:"$TMP/r2.csv" --out "$TMP/logs.json" >"$TMP/lsum" 2>&1 && grep -q "6 rows" "$TMP/lsum" && ok || bad "fit from logs: $(cat "$TMP/lsum")"

# a checkpoint's loss that is not positive is an error naming the file and step; one
# without tokens (the loss at step 0) is left out with a note counting it
printf 'step,loss,tokens\n0,10.9,0\n100,3.6,1e9\n200,3.2,2e9\n300,3.0,3e9\n' >"$TMP/r0.csv"
"$FSLAW" fit --law chinchilla --grid 1 --log 1e8:"$TMP/r1.csv" --log 4e8:"$TMP/r0.csv" --out "$TMP/r0.json" >"$TMP/lsum" 2>"$TMP/err" && grep -q "6 rows" "$TMP/lsum" \
  && grep -qF "fslaw fit: note: $TMP/r0.csv: 1 checkpoint without positive tokens (such as the loss at step 0, before training) is left out" "$TMP/err" \
  && ok || bad "step-0 note: $(cat "$TMP/err")"
printf 'step,loss,tokens\n100,3.6,1e9\n200,0,2e9\n300,3.0,3e9\n' >"$TMP/rz.csv"
expect_fail "log zero loss" "option '--log': $TMP/rz.csv: run 'rz': step 200: the loss must be positive and finite, got 0" \
  "$FSLAW" fit --law chinchilla --grid 1 --log 1e8:"$TMP/r1.csv" --log 4e8:"$TMP/rz.csv"

# help lists the table laws
"$FSLAW" fit --law chinchilla --help | grep -q "^  twophase" && ok || bad "help lists laws"

# bad input: a clear error, non-zero exit, no output file
expect_fail "unknown column" "bad.csv:1: missing column 'D'" sh -c "printf 'N,loss\n1,2\n' >'$TMP/bad.csv'; '$FSLAW' fit --law chinchilla '$TMP/bad.csv'"
printf 'N,D,loss\n1e8,1e9,3\n0,2e9,2.9\n' >"$TMP/zero.csv"
expect_fail "zero N" "zero.csv:3:1: column 'N': must be positive, got 0" "$FSLAW" fit --law chinchilla --out "$TMP/never.json" "$TMP/zero.csv"
[ ! -e "$TMP/never.json" ] && ok || bad "no JSON on error"
printf 'N,D,loss\n1e8,1e9,3\n1e8,2e9,2.9\n1e8,4e9,2.8\n1e8,8e9,2.7\n1e8,9e9,2.6\n1e8,1e10,2.5\n' >"$TMP/oneN.csv"
expect_fail "single N" "every row has the same N" "$FSLAW" fit --law chinchilla "$TMP/oneN.csv"
head -4 "$TMP/oneN.csv" >"$TMP/few.csv"
expect_fail "few rows" "5 free parameters but the table has only 3 rows" "$FSLAW" fit --law chinchilla "$TMP/few.csv"
expect_fail "bad where" "fslaw fit: error: option '--where': expected COL=VALUE or COL!=VALUE, got 'excluded'" "$FSLAW" fit --law chinchilla --where excluded "$TMP/chin.csv"
expect_fail "bad where (eval)" "fslaw eval: error: option '--where': expected COL=VALUE or COL!=VALUE, got '!=1'" "$FSLAW" eval --params "$TMP/chin.json" --where '!=1' "$TMP/chin.csv"
expect_fail "unknown law" "unknown law 'chinchila' (known: fsl, fslconv, fslk, fslq, fslkq, mpl, mtl; over tables: chinchilla, kaplan, twophase)" \
  "$FSLAW" fit --law chinchila "$TMP/chin.csv"
for v in 0 1 2 -1e-9 x; do
  expect_fail "ftol $v" "option '--ftol': expected a number in (0, 1) (e.g. 1e-15), got '$v'" "$FSLAW" fit --law chinchilla --grid 1 --ftol "$v" "$TMP/chin.csv"
done
for v in 0 9 x; do
  expect_fail "grid $v" "option '--grid': expected a whole number in 1..8 (values of each parameter's grid list; leave it out for the full grid), got '$v'" \
    "$FSLAW" fit --law chinchilla --grid "$v" "$TMP/chin.csv"
done
# --out in a missing folder: refused before the fit and its bootstrap, nothing written
expect_fail "out folder" "option '--out': folder '$TMP/nodir' does not exist" \
  "$FSLAW" fit --law chinchilla --grid 2 --bootstrap 50 --out "$TMP/nodir/p.json" "$TMP/chin.csv"
! grep -q "^law chinchilla" "$TMP/err" && ! grep -q "^law chinchilla" "$TMP/out" && [ ! -e "$TMP/nodir" ] && ok || bad "fitted before refusing --out"
expect_fail "where column" "missing column 'foo' named in a filter" "$FSLAW" fit --law chinchilla --where foo=1 "$TMP/chin.csv"
expect_fail "bad fix" "option '--fix': law 'chinchilla' has no parameter 'gamma'" "$FSLAW" fit --law chinchilla --fix gamma=1 "$TMP/chin.csv"
expect_fail "fix negative" "fixed value of 'A' must be positive" "$FSLAW" fit --law chinchilla --fix A=-1 "$TMP/chin.csv"
expect_fail "bad col" "option '--col': law 'twophase' reads no column called 'N'" "$FSLAW" fit --law twophase --col N=x "$TMP/two.csv"
expect_fail "wrong table" "missing column 'C'" "$FSLAW" fit --law twophase "$TMP/chin.csv"
expect_fail "bad bootstrap" "option '--bootstrap': expected a positive whole number" "$FSLAW" fit --law chinchilla --bootstrap x "$TMP/chin.csv"
expect_fail "two tables" "expected one TABLE file" "$FSLAW" fit --law chinchilla "$TMP/chin.csv" "$TMP/chin.csv"
expect_fail "bad log" "option '--log': expected N:RUN" "$FSLAW" fit --law chinchilla --log x.csv
expect_fail "log without tokens" "has no 'tokens' column" sh -c "printf 'step,loss\n1,3\n' >'$TMP/nt.csv'; '$FSLAW' fit --law chinchilla --log 1e8:'$TMP/nt.csv'"
expect_fail "compute list" "option '--compute': expected positive numbers" "$FSLAW" allocate --params "$TMP/chin.json" --compute 1e22,-5
expect_fail "no compute" "option '--compute' is required" "$FSLAW" allocate --params "$TMP/chin.json"
# table mode is found and named: its help, an option of the curve commands, a
# --table that took the next option as its file, table parameters where a curve law is needed
"$FSLAW" predict --table --help | head -1 | grep -q "^usage: fslaw predict --params P.json --table T.csv" && ok || bad "predict --table --help"
"$FSLAW" eval --help | grep -q "fslaw eval --params P.json --table T.csv" && ok || bad "eval --help names table mode"
expect_fail "curve option in table mode" "note: this is predict over a table (a table law's parameters or --table); its options: fslaw predict --table --help" \
  "$FSLAW" predict --params "$TMP/chin.json" --schedule 'constant:peak=1,steps=10'
expect_fail "--table eats an option" "option '--table': expected a file, got the option '--where'" \
  "$FSLAW" eval --params "$TMP/chin.json" --table --where excluded=0 "$TMP/chin.csv"
expect_fail "optimize with table params" "chin.json holds the parameters of 'chinchilla', a law over a table of runs" \
  "$FSLAW" optimize --params "$TMP/chin.json" --steps 100 --peak 1
expect_fail "allocate curve params" "is not a table law" sh -c "printf '{\"law\": \"mpl\", \"params\": {}}' >'$TMP/mpl.json'; '$FSLAW' allocate --params '$TMP/mpl.json' --compute 1e22"
expect_fail "eval no table" "expected one TABLE file" "$FSLAW" eval --params "$TMP/chin.json"

echo "test_table_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
