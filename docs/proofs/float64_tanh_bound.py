#!/usr/bin/env python3
"""Proof of the error bound of Float64Tanh (Sources/Network/Float64Tanh.swift):

    |tanh(x) - tanh64(x)| <= 16 u |tanh64(x)|,   u = 2^-53,

for every Double x. Reads the constants from the Swift files (Float64Tanh.swift and
Float64ExpReduction.swift), so the proof is about the code as committed. Every bound below
is computed in exact rational arithmetic (fractions); the only transcendental quantities,
ln 2 and e^r, are enclosed by mpmath's interval arithmetic (outward rounded), and every
enclosure is used on the side that makes the bound larger.

Usage (needs mpmath), from the repository root:  python3 docs/proofs/float64_tanh_bound.py
Exit code 0 and "PROVEN" when every region is within 16 u.

The algorithm, with a = |x|, z = 2a (exact), all operations in Double rounded to nearest:

    a < 2^-26:   a
    a >= 18:     1
    otherwise:   k, m = the reduction of z (exp_reduction.py), m ~ expm1(r), z = k ln 2 + r
                 E  = fl(2^k*m + (2^k - 1))              (2^k*m and 2^k - 1 exact for k <= 52)
                 y  = fl(E / fl(E + 2))
"""
import math
import random
import sys

import mpmath
from mpmath import iv

sys.path.insert(0, "docs/proofs")
from exp_reduction import (LOG2E, U, Q, check, check_constants, check_reduction, constant, down, failures,  # noqa: E402
                           finish, horner_error, iv_of, pieces, reduce_in_floats, up)

SMALL, SATURATED = constant("small", "Float64Tanh.swift"), constant("saturated", "Float64Tanh.swift")

# 1. Constants.
check_constants()
check(SMALL == Q(1, 2**26) and SATURATED == 18, "thresholds are 2^-26 and 18")
K_MAX = math.floor(up(iv_of(SATURATED * 2 * LOG2E)) * (1 + U)) + 1
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

for k in range(0, K_MAX + 1):
    reduction = check_reduction(k, Z_LOW, Z_HIGH)
    if reduction is None:
        continue
    z_low, z_high, r_true_low, r_true_high, delta_r = reduction
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
        k, m = reduce_in_floats(a + a)
        two_k = 2.0**k
        e = two_k * m + (two_k - 1)
        y = e / (e + 2)
    return math.copysign(y, x)


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
finish("tanh", "|tanh(x) - tanh64(x)| <= 16 u |tanh64(x)| for every Double x")
