"""The kink sweep: every primitive and every nn.functional op at its special points, against PyTorch.

Special points are where composed rules go wrong: 0 and -0, ties, ±inf, NaN, saturated
inputs (±1000) and empty tensors. Values and gradients (for a cotangent of ones) must
equal torch 2.13's in float64, NaN where torch gives NaN. Not compared: the gradient at
an element where some input is NaN (no derivative exists there, and PyTorch's own answer
varies by op: 0 for abs, the cotangent for relu). Differences kept on purpose are listed
in docs/conventions.md and tested as such at the end of this file.
"""
import itertools

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F
from autograd_core import ops
from autograd_core.primitive import PRIMITIVES

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = [pytest.mark.torch, pytest.mark.filterwarnings("ignore::RuntimeWarning")]

INF, NAN = np.inf, np.nan
POINTS = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, INF, -INF, NAN, 1000.0, -1000.0])
PAIRS = np.array(list(itertools.product(POINTS, POINTS))).T  # every (x, y) combination, ties included
PROBS = np.array([0.0, 1.0, 0.5, 1e-30, 1 - 1e-16, 0.25])


CASES = {}


def case(name, ours, theirs, *inputs, nondiff=(), rtol=1e-9):
    """Register a sweep case: our function and torch's on the same float64 inputs."""
    CASES[name] = (ours, theirs, [np.asarray(a) for a in inputs], nondiff, rtol)


# ---- elementwise primitives -------------------------------------------------------------------
for _name, _ours, _theirs in [
    ("exp", ag.exp, torch.exp), ("log", ag.log, torch.log), ("tanh", ag.tanh, torch.tanh),
    ("sigmoid", ag.sigmoid, torch.sigmoid), ("relu", ag.relu, torch.relu), ("abs", ag.abs, torch.abs),
    ("neg", lambda x: -x, lambda x: -x), ("cast", lambda x: ops.astype(x, np.float32), lambda x: x.float()),
]:
    case(_name, _ours, _theirs, POINTS)
_UNSIGNED_POINTS = POINTS[np.signbit(POINTS) == 0]  # -0 apart: see test_signed_zero_slopes_are_unsigned
case("sqrt", ag.sqrt, torch.sqrt, np.append(_UNSIGNED_POINTS, -1.0))  # -inf: see test_sqrt_is_a_power

for _name, _ours, _theirs in [
    ("add", ops.add, torch.add), ("sub", ops.sub, torch.sub), ("mul", ops.mul, torch.mul),
    ("div", ops.div, torch.div), ("pow", ops.pow, torch.pow),
    ("maximum", ops.maximum, torch.maximum), ("minimum", ops.minimum, torch.minimum),
]:
    case(_name, _ours, _theirs, *PAIRS)

case("pow_scalar_exponents", lambda x: ag.stack([x ** 0, x ** 0.5, x ** 2, x ** -1, x ** 3]),
     lambda x: torch.stack([x ** 0, x ** 0.5, x ** 2, x ** -1, x ** 3]), np.append(_UNSIGNED_POINTS, [-1.0, -INF]))
case("clip", lambda x: ag.clip(x, -1.0, 1.0), lambda x: torch.clamp(x, -1.0, 1.0), POINTS)
case("clip_low_only", lambda x: ag.clip(x, 0.5), lambda x: torch.clamp(x, min=0.5), POINTS)
case("where", lambda c, x, y: ag.where(c, x, y), torch.where,
     np.array([True, False, True, False]), np.array([1.0, INF, NAN, 0.0]), np.array([NAN, 2.0, 0.0, -INF]),
     nondiff=(0,))

# ---- the elementwise breadth (more edge points per op in test_elementwise_oracle.py) -------------------
for _name in ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log1p", "expm1",
              "log2", "log10", "exp2", "erf", "erfc", "sign", "floor", "ceil", "round", "trunc", "frac", "reciprocal",
              "rsqrt", "nan_to_num"):
    case(_name, getattr(ag, _name), getattr(torch, _name), POINTS)
_ACTIVATION_POINTS = np.append(POINTS, [3.0, -3.0, 6.0, 20.0])
for _name in ("logsigmoid", "softplus", "gelu", "relu6", "hardtanh", "hardswish", "elu", "selu", "celu", "silu", "mish"):
    case(_name, getattr(ag, _name), getattr(TF, _name), _ACTIVATION_POINTS)
