#!/usr/bin/python3
"""simlab.py: do the loss-curve laws predict, and does `fslaw optimize`
advise well, when the truth is none of the laws?

The bundled curves test the laws on nine schedules of one kind of run, and
the other benches make their truth from a fitted law, which flatters that
law. Here the truth is the exact expected risk of one-pass SGD on the
power-law kernel model (`fslaw simulate --method exact`, MATH.md §1.1), a
process whose loss curve no law writes down: the FSL is its approximation,
the others are empirical.

For each model (capacity beta, source s; label noise sigma 0.5, 1000
features, batch 1, peak rate 0.2, 500 warmup steps) it simulates three
10000-step training runs (cosine, constant, two-stage at step 4000 to 0.1
of the peak: the shapes of the reference split, MATH.md §5.5) and seven
held-out schedules (constant and cosine over 30000 steps, WSD with a 20 %
decay over 10000 and 30000, a late two-stage, 8-1-1 over 30000, linear over
20000); logs every 10th step; fits each law with default settings and
prints its held-out PredE (mean of the seven) and WorstE.

Schedule design: `fslaw optimize` at 30000 steps (free and wsd families)
with `fslkq` and `mpl`; the simulator then gives the true final loss of the
chosen schedule and of the baselines. Printed: the true gain of the pick
over the best baseline (WSD with a 20 % tail, cosine, 8-1-1, ...) and the
gain the law predicted. Positive true gain: the advice helps.

Writes only to a temporary folder; needs nothing outside this repository.
usage: bench/simlab.py FSLAW_BINARY   (~4 min on 2 cores)
"""
import csv, io, os, re, subprocess, sys, tempfile

F = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
W = tempfile.mkdtemp()
SIGMA, FEATURES, PEAK = 0.5, 1000, 0.2
MODELS = [(2.0, 0.5), (1.5, 1.0), (3.0, 0.25)]  # (beta, s): boundary, easy, hard regime
LAWS = ["fslkq", "fslq", "fslk", "fsl", "fslconv", "mpl", "mtl"]
C = f"peak={PEAK},warmup=500"
TRAIN = {"cos10k": f"cosine:{C},steps=10000", "const10k": f"constant:{C},steps=10000",
         "two10k": f"twostage:{C},steps=10000,switch=4000,low={PEAK / 10}"}
TEST = {"const30k": f"constant:{C},steps=30000", "cos30k": f"cosine:{C},steps=30000",
        "wsd10k": f"wsd:{C},steps=10000,decay=0.2", "wsd30k": f"wsd:{C},steps=30000,decay=0.2",
        "two10k_late": f"twostage:{C},steps=10000,switch=7000,low={PEAK / 40}",
        "8-1-1": f"multistep:{C},steps=30000,milestones=0.8/0.9,factor=0.31622776601683794",
        "lin20k": f"linear:{C},steps=20000"}
DESIGN_STEPS = 30000
BASELINES = {"constant": f"constant:{C},steps={DESIGN_STEPS}",
             "cosine to 0.1 peak": f"cosine:{C},steps={DESIGN_STEPS},final={PEAK / 10}",
             "cosine to 0": f"cosine:{C},steps={DESIGN_STEPS}",
             "wsd, 20% linear tail": f"wsd:{C},steps={DESIGN_STEPS},decay=0.2",
             "8-1-1": f"multistep:{C},steps={DESIGN_STEPS},milestones=0.8/0.9,"
                      "factor=0.31622776601683794"}


def fslaw(*args):
    return subprocess.run([F, *args], check=True, capture_output=True, text=True).stdout


def model_args(beta, s):
    return ["--beta", str(beta), "--s", str(s), "--features", str(FEATURES), "--sigma", str(SIGMA)]


def simulate(model, spec):
    """loss (excess + sigma^2 / 2) after each number of steps 0..K"""
    rows = csv.DictReader(io.StringIO(fslaw("simulate", "--schedule", spec, *model)))
    return [float(r["excess"]) + SIGMA * SIGMA / 2 for r in rows]


def write_log(model, name, spec):
    """step,lr,loss every 10th step: the loss logged at step k is the risk
    after its update, i.e. after k + 1 steps (t of steps 0..k, MATH.md §3)"""
    lr = [float(r["lr"]) for r in csv.DictReader(io.StringIO(fslaw("schedule", spec)))]
    loss = simulate(model, spec)
    path = os.path.join(W, name + ".csv")
    with open(path, "w") as f:
        f.write("step,lr,loss\n")
        for k, r in enumerate(lr):
            if k % 10 == 0 or k == len(lr) - 1:
                f.write("%d,%.17g,%.17g\n" % (k, r, loss[k + 1]))
    return path


def held_out(params, tests):
    rows = list(csv.DictReader(io.StringIO(fslaw("eval", "--params", params, *tests))))
    mean = rows[-1]
    return float(mean["prede"]), max(float(r["worste"]) for r in rows[:-1])


def design(model, params, family):
    """true final loss of the law's optimum, and the law's predicted gain"""
    out = os.path.join(W, "opt.csv")
    text = subprocess.run([F, "optimize", "--params", params, "--steps", str(DESIGN_STEPS),
                           "--peak", str(PEAK), "--warmup", "500", "--family", family,
                           "--out", out], check=True, capture_output=True, text=True).stdout
    pred = {}
    for line in text.splitlines():  # "  NAME   LOSS ..." rows of the summary
        m = re.match(r"^  (\S.*?)\s{2,}([0-9.]+)", line)
        if m and m.group(1) in list(BASELINES) + ["optimum"]:
            pred.setdefault(m.group(1), float(m.group(2)))
    gain = min(v for k, v in pred.items() if k != "optimum") - pred["optimum"]
    return simulate(model, "file:path=" + out)[-1], gain


def main():
    print("| beta | s | " + " | ".join(LAWS) + " |")
    print("|---|---|" + "---|" * len(LAWS))
    designs = []
    for beta, s in MODELS:
        model = model_args(beta, s)
        train = [write_log(model, n, spec) for n, spec in TRAIN.items()]
        tests = [write_log(model, n, spec) for n, spec in TEST.items()]
        cells = []
        for law in LAWS:
            params = os.path.join(W, law + ".json")
            fslaw("fit", "--law", law, "--out", params, *train)
            p, w = held_out(params, tests)
            cells.append("%.5f / %.4f" % (p, w))
        print(f"| {beta} | {s} | " + " | ".join(cells) + " |", flush=True)
        truth = {n: simulate(model, spec)[-1] for n, spec in BASELINES.items()}
        best = min(truth, key=truth.get)
        for law in ("fslkq", "mpl"):
            for family in ("free", "wsd"):
                true, gain = design(model, os.path.join(W, law + ".json"), family)
                designs.append((beta, s, law, family, truth[best] - true, gain, best))
    print("\nheld-out PredE / WorstE (means over 7 schedules / worst)\n")
    print("| beta | s | law | family | true gain over best baseline | predicted gain | "
          "best baseline under the truth |")
    print("|---|---|---|---|---|---|---|")
    for d in designs:
        print("| %g | %g | %s | %s | %.6f | %.6f | %s |" % d)


main()
