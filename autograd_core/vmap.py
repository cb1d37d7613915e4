"""vmap: a function written for one example, run on a batch in one vectorised pass (JAX, torch.func).

It records, then replays. `f` runs on two single examples while a Recorder notes every op it runs
(tracing.py); the recorded ops are then run once more on the whole batch, each through its batching
rule (vmap_rules.py), with the batch axis in front. The replay runs engine ops, so its result is
differentiable by backward and by outer transforms like any computation; transforms inside `f`
(`vmap(grad(f))`) are recorded with their reverse pass, so per-sample gradients come out of one pass.

Replaying one example's ops for all is only right when every example runs the same ops with the same
constants. So the two recordings must agree: a different op sequence, or a constant that differs (a
value computed from an example outside the ops), raises, and so does reading a batched value in Python
(`if x.sum() > 0`, `x.item()`), as in torch.func.
"""
import contextlib
import functools
import warnings

import numpy as np

from . import ops
from .forward_mode import TransformLevel, tangent_of
from .grad_mode import STATE, is_grad_enabled
from .pytree import tree_flatten, tree_unflatten
from .seeding import recording_generators, replaying_generators
from .tensor import Tensor, shared_tensor
from .tracing import Recorder, memory_key, same_value
from .vmap_rules import Arg, BatchedIndex, batched_call, has_untraced_rule, untraced_call


class _ExampleRecorder(Recorder):
    """A Recorder that also knows which tensors depend on the batched inputs, and refuses reading them."""

    def __init__(self, batched_inputs):
        super().__init__()
        self.derived = {id(t) for t in batched_inputs}
        self.derived_memory = {memory_key(t.data) for t in batched_inputs}

    def _record(self, call):
        super()._record(call)
        if any(self._depends(a) for a in call.args) or any(self._depends(p) for p in _index_arrays(call.params)):
            self.derived.add(id(call.out))
            self.derived_memory.add(memory_key(call.out.data))

    def _depends(self, a):
        if isinstance(a, Tensor):
            return id(a) in self.derived
        return isinstance(a, np.ndarray) and memory_key(a) in self.derived_memory

    def on_value_read(self, t, how):
        if self._depends(t):
            raise RuntimeError(f"vmap: {how} of a batched value: its value differs from example to example, so "
                               "Python cannot branch on it or convert it inside vmap (use where(), or move the "
                               "computation out of the function)")


class _NotBatchable(RuntimeError):
    """The recordings disagree (an op sequence or a constant depends on the example): vmap loops instead."""


def _index_arrays(params):
    index = params.get("index") if params else None
    return [p for p in index if isinstance(p, np.ndarray)] if isinstance(index, tuple) else []