# PyTorch's hardsigmoid gradient is the float32 1/6 (0.16666667163) even in float64
case("hardsigmoid", ag.hardsigmoid, TF.hardsigmoid, _ACTIVATION_POINTS, rtol=1e-7)
case("softsign", F.softsign, TF.softsign, _ACTIVATION_POINTS)
case("gelu_tanh", lambda x: ag.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh"), POINTS)
case("round_decimals", lambda x: ag.round(x, decimals=1), lambda x: torch.round(x, decimals=1), POINTS)
for _name in ("atan2", "hypot", "fmod", "remainder", "logaddexp", "xlogy"):
    case(_name, getattr(ag, _name), getattr(torch, _name), *PAIRS)
for _mode in ("floor", "trunc"):
    case(f"div_{_mode}", lambda x, y, m=_mode: ag.div(x, y, rounding_mode=m),
         lambda x, y, m=_mode: torch.div(x, y, rounding_mode=m), *PAIRS)

# ---- linear algebra (more cases, batched and degenerate, in test_linalg_oracle.py) --------------------
_L = ag.linalg
_SQUARE = np.array([[1000.0, 1.0], [-1.0, -0.0]])
_SPD = np.array([[4.0, 2.0], [2.0, 3.0]])
case("einsum", lambda a, b: ag.einsum("ij,jk->ik", a, b), lambda a, b: torch.einsum("ij,jk->ik", a, b),
     np.array([[0.0, -0.0, 1000.0], [1.0, -1.0, 0.5]]), np.array([[2.0, 0.0], [-1000.0, 1.0], [0.0, -0.0]]))
case("det", _L.det, torch.linalg.det, _SQUARE)
case("slogdet", lambda a: _L.slogdet(a).logabsdet, lambda a: torch.linalg.slogdet(a).logabsdet, _SQUARE)
case("inv", _L.inv, torch.linalg.inv, _SQUARE)
case("solve", _L.solve, torch.linalg.solve, _SQUARE, np.array([[0.0, 1.0], [-0.0, 1000.0]]))
case("cholesky", _L.cholesky, torch.linalg.cholesky, _SPD)
case("eigvalsh", _L.eigvalsh, torch.linalg.eigvalsh, _SPD)
case("svdvals", _L.svdvals, torch.linalg.svdvals, np.array([[3.0, 0.0], [0.0, -1.0], [0.0, 0.0]]))
case("qr_r", lambda a: _L.qr(a).R.abs(), lambda a: torch.linalg.qr(a).R.abs(), np.array([[1.0, 2.0], [3.0, 4.0]]))
case("pinv", _L.pinv, torch.linalg.pinv, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
case("matrix_exp", _L.matrix_exp, torch.linalg.matrix_exp, np.array([[0.0, -0.0], [1.0, 0.0]]))
case("vector_norm", lambda x: ag.stack([_L.vector_norm(x[:3]), _L.vector_norm(x[3:])]),
     lambda x: torch.stack([torch.linalg.vector_norm(x[:3]), torch.linalg.vector_norm(x[3:])]),
     np.array([0.0, -0.0, 0.0, 3.0, -4.0, 0.0]))

# ---- reductions ---------------------------------------------------------------------------------
_ROWS = np.array([[1.0, 1.0, 0.0], [-INF, -INF, -INF], [INF, 0.0, INF], [NAN, 1.0, 2.0], [1000.0, 1000.0, -1000.0]])
case("sum", lambda x: x.sum(axis=1), lambda x: x.sum(1), _ROWS)
case("sum_empty", lambda x: x.sum(axis=0), lambda x: x.sum(0), np.zeros((0, 3)))
case("max_ties", lambda x: x.max(axis=1), lambda x: torch.amax(x, 1), _ROWS)
case("min_ties", lambda x: x.min(axis=1), lambda x: torch.amin(x, 1), _ROWS)
case("max_all", lambda x: x.max(), torch.amax, np.array([2.0, 2.0, 1.0, 2.0]))
case("logsumexp", lambda x: x.logsumexp(axis=1), lambda x: torch.logsumexp(x, 1), _ROWS)
_FINITE_MAX_ROWS = _ROWS[[0, 1, 3, 4]]  # a row holding +inf: see test_log_softmax_of_a_row_holding_inf
case("softmax", lambda x: ag.softmax(x, 1), lambda x: torch.softmax(x, 1), _ROWS)
case("log_softmax", lambda x: ag.log_softmax(x, 1), lambda x: torch.log_softmax(x, 1), _FINITE_MAX_ROWS)

# ---- linear algebra and shapes --------------------------------------------------------------------
case("matmul_inf_times_zero", ops.matmul, torch.matmul, np.array([[INF, 0.0], [1.0, 2.0]]), np.array([[0.0], [1.0]]))
case("matmul_empty_inner", ops.matmul, torch.matmul, np.zeros((2, 0)), np.zeros((0, 3)))
case("affine", ops.affine, TF.linear, np.array([[INF, 0.0], [NAN, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]]),
     np.array([0.0, -INF]))
case("reshape_transpose", lambda x: x.reshape(3, 2).T, lambda x: x.reshape(3, 2).T, np.array([[INF, 0.0, NAN], [1, 2, 3.0]]))
case("broadcast_to_empty", lambda x: ag.broadcast_to(x, (0, 3)), lambda x: x.expand(0, 3), np.array([1.0, INF, 2.0]))
case("getitem_repeated", lambda x: x[[0, 0, 2]], lambda x: x[[0, 0, 2]], np.array([INF, 1.0, NAN]))
def _assign_rows(x, v):
    """x * 1 with rows 1:3 replaced by v in place: the SetItem op a non-leaf records (torch: CopySlices)."""
    y = x * 1
    y[1:3] = v
    return y


case("setitem", _assign_rows, _assign_rows, np.array([[INF, 0.0], [1.0, NAN], [2.0, -1.0], [0.0, 5.0]]),
     np.array([[NAN, -INF], [0.0, 1.0]]))


def _assign_through_a_view(x, v):
    """x * 1 with column 1 of its transpose's rows 1:3 replaced by v, through a view: the CopySlices op."""
    y = x * 1
    view = y.T[:, 1:3]
    view[1] = v
    return y


case("copy_slices", _assign_through_a_view, _assign_through_a_view,
     np.array([[INF, 0.0], [1.0, NAN], [2.0, -1.0], [0.0, 5.0]]), np.array([NAN, -INF]))

case("getitem_adjoint", lambda g: ops.getitem_adjoint(g, (3,), (np.array([0, 0, 2]),)),
     lambda g: torch.zeros(3, dtype=g.dtype).index_put((torch.tensor([0, 0, 2]),), g, accumulate=True),
     np.array([INF, -INF, 1.0]))
case("cumsum", lambda x: ag.cumsum(x, 0), lambda x: torch.cumsum(x, 0), POINTS)
case("cumsum_empty", lambda x: ag.cumsum(x, 0), lambda x: torch.cumsum(x, 0), np.zeros(0))
case("concatenate_empty", lambda x, y: ag.cat([x, y]), lambda x, y: torch.cat([x, y]), np.zeros(0), np.array([NAN, 1.0]))
case("stack", lambda x, y: ag.stack([x, y], 1), lambda x, y: torch.stack([x, y], 1), np.array([INF, 0.0]), np.array([0.0, NAN]))
case("pad", lambda x: ag.pad(x, ((1, 2),)), lambda x: TF.pad(x, (1, 2)), np.array([INF, NAN]))
_SPECIAL = np.array([[INF, 0.0, NAN], [-0.0, -INF, 1.0], [2.0, 1000.0, -1.0]])
case("flip", lambda x: x.flip(0, 1), lambda x: x.flip(0, 1), _SPECIAL)
case("tril_triu", lambda x: ag.stack([x.tril(), x.triu(1)]), lambda x: torch.stack([x.tril(), x.triu(1)]), _SPECIAL)
case("diagonal_diag_embed", lambda x: x.diagonal(1).diag_embed(), lambda x: x.diagonal(1).diag_embed(), _SPECIAL)
case("contiguous_roll", lambda x: x.T.contiguous().roll(1, 0), lambda x: x.T.contiguous().roll(1, 0), _SPECIAL)

# ---- windows, convolution, pooling ----------------------------------------------------------------
_IMAGE = np.array([[[[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, -INF], [-INF, -INF, NAN, 2.0], [-INF, -INF, 2.0, 2.0]]]])
_KERNEL = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
case("conv2d", lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1),
     np.array([[[[0.0, 1.0, INF], [2.0, 0.0, -1.0], [NAN, 1.0, 0.0]]]]), _KERNEL)
case("max_pool2d_ties_and_inf", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), _IMAGE)
case("max_pool2d_overlapping_ties", lambda x: F.max_pool2d(x, 2, 1), lambda x: TF.max_pool2d(x, 2, 1),
     np.zeros((1, 1, 3, 3)))
