#!/usr/bin/env bash
# test_cli.sh: the fslaw command as a user meets it: help, schedule, inspect,
# bad input, safe outputs. Usage: test_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/cli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"

# help and version
"$FSLAW" --version | grep -qE '^fslaw [0-9]+\.[0-9]+\.[0-9]+$' && ok || bad "--version"
"$FSLAW" help | grep -q "schedule" && ok || bad "help lists schedule"
for cmd in $("$FSLAW" help | awk '/^commands:/{on=1; next} on && NF {print $1}'); do
  "$FSLAW" "$cmd" --help | grep -q "^usage: fslaw $cmd" && ok || bad "$cmd --help"
  "$FSLAW" help "$cmd" | grep -q "^usage: fslaw $cmd" && ok || bad "help $cmd"
done
"$FSLAW" schedule --help | grep -q "wsd (decay_start=STEP" && ok || bad "schedule --help lists kinds"
expect_fail "unknown command" "fslaw: error: unknown command 'frobnicate'" "$FSLAW" frobnicate
# still exit 2 and followed by the usage, like fslaw without a command
"$FSLAW" frobnicate 2>"$TMP/err"; [ $? -eq 2 ] && grep -q "^usage: fslaw COMMAND" "$TMP/err" \
  && ok || bad "unknown command: exit 2 and usage"
expect_fail "unknown option" "unknown option '--evry'" "$FSLAW" schedule 'constant:steps=3' --evry 2
expect_fail "missing value" "option '--every' needs a value" "$FSLAW" schedule 'constant:steps=3' --every
expect_fail "bad count" "option '--every': expected a positive whole number, got '0'" \
  "$FSLAW" schedule 'constant:steps=3' --every 0
# a single-valued option given twice is refused, not silently the last one
expect_fail "option twice" "option '--every' given twice ('2', then '3')" \
  "$FSLAW" schedule 'constant:steps=9' --every 2 --every=3
expect_fail "law twice" "option '--law' given twice ('mpl', then 'fsl')" \
  "$FSLAW" fit --law mpl --law fsl "$SRC/data/mpl/400M/cosine_24000.csv"

# the acceptance example: 24000 rows plus the header
spec='cosine:peak=3e-4,final=3e-5,warmup=2160,steps=24000'
"$FSLAW" schedule "$spec" >"$TMP/cos.csv" && ok || bad "schedule runs"
[ "$(wc -l <"$TMP/cos.csv")" -eq 24001 ] && ok || bad "24000 rows"
[ "$(head -1 "$TMP/cos.csv")" = "step,lr,t" ] && ok || bad "header"
# t is the running sum of lr (checked independently with awk)
awk -F, 'NR > 1 { s += $2; if ((s - $3) > 1e-12 * s || ($3 - s) > 1e-12 * s) bad = 1 }
         END { exit bad }' "$TMP/cos.csv" && ok || bad "t = cumsum(lr)"
[ "$(sed -n 2p "$TMP/cos.csv")" = "0,0,0" ] && ok || bad "warmup starts at 0"
"$FSLAW" schedule "$spec" --every 5000 | cut -d, -f1 | tr '\n' ' ' | grep -q "^step 0 5000 10000 15000 20000 23999 $" \
  && ok || bad "--every keeps the last step"
# --out and --plot write files atomically; the CSV round-trips as a file schedule
"$FSLAW" schedule 'wsd:peak=1e-3,decay=0.2,steps=500' --out "$TMP/w.csv" --plot "$TMP/w.svg" >"$TMP/stdout" && ok || bad "--out --plot"
[ ! -s "$TMP/stdout" ] && ok || bad "--out keeps stdout empty"
xmllint --noout "$TMP/w.svg" && ok || bad "plot is XML"
"$FSLAW" schedule "file:path=$TMP/w.csv" | cut -d, -f1,2 >"$TMP/w2.csv"
cut -d, -f1,2 "$TMP/w.csv" | cmp -s - "$TMP/w2.csv" && ok || bad "file schedule round trip"
ls "$TMP" | grep -q '\.tmp\.' && bad "temporary file left" || ok
# errors leave no output file
expect_fail "bad spec" "key 'tail': expected one of" "$FSLAW" schedule 'wsd:steps=9,decay=0.2,tail=x' --out "$TMP/none.csv"
[ ! -e "$TMP/none.csv" ] && ok || bad "no output on error"
expect_fail "refuse input" "refusing to overwrite the input file" "$FSLAW" inspect "$TMP/w.csv" --plot "$TMP/w.csv"
cmp -s <(cut -d, -f1,2 "$TMP/w.csv") "$TMP/w2.csv" && ok || bad "input intact"
expect_fail "unwritable" "option '--out': folder '/nonexistent/dir' does not exist" "$FSLAW" schedule 'constant:steps=3' --out /nonexistent/dir/x.csv
printf 'step,lr,loss\n1,1e-3,4\n' >"$TMP/log.csv"
expect_fail "--out over a log" "option '--out': '$TMP/log.csv' exists and holds other data (it begins 'step,lr,loss')" \
  "$FSLAW" schedule 'constant:steps=3' --out "$TMP/log.csv"
