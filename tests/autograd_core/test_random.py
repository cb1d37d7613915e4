"""Factories and random sampling: Generator reproducibility, shapes, dtypes, the distributions' moments,
multinomial's semantics, PyTorch's argument errors, and the CPU-only device spellings."""
import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F
from autograd_core import Generator

DRAWS = [
    ("randn", lambda g: ag.randn(3, 4, generator=g)),
    ("rand", lambda g: ag.rand((2, 5), generator=g)),
    ("rand_like", lambda g: ag.rand_like(ag.zeros(4), generator=g)),
    ("randn_like", lambda g: ag.randn_like(ag.zeros(4, dtype=np.float64), generator=g)),
    ("randint", lambda g: ag.randint(0, 10, (6,), generator=g)),
    ("randperm", lambda g: ag.randperm(7, generator=g)),
    ("multinomial", lambda g: ag.multinomial(ag.tensor([0.1, 0.2, 0.7]), 2, generator=g)),
    ("bernoulli", lambda g: ag.bernoulli(ag.full((8,), 0.5), generator=g)),
    ("normal", lambda g: ag.normal(ag.zeros(5), 2.0, generator=g)),
]


@pytest.mark.parametrize("name,draw", DRAWS, ids=[d[0] for d in DRAWS])
def test_a_seeded_generator_repeats_its_draws(name, draw):
    first = draw(Generator().manual_seed(42)).data
    np.testing.assert_array_equal(draw(Generator().manual_seed(42)).data, first)
    g = Generator().manual_seed(42)
    draw(g)
    assert not np.array_equal(draw(g).data, first) or first.size < 3  # the stream moves on


@pytest.mark.parametrize("name,draw", DRAWS, ids=[d[0] for d in DRAWS])
def test_manual_seed_makes_default_draws_repeat(name, draw):
    ag.manual_seed(3)
    first = draw(None).data
    ag.manual_seed(3)
    np.testing.assert_array_equal(draw(None).data, first)


def test_generator_api_as_pytorch():
    g = Generator()
    assert g.initial_seed() == 67280421310721 and g.device == "cpu"
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    np.testing.assert_array_equal(ag.randn(3, generator=Generator()).data, ag.randn(3, generator=Generator()).data)
    state = g.get_state()
    a = ag.rand(4, generator=g).data
    g.set_state(state)
    np.testing.assert_array_equal(ag.rand(4, generator=g).data, a)
    with pytest.raises(TypeError, match="either generator= or rng="):
        ag.randn(2, generator=g, rng=1)
    with pytest.raises(TypeError, match="seed must be an int"):
        g.manual_seed(1.5)
    with pytest.raises(RuntimeError, match="cuda"):
        Generator(device="cuda")


def test_generator_is_taken_by_nn_init_and_dataloader():
    w1, w2 = nn.Linear(4, 3).weight, nn.Linear(4, 3).weight
    nn.init.kaiming_uniform_(w1, generator=Generator().manual_seed(1))
    nn.init.kaiming_uniform_(w2, generator=Generator().manual_seed(1))
    np.testing.assert_array_equal(w1.data, w2.data)
    nn.init.normal_(w2, generator=Generator().manual_seed(2))
    assert not np.array_equal(w1.data, w2.data)
    data = np.arange(10.0)
    orders = [np.concatenate([b.data for b in nn.data.DataLoader(data, batch_size=3, shuffle=True,
                                                                    generator=Generator().manual_seed(7))])
              for _ in range(2)]
    np.testing.assert_array_equal(orders[0], orders[1])
    assert sorted(orders[0]) == list(data)


