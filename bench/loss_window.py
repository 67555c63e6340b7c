#!/usr/bin/python3
"""loss_window.py: what it costs to fit losses logged as means over an
interval (the Hugging Face Trainer, Megatron) as if they were the loss at
their step, and what --loss-window recovers (docs/fit.md section 1).

Truth: LAW fitted to the bundled 400M training split (data/mpl). Training
logs: cosine, constant and WSD (20 % decay) over 30000 steps, logged every W
steps as the mean of the truth over those W steps (no noise). Variants: the
means taken at their steps (--loss-window 1), placed at the middle of their
interval (--loss-window interval), and the truth at the logged steps (the
best possible). Held out: 8-1-1, cosine over 60000, WSD (10 %) over 40000,
noise-free. Prints held-out PredE per schedule and the mean.

usage: bench/loss_window.py FSLAW_BINARY [LAW [W...]]   (defaults fslkq 100 500;
       ~1 min per W on 2 cores for fslkq)
"""
import csv, io, os, subprocess, sys, tempfile

try:
    import numpy as np
except ImportError:
    sys.exit("loss_window.py: numpy is missing (Debian: apt-get install python3-numpy); nothing measured")

F = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
LAW = sys.argv[2] if len(sys.argv) > 2 else "fslkq"
WINDOWS = [int(w) for w in sys.argv[3:]] or [100, 500]
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mpl", "400M")
T = tempfile.mkdtemp()
C = "peak=3e-4,warmup=2000"
TRAIN = {"cosine": f"cosine:final=3e-5,{C},steps=30000", "constant": f"constant:{C},steps=30000",
         "wsd": f"wsd:decay=0.2,final=3e-5,{C},steps=30000"}
TEST = {"8-1-1": f"multistep:milestones=0.8/0.9,factor=0.31622776601683794,{C},steps=30000",
        "cosine60k": f"cosine:final=3e-5,{C},steps=60000",
        "wsd40k": f"wsd:decay=0.1,final=3e-5,{C},steps=40000"}


def fslaw(*args):
    return subprocess.run([F, *args], check=True, capture_output=True, text=True).stdout


def curve(truth, spec):
    lr = np.array([float(r["lr"]) for r in csv.DictReader(io.StringIO(fslaw("schedule", spec)))])
    rows = list(csv.DictReader(io.StringIO(
        fslaw("predict", "--params", truth, "--schedule", spec, "--every", "1"))))
    return lr, {int(r["step"]): float(r["pred"]) for r in rows}


def write(path, lr, at):
    with open(path, "w") as f:
        f.write("step,lr,loss\n")
        for k, r in enumerate(lr):
            f.write("%d,%.17g,%s\n" % (k, r, "%.17g" % at[k] if k in at else ""))
    return path


def main():
    truth = os.path.join(T, "truth.json")
    fslaw("fit", "--law", LAW, "--out", truth,
          *[os.path.join(D, r + ".csv") for r in ("cosine_24000", "constant_24000", "wsdcon_9")])
    tests = []
    for name, spec in TEST.items():
        lr, y = curve(truth, spec)
        tests.append(write(os.path.join(T, f"test_{name}.csv"), lr,
                           {k: v for k, v in y.items() if k % 50 == 0}))
    train = {name: curve(truth, spec) for name, spec in TRAIN.items()}
    print(f"law {LAW}: held-out PredE ({', '.join(TEST)}, mean)")
    for w in WINDOWS:
        runs = {"means": [], "points": []}
        for name, (lr, y) in train.items():
            ends = [s for s in range(w, len(lr), w) if s - w + 1 in y]
            runs["means"].append(write(os.path.join(T, f"mean_{name}.csv"), lr,
                                       {s: np.mean([y[j] for j in range(s - w + 1, s + 1)]) for s in ends}))
            runs["points"].append(write(os.path.join(T, f"point_{name}.csv"), lr, {s: y[s] for s in ends}))
        for label, files, opt in (("means at their steps", runs["means"], "1"),
                                  ("means centred", runs["means"], "interval"),
                                  ("true losses", runs["points"], "1")):
            out = os.path.join(T, "fit.json")
            fslaw("fit", "--law", LAW, "--loss-window", opt, "--out", out, *files)
            rows = list(csv.DictReader(io.StringIO(fslaw("eval", "--params", out, *tests))))
            print(f"  W = {w:4d} {label:22s} " + " ".join("%.5f" % float(r["prede"]) for r in rows),
                  flush=True)


try:
    main()
finally:
    subprocess.run(["rm", "-rf", T])
