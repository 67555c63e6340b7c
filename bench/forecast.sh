#!/bin/bash
# forecast.sh: how well does a law forecast the rest of a run in progress,
# and does fitting the run's log so far help? On the bundled MPL curves
# (data/mpl): cosine_72000 is "running", logged up to step CUT (24000 or
# 48000). Each law is fitted on the three reference training runs
# (cosine_24000, constant_24000, wsdcon_9; MATH.md §5.5) alone, and on those
# plus cosine_72000 up to CUT; both predict cosine_72000 after CUT from its
# schedule. Printed: PredE over the logged points after CUT, and the error of
# the predicted last logged loss (pred - loss) / loss. Reported in docs/fit.md
# ("A run in progress").
# usage: bash bench/forecast.sh BUILD_DIR     (a Release build of fslaw)
# ~1 min on 2 cores.
set -euo pipefail
B=${1:?usage: bash bench/forecast.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(dirname "$HERE")/data/mpl F=$B/fslaw
[ -x "$F" ] || { echo "forecast: no fslaw in $B" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# score PARAMS SIZE CUT: "PredE after CUT | final-loss error"
score() {
  local prede last
  prede=$("$F" eval --params "$1" --after "$3" "$D/$2/cosine_72000.csv" 2>/dev/null | sed -n 2p | cut -d, -f6)
  last=$("$F" predict --params "$1" "$D/$2/cosine_72000.csv" 2>/dev/null | awk -F, '$4 != "" {l = $4; p = $5} END {printf "%+.2f %%", 100 * (p - l) / l}')
  printf '%.5f | %s' "$prede" "$last"
}
echo "| size | logged to | law | without it: PredE after | final loss | with its log so far: PredE after | final loss |"
echo "|---|---|---|---|---|---|---|"
for s in 25M 100M 400M; do
  T="$D/$s/cosine_24000.csv $D/$s/constant_24000.csv $D/$s/wsdcon_9.csv"
  for law in fslkq mpl; do
    # shellcheck disable=SC2086
    "$F" fit --law "$law" --out "$W/$s-$law.json" $T >/dev/null 2>&1
    for cut in 24000 48000; do
      awk -F, -v c="$cut" 'NR == 1 || $1 <= c' "$D/$s/cosine_72000.csv" >"$W/cosine_72000.csv"
      # shellcheck disable=SC2086
      "$F" fit --law "$law" --out "$W/$s-$law-$cut.json" $T "$W/cosine_72000.csv" >/dev/null 2>&1
      echo "| $s | $cut | $law | $(score "$W/$s-$law.json" "$s" "$cut") | $(score "$W/$s-$law-$cut.json" "$s" "$cut") |"
    done
  done
done
