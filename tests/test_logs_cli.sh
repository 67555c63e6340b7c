#!/usr/bin/env bash
# test_logs_cli.sh: training logs as real users have them, read by the
# commands: a Hugging Face trainer_state.json (eval records at the training
# records' steps, a closing summary record, Python's NaN), HF-style JSONL, a
# W&B CSV export with quoted header names, and a fit on a synthetic HF log.
# Usage: test_logs_cli.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
FSLAW=$1 TMP=$3/logscli
rm -rf "$TMP" && mkdir -p "$TMP"
source "$(dirname "$0")/lib.sh"

# trainer_state.json: rates under "learning_rate"; eval_loss and train_loss are
# not losses; steps 10, 20, 30 -> 31 steps, 3 losses, warmup to step 20
cat >"$TMP/trainer_state.json" <<'EOF'
{
  "best_metric": null,
  "epoch": 0.3,
  "global_step": 30,
  "log_history": [
    {
      "epoch": 0.1,
      "grad_norm": 1.5,
      "learning_rate": 0.0001,
      "loss": 5.0,
      "step": 10
    },
    {
      "epoch": 0.1,
      "eval_loss": 5.2,
      "eval_runtime": 1.0,
      "step": 10
    },
    {
      "epoch": 0.2,
      "grad_norm": NaN,
      "learning_rate": 0.0002,
      "loss": 4.5,
      "step": 20
    },
    {
      "epoch": 0.3,
      "grad_norm": 0.9,
      "learning_rate": 0.0001,
      "loss": 4.0,
      "step": 30
    },
    {
      "epoch": 0.3,
      "step": 30,
      "total_flos": 1000000000000000.0,
      "train_loss": 4.5,
      "train_runtime": 12.5
    }
  ],
  "max_steps": 30
}
EOF
"$FSLAW" inspect --loss-window 1 "$TMP/trainer_state.json" >"$TMP/out" 2>"$TMP/err" && ok || bad "inspect trainer_state.json: $(cat "$TMP/err")"
grep -qF "trainer_state.json: steps=31 losses=3 lr=[0,0.0002] warmup=20 " "$TMP/out" && ok || bad "trainer_state summary: $(cat "$TMP/out")"
grep -qF " loss=[4,5]" "$TMP/out" && ok || bad "trainer_state losses: $(cat "$TMP/out")"
grep -qF "lr logged on 3 of 31 steps; the others are linearly interpolated; before step 10, the first logged, they ramp up from 0 at step 0 (the logged rates rise: a warmup)" "$TMP/err" \
  && ok || bad "interpolation note: $(cat "$TMP/err")"
# the Trainer's losses are means since its previous log: moved to the middle
# of their windows, and those whose window holds more than half of the
# intrinsic time to its middle left out (steps 1-10 and, in the warmup ramp,
# 11-20: 55 of 136 units of time before it)
"$FSLAW" inspect "$TMP/trainer_state.json" >"$TMP/out" 2>"$TMP/err" \
  && grep -qF "steps=31 losses=1 " "$TMP/out" && grep -qF "loss=[4,4]" "$TMP/out" \
  && grep -qF "trainer_state.json: the first 2 logged losses are left out: each is a mean over a window that holds more than half the training up to its middle" "$TMP/err" \
  && ok || bad "early means left out: $(cat "$TMP/out" "$TMP/err")"
# --format jsonl reads the document too
"$FSLAW" inspect --format jsonl --loss-window 1 "$TMP/trainer_state.json" 2>/dev/null | grep -qF "steps=31 losses=3" && ok || bad "--format jsonl document"
# a NaN loss and a malformed document: line:column
sed 's/"loss": 4.5/"loss": NaN/' "$TMP/trainer_state.json" >"$TMP/nan.json"
expect_fail "NaN loss" "nan.json:23:7: column 'loss': NaN is not a valid value" "$FSLAW" inspect "$TMP/nan.json"
sed 's/"loss": 4.0,/"loss": 4.0,,/' "$TMP/trainer_state.json" >"$TMP/broken.json"
expect_fail "malformed" "broken.json:30:20: malformed JSON" "$FSLAW" inspect "$TMP/broken.json"

# HF-style JSONL: eval records merge; a conflicting record names both lines
printf '%s\n' '{"step": 10, "loss": 5.0, "learning_rate": 0.001}' '{"step": 10, "eval_loss": 5.1}' \
  '{"step": 20, "loss": 4.0, "learning_rate": 0.001}' '{"step": 20, "eval_loss": 4.2}' >"$TMP/hf.jsonl"
"$FSLAW" inspect "$TMP/hf.jsonl" 2>"$TMP/err" | grep -qF "steps=21 losses=2 lr=[0.001,0.001] warmup=0 " && ok || bad "hf.jsonl: $(cat "$TMP/err")"
grep -qF "before step 10, the first logged, they hold its rate (the logged rates do not rise: no warmup)" "$TMP/err" && ok || bad "hold note: $(cat "$TMP/err")"
printf '%s\n' '{"step": 20, "eval_loss": 4.3, "loss": 3.9}' >>"$TMP/hf.jsonl"
"$FSLAW" inspect "$TMP/hf.jsonl" 2>"$TMP/err" | grep -qF "steps=21 losses=2 lr=[0.001,0.001] warmup=0 kinks=none t_final=0.021 loss=[3.9,5]" \
  && grep -qF "hf.jsonl: 2 logged values were replaced by values logged later at the same or earlier steps" "$TMP/err" \
  && ok || bad "a record of step 20 with another loss replaces it (a resumed run): $(cat "$TMP/err")"

# a CSV of a resumed run (steps 0..100, then 50..150 with other losses):
# steps 0..150, the later losses from step 50 on, with a note; NaN still fails
awk 'BEGIN { print "step,lr,loss"; for (k = 0; k <= 100; k++) print k ",1e-3," 9 - k / 100;
             for (k = 50; k <= 150; k++) print k ",1e-3," 5 - k / 100 }' >"$TMP/resumed.csv"
"$FSLAW" inspect "$TMP/resumed.csv" 2>"$TMP/err" | grep -qF "steps=151 losses=151 lr=[0.001,0.001] warmup=0 kinks=none t_final=0.151 loss=[3.5,9]" \
  && grep -qF "resumed.csv: 102 logged values were replaced by values logged later at the same or earlier steps (a run resumed from a checkpoint: the later ones are read)" "$TMP/err" \
  && ok || bad "resumed CSV: $(cat "$TMP/err")"
