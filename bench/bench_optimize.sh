#!/usr/bin/env bash
# bench_optimize.sh: time to optimise a 24000-step free-form schedule under
# the multi-power law fitted on the bundled 400M runs (MATH.md §4, §5.3):
# `fslaw optimize --family free` (C, NLopt L-BFGS on the knot ladder 32, 256,
# 2048, 16384, every step, then BOBYQA rounds that move the cliffs of the
# result, each followed by L-BFGS on every step) against
# bench/optimize_scipy.py (numpy objective,
# scipy L-BFGS-B, the same parametrisation, start, ladder and budget of 400
# evaluations per stage, without the cliff rounds; and, for reference,
# L-BFGS-B on every step directly). The time ratio therefore compares the
# whole fslaw search with scipy's ladder alone; the per-evaluation ratio
# compares the objectives' cost like for like.
# Also checks that the numpy final loss equals fslaw's on the same schedules.
#
# usage: bench/bench_optimize.sh FSLAW_BINARY [OUTDIR]   (default
#        out/bench_optimize; REPEAT=N runs of each timing, best kept, default 3)
set -euo pipefail

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 FSLAW_BINARY [OUTDIR]" >&2
  exit 2
fi
FSLAW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
OUT=${2:-$REPO/out/bench_optimize}
REPEAT=${REPEAT:-3}
PY=/usr/bin/python3
COMMON=(--steps 24000 --peak 3e-4 --warmup 2160 --warmup-style inclusive)

if ! "$PY" -c 'import numpy, scipy' 2>/dev/null; then
  echo "bench_optimize.sh: $PY lacks numpy or scipy (Debian: apt-get install" \
    "python3-numpy python3-scipy); cannot run the reference" >&2
  exit 1
fi
mkdir -p "$OUT"
P=$OUT/params_400M.json
if [ ! -s "$P" ]; then
  "$FSLAW" fit --law mpl --out "$P" \
    "$REPO"/data/mpl/400M/{cosine_24000,constant_24000,wsdcon_9}.csv > "$OUT/fit.log"
fi
sed -E 's/("spec":[[:space:]]*")mpl(:?)/\1mpl:eps=0\2/; s/(mpl:eps=0):/\1,/' "$P" > "$OUT/params_exact.json"

now() { date +%s.%N; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }

# fslaw: wall time of the whole command (reading the parameters, the search,
# the five baselines, writing 24000 rows), best of REPEAT
ts=()
for ((r = 0; r < REPEAT; r++)); do
  t0=$(now)
  "$FSLAW" optimize --params "$P" "${COMMON[@]}" --out "$OUT/fslaw.csv" > "$OUT/fslaw.txt"
  t1=$(now)
  ts+=("$(echo "$t1 - $t0" | bc)")
done
t_c=$(best "${ts[@]}")
loss_c=$(awk '/^  optimum +[0-9]/ { print $2 }' "$OUT/fslaw.txt") # not "optimum shape:"
evals_c=$(grep -o '[0-9]* evaluations' "$OUT/fslaw.txt")

# scipy: search time as the script measures it (imports and start excluded)
run_py() { # $1 = tag, rest = extra args; prints "time loss evals"
  local tag=$1 t=() line
  shift
  for ((r = 0; r < REPEAT; r++)); do
    line=$("$PY" "$HERE/optimize_scipy.py" --params "$P" "${COMMON[@]}" "$@" --out "$OUT/$tag.csv")
    t+=("$(sed -E 's/.* ([0-9.]+) s .*/\1/' <<< "$line")")
  done
  echo "$(best "${t[@]}") $(sed -E 's/.*final loss ([0-9.]+), ([0-9]+) evaluations.*/\1 \2/' <<< "$line")"
}
read -r t_py loss_py evals_py < <(run_py scipy_ladder)
read -r t_pyd loss_pyd evals_pyd < <(run_py scipy_direct --direct)

# the two objectives agree: numpy vs fslaw (exact, eps=0) on the same schedules
check() {
  local a b
  a=$("$PY" "$HERE/optimize_scipy.py" --params "$P" --eval "$1")
  b=$("$FSLAW" predict --params "$OUT/params_exact.json" --schedule "file:path=$1" --every 24000 |
    tail -n 1 | awk -F, '{ print $NF }')
  awk -v a="$a" -v b="$b" -v f="$(basename "$1")" 'BEGIN {
    d = a - b; d = d < 0 ? -d : d
    printf "  %-18s numpy %.17g  fslaw %.17g  |diff| %.1e %s\n", f, a, b, d, d <= 1e-12 * b ? "ok" : "MISMATCH" }'
}

echo "bench_optimize: mpl fitted on 400M (reference split), 24000 steps, peak 3e-4," \
  "inclusive warmup 2160; best of $REPEAT; $(nproc) cores, $(uname -m)"
printf '  %-46s %14s %12s %10s\n' "optimiser" "final loss" "evaluations" "time (s)"
printf '  %-46s %14s %12s %10.2f\n' "fslaw optimize (ladder + cliff rounds)" "$loss_c" "${evals_c% *}" "$t_c"
printf '  %-46s %14.6f %12s %10.2f\n' "scipy L-BFGS-B, same ladder and budget" "$loss_py" "$evals_py" "$t_py"
printf '  %-46s %14.6f %12s %10.2f\n' "scipy L-BFGS-B, every step directly" "$loss_pyd" "$evals_pyd" "$t_pyd"
awk -v c="$t_c" -v p="$t_py" -v ec="${evals_c% *}" -v ep="$evals_py" 'BEGIN {
  printf "  time ratio scipy ladder / whole fslaw search: %.2f; per evaluation: fslaw %.2f ms, scipy %.2f ms (ratio %.2f)\n",
    p / c, 1e3 * c / ec, 1e3 * p / ep, (p / ep) / (c / ec) }'
echo "objective check (final loss of the same schedule, numpy vs fslaw predict eps=0):"
check "$OUT/fslaw.csv"
check "$OUT/scipy_ladder.csv"
check "$OUT/scipy_direct.csv"