def vmap(f, in_dims=0, out_dims=0, randomness="error", chunk_size=None):
    """f -> f over a batch: in_dims says, per argument (or pytree leaf), which axis is the batch (None: not batched);
    out_dims where the batch axis goes in each output. Returns numpy arrays, or Tensors when the result depends
    on a Tensor that requires grad, or when called inside another transform."""
    if randomness not in ("error", "different", "same"):
        raise ValueError(f"vmap: randomness must be 'error', 'different' or 'same', got {randomness!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1):
        raise ValueError(f"vmap: chunk_size must be a positive int or None, got {chunk_size!r}")

    @functools.wraps(f)
    def wrapped(*args):
        leaves, structure = tree_flatten(list(args))
        dims = _leaf_dims(in_dims, args)
        size = _batch_size(leaves, dims)
        physical = [_batch_first(x, d) for x, d in zip(leaves, dims)]
        draws = _Draws(randomness)
        with TransformLevel() as level:
            try:
                first, outputs = _record(f, structure, physical, dims, 0, draws)
                probes = sorted({1, size - 1} - {0}) if size > 1 else []
                others = [_record(f, structure, physical, dims, k, draws)[0] for k in probes]
                others.append(_mirror_record(f, structure, physical, dims, draws))
                for other in others:
                    _check_same_ops(first, other)
                step = chunk_size or size
                pieces = [_replay(first, others, outputs, physical, dims, start, min(start + step, size))
                          for start in range(0, size, step)]
            except Exception as exc:  # noqa: BLE001  (re-raised unless the examples disagree or a rule read values)
                rule = _rule_that_raised(exc)
                if rule is None and not isinstance(exc, _NotBatchable):
                    raise
                reason = f"the derivative rule of {rule} computes with values" if rule else str(exc)
                warnings.warn(f"vmap: {reason} ({exc}); the function runs once per example instead (a Python loop "
                              f"over {size})" if rule else f"{reason}; the function runs once per example instead "
                              f"(a Python loop over {size})", stacklevel=2)
                outputs, pieces = _loop(f, structure, physical, dims, size, draws)
        out_structure = tree_flatten(outputs[1])[1]
        out = outputs[1]
        parts = list(out) if isinstance(out, (tuple, list)) and isinstance(out_dims, (tuple, list)) else [out]
        placed = [_place([p[k] for p in pieces], d, size, k)
                  for k, d in enumerate(_leaf_dims(out_dims, parts, "out_dims"))]
        keep = level.nested or (is_grad_enabled() and any(o.requires_grad for o in placed))
        return tree_unflatten(out_structure, [o if keep else _own_array(o.data, leaves) for o in placed])
    return wrapped


def _own_array(array, inputs):
    """The output as a numpy array the caller owns: copied only if it may share memory with an input
    (copying a large per-sample gradient costs more than computing it)."""
    shares = any(np.may_share_memory(array, x.data if isinstance(x, Tensor) else x)
                 for x in inputs if isinstance(x, (Tensor, np.ndarray)))
    return np.array(array) if shares else array


def _leaf_dims(dims, args, what="in_dims"):
    """One dim (int or None) per pytree leaf of `args`, from an int/None for all, or a tuple with one entry per argument
    (each an int/None or a pytree of them matching that argument)."""
    if dims is None or isinstance(dims, int):
        return [dims] * len(tree_flatten(list(args))[0])
    if not isinstance(dims, (tuple, list)) or len(dims) != len(args):
        raise ValueError(f"vmap: {what} must be an int, None, or a tuple with one entry per "
                         f"{'argument' if what == 'in_dims' else 'output'} ({len(args)}), got {dims!r}")
    result = []
    for k, (d, a) in enumerate(zip(dims, args)):
        n = len(tree_flatten(a)[0])
        if d is None or isinstance(d, int):
            result += [d] * n
        else:
            leaf_dims, _ = tree_flatten(d)
            if len(leaf_dims) != n:
                raise ValueError(f"vmap: {what}[{k}] does not match the structure of its argument")
            result += leaf_dims
    return result


def _batch_size(leaves, dims):
    sizes = {}
    for k, (x, d) in enumerate(zip(leaves, dims)):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"vmap: in_dims entries must be ints or None, got {d!r}")
        if not isinstance(x, (Tensor, np.ndarray)):
            raise ValueError(f"vmap: in_dims gives axis {d} for input {k}, which is a {type(x).__name__}, not a "
                             "Tensor or array; use None for it")
        ndim = np.ndim(x.data if isinstance(x, Tensor) else x)
        if not -ndim <= d < ndim:
            raise ValueError(f"vmap: in_dims={d} is out of range for input {k} of shape "
                             f"{np.shape(x.data if isinstance(x, Tensor) else x)} (rank {ndim})")
        sizes[k] = np.shape(x.data if isinstance(x, Tensor) else x)[d]
    if not sizes:
        raise ValueError("vmap: no input is batched (every in_dims entry is None)")
    if len(set(sizes.values())) > 1:
        raise ValueError("vmap: the batched inputs have different sizes along their batch axes: "
                         + ", ".join(f"input {k}: {n}" for k, n in sizes.items()))
    size = next(iter(sizes.values()))
    if size == 0:
        raise ValueError("vmap: the batch is empty (size 0 along in_dims)")
    return size


def _batch_first(x, d):
    """A batched input with its batch axis moved to the front (an engine op, so gradients flow to x)."""
    if d is None:
        return shared_tensor(x) if isinstance(x, np.ndarray) else x
    t = x if isinstance(x, Tensor) else shared_tensor(np.asarray(x))
    return move_axis(t, d, 0)