"$FSLAW" fit --law fsl --starts 2 "$TMP/resumed.csv" >/dev/null 2>"$TMP/err"
grep -qF "resumed.csv: 102 logged values were replaced" "$TMP/err" && ok || bad "resumed CSV note in fit: $(cat "$TMP/err")"
printf '60,1e-3,nan\n' >>"$TMP/resumed.csv"
expect_fail "NaN after a resume" "resumed.csv:204:9: column 'loss': NaN is not a valid value" "$FSLAW" inspect "$TMP/resumed.csv"

# W&B export: quoted header names with slashes, runtime columns, empty cells
cat >"$TMP/wandb.csv" <<'EOF'
"Step","train/loss","train/learning_rate","_runtime","eval/loss"
"0","6.5","0","1.2",""
"100","4.25","0.0006","30.5",""
"200","3.75","0.0004","60.1","3.9"
"300","3.5","0","90.0",""
EOF
"$FSLAW" inspect --col step=Step --col loss=train/loss --col lr=train/learning_rate "$TMP/wandb.csv" >"$TMP/out" 2>"$TMP/err" \
  && ok || bad "inspect wandb.csv: $(cat "$TMP/err")"
# t_final = 6e-6 * 5050 + (0.06 - 2e-6 * 5050) + (0.04 - 4e-6 * 5050) = 0.1
grep -qF "wandb.csv: steps=301 losses=4 lr=[0,0.0006] warmup=100 kinks=200 t_final=0.1 loss=[3.5,6.5]" "$TMP/out" \
  && ok || bad "wandb summary: $(cat "$TMP/out")"
# W&B's "Step" is found without --col, and so are the Trainer's train/ names
"$FSLAW" inspect "$TMP/wandb.csv" 2>/dev/null \
  | grep -qF "wandb.csv: steps=301 losses=4 lr=[0,0.0006] warmup=100 kinks=200 t_final=0.1 loss=[3.5,6.5]" \
  && ok || bad "wandb without --col"
"$FSLAW" inspect --col loss=train/loss --col lr=train/learning_rate "$TMP/wandb.csv" 2>/dev/null \
  | grep -qF "wandb.csv: steps=301 losses=4 lr=[0,0.0006] warmup=100 kinks=200 t_final=0.1 loss=[3.5,6.5]" \
  && ok || bad "wandb without --col step=Step"
# W&B history JSONL (run.history() or the exported file): no step key, but
# _step, which counts W&B's log calls: suggested, not read by default
for i in 0 1 2 3; do
  printf '{"_step": %d, "_runtime": %d.5, "_timestamp": 1700000000, "lr": 0.0003, "loss": %d.25}\n' "$i" "$i" "$((6 - i))"
done >"$TMP/history.jsonl"
expect_fail "wandb history" "history.jsonl:1:1: missing column 'step' (no numeric key 'step'); W&B's '_step' counts its log calls, the training step if the run logged once a step: --col step=_step" \
  "$FSLAW" inspect "$TMP/history.jsonl"
"$FSLAW" inspect --col step=_step "$TMP/history.jsonl" 2>/dev/null | grep -qF "history.jsonl: steps=4 losses=4" \
  && ok || bad "wandb history with --col step=_step"
# the Trainer's W&B history also has train/global_step, the trainer's own
# step, read without options; another *global_step is suggested
sed 's/"_step": \([0-9]\)/"_step": \1, "train\/global_step": \1/' "$TMP/history.jsonl" >"$TMP/hf_history.jsonl"
"$FSLAW" inspect "$TMP/hf_history.jsonl" 2>"$TMP/err" | grep -qF "hf_history.jsonl: steps=4 losses=4" \
  && grep -q "read step from 'train/global_step'" "$TMP/err" && ok || bad "hf wandb history: $(cat "$TMP/err")"
sed 's/"_step": \([0-9]\)/"_step": \1, "model\/global_step": \1/' "$TMP/history.jsonl" >"$TMP/gs_history.jsonl"
expect_fail "global_step history" "gs_history.jsonl:1:1: missing column 'step' (no numeric key 'step'); 'model/global_step' looks like the step: --col step=model/global_step" \
  "$FSLAW" inspect "$TMP/gs_history.jsonl"
# text after a JSONL line's object is an error at its column (it was dropped)
printf '{"step": 1, "lr": 0.001, "loss": 3.0}\n{"step": 2, "lr": 0.001, "loss": 2.9} {"step": 3}\n' >"$TMP/two_on_line.jsonl"
expect_fail "two records a line" "two_on_line.jsonl:2:39: text after the line's JSON object" \
  "$FSLAW" inspect "$TMP/two_on_line.jsonl"
# nanoGPT's W&B log names its step "iter" (and logs "train/loss" at each
# evaluation); other scripts log "train/lr" beside "train/loss": both read
printf '{"iter": 0, "train/loss": 10.9, "val/loss": 10.9, "lr": 0.0, "mfu": -100}\n{"iter": 2000, "train/loss": 3.1, "val/loss": 3.2, "lr": 0.0006, "mfu": 30.1}\n{"iter": 4000, "train/loss": 2.9, "val/loss": 3.0, "lr": 0.0005, "mfu": 30.2}\n' >"$TMP/nano_wandb.jsonl"
"$FSLAW" inspect "$TMP/nano_wandb.jsonl" 2>"$TMP/err" | grep -qF "nano_wandb.jsonl: steps=4001 losses=3 " \
  && grep -q "read step from 'iter', loss from 'train/loss'" "$TMP/err" && ok || bad "nanoGPT W&B log: $(cat "$TMP/err")"
printf 'step,train/lr,train/loss\n10,0.001,3.0\n20,0.0009,2.9\n' >"$TMP/train_lr.csv"
"$FSLAW" inspect "$TMP/train_lr.csv" 2>"$TMP/err" | grep -qF "train_lr.csv: steps=21 losses=2 " \
  && grep -q "read lr from 'train/lr', loss from 'train/loss'" "$TMP/err" && ok || bad "train/lr: $(cat "$TMP/err")"