@pytest.mark.parametrize("name,draw,shape,dtype", [
    ("randn", lambda: ag.randn(2, 3), (2, 3), np.float32),
    ("randn_tuple", lambda: ag.randn((2, 3), dtype=ag.double), (2, 3), np.float64),
    ("rand_like_keeps_dtype", lambda: ag.rand_like(ag.zeros(2, 2, dtype=np.float64)), (2, 2), np.float64),
    ("randn_like_dtype", lambda: ag.randn_like(ag.zeros(3), dtype=ag.half), (3,), np.float16),
    ("randint_high_only", lambda: ag.randint(5, (4, 2)), (4, 2), np.int64),
    ("randint_size_keyword", lambda: ag.randint(2, 9, size=(3,)), (3,), np.int64),
    ("randperm", lambda: ag.randperm(6), (6,), np.int64),
    ("multinomial_rows", lambda: ag.multinomial(ag.ones(2, 5), 3), (2, 3), np.int64),
    ("bernoulli_keeps_dtype", lambda: ag.bernoulli(ag.full((3,), 0.3, dtype=np.float64)), (3,), np.float64),
    ("normal_numbers", lambda: ag.normal(0.0, 1.0, (2, 2)), (2, 2), np.float32),
    ("normal_broadcast", lambda: ag.normal(ag.zeros(3, 1), ag.ones(4)), (3, 4), np.float32),
    ("linspace", lambda: ag.linspace(0, 1, 5), (5,), np.float32),
    ("logspace", lambda: ag.logspace(0, 2, 3, dtype=ag.float64), (3,), np.float64),
    ("empty", lambda: ag.empty(2, 3), (2, 3), np.float32),
    ("full_like", lambda: ag.full_like(ag.zeros(2, dtype=np.int64), 7), (2,), np.int64),
    ("one_hot", lambda: ag.one_hot(ag.tensor([[0, 2], [1, 1]])), (2, 2, 3), np.int64),
])
def test_shapes_and_dtypes_as_pytorch(name, draw, shape, dtype):
    t = draw()
    assert t.shape == shape and t.dtype == dtype


def test_factory_values():
    np.testing.assert_allclose(ag.linspace(-1, 1, 5).data, [-1, -0.5, 0, 0.5, 1])
    assert ag.linspace(0, 1, 0).shape == (0,) and ag.linspace(3, 4, 1).data.tolist() == [3.0]
    np.testing.assert_allclose(ag.logspace(0, 2, 3).data, [1, 10, 100])
    np.testing.assert_allclose(ag.logspace(0, 3, 4, base=2).data, [1, 2, 4, 8])
    np.testing.assert_array_equal(ag.full_like(ag.zeros(2, 2), 1.5).data, np.full((2, 2), 1.5))
    np.testing.assert_array_equal(F.one_hot(ag.tensor([2, 0]), num_classes=4).data, [[0, 0, 1, 0], [1, 0, 0, 0]])
    t = ag.linspace(0, 1, 3, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert sorted(ag.randperm(50).data.tolist()) == list(range(50))


def test_moments_of_the_distributions():
    g = Generator().manual_seed(0)
    n = 200_000
    u = ag.rand(n, generator=g).data
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    z = ag.randn(n, generator=g).data
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    x = ag.normal(3.0, 2.0, (n,), generator=g).data
    assert abs(x.mean() - 3) < 0.02 and abs(x.std() - 2) < 0.02
    per_element = ag.normal(ag.tensor([-5.0, 5.0]).reshape(2, 1) * ag.ones(1, n), ag.tensor([[0.5], [3.0]]),
                            generator=g).data
    np.testing.assert_allclose(per_element.mean(1), [-5, 5], atol=0.05)
    np.testing.assert_allclose(per_element.std(1), [0.5, 3.0], rtol=0.02)
    b = ag.bernoulli(ag.full((n,), 0.3), generator=g).data
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.005
    assert ag.bernoulli(ag.zeros(10), p=1.0).data.tolist() == [1.0] * 10
    r = ag.randint(-3, 4, (n,), generator=g).data
    assert r.min() == -3 and r.max() == 3 and abs(r.mean()) < 0.02


def test_multinomial_frequencies_follow_the_weights():
    g = Generator().manual_seed(1)
    w = np.array([1.0, 3.0, 0.0, 6.0])  # need not sum to 1
    draws = ag.multinomial(ag.tensor(w), 100_000, replacement=True, generator=g).data
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / draws.size, w / w.sum(), atol=0.005)
    first = ag.multinomial(ag.tensor(np.tile(w, (20_000, 1))), 1, generator=g).data[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=4) / first.size, w / w.sum(), atol=0.01)