def _record(f, structure, physical, dims, k, draws, mirror=False):
    """Run f on example k alone, noting every op; (the calls, (example inputs, f's output)).

    With `mirror`, example k's values are rearranged (`_mirrored`), so a value the function computes from
    an example outside the engine's ops (numpy on `.data`) differs from the first recording's even where
    two real examples happen to agree. A function that fails on such values (a domain check, a matrix no
    longer positive-definite) is run as a loop.
    """
    examples = [shared_tensor(_mirrored(p.data[k]) if mirror else np.array(p.data[k])) if d is not None else p
                for p, d in zip(physical, dims)]
    recorder = _ExampleRecorder([e for e, d in zip(examples, dims) if d is not None])
    saved = STATE.observers, STATE.tracing_values
    STATE.observers, STATE.tracing_values = (recorder,), True  # outer levels see the replay, not this recording
    try:
        with draws.recording():
            out = f(*tree_unflatten(structure, examples))
    finally:
        STATE.observers, STATE.tracing_values = saved
    changed = recorder.changed_in_place()
    if changed is not None:
        raise RuntimeError(f"vmap: the output of {changed.prim.name} is changed in place inside the function; "
                           "vmap replays ops and cannot replay an in-place change (write it out of place)")
    outs, _ = tree_flatten(out)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"vmap: the function must return Tensors (or a pytree of them), got {type(o).__name__}")
    return recorder.calls, (examples, out)


def _mirror_record(f, structure, physical, dims, draws):
    """The mirrored recording; one that fails (the rolled values leave the function's domain, a matrix no longer
    positive-definite) cannot vouch for the replay, so vmap loops."""
    try:
        return _record(f, structure, physical, dims, 0, draws, mirror=True)[0]
    except Exception as exc:  # noqa: BLE001
        raise _NotBatchable(f"vmap: the function fails on a rearranged example ({type(exc).__name__}: {exc}), so "
                            "vmap cannot check that its ops do not depend on the values") from exc


class _Draws:
    """What the recordings do with random draws (torch.func's `randomness`): "error" refuses them; "same" makes
    every later recording draw what the first drew (one draw for the whole batch); "different" sends the
    function to the loop, where each example draws its own."""

    def __init__(self, mode):
        self.mode, self.book = mode, None

    @contextlib.contextmanager
    def recording(self):
        if self.book is not None:
            with replaying_generators(self.book):
                yield
            return
        with recording_generators() as book:
            yield
        if book and self.mode == "error":
            raise RuntimeError("vmap: the function draws random numbers (dropout, randn, ...) and randomness='error'; "
                               "draw them outside vmap and pass them in, or pass randomness='same' or 'different'")
        if book and self.mode == "different":
            raise _NotBatchable("vmap: the function draws random numbers and randomness='different' gives each "
                                "example its own draws")
        self.book = book or None

    def replaying(self):
        return replaying_generators(self.book) if self.book and self.mode == "same" else contextlib.nullcontext()


def _mirrored(a):
    """Example values rearranged (rolled), rescaled and sign-flipped at random (floats), or rolled (integers):
    sums, norms, counts, orders and masks computed from them all change, so a value computed from an example
    outside the engine's ops shows as a difference from the first recording."""
    a = np.asarray(a)
    if a.dtype.kind not in "fc":
        return np.roll(a, 1) if a.size > 1 else np.array(a)
    factors = np.random.default_rng(7).choice(np.array([-1.5, -0.75, 0.75, 1.5]), a.shape)
    return (np.roll(a, 1) * factors).astype(a.dtype)


def _rule_that_raised(exc):
    """The primitive whose VJP or JVP rule was running when `exc` was raised (a rule that reads values, such
    as max's ties or pow's zero exponents, cannot be replayed on a batch), or None for anything else."""
    tb = exc.__traceback__
    while tb is not None:
        code, local = tb.tb_frame.f_code, tb.tb_frame.f_locals
        if code.co_name == "_sweep" and code.co_filename.endswith("engine.py") and "node" in local:
            return getattr(getattr(local["node"], "prim", None), "name", None)
        if code.co_name == "tangent_of" and code.co_filename.endswith("forward_mode.py"):
            return getattr(local.get("prim"), "name", None)
        tb = tb.tb_next
    return None


