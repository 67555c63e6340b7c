# test_simulate_cli.sh: `fslaw simulate` end to end: CSV shape for --every,
# the three methods, --out/--plot, --help, option errors naming the option,
# the divergence error (no output file left behind), the stability warning,
# sizes and scales beyond double precision, one mc run; and the output checks
# `fslaw schedule` shares (--plot checked first, the schedule file kept).
# Usage: bash test_simulate_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
source "$(dirname "$0")/lib.sh"
F=$1
S=$3/simulate_cli
TMP=$S
rm -rf "$S" && mkdir -p "$S" || exit 1
SCHED='constant:peak=0.2,steps=100'

# --help
"$F" simulate --help >"$S/help" 2>&1 && grep -q '^usage: fslaw simulate' "$S/help" && ok ||
  bad "--help"
[ "$(tail -c 1 "$S/help" | od -An -c | tr -d ' ')" = '\n' ] && ok || bad "help ends in newline"

# exact: header and rows 0,30,60,90,100; t = 0.2 * step
"$F" simulate --features 50 --sigma 0.5 --schedule "$SCHED" --every 30 >"$S/e.csv" 2>"$S/err" &&
  ok || bad "exact run: $(cat "$S/err")"
[ "$(head -1 "$S/e.csv")" = "step,t,excess" ] && ok || bad "exact header: $(head -1 "$S/e.csv")"
[ "$(cut -d, -f1 "$S/e.csv" | tail -n +2 | tr '\n' ' ')" = "0 30 60 90 100 " ] && ok ||
  bad "exact steps: $(cut -d, -f1 "$S/e.csv" | tr '\n' ' ')"
awk -F, 'NR > 1 && ($2 - 0.2 * $1 > 1e-12 || 0.2 * $1 - $2 > 1e-12) { bad = 1 } END { exit bad }' \
  "$S/e.csv" && ok || bad "t column"
awk -F, 'NR > 2 && $3 >= prev { bad = 1 } NR > 1 { prev = $3 } END { exit bad }' "$S/e.csv" &&
  ok || bad "excess decreases under a small constant rate"

# mc adds stderr; spectral (features inf) reports its error estimate on stderr
"$F" simulate --features 20 --dim 40 --sigma 0.5 --schedule "$SCHED" --every 50 --method mc \
  --runs 50 --seed 3 >"$S/m.csv" 2>"$S/err" && ok || bad "mc run: $(cat "$S/err")"
[ "$(head -1 "$S/m.csv")" = "step,t,excess,stderr" ] && [ "$(wc -l <"$S/m.csv")" = 4 ] && ok ||
  bad "mc csv: $(cat "$S/m.csv")"
"$F" simulate --features inf --dim inf --sigma 0.5 --schedule "$SCHED" --every 100 \
  --method spectral >"$S/s.csv" 2>"$S/err" && ok || bad "spectral run: $(cat "$S/err")"
grep -q 'spectral: nodes=.*estimated relative error' "$S/err" && ok || bad "spectral note"
[ "$(wc -l <"$S/s.csv")" = 3 ] && ok || bad "spectral rows"

# --out and --plot
"$F" simulate --features 30 --schedule "$SCHED" --every 10 --out "$S/o.csv" --plot "$S/o.svg" \
  --method mc --runs 20 >"$S/stdout" 2>"$S/err" && ok || bad "out/plot: $(cat "$S/err")"
[ "$(wc -l <"$S/o.csv")" = 12 ] && [ ! -s "$S/stdout" ] && ok || bad "--out csv"
grep -q '<svg' "$S/o.svg" && grep -q 'mean + stderr' "$S/o.svg" && ok || bad "--plot svg"

