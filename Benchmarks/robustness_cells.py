#!/usr/bin/env python3
"""Per-cell summary of `verify table --robustness DIR` results files (ROW__COLUMN.jsonl):
robust / not robust / unknown counts, the robust share with its two-sided Clopper-Pearson
interval (unknowns as failures below, successes above; the header's confidence), the summed
query seconds, and the decided-by breakdown, as a markdown table. A results file may be
gzipped (ROW__COLUMN.jsonl.gz, as the committed ones under examples/mnist/paper/ are).

usage: Benchmarks/robustness_cells.py EPS=DIR [EPS=DIR ...]
"""
import glob
import gzip
import math
import json
import os
import sys
from collections import Counter


def _continued_fraction(x, a, b):
    """The continued fraction of the incomplete beta function (Numerical Recipes, 6.4)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
    return h


def incomplete_beta(x, a, b):
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0: return 0.0
    if x >= 1: return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _continued_fraction(x, a, b) / a
    return 1 - incomplete_beta(1 - x, b, a)


def beta_ppf(q, a, b):
    """The q-quantile of Beta(a, b), by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if incomplete_beta(mid, a, b) < q: lo = mid
        else: hi = mid
    return (lo + hi) / 2


def clopper_pearson(k, n, confidence):
    alpha = 1 - confidence
    lower = 0.0 if k == 0 else beta_ppf(alpha / 2, k, n - k + 1)
    upper = 1.0 if k == n else beta_ppf(1 - alpha / 2, k + 1, n - k)
    return lower, upper


def cell(path):
    header, records = None, []
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        for line in f:
            d = json.loads(line)
            if d.get("kind") == "sample": records.append(d)
            elif header is None: header = d
    verdicts = Counter(r["verdict"] for r in records)
    robust, not_robust = verdicts["robust"], verdicts["not_robust"]
    unknown = len(records) - robust - not_robust
    n, confidence = len(records), header.get("confidence", 0.99)
    lower = clopper_pearson(robust, n, confidence)[0]
    upper = clopper_pearson(robust + unknown, n, confidence)[1]
    decided = Counter(r.get("decided_by", "undecided") if r["verdict"] in ("robust", "not_robust") else "unknown"
                      for r in records)
    seconds = sum(r["seconds"] for r in records)
    return dict(n=n, robust=robust, not_robust=not_robust, unknown=unknown, lower=lower, upper=upper,
                decided=decided, seconds=seconds)


def main():
    print("| eps | cell | samples | robust / not robust / unknown | robust % [99% CP interval] | query s (total, mean) | decided by |")
    print("|---|---|---|---|---|---|---|")
    for argument in sys.argv[1:]:
        eps, directory = argument.split("=", 1)
        paths = glob.glob(os.path.join(directory, "*.jsonl")) + glob.glob(os.path.join(directory, "*.jsonl.gz"))
        for path in sorted(paths):
            name = os.path.basename(path).split(".jsonl")[0].replace("__", " x ")
            c = cell(path)
            share = 100 * c["robust"] / c["n"]
            decided = ", ".join(f"{k} {v}" for k, v in sorted(c["decided"].items(), key=lambda kv: -kv[1]))
            print(f"| {eps} | {name} | {c['n']} | {c['robust']} / {c['not_robust']} / {c['unknown']} | "
                  f"{share:.1f} [{100 * c['lower']:.1f}, {100 * c['upper']:.1f}] | {c['seconds']:.0f}, {c['seconds'] / c['n']:.2f} | {decided} |")


if __name__ == "__main__":
    main()