# the same as a CSV (history().to_csv())
printf '_step,_runtime,lr,loss\n0,1.5,0.0003,6.25\n1,2.5,0.0003,5.25\n' >"$TMP/history.csv"
expect_fail "wandb history csv" "history.csv:1: missing column 'step' (the header has: _step, _runtime, lr, loss); W&B's '_step' counts its log calls" \
  "$FSLAW" inspect "$TMP/history.csv"

# fit on a synthetic HF log: cosine schedule with warmup, lr and loss every
# 10 steps, eval records at the same steps, the summary record at the end.
# The loss is the momentum law (MATH.md §5.4; warmup counted at the peak),
# logged as the Trainer does, the mean over the steps since the previous log,
# so the fit must reproduce it: eval on the same log gives R^2 near 1.
# hf_log N EVERY [WARMUP]: such a log of N steps with a record every EVERY
# steps (warmup 100 steps unless given)
hf_log() {
  awk -v n="$1" -v every="$2" -v w="${3:-100}" 'BEGIN {
  peak = 3e-4; final = 3e-5; pi = atan2(0, -1); lam = 0.999
  printf "{\n  \"global_step\": %d,\n  \"log_history\": [\n", n
  s1 = 0; s2 = 0; m = 0; prev = peak; sum = 0
  for (k = 1; k <= n; k++) {
    lr = k < w ? peak * k / w : final + (peak - final) * 0.5 * (1 + cos(pi * (k - w) / (n - w)))
    e = k < w ? peak : lr
    m = lam * m + (prev - e); prev = e
    s1 += e; s2 += m
    sum += 2.5 + 0.45 * s1 ^ -0.5 - 0.4 * s2
    if (k % every) continue
    loss = sum / every; sum = 0
    printf "    {\"epoch\": %.4f, \"grad_norm\": 1.0, \"learning_rate\": %.17g, \"loss\": %.17g, \"step\": %d},\n", k / n, lr, loss, k
    if (k % 500 == 0) printf "    {\"epoch\": %.4f, \"eval_loss\": %.17g, \"step\": %d},\n", k / n, loss + 0.01, k
  }
  printf "    {\"epoch\": 1.0, \"step\": %d, \"train_loss\": 3.1, \"train_runtime\": 100.0}\n  ],\n  \"max_steps\": %d\n}\n", n, n
}'
}
hf_log 3000 10 >"$TMP/trainer_state_fit.json"
"$FSLAW" fit --law mtl --starts 2 --out "$TMP/mtl.json" "$TMP/trainer_state_fit.json" >"$TMP/sum" 2>"$TMP/err" \
  && ok || bad "fit on trainer_state: $(cat "$TMP/err")"
grep -q "^law mtl: 1 run, 290 points after warmup" "$TMP/sum" && ok || bad "fit summary: $(cat "$TMP/sum")"
"$FSLAW" eval --params "$TMP/mtl.json" "$TMP/trainer_state_fit.json" >"$TMP/eval.csv" 2>"$TMP/err" && ok || bad "eval: $(cat "$TMP/err")"
awk -F, '$1 == "mean" { exit !($3 > 0.999 && $6 < 0.002) }' "$TMP/eval.csv" && ok || bad "fit reproduces the law: $(cat "$TMP/eval.csv")"
# and recovers the generating parameters (rates interpolated between logged
# steps and fslaw's warmup convention leave a small gap)
awk '$2 == "=" { v[$1] = $3 } END { exit !(v["L0"] > 2.48 && v["L0"] < 2.52 && v["A"] > 0.43 && v["A"] < 0.47 &&
  v["alpha"] > 0.48 && v["alpha"] < 0.52 && v["C"] > 0.39 && v["C"] < 0.41) }' "$TMP/sum" && ok || bad "fit parameters: $(cat "$TMP/sum")"
grep -q "note: .*trainer_state_fit.json: the Trainer logs 'loss' as the mean since its previous log" "$TMP/err" \
  && ok || bad "interval-mean note: $(cat "$TMP/err")"

# a long logging interval (200 steps): the mean lags the curve by 100 steps.
# Placed at the middle of its interval (the default for trainer_state.json,
# or --loss-window 200) the fit predicts the per-step curve well; taken as the
# loss at its step (--loss-window 1) it is far off.
hf_log 6000 200 >"$TMP/hf200.json"
hf_log 6000 1 >"$TMP/hf1.json"
for w in interval 200 1; do
  "$FSLAW" fit --law mtl --starts 2 --loss-window $w --out "$TMP/w$w.json" "$TMP/hf200.json" >/dev/null 2>"$TMP/err" \
    && ! grep -q "mean since" "$TMP/err" && ok || bad "fit --loss-window $w: $(cat "$TMP/err")"
  "$FSLAW" eval --params "$TMP/w$w.json" "$TMP/hf1.json" 2>/dev/null | awk -F, '$1 == "mean" { print $6 }' >"$TMP/pe$w"
done
cmp -s "$TMP/winterval.json" "$TMP/w200.json" && ok || bad "interval = 200 on a regular log"
awk 'NR == FNR { a = $1; next } { exit !(a < 0.001 && a < 0.1 * $1) }' "$TMP/peinterval" "$TMP/pe1" \
  && ok || bad "centred PredE $(cat "$TMP/peinterval") vs at the step $(cat "$TMP/pe1")"
"$FSLAW" inspect --loss-window 500 "$TMP/hf1.json" >/dev/null 2>"$TMP/err" \
  && grep -q "note: .*hf1.json: the first logged loss (step 1) comes before 500 steps have run; windows are cut at step 1" "$TMP/err" \
  && ok || bad "window cut note: $(cat "$TMP/err")"
expect_fail "bad --loss-window" "option '--loss-window': expected 'interval' or a whole number of steps >= 1, got '0'" \
  "$FSLAW" inspect --loss-window 0 "$TMP/hf1.json"

# a loss under another name: inspect says so, fit refuses; a named column
# that is not there is an error naming the header
printf 'step,lr,train_loss\n0,0,\n10,1e-3,3\n20,1e-3,2.9\n' >"$TMP/tl.csv"
"$FSLAW" inspect "$TMP/tl.csv" >/dev/null 2>"$TMP/err" && grep -q "note: .*tl.csv: no loss is logged (is it in another column? name it with --col loss=COLUMN)" "$TMP/err" \
  && ok || bad "no-loss note: $(cat "$TMP/err")"