case("max_pool2d_padding", lambda x: F.max_pool2d(x, 2, 2, 1), lambda x: TF.max_pool2d(x, 2, 2, 1),
     -np.ones((1, 1, 3, 3)))
case("avg_pool2d", lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2), np.where(np.isnan(_IMAGE), 0, _IMAGE))
case("im2col", lambda x: ops.im2col(x, (2, 2), (1, 1), (1, 1)),
     lambda x: TF.unfold(x, 2, padding=1).permute(1, 0, 2).reshape(4, -1), _IMAGE[:, :, :3, :3])
case("col2im", lambda g: ops.col2im(g, (1, 1, 3, 3), (2, 2), (1, 1), (1, 1)),
     lambda g: TF.fold(g.reshape(4, 1, 16).permute(1, 0, 2), (3, 3), 2, padding=1),
     np.arange(64.0).reshape(4, 16) * np.array([1.0, INF, 1.0, 1.0] * 4))
case("sliding_window_and_adjoint", lambda x: ops.window_adjoint(ops.sliding_window(x, (2, 2), (1, 1)) * 1.0,
                                                                (1, 1, 3, 3), (2, 2), (1, 1)),
     lambda x: TF.fold(TF.unfold(x, 2), (3, 3), 2), np.array([[[[0.0, INF, 1.0], [2.0, 3.0, NAN], [4.0, 5.0, 6.0]]]]))


