"""Scaled dot-product attention and MultiheadAttention against torch: values, gradients, masks, state dicts."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F

from conftest import assert_grads_match, load_from_torch

RNG = np.random.default_rng(0)
Q, K, V = RNG.standard_normal((2, 3, 4, 5)), RNG.standard_normal((2, 3, 6, 5)), RNG.standard_normal((2, 3, 6, 7))
BOOL_MASK = RNG.random((4, 6)) > 0.3
BOOL_MASK[:, 0] = True  # every query keeps a key
DEAD_ROW = BOOL_MASK.copy()
DEAD_ROW[2] = False  # this query may attend to nothing: zero output and gradient, as torch's safe softmax


@pytest.mark.parametrize("kwargs", [
    {}, {"is_causal": True}, {"scale": 0.3}, {"attn_mask": BOOL_MASK}, {"attn_mask": DEAD_ROW}, {"attn_mask": RNG.standard_normal((3, 4, 6))},
])
def test_sdpa_matches_torch(torch, kwargs):
    ours_in = [ag.tensor(a, requires_grad=True) for a in (Q, K, V)]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in (Q, K, V)]
    theirs_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out = F.scaled_dot_product_attention(*ours_in, **kwargs)
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs_in, **theirs_kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = RNG.standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    for o, t in zip(ours_in, theirs_in):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_sdpa_gradcheck_and_errors():
    q, k, v = Q[0, 0], K[0, 0], V[0, 0]
    assert ag.gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), [q, k, v])
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=BOOL_MASK, is_causal=True)
    with pytest.raises(RuntimeError, match=r"query \(..., L, E\)"):
        F.scaled_dot_product_attention(q, k[:, :3], v)


def _mha_pair(torch, **kwargs):
    ours = nn.MultiheadAttention(8, 2, **kwargs)
    theirs = torch.nn.MultiheadAttention(8, 2, **kwargs).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(-0.5, 0.5)
    load_from_torch(ours, theirs)
    return ours, theirs


def _run_both(torch, ours, theirs, arrays, kwargs, self_attention=False):
    ours_in = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    if self_attention:
        ours_in, theirs_in = ours_in[:1] * 3, theirs_in[:1] * 3
    theirs_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    (out, w), (ref, ref_w) = ours(*ours_in, **kwargs), theirs(*theirs_in, **theirs_kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-9, atol=1e-11)
    if ref_w is None:
        assert w is None
    else:
        np.testing.assert_allclose(w.data, ref_w.detach().numpy(), rtol=1e-9, atol=1e-11)
    u = RNG.standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    for o, t in zip(ours_in, theirs_in):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-8, atol=1e-10)
    assert_grads_match(ours, theirs, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("kwargs", [
    {}, {"need_weights": False}, {"average_attn_weights": False},
    {"attn_mask": np.triu(np.ones((4, 5), dtype=bool), 1)},
    {"attn_mask": RNG.standard_normal((3 * 2, 4, 5))},
    {"key_padding_mask": np.array([[False] * 4 + [True], [False] * 2 + [True] * 3, [False] * 5])},
    {"key_padding_mask": np.array([[False] * 4 + [True]] * 3), "attn_mask": np.eye(4, 5, dtype=bool)},
])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_matches_torch(torch, kwargs, batch_first):
    ours, theirs = _mha_pair(torch, batch_first=batch_first)
    q, kv = RNG.standard_normal((4, 3, 8)), RNG.standard_normal((5, 3, 8))
    arrays = [q, kv, kv[..., ::-1].copy()]
    if batch_first:
        arrays = [a.swapaxes(0, 1).copy() for a in arrays]
    _run_both(torch, ours, theirs, arrays, kwargs)


@pytest.mark.parametrize("options,shape,kwargs", [
    ({}, (4, 3, 8), {"attn_mask": np.triu(np.ones((4, 4), dtype=bool), 1), "is_causal": True}),
    ({"bias": False}, (4, 3, 8), {}),
    ({}, (4, 8), {}),  # unbatched
    ({"batch_first": True}, (3, 4, 8), {"key_padding_mask": np.array([[False, False, True, True]] * 3)}),
])
def test_mha_self_attention_matches_torch(torch, options, shape, kwargs):
    ours, theirs = _mha_pair(torch, **options)
    _run_both(torch, ours, theirs, [RNG.standard_normal(shape)], kwargs, self_attention=True)


@pytest.mark.parametrize("options", [{"add_bias_kv": True}, {"add_zero_attn": True},
                                     {"add_bias_kv": True, "add_zero_attn": True, "kdim": 3, "vdim": 5}])
@pytest.mark.parametrize("masked", [False, True])
def test_mha_added_keys_match_torch(torch, options, masked):
    ours, theirs = _mha_pair(torch, **options)
    assert [k for k in ours.state_dict()] == [k for k in theirs.state_dict()]
    shapes = ((4, 2, 8), (6, 2, options.get("kdim", 8)), (6, 2, options.get("vdim", 8)))
    kwargs = {"attn_mask": np.triu(np.ones((4, 6), dtype=bool), 1),
              "key_padding_mask": np.array([[False] * 5 + [True]] * 2)} if masked else {}
    _run_both(torch, ours, theirs, [RNG.standard_normal(s) for s in shapes], kwargs)


def test_mha_with_other_key_and_value_sizes(torch):
    ours, theirs = _mha_pair(torch, kdim=3, vdim=5)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    _run_both(torch, ours, theirs, [RNG.standard_normal(s) for s in ((4, 2, 8), (6, 2, 3), (6, 2, 5))], {})


def test_mha_parameters_and_state_dict_move_both_ways(torch):
    ours, theirs = nn.MultiheadAttention(6, 3), torch.nn.MultiheadAttention(6, 3)
    names = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
    assert names == [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert names[0] == ("in_proj_weight", (18, 6))
    theirs.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in ours.state_dict().items()})
    np.testing.assert_array_equal(theirs.in_proj_weight.detach().numpy(), ours.in_proj_weight.data)
    assert not ours.in_proj_bias.data.any() and not ours.out_proj.bias.data.any()
    bound = np.sqrt(6 / (6 + 18))  # xavier_uniform_ over (3E, E), as torch
    assert np.abs(ours.in_proj_weight.data).max() <= bound


def test_mha_dropout_changes_training_only():
    m = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = ag.randn(3, 2, 4, rng=1)
    ag.manual_seed(0)
    assert not np.allclose(m(x, x, x)[0].data, m.eval()(x, x, x)[0].data)
    np.testing.assert_allclose(m(x, x, x)[0].data, m(x, x, x)[0].data)


def test_mha_errors():
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(0, 1)
    m = nn.MultiheadAttention(4, 2)
    x = ag.randn(3, 2, 4, rng=0)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        m(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="attn_mask of shape"):
        m(x, x, x, attn_mask=np.zeros((2, 3), dtype=bool))
    with pytest.raises(AssertionError, match="key_padding_mask shape"):
        m(x, x, x, key_padding_mask=np.zeros((3, 2), dtype=bool))
    with pytest.raises(AssertionError, match="embedding dimension of 4"):
        m(*[ag.randn(3, 2, 5, rng=0)] * 3)


def test_sdpa_grouped_query_attention_matches_torch(torch):
    q, k, v = RNG.standard_normal((2, 4, 3, 5)), RNG.standard_normal((2, 2, 6, 5)), RNG.standard_normal((2, 2, 6, 7))
    ours_in = [ag.tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*ours_in, enable_gqa=True)
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs_in, enable_gqa=True)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for o, t in zip(ours_in, theirs_in):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_mha_gradcheck_reverse_and_forward_mode():
    m = nn.MultiheadAttention(4, 2).double()
    q, kv = RNG.standard_normal((3, 2, 4)), RNG.standard_normal((5, 2, 4))
    mask = np.triu(np.ones((3, 5), dtype=bool), 2)
    assert ag.gradcheck(lambda q, kv: m(q, kv, kv, attn_mask=mask)[0], [q, kv])
