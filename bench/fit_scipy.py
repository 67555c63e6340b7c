#!/usr/bin/python3
"""fit_scipy.py: a straightforward numpy/scipy reference for `fslaw fit`
(bench/bench_fit.sh, issue 4): the same objective, gradient, scaled
coordinates and multistart as src/fit.c, but with every sum over steps done
exactly (no compression), vectorised with numpy, and refined by scipy's
L-BFGS-B.

Objective (MATH.md §5.5, src/fit.c): sum over the logged points after warmup
(step > warmup end = first step at the peak of the initial rising ramp) of
Huber_delta(r), r = log y - log yhat, delta = 1e-3; yhat <= 0 or non-finite
anywhere gives 1e300 with a zero gradient, as fit.c's nlopt_obj does.
Coordinates: x in [0, 1] per parameter, p = lo + x (hi - lo), or
p = exp(log lo + x (log hi - log lo)) for log-scale parameters.
Starts: start 0 is the law's default start; start s >= 1 takes, for free
coordinate k, the Halton point h = halton(s + 16, prime_k) mapped into the
start box [start_lo, start_hi] (log-uniformly for log-scale parameters); the
best objective wins, ties to the lower start.

usage:
  fit_scipy.py fit --law NAME --starts N [--out R.json] RUN.csv...
      fit; writes JSON {law, params, objective, best_start, starts: [...],
      seconds_setup, seconds_fit, cpu_seconds} (to stdout without --out)
  fit_scipy.py eval --law NAME --params P.json RUN.csv...
      print the objective at the "params" object of P.json (%.17g)
  fit_scipy.py check-tables SOURCE_DIR
      compare the parameter tables below with the law_kind definitions of
      SOURCE_DIR/src/laws/*.c (macros such as FSL_PARAMS expanded; a file
      may define several laws); exit status 1 on any difference
  fit_scipy.py get P.json KEY      print a top-level value of a JSON file
  fit_scipy.py fixargs P.json      print `--fix NAME=VALUE ...` for its params
Laws: mpl, fsl, fslq, fslconv, fslk, fslkq, mtl, with their default options
(fslq/fslkq: ref = 1e-3; mtl: lambda = 0.999).
RUN.csv has columns step,lr,loss (dense or sparse lr, loss on logged rows)."""
import argparse
import csv
import json
import math
import os
import re
import sys
import time

try:
    import numpy as np
    from scipy.optimize import minimize
except ImportError as e:
    sys.exit(f"fit_scipy.py: numpy/scipy is missing ({e}); Debian: apt-get install "
             "python3-numpy python3-scipy, and run with /usr/bin/python3")

# Parameter tables, copied from the law_kind definitions at the end of
# src/laws/{mpl,fsl,fslconv,fslk,mtl}.c (fsl.c defines fsl and fslq, fslk.c
# fslk and fslkq; check with `fit_scipy.py check-tables .`):
# (name, lo, hi, default start, start_lo, start_hi, logscale)
_FSL = [("L0", 0, 20, 2.5, 1, 4, 0),
        ("c1", 1e-4, 1e2, 0.5, 0.05, 5, 1),
        ("c2", 1e-2, 1e6, 300, 10, 3000, 1),
        ("c3", 0, 10, 0.5, 0, 2, 0),
        ("c4", 1e-3, 1e5, 10, 0.1, 1000, 1),
        ("s", 0.01, 3, 0.5, 0.1, 1, 0),
        ("gamma", 0.01, 1, 0.5, 0.1, 0.95, 0)]
_FSLK = [("L0", 0, 20, 2.5, 1, 4, 0),
         ("c1", 1e-4, 1e2, 0.5, 0.05, 5, 1),
         ("s", 0.01, 3, 0.5, 0.1, 1, 0),
         ("c2", 1e-2, 1e8, 1e4, 10, 1e6, 1),
         ("c3", 0, 10, 0.5, 0, 2, 0),
         ("c4", 1e-2, 1e6, 100, 1, 1e4, 1),
         ("gamma", 0.01, 1, 0.5, 0.1, 0.95, 0)]