_TOP_RIGHT = np.tile([[0.0, 1.0], [0.0, 0.0]], (2, 2))  # position 1 of each 2x2 window of a 4x4 image
case("window_gather_and_scatter",
     lambda x: ops.window_scatter(ops.window_gather(x, np.ones((1, 1, 2, 2), np.int64), (2, 2), (2, 2)),
                                  (1, 1, 4, 4), np.ones((1, 1, 2, 2), np.int64), (2, 2), (2, 2)),
     lambda x: torch.where(torch.tensor(_TOP_RIGHT == 1), x, 0.0), _IMAGE)

# ---- losses -----------------------------------------------------------------------------------------
_LOGITS = np.array([[0.0, 0.0, 0.0], [1000.0, -1000.0, 0.0], [INF, 0.0, 1.0], [-INF, 0.0, 1.0], [1.0, 1.0, 2.0]])
_TARGETS = np.array([0, 1, 0, 0, 2])
case("softmax_cross_entropy_fused", lambda z: F.cross_entropy(z, _TARGETS, reduction="none"),
     lambda z: TF.cross_entropy(z, torch.tensor(_TARGETS), reduction="none"), _LOGITS)
case("cross_entropy_mean_some_ignored", lambda z: F.cross_entropy(z, np.array([0, -100, 2, -100, 1])),
     lambda z: TF.cross_entropy(z, torch.tensor([0, -100, 2, -100, 1])), _LOGITS[[0, 1, 4, 0, 1]])
case("cross_entropy_every_target_ignored", lambda z: F.cross_entropy(z, np.array([-100, -100])),
     lambda z: TF.cross_entropy(z, torch.tensor([-100, -100])), np.zeros((2, 3)))
case("cross_entropy_label_smoothing_every_target_ignored",
     lambda z: F.cross_entropy(z, np.array([-100, -100]), label_smoothing=0.1),
     lambda z: TF.cross_entropy(z, torch.tensor([-100, -100]), label_smoothing=0.1), np.zeros((2, 3)))
case("cross_entropy_empty_batch", lambda z: F.cross_entropy(z, np.zeros(0, np.int64)),
     lambda z: TF.cross_entropy(z, torch.zeros(0, dtype=torch.int64)), np.zeros((0, 3)))
case("cross_entropy_spatial_every_target_ignored", lambda z: F.cross_entropy(z, np.full((1, 2), -100)),
     lambda z: TF.cross_entropy(z, torch.full((1, 2), -100)), np.zeros((1, 3, 2)))
case("cross_entropy_probabilities", lambda z, p: F.cross_entropy(z, p), TF.cross_entropy,
     _LOGITS[[0, 1, 4]], np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]))
case("nll_loss_every_target_ignored", lambda z: F.nll_loss(z, np.array([1, 1]), ignore_index=1),
     lambda z: TF.nll_loss(z, torch.tensor([1, 1]), ignore_index=1), -np.ones((2, 3)))