# option errors name the option and exit non-zero
expect_error() { # WANT ARGS...
  local want=$1
  shift
  if "$F" simulate "$@" >"$S/out" 2>"$S/err"; then
    bad "no error for: $*"
  elif ! grep -q -- "$want" "$S/err"; then
    bad "error for '$*' does not name $want: $(cat "$S/err")"
  else
    ok
  fi
}
expect_error "--beta" --beta 0.5 --schedule "$SCHED"
expect_error "--method" --method foo --schedule "$SCHED"
expect_error "--features" --features abc --schedule "$SCHED"
expect_error "--features" --features 2.5 --schedule "$SCHED"
expect_error "--features" --features inf --schedule "$SCHED"
expect_error "--dim" --dim inf --method mc --schedule "$SCHED"
expect_error "--dim" --features 10 --dim 5 --schedule "$SCHED"
expect_error "--schedule" --beta 2
expect_error "--schedule" --schedule 'nosuch:steps=3'
expect_error "--every" --every 0 --schedule "$SCHED"
expect_error "--runs" --runs -3 --method mc --schedule "$SCHED"
expect_error "--sigma" --sigma -1 --schedule "$SCHED"
expect_error "--seed" --seed x --schedule "$SCHED"
expect_error "--bogus" --bogus 1 --schedule "$SCHED"

# divergence: clear message, non-zero exit, no output file (nor temporary) left
expect_error "diverged at step" --features 100 --schedule 'constant:peak=1.5,steps=300' \
  --out "$S/div.csv"
grep -q 'stability bound' "$S/err" && grep -q 'eta=1.5' "$S/err" && ok ||
  bad "divergence message: $(cat "$S/err")"
grep -qi 'nan\|inf ' "$S/err" && bad "divergence message prints inf/nan" || ok
ls "$S" | grep -q '^div.csv' && bad "--out created on error" || ok
expect_error "diverged at step" --features 100 --schedule 'constant:peak=1.5,steps=300' \
  --method spectral

# --features beyond what exact and mc store: refused naming the option (1e20
# once overflowed size_t and printed zeros); spectral takes it
expect_error "option '--features': features (M) must be <= 1e+08" --features 1e20 \
  --schedule 'cosine:peak=0.3,steps=500' --every 500
expect_error "option '--features'" --features 1e20 --method mc --schedule "$SCHED"
expect_error "option '--dim'" --features 20 --dim 1e20 --method mc --schedule "$SCHED"
"$F" simulate --features 1e20 --method spectral --schedule 'cosine:peak=0.3,steps=500' \
  --every 500 >"$S/big.csv" 2>"$S/err" && ok || bad "spectral 1e20: $(cat "$S/err")"
awk -F, 'NR > 1 && !($3 > 0.01 && $3 < 1) { bad = 1 } END { exit bad || NR != 3 }' "$S/big.csv" &&
  ok || bad "spectral 1e20 curve: $(cat "$S/big.csv")"

# sigma too large for double precision: refused naming --sigma, not blamed on
# the rates; a large but representable one gives finite cells (mc stderr too)
for meth in exact mc spectral; do
  expect_error "option '--sigma': sigma = 1e+160 is too large" --method $meth --features 30 \
    --sigma 1e160 --runs 5 --schedule 'cosine:peak=0.3,steps=100' --every 50 --out "$S/nan.csv"
  grep -q 'stability' "$S/err" && bad "huge sigma blamed on the rates: $(cat "$S/err")" || ok
done
[ ! -e "$S/nan.csv" ] && ok || bad "huge sigma: --out written"
"$F" simulate --method mc --features 30 --sigma 1e100 --runs 5 \
  --schedule 'cosine:peak=0.3,steps=100' --every 50 >"$S/big_sigma.csv" 2>"$S/err" && ok ||
  bad "sigma 1e100: $(cat "$S/err")"
num='/^[0-9.e+]+$/'
awk -F, "NR > 1 && (\$3 !~ $num || \$4 !~ $num) { bad = 1 } END { exit bad || NR != 4 }" \
  "$S/big_sigma.csv" && ok || bad "sigma 1e100 cells: $(cat "$S/big_sigma.csv")"

# rates above the stability bound that grow the risk slowly: a warning naming
# the step, the rate and the bound (the CSV still written, exit 0); none when stable
"$F" simulate --beta 1.0001 --features 1000 --schedule constant:peak=0.3,steps=3000 \
  --every 1000 >"$S/slow.csv" 2>"$S/err" && ok || bad "slow growth: exit $?"
