#!/usr/bin/env python3
"""Proof of the error bound of Float64Tanh (Sources/Network/Float64Tanh.swift):

    |tanh(x) - tanh64(x)| <= 16 u |tanh64(x)|,   u = 2^-53,

for every Double x. Reads the constants from the Swift file, so the proof is about the code
as committed. Every bound below is computed in exact rational arithmetic (fractions); the
only transcendental quantities, ln 2 and e^r, are enclosed by mpmath's interval arithmetic
(outward rounded), and every enclosure is used on the side that makes the bound larger.

Usage (needs mpmath):  python3 docs/proofs/float64_tanh_bound.py [Sources/Network/Float64Tanh.swift]
Exit code 0 and "PROVEN" when every region is within 16 u.

The algorithm, with a = |x|, z = 2a (exact), all operations in Double rounded to nearest:

    a < 2^-26:   a
    a >= 18:     1
    otherwise:   t  = fl(fl(z*log2e) + shift)            shift = 1.5 * 2^52
                 k  = t - shift                          (exact; k = round-half-even(fl(z*log2e)))
                 d  = z - k*ln2hi                        (exact, checked below)
                 r  = fl(d - fl(k*ln2lo))
                 h  = Horner: q12 = c12, q_j = fl(c_j + fl(r*q_{j+1})), h = q0
                 m  = fl(r*h)                            (approximates expm1(r))
                 E  = fl(2^k*m + (2^k - 1))              (2^k*m and 2^k - 1 exact for k <= 52)
                 y  = fl(E / fl(E + 2))

Error model (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2.2): each
basic operation returns op(a, b)(1 + delta) with |delta| <= u, as long as the result is
normal; the script checks that no intermediate result of the formula branch can be
subnormal. A fused multiply-add rounds once where the analysis charges two roundings, so
every bound below also covers contracted code.
"""
import math
import re
import sys
from fractions import Fraction as Q

import mpmath
from mpmath import iv

iv.dps = 60
U = Q(1, 2**53)

SWIFT = sys.argv[1] if len(sys.argv) > 1 else "Sources/Network/Float64Tanh.swift"
source = open(SWIFT).read()


def constant(name):
    match = re.search(r"static let %s: Double = ([0-9a-fA-Fx.p+\-]+)" % re.escape(name), source)
    if not match:
        sys.exit("constant %s not found in %s" % (name, SWIFT))
    literal = match.group(1)
    value = float.fromhex(literal) if literal.lower().startswith("0x") else float(literal)
    return Q(value)


C = [constant("c%d" % j) for j in range(13)]
N = len(C) - 1
LOG2E, SHIFT, LN2HI, LN2LO = (constant(n) for n in ("log2e", "shift", "ln2Hi", "ln2Lo"))
SMALL, SATURATED = constant("small"), constant("saturated")


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
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAILED:", message)


# 1. Constants.
assert SHIFT == Q(3, 2) * 2**52
check(SMALL == Q(1, 2**26) and SATURATED == 18, "thresholds are 2^-26 and 18")
for j, c in enumerate(C):
    exact = Q(1, math.factorial(j + 1))
    check(abs(c - exact) <= U * exact, "c%d is within u of 1/(j+1)!" % j)
ln2_error = up(abs(iv_of(LN2HI + LN2LO) - LN2))  # |ln2hi + ln2lo - ln 2|
print("ln2hi + ln2lo - ln 2: within %.3e" % float(ln2_error))
K_MAX = math.floor(up(iv_of(SATURATED * 2 * LOG2E)) * (1 + U)) + 1
for k in range(K_MAX + 1):
    product = k * LN2HI
    check(Q(float(product)) == product, "k ln2hi exact for k = %d" % k)
check(K_MAX <= 53, "2^k - 1 exact for every k (k <= %d)" % K_MAX)

# 2. Outer regions.
# a < 2^-26: y = a, and 0 <= a - tanh(a) <= a^3/3 < (2^-52/3) a = (2/3) u a.
check(Q(2, 3) <= 16, "small region")
# a >= 18: y = 1, 1 - tanh(a) = 2/(e^{2a}+1) <= 2 e^-36.
saturated_error = up(2 * iv.exp(-2 * iv_of(SATURATED)))
print("a >= 18: 1 - tanh(a) <= %.3f u" % float(saturated_error / U))
check(saturated_error <= 16 * U, "saturated region")

# 3. The formula branch, k by k. z = 2a in [2^-25, 36), fl(z log2e) < 52.
worst = (Q(0), None)
Z_LOW, Z_HIGH = 2 * SMALL, 2 * SATURATED


def horner_error(r_abs):
    """For |r| <= r_abs: (bound on |m - expm1(r)|, bound on |m|), m = fl(r h(r)) computed as
    above. Running error analysis: e_j bounds |q_j - P_j(r)| with P_j the exact polynomial
    with the rounded coefficients; pabs_j = sum_i |c_i| r_abs^(i-j) bounds |P_j(r)|."""
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


