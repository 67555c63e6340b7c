#!/usr/bin/env bash
# test_outputs.sh: every command's output options refuse, before any work, a
# file that holds other data (a training log named by mistake) and leave it
# intact; each replaces its own earlier output. Usage: test_outputs.sh FSLAW
# SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/outputs
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/25M
A=$D/cosine_24000.csv B=$D/constant_24000.csv
LOG='step,lr,loss
1,0.001,4'
printf '%s\n' "$LOG" >"$TMP/log.csv"

# refuse CMD... : the command fails naming --OPT and log.csv's first line, and
# the log is unchanged
refuse() {
  local name=$1 opt=$2; shift 2
  expect_fail "$name" "option '--$opt': '$TMP/log.csv' exists and holds other data (it begins 'step,lr,loss')" "$@"
  [ "$(cat "$TMP/log.csv")" = "$LOG" ] && ok || bad "$name: the log was changed"
}
# twice CMD...: the command runs twice on the same output (the second replaces the first)
twice() {
  local name=$1; shift
  "$@" >/dev/null 2>"$TMP/err" && "$@" >/dev/null 2>"$TMP/err" && ok || bad "$name twice: $(cat "$TMP/err")"
}

"$FSLAW" fit --law mtl --starts 2 --out "$TMP/mtl.json" "$A" "$B" >/dev/null 2>&1 && ok || bad "fit"
P=$TMP/mtl.json

# eval and cv: their CSVs
refuse "eval --out" out "$FSLAW" eval --params "$P" --out "$TMP/log.csv" "$A"
twice "eval" "$FSLAW" eval --params "$P" --out "$TMP/eval.csv" "$A"
[ "$(head -1 "$TMP/eval.csv")" = "run,n,r2,mae,rmse,prede,worste" ] && ok || bad "eval header"
# cv refuses before its folds' fits: at once, not after minutes
start=$(date +%s)
refuse "cv --out" out "$FSLAW" cv --law mpl,fsl --out "$TMP/log.csv" "$A" "$B" "$D/wsdcon_9.csv"
[ $(($(date +%s) - start)) -le 2 ] && ok || bad "cv refused only after its fits"
twice "cv" "$FSLAW" cv --law mtl --starts 1 --out "$TMP/cv.csv" "$A" "$B"

# theory: table, optimal schedule, curve and plot
refuse "theory --table --out" out "$FSLAW" theory --table --out "$TMP/log.csv"
twice "theory --table" "$FSLAW" theory --table --out "$TMP/table.txt"
refuse "theory --optimal-schedule --out" out "$FSLAW" theory --optimal-schedule --steps 100 --out "$TMP/log.csv"
refuse "theory --out" out "$FSLAW" theory --schedule 'constant:peak=0.1,steps=100' --out "$TMP/log.csv"
refuse "theory --plot" plot "$FSLAW" theory --schedule 'constant:peak=0.1,steps=100' --plot "$TMP/log.csv"
twice "theory curve" "$FSLAW" theory --schedule 'constant:peak=0.1,steps=100' --out "$TMP/curve.csv" --plot "$TMP/curve.svg"

# schedule CSVs: fslaw schedule (step,lr,t), optimize and theory --optimal-schedule
# (step,lr) may replace each other; a training log (step,lr,loss) may not
"$FSLAW" schedule 'constant:peak=1e-3,steps=100' --out "$TMP/s.csv" && ok || bad "schedule"
"$FSLAW" theory --optimal-schedule --steps 100 --out "$TMP/s.csv" 2>/dev/null && ok || bad "theory over a schedule CSV"
[ "$(head -1 "$TMP/s.csv")" = "step,lr" ] && ok || bad "replaced by step,lr"
"$FSLAW" schedule 'constant:peak=1e-3,steps=100' --out "$TMP/s.csv" && ok || bad "schedule over step,lr"
"$FSLAW" optimize --params "$P" --steps 3000 --peak 3e-4 --family cosine --out "$TMP/s.csv" >/dev/null 2>&1 \
  && ok || bad "optimize over a schedule CSV"
[ "$(head -1 "$TMP/s.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/s.csv")" -eq 3001 ] && ok || bad "optimize replaced it"

# inspect's plot
refuse "inspect --plot" plot "$FSLAW" inspect --plot "$TMP/log.csv" "$A"
twice "inspect" "$FSLAW" inspect --plot "$TMP/ins.svg" "$A"

