#!/usr/bin/python3
"""make_lightning.py: a PyTorch Lightning run's event files (TensorBoardLogger with a
LearningRateMonitor(log_momentum=True)), and beside it a CSV of the values the reader must
return, with the independent encoder of tests/data/tfevents/make_fixtures.py (not in that
folder, whose runs a test lists). Rerun after changing it:
    /usr/bin/python3 tests/data/lightning/make_lightning.py
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tfevents"))
from make_fixtures import event, file_version, shortest32, simple, summary, write, write_csv  # noqa: E402


def lightning_run():
    """Tags lr-AdamW and lr-AdamW-momentum (one event), train_loss_step, epoch; at each
    epoch's end train_loss_epoch (the epoch's mean, never the loss) and val_loss."""
    data = file_version() + event(0, summary([simple("hp_metric", -1.0)]))
    rows, epoch_sum = [], 0.0
    for s in range(9, 200, 10):
        lr = 1e-3 * min(1.0, (s + 1) / 50) * (0.5 + 0.5 * math.cos(math.pi * s / 400))
        loss = 4.0 - 0.004 * s
        data += event(s, summary([simple("lr-AdamW", lr), simple("lr-AdamW-momentum", 0.9)]))
        data += event(s, summary([simple("train_loss_step", loss), simple("epoch", s // 100)]))
        epoch_sum += loss
        if s % 100 == 99:
            data += event(s, summary([simple("val_loss", loss + 0.3)]))
            data += event(s, summary([simple("train_loss_epoch", epoch_sum / 10)]))
            epoch_sum = 0.0
        rows.append((s, shortest32(lr), shortest32(loss)))
    write(os.path.join(HERE, "lightning_run", "events.out.tfevents.1732400300.host.1.0"), data)
    write_csv(os.path.join(HERE, "lightning_run.csv"), rows)


if __name__ == "__main__":
    lightning_run()