expect_fail "fit without losses" "tl.csv: no loss is logged" "$FSLAW" fit --law mtl "$TMP/tl.csv"
expect_fail "named column missing" "tl.csv:1: missing column 'train/loss' (the header has: step, lr, train_loss)" \
  "$FSLAW" inspect --col loss=train/loss "$TMP/tl.csv"
"$FSLAW" inspect --col loss=train_loss "$TMP/tl.csv" | grep -q "losses=2" && ok || bad "--col loss=train_loss"

# --schedule that is not the logged one: an error (a fit to it would be
# wrong); the right one: no note
C24=$2/data/mpl/25M/cosine_24000.csv
expect_fail "wrong schedule" "error: $C24: over steps 12000 to 23999 the rates of --schedule sum to 1.2e+04, the logged ones to 1.053: it is not this run's schedule (--schedule applies to every run given" \
  "$FSLAW" inspect --schedule 'constant:peak=1,steps=24000' "$C24"
"$FSLAW" inspect --schedule 'cosine:peak=3e-4,final=3e-5,warmup=2160,steps=24000' "$C24" >/dev/null 2>"$TMP/err" \
  && ! grep -q "note" "$TMP/err" && ok || bad "right schedule, no note: $(cat "$TMP/err")"

# W&B exports name columns "RUN - metric": the metric's name finds them, so one
# --col serves the exports of several runs; two matches or a NAME given twice are errors
# (the drop to 5e-4 logged at the last step is a ramp from step 200: its far side is not logged)
printf 'Step,my-run - train/loss,my-run - train/loss__MIN,my-run - train/loss__MAX,my-run - train/lr\n0,,,,0\n100,5,5,5,1e-3\n200,4,4,4,1e-3\n300,3.5,3.5,3.5,5e-4\n' >"$TMP/wb1.csv"
sed 's/my-run/other-run/g' "$TMP/wb1.csv" >"$TMP/wb2.csv"
"$FSLAW" inspect --col step=Step --col loss=train/loss --col lr=train/lr "$TMP/wb1.csv" "$TMP/wb2.csv" 2>/dev/null >"$TMP/out" \
  && [ "$(grep -c "losses=3 lr=\[0,0.001\] warmup=100 kinks=200 t_final=0.22525 loss=\[3.5,5\]" "$TMP/out")" -eq 2 ] \
  && ok || bad "W&B columns by metric name: $(cat "$TMP/out")"
printf 'Step,a - train/loss,b - train/loss,lr\n0,1,1,0\n' >"$TMP/wb3.csv"
expect_fail "two W&B matches" "wb3.csv:1:21: columns 'a - train/loss' and 'b - train/loss' both end in 'train/loss'; name one with --col" \
  "$FSLAW" inspect --col step=Step --col loss=train/loss "$TMP/wb3.csv"
expect_fail "--col NAME twice" "option '--col': loss is named twice ('a' and 'b'); list alternatives in one, separated by '|': loss='a|b'" \
  "$FSLAW" inspect --col loss=a --col loss=b "$TMP/wb1.csv"
expect_fail "--col empty alternative" "option '--col': empty column name in 'loss=train/loss|'" \
  "$FSLAW" inspect --col 'loss=train/loss|' "$TMP/wb1.csv"
expect_fail "--col alternatives, none there" "wb1.csv:1: missing column 'val/loss' or 'eval_loss'" \
  "$FSLAW" inspect --col 'loss=val/loss|eval_loss' "$TMP/wb1.csv"

# Logs of two tools in one fit: a W&B export and a trainer_state.json, read
# with alternatives per column; the fit equals that of the same rows as CSV
C25=$2/data/mpl/25M/constant_24000.csv
sed '1s/.*/Step,my-run - train\/lr,my-run - train\/loss/' "$C24" >"$TMP/wb_cos.csv"
awk -F, 'NR == 1 { printf "{\"log_history\": [\n"; next }
  { printf "%s{\"step\": %s, \"learning_rate\": %s%s}", (NR > 2 ? ",\n" : ""), $1, $2,
           ($3 == "" ? "" : ", \"loss\": " $3) }
  END { printf "\n]}\n" }' "$C25" >"$TMP/trainer_state.json"
"$FSLAW" fit --law mtl --starts 4 --out "$TMP/plain.json" "$C24" "$C25" >/dev/null 2>&1 \
  && "$FSLAW" fit --law mtl --starts 4 --loss-window 1 --col 'loss=train/loss|loss' \
       --col 'lr=train/lr|learning_rate' --out "$TMP/mixed.json" "$TMP/wb_cos.csv" "$TMP/trainer_state.json" \
       >/dev/null 2>"$TMP/err" \
  && cmp -s <(sed -n '/"params"/,/objective/p' "$TMP/plain.json") <(sed -n '/"params"/,/objective/p' "$TMP/mixed.json") \
  && ok || bad "W&B and trainer_state in one fit: $(cat "$TMP/err")"
# JSONL: a config record on the first line is skipped
{ echo '{"config": {"model": "gpt2", "batch": 512}}'; sed -n '2,$p' "$C24" | awk -F, '{ printf "{\"step\": %s, \"lr\": %s%s}\n", $1, $2, ($3 == "" ? "" : ", \"loss\": " $3) }'; } >"$TMP/cfg.jsonl"
"$FSLAW" inspect "$TMP/cfg.jsonl" "$C24" 2>/dev/null >"$TMP/out" \
  && [ "$(cut -d' ' -f2- "$TMP/out" | sort -u | wc -l)" -eq 1 ] && ok || bad "config record: $(cat "$TMP/out")"
# an lr column that is there but empty is not called missing
printf 'step,lr,loss\n0,,5\n10,,4\n' >"$TMP/nolr.csv"
expect_fail "empty lr column" "nolr.csv: its 'lr' column has no rates (give --schedule SPEC, or --schedule $TMP/nolr.csv=SPEC for this run alone)" \
  "$FSLAW" inspect "$TMP/nolr.csv"

