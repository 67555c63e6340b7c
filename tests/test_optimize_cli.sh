#!/usr/bin/env bash
# test_optimize_cli.sh: `fslaw optimize` as a user runs it, with bad input.
# Usage: test_optimize_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/optcli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"
cat >"$TMP/mpl.json" <<'J'
{"law": "mpl", "params": {"L0": 2.5, "A": 0.6, "alpha": 0.45, "B": 600, "C": 0.5, "beta": 0.4, "gamma": 0.6}}
J
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --out "$TMP/s.csv" --plot "$TMP/s.svg" >"$TMP/sum" && ok || bad "optimize runs"
for b in constant "cosine to 0.1 peak" "cosine to 0" "wsd, 20% linear tail" "8-1-1" optimum; do
  grep -q "^  $b " "$TMP/sum" && ok || bad "summary lacks $b"
done
# the optimum is below every baseline
awk '/^  / && $0 !~ /spec/ { v = $(NF); if ($1 == "optimum") { o = $2 } else if (v + 0 > 0) b[NR] = v }
     END { for (i in b) if (o + 0 >= b[i] + 0) exit 1 }' "$TMP/sum" && ok || bad "optimum below baselines: $(cat "$TMP/sum")"
# parameters written by hand record no curvature: no amplification line
! grep -q "amplification" "$TMP/sum" && ok || bad "amplification without a curvature: $(cat "$TMP/sum")"
[ "$(head -1 "$TMP/s.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/s.csv")" -eq 2001 ] && ok || bad "CSV step,lr of 2000 rows"
"$FSLAW" schedule "file:path=$TMP/s.csv" --every 500 >/dev/null && ok || bad "loads as a file schedule"
xmllint --noout "$TMP/s.svg" && ok || bad "plot XML"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "optimum spec: cosine:" \
  && ok || bad "family optimum prints its spec"
cat >"$TMP/fsl.json" <<'J'
{"law": "fsl", "params": {"L0": 2.4, "c1": 0.7, "c2": 300, "c3": 0.4, "c4": 20, "s": 0.5, "gamma": 0.6}}
J
"$FSLAW" optimize --params "$TMP/fsl.json" --steps 500 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "note: law 'fsl' keeps each drop's benefit" \
  && ok || bad "fsl optimum comes with a note"
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 500 --peak 1e-3 --family cosine 2>&1 >/dev/null | grep -q "note: law" \
  && bad "mpl has no such note" || ok
# --out -: the schedule alone on standard output, the summary on standard error
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 200 --peak 1e-3 --warmup 10 --out - >"$TMP/dash.csv" 2>"$TMP/dash.err" \
  && [ "$(head -1 "$TMP/dash.csv")" = "step,lr" ] && [ "$(wc -l <"$TMP/dash.csv")" -eq 201 ] \
  && grep -q "^  optimum " "$TMP/dash.err" && ok || bad "--out -: $(head -3 "$TMP/dash.csv")"
# progress on a terminal only: `script` gives the command one
if command -v script >/dev/null; then
  script -qc "'$FSLAW' optimize --params '$TMP/mpl.json' --steps 500 --peak 1e-3 --warmup 10 --out '$TMP/tty.csv'" /dev/null \
    | grep -q "fslaw optimize: evaluation 10 " && ok || bad "progress on a terminal"
fi
! grep -q "optimize: evaluation" "$TMP/dash.err" && ok || bad "no progress when stderr is not a terminal"
# outputs are checked before the search
expect_fail "unwritable --out" "option '--out': folder '/nonexistent' does not exist" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out /nonexistent/x.csv
expect_fail "unwritable --plot" "option '--plot': folder '/nonexistent' does not exist" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --out "$TMP/early.csv" --plot /nonexistent/x.svg
[ ! -e "$TMP/early.csv" ] && ok || bad "no schedule written when the plot cannot be"
# a search cut short by its budget says how to give it more
"$FSLAW" optimize --params "$TMP/mpl.json" --steps 2000 --peak 1e-3 --warmup 100 --max-evals 5 2>&1 >/dev/null \
  | grep -q "note: a search stage stopped at its budget of 5 evaluations before converging; a larger --max-evals may lower the optimum" \
  && ok || bad "budget note"
expect_fail "no params" "option '--params' is required" "$FSLAW" optimize --steps 10 --peak 1
expect_fail "no steps" "options '--steps' and '--peak' are required" "$FSLAW" optimize --params "$TMP/mpl.json" --peak 1
expect_fail "bad peak" "option '--peak': expected a positive rate, got '-1'" "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak -1
expect_fail "bad family" "option '--family': expected free, wsd, cosine, linear or power, got 'step'" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1 --family step
expect_fail "warmup too long" "need at least 2 steps after warmup" \
  "$FSLAW" optimize --params "$TMP/mpl.json" --steps 100 --peak 1e-3 --warmup 99 --out "$TMP/none.csv"
[ ! -e "$TMP/none.csv" ] && ok || bad "no output on error"
# the baselines' specs read as typed (peak=0.0003, final=3e-05, not
# 0.00029999999999999997 and 2.9999999999999997e-05) and reproduce the
# baseline: the spec's schedule, set as the file beside the baselines, has the
# very final loss of the baseline it names
spec="cosine:final=3e-05,peak=0.0003,warmup=100,warmup_style=standard,steps=2000"
"$FSLAW" schedule "$spec" --out "$TMP/base.csv" >/dev/null \
  && "$FSLAW" report --params "$TMP/mpl.json" --optimize "$TMP/base.csv" --out "$TMP/base.html" >/dev/null \
  && ok || bad "report beside the baselines"
row() { grep "data-sched=\"$1\"" "$TMP/base.html"; }
row "cosine to 0.1 peak" | grep -qF "<code title=\"$spec\">" && ok || bad "baseline spec: $(row "cosine to 0.1 peak" | grep -o '<code[^>]*>')"
row constant | grep -qF '<code title="constant:peak=0.0003,warmup=100,' && ok || bad "constant spec: $(row constant | grep -o '<code[^>]*>')"
exact() { row "$1" | grep -oE '[0-9]\.[0-9]{8,}' | head -1; }
[ -n "$(exact optimum)" ] && [ "$(exact optimum)" = "$(exact "cosine to 0.1 peak")" ] \
  && ok || bad "the spec's final loss $(exact optimum) is not the baseline's $(exact "cosine to 0.1 peak")"
finish test_optimize_cli
