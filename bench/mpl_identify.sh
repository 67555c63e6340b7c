#!/bin/bash
# mpl_identify.sh: can the three training runs of the MATH.md §5.5 reference
# split identify what the held-out runs need? Two experiments on the bundled
# MPL curves (data/mpl), reported in docs/mpl_results.md:
#  1. temporal hold-out: fit on the first two thirds of each training run
#     (cosine_24000 and constant_24000 to step 16000, wsdcon_9 to step 12000),
#     score the rest of those runs (PredE), for fsl with c3 fixed at 0.3, 1, 3
#     and free: does a validation that only uses training runs pick the c3 the
#     held-out runs want?
#  2. parameters shared across model sizes (fsl, fslq, fslkq, mpl): one law fitted to the nine training
#     runs of 25M, 100M and 400M at once, with the listed parameters shared
#     (fslaw fit --group SIZE=RUNS... --share P,...), scored on each size's
#     six held-out runs.
# usage: bash bench/mpl_identify.sh BUILD_DIR     (a Release build of fslaw)
# Needs /usr/bin/python3. ~10 min on 2 cores.
set -euo pipefail
B=${1:?usage: bash bench/mpl_identify.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
F=$B/fslaw D=$REPO/data/mpl PY=/usr/bin/python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
[ -x "$F" ] || { echo "mpl_identify: no fslaw in $B" >&2; exit 1; }
TRAIN="cosine_24000 constant_24000 wsdcon_9"
TEST="constant_72000 cosine_72000 wsd_20000_24000 wsdld_20000_24000 wsdcon_3 wsdcon_18"
SIZES="25M 100M 400M"
files() { local s=$1; shift; for r in "$@"; do printf '%s ' "$D/$s/$r.csv"; done; }
# heldout PARAMS SIZE: "R2 PredE" of the six held-out runs
heldout() {
  # shellcheck disable=SC2046
  "$F" eval --params "$1" $(files "$2" $TEST) | tail -1 | awk -F, '{printf "%.4f / %.5f", $3, $6}'
}

echo "## 1. temporal hold-out (fsl): validation PredE on the last third of the training runs; held-out R² / PredE"
echo
echo "| size | c3 | validation PredE | held-out R² / PredE |"
echo "|---|---|---|---|"
for s in $SIZES; do
  for r in cosine_24000:16000 constant_24000:16000 wsdcon_9:12000; do
    awk -F, -v c="${r##*:}" 'NR == 1 || $1 <= c' "$D/$s/${r%%:*}.csv" >"$W/${r%%:*}.csv"
  done
  for c3 in 0.3 1 3 free; do
    fix=(); [ "$c3" = free ] || fix=(--fix "c3=$c3")
    # shellcheck disable=SC2046
    "$F" fit --law fsl "${fix[@]}" --out "$W/cv.json" \
      "$W/cosine_24000.csv" "$W/constant_24000.csv" "$W/wsdcon_9.csv" >/dev/null 2>&1
    v1=$("$F" eval --params "$W/cv.json" --after 16000 "$D/$s/cosine_24000.csv" "$D/$s/constant_24000.csv" | tail -1 | cut -d, -f6)
    v2=$("$F" eval --params "$W/cv.json" --after 12000 "$D/$s/wsdcon_9.csv" | tail -1 | cut -d, -f6)
    # shellcheck disable=SC2046
    "$F" fit --law fsl "${fix[@]}" --out "$W/full.json" $(files "$s" $TRAIN) >/dev/null 2>&1
    printf '| %s | %s | %.5f | %s |\n' "$s" "$c3" "$(echo "($v1 * 2 + $v2) / 3" | bc -l)" "$(heldout "$W/full.json" "$s")"
  done
done

echo
echo "## 2. parameters shared across sizes: held-out R² / PredE per size (own fit first)"
echo
echo "| law | shared | 25M | 100M | 400M | shared values |"
echo "|---|---|---|---|---|---|"
groups() { for s in $SIZES; do printf -- '--group %s=' "$s"; files "$s" $TRAIN | sed 's/ $//; s/ /,/g'; printf ' '; done; }
for law in fsl fslq fslkq mpl; do
  row="| $law | none (own fits) |"
  for s in $SIZES; do
    # shellcheck disable=SC2046
    "$F" fit --law $law --out "$W/$law-$s.json" $(files "$s" $TRAIN) >/dev/null 2>&1
    row="$row $(heldout "$W/$law-$s.json" "$s") |"
  done
  echo "$row |"
  case $law in
    fsl) sets="c3 c3,gamma c4,gamma c3,c4,gamma s c3,c4,gamma,s" ;;
    fslq) sets="q q,gamma q,c3 q,c4,gamma q,s" ;;
    fslkq) sets="q q,c3" ;;
    *) sets="alpha beta,gamma C,beta,gamma B,C,beta,gamma C,beta,gamma,alpha" ;;
  esac
  for sh in $sets; do
    rm -rf "$W/joint" && mkdir "$W/joint"
    # shellcheck disable=SC2046
    "$F" fit --law $law --share "$sh" --out-dir "$W/joint" $(groups) >/dev/null 2>&1
    vals=$($PY - "$W/joint/25M.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
print(", ".join("%s = %.4g" % (k, j["params"][k]) for k in j["shared"]))
PYEOF
)
    line="| $law | $sh |"
    for s in $SIZES; do line="$line $(heldout "$W/joint/$s.json" "$s") |"; done
    echo "$line $vals |"
  done
done