# a log still being written ends in half a line: read without it, with a note
# naming the line; the fit equals the fit of the log cut before that line
head -c -9 "$C24" >"$TMP/live.csv"
head -n -1 "$TMP/live.csv" >"$TMP/whole.csv"
"$FSLAW" fit --law mtl --starts 4 --out "$TMP/live.json" "$TMP/live.csv" >/dev/null 2>"$TMP/err" \
  && grep -q "note: .*live.csv:24001: the last line has no line end and does not parse: read without it" "$TMP/err" \
  && "$FSLAW" fit --law mtl --starts 4 --out "$TMP/whole.json" "$TMP/whole.csv" >/dev/null 2>&1 \
  && cmp -s <(sed 's/whole.csv/live.csv/' "$TMP/whole.json") "$TMP/live.json" \
  && ok || bad "unfinished last line: $(cat "$TMP/err")"

# TensorBoard event files (tests/data/tfevents, written by an independent
# encoder beside a CSV of each run): a run's folder reads as its CSV does
EV=$2/tests/data/tfevents
"$FSLAW" inspect --loss-window 1 "$EV/hf_run" >"$TMP/ev.out" 2>"$TMP/err" && "$FSLAW" inspect "$EV/hf_run.csv" >"$TMP/csv.out" 2>/dev/null \
  && cmp -s <(cut -d' ' -f2- "$TMP/ev.out") <(cut -d' ' -f2- "$TMP/csv.out") \
  && ok || bad "event folder as its CSV: $(cat "$TMP/ev.out" "$TMP/err")"
"$FSLAW" inspect "$EV/hf_run" >"$TMP/ev.out" 2>"$TMP/err" \
  && grep -q "note: .*hf_run: the Trainer logs 'train/loss' as the mean since its previous log" "$TMP/err" \
  && ok || bad "event folder: mean note: $(cat "$TMP/err")"
"$FSLAW" fit --law mtl --starts 4 --loss-window 1 --out "$TMP/ev.json" "$EV/hf_run" >/dev/null 2>&1 \
  && "$FSLAW" fit --law mtl --starts 4 --out "$TMP/evcsv.json" "$EV/hf_run.csv" >/dev/null 2>&1 \
  && cmp -s <(sed -n '/"params"/,/objective/p' "$TMP/ev.json") <(sed -n '/"params"/,/objective/p' "$TMP/evcsv.json") \
  && ok || bad "fit of an event folder = fit of its CSV"
"$FSLAW" inspect "$EV/resumed_run" >/dev/null 2>"$TMP/err" \
  && grep -q "note: .*resumed_run: 10 logged values were replaced by values logged later at the same or earlier steps" "$TMP/err" \
  && ok || bad "resumed run note: $(cat "$TMP/err")"
mkdir -p "$TMP/live_ev" && head -c -3 "$EV/tf2_run/events.out.tfevents.1732400001.host.tf2" >"$TMP/live_ev/events.out.tfevents.1.host"
"$FSLAW" inspect "$TMP/live_ev" >"$TMP/out" 2>"$TMP/err" && grep -q "losses=5" "$TMP/out" \
  && grep -q "note: .*live_ev/events.out.tfevents.1.host: byte [0-9]*: the last record is cut short: read without it" "$TMP/err" \
  && ok || bad "cut event file: $(cat "$TMP/out" "$TMP/err")"
expect_fail "missing tag" "tf2_run: no scalar tagged 'val/loss' (its scalar tags: loss, lr, tokens, loss_half); name the loss's tag with --col loss=TAG" \
  "$FSLAW" inspect --col loss=val/loss "$EV/tf2_run"
expect_fail "--format tfevents on a CSV" "corrupt record header" "$FSLAW" inspect --format tfevents "$EV/hf_run.csv"
# a W&B export's train/loss is found without --col loss
"$FSLAW" inspect --col step=Step --col lr=train/lr "$TMP/wb1.csv" 2>/dev/null | grep -q "losses=3 .*loss=\[3.5,5\]" \
  && ok || bad "W&B train/loss by default"

# a Trainer run without warmup, logging every 500 steps, first logs its rate at
# step 500: inventing a warmup from 0 before it (as fslaw once did) shortens
# the intrinsic time of every step by 500 * lr / 2 and a fit learns the wrong
# law. Truth: fsl fitted to the bundled 400M runs; two runs of it (constant,
# linear decay) logged as the Trainer does (the mean of each 500 steps);
# the fit must recover the law's L0, c1 and s (which the old reading missed
# by 0.25, 0.23 and 0.14).
D4=$2/data/mpl/400M
"$FSLAW" fit --law fsl --starts 8 --out "$TMP/truth.json" "$D4/cosine_24000.csv" "$D4/constant_24000.csv" "$D4/wsdcon_9.csv" >/dev/null 2>&1 \
  && ok || bad "truth fit"
hf_from() { # SPEC: the Trainer's log of the truth under SPEC
  "$FSLAW" predict --params "$TMP/truth.json" --schedule "$1" --every 1 2>/dev/null | awk -F, -v e=500 '
    NR > 1 && $2 > 0 { sum += $5; if ($2 % e == 0) { printf "%s{\"learning_rate\": %s, \"loss\": %.17g, \"step\": %d}",
      (n++ ? ",\n" : "{\"log_history\": [\n"), $3, sum / e, $2; sum = 0 } } END { print "\n]}" }'
}
hf_from 'constant:peak=3e-4,steps=12001' >"$TMP/nw_c.json"
hf_from 'linear:peak=3e-4,final=3e-5,steps=12001' >"$TMP/nw_l.json"
"$FSLAW" fit --law fsl --starts 8 --out "$TMP/nw.fit.json" "$TMP/nw_c.json" "$TMP/nw_l.json" >/dev/null 2>"$TMP/err" \
  && grep -q "before step 500, the first logged, they hold its rate" "$TMP/err" && ok || bad "no-warmup fit: $(cat "$TMP/err")"
awk '/"(L0|c1|s)":/ { gsub(/[",]/, ""); if (FNR == NR) t[$1] = $2; else v[$1] = $2 }
     END { for (p in t) { d = v[p] - t[p]; if (d < -0.02 || d > 0.02) bad = 1 }; exit bad || length(t) != 3 }' \
  "$TMP/truth.json" "$TMP/nw.fit.json" && ok || bad "no-warmup fit recovers L0, c1, s: $(grep -E '"(L0|c1|s)":' "$TMP/truth.json" "$TMP/nw.fit.json")"