grep -q 'warning: eta=0.3 at step 0 exceeds the stability bound 0.25' "$S/err" && ok ||
  bad "no stability warning: $(cat "$S/err")"
[ "$(wc -l <"$S/slow.csv")" = 5 ] && ok || bad "slow growth csv"
"$F" simulate --features 50 --schedule "$SCHED" >/dev/null 2>"$S/err" && [ ! -s "$S/err" ] && ok ||
  bad "stable run: unexpected stderr: $(cat "$S/err")"

# one mc run: no standard error to give, an empty cell (never nan or 0) and a note
"$F" simulate --method mc --runs 1 --features 10 --schedule 'constant:peak=0.2,steps=10' \
  --every 5 >"$S/one.csv" 2>"$S/err" && ok || bad "--runs 1: $(cat "$S/err")"
[ "$(head -1 "$S/one.csv")" = "step,t,excess,stderr" ] && ok || bad "--runs 1 header"
awk -F, 'NR > 1 && !($3 > 0 && $4 == "") { bad = 1 } END { exit bad || NR != 4 }' "$S/one.csv" &&
  ok || bad "--runs 1 cells: $(cat "$S/one.csv")"
grep -q 'one run has no standard error' "$S/err" && ok || bad "--runs 1 note: $(cat "$S/err")"

# both outputs checked before the work: an unwritable --plot leaves no --out
for cmd in simulate schedule; do
  if [ $cmd = simulate ]; then args=(simulate --features 10 --schedule "$SCHED");
  else args=(schedule "$SCHED"); fi
  expect_fail "$cmd --plot unwritable" "option '--plot': folder '/nonexistent' does not exist" \
    "$F" "${args[@]}" --out "$S/first.csv" --plot /nonexistent/x.svg
  [ ! -e "$S/first.csv" ] && ok || bad "$cmd: --out written although --plot fails"
  ls "$S" | grep -q 'first.csv.tmp' && bad "$cmd: temporary left" || ok
  expect_fail "$cmd --out = --plot" "name the same file" "$F" "${args[@]}" --out "$S/same" \
    --plot "$S/same"
done

# a file: schedule is an input: --out or --plot on it is refused, the file kept
"$F" schedule 'cosine:peak=0.2,steps=20' --out "$S/sched.csv" && cp "$S/sched.csv" "$S/sched0.csv"
expect_fail "schedule over its file" "refusing to overwrite the input file" \
  "$F" schedule "file:path=$S/sched.csv" --out "$S/sched.csv"
expect_fail "simulate over its schedule" "refusing to overwrite the input file" \
  "$F" simulate --schedule "file:path=$S/sched.csv" --out "$S/sched.csv"
expect_fail "simulate --plot over its schedule" "refusing to overwrite the input file" \
  "$F" simulate --schedule "file:path=$S/sched.csv" --out "$S/c.csv" --plot "$S/./sched.csv"
cmp -s "$S/sched.csv" "$S/sched0.csv" && ok || bad "the schedule file was overwritten"
[ ! -e "$S/c.csv" ] && ok || bad "--out written although --plot was refused"
"$F" simulate --schedule "file:path=$S/sched.csv" --every 10 >"$S/from_file.csv" && ok ||
  bad "simulate from a file schedule"

# schedule specs: the intrinsic time never overflows into empty cells; keys
# that would be silently ignored are errors
expect_fail "peak overflow" "key 'peak': 1e+308 over 3 steps" \
  "$F" schedule 'constant:peak=1e308,steps=3'
expect_fail "simulate peak overflow" "option '--schedule': key 'peak'" \
  "$F" simulate --schedule 'constant:peak=1e308,steps=3'
expect_fail "wsd p" "key 'p': applies only to tail=power" "$F" schedule 'wsd:steps=10,decay=0.5,p=3'
expect_fail "milestones at step 0" "the peak is never used" \
  "$F" schedule 'multistep:steps=10,milestones=0.01/0.02'

finish test_simulate_cli
