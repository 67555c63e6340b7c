#!/usr/bin/env bash
# test_wandb_cli.sh: W&B runs read from their transaction logs (run-ID.wandb,
# or the run's folder), written by tests/wandb_log.py as W&B's writer frames
# them: the same fit as the CSV logs, the Trainer's keys and mean loss, a log
# still being written, and every damaged log a clear error.
# Usage: test_wandb_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 SRC=$2 TMP=$3/wandbcli
rm -rf "$TMP" && mkdir -p "$TMP/elsewhere"
source "$(dirname "$0")/lib.sh"
D=$SRC/data/mpl/25M W=$TMP/wandb

# three training runs as WandbLogger logs them, each in its run's folder
for r in cosine_24000 constant_24000 wsdcon_9 wsdcon_3; do
  mkdir -p "$W/run-20251124_120000-$r/files"
  python3 "$SRC/tests/wandb_log.py" "$W/run-20251124_120000-$r/run-$r.wandb" "$D/$r.csv" lightning "$r" \
    && ok || bad "writing $r"
done
ln -s run-20251124_120000-wsdcon_3 "$W/latest-run"

# the same fit, bit for bit, as from the CSV logs (folders and a file)
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/csv.json" "$D/cosine_24000.csv" "$D/constant_24000.csv" \
  "$D/wsdcon_9.csv" >/dev/null 2>"$TMP/err" && ok || bad "fit csv: $(cat "$TMP/err")"
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/wb.json" "$W/run-20251124_120000-cosine_24000" \
  "$W/run-20251124_120000-constant_24000" "$W/run-20251124_120000-wsdcon_9/run-wsdcon_9.wandb" \
  >/dev/null 2>"$TMP/err" && ok || bad "fit wandb: $(cat "$TMP/err")"
python3 - "$TMP/csv.json" "$TMP/wb.json" <<'PYEOF' && ok || bad "wandb fit != csv fit"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(not (a["params"] == b["params"] and a["objective"] == b["objective"]))
PYEOF
"$FSLAW" inspect "$W/latest-run" 2>&1 >/dev/null \
  | grep -q "read step from 'trainer/global_step', lr from 'lr-AdamW', loss from 'train_loss'" \
  && ok || bad "names read"
want=$("$FSLAW" eval --params "$TMP/csv.json" "$D/wsdcon_3.csv" 2>/dev/null | sed -n 2p | cut -d, -f2-)
got=$("$FSLAW" eval --params "$TMP/wb.json" "$W/latest-run" 2>/dev/null | sed -n 2p | cut -d, -f2-)
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "eval latest-run '$got' vs csv '$want'"
# from another folder a fitted run is known as fitted
(cd "$TMP/elsewhere" && "$FSLAW" report --params ../wb.json --out r.html \
  --train ../wandb/run-20251124_120000-wsdcon_9/run-wsdcon_9.wandb ../wandb/latest-run >/dev/null 2>"$TMP/err") \
  && ok || bad "report: $(cat "$TMP/err")"
! grep -q "is taken for the fitted run" "$TMP/err" && [ -s "$TMP/elsewhere/r.html" ] && ok || bad "report: $(cat "$TMP/err")"
# a run is labelled by its W&B name, not by its folder (latest-run), unless
# another run has that name: then by the paths as given
grep -q '<td title="../wandb/latest-run">wsdcon_3</td>' "$TMP/elsewhere/r.html" && ok || bad "report label"
"$FSLAW" predict --params "$TMP/wb.json" --every 4000 "$W/latest-run" "$D/wsdcon_9.csv" >"$TMP/p.csv" 2>/dev/null \
  && [ "$(cut -d, -f1 "$TMP/p.csv" | sed 1d | sort -u | tr '\n' ' ')" = "wsdcon_3 wsdcon_9 " ] \
  && ok || bad "predict labels: $(cut -d, -f1 "$TMP/p.csv" | sort -u | tr '\n' ' ')"
"$FSLAW" predict --params "$TMP/wb.json" --every 4000 "$W/latest-run" "$D/wsdcon_3.csv" >"$TMP/p.csv" 2>/dev/null \
  && [ "$(cut -d, -f1 "$TMP/p.csv" | sed 1d | sort -u)" = "$(printf '%s\n' "$D/wsdcon_3.csv" "$W/latest-run" | sort)" ] \
  && ok || bad "predict labels, shared name: $(cut -d, -f1 "$TMP/p.csv" | sort -u | tr '\n' ' ')"