case("nll_loss_inf", lambda z: F.nll_loss(z, np.array([0, 1])), lambda z: TF.nll_loss(z, torch.tensor([0, 1])),
     np.array([[-INF, 0.0], [0.0, -INF]]))
case("binary_cross_entropy_of_saturated_sigmoid", lambda x, y: F.binary_cross_entropy(ag.sigmoid(x), y),
     lambda x, y: TF.binary_cross_entropy(torch.sigmoid(x), y),
     np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0, 40.0]), np.array([1.0, 0.0, 0.0, 1.0, 0.5, 1.0]))
case("binary_cross_entropy_at_probability_edges", lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
     lambda p, y: TF.binary_cross_entropy(p, y, reduction="none"), PROBS, np.array([0.0, 1.0, 0.5, 1.0, 0.0, 0.25]),
     rtol=1e-8)
case("binary_cross_entropy_with_logits_at_zero_and_saturated", lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none"),
     lambda x, y: TF.binary_cross_entropy_with_logits(x, y, reduction="none"),
     np.array([0.0, 0.0, -0.0, 1000.0, -1000.0, 1000.0, -1000.0, 30.0]), np.array([0.0, 1.0, 0.3, 1.0, 0.0, 0.0, 1.0, 0.5]))
case("binary_cross_entropy_with_logits_pos_weight", lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=np.array(3.0)),
     lambda x, y: TF.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor(3.0, dtype=torch.float64)),
     np.array([0.0, 0.0, 1000.0, -1000.0]), np.array([0.0, 1.0, 0.5, 1.0]))
case("mse_loss", lambda x, y: F.mse_loss(x, y), TF.mse_loss, np.array([0.0, INF, 1.0]), np.array([0.0, 1.0, NAN]))
case("mse_loss_empty", lambda x, y: F.mse_loss(x, y), TF.mse_loss, np.zeros(0), np.zeros(0))
case("l1_loss_at_zero", lambda x, y: F.l1_loss(x, y), TF.l1_loss, np.array([0.0, 1.0, -INF]), np.array([0.0, 1.0, 0.0]))
case("l1_loss_empty", lambda x, y: F.l1_loss(x, y, reduction="sum"), lambda x, y: TF.l1_loss(x, y, reduction="sum"),
     np.zeros(0), np.zeros(0))

