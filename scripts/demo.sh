#!/usr/bin/env bash
# demo.sh: the main job on the bundled data: fit four loss-curve laws on three
# 400M runs, predict six runs with schedules they never saw, score and plot;
# then one law fitted to three model sizes at once with a shared exponent.
# Usage: scripts/demo.sh FSLAW [OUT_DIR]
set -euo pipefail
FSLAW=$(realpath "${1:-build/fslaw}")
cd "$(dirname "$0")/.."
OUT=${2:-out/demo}
mkdir -p "$OUT"
D=data/mpl/400M
TRAIN=($D/cosine_24000.csv $D/constant_24000.csv $D/wsdcon_9.csv)
TEST=($D/constant_72000.csv $D/cosine_72000.csv $D/wsd_20000_24000.csv
      $D/wsdld_20000_24000.csv $D/wsdcon_3.csv $D/wsdcon_18.csv)

echo "== The bundled 400M runs (data/mpl/README.md): rates, warmup, kinks, losses"
"$FSLAW" inspect "${TRAIN[@]}" "${TEST[@]}" --plot "$OUT/runs_400M.svg"

LAWS=(fsl fslq fslkq mpl)
for law in "${LAWS[@]}"; do
  echo
  echo "== Fit '$law' on ${TRAIN[*]##*/}"
  "$FSLAW" fit --law "$law" --out "$OUT/${law}_400M.json" "${TRAIN[@]}"
  "$FSLAW" eval --params "$OUT/${law}_400M.json" "${TEST[@]}" --out "$OUT/${law}_400M_eval.csv"
  "$FSLAW" predict --params "$OUT/${law}_400M.json" "${TRAIN[@]}" "${TEST[@]}" \
    --out "$OUT/${law}_400M_pred.csv" --plot "$OUT/${law}_400M_pred.svg"
done

echo
EVALS=()
for law in "${LAWS[@]}"; do EVALS+=("$OUT/${law}_400M_eval.csv"); done
echo "== Held-out runs (never fitted): R2 and PredE of fsl, fslq, fslkq, mpl   (MATH.md 5.5 metrics)"
awk -F, 'FNR == 1 { law = FILENAME; sub(/.*\//, "", law); sub(/_400M_eval.csv$/, "", law); laws[++nl] = law; next }
         { name = $1; sub(/.*\//, "", name); sub(/\.csv$/, "", name)
           if (!(name in seen)) { seen[name] = 1; order[++nr] = name }
           r2[name, law] = $3; pe[name, law] = $6 }
         END { printf "%-18s", "run"
               for (l = 1; l <= nl; l++) printf " %9s", "R2 " laws[l]
               for (l = 1; l <= nl; l++) printf " %11s", "PredE " laws[l]
               printf "\n"
               for (i = 1; i <= nr; i++) { n = order[i]; printf "%-18s", n
                 for (l = 1; l <= nl; l++) printf " %9.5f", r2[n, laws[l]]
                 for (l = 1; l <= nl; l++) printf " %11.5f", pe[n, laws[l]]
                 printf "\n" } }' "${EVALS[@]}"
echo "(published multi-power-law fit on this split: R2 0.9978, PredE 0.00168, WorstE 0.00995)"

echo
echo "== One law for three model sizes: fslq fitted to the training runs of 25M, 100M and 400M"
echo "   at once, the rate exponent q shared (fit --group SIZE=RUNS --share q)"
SIZE_GROUPS=()
for size in 25M 100M 400M; do
  G=data/mpl/$size
  SIZE_GROUPS+=(--group "$size=$G/cosine_24000.csv,$G/constant_24000.csv,$G/wsdcon_9.csv")
done
mkdir -p "$OUT/sizes"
"$FSLAW" fit --law fslq --share q --out-dir "$OUT/sizes" "${SIZE_GROUPS[@]}" | grep -E '^ +(25M|q )'
declare -A PUB=([25M]="0.9988 0.00110" [100M]="0.9983 0.00142" [400M]="0.9978 0.00168")
printf '%-6s %9s %9s   %s\n' size R2 PredE "(published multi-power law: R2 PredE)"
for size in 25M 100M 400M; do
  G=data/mpl/$size
  "$FSLAW" eval --params "$OUT/sizes/$size.json" "$G/constant_72000.csv" "$G/cosine_72000.csv" \
    "$G/wsd_20000_24000.csv" "$G/wsdld_20000_24000.csv" "$G/wsdcon_3.csv" "$G/wsdcon_18.csv" |
    awk -F, -v s="$size" -v pub="${PUB[$size]}" '$1 == "mean" { printf "%-6s %9.5f %9.5f   (%s)\n", s, $3, $6, pub }'
done

echo
"$FSLAW" report --params "$OUT/fslkq_400M.json" "${TRAIN[@]}" "${TEST[@]}" --out "$OUT/fslkq_400M_report.html"

echo
echo "demo output in $OUT/:"
echo "  runs_400M.svg                       rates, intrinsic time and losses of the nine runs"
echo "  {fsl,fslq,fslkq,mpl}_400M.json      fitted parameters"
echo "  {fsl,fslq,fslkq,mpl}_400M_eval.csv  held-out metrics per run"
echo "  {fsl,fslq,fslkq,mpl}_400M_pred.{csv,svg}"
echo "                                      predictions of all nine runs, and their plot"
echo "  sizes/{25M,100M,400M}.json          fslq fitted to all three sizes, q shared"
echo "  fslkq_400M_report.html              the report page: open it in a browser"