# W&B's folder of runs: each run's folder is the RUN
expect_fail "folder of runs" "wandb: a folder of runs (" "$FSLAW" inspect "$W"
grep -q "run-20251124_120000-" "$TMP/err" && ok || bad "runs listed: $(cat "$TMP/err")"

# the Trainer's callback: train/global_step, train/learning_rate, and a
# train/loss that is the mean since the previous log, as in trainer_state.json
python3 "$SRC/tests/wandb_log.py" "$TMP/hf.wandb" "$D/wsdcon_3.csv" trainer hf-run && ok || bad "writing hf"
"$FSLAW" inspect "$TMP/hf.wandb" >"$TMP/out" 2>"$TMP/err" && ok || bad "inspect hf: $(cat "$TMP/err")"
grep -q "read step from 'train/global_step', lr from 'train/learning_rate', loss from 'train/loss'" "$TMP/err" \
  && grep -q "the Trainer logs 'train/loss' as the mean since its previous log" "$TMP/err" \
  && grep -q "losses=95 " "$TMP/out" && ok || bad "hf names and mean: $(cat "$TMP/out" "$TMP/err")"

# a log still being written: its last record cut short is left out, with a note
L=$W/run-20251124_120000-wsdcon_3/run-wsdcon_3.wandb
head -c $(($(stat -c %s "$L") - 30)) "$L" >"$TMP/live.wandb"
"$FSLAW" inspect "$TMP/live.wandb" >"$TMP/out" 2>"$TMP/err" && grep -q "steps=15999 " "$TMP/out" \
  && grep -q "live.wandb: byte [0-9]*: the last record is cut short: read without it" "$TMP/err" \
  && ok || bad "live log: $(cat "$TMP/out" "$TMP/err")"

# damaged or foreign logs: clear errors, no output
python3 - "$L" "$TMP" <<'PYEOF'
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
t = sys.argv[2]
e = bytearray(d); e[50000] ^= 1; open(t + "/flipped.wandb", "wb").write(e)
v = bytearray(d); v[6] = 1; open(t + "/v1.wandb", "wb").write(v)
open(t + "/empty.wandb", "wb").write(d[:7])
# the first chunk made a LAST, with its checksum made to hold
o = bytearray(d); n = struct.unpack("<H", o[11:13])[0]; o[13] = 4
o[7:11] = struct.pack("<I", zlib.crc32(bytes(o[14:14 + n]), zlib.crc32(b"\x04")) & 0xFFFFFFFF)
open(t + "/order.wandb", "wb").write(o)
PYEOF
expect_fail "checksum" "the chunk's checksum does not hold (a damaged file)" \
  "$FSLAW" fit --law mtl --out "$TMP/none.json" "$TMP/flipped.wandb"
[ ! -e "$TMP/none.json" ] && ok || bad "output written on error"
expect_fail "version" "v1.wandb: a W&B log of version 1" "$FSLAW" inspect "$TMP/v1.wandb"
expect_fail "no history" "empty.wandb: a W&B log with no history" "$FSLAW" inspect "$TMP/empty.wandb"
expect_fail "order" "order.wandb: byte 7: a chunk out of order (type 4)" "$FSLAW" inspect "$TMP/order.wandb"
expect_fail "unknown key" "no record has the key 'val_loss'" "$FSLAW" inspect --col loss=val_loss "$L"
# a log whose records name none of the columns lists what the first has
sed 's/"trainer\/global_step"/"it"/; s/"lr-AdamW"/"rate"/; s/"train_loss"/"nll"/' \
  "$SRC/tests/wandb_log.py" >"$TMP/renamed.py"
python3 "$TMP/renamed.py" "$TMP/keys.wandb" "$D/wsdcon_3.csv" lightning && ok || bad "writing keys"
expect_fail "keys" "keys.wandb: no history record has a key for step, lr, loss (the first has it, rate, _runtime, _timestamp, _step)" \
  "$FSLAW" inspect "$TMP/keys.wandb"
"$FSLAW" inspect --col step=it --col lr=rate --col loss=nll "$TMP/keys.wandb" 2>/dev/null | grep -q "losses=95 " \
  && ok || bad "keys named with --col"