# ---- activations and layers -------------------------------------------------------------------------
case("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1), POINTS)
case("elu", lambda x: F.elu(x, 2.0), lambda x: TF.elu(x, 2.0), POINTS)
case("prelu", lambda x, w: F.prelu(x, w), TF.prelu, np.array([[0.0, -0.0], [-1.0, INF]]), np.array([0.25, 0.5]))
case("rrelu_eval", lambda x: F.rrelu(x, training=False), lambda x: TF.rrelu(x, training=False), POINTS)
case("batch_norm_constant_channel", lambda x: F.batch_norm(x, None, None, training=True),
     lambda x: TF.batch_norm(x, None, None, training=True), np.array([[1.0, 0.0], [1.0, 2.0]]))
case("layer_norm_constant_row", lambda x, w, b: F.layer_norm(x, (3,), w, b), lambda x, w, b: TF.layer_norm(x, (3,), w, b),
     np.array([[1.0, 1.0, 1.0], [0.0, -0.0, 0.0], [1e-200, 0.0, -1e-200], [1.0, 2.0, 4.0]]), np.array([1.0, -2.0, 0.0]),
     np.array([0.0, 1.0, -1.0]))
case("layer_norm_inf_nan", lambda x, w, b: F.layer_norm(x, (3,), w, b), lambda x, w, b: TF.layer_norm(x, (3,), w, b),
     np.array([[INF, 0.0, 1.0], [NAN, 1.0, 2.0]]), np.array([1.0, 2.0, 0.5]), np.array([0.0, 0.0, 0.0]))
case("linear", F.linear, TF.linear, np.array([[INF, 0.0], [NAN, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]]),
     np.array([0.0, -INF]))
case("embedding", lambda w: F.embedding(np.array([1, 1, 0]), w), lambda w: TF.embedding(torch.tensor([1, 1, 0]), w),
     np.array([[INF, 0.0], [NAN, 1.0]]))
case("dropout_eval", lambda x: F.dropout(x, 0.5, training=False), lambda x: TF.dropout(x, 0.5, training=False), POINTS)


def _recurrent(ours_cls, theirs_cls, scale):
    """Our layer and torch's with torch's weights scaled by `scale` (saturating every gate for large scale)."""
    torch.manual_seed(0)
    theirs = theirs_cls(2, 3).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.mul_(scale)
    ours = ours_cls(2, 3).to(np.float64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _first_output(module):
    """The module as a function of its input returning only the output (a sequence layer also returns its state)."""
    def run(x):
        out = module(x)
        return out[0] if isinstance(out, tuple) else out
    return run


for _scale in (1.0, 1000.0):
    for _ours_cls, _theirs_cls in [(nn.LSTMCell, torch.nn.LSTMCell), (nn.GRUCell, torch.nn.GRUCell),
                                   (nn.LSTM, torch.nn.LSTM), (nn.GRU, torch.nn.GRU)]:
        _o, _t = _recurrent(_ours_cls, _theirs_cls, _scale)
        _x = np.array([[1.0, -1.0], [0.0, 0.0]]) if "Cell" in _theirs_cls.__name__ else np.array([[[1.0, -1.0]], [[0.0, 2.0]]])
        case(f"{_theirs_cls.__name__}_scale_{_scale:g}", _first_output(_o), _first_output(_t), _x)


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradient_match_torch(name):
    ours_fn, theirs_fn, inputs, nondiff, rtol = CASES[name]
    ours_in = [ag.tensor(a, requires_grad=i not in nondiff and a.dtype.kind == "f") for i, a in enumerate(inputs)]
    theirs_in = [torch.tensor(a, requires_grad=i not in nondiff and a.dtype.kind == "f") for i, a in enumerate(inputs)]
    ref = theirs_fn(*theirs_in)
    out = ours_fn(*ours_in)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=rtol * 1e-3, equal_nan=True,
                               err_msg=f"{name}: value")
    if not ref.requires_grad:
        return
    ref.backward(torch.ones_like(ref))
    out.backward(np.ones(out.shape))
    for i, (x, t) in enumerate(zip(ours_in, theirs_in)):
        if not t.requires_grad:
            continue
        expected = np.zeros(t.shape) if t.grad is None else t.grad.numpy().copy()
        got = np.zeros(x.shape) if x.grad is None else x.grad.data.copy()
        at_nan = _at_a_nan_input(inputs, x.shape)
        got[at_nan], expected[at_nan] = 0.0, 0.0
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * 1e-3, equal_nan=True,
                                   err_msg=f"{name}: gradient of input {i}")


# torch's forward mode disagrees with its own reverse mode here; ours gives one answer for both
TANGENT_DIFFERENCES = {
    "prelu": "at x = 0 torch's forward mode takes slope 1, its backward the weight (ours: the weight)",
    "pow_scalar_exponents": "x ** 0.5 at -inf: torch's forward mode NaN, its backward 0 (ours: 0)",
    "cross_entropy_every_target_ignored": "a NaN loss: torch's tangent NaN, its gradient zeros (ours: 0 for both)",
    "cross_entropy_spatial_every_target_ignored": "as cross_entropy_every_target_ignored",
    "cross_entropy_label_smoothing_every_target_ignored": "as cross_entropy_every_target_ignored",
    "nll_loss_every_target_ignored": "as cross_entropy_every_target_ignored",
    "cross_entropy_empty_batch": "as cross_entropy_every_target_ignored",
    "mse_loss_empty": "as cross_entropy_every_target_ignored",
}


@pytest.mark.parametrize("name", sorted(set(CASES) - set(TANGENT_DIFFERENCES)))
def test_tangent_matches_torch_forward_mode(name):
    """Forward mode (jvp along ones) at the same special points, against torch.func.jvp."""
    ours_fn, theirs_fn, inputs, nondiff, rtol = CASES[name]
    moving = [i for i, a in enumerate(inputs) if i not in nondiff and a.dtype.kind == "f"]
    if not moving:
        return

    def with_moving(fill, constant):
        def call(*xs):
            args = [constant(a) for a in inputs]
            for i, x in zip(moving, xs):
                args[i] = x
            return fill(*args)
        return call

    primals = tuple(inputs[i] for i in moving)
    ones = tuple(np.ones_like(p) for p in primals)
    _, ours = ag.jvp(with_moving(ours_fn, ag.tensor), primals, ones)
    _, theirs = torch.func.jvp(with_moving(theirs_fn, torch.tensor), tuple(map(torch.tensor, primals)),
                               tuple(map(torch.tensor, ones)))
    ours, theirs = np.array(ours, dtype=np.float64), theirs.detach().numpy().copy()
    at_nan = _at_a_nan_input(inputs, theirs.shape)
    ours[at_nan], theirs[at_nan] = 0.0, 0.0
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * 1e-3, equal_nan=True, err_msg=f"{name}: tangent")


