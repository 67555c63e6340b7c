# test_theory_cli.sh: `fslaw theory`: CSV shape, --help, --table, the optimal
# schedule loading as a `file` schedule, calibration, and error messages.
# Usage: bash test_theory_cli.sh FSLAW_BINARY SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1
DIR=$3/theory_cli
rm -rf "$DIR" && mkdir -p "$DIR"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$1"; fi; }

# expect_fail NEEDLE ARGS...: non-zero exit and NEEDLE in stderr
expect_fail() {
  local needle=$1; shift
  if "$FSLAW" theory "$@" >"$DIR/out.txt" 2>"$DIR/err.txt"; then
    bad "theory $* succeeded"
  elif ! grep -qF -- "$needle" "$DIR/err.txt"; then
    bad "theory $*: stderr lacks '$needle': $(cat "$DIR/err.txt")"
  else ok; fi
}

# --help
check '"$FSLAW" theory --help >"$DIR/help.txt"'
check 'grep -q -- "--calibrate" "$DIR/help.txt" && grep -q -- "--optimal-schedule" "$DIR/help.txt"'
check '[ "$(tail -c1 "$DIR/help.txt" | od -An -c | tr -d " ")" = "\n" ]'

# curve: header, rows 0, 100, ..., 1000 (every) and K + 1 rows without
SCHED='cosine:peak=0.5,steps=1000'
check '"$FSLAW" theory --schedule "$SCHED" --every 100 >"$DIR/c.csv"'
check '[ "$(head -1 "$DIR/c.csv")" = "step,t,fsl,approx,signal,noise" ]'
check '[ "$(wc -l <"$DIR/c.csv")" -eq 12 ]'
check '[ "$(tail -1 "$DIR/c.csv" | cut -d, -f1)" = 1000 ]'
check '"$FSLAW" theory --schedule "constant:peak=0.2,steps=37" --every 10 >"$DIR/c2.csv"'
check '[ "$(cut -d, -f1 "$DIR/c2.csv" | tr "\n" " ")" = "step 0 10 20 30 37 " ]'
check '"$FSLAW" theory --schedule "$SCHED" --out "$DIR/full.csv" --plot "$DIR/full.svg"'
check '[ "$(wc -l <"$DIR/full.csv")" -eq 1002 ]'
check 'grep -q "<svg" "$DIR/full.svg" && grep -q "</svg>" "$DIR/full.svg"'
# the plot's legend: approx is 0 when N = M (the default), so it is not listed
# (an entry without a line) and the fsl's label says so; with N > M it is drawn
check 'grep -q ">fsl (approx = 0)<" "$DIR/full.svg" && ! grep -q ">approx<" "$DIR/full.svg"'
check 'grep -q ">signal<" "$DIR/full.svg" && grep -q ">noise<" "$DIR/full.svg"'
check '"$FSLAW" theory --schedule "$SCHED" --dim 4000 --plot "$DIR/dim.svg" >/dev/null'
check 'grep -q ">fsl<" "$DIR/dim.svg" && grep -q ">approx<" "$DIR/dim.svg"'
# fsl = approx + signal + noise on every row; t of row 1 is the first rate
check 'awk -F, "NR>1 { d = \$3 - \$4 - \$5 - \$6; if (d > 1e-12 || d < -1e-12) exit 1 }" "$DIR/full.csv"'
check 'awk -F, "NR==3 { exit !(\$2 == 0.5) }" "$DIR/full.csv"'
# the power form and compressed / infinite models run too
check '"$FSLAW" theory --schedule "$SCHED" --form power --every 500 >"$DIR/p.csv"'
check '[ "$(wc -l <"$DIR/p.csv")" -eq 4 ]'
check '"$FSLAW" theory --schedule "$SCHED" --features inf --dim inf --every 500 >"$DIR/inf.csv"'
check '"$FSLAW" theory --schedule "$SCHED" --features 20000 --nodes compressed --every 1000 >"$DIR/cp.csv"'
check '"$FSLAW" theory --schedule "$SCHED" --features 20000 --nodes exact --every 1000 >"$DIR/ex.csv"'
check 'paste -d, "$DIR/cp.csv" "$DIR/ex.csv" | awk -F, "NR>1 { r = \$3 / \$9 - 1; if (r > 1e-7 || r < -1e-7) exit 1 }"'