def _loop(f, structure, physical, dims, size, draws):
    """f once per example (each example an engine-op slice of the batch, so gradients flow), outputs stacked:
    ((examples of the last call, its output), one chunk of `Arg`s). With randomness="same", every example
    draws what the first recording drew."""
    outs = []
    for k in range(size):
        examples = [ops.getitem(p, k) if d is not None else p for p, d in zip(physical, dims)]
        with draws.replaying():
            out = f(*tree_unflatten(structure, examples))
        outs.append(tree_flatten(out)[0])
    stacked = [Arg(ops.stack([o[j] for o in outs], 0), True) for j in range(len(outs[0]))]
    return (None, out), [stacked]


def _check_same_ops(first, second):
    names = [c.prim.name for c in first], [c.prim.name for c in second]
    if names[0] != names[1]:
        at = next((i for i, (a, b) in enumerate(zip(*names)) if a != b), min(map(len, names)))
        raise _NotBatchable(f"vmap: examples ran different ops (op {at}: "
                           f"{names[0][at] if at < len(names[0]) else 'none'} vs "
                           f"{names[1][at] if at < len(names[1]) else 'none'}): the function branches on the "
                           "values of its inputs")


class _Replay:
    """Replayed values of the first recording's tensors, by id and by memory, as `Arg`s."""

    def __init__(self):
        self.by_id, self.by_memory = {}, {}

    def bind(self, traced, value, batched):
        arg = Arg(value, batched)
        self.by_id[id(traced)] = arg
        self.by_memory[memory_key(traced.data)] = arg

    def arg(self, a, twins, call, position):
        """The replayed argument for `a` (first recording) whose twins in the other recordings are `twins`."""
        found = self.by_id.get(id(a)) if isinstance(a, Tensor) else (
            self.by_memory.get(memory_key(a)) if isinstance(a, np.ndarray) else None)
        if found is not None:
            return found
        if not all(same_value(a, b) for b in twins):
            raise _NotBatchable(f"vmap: input {position} of {call.prim.name} differs between examples but is not "
                                "computed by engine ops (a Python number, or numpy on .data)")
        return Arg(a, False)

    def params(self, first, twins, call):
        """The call's params; an index array that depends on the batch becomes a `BatchedIndex`."""
        if "index" not in first or not isinstance(first["index"], tuple):
            if not all(same_value(first, second) for second in twins):
                raise _NotBatchable(f"vmap: the parameters of {call.prim.name} differ between examples")
            return first
        index = []
        for p, *qs in zip(first["index"], *[second["index"] for second in twins]):
            found = self.by_memory.get(memory_key(p)) if isinstance(p, np.ndarray) else None
            if found is not None:
                value = np.asarray(found.value.data if isinstance(found.value, Tensor) else found.value)
                index.append(BatchedIndex(value) if found.batched else value)
            elif all(same_value(p, q) for q in qs):
                index.append(p)
            else:
                raise _NotBatchable(f"vmap: an index of {call.prim.name} differs between examples but is not "
                                    "computed by engine ops")
        rest = {k: v for k, v in first.items() if k != "index"}
        if not all(same_value(rest, {k: v for k, v in second.items() if k != "index"}) for second in twins):
            raise _NotBatchable(f"vmap: the parameters of {call.prim.name} differ between examples")
        return {**rest, "index": tuple(index)}


