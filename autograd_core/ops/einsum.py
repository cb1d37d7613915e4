"""Einstein summation: one primitive whose VJP and JVP are themselves einsums.

The public `einsum` turns any equation PyTorch accepts (`...`, implicit output, repeated
indices for diagonals, size-1 dims broadcasting) into an explicit one over consistent
sizes, so the primitive only ever sees equations like "bij,bjk->bik".
"""
import math
import string
from collections import Counter

import numpy as np

from ..primitive import Primitive
from ._rules import tangent_sum


def _split(equation):
    lhs, rhs = equation.split("->")
    return lhs.split(","), rhs


def _fresh(equation, n):
    """`n` letters that `equation` does not use."""
    return [c for c in string.ascii_letters if c not in equation][:n]


def _optimize(operands):
    # NOTE: a contraction path (BLAS via tensordot) pays off from two operands on; for one it is pure overhead
    return "greedy" if len(operands) > 1 else False


class Einsum(Primitive):
    """out = einsum(equation, *xs), the equation explicit ("ij,jk->ik") with consistent sizes.

    Reason: one rule for every contraction; its VJP for operand k is the einsum of the
    cotangent with the other operands (eye factors rebuild a diagonal, ones vectors
    broadcast an index summed in operand k alone), so double backward comes for free.
    """

    saves = ("inputs",)

    @staticmethod
    def sample_inputs(rng):
        r = rng.standard_normal
        yield (r((3, 4)), r((4, 2))), {"equation": "ij,jk->ik"}
        yield (r((2, 3, 4)), r((2, 4, 3))), {"equation": "bij,bjk->bik"}
        yield (r((3, 3)),), {"equation": "ii->i"}
        yield (r((3, 3, 2)),), {"equation": "iij->"}
        yield (r((2, 3)), r((3,)), r((3, 4))), {"equation": "ij,j,jk->ik"}
        yield (r((2, 3)), r((4,))), {"equation": "ij,k->ijk"}
        yield (r((2, 3)),), {"equation": "ij->ji"}

    @staticmethod
    def forward(ctx, *xs, equation):
        return np.einsum(equation, *xs, optimize=_optimize(xs))

    @staticmethod
    def vjp(ctx, xp, g, out, *xs, equation):
        terms, rhs = _split(equation)
        dtype = xp.value(g).dtype
        grads = []
        for k, (term, x) in enumerate(zip(terms, xs)):
            if not ctx.needs[k]:
                grads.append(None)
                continue
            others = [t for i, t in enumerate(terms) if i != k]
            seen = set(rhs).union(*others)
            subs, ops = [rhs] + others, [g] + [y for i, y in enumerate(xs) if i != k]
            fresh, target, placed = iter(_fresh(equation, len(term))), "", set()
            for c, n in zip(term, x.shape):
                if c in placed:  # a repeated index: the gradient lives on the diagonal, eye(n) puts it there
                    f = next(fresh)
                    subs.append(c + f)
                    ops.append(np.eye(n, dtype=dtype))
                    target += f
                    continue
                if c not in seen:  # summed in this operand alone: the gradient is the same along it
                    subs.append(c)
                    ops.append(np.ones(n, dtype=dtype))
                placed.add(c)
                target += c
            grads.append(xp.einsum(",".join(subs) + "->" + target, *ops))
        return tuple(grads)

    @staticmethod
    def jvp(ctx, xp, ts, out, *xs, equation):
        terms, rhs = _split(equation)
        total = None
        for k, t in enumerate(ts):
            if t is None:
                continue
            ops = [t if i == k else x for i, x in enumerate(xs)]
            total = tangent_sum(total, xp.einsum(equation, *ops))
        return total

    @staticmethod
    def flops(out, *xs, equation):
        terms, _ = _split(equation)
        sizes = {c: n for term, x in zip(terms, xs) for c, n in zip(term, x.shape)}
        return 2 * math.prod(sizes.values())


def explicit_equation(equation, shapes):
    """(equation without `...` and with an output, per-operand axes to squeeze) for `shapes`.

    Raises ValueError naming einsum, the equation and the shapes when they do not fit.
    """
    def fail(why):
        return ValueError(f"einsum: {why} (equation {equation!r}, operand shapes {list(shapes)})")

    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise fail(f"the equation names {len(terms)} operands but {len(shapes)} were given")
    for s in terms + [rhs]:
        if any(not (c.isascii() and c.isalpha()) for c in s.replace("...", "")) or s.count("...") > 1:
            raise fail(f"invalid subscripts {s!r} (letters a-z, A-Z and one '...' at most)")
    rank = max([len(sh) - len(t.replace("...", "")) for t, sh in zip(terms, shapes) if "..." in t], default=0)
    ell = "".join(_fresh(eq, rank))
    expanded = []
    for i, (t, sh) in enumerate(zip(terms, shapes)):
        n = len(sh) - len(t.replace("...", ""))
        if "..." in t:
            if n < 0:
                raise fail(f"operand {i} has {len(sh)} dims, fewer than its subscripts {t!r} name")
            t = t.replace("...", ell[rank - n:])
        if len(t) != len(sh):
            raise fail(f"operand {i} has {len(sh)} dims but its subscripts {t!r} name {len(t)}")
        expanded.append(t)
    if arrow:
        rhs = rhs.replace("...", ell)  # an explicit output without '...' sums those dims, as PyTorch
        if len(set(rhs)) != len(rhs) or not set(rhs) <= set("".join(expanded)):
            raise fail(f"output subscripts {rhs!r} repeat an index or name one no operand has")
    else:
        counts = Counter("".join(expanded))
        rhs = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    return _broadcast(expanded, rhs, shapes, fail)


def _broadcast(terms, rhs, shapes, fail):
    """Drop size-1 axes whose index has another size elsewhere (einsum's broadcasting); check the rest agree."""
    sizes = {}
    for t, sh in zip(terms, shapes):
        for c, n in zip(t, sh):
            if n != 1:
                if sizes.setdefault(c, n) != n:
                    raise fail(f"index {c!r} has sizes {sizes[c]} and {n}")
    squeeze, kept = [], []
    for t, sh in zip(terms, shapes):
        drop = tuple(a for a, (c, n) in enumerate(zip(t, sh)) if n == 1 and sizes.get(c, 1) != 1)
        if drop and any(t.count(t[a]) > 1 for a in drop):
            raise fail(f"repeated index in {t!r} with sizes {sh}")
        squeeze.append(drop)
        kept.append("".join(c for a, c in enumerate(t) if a not in drop))
    return ",".join(kept) + "->" + rhs, squeeze
