"""erf and erfc in numpy (numpy has neither; scipy is not a dependency), their primitives, and GELU.

W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
error function", Math. Comp. 23, 1969; the SPECFUN routine CALERF): three intervals of |x|,
each a ratio of two polynomials, accurate to about 1e-16 relative in float64. erfc for
|x| > 0.5 is computed directly (not as 1 - erf), so its tail keeps full relative accuracy.
erf of float32 takes a float32 formula instead (`_erf_float32`): about 15 times cheaper.
The normal CDF of float32 (GELU's Φ) takes a third, cheaper one that shares its exponential
with Φ's derivative (`normal_cdf`).
"""
import math

import numpy as np

from ._unary import QUIET, _Unary, floating

# |x| <= 0.5: erf(x) = x P(x²) / Q(x²)
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
# 0.5 < |x| <= 4: erfc(x) = exp(-x²) P(x) / Q(x)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
# |x| > 4: erfc(x) = exp(-x²) / x (1/√π + P(1/x²) / (x² Q(1/x²)))
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)
# float32 erf: x P(x²) / Q(x²) for |x| <= 4 (Eigen's fast float erf; ±1 past 4 in float32)
_ALPHA = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
          -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02)
_BETA = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
         -1.42647390514189e-02)
# float32 Φ(-|x|) = t (a1 + a2 t + ... + a5 t⁴) e^(-x²/2) / 2, t = 1 / (1 + p |x| / √2): Abramowitz and
# Stegun 7.1.26, the formula of PyTorch's float32 erf (absolute error below 1.5e-7); the halving is folded in
_AS_P = 0.3275911 / math.sqrt(2)
_AS_A = tuple(a / 2 for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_SQRT_PI_INV = 5.6418958354775628695e-1
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _ratio(t, lead, nums, dens, num_last, den_last):
    """P(t) / Q(t) by Horner's rule, in place (few fresh arrays: each costs page faults at this size):
    P = ((lead t + nums[0]) t + ...) t + num_last, Q = ((t + dens[0]) t + ...) t + den_last."""
    num, den = t * lead, t.copy()
    for a, b in zip(nums, dens):
        num += a
        num *= t
        den += b
        den *= t
    num += num_last
    den += den_last
    num /= den
    return num


def _horner(t, coefs):
    """coefs[0] t^n + ... + coefs[n] by Horner's rule, in place, in t's dtype (a Python float adopts it)."""
    out = t * coefs[0]
    for c in coefs[1:-1]:
        out += c
        out *= t
    out += coefs[-1]
    return out


def _erf_float32(x, scale=1.0):
    """erf(scale · x) of a float32 array, in float32: within 8 float32 ulps of the exact value (4.5e-7 absolute).

    erf is ±1 in float32 past |x| = 4: x² is clamped at 16 and the result at ±1 (so ±inf gives ±1;
    NaN stays NaN). The quotient is taken before the product with x, so a tiny x gives 1.128 x, not a
    product that underflows first. NOTE: three fresh arrays, no more (each costs page faults at this size).
    """
    x = x.reshape(-1)
    with np.errstate(over="ignore"):  # x² of |x| > 1.8e19 is inf, then clamped
        x2 = np.square(x)
        x2 *= scale * scale
    np.minimum(x2, 16.0, out=x2)
    out = _horner(x2, _ALPHA)
    out /= _horner(x2, _BETA)
    out *= x
    out *= scale
    return np.clip(out, -1.0, 1.0, out=out)


def normal_cdf(x):
    """(Φ(x), e^(-x²/2)) of a float array: the standard normal CDF, and the exponential of its density.

    float32 takes Abramowitz and Stegun's formula (`_AS_A`) for the tail Φ(-|x|), computed
    directly, so it keeps its relative accuracy far below zero (about 2% at x = -10, where
    1 + erf(x/√2) in float32 is 0), and Φ(x) = 1 - Φ(-x) above zero. The exponential it
    needs is the one GELU's derivative needs too. Other dtypes take erfc (Cody's formulas).
    """
    shape, x = x.shape, x.reshape(-1)  # 1-D: a 0-d input still gives arrays to work in place on
    with np.errstate(**QUIET):
        gauss = np.square(x)
        gauss *= -0.5
        np.exp(gauss, out=gauss)
        if x.dtype != np.float32:
            return (erfc_numpy(x * -math.sqrt(0.5)) * 0.5).reshape(shape), gauss.reshape(shape)
        t = np.abs(x)
        t *= _AS_P
        t += 1
        np.divide(1, t, out=t)
        tail = _horner(t, _AS_A[::-1])
        tail *= t
        tail *= gauss  # Φ(-|x|)
        # NOTE: Φ = |[x >= 0] - tail|, in arithmetic: np.where on a random sign costs 30 passes
        cdf = np.subtract(x >= 0, tail, out=tail)
        return np.abs(cdf, out=cdf).reshape(shape), gauss.reshape(shape)


def _small(y):
    """erf(y) for |y| <= 0.5."""
    out = _ratio(y * y, _A[4], _A[:3], _B[:3], _A[3], _B[3])
    out *= y
    return out


def _exp_neg_square(y, ratio):
    """exp(-y²) · ratio, with y² split as ysq² + del so exp's argument loses no digits (Cody's trick); in place."""
    ysq = np.trunc(y * 16)
    ysq /= 16
    ratio *= np.exp(-(ysq * ysq))
    ratio *= np.exp(-((y - ysq) * (y + ysq)))
    return ratio


def _medium(y):
    """erfc(y) for 0.5 < y <= 4."""
    return _exp_neg_square(y, _ratio(y, _C[8], _C[:7], _D[:7], _C[7], _D[7]))


def _large(y):
    """erfc(y) for y > 4 (0 past y ≈ 26.5, where it underflows; y = inf gives 0 too)."""
    with np.errstate(**QUIET):
        r = 1 / (y * y)
        tail = _ratio(r, _P[5], _P[:4], _Q[:4], _P[4], _Q[4])
        tail *= -r
        tail += _SQRT_PI_INV
        tail /= y
        return np.where(y > 26.6, 0.0, _exp_neg_square(np.minimum(y, 26.6), tail))  # NaN stays NaN


def _erf_parts(x):
    """(x as 1-D float64, the |x| <= 0.5 mask, erfc(|x|) for |x| > 0.5).

    NOTE: the middle interval's formula runs on every element (clipped into it) and the two
    results are merged with masks: boolean indexing of a random mask costs more than the
    formula. Only the rare |x| > 4 (and NaN) elements are picked out.
    """
    x64 = np.asarray(x, dtype=np.float64).reshape(-1)  # 1-D, so a 0-d input still takes item assignment
    y = np.abs(x64)
    small = y <= 0.5
    tail = _medium(np.clip(y, 0.5, 4.0))
    rest = ~(small | (y <= 4))  # y > 4, and NaN (which stays NaN)
    if rest.any():
        tail[rest] = _large(y[rest])
    return x64, small, tail


def erf_numpy(x):
    """The error function 2/√π ∫₀ˣ e^(-t²) dt of a numpy array, in its float dtype (float32 stays float32)."""
    x = floating(x)
    if x.dtype == np.float32:
        return _erf_float32(x).reshape(x.shape)
    x64, small, tail = _erf_parts(x)
    out = np.copysign(1 - tail, x64)
    np.copyto(out, _small(np.where(small, x64, 0.0)), where=small)
    return out.astype(x.dtype, copy=False).reshape(x.shape)


def erfc_numpy(x):
    """1 - erf(x), computed without the cancellation for large x (erfc(10) ≈ 2e-45 in float64)."""
    x = floating(x)
    x64, small, tail = _erf_parts(x)
    out = np.where(x64 < 0, 2 - tail, tail)
    np.copyto(out, 1 - _small(np.where(small, x64, 0.0)), where=small)
    return out.astype(x.dtype, copy=False).reshape(x.shape)


class Erf(_Unary):
    """out = erf x; d out = 2/√π e^(-x²)"""

    fn = staticmethod(erf_numpy)
    saves = ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return _TWO_OVER_SQRT_PI * xp.exp(-(x * x))


class Erfc(_Unary):
    """out = erfc x = 1 - erf x; d out = -2/√π e^(-x²)"""

    fn = staticmethod(erfc_numpy)
    saves = ("inputs",)

    @staticmethod
    def slope(xp, x, out):
        return -_TWO_OVER_SQRT_PI * xp.exp(-(x * x))
