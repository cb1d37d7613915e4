"""The reduction, shape and indexing ops, and layer options beyond the layer table, export to ONNX and run
in ONNX Runtime to our outputs (1e-5, float32) at the traced batch size and at another on the dynamic axis 0.

An op that cannot be exported is listed in REFUSED with the op its ExportError names.
"""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from autograd_core import onnx as ag_onnx  # noqa: E402  (needs the optional onnx package)
from onnx_cases import assert_runtime_matches  # noqa: E402

IDX = np.array([2, 0, 2, 1])  # a constant index with a repeat

OPS = {
    # name: (function of the inputs, input shapes after the batch axis; "i<k>" makes ids in [0, k))
    "sum_mean": (lambda x: x.sum(1) + x.mean(), [(4, 3)]),
    "var_std": (lambda x: ag.var(x, 1) + ag.std(x, (1, 2), correction=0).reshape(-1, 1), [(4, 3)]),
    "amax_amin": (lambda x: ag.amax(x, 1) - ag.amin(x, -1).sum(-1, keepdims=True), [(4, 3)]),
    "logsumexp": (lambda x: ag.logsumexp(x, 2), [(4, 3)]),
    "prod": (lambda x: ag.prod(x, 1), [(4, 3)]),
    "argmax_argmin": (lambda x: (ag.argmax(x, 1), ag.argmin(x, 2)), [(4, 3)]),
    "cumsum": (lambda x: ag.cumsum(x, 1), [(4, 3)]),
    "cumprod": (lambda x: ag.cumprod(x, 2), [(4, 3)]),
    "norm": (lambda x: ag.norm(x, dim=1) + ag.linalg.vector_norm(x, 3, dim=1), [(4, 3)]),
    "softmax": (lambda x: ag.softmax(x, 1) + ag.log_softmax(x, -1), [(4, 3)]),
    "reshape_permute": (lambda x: x.reshape(-1, 12).reshape(x.shape[0], 3, 4).permute(0, 2, 1), [(4, 3)]),
    "flatten_unsqueeze": (lambda x: ag.unsqueeze(ag.flatten(x, 1), 1).squeeze(1), [(4, 3)]),
    "transpose_swapaxes": (lambda x: ag.swapaxes(x.transpose(1, 2), 0, 2), [(4, 3)]),
    "cat_stack": (lambda x: ag.stack([ag.cat([x, x * 2], 1), ag.cat([x * 3, x], 1)], -1), [(4, 3)]),
    "split_chunk": (lambda x: ag.split(x, [1, 3], 1)[1] + ag.chunk(x, 4, 1)[0], [(4, 3)]),
    "unbind_narrow": (lambda x: ag.unbind(x, 2)[1] + ag.narrow(x, 2, 1, 1).squeeze(2), [(4, 3)]),
    "flip_roll": (lambda x: ag.flip(x, (1,)) + ag.roll(x, 1, 2), [(4, 3)]),
    "repeat_tile": (lambda x: x.repeat(1, 2, 1) + ag.tile(x, (1, 2, 1)), [(4, 3)]),
    "tril_triu": (lambda x: ag.tril(x) - ag.triu(x, 1), [(3, 3)]),
    "expand": (lambda x: x[:, :1].expand(-1, 4, 3) + ag.broadcast_to(x[:, :, :1], (x.shape[0], 4, 3)), [(4, 3)]),
    "diagonal_trace": (lambda x: ag.diagonal(x, 1, 1, 2) + ag.diagonal(x, -1, 2, 1)
                       + ag.trace(x[0]) * ag.ones(2), [(4, 3)]),
    "diag_embed": (lambda x: ag.diag_embed(x, -1) + ag.diag_embed(x, 1, 0, 2).transpose(0, 1), [(3,)]),
    "pad": (lambda x: F.pad(x, (1, 2)), [(4, 3)]),
    "slices": (lambda x: x[:, 1:3, ::2] + x[:, None, -1, :2].squeeze(1)[:, None], [(4, 3)]),
    "index_one_array": (lambda x: x[:, IDX], [(4, 3)]),
    "index_two_arrays": (lambda x: x[:, IDX, IDX[::-1] % 3], [(4, 3)]),
    "gather": (lambda x, i: ag.gather(x, 1, i), [(4,), "i4 3"]),
    "take_along_dim": (lambda x, i: ag.take_along_dim(x, i, 1), [(4,), "i4 2"]),
    "index_select": (lambda x: ag.index_select(x, 1, IDX), [(4, 3)]),
    "scatter_add": (lambda x, i: ag.scatter_add(ag.zeros_like(x), 1, i, x), [(4,), "i4 4"]),
    "setitem_arrays": (lambda x: ag.ops.setitem(x, (slice(None), IDX[:2], IDX[1:3]), x[:, 0, :2] * 2), [(4, 3)]),
    "index_copy_fill": (lambda x: ag.index_fill(ag.index_copy(x, 1, IDX[:2], x[:, 2:] * 2), 2, IDX[3:], -1.0),
                        [(4, 3)]),
    "scatter": (lambda x, i: ag.scatter(x, 1, i, x * 3), [(4,), "i4 1"]),
    "index_add": (lambda x: ag.index_add(x, 1, IDX[:3], x[:, :3] * 2), [(4, 3)]),
    "loss_pick": (lambda x, t: -x[np.arange(x.shape[0]), t].mean(), [(4,), "i4"]),
    "embedding_padding": (nn.Embedding(5, 3, padding_idx=0), ["i5 4"]),
    "where_masked_fill": (lambda x: ag.where(x > 0, x, -x) + ag.masked_fill(x, x < -0.5, 2.0), [(4, 3)]),
    "sort": (lambda x: ag.sort(x, 1) + ag.sort(x, 2, descending=True), [(4, 3)]),
    "topk": (lambda x: ag.topk(x, 2, 1) + ag.topk(x, 1, -1, largest=False), [(4, 3)]),
    "median_kthvalue": (lambda x: ag.median(x, 1) + ag.kthvalue(x, 2, -1, keepdim=True), [(4, 3)]),
    "clamp": (lambda x: ag.clamp(x, -0.5, 0.5), [(4, 3)]),
    "einsum_matmul": (lambda x: ag.einsum("bij,bkj->bik", x, x) + x @ x.transpose(1, 2), [(4, 3)]),
    "outer_tensordot": (lambda x: ag.tensordot(x, x[0], 2).reshape(-1, 1) + x.sum((1, 2)).reshape(-1, 1), [(4, 3)]),
    "comparisons_cast": (lambda x: (x > 0.1).astype(np.float32) + (x <= 0).astype(np.float32) * x, [(4, 3)]),
    # layer options not in the layer table
    "conv_transpose_default": (nn.ConvTranspose2d(2, 3, 2, bias=False), [(2, 3, 3)]),
    "conv_transpose_stride": (nn.ConvTranspose2d(2, 2, 3, stride=(2, 1), padding=(0, 1)), [(2, 3, 4)]),
    "max_pool_dilation_ceil": (nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True), [(2, 7, 8)]),
    "max_pool1d_ceil": (nn.MaxPool1d(2, ceil_mode=True), [(2, 7)]),
    "max_pool_indices": (lambda x: F.max_pool2d(x, 2, return_indices=True), [(2, 4, 5)]),
    "adaptive_max_indices": (lambda x: F.adaptive_max_pool2d(x, 3, return_indices=True), [(2, 7, 5)]),
    "avg_pool_ceil": (nn.AvgPool2d(2, ceil_mode=True), [(2, 5, 5)]),
    "upsample_bilinear": (nn.Upsample(scale_factor=2, mode="bilinear"), [(2, 3, 2)]),
    "upsample_size": (nn.Upsample(size=(5, 3)), [(2, 3, 2)]),
}

