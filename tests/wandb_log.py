"""wandb_log.py: write W&B transaction logs (run-ID.wandb) for the tests,
independently of fslaw's reader: the protobuf wire format written by hand
(field numbers of wandb/proto/wandb_internal.proto) and LevelDB's log framing
as W&B's DataStore writes it (32 KiB blocks, FULL or FIRST/MIDDLE/LAST chunks,
a zero trailer where fewer than 7 bytes are left, CRC-32 of type and data).

Usage: wandb_log.py OUT.wandb CSV STYLE [NAME]
  STYLE lightning: every step logs trainer/global_step, lr-AdamW and, where
        the CSV has one, train_loss (WandbLogger with LearningRateMonitor);
  STYLE nested: as lightning, the loss under the nested key ("train", "loss");
  STYLE core: as lightning, every key (and _step) a nested key, as wandb-core
        writes them;
  STYLE dict: as lightning, the loss logged in a dict {"train": {"loss": x}}
        (one item whose value is an object, as the older SDK writes it) beside
        a media value and a string with a line end;
  STYLE trainer: every step with a loss logs train/global_step,
        train/learning_rate, train/loss, train/epoch (the Trainer's callback).
  NAME: the run's display name (a run record first, and last a run record
        with the run's id alone, as an update).
Between the history records are records fslaw skips (console output, system
stats, a config), and in a run of over 100 rows one history record holds a
70 kB string, so that it spans blocks (FIRST, MIDDLE, LAST).
"""
import csv
import json
import struct
import sys
import zlib

BLOCK, HEADER = 32768, 7


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return key + varint(len(payload)) + payload


def item(key, value):
    """A key given as a tuple is a nested one (its parts, no key)."""
    name = b"".join(field(2, 2, k) for k in key) if isinstance(key, tuple) else field(1, 2, key)
    return field(1, 2, name + field(16, 2, json.dumps(value)))


def history(num, items, step, core=False):
    """core: every key as wandb-core writes it, a nested key of its parts."""
    if core:
        items = [(k if isinstance(k, tuple) else tuple(k.split(".")), v) for k, v in items]
        items.append((("_step",), step))
    body = b"".join(item(k, v) for k, v in items)
    body += field(2, 2, field(1, 0, step)) + field(200, 2, field(1, 2, "stream"))
    return field(1, 0, num) + field(2, 2, body) + field(16, 2, field(1, 0, 1)) + field(19, 2, "u%d" % num)


def run_record(name):
    return field(1, 0, 1) + field(17, 2, field(1, 2, "abc123") + field(3, 2, "proj") + field(8, 2, name))


def run_update():
    """A later run record with the run's id alone (no display name)."""
    return field(1, 0, 1) + field(17, 2, field(1, 2, "abc123"))


def skipped(num):
    output = field(4, 2, field(1, 0, 1) + field(3, 2, "epoch 1: 100%|####|\n"))
    stats = field(7, 2, field(3, 2, field(1, 2, "gpu.0.temp") + field(16, 2, "61")))
    config = field(5, 2, field(1, 2, field(1, 2, "lr") + field(16, 2, "0.0003")))
    return [field(1, 0, num) + r for r in (output, stats, config)]


class Log:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<4sHB", b":W&B", 0xBEE1, 0))
        self.at = HEADER

    def chunk(self, data, kind):
        crc = zlib.crc32(data, zlib.crc32(bytes([kind]))) & 0xFFFFFFFF
        self.f.write(struct.pack("<IHB", crc, len(data), kind) + data)
        self.at += HEADER + len(data)

    def write(self, data):
        left = BLOCK - self.at % BLOCK
        if left < HEADER:
            self.f.write(b"\0" * left)
            self.at += left
            left = BLOCK
        if len(data) + HEADER <= left:
            return self.chunk(data, 1)
        room = left - HEADER
        self.chunk(data[:room], 2)
        data = data[room:]
        while len(data) > BLOCK - HEADER:
            self.chunk(data[:BLOCK - HEADER], 3)
            data = data[BLOCK - HEADER:]
        self.chunk(data, 4)


def main():
    out, src, style = sys.argv[1:4]
    log, num = Log(out), 1
    if len(sys.argv) > 4:
        log.write(run_record(sys.argv[4]))
    rows = list(csv.DictReader(open(src)))
    for i, r in enumerate(rows):
        s = int(r["step"])
        if style in ("lightning", "nested", "core", "dict"):
            items = [("trainer/global_step", s), ("lr-AdamW", float(r["lr"]))]
            if r["loss"]:
                loss = float(r["loss"])
                if style == "dict":  # the older SDK: wandb.log({"train": {"loss": x}}), and media
                    items += [("train", {"loss": loss, "img": {"_type": "image-file"}}),
                              ("note", "line one\nline two")]
                else:
                    items.append((("train", "loss") if style == "nested" else "train_loss", loss))
        elif r["loss"]:
            items = [("train/loss", float(r["loss"])), ("train/learning_rate", float(r["lr"])),
                     ("train/epoch", s / 1000), ("train/global_step", s)]
        else:
            continue
        items += [("_runtime", 0.5 * s), ("_timestamp", 1.7e9 + s)]
        log.write(history(num, items, num - 1, core=style == "core"))
        num += 1
        if i == len(rows) // 2 and len(rows) > 100:  # a record that spans blocks
            log.write(history(num, [("notes", "x" * 70000), ("_runtime", 0.5 * s)], num - 1))
            num += 1
        if i % 1000 == 0:
            for r2 in skipped(num):
                log.write(r2)
            num += 1
    if len(sys.argv) > 4:
        log.write(run_update())
    log.f.close()


if __name__ == "__main__":
    main()
