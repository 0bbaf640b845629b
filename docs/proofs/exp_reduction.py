"""Shared part of the proofs of Float64Tanh and Float64Sigmoid: exact rational arithmetic,
interval enclosures, the constants of Float64ExpReduction (read from the Swift file), and the
error bounds of its reduction and series. Not run on its own; see float64_tanh_bound.py and
float64_sigmoid_bound.py.

The reduction, every operation in Double rounded to nearest:

    t  = fl(fl(z*log2e) + shift)            shift = 1.5 * 2^52
    k  = t - shift                          (exact; k = round-half-even(fl(z*log2e)))
    d  = z - k*ln2hi                        (exact, checked by check_reduction)
    r  = fl(d - fl(k*ln2lo))
    h  = Horner: q12 = c12, q_j = fl(c_j + fl(r*q_{j+1})), h = q0
    m  = fl(r*h)                            (approximates expm1(r))

Error model (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2.2): each
basic operation returns op(a, b)(1 + delta) with |delta| <= u while the result is normal. A
fused multiply-add rounds once where the analysis charges two roundings, so every bound also
covers contracted code.
"""
import math
import re
import sys
from fractions import Fraction as Q

from mpmath import iv

iv.dps = 60
U = Q(1, 2**53)
SOURCES = "Sources/Network"
failures = []


def constant(name, file):
    source = open("%s/%s" % (SOURCES, file)).read()
    match = re.search(r"static let %s: Double = ([0-9a-fA-Fx.p+\-]+)" % re.escape(name), source)
    if not match:
        sys.exit("constant %s not found in %s" % (name, file))
    literal = match.group(1)
    return Q(float.fromhex(literal) if literal.lower().startswith("0x") else float(literal))


REDUCTION = "Float64ExpReduction.swift"
C = [constant("c%d" % j, REDUCTION) for j in range(13)]
N = len(C) - 1
LOG2E, SHIFT, LN2HI, LN2LO = (constant(n, REDUCTION) for n in ("log2e", "shift", "ln2Hi", "ln2Lo"))


def iv_of(q):
    return iv.mpf(q.numerator) / q.denominator


def rational(raw):
    """The exact rational value of a raw mpmath number (sign, mantissa, exponent, bits)."""
    sign, man, exp, _ = raw
    if man == 0 and exp == 0 and sign == 0:
        return Q(0)
    value = Q(man) * (Q(2) ** exp)
    return -value if sign else value


def up(x):
    """A rational upper bound of the interval x (an exact rational stays itself)."""
    return x if isinstance(x, Q) else rational(iv.mpf(x)._mpi_[1])


def down(x):
    """A rational lower bound of the interval x."""
    return x if isinstance(x, Q) else rational(iv.mpf(x)._mpi_[0])


LN2 = iv.log(2)


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAILED:", message)


def check_constants():
    print("ln2hi + ln2lo - ln 2: within %.3e" % float(LN2_ERROR))
    assert SHIFT == Q(3, 2) * 2**52
    for j, c in enumerate(C):
        exact = Q(1, math.factorial(j + 1))
        check(abs(c - exact) <= U * exact, "c%d is within u of 1/(j+1)!" % j)


LN2_ERROR = up(abs(iv_of(LN2HI + LN2LO) - LN2))  # |ln2hi + ln2lo - ln 2|


