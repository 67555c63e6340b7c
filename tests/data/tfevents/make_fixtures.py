#!/usr/bin/python3
"""make_fixtures.py: writes the TensorBoard event files that tests/test_runlog.c reads,
and beside each a CSV of the same run (the values the reader must return).

The encoder here is written from the public format only (TFRecord framing: u64 length,
u32 masked CRC-32C of the length, data, u32 masked CRC-32C of the data; tensorflow's
event.proto / summary.proto / tensor.proto field numbers), and shares no code with the
library's reader, so the tests cross-check two independent implementations. CRC-32C
comes from python3-crcmod (Debian). Rerun after changing it:
    /usr/bin/python3 tests/data/tfevents/make_fixtures.py
"""
import math
import os
import struct

import crcmod.predefined

HERE = os.path.dirname(os.path.abspath(__file__))
crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", masked(head)) + data + struct.pack("<I", masked(data))


def varint(n):
    n &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_double(field, x):
    return key(field, 1) + struct.pack("<d", x)


def f_float(field, x):
    return key(field, 5) + struct.pack("<f", x)


def f_bytes(field, b):
    return key(field, 2) + varint(len(b)) + b


def event(step, what, wall=1732400000.0):
    return record(f_double(1, wall + step) + (f_varint(2, step) if step else b"") + what)


def file_version():
    return record(f_double(1, 1732400000.0) + f_bytes(3, b"brain.Event:2"))


def summary(values):
    return f_bytes(5, b"".join(f_bytes(1, v) for v in values))


def simple(tag, x):
    return f_bytes(1, tag.encode()) + f_float(2, x)


def tensor(tag, dtype, payload, dims=()):
    shape = b"".join(f_bytes(2, f_varint(1, d)) for d in dims)
    t = f_varint(1, dtype) + (f_bytes(2, shape) if dims else b"") + payload
    return f_bytes(1, tag.encode()) + f_bytes(8, t)


def shortest32(x):
    """The shortest decimal that reads back as the float32 nearest x."""
    f = struct.unpack("<f", struct.pack("<f", x))[0]
    for p in range(1, 10):
        s = "%.*g" % (p, f)
        if struct.unpack("<f", struct.pack("<f", float(s)))[0] == f:
            return s
    raise ValueError(x)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def write_csv(path, rows):
    with open(path, "w") as fh:
        fh.write("step,lr,loss\n")
        for s, lr, loss in rows:
            fh.write("%d,%s,%s\n" % (s, lr, loss))


def hf_run():
    """A Hugging Face Trainer run: tags train/loss, train/learning_rate, train/epoch,
    train/grad_norm, each its own event; a text summary and a histogram to skip."""
    data = file_version()
    text = f_varint(1, 7) + f_bytes(8, b"{\"lr\": 0.001}")  # DT_STRING, string_val
    data += event(0, summary([f_bytes(1, b"args/text_summary") + f_bytes(8, text)]))
    rows = []
    for s in range(10, 201, 10):
        lr = 1e-3 * s / 50 if s < 50 else 1e-4 + 0.45e-3 * (1 + math.cos(math.pi * (s - 50) / 150))
        loss = 4.25 - 0.005 * s
        for tag, x in (("train/loss", loss), ("train/grad_norm", 1.5), ("train/learning_rate", lr),
                       ("train/epoch", s / 200)):
            data += event(s, summary([simple(tag, x)]))
        rows.append((s, shortest32(lr), shortest32(loss)))
        if s == 100:  # a histogram (Summary.Value.histo = 5) the reader must skip
            histo = f_double(1, -1.0) + f_double(2, 1.0) + f_double(3, 10.0)
            data += event(s, summary([f_bytes(1, b"weights") + f_bytes(5, histo)]))
    write(os.path.join(HERE, "hf_run", "events.out.tfevents.1732400000.host.1234.0"), data)
    write_csv(os.path.join(HERE, "hf_run.csv"), rows)


def tf2_run():
    """tf.summary.scalar style: values as scalar tensors (DT_FLOAT in float_val,
    DT_DOUBLE in tensor_content, DT_INT64 tokens, DT_HALF bits), several values
    per event, and a vector tensor that is not a scalar."""
    data = file_version()
    rows = []
    for s in range(0, 101, 20):
        lr = 2e-3 if s <= 40 else 2e-3 * (1 - (s - 40) / 100)
        loss = 3.5 - 0.0125 * s
        vals = [tensor("loss", 1, f_bytes(5, struct.pack("<f", loss))),
                tensor("lr", 2, f_bytes(4, struct.pack("<d", lr))),
                tensor("tokens", 9, f_bytes(10, varint(s * 4096))),
                tensor("loss_half", 19, f_bytes(13, varint(0x4100 + s))),  # 2.5 + s/512
                tensor("vec", 1, f_bytes(5, struct.pack("<3f", 1, 2, 3)), dims=(3,))]
        data += event(s, summary(vals))
        rows.append((s, repr(lr), shortest32(loss)))
    write(os.path.join(HERE, "tf2_run", "events.out.tfevents.1732400001.host.tf2"), data)
    write_csv(os.path.join(HERE, "tf2_run.csv"), rows)


def resumed_run():
    """A run resumed from its step-60 checkpoint after dying at step 100: the second
    event file (a later name) logs steps 60..150 again; its values must win."""
    first, second, rows = file_version(), file_version(), {}
    for s in range(10, 101, 10):
        first += event(s, summary([simple("lr", 1e-3), simple("loss", 5 - 0.01 * s)]))
        rows[s] = (s, "0.001", shortest32(5 - 0.01 * s))
    for s in range(60, 151, 10):
        second += event(s, summary([simple("lr", 1e-3), simple("loss", 4.5 - 0.01 * s)]))
        rows[s] = (s, "0.001", shortest32(4.5 - 0.01 * s))
    write(os.path.join(HERE, "resumed_run", "events.out.tfevents.1732400100.host.1.0"), first)
    write(os.path.join(HERE, "resumed_run", "events.out.tfevents.1732400200.host.2.0"), second)
    write_csv(os.path.join(HERE, "resumed_run.csv"), [rows[s] for s in sorted(rows)])


if __name__ == "__main__":
    hf_run()
    tf2_run()
    resumed_run()
