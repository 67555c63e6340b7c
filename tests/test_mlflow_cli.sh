#!/usr/bin/env bash
# test_mlflow_cli.sh: runs named in an MLflow database (DB#RUN) fit, score
# and report exactly as the same runs' CSV logs do.
# Usage: test_mlflow_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/mlflowcli
rm -rf "$TMP" && mkdir -p "$TMP/elsewhere"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/25M

# the bundled runs logged as MLflow does (Lightning's keys, every rate, the
# logged losses), one run each in experiment 'mpl'
python3 - "$TMP/mlflow.db" "$D" <<'PYEOF'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name VARCHAR(256), lifecycle_stage VARCHAR(32));
CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, name VARCHAR(250), start_time BIGINT,
                   lifecycle_stage VARCHAR(20), experiment_id INTEGER);
CREATE TABLE metrics (key VARCHAR(250), value FLOAT, timestamp BIGINT, run_uuid VARCHAR(32),
                      step BIGINT, is_nan BOOLEAN);
INSERT INTO experiments VALUES (1, 'mpl', 'active');
""")
for i, name in enumerate(["cosine_24000", "constant_24000", "wsdcon_9", "wsdcon_3"]):
    uid = "%032x" % (i + 1)
    db.execute("INSERT INTO runs VALUES (?, ?, ?, 'active', 1)", (uid, name, i))
    rows = []
    for r in csv.DictReader(open(f"{sys.argv[2]}/{name}.csv")):
        s = int(r["step"])
        rows.append(("lr-AdamW", float(r["lr"]), 1000 * s, uid, s, 0))
        if r["loss"]:
            rows.append(("train_loss", float(r["loss"]), 1000 * s + 1, uid, s, 0))
    db.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", rows)
db.commit()
PYEOF
[ -s "$TMP/mlflow.db" ] && ok || bad "making the database"
DB=$TMP/mlflow.db COLS=(--col lr=lr-AdamW --col loss=train_loss)

# the same fit, bit for bit, from the database as from the CSV logs
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/csv.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
  "$D/wsdcon_9.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit csv: $(cat "$TMP/err")"
"$FSLAW" fit --law mtl --starts 2 "${COLS[@]}" --out "$TMP/db.json" "$DB#cosine_24000" \
  "$DB#constant_24000" "$DB#wsdcon_9" >"$TMP/fit.txt" 2>"$TMP/err" && ok || bad "fit db: $(cat "$TMP/err")"
python3 - "$TMP/csv.json" "$TMP/db.json" <<'PYEOF' && ok || bad "db fit != csv fit"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(not (a["params"] == b["params"] and a["objective"] == b["objective"] and b["runs"][0].endswith("mlflow.db#cosine_24000")))
PYEOF
# a held-out run scores as its CSV does, by name and by id
want=$("$FSLAW" eval --params "$TMP/csv.json" "$D/wsdcon_3.csv" 2>/dev/null | sed -n 2p | cut -d, -f2-)
got=$("$FSLAW" eval --params "$TMP/db.json" "${COLS[@]}" "$DB#wsdcon_3" 2>/dev/null | sed -n 2p | cut -d, -f2-)
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "eval db '$got' vs csv '$want'"
got=$("$FSLAW" eval --params "$TMP/db.json" "${COLS[@]}" "$DB#00000000000000000000000000000004" 2>/dev/null | sed -n 2p | cut -d, -f2-)
[ "$got" = "$want" ] && ok || bad "eval by id '$got'"
# from another folder a fitted run is known as fitted (by its real path, not its name)
(cd "$TMP/elsewhere" && "$FSLAW" report --params ../db.json "${COLS[@]}" --out r.html --train ../mlflow.db#wsdcon_9 \
  ../mlflow.db#wsdcon_3 >/dev/null 2>"$TMP/err") && ok || bad "report: $(cat "$TMP/err")"
grep -q "wsdcon_9" "$TMP/elsewhere/r.html" && ! grep -q "is taken for the fitted run" "$TMP/err" \
  && ok || bad "report names / fitted run: $(cat "$TMP/err")"

# a database of several runs and no run named: the runs listed, no output
expect_fail "no run named" "an MLflow database of 4 runs: 'cosine_24000' (id 00000000000000000000000000000001, experiment 'mpl')" \
  "$FSLAW" fit --law mtl --out "$TMP/none.json" "$DB"
[ ! -e "$TMP/none.json" ] && ok || bad "output written on error"
expect_fail "unknown run" "no run named or with id 'wsd'" "$FSLAW" inspect "$DB#wsd"
expect_fail "unknown key" "#wsdcon_3: no metric named 'val_loss' (its metrics: lr-AdamW, train_loss)" \
  "$FSLAW" inspect --col loss=val_loss "$DB#wsdcon_3"
# Lightning's keys need no --col
"$FSLAW" inspect "$DB#wsdcon_3" 2>"$TMP/err" | grep -q "losses=95 " && grep -q "read lr from 'lr-AdamW', loss from 'train_loss'" "$TMP/err" \
  && ok || bad "Lightning keys by default: $(cat "$TMP/err")"
# the same runs in MLflow's file store (mlruns/, as MLflow < 3.7 writes it):
# the same fit, bit for bit, and the same scores by name, id and folder
python3 - "$TMP/mlruns" "$D" <<'PYEOF2'
import csv, os, sys
root, D = sys.argv[1:]
def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
write(f"{root}/0/meta.yaml", "experiment_id: '0'\nlifecycle_stage: active\nname: Default\n")
write(f"{root}/3/meta.yaml", "experiment_id: '3'\nlifecycle_stage: active\nname: mpl\n")
for i, name in enumerate(["cosine_24000", "constant_24000", "wsdcon_9", "wsdcon_3"]):
    run = f"{root}/3/{i + 1:032x}"
    write(f"{run}/meta.yaml", f"experiment_id: '3'\nlifecycle_stage: active\nrun_id: {i + 1:032x}\n"
          f"run_name: {name}\nstart_time: {i}\n")
    write(f"{run}/tags/mlflow.runName", name)
    lr, loss = [], []
    for r in csv.DictReader(open(f"{D}/{name}.csv")):
        s = int(r["step"])
        lr.append(f"{1000 * s} {float(r['lr'])!r} {s}\n")
        if r["loss"]:
            loss.append(f"{1000 * s + 1} {float(r['loss'])!r} {s}\n")
    write(f"{run}/metrics/lr-AdamW", "".join(lr))
    write(f"{run}/metrics/train_loss", "".join(loss))
PYEOF2
ML=$TMP/mlruns
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/fs.json" "$ML#cosine_24000" "$ML/3#constant_24000" \
  "$ML/3/00000000000000000000000000000003" >/dev/null 2>"$TMP/err" && ok || bad "fit file store: $(cat "$TMP/err")"
python3 - "$TMP/csv.json" "$TMP/fs.json" <<'PYEOF2' && ok || bad "file store fit != csv fit"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(not (a["params"] == b["params"] and a["objective"] == b["objective"] and b["runs"][0].endswith("mlruns#cosine_24000")))
PYEOF2
for run in "$ML#wsdcon_3" "$ML#00000000000000000000000000000004" "$ML/3/00000000000000000000000000000004"; do
  got=$("$FSLAW" eval --params "$TMP/fs.json" "$run" 2>/dev/null | sed -n 2p | cut -d, -f2-)
  [ "$got" = "$want" ] && ok || bad "eval $run: '$got' vs csv '$want'"
done
(cd "$TMP/elsewhere" && "$FSLAW" report --params ../fs.json --out r2.html --train ../mlruns/3/00000000000000000000000000000003 \
  ../mlruns#wsdcon_3 >/dev/null 2>"$TMP/err") && ok || bad "report file store: $(cat "$TMP/err")"
[ -s "$TMP/elsewhere/r2.html" ] && ! grep -q "is taken for the fitted run" "$TMP/err" && ok || bad "report file store: $(cat "$TMP/err")"
expect_fail "file store of runs" "mlruns: an MLflow file store of 4 runs: 'cosine_24000' (id 00000000000000000000000000000001, experiment 'mpl')" \
  "$FSLAW" fit --law mtl --out "$TMP/none.json" "$ML"
[ ! -e "$TMP/none.json" ] && ok || bad "output written on error"
# a deleted run: not found by name, read with a note from its own folder
R4=$ML/3/00000000000000000000000000000004
sed -i 's/^lifecycle_stage: active/lifecycle_stage: deleted/' "$R4/meta.yaml"
expect_fail "deleted run by name" "no run named or with id 'wsdcon_3' but a deleted one" "$FSLAW" inspect "$ML#wsdcon_3"
"$FSLAW" inspect "$R4" >/dev/null 2>"$TMP/err" && grep -qF "$R4: MLflow marks this run deleted; it is read as given" \
  "$TMP/err" && ok || bad "deleted run's folder: $(cat "$TMP/err")"
sed -i 's/^lifecycle_stage: deleted/lifecycle_stage: active/' "$R4/meta.yaml"
"$FSLAW" inspect "$R4" >/dev/null 2>"$TMP/err" && ! grep -q "deleted" "$TMP/err" && ok || bad "live run noted deleted"
printf '1700 3.2 10\n1701 3.1 x\n' >"$ML/3/00000000000000000000000000000004/metrics/train_loss"
expect_fail "file store line" "00000000000000000000000000000004/metrics/train_loss:2:10: expected 'TIMESTAMP VALUE STEP'" \
  "$FSLAW" inspect "$ML#wsdcon_3"
finish test_mlflow_cli
