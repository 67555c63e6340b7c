#!/bin/bash
# bench_tfevents.sh: speed of reading TensorBoard event files. Writes a
# Hugging Face Trainer-style run of N steps (default 300000; train/loss,
# train/learning_rate and train/grad_norm at every step, each its own event:
# 3N records) with the test fixtures' encoder (tests/data/tfevents/
# make_fixtures.py, needs Debian's python3-crcmod), then times
# `fslaw inspect` on it against a straightforward Python reader of the same
# records (framing, CRC-32C of every record with crcmod, the protobuf fields
# of a scalar) that computes the same summary. Prints both times and the
# ratio, and checks the two agree on the number of losses and the rate range.
# Usage: bench/bench_tfevents.sh FSLAW_BINARY [N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
F=$1
N=${2:-300000}
PY=/usr/bin/python3
if ! $PY -c 'import crcmod' 2>/dev/null; then
  echo "bench_tfevents: needs python3-crcmod (apt-get install python3-crcmod)" >&2
  exit 2
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/run"
echo "load now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
$PY - "$here/../tests/data/tfevents" "$W/run/events.out.tfevents.1.host" "$N" <<'PYEOF'
import math, sys
sys.path.insert(0, sys.argv[1])
import make_fixtures as m
n = int(sys.argv[3])
with open(sys.argv[2], "wb") as out:
    out.write(m.file_version())
    for s in range(1, n + 1):
        lr = 3e-4 * min(1, s / 2000) * 0.5 * (1 + math.cos(math.pi * s / n))
        for tag, x in (("train/loss", 2.5 + 3 * (s + 100) ** -0.3), ("train/learning_rate", lr),
                       ("train/grad_norm", 1.0)):
            out.write(m.event(s, m.summary([m.simple(tag, x)])))
PYEOF
echo "file: $(stat -c %s "$W/run/events.out.tfevents.1.host") bytes, $((3 * N)) scalar events"

t0=$(date +%s.%N)
"$F" inspect "$W/run" >"$W/ours.txt" 2>/dev/null
t1=$(date +%s.%N)
$PY - "$W/run/events.out.tfevents.1.host" >"$W/ref.txt" <<'PYEOF'
import struct, sys
import crcmod.predefined
crc = crcmod.predefined.mkCrcFun("crc-32c")
def masked(b):
    c = crc(b)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
def varint(b, i):
    v = s = 0
    while True:
        x = b[i]; i += 1
        v |= (x & 0x7F) << s; s += 7
        if x < 0x80: return v, i
def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        f, w = key >> 3, key & 7
        if w == 0: v, i = varint(b, i)
        elif w == 1: v = b[i:i + 8]; i += 8
        elif w == 5: v = b[i:i + 4]; i += 4
        else:
            n, i = varint(b, i); v = b[i:i + n]; i += n
        yield f, v
data = open(sys.argv[1], "rb").read()
pos, losses, lrs = 0, 0, []
while pos < len(data):
    n = struct.unpack_from("<Q", data, pos)[0]
    assert masked(data[pos:pos + 8]) == struct.unpack_from("<I", data, pos + 8)[0]
    rec = data[pos + 12:pos + 12 + n]
    assert masked(rec) == struct.unpack_from("<I", data, pos + 12 + n)[0]
    pos += 16 + n
    for f, v in fields(rec):
        if f != 5: continue
        for f2, val in fields(v):
            tag, x = None, None
            for f3, y in fields(val):
                if f3 == 1: tag = y.decode()
                elif f3 == 2: x = struct.unpack("<f", y)[0]
            if tag == "train/loss": losses += 1
            elif tag == "train/learning_rate": lrs.append(x)
print("losses=%d lr=[%.6g,%.6g]" % (losses, min(lrs), max(lrs)))
PYEOF
t2=$(date +%s.%N)
ours=$(echo "$t1 - $t0" | bc -l); ref=$(echo "$t2 - $t1" | bc -l)
printf "fslaw inspect: %.2f s   python reader: %.2f s   ratio %.1fx\n" "$ours" "$ref" "$(echo "$ref / $ours" | bc -l)"
cat "$W/ours.txt" "$W/ref.txt"
grep -q "losses=$N lr=\[0,$(sed 's/.*lr=\[\([^,]*\),\([^]]*\)\].*/\2/' "$W/ref.txt")\]" "$W/ours.txt" \
  && echo "summaries agree" || { echo "summaries differ" >&2; exit 1; }