def test_multinomial_without_replacement_gives_distinct_indices():
    g = Generator().manual_seed(2)
    rows = ag.multinomial(ag.rand(50, 8, generator=g) + 0.01, 8, generator=g).data
    assert all(sorted(row) == list(range(8)) for row in rows.tolist())
    # zero-weight categories come only after every positive one, as in PyTorch
    out = ag.multinomial(ag.tensor([0.0, 1.0, 0.0, 2.0]), 4, generator=g).data
    assert set(out[:2].tolist()) == {1, 3} and set(out[2:].tolist()) == {0, 2}


@pytest.mark.parametrize("call,error,match", [
    (lambda: ag.randint(5, 3, (2,)), RuntimeError, "from=5 >= to=3"),
    (lambda: ag.randint(5), TypeError, "size"),
    (lambda: ag.randperm(-1), RuntimeError, "non-negative"),
    (lambda: ag.multinomial(ag.tensor([0.2, 0.8]), 3), RuntimeError, "without replacement"),
    (lambda: ag.multinomial(ag.tensor([-1.0, 1.0]), 1), RuntimeError, "element < 0"),
    (lambda: ag.multinomial(ag.tensor([1.0, np.nan]), 1), RuntimeError, "nan"),
    (lambda: ag.multinomial(ag.tensor([0.0, 0.0]), 1), RuntimeError, "sum of probabilities <= 0"),
    (lambda: ag.multinomial(ag.ones(2, 2, 2), 1), RuntimeError, "1 or 2 dim"),
    (lambda: ag.bernoulli(ag.tensor([0.5, 1.5])), RuntimeError, r"\[0, 1\]"),
    (lambda: ag.bernoulli(ag.tensor([0.5]), p=2.0), RuntimeError, "p=2"),
    (lambda: ag.normal(0.0, -1.0, (2,)), RuntimeError, "std >= 0.0"),
    (lambda: ag.normal(ag.zeros(2), -ag.ones(2)), RuntimeError, "std >= 0.0"),
    (lambda: ag.normal(0.0, 1.0), TypeError, "size"),
    (lambda: ag.one_hot(ag.tensor([-1, 2])), RuntimeError, "non-negative"),
    (lambda: ag.one_hot(ag.tensor([1, 5]), 3), RuntimeError, "smaller than num_classes"),
    (lambda: ag.one_hot(ag.tensor([1.0, 2.0])), RuntimeError, "index tensors"),
    (lambda: ag.one_hot(ag.tensor(np.array([], dtype=np.int64))), RuntimeError, "empty"),
    (lambda: ag.linspace(0, 1, -1), RuntimeError, "non-negative"),
    (lambda: ag.rand_like(ag.tensor([1, 2])), TypeError, "floating-point"),
    (lambda: ag.zeros(2, device="cuda"), RuntimeError, "zeros: device 'cuda'"),
    (lambda: ag.randn(2, device="cuda:0"), RuntimeError, "randn: device"),
    (lambda: ag.ones(2).to("cuda"), RuntimeError, "cuda"),
])
def test_bad_arguments_raise_as_pytorch(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_pytorch_spellings():
    assert ag.float is np.float32 and ag.double is np.float64 and ag.long is np.int64 and ag.half is np.float16
    t = ag.zeros(2, 3, device="cpu", dtype=ag.float)
    assert t.nelement() == 6 == t.numel()
    assert t.cpu() is t and t.to("cpu") is t and t.to(device="cpu") is t
    assert t.to("cpu", ag.double).dtype == np.float64 and t.to(dtype=ag.long).dtype == np.int64
    x = ag.ones(2, requires_grad=True)
    y = x.to("cpu", ag.double)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    for factory in (ag.tensor, ag.ones_like, ag.zeros_like):
        assert factory(np.zeros(2), device="cpu").shape == (2,)