_Q = ("q", 0.1, 2, 1, 0.4, 1.2, 0)
LAWS = {
    "mpl": [("L0", 0, 20, 2.5, 1, 4, 0),
            ("A", 1e-4, 1e2, 0.5, 0.05, 5, 1),
            ("alpha", 0.01, 3, 0.5, 0.1, 1, 0),
            ("B", 1e-2, 1e6, 500, 50, 5000, 1),
            ("C", 1e-4, 1e4, 2, 0.1, 20, 1),
            ("beta", 0.01, 5, 0.6, 0.2, 1.5, 0),
            ("gamma", 0, 1, 0.6, 0.2, 0.9, 0)],
    "fsl": _FSL,
    "fslq": _FSL + [_Q],
    "fslk": _FSLK,
    "fslkq": _FSLK + [_Q],
    "fslconv": [("Linf", 0, 20, 2.5, 1, 4, 0),
                ("C1", 1e-4, 1e2, 0.5, 0.05, 5, 1),
                ("B1", 1e-6, 1e2, 0.1, 1e-3, 1, 1),
                ("a1", 0.01, 3, 0.5, 0.1, 1, 0),
                ("C2", 1e-3, 1e8, 100, 1, 1e4, 1),
                ("B2", 1e-6, 1e2, 0.1, 1e-3, 1, 1),
                ("a2", 0.01, 3, 0.5, 0.1, 1.5, 0)],
    "mtl": [("L0", 0, 20, 2.5, 1, 4, 0),
            ("A", 1e-4, 1e2, 0.5, 0.05, 5, 1),
            ("alpha", 0.01, 3, 0.5, 0.1, 1, 0),
            ("C", 1e-8, 1e4, 0.5, 0.01, 10, 1)],
}
MTL_LAMBDA = 0.999   # src/law.c default of the mtl option lambda
REF = 1e-3           # src/law.c default of the fslq/fslkq option ref
CHUNK = 1 << 20      # (point, step) pairs per pass of the new laws' sums
HUBER_DELTA = 1e-3   # src/fit.c default
PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53]