[ "$(cat "$TMP/log.csv")" = "$(printf 'step,lr,loss\n1,1e-3,4')" ] && ok || bad "the log is intact"

# inspect: bundled runs, notes, errors with file:line
"$FSLAW" inspect "$SRC/data/mpl/400M/wsd_20000_24000.csv" >"$TMP/ins" 2>"$TMP/err" && ok || bad "inspect runs"
grep -q "steps=24000 losses=171 lr=\[0,0.0003\] warmup=2159 kinks=20000 t_final=6.14517" "$TMP/ins" && ok || bad "inspect line: $(cat "$TMP/ins")"
[ ! -s "$TMP/err" ] && ok || bad "dense run: no interpolation note"
printf 'step,lr,loss\n100,0.001,3.0\n200,0.001,2.9\n' >"$TMP/sparse.csv"
"$FSLAW" inspect "$TMP/sparse.csv" >"$TMP/ins" 2>"$TMP/err" && ok || bad "sparse inspect"
grep -q "note: .*sparse.csv: lr logged on 2 of 201 steps" "$TMP/err" && ok || bad "interpolation note: $(cat "$TMP/err")"
# rates that do not rise show no warmup: held back to step 0; rising ones ramp from 0
grep -q "lr=\[0.001,0.001\] warmup=0 kinks=none t_final=0.201 " "$TMP/ins" && ok || bad "first rate held: $(cat "$TMP/ins")"
printf 'step,lr,loss\n100,0.0005,3.0\n200,0.001,2.9\n' >"$TMP/ramp.csv"
"$FSLAW" inspect "$TMP/ramp.csv" 2>/dev/null | grep -q "lr=\[0,0.001\] warmup=200 kinks=none t_final=0.1005 " && ok || bad "ramp from 0 detected"
"$FSLAW" inspect "$TMP/sparse.csv" --schedule 'constant:peak=1e-3,steps=201' 2>"$TMP/err" | grep -q "warmup=0 kinks=none t_final=0.201" \
  && ok || bad "--schedule replaces rates"
[ ! -s "$TMP/err" ] && ok || bad "--schedule: no note"
expect_fail "short schedule" "option '--schedule': run 'sparse' has 201 steps" \
  "$FSLAW" inspect "$TMP/sparse.csv" --schedule 'constant:steps=10'
printf 'step,lr,loss\n0,1e-3,3.5\n1,1e-3,oops\n' >"$TMP/bad.csv"
expect_fail "malformed log" "$TMP/bad.csv:3:8: column 'loss': expected a number, got 'oops'" "$FSLAW" inspect "$TMP/bad.csv"
expect_fail "one bad of two" "bad.csv:3" "$FSLAW" inspect "$TMP/sparse.csv" "$TMP/bad.csv"
grep -q "sparse.csv: steps=201" "$TMP/out" && ok || bad "good runs still summarised"
printf '{"_step": 0, "train/loss": 3, "lr": 1}\n{"_step": 5, "train/loss": 2.5, "lr": 1}\n' >"$TMP/w.jsonl"
"$FSLAW" inspect "$TMP/w.jsonl" --col step=_step --col loss=train/loss | grep -q "steps=6 losses=2" && ok || bad "--col mapping, jsonl"
expect_fail "bad --col" "option '--col': unknown name 'los'" "$FSLAW" inspect "$TMP/w.jsonl" --col los=x
expect_fail "bad --format" "option '--format': expected csv, jsonl, tfevents or text, got 'xml'" "$FSLAW" inspect "$TMP/w.jsonl" --format xml
printf 'step,loss\n0,3\n' >"$TMP/nolr.csv"
expect_fail "no lr" "no 'lr' column" "$FSLAW" inspect "$TMP/nolr.csv"
# a printed log has no header: its first line (nanoGPT's, with a comma) is not shown as one
printf 'tokens per iteration will be: 491,520\niter 0: loss 10.9, time 100ms\niter 10: loss 9.1, time 99ms\n' >"$TMP/nano.log"
expect_fail "printed, no lr" "nano.log: no line names a rate ('lr', 'learning_rate' or 'learning rate'); name it with --col lr=NAME" \
  "$FSLAW" inspect "$TMP/nano.log"
! grep -q "header" "$TMP/err" && ok || bad "printed log shown a header: $(cat "$TMP/err")"
: >"$TMP/empty.csv"
expect_fail "empty" "empty.csv: empty file" "$FSLAW" inspect "$TMP/empty.csv"
expect_fail "no runs" "expected at least one RUN" "$FSLAW" inspect
"$FSLAW" inspect "$SRC"/data/mpl/25M/wsdcon_3.csv "$SRC"/data/mpl/25M/cosine_72000.csv --plot "$TMP/runs.svg" >/dev/null && ok || bad "inspect --plot"
xmllint --noout "$TMP/runs.svg" && grep -q "cosine_72000" "$TMP/runs.svg" && ok || bad "runs plot valid"

finish test_cli
