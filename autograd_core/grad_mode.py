"""Switches read on every op: gradient recording, module scope, and observers, one set per thread."""
import contextlib
import threading


class _State(threading.local):
    """The engine state of the calling thread (as PyTorch's grad mode): two threads can train two
    models at once, and `no_grad()` or a backward in one never changes what the other records.

    Every thread starts with recording on, no scope and no observers.
    """

    def __init__(self):
        self.grad_enabled = True
        self.observers = ()
        self.scope = None


STATE = _State()


def is_grad_enabled():
    """True when new ops are recorded for reverse mode."""
    return STATE.grad_enabled


class _GradMode(contextlib.ContextDecorator):
    """Context manager and decorator that sets recording on or off, then restores it."""

    def __init__(self, enabled):
        self.enabled = enabled
        self._saved = []

    def _recreate_cm(self):
        # each call of a decorated function gets a manager of its own: threads never share `_saved`
        return _GradMode(self.enabled)

    def __enter__(self):
        self._saved.append(STATE.grad_enabled)
        STATE.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        STATE.grad_enabled = self._saved.pop()
        return False


def no_grad(func=None):
    """Nothing computed inside is recorded: `with no_grad(): ...`, `@no_grad()` or `@no_grad`."""
    return _GradMode(False) if func is None else _GradMode(False)(func)


def enable_grad(func=None):
    """Recording on again inside an outer `no_grad()` (also a decorator, with or without parentheses)."""
    return _GradMode(True) if func is None else _GradMode(True)(func)


def set_grad_enabled(enabled):
    """Recording on or off, as a context manager (PyTorch's `set_grad_enabled`)."""
    return _GradMode(bool(enabled))


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