# ---------------------------------------------------------------- data
def read_run(path):
    """Dense per-step rates (linear interpolation between logged rates from
    (0, 0), constant after the last, as src/runlog.c) and the logged losses."""
    steps, lrs, lsteps, losses = [], [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            s = int(float(row["step"]))
            steps.append(s)
            if row.get("lr", "") != "":
                lrs.append((s, float(row["lr"])))
            if row.get("loss", "") != "":
                lsteps.append(s)
                losses.append(float(row["loss"]))
    n = max(steps) + 1
    ks, vs = np.array([0.0] + [s for s, _ in lrs]), np.array([0.0] + [v for _, v in lrs])
    lr = np.interp(np.arange(n, dtype=float), ks, vs)
    lr[[s for s, _ in lrs]] = [v for _, v in lrs]
    return lr, np.array(lsteps, dtype=np.int64), np.array(losses)


def intrinsic_time(lr):
    """T_k = sum_{i<=k} lr_i, accumulated in extended precision (fslaw uses a
    compensated sum) so that T_k - T_i stays accurate for nearby steps."""
    return np.cumsum(lr.astype(np.longdouble)).astype(np.float64)


def warmup_end(lr):
    k = 0
    while k + 1 < len(lr) and lr[k + 1] > lr[k]:
        k += 1
    return k


# ---------------------------------------------------------------- laws
class Points:
    """The fitted points of all runs, plus the (point, step) pairs of the
    exact sums: every step i <= k with a non-zero weight, for every point k."""

    def __init__(self, runs, weights):
        pt, wi, Ti, Ei, Tk_pair = [], [], [], [], []
        self.Tk, self.logy, self.step, self.run_of = [], [], [], []
        self.nruns = len(runs)
        base = 0
        for r, (lr, lsteps, loss) in enumerate(runs):
            T, w = intrinsic_time(lr), warmup_end(lr)
            keep = lsteps > w
            at, y = lsteps[keep], loss[keep]
            if np.any(~(y > 0)):
                sys.exit("fit_scipy.py: fitting needs positive losses")
            self.Tk.append(T[at])
            self.logy.append(np.log(y))
            self.step.append(at)
            self.run_of.append(np.full(len(at), r))
            wt = weights(lr, w)
            nz = np.flatnonzero(wt)
            cnt = np.searchsorted(nz, at, side="right")   # steps i <= k with weight
            idx = np.concatenate([nz[:c] for c in cnt]) if len(cnt) else np.zeros(0, np.int64)
            pt.append(np.repeat(np.arange(len(at)) + base, cnt))
            wi.append(wt[idx])
            Ti.append(T[idx])
            Ei.append(lr[idx])
            Tk_pair.append(np.repeat(T[at], cnt))
            base += len(at)
        self.n = base
        cat = np.concatenate
        self.Tk, self.logy = cat(self.Tk), cat(self.logy)
        self.step, self.run_of = cat(self.step), cat(self.run_of)
        self.pt, self.W, self.Ti, self.Ei, self.Tkp = cat(pt), cat(wi), cat(Ti), cat(Ei), cat(Tk_pair)

    def psum(self, v):
        """Per-point sums of a pair array."""
        return np.bincount(self.pt, weights=v, minlength=self.n)


def drop_weights(lr, w):
    """D_i = lr_{i-1} - lr_i for warmup < i (paper convention), 0 elsewhere."""
    d = np.zeros(len(lr))
    d[w + 1:] = lr[w:-1] - lr[w + 1:]
    return d


class MPL:
    """src/laws/mpl.c, MATH.md §5.3 (paper convention):
    L = L0 + A T_k^-alpha - B sum_i D_i [1 - (C lr_i^-gamma S_i(k) + 1)^-beta],
    S_i(k) = T_k - T_i + lr_i."""

    def __init__(self, runs):
        P = self.P = Points(runs, drop_weights)
        self.lnT = np.log(P.Tk)
        zero = P.Ei == 0                       # a drop to rate 0: G = 1 (as mpl.c)
        self.W0 = P.psum(np.where(zero, P.W, 0.0))
        k = ~zero
        self.pt, self.W = P.pt[k], P.W[k]
        self.lnE = np.log(P.Ei[k])
        self.S = P.Tkp[k] - P.Ti[k] + P.Ei[k]

    def predict(self, p, jac):
        L0, A, alpha, B, C, beta, gamma = p
        n = self.P.n
        psum = lambda v: np.bincount(self.pt, weights=v, minlength=n)
        Ta = np.exp(-alpha * self.lnT)
        x = np.exp(-gamma * self.lnE) * self.S
        lnu = np.log1p(C * x)
        um = np.exp(-beta * lnu)
        sG = psum(self.W * (1 - um)) + self.W0
        pred = L0 + A * Ta - B * sG
        if not jac:
            return pred, None
        d = self.W * beta * um / (1 + C * x)
        J = np.empty((n, 7))
        J[:, 0] = 1
        J[:, 1] = Ta
        J[:, 2] = -A * Ta * self.lnT
        J[:, 3] = -sG
        J[:, 4] = -B * psum(d * x)
        J[:, 5] = -B * psum(self.W * um * lnu)
        J[:, 6] = B * C * psum(d * x * self.lnE)
        return pred, J


class FSL:
    """src/laws/fsl.c, MATH.md §5.1:
    L = L0 + c1 T_k^-s - c2 sum_i D_i (c3 + T_i^-s) [1 - (1 + c4 (T_k - T_i))^-gamma]."""

    def __init__(self, runs):
        P = self.P = Points(runs, drop_weights)
        self.lnTk = np.log(P.Tk)
        self.lnTi = np.log(P.Ti)
        self.d = P.Tkp - P.Ti

    def predict(self, p, jac):
        L0, c1, c2, c3, c4, s, gamma = p
        P = self.P
        Ts = np.exp(-s * self.lnTk)
        ti = np.exp(-s * self.lnTi)
        a = c3 + ti
        lnu = np.log1p(c4 * self.d)
        um = np.exp(-gamma * lnu)
        WH = P.W * (1 - um)
        total = P.psum(WH * a)
        pred = L0 + c1 * Ts - c2 * total
        if not jac:
            return pred, None
        J = np.empty((P.n, 7))
        J[:, 0] = 1
        J[:, 1] = Ts
        J[:, 2] = -total
        J[:, 3] = -c2 * P.psum(WH)
        J[:, 4] = -c2 * P.psum(P.W * a * gamma * um / (1 + c4 * self.d) * self.d)
        J[:, 5] = -c1 * Ts * self.lnTk + c2 * P.psum(WH * ti * self.lnTi)
        J[:, 6] = -c2 * P.psum(P.W * a * um * lnu)
        return pred, J


class FSLConv:
    """src/laws/fslconv.c, MATH.md §5.2:
    L = Linf + C1 (B1 + t_k)^-a1 + C2 sum_{j<=k} (B2 + t_k - t_j)^-a2 lr_j^2."""

    def __init__(self, runs):
        P = self.P = Points(runs, lambda lr, w: lr * lr)
        self.d = P.Tkp - P.Ti

    def predict(self, p, jac):
        Linf, C1, B1, a1, C2, B2, a2 = p
        P = self.P
        lb = np.log(B1 + P.Tk)
        sig = np.exp(-a1 * lb)
        lk = np.log(B2 + self.d)
        Wk = P.W * np.exp(-a2 * lk)
        total = P.psum(Wk)
        pred = Linf + C1 * sig + C2 * total
        if not jac:
            return pred, None
        J = np.empty((P.n, 7))
        J[:, 0] = 1
        J[:, 1] = sig
        J[:, 2] = -C1 * a1 * sig / (B1 + P.Tk)
        J[:, 3] = -C1 * sig * lb
        J[:, 4] = total
        J[:, 5] = -C2 * a2 * P.psum(Wk / (B2 + self.d))
        J[:, 6] = -C2 * P.psum(Wk * lk)
        return pred, J


def chunk_sums(P, n_terms, terms):
    """acc[t] = per-point sums of term t over the pairs, computed in slices of
    CHUNK pairs (bounded temporaries: fslk has ~5.4 M pairs on the bench data);
    terms(slice) returns the list of that slice's pair arrays."""
    acc = np.zeros((n_terms, P.n))
    for a in range(0, len(P.pt), CHUNK):
        sl = slice(a, a + CHUNK)
        pt = P.pt[sl]
        for t, v in enumerate(terms(sl)):
            acc[t] += np.bincount(pt, weights=v, minlength=P.n)
    return acc


class FSLQ:
    """src/laws/fsl.c, law fslq: fsl with the drops in f(lr) = ref (lr/ref)^q,
    L = L0 + c1 T_k^-s - c2 sum_i [f(lr_{i-1}) - f(lr_i)] (c3 + T_i^-s)
        [1 - (1 + c4 (T_k - T_i))^-gamma],  warmup < i <= k.
    A drop g = f(lr_{i-1}) - f(lr_i) is computed without cancellation as
    ref (lr_i/ref)^q expm1(q log1p(D_i / lr_i)), D_i = lr_{i-1} - lr_i (exact
    in floating point for nearby rates); drops to or rises from rate 0 use
    the difference of powers directly."""

    def __init__(self, runs):
        P = self.P = Points(runs, drop_weights)
        self.lnTk = np.log(P.Tk)
        self.lnTi = np.log(P.Ti)
        self.d = P.Tkp - P.Ti
        prev = P.Ei + P.W                      # lr_{i-1}
        self.reg = (P.Ei > 0) & (prev > 0)
        self.irr = np.flatnonzero(~self.reg)   # drops to 0, rises from 0
        with np.errstate(divide="ignore", invalid="ignore"):
            self.le = np.where(P.Ei > 0, np.log(P.Ei / REF), 0.0)      # log(lr_i/ref)
            self.l1 = np.where(self.reg, np.log1p(P.W / np.where(P.Ei > 0, P.Ei, 1.0)), 0.0)
            # the irregular pairs: log(lr_{i-1}/ref) and log(lr_i/ref), -inf at 0
            self.lp_irr = np.log(prev[self.irr] / REF)
            self.le_irr = np.log(P.Ei[self.irr] / REF)

    def drops(self, q, sl):
        """g = f(lr_{i-1}) - f(lr_i) and dg/dq on the pairs of slice sl."""
        le, l1 = self.le[sl], self.l1[sl]
        fe = REF * np.exp(q * le)
        em = np.expm1(q * l1)
        g = fe * em
        gq = fe * (le * em + l1 * (em + 1))
        a, b = sl.start, min(sl.stop, len(self.le))
        k = self.irr[(self.irr >= a) & (self.irr < b)]
        if len(k):
            j = np.searchsorted(self.irr, k)
            lp, lq = self.lp_irr[j], self.le_irr[j]   # -inf: rate 0, f = 0
            fp, fq = REF * np.exp(q * lp), REF * np.exp(q * lq)
            g[k - a] = fp - fq
            gq[k - a] = (fp * np.where(np.isfinite(lp), lp, 0.0)
                         - fq * np.where(np.isfinite(lq), lq, 0.0))
        return g, gq

    def predict(self, p, jac):
        L0, c1, c2, c3, c4, s, gamma, q = p
        P = self.P
        Ts = np.exp(-s * self.lnTk)

        def terms(sl):
            g, gq = self.drops(q, sl)
            lnTi, d = self.lnTi[sl], self.d[sl]
            ti = np.exp(-s * lnTi)
            a = c3 + ti
            lnu = np.log1p(c4 * d)
            um = np.exp(-gamma * lnu)
            gH = g * (1 - um)
            if not jac:
                return [gH * a]
            ga = g * a
            return [gH * a, gH, gH * ti * lnTi, ga * gamma * um / (1 + c4 * d) * d,
                    ga * um * lnu, gq * a * (1 - um)]

        acc = chunk_sums(P, 6 if jac else 1, terms)
        pred = L0 + c1 * Ts - c2 * acc[0]
        if not jac:
            return pred, None
        J = np.empty((P.n, 8))
        J[:, 0] = 1
        J[:, 1] = Ts
        J[:, 2] = -acc[0]
        J[:, 3] = -c2 * acc[1]
        J[:, 4] = -c2 * acc[3]
        J[:, 5] = -c1 * Ts * self.lnTk + c2 * acc[2]
        J[:, 6] = -c2 * acc[4]
        J[:, 7] = -c2 * acc[5]
        return pred, J


class FSLK:
    """src/laws/fslk.c, law fslk (MATH.md §2, discrete evaluator):
    L = L0 + c1 T_k^-s + c2 sum_{i<=k} w_i (c3 + T_i^-s) (1 + c4 (T_k - T_i))^-(1+gamma),
    w_i = lr_i^2 over every step with lr_i != 0 (warmup included)."""
    has_q = False

    def __init__(self, runs):
        P = self.P = Points(runs, lambda lr, w: lr * lr)
        self.lnTk = np.log(P.Tk)
        self.lnTi = np.log(P.Ti)
        self.d = P.Tkp - P.Ti
        if self.has_q:
            self.lnE = np.log(P.Ei / REF)

    def predict(self, p, jac):
        L0, c1, s, c2, c3, c4, gamma = p[:7]
        q = p[7] if self.has_q else 1.0
        P = self.P
        Ts = np.exp(-s * self.lnTk)

        def terms(sl):
            lnTi, d = self.lnTi[sl], self.d[sl]
            ti = np.exp(-s * lnTi)
            a = c3 + ti
            lnu = np.log1p(c4 * d)
            e = -(1 + gamma) * lnu
            if self.has_q:
                e = e + (q - 1) * self.lnE[sl]   # w = lr^2 (lr/ref)^(q-1)
            Wk = P.W[sl] * np.exp(e)
            Wa = Wk * a
            if not jac:
                return [Wa]
            t = [Wa, Wk, Wk * ti * lnTi, Wa * d / (1 + c4 * d), Wa * lnu]
            if self.has_q:
                t.append(Wa * self.lnE[sl])
            return t

        nt = (6 if self.has_q else 5) if jac else 1
        acc = chunk_sums(P, nt, terms)
        pred = L0 + c1 * Ts + c2 * acc[0]
        if not jac:
            return pred, None
        J = np.empty((P.n, 8 if self.has_q else 7))
        J[:, 0] = 1
        J[:, 1] = Ts
        J[:, 2] = -c1 * Ts * self.lnTk - c2 * acc[2]
        J[:, 3] = acc[0]
        J[:, 4] = c2 * acc[1]
        J[:, 5] = -c2 * (1 + gamma) * acc[3]
        J[:, 6] = -c2 * acc[4]
        if self.has_q:
            J[:, 7] = c2 * acc[5]
        return pred, J


class FSLKQ(FSLK):
    """src/laws/fslk.c, law fslkq: fslk with the injection
    w_i = ref^(1-q) lr_i^(1+q) = lr_i^2 (lr_i/ref)^(q-1)."""
    has_q = True


class MTL:
    """src/laws/mtl.c, MATH.md §5.4: L = L0 + A S1^-alpha - C S2, the warmup
    counted as constant peak rate; m_i = lambda m_{i-1} + D_i, S2 = sum m_i."""

    def __init__(self, runs):
        P = self.P = Points(runs, lambda lr, w: np.zeros(len(lr)))
        lnS1, S2 = [], []
        for lr, lsteps, _ in runs:
            w = warmup_end(lr)
            eff = lr.copy()
            eff[:w + 1] = lr[w]
            s1 = np.cumsum(eff)
            m, acc, s2 = 0.0, 0.0, np.zeros(len(lr))
            for k in range(w + 1, len(lr)):
                m = MTL_LAMBDA * m + (lr[k - 1] - lr[k])
                acc += m
                s2[k] = acc
            at = lsteps[lsteps > w]
            lnS1.append(np.log(s1[at]))
            S2.append(s2[at])
        self.lnS1, self.S2 = np.concatenate(lnS1), np.concatenate(S2)

    def predict(self, p, jac):
        L0, A, alpha, C = p
        Sa = np.exp(-alpha * self.lnS1)
        pred = L0 + A * Sa - C * self.S2
        if not jac:
            return pred, None
        J = np.column_stack([np.ones_like(Sa), Sa, -A * Sa * self.lnS1, -self.S2])
        return pred, J


MODELS = {"mpl": MPL, "fsl": FSL, "fslq": FSLQ, "fslconv": FSLConv, "fslk": FSLK,
          "fslkq": FSLKQ, "mtl": MTL}


# ---------------------------------------------------------------- objective
def objective(model, p, jac):
    """Summed Huber of the log residuals and its gradient in the parameters."""
    with np.errstate(all="ignore"):
        pred, J = model.predict(np.asarray(p, dtype=float), jac)
        if not np.all(np.isfinite(pred)) or not np.all(pred > 0):
            return math.inf, (np.zeros(len(p)) if jac else None)
        r = model.P.logy - np.log(pred)
        a = np.abs(r)
        small = a <= HUBER_DELTA
        f = float(np.sum(np.where(small, 0.5 * r * r, HUBER_DELTA * (a - 0.5 * HUBER_DELTA))))
        if not jac:
            return f, None
        drho = np.where(small, r, np.copysign(HUBER_DELTA, r))
        return f, J.T @ (-drho / pred)


class Scaled:
    """The law in fit.c's scaled coordinates x in [0, 1]^np."""

    def __init__(self, law, model):
        t = LAWS[law]
        self.model = model
        self.lo = np.array([q[1] for q in t], dtype=float)
        self.hi = np.array([q[2] for q in t], dtype=float)
        self.log = np.array([bool(q[6]) for q in t])
        self.start = np.array([q[3] for q in t], dtype=float)
        self.slo = np.array([q[4] for q in t], dtype=float)
        self.shi = np.array([q[5] for q in t], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.span = np.where(self.log, np.log(self.hi) - np.log(self.lo), self.hi - self.lo)
            self.llo = np.where(self.log, np.log(self.lo), self.lo)
        self.evals = 0

    def to_param(self, x):
        with np.errstate(over="ignore"):
            return np.where(self.log, np.exp(self.llo + x * self.span), self.lo + x * self.span)

    def to_unit(self, p):
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(self.log, (np.log(p) - self.llo) / self.span, (p - self.lo) / self.span)
        return np.clip(x, 0, 1)

    def start_point(self, s):
        p = self.start.copy()
        if s > 0:
            h = np.array([halton(s + 16, PRIMES[k]) for k in range(len(p))])
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(self.log,
                             np.exp(np.log(self.slo) + h * (np.log(self.shi) - np.log(self.slo))),
                             self.slo + h * (self.shi - self.slo))
        return self.to_unit(p)

    def fun(self, x):
        self.evals += 1
        p = self.to_param(x)
        f, g = objective(self.model, p, True)
        if not math.isfinite(f):
            return 1e300, np.zeros(len(x))
        dp = np.where(self.log, p * self.span, self.span)
        return f, g * dp


def halton(index, base):
    r, f = 0.0, 1.0 / base
    while index:
        r += f * (index % base)
        index //= base
        f /= base
    return r


# ---------------------------------------------------------------- commands
def load(law, paths):
    if law not in MODELS:
        sys.exit(f"fit_scipy.py: unknown law '{law}' (known: {', '.join(MODELS)})")
    return MODELS[law]([read_run(p) for p in paths])


def cmd_fit(a):
    c0, t0 = time.process_time(), time.perf_counter()
    model = load(a.law, a.runs)
    sc = Scaled(a.law, model)
    t1 = time.perf_counter()
    # Tolerances comparable to fit.c (NLopt LD_LBFGS, ftol_rel = xtol_rel =
    # 1e-12, 3000 evaluations): scipy's ftol test is (f_k - f_k+1) /
    # max(|f_k|, |f_k+1|, 1) <= ftol, relative to 1 for our objectives of
    # ~1e-4, so ftol = 1e-16 is a relative 1e-12 there; gtol off.
    opts = {"ftol": 1e-16, "gtol": 0.0, "maxfun": a.max_evals, "maxiter": a.max_evals}
    starts = []
    for s in range(a.starts):
        sc.evals = 0
        x0 = sc.start_point(s)
        r = minimize(sc.fun, x0, jac=True, method="L-BFGS-B",
                     bounds=[(0.0, 1.0)] * len(x0), options=opts)
        f = float(r.fun) if r.fun < 1e300 else math.inf
        starts.append({"start": s, "objective": f, "evaluations": sc.evals,
                       "message": str(r.message), "x": [float(v) for v in r.x]})
    t2 = time.perf_counter()
    best = min(range(len(starts)), key=lambda s: (starts[s]["objective"], s))
    p = sc.to_param(np.array(starts[best]["x"]))
    names = [q[0] for q in LAWS[a.law]]
    out = {"law": a.law, "params": {n: float(v) for n, v in zip(names, p)},
           "objective": objective(model, p, False)[0], "points": model.P.n,
           "best_start": best, "starts": starts,
           "seconds_setup": t1 - t0, "seconds_fit": t2 - t1,
           "cpu_seconds": time.process_time() - c0, "runs": a.runs}
    text = json.dumps(out, indent=1)
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(a.out + ".tmp", a.out)
    else:
        print(text)


def cmd_eval(a):
    with open(a.params) as f:
        given = json.load(f)["params"]
    names = [q[0] for q in LAWS[a.law]]
    missing = [n for n in names if n not in given]
    if missing:
        sys.exit(f"fit_scipy.py: {a.params} lacks parameters {', '.join(missing)}")
    model = load(a.law, a.runs)
    f, _ = objective(model, [given[n] for n in names], False)
    print(f"{f:.17g}")


def c_strip(text):
    """C source without comments and line continuations; string and
    character literals are kept as they are."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise ValueError("unterminated comment")
            out.append(" ")
            i = j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out).replace("\\\n", " ")


def literal_end(text, i):
    """Index of the quote closing the string or character literal at text[i]."""
    j = i + 1
    while text[j] != text[i]:
        j += 2 if text[j] == "\\" else 1
    return j


def c_split(text, sep=","):
    """Split at the separators outside braces, parentheses and literals."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = literal_end(text, i)
        elif c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    if last:
        parts.append(last)
    return parts


def c_braced(text, i):
    """The text inside the brace group opening at text[i] == '{'."""
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c in "\"'":
            j = literal_end(text, j)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
        j += 1
    raise ValueError("unbalanced braces")


def c_enums(text):
    """The values of the enumerators of every enum in text."""
    vals = {}
    for m in re.finditer(r"\benum\b\s*\w*\s*\{", text):
        nxt = 0
        for item in c_split(c_braced(text, m.end() - 1)):
            name, _, expr = item.partition("=")
            if expr.strip():
                if not re.fullmatch(r"[\w\s+\-*()]+", expr):
                    raise ValueError(f"enumerator {item!r}")
                nxt = int(eval(expr, {"__builtins__": {}}, dict(vals)))
            vals[name.strip()] = nxt
            nxt += 1
    return vals


def source_tables(source):
    """{law name: (file, np, rows)} from every `const law_kind X = {...}` of
    SOURCE/src/laws/*.c: np evaluated from the file's enums, rows the
    parameter initializer with the file's object-like macros expanded (fsl.c
    builds fslq's table as {FSL_PARAMS, {"q", ...}}). Raises ValueError on
    anything it cannot read."""
    d = os.path.join(source, "src", "laws")
    files = sorted(f for f in os.listdir(d) if f.endswith(".c"))
    if not files:
        raise ValueError(f"no law files in {d}")
    laws = {}
    for fn in files:
        with open(os.path.join(d, fn)) as f:
            text = c_strip(f.read())
        macros = {m[0]: m[1].strip() for m in
                  re.findall(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(?![\w(])(.*)$", text, re.M)}
        enums = c_enums(text)
        for m in re.finditer(r"\blaw_kind\s+(\w+)\s*=\s*\{", text):
            where = f"src/laws/{fn}: {m[1]}"
            fields = c_split(c_braced(text, m.end() - 1))
            if len(fields) < 5 or not re.fullmatch(r'"\w+"', fields[0]):
                raise ValueError(f"{where}: expected {{\"name\", formula, help, np, {{params}}, ...}}")
            name = fields[0][1:-1]
            npf = fields[3]
            if re.fullmatch(r"\d+", npf):
                npar = int(npf)
            elif npf in enums:
                npar = enums[npf]
            else:
                raise ValueError(f"{where}: cannot evaluate np = {npf}")
            params = fields[4]
            if not params.startswith("{"):
                raise ValueError(f"{where}: field 5 is not the parameter table: {params[:60]}")
            body = params[1:-1]
            for _ in range(10):                  # expand macros (nested ones too)
                new = re.sub(r"\b\w+\b", lambda w: macros.get(w[0], w[0]), body)
                if new == body:
                    break
                body = new
            rows = []
            for r in c_split(body):
                cells = c_split(r[1:-1]) if r.startswith("{") and r.endswith("}") else []
                if len(cells) != 7 or not re.fullmatch(r'"\w+"', cells[0]):
                    raise ValueError(f"{where}: not a parameter row {{\"name\", lo, hi, start, "
                                     f"start_lo, start_hi, logscale}}: {r[:80]}")
                try:
                    rows.append((cells[0][1:-1],) + tuple(float(v) for v in cells[1:]))
                except ValueError:
                    raise ValueError(f"{where}: a row with a non-numeric value: {r}") from None
            if name in laws:
                raise ValueError(f"{where}: law '{name}' also defined in {laws[name][0]}")
            laws[name] = (f"src/laws/{fn}", npar, rows)
    if not laws:
        raise ValueError(f"no `const law_kind NAME = {{...}}` found in {d}/*.c")
    return laws


def cmd_check_tables(a):
    """Compare LAWS with the law_kind tables of SOURCE_DIR/src/laws/*.c: every
    law of the script must be defined there with the same rows and with np
    equal to its number of rows. Laws of the source the script does not
    implement are listed, not an error."""
    try:
        src = source_tables(a.source)
    except (OSError, ValueError) as e:
        print(f"fit_scipy.py: check-tables: cannot read the law tables: {e}", file=sys.stderr)
        sys.exit(1)
    bad = 0
    for law, table in LAWS.items():
        mine = [(q[0],) + tuple(float(v) for v in q[1:]) for q in table]
        if law not in src:
            bad = 1
            print(f"fit_scipy.py: law {law}: no law_kind named '{law}' in src/laws/*.c "
                  f"(found: {', '.join(sorted(src))})", file=sys.stderr)
            continue
        fn, npar, rows = src[law]
        if npar != len(rows):
            bad = 1
            print(f"fit_scipy.py: law {law}: {fn} gives np = {npar} but {len(rows)} "
                  f"parameter rows", file=sys.stderr)
        if rows != mine:
            bad = 1
            print(f"fit_scipy.py: law {law}: table differs from {fn}:", file=sys.stderr)
            for k in range(max(len(rows), len(mine))):
                r = rows[k] if k < len(rows) else None
                m = mine[k] if k < len(mine) else None
                if r != m:
                    print(f"  row {k}: source {r}, script {m}", file=sys.stderr)
    extra = sorted(set(src) - set(LAWS))
    if extra:
        print(f"fit_scipy.py: note: laws of the source this script does not implement: "
              f"{', '.join(extra)}", file=sys.stderr)
    if not bad:
        print(f"parameter tables match src/laws/*.c ({', '.join(sorted(LAWS))})")
    sys.exit(bad)


def cmd_get(a):
    with open(a.file) as f:
        v = json.load(f)[a.key]
    print(f"{v:.17g}" if isinstance(v, float) else v)


def cmd_fixargs(a):
    with open(a.file) as f:
        p = json.load(f)["params"]
    print(" ".join(f"--fix {n}={v:.17g}" for n, v in p.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fit")
    f.add_argument("--law", required=True)
    f.add_argument("--starts", type=int, default=8)
    f.add_argument("--max-evals", type=int, default=3000)
    f.add_argument("--out")
    f.add_argument("runs", nargs="+")
    e = sub.add_parser("eval")
    e.add_argument("--law", required=True)
    e.add_argument("--params", required=True)
    e.add_argument("runs", nargs="+")
    c = sub.add_parser("check-tables")
    c.add_argument("source")
    g = sub.add_parser("get")
    g.add_argument("file")
    g.add_argument("key")
    x = sub.add_parser("fixargs")
    x.add_argument("file")
    a = ap.parse_args()
    {"fit": cmd_fit, "eval": cmd_eval, "check-tables": cmd_check_tables,
     "get": cmd_get, "fixargs": cmd_fixargs}[a.cmd](a)


if __name__ == "__main__":
    main()