# a step decay logged every 50 steps reads as its schedule: the drops are
# jumps at their logged steps (one kink each, the rates' sum exact), not
# 50-step ramps
MS='multistep:milestones=0.5/0.75,factor=0.1,steps=24000,peak=0.1'
"$FSLAW" schedule "$MS" --every 50 --out "$TMP/ms50.csv" && "$FSLAW" schedule "$MS" --out "$TMP/ms1.csv" \
  && "$FSLAW" inspect "$TMP/ms50.csv" 2>"$TMP/ms50.err" | sed 's/^[^:]*: //' >"$TMP/ms50.out" \
  && "$FSLAW" inspect "$TMP/ms1.csv" 2>/dev/null | sed 's/^[^:]*: //' >"$TMP/ms1.out" \
  && grep -q "warmup=0 kinks=12000,18000 t_final=1266 " "$TMP/ms50.out" && cmp -s "$TMP/ms50.out" "$TMP/ms1.out" \
  && ok || bad "sparse multistep: $(cat "$TMP/ms50.out" "$TMP/ms1.out")"
grep -q "the others are linearly interpolated, except 2 changes between flat stretches, taken as a step at the logged step;" \
  "$TMP/ms50.err" && ok || bad "the note does not say which gaps are steps: $(cat "$TMP/ms50.err")"

# a printed log (nanoGPT's layout, plus the rate) of a bundled run reads as its CSV:
# the same summary, and a law scores both alike; banners and eval lines are skipped
SRC=$2
awk -F, 'NR == 1 { print "Initializing a new model from scratch"; next }
  $1 == 5000 { print "step 5000: train loss 3.1, val loss 3.2" }
  { if ($3 != "") printf "iter %s: loss %s, lr %s, time 45.12ms, mfu 12.30%%\n", $1, $3, $2
    else printf "iter %s: lr %s\n", $1, $2 }' "$SRC/data/mpl/25M/cosine_24000.csv" >"$TMP/train.log"
"$FSLAW" inspect "$SRC/data/mpl/25M/cosine_24000.csv" | sed 's/^[^:]*: //' >"$TMP/ins_csv"
"$FSLAW" inspect "$TMP/train.log" 2>"$TMP/err" | sed 's/^[^:]*: //' >"$TMP/ins_log"
# inspect says which names it read when they are not the quantities' own
grep -qx "fslaw inspect: note: $TMP/train.log: read step from 'iter'" "$TMP/err" && ok || bad "read-names note: $(cat "$TMP/err")"
"$FSLAW" inspect "$SRC/data/mpl/25M/cosine_24000.csv" 2>&1 >/dev/null | grep -q "read " && bad "read-names note on a plain CSV" || ok
[ -s "$TMP/ins_csv" ] && cmp -s "$TMP/ins_csv" "$TMP/ins_log" && ok || bad "printed log != CSV: $(cat "$TMP/ins_csv" "$TMP/ins_log")"
cat >"$TMP/p.json" <<'EOF'
{"law": "mpl", "params": {"L0": 2.52, "A": 0.657, "alpha": 0.418, "B": 11587, "C": 6.55, "beta": 0.3, "gamma": 0.386}}
EOF
a=$("$FSLAW" eval --params "$TMP/p.json" "$SRC/data/mpl/25M/cosine_24000.csv" | sed -n 2p | cut -d, -f2-)
b=$("$FSLAW" eval --params "$TMP/p.json" "$TMP/train.log" | sed -n 2p | cut -d, -f2-)
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "eval of the printed log: '$b' vs '$a'"
# ... and so does the same run printed through loguru's default format and
# through rich's logging handler (timestamp, level, module:function:line or
# file:line name nothing; rich leaves a time printed on the line before
# blank), with a warning and an evaluation line skipped
for style in loguru rich; do
  awk -F, -v style=$style 'BEGIN { last = -1 }
    function pre(lvl, s) {
      if (style == "loguru")
        return sprintf("2024-01-01 %02d:%02d:%02d.%03d | %-8s | __main__:train:142 - ", \
                       int(s / 3600) % 24, int(s / 60) % 60, s % 60, NR % 1000, lvl)
      t = s == last ? sprintf("%20s", "") : sprintf("[01/01/24 %02d:%02d:%02d] ", \
                                                     int(s / 3600) % 24, int(s / 60) % 60, s % 60)
      last = s
      return sprintf("%s%-8s ", t, lvl) }
    function tail() { return style == "rich" ? "            train.py:142" : "" }
    NR == 1 { print pre("WARNING", 0) "1 GPU found" tail(); next }
    $1 == 5000 { print pre("INFO", int(NR / 3)) "[eval] step 5000 | loss 3.2" tail() }
    { m = "step " $1 " | lr " $2 ($3 != "" ? " | loss " $3 : "")
      print pre("INFO", int(NR / 3)) m tail() }' "$SRC/data/mpl/25M/cosine_24000.csv" >"$TMP/$style.log"
  "$FSLAW" inspect "$TMP/$style.log" 2>/dev/null | sed 's/^[^:]*: //' >"$TMP/ins_$style"
  [ -s "$TMP/ins_$style" ] && cmp -s "$TMP/ins_csv" "$TMP/ins_$style" && ok \
    || bad "$style-printed log != CSV: $(cat "$TMP/ins_csv" "$TMP/ins_$style")"
  c=$("$FSLAW" eval --params "$TMP/p.json" "$TMP/$style.log" | sed -n 2p | cut -d, -f2-)
  [ -n "$a" ] && [ "$a" = "$c" ] && ok || bad "eval of the $style-printed log: '$c' vs '$a'"
done
# Megatron-LM prints 'lm loss' as the mean over its --log-interval: placed at
# the middle of its interval by default (as --loss-window interval places the
# same numbers in a CSV), with a note; --loss-window 1 keeps each at its step
awk -F, 'NR == 1 { print "step,lr,loss" >csv; next }
  $3 != "" { printf " iteration %8d/   24000 | learning rate: %s | lm loss: %s |\n", $1, $2, $3
             printf "%s,%s,%s\n", $1, $2, $3 >csv }' csv="$TMP/mega.csv" \
  "$SRC/data/mpl/25M/cosine_24000.csv" >"$TMP/mega.log"
score() { "$FSLAW" eval --params "$TMP/p.json" "$@" 2>/dev/null | sed -n 2p | cut -d, -f2-; }
"$FSLAW" inspect "$TMP/mega.log" 2>&1 >/dev/null \
  | grep -q "mega.log: Megatron-LM (GPT-NeoX alike) logs 'lm loss' as the mean since its previous log" \
  && ok || bad "Megatron note: $("$FSLAW" inspect "$TMP/mega.log" 2>&1 >/dev/null)"
