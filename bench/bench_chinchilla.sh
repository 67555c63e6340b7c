#!/usr/bin/env bash
# bench_chinchilla.sh: the Epoch replication of MATH.md §6 with `fslaw fit
# --law chinchilla`, checked against the reference values, and timed against
# scipy's L-BFGS-B on the same objective and starts; then a 4000-resample
# bootstrap. The data file has no license: it is read from ../shared, never
# copied into the project.
# Usage: bench/bench_chinchilla.sh [FSLAW_BINARY]   (default: build/fslaw)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
FSLAW=${1:-$REPO/build/fslaw}
DATA=$REPO/../shared/data/scaling/chinchilla_epoch.csv
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -f "$DATA" ]; then
  echo "bench_chinchilla: $DATA is missing (shared data/scaling/chinchilla_epoch.csv); nothing to do" >&2
  exit 1
fi
[ -x "$FSLAW" ] || { echo "bench_chinchilla: no fslaw binary at $FSLAW (pass it as argument)" >&2; exit 1; }
echo "threads: ${OMP_NUM_THREADS:-$(nproc)}; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# run CMD...: wall seconds into $WALL, CPU seconds (user + system) into $CPU
timed() {
  /usr/bin/time -f '%e %U %S' -o "$TMP/time" "$@" || return 1
  read -r WALL u s <"$TMP/time"
  CPU=$(printf '%.2f' "$(echo "$u + $s" | bc -l)")
}

# 1. the grid fit (4500 starts), on all threads and on one
timed "$FSLAW" fit --law chinchilla --where epoch_excluded=0 --out "$TMP/fit.json" "$DATA" >"$TMP/fit.txt" || exit 1
FIT_S=$WALL FIT_CPU=$CPU
cat "$TMP/fit.txt"
OMP_NUM_THREADS=1 timed "$FSLAW" fit --law chinchilla --where epoch_excluded=0 --out "$TMP/fit1.json" \
  "$DATA" >/dev/null || exit 1
FIT1_S=$WALL FIT1_CPU=$CPU
SAME="same result"
cmp -s <(grep -v fslaw_version "$TMP/fit.json") <(grep -v fslaw_version "$TMP/fit1.json") ||
  { SAME="FAIL: a different result"; FAILED=1; }
echo "  grid fit: ${FIT_S} s wall, ${FIT_CPU} s CPU on ${OMP_NUM_THREADS:-$(nproc)} threads;" \
     "${FIT1_S} s wall, ${FIT1_CPU} s CPU on 1 ($SAME)"

# 2. the objective at Hoffmann's unrounded values (every parameter fixed)
"$FSLAW" fit --law chinchilla --where epoch_excluded=0 --out "$TMP/hoff.json" \
  --fix A=406.4010175194737 --fix B=410.7228269450398 --fix E=1.6933736809989528 \
  --fix alpha=0.33917084 --fix beta=0.2849083 "$DATA" >/dev/null || exit 1

# 3. allocation at C = 5.88e23
"$FSLAW" allocate --params "$TMP/fit.json" --compute 5.88e23 >"$TMP/alloc.csv" || exit 1

# 4. checks against MATH.md §6
$PY - "$TMP" <<'EOF' || FAILED=1
import csv, json, sys
d = sys.argv[1]
fit = json.load(open(d + "/fit.json")); p = fit["params"]
ref = {"A": 477.84, "B": 2143.86, "E": 1.8172, "alpha": 0.3473, "beta": 0.3672}
ok = True
for k, v in ref.items():
    rel = abs(p[k] - v) / v
    good = rel <= 0.005; ok &= good
    print(f"  {k:6s} {p[k]:.6g}  reference {v}  rel.diff {rel:.2e}  {'ok' if good else 'FAIL'}")
obj = fit["objective"]; good = obj <= 0.0010182740 * (1 + 1e-6); ok &= good
print(f"  objective {obj:.10g}  <= 0.0010182740 (1 + 1e-6): {'ok' if good else 'FAIL'}")
h = json.load(open(d + "/hoff.json"))["objective"]; good = abs(h - 0.0012311626) <= 1e-9; ok &= good
print(f"  objective at Hoffmann's values {h:.10g}  reference 0.0012311626 +- 1e-9: {'ok' if good else 'FAIL'}")
row = next(csv.DictReader(open(d + "/alloc.csv")))
tpp = float(row["tokens_per_param"]); good = 17 <= tpp <= 19.5; ok &= good
print(f"  C = 5.88e23: N_opt {float(row['N_opt']):.4g}, D_opt {float(row['D_opt']):.4g}, "
      f"{tpp:.2f} tokens per parameter (reference ~18): {'ok' if good else 'FAIL'}")
sys.exit(0 if ok else 1)
EOF

# 5. scipy L-BFGS-B on the same objective and starts
if $PY -c 'import numpy, scipy' 2>/dev/null; then
  echo "scipy L-BFGS-B, same 4500 starts (takes a while)..."
  $PY "$HERE/chinchilla_scipy.py" "$DATA" >"$TMP/scipy.json" || exit 1
  echo "  load after scipy: $(cut -d' ' -f1-3 /proc/loadavg)"
  $PY - "$TMP" "$FIT_S" "$FIT_CPU" "$FIT1_S" "$FIT1_CPU" <<'EOF'
import json, sys
d = sys.argv[1]
fs, fc, f1, c1 = (float(v) for v in sys.argv[2:6])
s = json.load(open(d + "/scipy.json")); f = json.load(open(d + "/fit.json"))
print(f"  scipy: objective {s['objective']:.10g}, A {s['A']:.6g} B {s['B']:.6g} E {s['E']:.6g} "
      f"alpha {s['alpha']:.6g} beta {s['beta']:.6g}; {s['evaluations']} evaluations, "
      f"{s['seconds']:.2f} s wall, {s['cpu_seconds']:.2f} s CPU (one process)")
print(f"  fslaw: objective {f['objective']:.10g}; all threads {fs:.2f} s wall, {fc:.2f} s CPU; "
      f"one thread {f1:.2f} s wall, {c1:.2f} s CPU (whole command)")
print(f"  speed-up: {s['seconds'] / fs:.1f}x wall (all threads), {s['seconds'] / f1:.1f}x wall (one thread), "
      f"{s['cpu_seconds'] / c1:.1f}x CPU (one thread) (goal >= 30x)")
print(f"  objective difference "
      f"{(s['objective'] - f['objective']) / f['objective']:.2e} (relative, scipy - fslaw)")
EOF
else
  echo "numpy/scipy missing for $PY: skipping the scipy comparison (apt install python3-numpy python3-scipy)"
fi

# 6. bootstrap, 4000 resamples
timed "$FSLAW" fit --law chinchilla --where epoch_excluded=0 --bootstrap 4000 --seed 1 \
  --out "$TMP/boot.json" "$DATA" >"$TMP/boot.txt" || exit 1
sed -n '/bootstrap/,$p' "$TMP/boot.txt"
echo "  bootstrap 4000 resamples: $(echo "$WALL - $FIT_S" | bc -l | xargs printf '%.2f') s wall," \
     "$(echo "$CPU - $FIT_CPU" | bc -l | xargs printf '%.2f') s CPU beyond the grid fit" \
     "(whole command $WALL s wall, $CPU s CPU)"
echo "  Epoch's 95% intervals (MATH.md §6): A 285-744, B 1042-5810, E 1.769-1.871, alpha 0.317-0.373, beta 0.331-0.415"
"$FSLAW" allocate --params "$TMP/boot.json" --compute 5.88e23
exit ${FAILED:-0}