def _replay(first, others, outputs, physical, dims, start, stop):
    """Run the recorded ops on examples start..stop at once; the outputs (batch axis first), flattened."""
    size = stop - start
    replay = _Replay()
    examples = outputs[0]
    for e, p, d in zip(examples, physical, dims):
        if d is not None:
            replay.bind(e, p if (start, stop) == (0, p.shape[0]) else ops.getitem(p, slice(start, stop)), True)
        elif isinstance(e, Tensor):
            replay.bind(e, e, False)
    for c1, *twins in zip(first, *others):
        args = [replay.arg(a, [t.args[i] for t in twins], c1, i) for i, a in enumerate(c1.args)]
        params = replay.params(c1.params, [t.params for t in twins], c1)
        batched = any(a.batched for a in args) or any(isinstance(p, BatchedIndex) for p in params.get("index", ())
                                                       if isinstance(params.get("index"), tuple))
        if hasattr(c1.prim, "forward"):
            out = batched_call(c1.prim, args, params, size, c1.out.data)
        elif batched:
            if not has_untraced_rule(c1.prim.name):
                raise _NotBatchable(f"vmap: {c1.prim.name} (reported by a composed op) has no batched rule")
            out = untraced_call(c1.prim.name, args, params, size, c1.out.data)
        else:
            out = c1.out
        replay.bind(c1.out, out, batched)
    result = []
    for o in tree_flatten(outputs[1])[0]:
        found = replay.by_id.get(id(o))
        result.append(found if found is not None else Arg(o, False))
    return result


def _place(chunks, d, size, k):
    """Output k from its replayed chunks: the batch axis (in front) moved to out_dims' position, or for
    out_dims None an output that must not depend on the batch."""
    batched = chunks[0].batched
    if d is None:
        if batched:
            raise ValueError(f"vmap: out_dims is None for output {k}, but it depends on the batched inputs")
        return chunks[0].value
    if batched:
        out = chunks[0].value if len(chunks) == 1 else ops.concatenate([c.value for c in chunks], 0)
    else:
        out = ops.broadcast_to(chunks[0].value, (size,) + chunks[0].value.shape)
    if not isinstance(d, int) or not -out.ndim <= d < out.ndim:
        raise ValueError(f"vmap: out_dims={d!r} is out of range for output {k} of rank {out.ndim}")
    return move_axis(out, 0, d)


def move_axis(t, source, destination):
    """t with axis `source` moved to `destination` (an engine op, so gradients flow)."""
    order = list(range(t.ndim))
    order.insert(destination % t.ndim, order.pop(source % t.ndim))
    return t if order == sorted(order) else ops.transpose(t, tuple(order))


def vmapped_jvp(prim, ctx, ts, out, xs, params, size):
    """Forward mode's batched tangent of a non-linear op (jacfwd, jacrev): its jvp rule vmapped over the tangents.

    The rule runs once on engine ops (one direction), recorded, and the recording is replayed on the whole
    batch through the batching rules of the ops the rule calls, as torch.func batches a JVP. One recording is
    enough: the rule is linear in the tangents, and only engine ops reach them. Ops without a batching rule
    loop silently, as a direction-by-direction JVP would.
    """
    from . import backend  # the rules' namespaces build on the engine's ops
    primals = [shared_tensor(x) if isinstance(x, np.ndarray) and i not in prim.nondiff else x
               for i, x in enumerate(xs)]
    spots = [i for i, t in enumerate(ts) if t is not None]

    def rule(*tangents):
        full = [None] * len(ts)
        for i, t in zip(spots, tangents):
            full[i] = t
        tangent = tangent_of(prim, ctx, full, shared_tensor(out), primals, params, backend.recorded_ops())
        return tangent if isinstance(tangent, Tensor) else shared_tensor(np.asarray(tangent))
    physical = [shared_tensor(ts[i]) for i in spots]
    dims = [0] * len(spots)
    structure = tree_flatten(physical)[1]
    first, outputs = _record(rule, structure, physical, dims, 0, _Draws("error"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (result,) = _replay(first, [], outputs, physical, dims, 0, size)
    value = np.asarray(result.value.data if isinstance(result.value, Tensor) else result.value)
    if not result.batched:
        return np.broadcast_to(value, (size,) + value.shape)
    # a rule may return a tangent that broadcasts to the output (a bias's (C, 1, 1)): align it to the output's rank
    return value.reshape(value.shape[:1] + (1,) * (np.ndim(out) + 1 - value.ndim) + value.shape[1:])