# --table: regime and exponents (s = 0.5, beta = 4: hard; constant D^-1/3, WSD D^-0.5)
check '"$FSLAW" theory --table --s 0.5 --beta 4 >"$DIR/t.txt"'
check 'grep -q "regime: hard" "$DIR/t.txt"'
check 'grep -E -q "^constant +data-limited +D\^-0.333333" "$DIR/t.txt"'
check 'grep -E -q "^wsd-like +data-limited +D\^-0.5 " "$DIR/t.txt"'
check 'grep -E -q "^wsd-like +compute-limited +C\^-0.4 " "$DIR/t.txt"'
check 'grep -q "UNVERIFIED" "$DIR/t.txt"'
check '"$FSLAW" theory --table --s 1 --beta 2 | grep -q "regime: easy"'
check '"$FSLAW" theory --table --s 1 --beta 2 | grep -q "nu = 0.333333"'

# --optimal-schedule loads as a file schedule with the same rates
check '"$FSLAW" theory --optimal-schedule --steps 500 --s 0.5 --beta 4 --peak-max 0.3 --out "$DIR/opt.csv" 2>"$DIR/opt.err"'
check 'grep -q UNVERIFIED "$DIR/opt.err"'
check '[ "$(head -1 "$DIR/opt.csv")" = "step,lr" ] && [ "$(wc -l <"$DIR/opt.csv")" -eq 501 ]'
check '"$FSLAW" schedule "file:path=$DIR/opt.csv" >"$DIR/opt_sched.csv"'
check '[ "$(wc -l <"$DIR/opt_sched.csv")" -eq 501 ]'
check 'paste -d, "$DIR/opt_sched.csv" "$DIR/opt.csv" | awk -F, "NR>1 { if (\$1 != \$4 || \$2 != \$5) exit 1 }"'
check '"$FSLAW" theory --optimal-schedule --steps 100 --s 1 --beta 2 --peak-max 0.5 2>/dev/null | awk -F, "NR==2 { exit !(\$2 > 0.1077 && \$2 < 0.1078) }"'

# --calibrate: a synthetic SIM = 2 * fsl terms recovers c = 2 exactly
check '"$FSLAW" theory --schedule "$SCHED" --features 50 --dim 400 --every 10 >"$DIR/f.csv"'
awk -F, 'NR == 1 { print "step,t,excess"; next } { printf "%s,%s,%.17g\n", $1, $2, 2 * $4 + 3 * $5 + 0.5 * $6 }' \
  "$DIR/f.csv" >"$DIR/sim.csv"
check '"$FSLAW" theory --schedule "$SCHED" --features 50 --dim 400 --calibrate "$DIR/sim.csv" --every 10 --out "$DIR/cal.csv" --plot "$DIR/cal.svg" 2>"$DIR/cal.err"'
check 'grep -q "c_a = 2 c_e = 3 c_n = 0.5$" "$DIR/cal.err"'
check 'grep -q "max relative deviation: raw" "$DIR/cal.err"'
check '[ "$(head -1 "$DIR/cal.csv")" = "step,t,fsl,approx,signal,noise,fitted" ]'
check '[ "$(wc -l <"$DIR/cal.csv")" -eq 102 ]'
printf 'step,t,excess\n0,0,0.5\n10,1,oops\n' >"$DIR/badsim.csv"
expect_fail "badsim.csv:3" --schedule "$SCHED" --calibrate "$DIR/badsim.csv"
printf 'step,t,loss\n0,0,0.5\n' >"$DIR/nocol.csv"
expect_fail "excess" --schedule "$SCHED" --calibrate "$DIR/nocol.csv"
printf 'step,t,excess\n0,0,0.5\n5000,1,0.1\n' >"$DIR/long.csv"
expect_fail "step 5000" --schedule "$SCHED" --calibrate "$DIR/long.csv"
expect_fail "cannot open" --schedule "$SCHED" --calibrate "$DIR/missing.csv"
printf 'step,t,excess\n0,0,0.5\n10,4.9,-0.1\n' >"$DIR/neg.csv"
expect_fail "neg.csv: step 10: the excess must be finite and > 0, got -0.1" --schedule "$SCHED" --calibrate "$DIR/neg.csv"
# a simulation of another schedule: its t differs at the first row that moves
awk -F, 'NR <= 2 { print; next } { printf "%s,%.17g,%s\n", $1, $2 * 1.5, $3 }' "$DIR/sim.csv" >"$DIR/other.csv"
expect_fail "other.csv: at step 10 the simulation's intrinsic time t is" --schedule "$SCHED" --features 50 --dim 400 --calibrate "$DIR/other.csv" --every 10

