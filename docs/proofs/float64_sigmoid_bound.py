#!/usr/bin/env python3
"""Proof of the error bound of Float64Sigmoid (Sources/Network/Float64Sigmoid.swift):

    |s(x) - s64(x)| <= 16 u |s64(x)| + 2^-1022,   s(x) = 1 / (1 + e^-x),   u = 2^-53,

for every Double x. Reads the constants from the Swift files (Float64Sigmoid.swift and
Float64ExpReduction.swift). Exact rational arithmetic; ln 2 and e^r enclosed by mpmath's
interval arithmetic, every enclosure used on the side that makes the bound larger.

Usage (needs mpmath), from the repository root:  python3 docs/proofs/float64_sigmoid_bound.py
Exit code 0 and "PROVEN" when every region is within the bound.

The algorithm, with a = |x|, z = -a, all operations in Double rounded to nearest:

    k, m = the reduction of z (exp_reduction.py), m ~ expm1(r), z = k ln 2 + r, k <= 0
    p  = fl(1 + m)
    E  = fl(fl(2^(k+64) p) 2^-64)           (exact while E is normal: k >= -1021 here)
    a >= 709: E = 0
    D  = fl(1 + E)
    x >= 0:  y = fl(1 / D)                  s(x) = 1 / (1 + e^-a)
    x < 0:   y = fl(E / D)                  s(x) = e^-a / (1 + e^-a)
"""
import math
import random
import sys

import mpmath
from mpmath import iv

sys.path.insert(0, "docs/proofs")
from exp_reduction import (LOG2E, N, U, Q, check, check_constants, check_reduction, constant, down,  # noqa: E402
                           finish, horner_error, iv_of, pieces, reduce_in_floats, up)

SATURATED = constant("saturated", "Float64Sigmoid.swift")
TINY = Q(1, 2**1022)  # the absolute term of the bound
worst = Q(0)

# 1. Constants and the saturated region: a >= 709 gives 1 or 0, off by s(-a) < e^-709.
check_constants()
check(SATURATED == 709, "saturation threshold 709")
saturated_error = up(iv.exp(-iv_of(SATURATED)))
print("a >= 709: off by at most e^-709 = %.3e, 2^-1022 = %.3e" % (float(saturated_error), float(TINY)))
check(saturated_error <= TINY, "saturated region within 2^-1022")

# 2. The relative error of p = fl(1 + m) against e^{r_true}, over the r of every k at once:
# every k's r_true lies in [-(ln2/2)(1 + slack), (ln2/2)(1 + slack)] and its |r - r_true| is
# at most the delta_r of the largest |k| (checked per k below), so one sweep over r covers all.
K_MIN = -math.ceil(up(iv_of(SATURATED * LOG2E)) * (1 + U)) - 1
reductions = {}
for k in range(K_MIN, 1):
    reduction = check_reduction(k, -SATURATED, Q(0))
    if reduction is not None:
        reductions[k] = reduction
delta_r = max(r[4] for r in reductions.values())
r_true_low = min(r[2] for r in reductions.values())
r_true_high = max(r[3] for r in reductions.values())
print("k from %d to 0; r_true in [%.6f, %.6f]; |r - r_true| <= %.3e" % (
    min(reductions), float(r_true_low), float(r_true_high), float(delta_r)))
check(min(reductions) >= -1023, "2^(k+64) is a normal power of two (k >= -1023)")
check(max(reductions) <= 0, "k <= 0")
eps_p = Q(0)
for lo, hi in pieces(r_true_low - delta_r, r_true_high + delta_r, 128):
    R = max(abs(lo), abs(hi))
    m_error, m_abs = horner_error(R)
    # |p - e^{r_true}| <= u |1 + m| + |m - expm1(r)| + e^max |r - r_true|
    p_abs = 1 + m_abs
    # (+ underflow: for k = 0, r = -a can be subnormal; each of the N + 1 products then has
    # an absolute error below 2^-1075, passed on by factors |r| < 1.)
    p_error = U * p_abs + m_error + up(iv.exp(iv_of(R + delta_r))) * delta_r + Q(N + 1, 2**1075)
    e_r_low = down(iv.exp(iv_of(lo - delta_r)))
    eps_p = max(eps_p, p_error / e_r_low)
print("relative error of p = fl(1 + m) against e^r: %.3f u" % float(eps_p / U))

# 3. Normal E (k >= -1021: E >= 2^-1021 e^-0.35 > 2^-1022): E = 2^k p exactly scaled, so
# E = e^z (1 + eps) with |eps| <= eps_p. Then, with w = E/(1+E) (x >= 0) or 1/(1+E) (x < 0),
# both <= 1: |y/s - 1| <= (1 + eps w/(1 - eps))(1+u)/(1-u) - 1, and |y - s| <= eta/(1-eta) |y|.
eta = (1 + eps_p / (1 - eps_p)) * (1 + U) / (1 - U) - 1
normal = eta / (1 - eta)
print("normal E: |s(x) - s64(x)| <= %.3f u |s64(x)|" % float(normal / U))
check(normal <= 16 * U, "normal region within 16 u")
worst = max(worst, normal)

# 4. k in {-1023, -1022}: E <= 2^-1022 e^0.35 may be subnormal; the second scaling then adds
# at most 2^-1075. x >= 0: D = fl(1 + E) = 1, y = 1, s = 1/(1+E) >= 1 - E: |y - s| <= E.
# x < 0: y = fl(E/1) = E, s = E/(1+E): |y - s| <= eps_p E + 2^-1075 + E^2.
e_max = Q(2) ** -1022 * up(iv.exp(iv_of(r_true_high + delta_r))) * (1 + eps_p)
check(e_max <= 16 * U, "k <= -1022, x >= 0: within 16 u")
absolute = eps_p * e_max + Q(1, 2**1075) + e_max**2
print("k <= -1022, x < 0: off by at most %.3e (2^-1022 = %.3e)" % (float(absolute), float(TINY)))
check(absolute <= TINY, "k <= -1022, x < 0: within 2^-1022")

# 5. Cross-check of the description (not part of the proof): the algorithm in Python floats
# against mpmath's sigmoid at 30 digits.


def sigmoid64(x):
    a = abs(x)
    e = 0.0
    if a < float(SATURATED):
        k, m = reduce_in_floats(-a)
        e = (math.ldexp(1.0, k + 64) * (1 + m)) * 2.0**-64
    d = 1 + e
    return 1 / d if x >= 0 else e / d


random.seed(0)
mpmath.mp.dps = 30
points = [random.uniform(-40, 40) for _ in range(20000)] + [random.uniform(-709, -600) for _ in range(5000)]
points += [2.0 ** random.uniform(-30, 5) * random.choice([-1, 1]) for _ in range(5000)]
points += [5e-324, -5e-324, 2.0**-1030, -(2.0**-1060), 708.5, -708.5, -708.9, 709.0, -709.0]
observed = 0.0
for x in points:
    y = sigmoid64(x)
    exact = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
    excess = abs(mpmath.mpf(y) - exact) - float(TINY)
    if excess > 0:
        observed = max(observed, float(excess / (float(U) * abs(y))))
print("cross-check: largest observed error %.3f u at %d points (the proven bound is above)" % (observed, len(points)))
check(observed <= float(worst / U), "observed errors within the proven bound")
finish("sigmoid", "|s(x) - s64(x)| <= 16 u |s64(x)| + 2^-1022 for every Double x")
