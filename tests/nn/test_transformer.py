"""Transformer encoder/decoder layers and stacks against torch: values, gradients, parameter names."""
import numpy as np
import pytest

import autograd_core as ag
import nn

from conftest import assert_grads_match, load_from_torch

RNG = np.random.default_rng(0)


def _pair(torch, ours, theirs):
    ours.zero_grad()
    theirs = theirs.double()
    theirs.zero_grad()
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.empty_like(p).uniform_(-0.2, 0.2))  # LayerNorm weights away from 1, biases from 0
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    load_from_torch(ours, theirs)
    return ours, theirs


def _compare(torch, ours, theirs, arrays, kwargs=None):
    kwargs = kwargs or {}
    ours_in = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    theirs_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out, ref = ours(*ours_in, **kwargs), theirs(*theirs_in, **theirs_kwargs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-8, atol=1e-10)
    u = RNG.standard_normal(out.shape)
    out.backward(u)
    ref.backward(torch.tensor(u))
    for o, t in zip(ours_in, theirs_in):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-7, atol=1e-9)
    assert_grads_match(ours, theirs, rtol=1e-7, atol=1e-9)


CAUSAL = np.triu(np.full((5, 5), -np.inf), 1)


@pytest.mark.parametrize("options,kwargs", [
    ({}, {}),
    ({"norm_first": True}, {"src_mask": CAUSAL}),
    ({"batch_first": True, "activation": "relu"}, {"src_key_padding_mask": np.array([[False] * 4 + [True]] * 3)}),
    ({"bias": False, "layer_norm_eps": 1e-3}, {"src_mask": CAUSAL, "is_causal": True}),
])
def test_encoder_layer_and_stack_match_torch(torch, options, kwargs):
    shape = (3, 5, 8) if options.get("batch_first") else (5, 3, 8)
    ours, theirs = _pair(torch, nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **options),
                         torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **options))
    _compare(torch, ours, theirs, [RNG.standard_normal(shape)], kwargs)
    stack_kwargs = {{"src_mask": "mask"}.get(k, k): v for k, v in kwargs.items()}
    ours, theirs = _pair(torch, nn.TransformerEncoder(ours, 2, norm=nn.LayerNorm(8)),
                         torch.nn.TransformerEncoder(theirs, 2, norm=torch.nn.LayerNorm(8), enable_nested_tensor=False))
    _compare(torch, ours, theirs, [RNG.standard_normal(shape)], stack_kwargs)


@pytest.mark.parametrize("options,kwargs", [
    ({}, {}),
    ({"norm_first": True}, {"tgt_mask": CAUSAL[:4, :4], "tgt_is_causal": True}),
    ({"batch_first": True}, {"memory_key_padding_mask": np.array([[False] * 5 + [True]] * 3)}),
])
def test_decoder_layer_and_stack_match_torch(torch, options, kwargs):
    first = options.get("batch_first")
    tgt, memory = ((3, 4, 8), (3, 6, 8)) if first else ((4, 3, 8), (6, 3, 8))
    ours, theirs = _pair(torch, nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **options),
                         torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **options))
    arrays = [RNG.standard_normal(tgt), RNG.standard_normal(memory)]
    _compare(torch, ours, theirs, arrays, kwargs)
    ours, theirs = _pair(torch, nn.TransformerDecoder(ours, 2), torch.nn.TransformerDecoder(theirs, 2))
    _compare(torch, ours, theirs, arrays, kwargs)


def test_callable_activation_and_layer_copies_are_independent(torch):
    ours, theirs = _pair(torch, nn.TransformerEncoderLayer(4, 1, 8, dropout=0.0, activation=nn.functional.sigmoid),
                         torch.nn.TransformerEncoderLayer(4, 1, 8, dropout=0.0, activation=torch.sigmoid))
    _compare(torch, ours, theirs, [RNG.standard_normal((3, 2, 4))])
    stack = nn.TransformerEncoder(ours, 2)
    assert stack.layers[0].linear1.weight is not stack.layers[1].linear1.weight
    np.testing.assert_array_equal(stack.layers[0].linear1.weight.data, stack.layers[1].linear1.weight.data)


def test_dropout_acts_in_training_only():
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.5)
    x = ag.randn(3, 2, 4, rng=0)
    assert not np.allclose(layer(x).data, layer(x).data)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)


def test_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.raises(AssertionError, match="divisible"):
        nn.TransformerDecoderLayer(6, 4)


def test_encoder_layer_gradcheck_reverse_and_forward_mode():
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, norm_first=True).double()
    assert ag.gradcheck(layer, [RNG.standard_normal((5, 2, 4))])