# table laws: allocate, and predict / eval over a table
awk 'BEGIN { print "N,D,loss"; OFMT = "%.17g"
  for (i = 0; i < 4; i++) for (j = 0; j < 4; j++) {
    n = 7e7 * 2 ^ i; d = 1e9 * 2.5 ^ j * (1 + 0.1 * i)
    printf "%.17g,%.17g,%.17g\n", n, d, 1.69 + 406.4 / n ^ 0.34 + 410.7 / d ^ 0.28 } }' >"$TMP/t.csv"
"$FSLAW" fit --law chinchilla --grid 2 --out "$TMP/chin.json" "$TMP/t.csv" >/dev/null 2>&1 && ok || bad "table fit"
refuse "allocate --out" out "$FSLAW" allocate --params "$TMP/chin.json" --compute 1e20 --out "$TMP/log.csv"
twice "allocate" "$FSLAW" allocate --params "$TMP/chin.json" --compute 1e20 --out "$TMP/alloc.csv"
refuse "table predict --out" out "$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/t.csv" --out "$TMP/log.csv"
twice "table predict" "$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/t.csv" --out "$TMP/tp.csv"
twice "table eval" "$FSLAW" eval --params "$TMP/chin.json" --table "$TMP/t.csv" --out "$TMP/te.csv"
# another table (N,D,loss) is data too: prediction columns must follow
cp "$TMP/t.csv" "$TMP/t2.csv"
expect_fail "table predict over a table" "option '--out': '$TMP/t2.csv' exists and holds other data (it begins 'N,D,loss')" \
  "$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/t.csv" --out "$TMP/t2.csv"
cmp -s "$TMP/t.csv" "$TMP/t2.csv" && ok || bad "the other table is intact"
# predict over a table-eval output (a different command's CSV) is refused too
expect_fail "predict over eval output" "(it begins 'line,N,D,loss,pred" \
  "$FSLAW" predict --params "$TMP/chin.json" --table "$TMP/t.csv" --out "$TMP/te.csv"

# standard output is all or nothing too: a run that fails after another was
# predicted leaves no half table for the next command in a pipe
printf 'step,lr,loss\n0,1e-3,3\n1,1e-3,oops\n' >"$TMP/bad.csv"
"$FSLAW" predict --params "$P" "$A" "$TMP/bad.csv" >"$TMP/stdout" 2>"$TMP/err" && bad "predict of a bad run: exit 0" || ok
[ ! -s "$TMP/stdout" ] && grep -q "bad.csv:3:" "$TMP/err" && ok || bad "half table on stdout: $(head -3 "$TMP/stdout") / $(cat "$TMP/err")"
"$FSLAW" predict --params "$P" "$A" | tail -1 | grep -q '^cosine_24000,23999,' && ok || bad "predict to stdout"
# a reader that stops early (SIGPIPE) costs no file: the files are in place
# before standard output is written
rm -f "$TMP/piped.svg"
"$FSLAW" predict --params "$P" "$A" --every 1 --plot "$TMP/piped.svg" 2>/dev/null | head -1 >/dev/null
head -c 5 "$TMP/piped.svg" 2>/dev/null | grep -q '^<' && ok || bad "predict | head lost its --plot"

ls "$TMP" | grep -q '\.tmp\.' && bad "temporary file left" || ok
# an empty path (an unset variable, --out "$OUT"): refused before any work,
# nothing on standard output
empty() {
  local name=$1 opt=$2; shift 2
  "$@" >"$TMP/stdout" 2>"$TMP/err"
  [ $? -ne 0 ] && grep -q "option '--$opt': expected a path, got ''" "$TMP/err" && [ ! -s "$TMP/stdout" ] \
    && ok || bad "$name '': $(cat "$TMP/err")"
}
empty optimize plot "$FSLAW" optimize --params "$P" --steps 30000 --peak 3e-4 --plot ''
empty predict out "$FSLAW" predict --params "$P" --schedule cosine:peak=3e-4,steps=100 --out ''
empty eval out "$FSLAW" eval --params "$P" "$A" --out ''
empty report out "$FSLAW" report --params "$P" "$A" --out ''
empty schedule out "$FSLAW" schedule cosine:peak=1,steps=10 --out ''
empty inspect plot "$FSLAW" inspect "$A" --plot ''
empty cv out "$FSLAW" cv --law mtl "$A" "$B" --out ''
empty fit out "$FSLAW" fit --law mtl "$A" --out ''
finish test_outputs
