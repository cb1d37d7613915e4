"""Grad mode in every form PyTorch offers: set_grad_enabled as a plain call, and decorators on generators."""
import threading

import numpy as np
import pytest

import autograd_core as ag


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _recording_back_on():
    yield
    ag.set_grad_enabled(True)


def _records():
    x = ag.tensor(np.ones(2), requires_grad=True)
    return (x * 2).requires_grad


def test_set_grad_enabled_as_a_plain_call_switches_the_thread():
    ag.set_grad_enabled(False)
    assert not ag.is_grad_enabled() and not _records()
    ag.set_grad_enabled(True)
    assert ag.is_grad_enabled() and _records()


def test_set_grad_enabled_switch_stays_in_its_thread():
    seen = []
    ag.set_grad_enabled(False)
    worker = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
    worker.start()
    worker.join()
    assert seen == [True] and not ag.is_grad_enabled()


@pytest.mark.parametrize("outer", [True, False])
@pytest.mark.parametrize("inner", [True, False])
def test_set_grad_enabled_as_a_context_restores_the_outer_mode(outer, inner):
    ag.set_grad_enabled(outer)
    with ag.set_grad_enabled(inner):
        assert _records() is inner
    assert ag.is_grad_enabled() is outer


def test_set_grad_enabled_as_a_decorator_switches_only_inside():
    @ag.set_grad_enabled(False)
    def f():
        return _records()
    assert ag.is_grad_enabled()
    assert f() is False and ag.is_grad_enabled()


@pytest.mark.torch
def test_set_grad_enabled_wants_a_bool_as_torch(torch):
    for bad in (1, None, "no"):
        with pytest.raises(TypeError):
            torch.set_grad_enabled(bad)
        with pytest.raises(TypeError, match="mode"):
            ag.set_grad_enabled(bad)
    assert ag.is_grad_enabled()


@pytest.mark.parametrize("make, inside", [(lambda: ag.no_grad(), False), (lambda: ag.no_grad, False),
                                          (lambda: ag.set_grad_enabled(False), False)],
                         ids=["no_grad()", "no_grad", "set_grad_enabled(False)"])
def test_decorated_generator_body_runs_in_the_mode(make, inside):
    # NOTE: made here, not in the parameter list: set_grad_enabled(False) switches the mode when it is built
    # (as in PyTorch), and at collection that would switch off recording for every later test of the worker
    decorator = make()

    @decorator
    def gen(n):
        for _ in range(n):
            got = yield _records()
            assert got == "ping"
        return "done"
    it = gen(3)
    assert ag.is_grad_enabled()
    modes = [next(it)]
    assert ag.is_grad_enabled(), "the caller's mode is back between yields"
    modes.append(it.send("ping"))
    modes.append(it.send("ping"))
    with pytest.raises(StopIteration) as stop:
        it.send("ping")
    assert modes == [inside] * 3 and stop.value.value == "done" and ag.is_grad_enabled()


def test_enable_grad_generator_inside_no_grad():
    @ag.enable_grad()
    def gen():
        yield _records()
        yield _records()
    with ag.no_grad():
        assert list(gen()) == [True, True]
        assert not ag.is_grad_enabled()


def test_decorated_generator_sees_thrown_exceptions_and_close_in_its_mode():
    seen = []

    @ag.no_grad()
    def gen():
        try:
            yield 1
        except KeyError:
            seen.append(("throw", ag.is_grad_enabled()))
            yield 2
        finally:
            seen.append(("finally", ag.is_grad_enabled()))
    it = gen()
    next(it)
    assert it.throw(KeyError()) == 2
    it.close()
    assert seen == [("throw", False), ("finally", False)] and ag.is_grad_enabled()


@pytest.mark.torch
def test_generators_match_torch(torch):
    @torch.no_grad()
    def theirs():
        yield torch.is_grad_enabled()

    @ag.no_grad()
    def ours():
        yield ag.is_grad_enabled()
    assert list(ours()) == list(theirs()) == [False]
