#!/usr/bin/python3
"""nnlab.py: do the loss-curve laws predict, and does `fslaw optimize`
advise well, when the truth is a real network trained with AdamW?

bench/simlab.py scores the laws against the exact risk of SGD on a linear
model; users fit runs of nonlinear networks trained with Adam. Here the truth
is such a run, small enough for numpy: a one-hidden-layer ReLU network
(64 inputs, 128 hidden units) trained one-pass (a fresh minibatch of 64 at
every step, so no overfitting) with AdamW (beta1 0.9, beta2 0.95, weight
decay 0.01, decoupled and scaled by the rate: its timescale 1 / (rate x
decay), 33000 steps at the regression's peak, exceeds the longest run, as
in LLM practice) to imitate a fixed random teacher network, on inputs whose
covariance spectrum decays as a power law (eigenvalues i^-alpha along random
directions, alpha = 1.5) and whose target needs the small directions too
(the teacher's weight along direction i ~ i^-delta/2 in whitened units,
delta = 0.5), which makes the learning curve a slow power law, not an
exponential. Two tasks:

  reg  regression, label noise 0.5, loss 0.5 (f - y)^2 (floor 0.125)
  cls  8-class classification, labels drawn from the teacher's softmax
       (label noise by sampling), cross-entropy (floor: the teacher's entropy)

The loss logged every 20 steps is the expected loss on a FIXED held-out set
of 1024 inputs (noise-free targets: for reg the squared error to the
teacher plus sigma^2/2, for cls the cross-entropy against the teacher's
probabilities), after that step's update. Every schedule of a task starts
from the same initialisation and sees the same minibatches in the same order
(one data stream), as runs branched from a checkpoint do: two schedules with
the same rates so far have bit-identical weights (checked: "reproducible
branch"). A single such run's loss scatters by 1-2.5 % from one logged point
to the next (the weights' own noise at a high rate; the held-out set adds
little), more than the laws differ by; so the truth is the mean curve of 3
replicas (own initialisation and data stream each, every schedule on the
same 3), as simlab's truth is an expected risk.

Protocol (as simlab's, docs/fit.md section 2): linear warmup of 200 steps to
the peak, three N-step training runs (cosine to 0.1 of the peak, constant,
two-stage to 0.1 of the peak at 0.4 N: the shapes of the reference split)
and seven held-out runs (constant and cosine to 0.1 of the peak over 3N, WSD
with a linear and an exponential 20 % tail over N, WSD with a linear tail
over 3N, two-stage runs with second-stage rates 0.3 and 0.03 of the peak);
each law is fitted with default settings (and the exact rates through
--schedule RUN=SPEC) to the training runs and `fslaw eval` scores the
held-out ones, point by point and as means of 20 bins (--bins 20, where the
remaining noise partly cancels). Printed: mean held-out PredE / R2, and the
largest PredE of a run.

Schedule design: `fslaw optimize` at 3N steps (free and wsd families) with
fslkq (the law the docs advise for design), mpl and the law of lowest
binned held-out PredE if another; the network is then
trained on each chosen schedule (read back through `fslaw schedule
file:path=...`; train() takes any per-step rate array) in every replica, and
its true final loss compared with the baselines optimize prints (constant,
cosine to 0.1 peak and to 0, WSD 20 % linear, 8-1-1), all trained too.
Positive true gain: the advice helps; the range is that of the same gain
(over the same baseline) in each replica, pick and baseline on one stream.

--continue: a run in progress. The constant run of 3N steps (the peak after
the warmup) is logged only up to step K = 1.5 N and 2.25 N (half and three
quarters of the design horizon); fslkq and mpl are fitted to the training
runs plus that partial log, as a user would, and `fslaw optimize --continue
LOG --steps 3N` (free and wsd families, the peak: the run's rate) keeps its
rates to step K and chooses the rest. The network is trained on the picks
and on the baselines continued the same way (constant to the end, cosine to
0.1 peak and to 0 over the steps left, WSD 20 % and 8-1-1, whose decays
start after K), every replica, as branches of the run: runs whose rates
agree so far share one network until they part (train(share=True)), so the
common prefix is trained once. Printed per task: predicted and true final
losses, the true gain of each pick over the truth's best continued
baseline, and whether it beats every continued baseline in every replica.

Writes only to a temporary folder; needs numpy and nothing outside this
repository; the two tasks run in parallel, one per core.
usage: bench/nnlab.py FSLAW_BINARY [--quick] [--keep DIR] [--wd W] [--continue]
  --quick   the regression task only, N = 2000, 2 replicas (about 45 s)
  --continue  also validate optimize --continue on a run in progress (above;
            about 20 s more with --quick, 1.5 min for the full run)
  --keep D  write the logs (mean curves), fits and schedules to D instead of
            a temporary folder
  --wd W    AdamW's weight decay (default 0.01; at 0.1 its timescale, 3300
            steps, is shorter than the runs and a constant rate's loss stops
            falling after about N steps: docs/nnlab.md)
(full run: N = 4000, both tasks, 3 replicas: about 3.5 min on 2 cores;
results and conclusions: docs/nnlab.md)
"""
import csv, io, os, re, subprocess, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor

try:
    import numpy as np
except ImportError:
    sys.exit("nnlab.py: numpy is missing (Debian: apt-get install python3-numpy); nothing measured")

ARGS = sys.argv[1:]
if not ARGS or ARGS[0].startswith("-") or ARGS[-1] in ("--keep", "--wd") or any(
        a.startswith("-") and a not in ("--quick", "--keep", "--wd", "--continue") for a in ARGS):
    sys.exit(__doc__)
F = ARGS[0]
QUICK = "--quick" in ARGS
CONT = "--continue" in ARGS
W = ARGS[ARGS.index("--keep") + 1] if "--keep" in ARGS else tempfile.mkdtemp()
WD = float(ARGS[ARGS.index("--wd") + 1]) if "--wd" in ARGS else 0.01
os.makedirs(W, exist_ok=True)
LAWS = ["fslkq", "fslq", "fslk", "fsl", "fslconv", "mpl", "mtl"]
N = 2000 if QUICK else 4000
REPLICAS = 2 if QUICK else 3  # the truth: the mean curve of this many runs
WARMUP, EVERY = 200, 20
CONT_AT = (3 * N // 2, 3 * N * 3 // 4)  # --continue: the run in progress logged to step K
DIM, HIDDEN, TEACHER, BATCH, EVAL = 64, 128, 128, 64, 1024
ALPHA, DELTA = 1.5, 0.5
# task name: (output classes, 1 = regression; peak rate; seed)
TASKS = {"reg": (1, 3e-3, 0), "cls": (8, 6e-3, 1)}
if QUICK:
    TASKS = {"reg": TASKS["reg"]}
f32 = np.float32


class Task:
    """teacher, data stream and held-out set of one task"""

    def __init__(self, classes, seed):
        r = np.random.default_rng(seed)
        i = np.arange(1, DIM + 1)
        q = np.linalg.qr(r.standard_normal((DIM, DIM)))[0]
        sx = i ** (-ALPHA / 2)  # input std along its eigen-directions
        self.mix = (q * sx).T.astype(f32)  # x = z @ mix, z ~ N(0, I)
        # teacher weights of direction i ~ i^-delta/2 in whitened units: the
        # small-variance directions matter, which is what makes learning slow
        u = r.standard_normal((DIM, TEACHER)) * (i ** (-DELTA / 2) / sx)[:, None]
        u /= np.sqrt((i ** -DELTA).sum())
        self.wt = (q @ u).astype(f32)
        at = r.standard_normal((TEACHER, classes)) * (np.arange(1, TEACHER + 1) ** -0.5)[:, None]
        self.at = at.astype(f32)
        self.classes, self.seed, self.wd = classes, seed, WD
        self.xe = (r.standard_normal((EVAL, DIM)) @ self.mix).astype(f32)
        raw = self.teacher(self.xe)
        # regression: unit target variance; classification: logits of std 3
        self.at /= f32(raw.std() / (1.0 if classes == 1 else 3.0))
        self.ye = self.teacher(self.xe).astype(np.float64)
        if classes == 1:
            self.sigma = 0.5
            self.floor = self.sigma ** 2 / 2
        else:
            self.pe = softmax(self.ye)
            self.floor = float(-(self.pe * np.log(self.pe)).sum(1).mean())

    def teacher(self, x):
        return np.einsum("bh,hc->bc", np.maximum(np.einsum("bd,dh->bh", x, self.wt), 0), self.at)

    def stream(self, replica):
        """the minibatches of every run of this task and replica, in order"""
        r = np.random.default_rng([self.seed, 1000 + replica])
        while True:
            x = (r.standard_normal((BATCH, DIM)) @ self.mix).astype(f32)
            t = self.teacher(x)
            if self.classes == 1:
                y = t + f32(self.sigma) * r.standard_normal((BATCH, 1)).astype(f32)
            else:  # a label drawn from the teacher's softmax, as one-hot
                cum = np.cumsum(softmax(t.astype(np.float64)), 1)
                y = np.eye(self.classes, dtype=f32)[(r.random((BATCH, 1)) > cum).sum(1)]
            yield x, y

    def eval_loss(self, logits):
        """expected loss on the held-out inputs, logits (E, S, C)"""
        z = logits.astype(np.float64)
        if self.classes == 1:
            return 0.5 * ((z[:, :, 0] - self.ye) ** 2).mean(0) + self.floor
        z = z - z.max(2, keepdims=True)
        logq = z - np.log(np.exp(z).sum(2, keepdims=True))
        return -(self.pe[:, None, :] * logq).sum(2).mean(0)


def mean_curve(curves):
    """the loss averaged over replicas, row by row (same steps and rates)"""
    return [(k, lr, float(np.mean([c[j][2] for c in curves])))
            for j, (k, lr, _) in enumerate(curves[0])]


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def train(task, lrs, replica, share=False):
    """train one network per per-step rate array of lrs, all from the same
    init on the same stream (vectorised over the runs: the first layer of all
    is one matrix; float32 einsum in these layouts is ~4x faster than the
    reference BLAS numpy may be linked to);
    returns, per run, rows (step, lr, held-out loss after the update of
    every EVERY-th and the last step).
    share: runs whose rates agree so far are one network (a column of the
    arrays) until their rates part, when its state is copied: a checkpoint
    branched, and the shared prefix is trained once (--continue: many runs
    that differ only after step K)"""
    b1, b2, eps, wd = 0.9, 0.95, 1e-8, task.wd
    C, H = task.classes, HIDDEN
    # the runs each column stands for (one each, or all while they agree)
    cols = [list(range(len(lrs)))] if share else [[j] for j in range(len(lrs))]
    S = len(cols)
    r = np.random.default_rng([12345, replica])  # the replica's initialisation
    w1 = (r.standard_normal((DIM, H)) / np.sqrt(DIM)).astype(f32)
    w2 = (r.standard_normal((H, C)) / np.sqrt(H)).astype(f32)
    p = [np.repeat(w1[:, None], S, 1), np.zeros((S, H), f32),
         np.repeat(w2.T[None], S, 0), np.zeros((S, C), f32)]  # W1 (D,S,H), c1, W2 (S,C,H), c2
    m = [np.zeros_like(a) for a in p]
    v = [np.zeros_like(a) for a in p]
    out = [[] for _ in lrs]
    lr_all = [np.asarray(a, np.float64) for a in lrs]

    def gather(idx):  # keep (and copy) the columns idx, in that order
        for arrs in (p, m, v):
            arrs[0] = np.ascontiguousarray(arrs[0][:, idx])
            for i in (1, 2, 3):
                arrs[i] = np.ascontiguousarray(arrs[i][idx])

    def pad():  # einsum rounds a lone column otherwise than one of several:
        nonlocal cols  # a spare copy (no runs) keeps the bits of an unshared run
        if share and len(cols) == 1:
            cols = cols + [[]]
            gather([0, 0])

    pad()
    data = task.stream(replica)
    for k in range(max(len(a) for a in lr_all)):
        if share and any(len({lr_all[j][k] for j in c}) > 1 for c in cols):
            idx, parts = [], []
            for n, c in enumerate(cols):  # split a column by the runs' rates at k
                for rate in dict.fromkeys(lr_all[j][k] for j in c):
                    idx.append(n)
                    parts.append([j for j in c if lr_all[j][k] == rate])
            cols = parts
            gather(idx)
            pad()
        x, y = next(data)
        s = len(cols)
        h = np.einsum("bd,dn->bn", x, p[0].reshape(DIM, s * H)) + p[1].reshape(-1)
        a = np.maximum(h, 0).reshape(BATCH, s, H)
        f = np.einsum("bsh,sch->bsc", a, p[2]) + p[3]
        g = (f - y[:, None, :]) if C == 1 else (softmax(f) - y[:, None, :])
        g /= f32(BATCH)
        gh = np.einsum("bsc,sch->bsh", g, p[2]) * (a > 0)
        grads = [np.einsum("bd,bn->dn", x, gh.reshape(BATCH, s * H)).reshape(DIM, s, H),
                 gh.sum(0), np.stack([(a * g[:, :, c, None]).sum(0) for c in range(C)], 1),
                 g.sum(0)]
        lr = np.array([lr_all[c[0]][k] if c else 0 for c in cols], f32)
        shapes = [(1, s, 1), (s, 1), (s, 1, 1), (s, 1)]
        c1, c2 = 1 - b1 ** (k + 1), 1 - b2 ** (k + 1)
        for i in range(4):
            m[i] *= f32(b1)
            m[i] += f32(1 - b1) * grads[i]
            v[i] *= f32(b2)
            v[i] += f32(1 - b2) * grads[i] * grads[i]
            step = m[i] / f32(c1) / (np.sqrt(v[i] / f32(c2)) + f32(eps)) + f32(wd) * p[i]
            p[i] -= lr.reshape(shapes[i]) * step
        ends = {j for c in cols for j in c if k == len(lr_all[j]) - 1}
        if k % EVERY == 0 or ends:
            he = np.einsum("bd,dn->bn", task.xe, p[0].reshape(DIM, s * H)) + p[1].reshape(-1)
            ae = np.maximum(he, 0).reshape(EVAL, s, H)
            loss = task.eval_loss(np.einsum("bsh,sch->bsc", ae, p[2]) + p[3])
            if not np.isfinite(loss).all():  # a rate too high for the network
                sys.exit(f"nnlab: training diverged at step {k} (rates {lr.max():.3g})")
            for n, c in enumerate(cols):
                for j in c:
                    if k % EVERY == 0 or j in ends:
                        out[j].append((k, float(lr_all[j][k]), float(loss[n])))
        if ends:
            cols = [[j for j in c if j not in ends] for c in cols]
            keep = [n for n, c in enumerate(cols) if c]
            cols = [cols[n] for n in keep]
            if not cols:
                break
            if len(keep) < s:
                gather(keep)
                pad()
    return out


def fslaw(*args):
    return subprocess.run([F, *args], check=True, capture_output=True, text=True).stdout


def rates(spec):
    return [float(r["lr"]) for r in csv.DictReader(io.StringIO(fslaw("schedule", spec)))]


def write_log(name, rows):
    path = os.path.join(W, name + ".csv")
    with open(path, "w") as f:
        f.write("step,lr,loss\n")
        for k, lr, loss in rows:
            f.write("%d,%.9g,%.9g\n" % (k, lr, loss))
    return path


def specs(peak):
    c = f"peak={peak},warmup={WARMUP}"
    n3 = 3 * N
    train = {"cos": f"cosine:{c},steps={N},final={peak / 10}",
             "const": f"constant:{c},steps={N}",
             "two": f"twostage:{c},steps={N},switch={4 * N // 10},low={peak / 10}"}
    test = {"const3x": f"constant:{c},steps={n3}",
            "cos3x": f"cosine:{c},steps={n3},final={peak / 10}",
            "wsd_lin": f"wsd:{c},steps={N},decay=0.2",
            "wsd_exp": f"wsd:{c},steps={N},decay=0.2,tail=exp,final={peak / 100}",
            "wsd3x_lin": f"wsd:{c},steps={n3},decay=0.2",
            "two_0.3": f"twostage:{c},steps={N},switch={4 * N // 10},low={peak * 0.3}",
            "two_0.03": f"twostage:{c},steps={N},switch={4 * N // 10},low={peak * 0.03}"}
    # optimize's baselines at 3N (constant, cosine to 0.1 peak, WSD 20 % are held-out runs)
    base = {"constant": "const3x", "cosine to 0.1 peak": "cos3x",
            "cosine to 0": f"cosine:{c},steps={n3}",
            "wsd, 20% linear tail": "wsd3x_lin",
            "8-1-1": f"multistep:{c},steps={n3},milestones=0.8/0.9,factor=0.31622776601683794"}
    return train, test, base


def exact(logs, spec_of):
    """--schedule RUN=SPEC for every log: the exact rates, not the logged
    ones interpolated between every EVERY-th step"""
    return [a for path in logs for a in ("--schedule", f"{path}={spec_of[path]}")]


def held_out(params, tests, spec_of, bins=()):
    """mean PredE, mean R2 and the worst run's PredE; bins=("--bins", "20")
    scores means of consecutive points, in which the network's own
    point-to-point scatter (1-2.5 %) partly cancels"""
    rows = list(csv.DictReader(io.StringIO(fslaw("eval", "--params", params, *bins,
                                                 *exact(tests, spec_of), *tests))))
    mean = rows[-1]
    return float(mean["prede"]), float(mean["r2"]), max(float(r["prede"]) for r in rows[:-1])


def final_errors(params, tests, spec_of):
    """signed relative error of the predicted final loss, mean over the held-out
    runs of 3N steps and over those of N: the laws' bias where design looks"""
    text = fslaw("predict", "--params", params, *exact(tests, spec_of), *tests)
    last = {}
    for r in csv.DictReader(io.StringIO(text)):
        if r["loss"]:  # rows between logged steps have none
            last[r["run"]] = (int(r["step"]), float(r["pred"]) / float(r["loss"]) - 1)
    long_ = [e for k, e in last.values() if k == 3 * N - 1]
    short = [e for k, e in last.values() if k == N - 1]
    return np.mean(long_), np.mean(short)


def optimize(params, peak, family, out, *how):
    """the law's predicted losses of the baselines and of its optimum; how:
    the run's start (--peak and --warmup by default, or --continue RUN ...)"""
    how = how or ("--peak", str(peak), "--warmup", str(WARMUP))
    text = subprocess.run([F, "optimize", "--params", params, "--steps", str(3 * N), *how,
                           "--family", family, "--out", out],
                          check=True, capture_output=True, text=True).stdout
    pred = {}
    for line in text.splitlines():  # "  NAME   LOSS ..." rows of the summary
        mt = re.match(r"^  (\S.*?)\s{2,}([0-9.]+)", line)
        if mt:
            pred.setdefault(mt.group(1), float(mt.group(2)))
    return pred


def continued(name, task, peak, const_curve, train_logs, spec_of, test_s):
    """--continue: the constant run of 3N steps is a run in progress, logged
    up to step K; fslkq and mpl, fitted to the training runs and that log,
    choose its rest (optimize --continue, free and wsd families), and the
    network is trained on the picks and on the baselines continued from K+1
    (the run's own steps kept, as optimize builds them), in every replica"""
    const = rates(test_s["const3x"])
    runs, rows = {}, []  # runs: name -> rates; rows: (K, law, family, pred)
    for K in CONT_AT:
        part = write_log(f"{name}_const3x_to{K}", [r for r in const_curve if r[0] <= K])
        spec_of[part] = test_s["const3x"]
        at = K + 1  # the first step searched: the log's last loss is after step K's update
        # the baselines as optimize continues them: their warmup stands for the
        # run's steps, which replace it (cli/baselines.c)
        c = f"peak={peak},warmup={at},steps={3 * N}"
        cont = {"constant": f"constant:{c}", "cosine to 0.1 peak": f"cosine:{c},final={peak / 10}",
                "cosine to 0": f"cosine:{c},final=0",
                "wsd, 20% linear tail": f"wsd:{c},decay=0.2",
                "8-1-1": f"multistep:{c},milestones=0.8/0.9,factor=0.31622776601683794"}
        for b, spec in cont.items():
            if b.startswith("wsd") or b == "8-1-1":
                assert 0.8 * 3 * N > at  # its decay starts after the kept steps
            runs[(K, b)] = const[:at] + rates(spec)[at:]
        for law in ("fslkq", "mpl"):
            params = os.path.join(W, f"{name}_{law}_to{K}.json")
            logs = train_logs + [part]
            fslaw("fit", "--law", law, "--out", params, *exact(logs, spec_of), *logs)
            for family in ("free", "wsd"):
                path = os.path.join(W, f"{name}_cont{K}_{law}_{family}.csv")
                pred = optimize(params, peak, family, path, "--continue", part,
                                "--schedule", f"{part}={spec_of[part]}")
                pick = rates("file:path=" + path)
                # the run's steps kept bit for bit: the pick is a branch of it
                assert pick[:at] == const[:at] and len(pick) == 3 * N, (K, law, family)
                runs[(K, law, family)] = pick
                rows.append((K, law, family, pred))
    # one network per distinct schedule (the continued constant, WSD and 8-1-1
    # are the same at both K); the check: the constant run, trained here as a
    # branch, repeats the full-length run bit for bit
    uniq = list(dict.fromkeys(tuple(r) for r in runs.values()))
    reps = [train(task, [list(u) for u in uniq], r, share=True) for r in range(REPLICAS)]
    final = {key: [rc[uniq.index(tuple(v))][-1][2] for rc in reps] for key, v in runs.items()}
    return rows, final, [rc[uniq.index(tuple(const))] for rc in reps]


def run_task(item):
    """train, fit, score and design for one task; returns its table row,
    its design rows and its baselines' true final losses"""
    name, (classes, peak, seed) = item
    designs = []
    task = Task(classes, seed)
    train_s, test_s, base_s = specs(peak)
    runs = dict(train_s, **test_s)
    runs.update({k: v for k, v in base_s.items() if v not in runs})
    t0 = time.time()
    lrs = [rates(s) for s in runs.values()]
    reps = [train(task, lrs, r) for r in range(REPLICAS)]  # reps[replica][run]
    curves = [mean_curve([c[i] for c in reps]) for i in range(len(runs))]
    logs = {n: write_log(f"{name}_{n}", c) for n, c in zip(runs, curves)}
    spec_of = {logs[n]: runs[n] for n in runs}
    final = {n: c[-1][2] for n, c in zip(runs, curves)}
    t_train = time.time() - t0
    train_logs = [logs[n] for n in train_s]
    test_logs = [logs[n] for n in test_s]
    t0 = time.time()
    scores = {}
    for law in LAWS:
        params = os.path.join(W, f"{name}_{law}.json")
        fslaw("fit", "--law", law, "--out", params, *exact(train_logs, spec_of), *train_logs)
        scores[law] = held_out(params, test_logs, spec_of) + \
            held_out(params, test_logs, spec_of, ("--bins", "20")) + \
            final_errors(params, test_logs, spec_of)
    t_fit = time.time() - t0
    best_law = min(scores, key=lambda l: scores[l][3])  # binned: less noise
    row = (name, task.floor, final, scores, best_law)
    # schedule design: train on what optimize picks, beside the baselines
    t0 = time.time()
    truth = {b: final[v if v in final else b] for b, v in base_s.items()}
    names = list(runs)
    best = min(truth, key=truth.get)  # the best baseline of the mean curves
    v = base_s[best]
    best_rep = [c[names.index(v if v in runs else best)][-1][2] for c in reps]
    const_reps = [c[names.index("const3x")] for c in reps]
    const0 = const_reps[0]
    picks, preds = [], []
    for law in dict.fromkeys(["fslkq", "mpl", best_law]):
        for family in ("free", "wsd"):
            path = os.path.join(W, f"{name}_opt_{law}_{family}.csv")
            preds.append((law, family, optimize(os.path.join(W, f"{name}_{law}.json"),
                                                peak, family, path)))
            picks.append(rates("file:path=" + path))
    # replica 0 trains the constant baseline again: its loss must repeat bit for bit
    check = rates(test_s["const3x"])
    reps = [train(task, picks + [check] * (r == 0), r) for r in range(REPLICAS)]
    same = reps[0][-1] == const0
    for i, (law, family, pred) in enumerate(preds):
        c = mean_curve([rc[i] for rc in reps])
        gains = [b - rc[i][-1][2] for b, rc in zip(best_rep, reps)]  # paired, per replica
        pbase = min(v for k, v in pred.items() if k in base_s)
        designs.append((name, law, family, truth[best] - c[-1][2], min(gains), max(gains),
                        pbase - pred["optimum"], c[-1][2], pred["optimum"], best, truth[best]))
        write_log(f"{name}_opt_{law}_{family}_run", c)
    t_design = time.time() - t0
    print(f"[{name}] train {t_train:.0f} s, fits {t_fit:.0f} s, design {t_design:.0f} s; "
          f"reproducible branch: {same}", file=sys.stderr, flush=True)
    cont = None
    if CONT:
        t0 = time.time()
        rows, cfinal, branch = continued(name, task, peak, curves[names.index("const3x")],
                                         train_logs, spec_of, test_s)
        same = branch == const_reps
        cont = (rows, cfinal, same)
        print(f"[{name}] --continue {time.time() - t0:.0f} s; the constant run as a branch "
              f"repeats it bit for bit: {same}", file=sys.stderr, flush=True)
    return row, designs, truth, cont


def main():
    t0 = time.time()
    with ProcessPoolExecutor(min(2, len(TASKS))) as pool:  # a task per core
        done = list(pool.map(run_task, TASKS.items()))
    table = [d[0] for d in done]
    designs = [r for d in done for r in d[1]]
    truths = {name: d[2] for name, d in zip(TASKS, done)}
    print(f"N = {N} steps per training run, held-out up to {3 * N}, weight decay {WD}, "
          f"{REPLICAS} replicas; logs in {W}\n")
    print("held-out PredE / R2 (means over 7 runs; worst: the largest run PredE; "
          "binned: eval --bins 20; final loss: mean signed relative error of the\n"
          "predicted final loss of the held-out runs of 3N and of N steps)\n")
    print("| task | score | " + " | ".join(LAWS) + " |")
    print("|---|---|" + "---|" * len(LAWS))
    for name, floor, final, scores, best in table:
        for label, i in (("point by point", 0), ("binned", 3)):
            cells = [("**%.5f / %.3f**" if law == best and i == 3 else "%.5f / %.3f")
                     % scores[law][i:i + 2] for law in LAWS]
            print(f"| {name} | {label} | " + " | ".join(cells) + " |")
            print(f"| {name} | {label}, worst | " +
                  " | ".join("%.4f" % scores[l][i + 2] for l in LAWS) + " |")
        for label, i in (("final loss, 3N runs", 6), ("final loss, N runs", 7)):
            print(f"| {name} | {label} | " +
                  " | ".join("%+.4f" % scores[l][i] for l in LAWS) + " |")
    print("\nfinal losses of the runs (floor: the irreducible loss)\n")
    for name, floor, final, scores, best in table:
        print(f"- {name} (floor {floor:.4f}): " +
              ", ".join(f"{n} {v:.4f}" for n, v in final.items()))
    print("\nschedule design at %d steps: true final losses under training\n" % (3 * N))
    print("| task | law | family | true gain over best baseline | range over replicas | "
          "predicted gain | true loss of pick | predicted | best baseline (true loss) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for d in designs:
        print("| %s | %s | %s | %+.5f | %+.5f .. %+.5f | %+.5f | %.5f | %.5f | %s (%.5f) |"
              % d)
    print("\nbaselines (true final loss): " + "; ".join(
        f"{name}: " + ", ".join(f"{b} {v:.5f}" for b, v in t.items())
        for name, t in truths.items()))
    for name, d in zip(TASKS, done):
        if d[3]:
            print_continued(name, *d[3])
    print(f"\ntotal {time.time() - t0:.0f} s", file=sys.stderr)


def print_continued(name, rows, final, same):
    """a table per task: the continued baselines, then the picks"""
    print(f"\n{name}: the constant run of {3 * N} steps continued after step K "
          f"(optimize --continue); true final losses under training, {REPLICAS} replicas; "
          f"the constant run retrained as a branch repeats itself bit for bit: {same}\n")
    print("| K | schedule | `fslkq` predicts | `mpl` predicts | true final loss | "
          "true gain over best continued baseline | range over replicas | predicted gain | "
          "beats every baseline in every replica |")
    print("|---|---|---|---|---|---|---|---|---|")
    for K in CONT_AT:
        pred = {(law, fam): p for k, law, fam, p in rows if k == K}
        base = [b for (k, *b) in final if k == K and len(b) == 1]
        base = [b[0] for b in base]
        true = {b: np.mean(final[(K, b)]) for b in base}
        best = min(true, key=true.get)
        for b in base:
            cells = ["%.5f" % pred[(law, "free")][b] for law in ("fslkq", "mpl")]
            print(f"| {K} | {b}{' (best)' if b == best else ''} | " + " | ".join(cells) +
                  f" | {true[b]:.5f} | | | | |")
        for law, fam in pred:
            p = pred[(law, fam)]
            f = final[(K, law, fam)]
            gains = [bb - ff for bb, ff in zip(final[(K, best)], f)]
            pgain = min(p[b] for b in base if b in p) - p["optimum"]
            wins = sum(all(ff < final[(K, b)][r] for b in base) for r, ff in enumerate(f))
            cells = ["%.5f" % p["optimum"] if law == l else "" for l in ("fslkq", "mpl")]
            print(f"| {K} | `{law}` {fam} pick | " + " | ".join(cells) +
                  f" | {np.mean(f):.5f} | {np.mean(final[(K, best)]) - np.mean(f):+.5f} | "
                  f"{min(gains):+.5f} .. {max(gains):+.5f} | {pgain:+.5f} | "
                  + ("yes" if wins == len(f) else f"no ({wins} of {len(f)})") + " |")


main()