centred=$(score --loss-window interval "$TMP/mega.csv") point=$(score "$TMP/mega.csv")
[ -n "$centred" ] && [ "$centred" != "$point" ] && [ "$(score "$TMP/mega.log")" = "$centred" ] \
  && ok || bad "Megatron log not centred: '$(score "$TMP/mega.log")' vs '$centred' (at the steps: '$point')"
[ "$(score --loss-window 1 "$TMP/mega.log")" = "$point" ] && ok || bad "--loss-window 1 on a Megatron log"
# --format text reads any name; a NaN loss is located
cp "$TMP/train.log" "$TMP/train.dat"
"$FSLAW" inspect --format text "$TMP/train.dat" | sed 's/^[^:]*: //' | cmp -s - "$TMP/ins_csv" && ok || bad "--format text"
printf 'iter 0: loss 3.0, lr 1e-3\niter 1: loss nan, lr 1e-3\n' >"$TMP/nan.log"
# worded for a printed log: a line has no loss to leave empty
expect_fail "NaN in a printed log" "nan.log:2:9: column 'loss': NaN is not a valid value (the loss overflowed at this step, or the run diverged: delete this line, or end the log before it)" \
  "$FSLAW" inspect "$TMP/nan.log"
! grep -q "leave the loss empty" "$TMP/err" && ok || bad "NaN in a printed log: CSV advice"

# rates printed to 3 significant digits ("lr 2.97e-04"): a WSD decay's start,
# a few units below the peak only after many steps, is still the kink the
# CSV has; a cosine or a constant run printed so has none
for r in wsd_20000_24000 wsdld_20000_24000 cosine_24000 constant_24000; do
  kinks() { "$FSLAW" inspect "$1" 2>/dev/null | sed 's/.* kinks=//; s/ .*//'; }
  awk -F, 'NR > 1 { if ($3 != "") printf "iter %s: loss %s, lr %.2e\n", $1, $3, $2
    else printf "iter %s: lr %.2e\n", $1, $2 }' "$SRC/data/mpl/400M/$r.csv" >"$TMP/r3_$r.log"
  want=$(kinks "$SRC/data/mpl/400M/$r.csv") got=$(kinks "$TMP/r3_$r.log")
  [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "kinks of $r printed to 3 digits: '$got', the CSV's '$want'"
done

# the same run as OLMo prints it (a "[step=N/M]" line, then one metric a line,
# indented; evaluation blocks) and as composer's console does ("[batch=N/M]:",
# "\t Train NAME: VALUE"; "[Eval batch=...]" blocks): read as its CSV, scored
# alike. Both tools print the rate rounded, or not at all: here it is printed
# in full and named with --col. Composer's step needs --col step=batch, which
# the error without it says.
awk -F, 'NR == 1 { print "2024-02-01 12:00:00.000\tnode-0:0\tolmo.train:1140\tINFO\tPre-train system metrics"
    print "    System/Peak GPU Memory (MB)=12,345"; next }
  { printf "2024-02-01 12:00:00.000\tnode-0:0\tolmo.train:1218\tINFO\t[step=%s/24000]\n", $1
    if ($3 != "") printf "    train/CrossEntropyLoss=%s\n    train/Perplexity=27.1\n", $3
    printf "    optim/learning_rate_group0=%s\n    throughput/total_tokens=1,048,576\n", $2 }
  $1 == 5000 { print "2024-02-01 12:00:00.000\tnode-0:0\tolmo.train:1030\tINFO\t[eval_step=10/10]"
    print "2024-02-01 12:00:00.000\tnode-0:0\tolmo.train:1036\tINFO\tc4_en-validation"
    print "    eval/c4_en-validation/CrossEntropyLoss=3.9" }' "$SRC/data/mpl/25M/cosine_24000.csv" >"$TMP/olmo.log"
awk -F, 'NR == 1 { print "Config:\nnum_gpus_per_node: 8"; next }
  { printf "[batch=%s/24000]:\n\t Train time/batch: %d\n", $1, ($1 > 0 ? $1 - 1 : 0)
    if ($3 != "") printf "\t Train loss/train/total: %s\n", $3
    printf "\t Train lr-DecoupledAdamW/group0: %s\n", $2 }
  $1 == 5000 { print "[Eval batch=1/10] Eval on eval data\n[Eval batch=10/10] Eval on eval data:"
    print "\t Eval metrics/eval/LanguageCrossEntropy: 3.9000" }' "$SRC/data/mpl/25M/cosine_24000.csv" >"$TMP/composer.log"
OLMO=(--col lr=optim/learning_rate_group0) COMPOSER=(--col step=batch --col 'lr=Train lr-DecoupledAdamW/group0')
"$FSLAW" inspect "${OLMO[@]}" "$TMP/olmo.log" 2>/dev/null | sed 's/^[^:]*: //' | cmp -s - "$TMP/ins_csv" \
  && ok || bad "OLMo's printed log != CSV: $("$FSLAW" inspect "${OLMO[@]}" "$TMP/olmo.log" 2>&1)"
"$FSLAW" inspect "${COMPOSER[@]}" "$TMP/composer.log" 2>/dev/null | sed 's/^[^:]*: //' | cmp -s - "$TMP/ins_csv" \
  && ok || bad "composer's printed log != CSV: $("$FSLAW" inspect "${COMPOSER[@]}" "$TMP/composer.log" 2>&1)"
b=$("$FSLAW" eval --params "$TMP/p.json" "${OLMO[@]}" "$TMP/olmo.log" | sed -n 2p | cut -d, -f2-)
[ "$a" = "$b" ] && ok || bad "eval of OLMo's printed log: '$b' vs '$a'"
b=$("$FSLAW" eval --params "$TMP/p.json" "${COMPOSER[@]}" "$TMP/composer.log" | sed -n 2p | cut -d, -f2-)
[ "$a" = "$b" ] && ok || bad "eval of composer's printed log: '$b' vs '$a'"
expect_fail "composer without --col step=batch" "composer.log: no line names a step ('step', 'iter', \
'iteration' or 'completed step')" "$FSLAW" inspect --col 'lr=Train lr-DecoupledAdamW/group0' "$TMP/composer.log"
grep -qF "; line 5 has a rate but no step and continues line 3, which names 'batch': if that is the step, give --col step=batch" \
  "$TMP/err" && ok || bad "no --col hint: $(cat "$TMP/err")"
