#!/bin/bash
# mpl_share_subsets.sh: every subset of mpl's parameters {alpha, B, C, beta,
# gamma} shared across the three bundled model sizes (L0 and A stay per size),
# fitted to the nine training runs of the MATH.md §5.5 reference split at
# once. Prints, per subset, each size's held-out R² / PredE (six held-out
# runs) and the leave-one-training-run-out PredE of fslaw cv over the nine
# training runs (a choice that uses no held-out run). docs/mpl_results.md
# reports the table.
# usage: bash bench/mpl_share_subsets.sh BUILD_DIR    (~25 min on 2 cores)
set -euo pipefail
B=${1:?usage: bash bench/mpl_share_subsets.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(dirname "$HERE")/data/mpl F=$B/fslaw
[ -x "$F" ] || { echo "mpl_share_subsets: no fslaw in $B" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
TEST="constant_72000 cosine_72000 wsd_20000_24000 wsdld_20000_24000 wsdcon_3 wsdcon_18"
G=()
for z in 25M 100M 400M; do G+=(--group "$z=$D/$z/cosine_24000.csv,$D/$z/constant_24000.csv,$D/$z/wsdcon_9.csv"); done
P=(alpha B C beta gamma)
echo "| shared | 25M R² / PredE | 100M | 400M | cv PredE (training runs) |"
echo "|---|---|---|---|---|"
for m in $(seq 0 31); do
  s=""
  for i in 0 1 2 3 4; do if (( m >> i & 1 )); then s="$s${s:+,}${P[$i]}"; fi; done
  sh=(); [ -n "$s" ] && sh=(--share "$s")
  "$F" fit --law mpl "${G[@]}" "${sh[@]}" --out-dir "$W/m$m" >/dev/null 2>&1 || { echo "| ${s:-none} | fit failed | | | |"; continue; }
  row="| ${s:-none} |"
  for z in 25M 100M 400M; do
    # shellcheck disable=SC2046
    row="$row $("$F" eval --params "$W/m$m/$z.json" $(for t in $TEST; do printf '%s ' "$D/$z/$t.csv"; done) 2>/dev/null |
      awk -F, '$1 == "mean" { printf "%.4f / %.5f", $3, $6 }') |"
  done
  cv=$("$F" cv --law mpl "${G[@]}" "${sh[@]}" 2>/dev/null | awk -F, '$2 == "mean" { printf "%.5f", $7 }')
  echo "$row $cv |"
done