# a file schedule is an input: --out over it is refused, the file intact
"$FSLAW" schedule "$SCHED" --out "$DIR/sched.csv" >/dev/null && cp "$DIR/sched.csv" "$DIR/sched0.csv"
expect_fail "refusing to overwrite the input file '$DIR/sched.csv'" --schedule "file:path=$DIR/sched.csv" --out "$DIR/sched.csv"
check 'cmp -s "$DIR/sched.csv" "$DIR/sched0.csv"'
# an overflow names sigma when sigma causes it
expect_fail "sigma = 1e+160 is too large" --schedule "$SCHED" --sigma 1e160
# an unwritable --plot is refused before the CSV is written
expect_fail "option '--plot': folder '/nonexistent' does not exist" --schedule "$SCHED" --out "$DIR/early.csv" --plot /nonexistent/x.svg
check '[ ! -e "$DIR/early.csv" ]'

# the default cap is stable: the optimal schedule simulates without diverging
# (1/zeta(4) = 0.924 was above this model's stability bound 0.66)
check '"$FSLAW" theory --optimal-schedule --steps 2000 --s 0.5 --beta 4 --out "$DIR/opt_default.csv" 2>"$DIR/od.err"'
check '! grep -q "stability bound 0" "$DIR/od.err"'
# the default cap is named, and is the schedule's rate before its decay, half the bound 0.66
check 'eta=$(sed -n "s/.*note: eta_max \([0-9.]*\): half the model.s stability bound.*/\1/p" "$DIR/od.err"); [ -n "$eta" ] && awk -F, -v e="$eta" "NR == 2 { exit !(sprintf(\"%.6g\", \$2) == e && e > 0.32 && e < 0.34) }" "$DIR/opt_default.csv"'
check '"$FSLAW" simulate --schedule "file:path=$DIR/opt_default.csv" --beta 4 --s 0.5 --features 1000 --every 1000 >/dev/null'
# a rate above the bound: a note, from the curve and from the optimal schedule
check '"$FSLAW" theory --schedule "constant:peak=0.9,steps=100" --beta 4 --s 0.5 --features 1000 2>&1 >/dev/null | grep -q "note: the schedule has rate 0.9 at step 0, above this model.s stability bound 0.66"'
check '"$FSLAW" theory --optimal-schedule --steps 100 --s 0.5 --beta 4 --features 1000 --peak-max 0.9 2>&1 >/dev/null | grep -q "note: the optimal schedule has rate 0.9 at step 0, above"'

# bad options name the option
expect_fail "--form" --schedule "$SCHED" --form cubic
expect_fail "--nodes" --schedule "$SCHED" --nodes some
expect_fail "--every" --schedule "$SCHED" --every 0
expect_fail "--beta" --schedule "$SCHED" --beta x
expect_fail "beta" --schedule "$SCHED" --beta 0.5
expect_fail "features" --schedule "$SCHED" --features 2.5
expect_fail "dim" --schedule "$SCHED" --features inf --dim 100
expect_fail "--schedule" --schedule "cosine:peak=1"
expect_fail "missing --schedule"
expect_fail "--bogus" --bogus
expect_fail "--steps" --optimal-schedule --s 0.5 --beta 4
expect_fail "--steps" --optimal-schedule --steps -3
expect_fail "--peak-max" --optimal-schedule --steps 10 --peak-max -1
expect_fail "--schedule" --table --schedule "$SCHED"
expect_fail "exclude" --table --optimal-schedule
expect_fail "option '--features' is not used with --table" --table --features 100
expect_fail "s must" --table --s 0
# no partial output file on failure
"$FSLAW" theory --schedule "$SCHED" --calibrate "$DIR/badsim.csv" --out "$DIR/none.csv" 2>/dev/null
check '[ ! -e "$DIR/none.csv" ]'

echo "test_theory_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
