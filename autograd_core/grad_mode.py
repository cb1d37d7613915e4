"""Switches read on every op: gradient recording, module scope, and observers, one set per thread."""
import contextlib
import functools
import inspect
import threading

import numpy as np


class _State(threading.local):
    """The engine state of the calling thread (as PyTorch's grad mode): two threads can train two
    models at once, and `no_grad()` or a backward in one never changes what the other records.

    Every thread starts with recording on, no scope and no observers. `tracing_values` is on
    while vmap records a function: recorded rules then compute their masks with engine ops.
    """

    def __init__(self):
        self.grad_enabled = True
        self.observers = ()
        self.scope = None
        self.tracing_values = False


STATE = _State()


def is_grad_enabled():
    """True when new ops are recorded for reverse mode."""
    return STATE.grad_enabled


class _GradMode:
    """Context manager and decorator that sets recording on or off, then restores it."""

    def __init__(self, enabled):
        self.enabled = enabled
        self._saved = []

    def __enter__(self):
        self._saved.append(STATE.grad_enabled)
        STATE.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        STATE.grad_enabled = self._saved.pop()
        return False

    def __call__(self, func):
        """Decorate `func`: each call runs in a manager of its own (threads never share `_saved`);
        a generator function's body runs in the mode at every resumption, as PyTorch's decorators."""
        enabled = self.enabled
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(lambda: _GradMode(enabled), func)

        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with _GradMode(enabled):
                return func(*args, **kwargs)
        return decorated


def _wrap_generator(make_mode, func):
    """`func` (a generator function) whose body runs inside `make_mode()` each time it resumes; the caller's
    mode is back between yields."""

    @functools.wraps(func)
    def generator(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with make_mode():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_mode():
                        gen.close()
                    raise
                except BaseException as error:
                    with make_mode():
                        response = gen.throw(error)
                else:
                    with make_mode():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value
    return generator


def no_grad(func=None):
    """Nothing computed inside is recorded: `with no_grad(): ...`, `@no_grad()` or `@no_grad`."""
    return _GradMode(False) if func is None else _GradMode(False)(func)


def enable_grad(func=None):
    """Recording on again inside an outer `no_grad()` (also a decorator, with or without parentheses)."""
    return _GradMode(True) if func is None else _GradMode(True)(func)


class set_grad_enabled(_GradMode):
    """Recording on or off (PyTorch's `set_grad_enabled`): called as a plain function it switches the
    calling thread's mode at once; as `with set_grad_enabled(m):` or a decorator the previous mode
    comes back afterwards."""

    def __init__(self, mode):
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        super().__init__(bool(mode))
        self.prev = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __call__(self, func):
        STATE.grad_enabled = self.prev  # as a decorator, the call itself switches nothing
        return super().__call__(func)

    def __enter__(self):
        STATE.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        STATE.grad_enabled = self.prev
        return False

    def __repr__(self):
        return f"set_grad_enabled(mode={self.enabled})"


class Observer:
    """Watches the engine: `on_forward` after every op, `on_backward` after every VJP.

    Forward mode, anomaly detection and the cost ledger are observers; with none
    installed the hot path pays a single truth test.
    """

    def on_forward(self, prim, ctx, out, args, arrays, params):
        pass

    def on_backward(self, node, out, in_grads):
        pass

    def on_untraced(self, name, args, params, out):
        """An op that is not a primitive because its result has no gradient (a comparison, argmax, an integer cast)."""

    def on_value_read(self, t, how):
        """Python reads the value of tensor `t` (`how`: "bool()", "item()", "tolist()"); vmap refuses batched ones."""


def report_value_read(t, how):
    """Tell the observers that Python reads the value of `t` (see Observer.on_value_read)."""
    for observer in STATE.observers:
        observer.on_value_read(t, how)


def report_untraced(name, args, params, out):
    """Tell the observers (the ONNX tracer) about an op that returns a Tensor without recording it; returns `out`."""
    for observer in STATE.observers:
        observer.on_untraced(name, args, params, out)
    return out


@contextlib.contextmanager
def observe(observer):
    """Install `observer` (an `Observer`) for the duration of the block."""
    STATE.observers = STATE.observers + (observer,)
    try:
        yield observer
    finally:
        STATE.observers = tuple(o for o in STATE.observers if o is not observer)


@contextlib.contextmanager
def scope(name):
    """Tag every op recorded inside with `name` (module calls use this for graph clusters)."""
    saved = STATE.scope
    STATE.scope = name
    try:
        yield
    finally:
        STATE.scope = saved
