"""Grad mode is per thread: two threads train two models at once, each with its own recording switch."""
import sys
import threading

import numpy as np

import autograd_core as ag
import nn
import optim


def _train(seed, steps, record):
    """Train a small MLP with SGD; `record(step, grads)` gets a copy of every step's gradients."""
    rng = np.random.default_rng(seed)
    model = nn.MLP([4, 8, 3])
    for p in model.parameters():
        p.data[...] = rng.standard_normal(p.shape) * 0.5
    opt = optim.SGD(model.parameters(), lr=0.05)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.integers(0, 3, 16)
    for step in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(ag.tensor(x)), y)
        loss.backward()
        record(step, [p.grad.data.copy() for p in model.parameters()])
        opt.step()


def _reference(seed, steps):
    grads = {}
    _train(seed, steps, grads.__setitem__)
    return grads


def test_two_threads_train_two_models_with_the_single_threaded_gradients():
    steps = 150
    expected = {seed: _reference(seed, steps) for seed in (0, 1)}
    seen = {0: {}, 1: {}}
    errors = []
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: interleave ops of the two models

    def run(seed):
        try:
            _train(seed, steps, seen[seed].__setitem__)
        except Exception as exc:  # reported by the main thread, which owns the assertion
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run, args=(seed,)) for seed in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert not errors, errors
    for seed in (0, 1):
        assert sorted(seen[seed]) == list(range(steps))
        for step in range(steps):
            for got, want in zip(seen[seed][step], expected[seed][step]):
                np.testing.assert_array_equal(got, want)


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    inside, checked = threading.Event(), threading.Event()

    def hold_no_grad():
        with ag.no_grad():
            inside.set()
            checked.wait(5)

    other = threading.Thread(target=hold_no_grad)
    other.start()
    assert inside.wait(5)
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    checked.set()
    other.join()
    assert ag.is_grad_enabled() and y.requires_grad
    y.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])


def test_out_of_order_exits_in_one_thread_leave_other_threads_recording():
    def exit_out_of_order():
        off, on = ag.no_grad(), ag.enable_grad()
        off.__enter__()
        on.__enter__()
        off.__exit__(None, None, None)  # restores "on", as PyTorch would
        on.__exit__(None, None, None)   # restores "off": this thread is left without recording
        left_off.append(ag.is_grad_enabled())

    left_off = []
    t = threading.Thread(target=exit_out_of_order)
    t.start()
    t.join()
    assert left_off == [False]
    assert ag.is_grad_enabled()
    fresh = []
    t = threading.Thread(target=lambda: fresh.append(ag.is_grad_enabled()))
    t.start()
    t.join()
    assert fresh == [True]


def test_a_decorated_function_called_from_two_threads_restores_each_threads_mode():
    barrier = threading.Barrier(2)

    @ag.no_grad()
    def step():
        barrier.wait(5)  # both threads inside the same decorated function at once
        return ag.is_grad_enabled()

    results = {}

    def run(name, outer_grad):
        with ag.set_grad_enabled(outer_grad):
            inner = step()
            results[name] = (inner, ag.is_grad_enabled())

    threads = [threading.Thread(target=run, args=("on", True)), threading.Thread(target=run, args=("off", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"on": (False, True), "off": (False, False)}


def test_backward_in_one_thread_leaves_another_threads_recording_on():
    x = ag.tensor(np.ones(50), requires_grad=True, dtype=np.float64)
    stop = threading.Event()
    seen_off = []

    def backward_loop():
        while not stop.is_set():
            (x * x).sum().backward()

    t = threading.Thread(target=backward_loop)
    t.start()
    try:
        for _ in range(2000):
            if not ag.is_grad_enabled():
                seen_off.append(True)
    finally:
        stop.set()
        t.join()
    assert not seen_off