n=$(grep -n -m1 CrossEntropyLoss "$TMP/olmo.log" | cut -d: -f1)
sed "${n}s/=.*/=nan/" "$TMP/olmo.log" >"$TMP/olmo_nan.log"
expect_fail "NaN in a record of several lines" "olmo_nan.log:$n:5: column 'train/CrossEntropyLoss': NaN" \
  "$FSLAW" inspect "${OLMO[@]}" "$TMP/olmo_nan.log"

# PyTorch Lightning's CSVLogger: rate, loss and validation rows apart, the rate
# under LearningRateMonitor's 'lr-AdamW': read with no options (train_loss, never
# train_loss_epoch or val_loss); its event files and W&B history alike. The rate
# ramps from 1e-3 at step 0 to 5e-4 at 10, then holds: t_final = 0.00775 + 0.005
cat >"$TMP/metrics.csv" <<'EOF'
epoch,lr-AdamW,lr-AdamW-momentum,step,train_loss,train_loss_epoch,val_loss
,0.001,0.9,0,,,
0,,,9,3.5,,
,0.0005,0.9,10,,,
0,,,19,3.25,,
0,,,19,,,3.75
0,,,19,,3.375,
EOF
"$FSLAW" inspect --loss-window 1 "$TMP/metrics.csv" >"$TMP/out" 2>"$TMP/err" \
  && grep -qF "metrics.csv: steps=20 losses=2 lr=[0.0005,0.001] warmup=0 kinks=10 t_final=0.01275 loss=[3.25,3.5]" "$TMP/out" \
  && grep -qF "metrics.csv: read lr from 'lr-AdamW', loss from 'train_loss'" "$TMP/err" \
  && ok || bad "Lightning metrics.csv: $(cat "$TMP/out" "$TMP/err")"
printf '%s\n' '{"lr-AdamW": 0.001, "trainer/global_step": 0, "_step": 0}' \
  '{"train_loss": 3.5, "epoch": 0, "trainer/global_step": 9, "_step": 1}' \
  '{"lr-AdamW": 0.0005, "trainer/global_step": 10, "_step": 2}' \
  '{"train_loss": 3.25, "epoch": 0, "trainer/global_step": 19, "_step": 3}' >"$TMP/wandb-history.jsonl"
"$FSLAW" inspect --loss-window 1 "$TMP/wandb-history.jsonl" >"$TMP/out" 2>"$TMP/err" \
  && grep -qF "wandb-history.jsonl: steps=20 losses=2 lr=[0.0005,0.001] warmup=0 kinks=10 t_final=0.01275 loss=[3.25,3.5]" "$TMP/out" \
  && grep -qF "read step from 'trainer/global_step', lr from 'lr-AdamW', loss from 'train_loss'" "$TMP/err" \
  && ok || bad "Lightning W&B history: $(cat "$TMP/out" "$TMP/err")"
"$FSLAW" inspect --loss-window 1 "$2/tests/data/lightning/lightning_run" >"$TMP/ev.out" 2>"$TMP/err" \
  && "$FSLAW" inspect "$2/tests/data/lightning/lightning_run.csv" >"$TMP/csv.out" 2>/dev/null \
  && grep -q "steps=200 losses=20 " "$TMP/ev.out" && cmp -s <(cut -d' ' -f2- "$TMP/ev.out") <(cut -d' ' -f2- "$TMP/csv.out") \
  && grep -qF "read lr from 'lr-AdamW', loss from 'train_loss_step'" "$TMP/err" \
  && ok || bad "Lightning event files: $(cat "$TMP/ev.out" "$TMP/err")"
# several param groups: none is read without --col (their rates may differ)
printf 'step,lr-AdamW/pg1,lr-AdamW/pg2,train_loss\n0,1e-3,1e-4,3\n9,1e-3,1e-4,2.5\n' >"$TMP/pg.csv"
expect_fail "param groups" "pg.csv: no 'lr' column (the header has: step,lr-AdamW/pg1,lr-AdamW/pg2,train_loss); name it with --col lr=COLUMN" \
  "$FSLAW" inspect "$TMP/pg.csv"
"$FSLAW" inspect --loss-window 1 --col lr=lr-AdamW/pg1 "$TMP/pg.csv" 2>/dev/null | grep -qF "steps=10 losses=2 lr=[0.001,0.001] warmup=0 kinks=none t_final=0.01 loss=[2.5,3]" \
  && ok || bad "--col lr=lr-AdamW/pg1"

# the Hugging Face Trainer's printed dicts have no step: the error says to read
# its trainer_state.json; absl's prefix "test.py:42]" is no evaluation word
printf '%s\n' "{'loss': 2.3456, 'grad_norm': 1.23, 'learning_rate': 4.9e-05, 'epoch': 0.01}" \
  "{'loss': 2.1, 'grad_norm': 1.1, 'learning_rate': 4.8e-05, 'epoch': 0.02}" >"$TMP/hf_stdout.log"
expect_fail "HF printed dicts" "hf_stdout.log:1: the Hugging Face Trainer's printed dicts ({'loss': ..., 'learning_rate': ..., 'epoch': ...}) name no step, and fslaw does not invent one: read the run's trainer_state.json instead" \
  "$FSLAW" inspect "$TMP/hf_stdout.log"
printf '%s\n' "I1125 12:00:00.123456 140234 test.py:42] step 100 loss 3.2 lr 3e-4" \
  "I1125 12:00:00.223456 140234 test.py:42] [eval] step 100 | loss 3.4" \
  "I1125 12:00:01.123456 140234 test.py:42] step 200 loss 3.1 lr 3e-4" >"$TMP/absl.log"
"$FSLAW" inspect --loss-window 1 "$TMP/absl.log" 2>"$TMP/err" | grep -qF "absl.log: steps=201 losses=2 lr=[0.0003,0.0003] warmup=0 kinks=none t_final=0.0603 loss=[3.1,3.2]" \
  && ok || bad "absl prefix with test.py: $(cat "$TMP/err")"

finish test_logs_cli
