#!/bin/bash
# bench_predict.sh: speed of `fslaw predict` and `fslaw eval` on a long log
# logged at every step (500k steps: warmup 2000, cosine 3e-4 -> 3e-5, a
# smooth loss plus noise), for each law of LAWS (default "mpl fsl fslkq")
# fitted to the bundled 400M training split (cosine_24000, constant_24000,
# wsdcon_9). With a REFERENCE binary (e.g. a build of an older commit): both
# times, the ratio and the max relative difference of the predictions.
# 1 thread; times are wall-clock, best of RUNS (default 1).
# Usage: bench/bench_predict.sh FSLAW_BINARY [REFERENCE_BINARY]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
F=$1
REF=${2:-}
LAWS=${LAWS:-mpl fsl fslkq}
RUNS=${RUNS:-1}
PY=/usr/bin/python3
D=$here/../data/mpl/400M
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

echo "times are wall-clock, 1 thread, best of $RUNS; load now:" \
  "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
export OMP_NUM_THREADS=1
$PY - "$W/long.csv" <<'PYEOF'
import math, random, sys
random.seed(1)
n, warm, hi, lo = 500000, 2000, 3e-4, 3e-5
T = 0.0
with open(sys.argv[1], "w") as f:
    f.write("step,lr,loss\n")
    for k in range(n):
        if k < warm:
            lr = hi * k / warm
        else:
            lr = lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * (k - warm) / (n - 1 - warm)))
        T += lr
        loss = 2.5 + 0.7 * (T + 0.01) ** -0.4 - 600 * (hi - lr) + random.gauss(0, 0.01)
        f.write("%d,%.17g,%.10g\n" % (k, lr, loss))
PYEOF

# best wall time of RUNS runs of the command
best() {
  $PY - "$RUNS" "$@" <<'PYEOF'
import subprocess, sys, time
t = []
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[2:], check=True, stderr=subprocess.DEVNULL)
    t.append(time.perf_counter() - t0)
print(f"{min(t):.2f}")
PYEOF
}
maxrel() {
  $PY - "$1" "$2" <<'PYEOF'
import csv, sys
a = [float(r["pred"]) for r in csv.DictReader(open(sys.argv[1]))]
b = [float(r["pred"]) for r in csv.DictReader(open(sys.argv[2]))]
assert len(a) == len(b)
print(f"{max(abs(x - y) / abs(y) for x, y in zip(a, b)):.3g}")
PYEOF
}
ratio() { $PY -c "print(f'{$1 / $2:.1f}')"; }

for law in $LAWS; do
  "$F" fit --law "$law" --out "$W/$law.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
    "$D/wsdcon_9.csv" >/dev/null 2>&1
  for cmd in predict eval; do
    ours=$(best "$F" "$cmd" --params "$W/$law.json" "$W/long.csv" --out "$W/ours_$cmd.csv")
    line="$law $cmd: ours ${ours}s"
    if [ -n "$REF" ]; then
      ref=$(best "$REF" "$cmd" --params "$W/$law.json" "$W/long.csv" --out "$W/ref_$cmd.csv")
      line="$line   reference ${ref}s   ratio $(ratio "$ref" "$ours")x"
      [ "$cmd" = predict ] && line="$line   max rel diff $(maxrel "$W/ours_$cmd.csv" "$W/ref_$cmd.csv")"
      [ "$cmd" = eval ] && ! cmp -s "$W/ours_$cmd.csv" "$W/ref_$cmd.csv" && line="$line   (metrics differ)"
    fi
    echo "$line"
  done
done
