# test_signals.sh: a command stopped by SIGINT, SIGTERM, SIGHUP or SIGPIPE while its
# outputs are open leaves no temporary file (*.tmp.XXXXXX) behind, creates
# no target, keeps an existing one, and dies of the signal (exit status
# 128 + its number); a SIGINT ignored by the parent stays ignored.
# Usage: bash test_signals.sh FSLAW SOURCE_DIR SCRATCH_DIR
set -u
source "$(dirname "$0")/lib.sh"
F=$1
S=$3/signals
TMP=$S
D=$S/out
rm -rf "$S" && mkdir -p "$D" || exit 1

# Minutes of work (10^12 mode updates) after --out and --plot are opened:
# every case below stops it once both temporary files exist.
LONG=(simulate --features 1000000 --schedule 'constant:peak=0.1,steps=1000000'
      --every 100000 --threads 1 --out "$D/o.csv" --plot "$D/o.svg")

ntmp() { find "$D" -name '*.tmp.*' | wc -l; }

# wait_tmp PID: until both temporary files exist (at most 20 s, polled, so
# a loaded machine only makes it slower).
wait_tmp() {
  local i
  for ((i = 0; i < 400; i++)); do
    [ "$(ntmp)" -ge 2 ] && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# finish_pid PID: wait for PID (killing it after 20 s: status 1) and set rc
# to its exit status. Called with stderr hidden: bash notes on it a job
# that a signal ended.
finish_pid() {
  local i
  for ((i = 0; i < 400; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$1" 2>/dev/null && { wait "$1"; return 1; }
  wait "$1"
  rc=$?
}

# case NAME SIG WANT JOBCTL: start the long command (with job control when
# JOBCTL is 1: its SIGINT is then not ignored), send SIG once its outputs
# are open, expect exit status WANT and nothing left behind. With JOBCTL 0
# SIGINT is ignored (a background job of a script): SIG is "INT TERM".
case_() {
  local name=$1 sigs=$2 want=$3 jobctl=$4 pid sig
  rm -f "$D"/*
  echo "<svg>old</svg>" >"$D/o.svg" # an existing (earlier) plot stays as it was
  [ "$jobctl" = 1 ] && set -m
  "$F" "${LONG[@]}" 2>"$S/err.$name" &
  pid=$!
  set +m
  if ! wait_tmp "$pid"; then
    bad "$name: the temporary outputs never appeared: $(cat "$S/err.$name")"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return
  fi
  for sig in $sigs; do kill -"$sig" "$pid"; done
  finish_pid "$pid" 2>/dev/null || { bad "$name: still running 20 s after SIG$sig"; return; }
  [ "$rc" = "$want" ] && ok || bad "$name: exit status $rc, want $want"
  [ "$(ntmp)" = 0 ] && ok || bad "$name: temporary files left: $(ls "$D" | tr '\n' ' ')"
  [ ! -e "$D/o.csv" ] && ok || bad "$name: o.csv created"
  [ "$(cat "$D/o.svg")" = "<svg>old</svg>" ] && ok || bad "$name: the existing o.svg changed"
}

case_ sigint INT 130 1
case_ sigterm TERM 143 1
case_ sighup HUP 129 1
case_ sigpipe PIPE 141 1
# SIGINT ignored on entry stays ignored: the SIGTERM sent after it ends the run
case_ sigint_ignored "INT TERM" 143 0

finish test_signals
