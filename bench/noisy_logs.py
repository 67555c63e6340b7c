#!/usr/bin/python3
"""noisy_logs.py: does `fslaw fit` make good use of a loss logged at every
step? A real per-step loss is one batch's, noisy; a fit evaluates the law at
about --max-points (500) steps per run, so a denser log is fitted as the
means of about 170 bins of consecutive logged points against the law's mean
over each (src/fit_points.c). This compares that with fitting 500 evenly
picked points (what thinning did before 2026-11-24, session 6), on runs
whose truth is known.

Truth: LAW fitted to the bundled 400M training split (data/mpl). Training
logs: cosine, constant and WSD (20 % decay) over 30000 steps, the truth at
every step plus Gaussian noise of SIGMA (absolute, in loss units). Held out:
8-1-1 (30000 steps, sharp drops), cosine over 60000 and WSD (10 %) over
40000, noise-free. Prints the held-out PredE of each variant per seed, then
the means. Writes only to a temporary folder.

usage: bench/noisy_logs.py FSLAW_BINARY [LAW [SIGMA [SEEDS]]]
       (defaults fslkq 0.02 3; ~2-3 min on 2 cores for fslkq)
"""
import csv, io, os, subprocess, sys, tempfile, time

try:
    import numpy as np
except ImportError:
    sys.exit("noisy_logs.py: numpy is missing (Debian: apt-get install python3-numpy); nothing measured")

F = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
LAW = sys.argv[2] if len(sys.argv) > 2 else "fslkq"
SIGMA = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02
SEEDS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mpl", "400M")
W = tempfile.mkdtemp()
C = "peak=3e-4,warmup=2000"
TRAIN = {"cosine": f"cosine:final=3e-5,{C},steps=30000", "constant": f"constant:{C},steps=30000",
         "wsd": f"wsd:decay=0.2,final=3e-5,{C},steps=30000"}
TEST = {"8-1-1": f"multistep:milestones=0.8/0.9,factor=0.31622776601683794,{C},steps=30000",
        "cosine60k": f"cosine:final=3e-5,{C},steps=60000",
        "wsd40k": f"wsd:decay=0.1,final=3e-5,{C},steps=40000"}


def fslaw(*args):
    return subprocess.run([F, *args], check=True, capture_output=True, text=True).stdout


def curve(truth, spec):
    """rates at every step, and the truth at every step after warmup"""
    lr = np.array([float(r["lr"]) for r in csv.DictReader(io.StringIO(fslaw("schedule", spec)))])
    rows = list(csv.DictReader(io.StringIO(
        fslaw("predict", "--params", truth, "--schedule", spec, "--every", "1"))))
    return lr, np.array([int(r["step"]) for r in rows]), np.array([float(r["pred"]) for r in rows])


def write(path, lr, steps, loss):
    at = dict(zip(steps.tolist(), loss.tolist()))
    with open(path, "w") as f:
        f.write("step,lr,loss\n")
        for k, r in enumerate(lr):
            f.write("%d,%.17g,%s\n" % (k, r, "%.17g" % at[k] if k in at else ""))
    return path


def main():
    truth = os.path.join(W, "truth.json")
    fslaw("fit", "--law", LAW, "--out", truth,
          *[os.path.join(D, r + ".csv") for r in ("cosine_24000", "constant_24000", "wsdcon_9")])
    tests = []
    for name, spec in TEST.items():
        lr, st, y = curve(truth, spec)
        keep = st % 50 == 0
        tests.append(write(os.path.join(W, f"test_{name}.csv"), lr, st[keep], y[keep]))
    train = {name: curve(truth, spec) for name, spec in TRAIN.items()}
    means = {}
    print(f"law {LAW}, noise {SIGMA}: held-out PredE ({', '.join(TEST)}, mean)")
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        runs = {"every step (fslaw's bins)": [], "500 picked points": []}
        for name, (lr, st, y) in train.items():
            noisy = y + SIGMA * rng.standard_normal(len(y))
            runs["every step (fslaw's bins)"].append(
                write(os.path.join(W, f"all_{name}.csv"), lr, st, noisy))
            pick = np.floor(np.arange(500) * (len(st) - 1) / 499 + 0.5).astype(int)
            runs["500 picked points"].append(
                write(os.path.join(W, f"pick_{name}.csv"), lr, st[pick], noisy[pick]))
        for variant, files in runs.items():
            out = os.path.join(W, "fit.json")
            t = time.time()
            fslaw("fit", "--law", LAW, "--out", out, *files)
            dt = time.time() - t
            rows = list(csv.DictReader(io.StringIO(fslaw("eval", "--params", out, *tests))))
            pe = [float(r["prede"]) for r in rows]
            means.setdefault(variant, []).append(pe[-1])
            print(f"  seed {seed} {variant:26s} " + " ".join("%.5f" % v for v in pe) +
                  f"   (fit {dt:.1f} s)", flush=True)
    for variant, v in means.items():
        print(f"mean over seeds, {variant:26s} {np.mean(v):.5f}")


try:
    main()
finally:
    subprocess.run(["rm", "-rf", W])