def _at_a_nan_input(inputs, shape):
    """Elements where some input of the same shape is NaN (elementwise cases): no derivative to compare."""
    mask = np.zeros(shape, dtype=bool)
    for a in inputs:
        if a.shape == shape and a.dtype.kind == "f":
            mask |= np.isnan(a)
    return mask


def _primitives_recorded(name):
    """Names of the primitives in the graph of case `name` (explicit stack, no recursion)."""
    ours_fn, _, inputs, nondiff, _ = CASES[name]
    out = ours_fn(*[ag.tensor(a, requires_grad=i not in nondiff and a.dtype.kind == "f") for i, a in enumerate(inputs)])
    seen, stack = set(), [out]
    while stack:
        t = stack.pop()
        node = getattr(t, "_node", None)
        if node is not None and node.parents is not None:
            seen.add(node.prim.name)
            stack.extend(node.parents)
    return seen


def test_every_functional_op_is_swept():
    """Each function defined in nn.functional names at least one case (its name starts the case's name)."""
    public = [name for name, fn in vars(F).items()
              if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", "") == "nn.functional"]
    missing = sorted(name for name in public if not any(case_name.startswith(name) for case_name in CASES))
    assert not missing, f"nn.functional ops without a kink case in tests/autograd_core/test_kinks.py: {missing}"


def test_every_primitive_is_swept():
    covered = set().union(*(_primitives_recorded(name) for name in CASES))
    missing = sorted(set(PRIMITIVES) - covered)
    assert not missing, f"primitives without a kink case in tests/autograd_core/test_kinks.py: {missing}"


# ---- deliberate differences from PyTorch (docs/conventions.md, "Kinks and special points") ------------
def test_signed_zero_slopes_are_unsigned():
    """d sqrt(x)/dx at x = -0 is +inf here; PyTorch computes 1 / (2 sqrt(-0)) = -inf. Same for x ** 0.5."""
    x = ag.tensor([-0.0], requires_grad=True)
    ag.sqrt(x).backward(np.ones(1))
    assert x.grad.data[0] == INF
    t = torch.tensor([-0.0], dtype=torch.float64, requires_grad=True)
    torch.sqrt(t).backward(torch.ones(1, dtype=torch.float64))
    assert t.grad[0] == -INF


def test_sqrt_is_a_power():
    """sqrt is x ** 0.5, so its slope at -inf is 0.5 · (-inf) ** -0.5 = 0, as torch.pow's; torch.sqrt gives NaN."""
    x = ag.tensor([-INF], requires_grad=True)
    ag.sqrt(x).backward(np.ones(1))
    assert x.grad.data[0] == 0.0
    t = torch.tensor([-INF], dtype=torch.float64, requires_grad=True)
    torch.sqrt(t).backward(torch.ones(1, dtype=torch.float64))
    assert t.grad.isnan().all()


def test_log_softmax_of_a_row_holding_inf():
    """Finite entries of a row holding +inf get log-probability -inf here (x - inf); PyTorch gives NaN for the row.
    softmax (one primitive) gives NaN for the row, as PyTorch."""
    row = np.array([[INF, 0.0, 1.0]])
    with np.errstate(invalid="ignore"):
        ours = ag.log_softmax(ag.tensor(row), 1).data
    assert np.isnan(ours[0, 0]) and (ours[0, 1:] == -INF).all()
    assert torch.log_softmax(torch.tensor(row), 1).isnan().all()
    assert np.isnan(ag.softmax(ag.tensor(row), 1).data).all()


def test_logsumexp_of_an_empty_axis_raises():
    """PyTorch returns -inf for a log-sum-exp over an empty axis; here LogSumExp raises, naming itself and the shape."""
    with pytest.raises(ValueError, match=r"LogSumExp.*\(0, 2\)"):
        ag.tensor(np.zeros((0, 2))).logsumexp(axis=0)
    assert torch.logsumexp(torch.zeros(0, 2), 0).isneginf().all()