for k in range(0, K_MAX + 1):
    # z gives this k iff fl(z log2e) rounds to k: (k - 1/2) <= fl(z log2e) <= (k + 1/2), so
    # z log2e in [(k - 1/2)/(1+u), (k + 1/2)/(1-u)].
    z_low = max(Z_LOW, Q(2 * k - 1, 2) / (1 + U) / LOG2E) if k > 0 else Z_LOW
    z_high = min(Z_HIGH, Q(2 * k + 1, 2) / (1 - U) / LOG2E)
    if z_low >= z_high:
        continue
    k_hi = k * LN2HI
    if k >= 1:
        check(k_hi / 2 <= z_low and z_high <= 2 * k_hi, "Sterbenz: z - k ln2hi exact for k = %d" % k)
    # r_true = z - k ln2 in [z_low - k ln2, z_high - k ln2].
    r_true_low = down(iv_of(z_low) - iv.mpf(k) * LN2)
    r_true_high = up(iv_of(z_high) - iv.mpf(k) * LN2)
    # r = fl(d - fl(k ln2lo)), d = z - k ln2hi exact:
    # |r - r_true| <= u |d - fl(k ln2lo)| + u k ln2lo + k |ln2hi + ln2lo - ln 2|.
    k_lo = k * LN2LO
    d_abs = max(abs(r_true_low), abs(r_true_high)) + k * ln2_error + k_lo * (1 + U) * 2
    delta_r = (U * d_abs + U * k_lo + k * ln2_error) * (1 + U) if k > 0 else Q(0)
    r_low, r_high = r_true_low - delta_r, r_true_high + delta_r
    if k == 0:
        check(r_low >= Z_LOW - Q(1, 2**80), "k = 0: r = z")
        r_low = max(r_low, Z_LOW)
        parts = pieces(r_low, r_high, 0, geometric=True)
    else:
        # No subnormal intermediate: d and fl(k ln2lo) are multiples of 2^-90, so r = 0 or
        # |r| >= 2^-90, and |r q_j| >= 2^-90 c_12 / 2 >> 2^-1022.
        parts = pieces(r_low, r_high, 64)
    for lo, hi in parts:
        R = max(abs(lo), abs(hi))
        m_error, m_abs = horner_error(R)
        # |m - expm1(r_true)| <= m_error + e^max |r - r_true|.
        total_m = m_error + up(iv.exp(iv_of(R + delta_r))) * delta_r
        two_k = Q(2**k)
        # expm1(z) = 2^k e^{r_true} - 1 over the true r's of this piece.
        e_low = down(iv_of(two_k) * iv.exp(iv_of(lo - delta_r)) - 1)
        e_high = up(iv_of(two_k) * iv.exp(iv_of(hi + delta_r)) - 1)
        if e_low <= 0:
            failures.append("expm1(z) not bounded away from 0 at k = %d" % k)
            continue
        x_abs = e_high + two_k * total_m  # |2^k m + 2^k - 1|
        e_error = two_k * total_m + U * x_abs  # |E - expm1(z)|
        eps = e_error / e_low
        # y = E / fl(E + 2): |y/t - 1| <= (1 + eps w/(1 - eps))(1+u)/(1-u) - 1, w = 2/(E+2).
        w = Q(2) / (e_low + 2)
        eta = (1 + eps * w / (1 - eps)) * (1 + U) / (1 - U) - 1
        relative_to_result = eta / (1 - eta)  # |y - t| <= eta t <= eta/(1-eta) |y|
        if relative_to_result > worst[0]:
            worst = (relative_to_result, (k, float(lo), float(hi), float(eps / U)))

print("worst region: k = %d, r in [%.6f, %.6f], relative error of E %.2f u" % worst[1])
print("bound: |tanh(x) - tanh64(x)| <= %.3f u |tanh64(x)|" % float(worst[0] / U))
check(worst[0] <= 16 * U, "formula region within 16 u")

# 4. A cross-check of the description (not part of the proof): the algorithm above in Python
# floats (IEEE-754 Doubles, rounded to nearest, no fused operations) against mpmath's tanh at
# 30 digits, on random points of every region and around the worst one.
def tanh64(x):
    a = abs(x)
    if a < float(SMALL):
        y = a
    elif a >= float(SATURATED):
        y = 1.0
    else:
        z = a + a
        shifted = z * float(LOG2E) + float(SHIFT)
        k = shifted - float(SHIFT)
        r = (z - k * float(LN2HI)) - k * float(LN2LO)
        h = float(C[N])
        for c in reversed(C[:N]):
            h = h * r + float(c)
        two_k = 2.0 ** int(k)
        e = two_k * (r * h) + (two_k - 1)
        y = e / (e + 2)
    return math.copysign(y, x)


import random
random.seed(0)
mpmath.mp.dps = 30
points = [random.uniform(0, 18) for _ in range(20000)] + [random.uniform(0.17, 0.19) for _ in range(10000)]
points += [2.0 ** random.uniform(-30, 0) for _ in range(10000)]
observed = 0.0
for x in points:
    y = tanh64(x)
    error = abs(mpmath.mpf(y) - mpmath.tanh(x)) / (float(U) * abs(y))
    observed = max(observed, float(error))
    if tanh64(-x) != -y:
        failures.append("not odd at %r" % x)
print("cross-check: largest observed error %.3f u at %d points (the proven bound is above)" % (observed, len(points)))
check(observed <= float(worst[0] / U), "observed errors within the proven bound")
if failures:
    print("NOT PROVEN:", len(failures), "failures")
    sys.exit(1)
print("PROVEN: |tanh(x) - tanh64(x)| <= 16 u |tanh64(x)| for every Double x")