# Lightning without LearningRateMonitor: its train_loss read beside WandbLogger's
# step, the rates from --schedule
sed 's/"lr-AdamW"/"epoch"/' "$SRC/tests/wandb_log.py" >"$TMP/nolr.py"
python3 "$TMP/nolr.py" "$TMP/nolr.wandb" "$D/wsdcon_3.csv" lightning && ok || bad "writing nolr"
"$FSLAW" inspect --schedule 'wsd:peak=3e-4,steps=16000,warmup=2160,decay=0.5' "$TMP/nolr.wandb" 2>&1 \
  | grep -q "read step from 'trainer/global_step', loss from 'train_loss'" && ok || bad "no LearningRateMonitor"
# a nested key is named by its parts joined by '.', as W&B shows it
python3 "$SRC/tests/wandb_log.py" "$TMP/nested.wandb" "$D/wsdcon_3.csv" nested && ok || bad "writing nested"
"$FSLAW" inspect --col loss=train.loss "$TMP/nested.wandb" 2>/dev/null | grep -q "losses=95 " && ok || bad "nested key"
# wandb-core writes every key, _step too, as a nested key: read, _step once
python3 "$SRC/tests/wandb_log.py" "$TMP/core.wandb" "$D/wsdcon_3.csv" core && ok || bad "writing core"
"$FSLAW" inspect "$TMP/core.wandb" 2>/dev/null | grep -q "losses=95 " && ok || bad "core keys"
sed 's/"trainer\/global_step"/"it"/' "$SRC/tests/wandb_log.py" >"$TMP/coreit.py"
python3 "$TMP/coreit.py" "$TMP/coreit.wandb" "$D/wsdcon_3.csv" core && ok || bad "writing coreit"
"$FSLAW" inspect --col step=_step "$TMP/coreit.wandb" 2>/dev/null | grep -q "losses=95 " && ok || bad "core _step"
# the older SDK's dict value: its members read as train.loss; a media value
# and a string with a line end in the same record are no trouble
python3 "$SRC/tests/wandb_log.py" "$TMP/dict.wandb" "$D/wsdcon_3.csv" dict && ok || bad "writing dict"
"$FSLAW" inspect --col loss=train.loss "$TMP/dict.wandb" 2>/dev/null | grep -q "losses=95 " && ok || bad "dict value"
# a run folder of two logs, and files named .wandb that are not W&B logs yet
mkdir -p "$TMP/two" && cp "$TMP/core.wandb" "$TMP/two/run-a.wandb" && cp "$TMP/core.wandb" "$TMP/two/run-b.wandb"
expect_fail "two logs" "two: a folder of 2 W&B logs (" "$FSLAW" inspect "$TMP/two"
: >"$TMP/new.wandb"
expect_fail "empty log" "new.wandb: a W&B log with nothing written yet" "$FSLAW" inspect "$TMP/new.wandb"
printf ':W&' >"$TMP/head.wandb"
expect_fail "cut header" "head.wandb: a W&B log cut short in its header" "$FSLAW" inspect "$TMP/head.wandb"
printf 'step,lr,loss\n1,1e-3,3\n' >"$TMP/csv.wandb"
expect_fail "not W&B" "csv.wandb: named .wandb but not a W&B log" "$FSLAW" inspect "$TMP/csv.wandb"
# zeros after the last record (a block's trailer to come) cut nothing short
cp "$L" "$TMP/zeros.wandb" && printf '\0\0\0' >>"$TMP/zeros.wandb"
"$FSLAW" inspect "$TMP/zeros.wandb" 2>&1 | grep -q "cut short" && bad "zeros noted as a cut record" || ok
# the run's display name, not the id of a later run record, names it in plots
"$FSLAW" inspect --plot "$TMP/name.svg" "$L" >/dev/null 2>&1 && grep -q ">wsdcon_3</text>" "$TMP/name.svg" \
  && ok || bad "display name in the plot"
# a NaN loss (json.dumps writes NaN) is named by its record's byte
printf 'step,lr,loss\n0,0.0,\n1,1e-4,4.0\n2,2e-4,nan\n3,3e-4,3.5\n' >"$TMP/nan.csv"
python3 "$SRC/tests/wandb_log.py" "$TMP/nan.wandb" "$TMP/nan.csv" lightning && ok || bad "writing nan"
expect_fail "nan" "nan.wandb: history record at byte " "$FSLAW" inspect "$TMP/nan.wandb"
grep -qF "column 'train_loss': NaN is not a valid value (the loss overflowed at this step, or the run diverged: export the steps before it as a CSV)" \
  "$TMP/err" && ok || bad "nan wording: $(cat "$TMP/err")"
finish test_wandb_cli
