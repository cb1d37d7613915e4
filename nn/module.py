"""`Module`, `Parameter` and the containers: models as Python classes, parameters found by attribute."""
from collections import OrderedDict, namedtuple

import numpy as np

from autograd_core import Tensor
from autograd_core.tensor import shared_tensor
from autograd_core.grad_mode import STATE
from autograd_core.size import check_device

from .hooks import BackwardHookState, add_hook, new_hook_dicts


class Parameter(Tensor):
    """A Tensor that a Module owns and trains: it always requires grad (float32 by default).

    Given a Tensor it shares that tensor's data, as PyTorch's Parameter; given an array, number or
    list it holds its own copy.
    """

    def __init__(self, data=None, requires_grad=True, name=None):
        shared = data.data if isinstance(data, Tensor) else None
        super().__init__(np.empty(0, np.float32) if data is None or shared is not None else data, name=name)
        if shared is not None:
            self.data = shared
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


def as_input(x):
    """A module's first argument as a Tensor when it is an array or a nested list of numbers (PyTorch would
    take a tensor there); anything else passes through. Lists become float32, arrays keep their dtype."""
    if isinstance(x, np.ndarray):
        return shared_tensor(x)
    leaf = x
    while isinstance(leaf, (list, tuple)) and leaf:
        leaf = leaf[0]
    if isinstance(x, list) and isinstance(leaf, (int, float, np.number)):
        return shared_tensor(x)
    return x


def named_like(view, x):
    """`view` (x's values laid out anew, unrecorded) under x's name, so a graph drawn later names the input it saw."""
    if view._node is None and view.name is None:
        view.name = x.name
    return view