def horner_error(r_abs):
    """For |r| <= r_abs: (bound on |m - expm1(r)|, bound on |m|). Running error analysis:
    e_j bounds |q_j - P_j(r)| with P_j the exact polynomial with the rounded coefficients;
    pabs_j = sum_i |c_i| r_abs^(i-j) bounds |P_j(r)|."""
    R = r_abs
    pabs = [Q(0)] * (N + 1)
    pabs[N] = C[N]
    for j in range(N - 1, -1, -1):
        pabs[j] = C[j] + R * pabs[j + 1]
    e = Q(0)  # e_N = 0: q_N = c_N exactly
    for j in range(N - 1, -1, -1):
        q_next = pabs[j + 1] + e  # |q_{j+1}|
        product = R * q_next  # |r q_{j+1}|
        product_error = U * product  # fl(r q) - r q
        sum_abs = C[j] + product * (1 + U)  # |c_j + fl(r q)|
        e = R * e + product_error + U * sum_abs
    q0 = pabs[0] + e
    m_error = R * e + U * R * q0  # |m - r P_0(r)|
    # |r P_0(r) - expm1(r)|: rounded coefficients and the series' tail.
    coefficient_error = sum(abs(C[j] - Q(1, math.factorial(j + 1))) * R ** (j + 1) for j in range(N + 1))
    tail = R ** (N + 2) / math.factorial(N + 2) / (1 - R / (N + 3))
    return m_error + coefficient_error + tail, R * q0 * (1 + U)


def pieces(low, high, count, geometric=False):
    if geometric:
        edges = [low]
        while edges[-1] * 2 < high:
            edges.append(edges[-1] * 2)
        edges.append(high)
        out = []
        for a, b in zip(edges, edges[1:]):
            out += pieces(a, b, 4)
        return out
    step = (high - low) / count
    return [(low + i * step, low + (i + 1) * step) for i in range(count)]


def check_reduction(k, z_min, z_max):
    """The z in [z_min, z_max] that give this k, and what the reduction guarantees there:
    (z_low, z_high, r_true_low, r_true_high, delta_r) with r_true = z - k ln 2 and
    |r - r_true| <= delta_r, or None when no z gives k. Checks that k ln2hi is exact and that
    z - k ln2hi is exact (Sterbenz) for k != 0."""
    # fl(z log2e) rounds to k: |fl(p) - k| <= 1/2 and |fl(p) - p| <= u |p|, p = z log2e.
    p_max = max(abs(z_min), abs(z_max)) * LOG2E
    slack = U * p_max * (1 + U)
    z_low = max(z_min, (Q(2 * k - 1, 2) - slack) / LOG2E)
    z_high = min(z_max, (Q(2 * k + 1, 2) + slack) / LOG2E)
    if z_low > z_high:
        return None
    k_hi = k * LN2HI
    check(Q(float(k_hi)) == k_hi, "k ln2hi exact for k = %d" % k)
    if k > 0:
        check(k_hi / 2 <= z_low and z_high <= 2 * k_hi, "Sterbenz: z - k ln2hi exact for k = %d" % k)
    elif k < 0:
        check(2 * k_hi <= z_low and z_high <= k_hi / 2, "Sterbenz: z - k ln2hi exact for k = %d" % k)
    r_true_low = down(iv_of(z_low) - iv.mpf(k) * LN2)
    r_true_high = up(iv_of(z_high) - iv.mpf(k) * LN2)
    # r = fl(d - fl(k ln2lo)), d = z - k ln2hi exact:
    # |r - r_true| <= u |d - fl(k ln2lo)| + u |k| ln2lo + |k| |ln2hi + ln2lo - ln 2|.
    k_lo = abs(k) * LN2LO
    d_abs = max(abs(r_true_low), abs(r_true_high)) + abs(k) * LN2_ERROR + k_lo * (1 + U) * 2
    delta_r = (U * d_abs + U * k_lo + abs(k) * LN2_ERROR) * (1 + U) if k != 0 else Q(0)
    return z_low, z_high, r_true_low, r_true_high, delta_r


def reduce_in_floats(z):
    """The reduction in Python floats (IEEE-754 Doubles, rounded to nearest, no fused
    operations), for the scripts' cross-checks: (k, m) with m ~ expm1(r)."""
    shifted = z * float(LOG2E) + float(SHIFT)
    k = shifted - float(SHIFT)
    r = (z - k * float(LN2HI)) - k * float(LN2LO)
    h = float(C[N])
    for c in reversed(C[:N]):
        h = h * r + float(c)
    return int(k), r * h


def finish(name, statement):
    if failures:
        print("NOT PROVEN:", len(failures), "failures")
        sys.exit(1)
    print("PROVEN:", statement)