REFUSED = {
    # name: (function, input shapes, the op the error names)
    # the value is picked in numpy, then given x's gradient at the ties: the ties' mask (numpy) is the refusal
    "median_all": (lambda x: ag.median(x), [(4, 3)], "Where"),
    "masked_select": (lambda x: ag.masked_select(x, x > 0), [(4, 3)], "GetItem"),
    "assign_twice": (lambda x: ag.index_copy(x, 1, IDX, x[:, :4] * 2), [(4, 3)], "SetItem"),
    "assign_slice": (lambda x: ag.ops.setitem(x, (slice(None), slice(1, 2)), x[:, :1] * 2), [(4, 3)], "SetItem"),
}


def _inputs(shapes, batch, rng):
    result = []
    for s in shapes:
        if isinstance(s, str):
            high, *rest = (int(p) for p in s[1:].split())
            result.append(rng.integers(0, high, (batch, *rest)))
        else:
            result.append(rng.standard_normal((batch, *s)).astype(np.float32))
    return tuple(result)


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_exports_and_matches_our_forward_at_two_batch_sizes(tmp_path, name):
    fn, shapes = OPS[name]
    rng = np.random.default_rng(0)
    names = [f"x{i}" for i in range(len(shapes))]
    path = tmp_path / f"{name}.onnx"
    ag_onnx.export(fn, _inputs(shapes, 3, rng), path, input_names=names, dynamic_axes={n: [0] for n in names})
    session = ort.InferenceSession(str(path))
    if isinstance(fn, nn.Module):
        fn.eval()
    assert_runtime_matches(session, fn, names, lambda batch: _inputs(shapes, batch, rng), (3, 5))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_op_raises_naming_it(tmp_path, name):
    fn, shapes, op = REFUSED[name]
    with pytest.raises(ag_onnx.ExportError, match=f"cannot export ({op})"):
        ag_onnx.export(fn, _inputs(shapes, 3, np.random.default_rng(0)), tmp_path / "r.onnx",
                       dynamic_axes={"input_0": [0]})
    assert not list(tmp_path.iterdir())