class IncompatibleKeys(namedtuple("IncompatibleKeys", ("missing_keys", "unexpected_keys"))):
    """What `load_state_dict` returns: the model's keys the state lacked, and the state's keys the model lacks."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class StateShapeError(RuntimeError, ValueError):
    """A state dict value whose shape differs from the model's: PyTorch raises RuntimeError, this engine's
    shape errors are ValueErrors; code catching either keeps working."""


class InputDtypeError(RuntimeError, ValueError):
    """An input's dtype differs from the layer's weights. torch raises RuntimeError (Linear, Conv2d, RNN
    cells) or ValueError (RNN, LSTM, GRU) here, so code catching either keeps working."""


def check_input_dtype(layer, x, weight):
    """PyTorch's error for an input whose dtype differs from the layer's weights, instead of silently
    computing in the wider dtype; says how to fix it."""
    if x.dtype != weight.dtype:
        raise InputDtypeError(f"{type(layer).__name__}: input has dtype {x.dtype} but the layer's weights have dtype "
                           f"{weight.dtype} (PyTorch raises here too); convert the input, e.g. x.float() or "
                           f"Tensor(x, dtype=np.{weight.dtype}), or the model with model.to(np.{x.dtype})")


class Module:
    """Base class of every layer and model.

    Assigning a Parameter, a Module or a buffer to an attribute registers it, so
    `parameters()`, `state_dict()` and `train()`/`eval()` find it, as in PyTorch.
    Ops recorded inside a call are tagged with the module's dotted attribute path
    (`encoder.0`), which graph renderings use as clusters.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_scope", None)
        for name, hooks in new_hook_dicts().items():
            object.__setattr__(self, name, hooks)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if name in self._parameters and not (value is None or isinstance(value, Parameter)):
            raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' of {type(self).__name__} "
                            f"(nn.Parameter or None expected); wrap it: nn.Parameter(value), or copy into "
                            f"it under no_grad(): self.{name}.data[...] = value")
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        if isinstance(value, Parameter):
            if value.name is None:
                value.name = name
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        elif name in self.__dict__.get("_buffer_names", ()):
            self._buffers[name] = value if isinstance(value, Tensor) or value is None else Tensor(value)
            value = self._buffers[name]
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name, value, persistent=True):
        """A non-trainable tensor that belongs to the module (e.g. BatchNorm running statistics); it is in
        `state_dict()` unless persistent=False. None reserves the name."""
        if not isinstance(name, str):
            raise TypeError(f"register_buffer: buffer name should be a string, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"register_buffer: buffer name can't be empty or contain \".\", got {name!r}")
        if hasattr(self, name) and name not in self._buffers and name not in self.__dict__.get("_buffer_names", ()):
            raise KeyError(f"register_buffer: attribute '{name}' already exists")
        self.__dict__.setdefault("_buffer_names", set()).add(name)
        non_persistent = self.__dict__.setdefault("_non_persistent_buffers_set", set())
        (non_persistent.discard if persistent else non_persistent.add)(name)
        if value is None:
            self._buffers.pop(name, None)
            self._buffers[name] = None
            object.__setattr__(self, name, None)
            return
        setattr(self, name, value)

    def _state_buffers(self):
        """(dotted name, buffer) of the persistent buffers: the ones `state_dict()` holds."""
        for name, module in self.named_modules():
            skip = module.__dict__.get("_non_persistent_buffers_set", ())
            for key, b in module._buffers.items():
                if b is not None and key not in skip:
                    yield (f"{name}.{key}" if name else key), b

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        """Run `forward`, tagging the ops it records with the scope `(self, enclosing scope)`.

        The scope tuple is cached on the module and reused while the enclosing scope is the
        same, so a kept graph holds no new tuple per module call (56 bytes each); only the
        last enclosing scope is kept alive, and a tuple never changes, so threads may share it.
        """
        if args and args[0].__class__ is not Tensor:
            args = (as_input(args[0]),) + args[1:]
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self._forward_in_scope(args, kwargs)

    def _forward_in_scope(self, args, kwargs):
        saved = STATE.scope
        scope = self._scope
        if scope is None or scope[1] is not saved:
            scope = (self, saved)
            object.__setattr__(self, "_scope", scope)
        STATE.scope = scope
        try:
            return self.forward(*args, **kwargs) if kwargs else self.forward(*args)
        finally:
            STATE.scope = saved

    # ---- hooks (PyTorch's) ----------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """`hook(module, args)` (with_kwargs: `hook(module, args, kwargs)`) runs before forward; a returned value
        replaces the args (a non-tuple is one arg; with_kwargs: an (args, kwargs) pair). Returns a handle."""
        return add_hook(self._forward_pre_hooks, hook, prepend,
                        self._forward_pre_hooks_with_kwargs if with_kwargs else None)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False):
        """`hook(module, args, output)` (with_kwargs: `hook(module, args, kwargs, output)`) runs after forward;
        a returned value replaces the output. Returns a handle with `remove()`."""
        return add_hook(self._forward_hooks, hook, prepend,
                        self._forward_hooks_with_kwargs if with_kwargs else None)

    def register_full_backward_hook(self, hook, prepend=False):
        """`hook(module, grad_input, grad_output)` runs once the gradients of the module's tensor inputs are known
        (tuples, None for an input that needs none); a returned tuple replaces grad_input. Returns a handle."""
        return add_hook(self._backward_hooks, hook, prepend)

    def _call_with_hooks(self, args, kwargs):
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result!r}")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        state = BackwardHookState(self, len(args)) if self._backward_hooks else None
        if state is not None:
            args = state.wrap_inputs(args)
        output = self._forward_in_scope(args, kwargs)
        for key, hook in list(self._forward_hooks.items()):
            if key in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        return output if state is None else state.wrap_outputs(output)

    def __getstate__(self):
        """The state to copy or pickle, without the cached scope (it would drag the enclosing modules along)."""
        return {**self.__dict__, "_scope": None}

    # ---- discovery --------------------------------------------------------------------------
    def named_modules(self, prefix=""):
        """(dotted name, module) for this module and every descendant, each once."""
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_children(self):
        return iter(self._modules.items())

    def children(self):
        return iter(self._modules.values())

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, Parameter) pairs, shared parameters listed once."""
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for name, module in modules:
            for key, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{name}.{key}" if name else key), p

    def parameters(self, recurse=True):
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self):
        for name, module in self.named_modules():
            for key, b in module._buffers.items():
                if b is not None:
                    yield (f"{name}.{key}" if name else key), b

    def buffers(self):
        return (b for _, b in self.named_buffers())

    def get_submodule(self, target):
        """The descendant at dotted path `target` ("" is this module), as PyTorch's."""
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def apply(self, fn):
        """Call fn(m) on every submodule (children first, as PyTorch) and then on this module; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def num_parameters(self, trainable_only=False):
        """Total number of scalar parameters."""
        return int(sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only))

    # ---- training state -----------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient (to None, or to zeros)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = shared_tensor(np.zeros_like(p.data))

    def train(self, mode=True):
        """Training mode (dropout active, batch statistics) for this module and its descendants."""
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"train: training mode is expected to be boolean, got {type(mode).__name__} {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Evaluation mode: dropout off, running statistics."""
        return self.train(False)

    def to(self, dtype):
        """Convert every parameter and buffer to `dtype` in place (a float dtype); the device "cpu" changes nothing."""
        if check_device(dtype):
            return self
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"{type(self).__name__}.to(): expected a dtype or the device 'cpu', got {dtype!r}") from None
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"{type(self).__name__}.to(): only floating-point dtypes hold parameters, got {dtype}")
        for t in list(self.parameters()) + [b for _, b in self.named_buffers()]:
            if np.issubdtype(t.data.dtype, np.floating):
                t.data = t.data.astype(dtype)
        return self

    def half(self):
        """Parameters and floating buffers to float16."""
        return self.to(np.float16)

    def float(self):
        """Parameters and floating buffers to float32."""
        return self.to(np.float32)

    def double(self):
        """Parameters and floating buffers to float64."""
        return self.to(np.float64)

    def requires_grad_(self, flag=True):
        for p in self.parameters():
            p.requires_grad_(flag)
        return self

    # ---- state ------------------------------------------------------------------------------
    def state_dict(self, keep_vars=False):
        """Ordered name -> Tensor of every parameter and buffer, sharing their data (detached from the graph
        unless `keep_vars`), as PyTorch: copy them (`.clone()`, `copy.deepcopy`) to keep a snapshot."""
        state = OrderedDict((name, p if keep_vars else shared_tensor(p.data)) for name, p in self.named_parameters())
        state.update((name, b if keep_vars else shared_tensor(b.data)) for name, b in self._state_buffers())
        return state

    def load_state_dict(self, state, strict=True):
        """Copy the values of `state` (Tensors, numpy arrays, or anything with `__array__`, such as torch
        tensors) into the parameters and buffers, in place.

        Returns `(missing_keys, unexpected_keys)`, a named tuple. With `strict`, either being non-empty raises
        a RuntimeError listing them, as PyTorch; a value of the wrong shape or not numeric always raises.
        """
        if not hasattr(state, "keys") or not hasattr(state, "__getitem__"):
            raise TypeError(f"load_state_dict: expected state_dict to be dict-like, got {type(state).__name__}")
        own = OrderedDict(self.named_parameters())
        own.update(self._state_buffers())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if strict and (missing or unexpected):
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}: "
                               f"missing keys {missing}, unexpected keys {unexpected}")
        values = {}
        for name, target in own.items():
            if name not in state:
                continue
            value = values[name] = np.asarray(state[name].data if isinstance(state[name], Tensor) else state[name])
            if value.dtype.kind not in "biufc":
                raise TypeError(f"load_state_dict for {type(self).__name__}: '{name}' holds {value.dtype} values, not numbers")
            if value.shape != target.data.shape:
                raise StateShapeError(f"load_state_dict for {type(self).__name__}: size mismatch for '{name}': shape "
                                      f"{value.shape} in the state dict but {target.data.shape} in the model")
        for name, value in values.items():
            np.copyto(own[name].data, value, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    # ---- display ------------------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = "\n  ".join(([extra] if extra else []) + lines)
        return f"{type(self).__name__}(\n  {body}\n)"


class Sequential(Module):
    """Modules applied one after the other, exactly as given: Sequential(a, b, c)(x) == c(b(a(x)))."""

    def __init__(self, *modules):
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), _module("Sequential", m))

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        mods = list(self._modules.values())
        return Sequential(*mods[index]) if isinstance(index, slice) else mods[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        setattr(self, str(len(self._modules)), _module("Sequential", module))
        return self


def _module(container, m):
    """`m`, when it is a Module; a container refuses anything else at once, as PyTorch's (not at the first call)."""
    if not isinstance(m, Module):
        raise TypeError(f"{container}: {type(m).__name__} is not a Module subclass")
    return m


class ModuleList(Module):
    """A list of modules whose parameters are registered (no forward of its own)."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        setattr(self, str(len(self._modules)), _module("ModuleList", module))
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """Put `module` before position `index` (negative counts from the end), renumbering the ones after it."""
        mods = list(self._modules.values())
        mods.insert(index, module)
        for key in list(self._modules):
            delattr(self, key)
        self.extend(mods)

    def __getitem__(self, index):
        mods = list(self._modules.values())
        return ModuleList(mods[index]) if isinstance(index, slice) else mods[index]

    def __setitem__(self, index, module):
        key = str(range(len(self._modules))[index])
        setattr(self, key, module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleDict(Module):
    """Modules by name, registered so their parameters are found (no forward of its own), as PyTorch's ModuleDict."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict: {key!r} must be a Module, got {type(module).__name__}")
        setattr(self, key, module)

    def __delitem__(self, key):
        del self._modules[key]
        object.__delattr__(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def update(self, modules):
        """Add (name, module) pairs from a mapping or an iterable of pairs."""
        for key, module in (modules.items() if hasattr(modules, "items") else modules):
            self[key] = module


class ParameterList(Module):
    """A list of Parameters registered as "0", "1", ...; a Tensor or array given is made a Parameter."""

    def __init__(self, values=None):
        super().__init__()
        for v in values or ():
            self.append(v)

    def append(self, value):
        setattr(self, str(len(self._parameters)), _as_parameter(value))
        return self

    def extend(self, values):
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, index):
        params = list(self._parameters.values())
        return ParameterList(params[index]) if isinstance(index, slice) else params[index]

    def __setitem__(self, index, value):
        setattr(self, str(range(len(self._parameters))[index]), _as_parameter(value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def extra_repr(self):
        return "\n".join(f"({i}): Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"
                         for i, p in enumerate(self))


class ParameterDict(Module):
    """Parameters by name, registered so `parameters()` and `state_dict()` find them, as PyTorch's ParameterDict."""

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ParameterDict: a key must be a non-empty string without '.', got {key!r}")
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        delattr(self, key)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def get(self, key, default=None):
        return self._parameters.get(key, default)

    def pop(self, key):
        value = self[key]
        del self[key]
        return value

    def update(self, parameters):
        """Add (name, parameter) pairs from a mapping or an iterable of pairs."""
        for key, value in (parameters.items() if hasattr(parameters, "items") else parameters):
            self[key] = value


def _as_parameter(value):
    """A Parameter as it is; a Tensor becomes a Parameter sharing its data, as PyTorch's containers do."""
    return value if isinstance(value, Parameter) else Parameter(value)
