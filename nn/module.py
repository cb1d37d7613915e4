"""`Module`, `Parameter` and the containers: models as Python classes, parameters found by attribute."""
from collections import OrderedDict

import numpy as np

from autograd_core import Tensor
from autograd_core.grad_mode import STATE


class Parameter(Tensor):
    """A Tensor that a Module owns and trains: it always requires grad (float32 by default)."""

    def __init__(self, data, requires_grad=True, name=None):
        super().__init__(data, requires_grad=requires_grad, name=name)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


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

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        if isinstance(value, Parameter):
            if value.name is None:
                value.name = name
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        elif name in self.__dict__.get("_buffer_names", ()):
            self._buffers[name] = value if isinstance(value, Tensor) else Tensor(value)
            value = self._buffers[name]
        object.__setattr__(self, name, value)

    def register_buffer(self, name, value):
        """A non-trainable tensor that belongs to the state (e.g. BatchNorm running statistics)."""
        self.__dict__.setdefault("_buffer_names", set()).add(name)
        setattr(self, name, value)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def commutes_after(self, previous):
        """True when self(previous(x)) equals previous(self(x)) in value and gradient and self is
        cheaper to run first: Sequential then runs them in that order (max pooling after ReLU)."""
        return False

    def __call__(self, *args, **kwargs):
        saved = STATE.scope
        STATE.scope = (self, saved)
        try:
            return self.forward(*args, **kwargs) if kwargs else self.forward(*args)
        finally:
            STATE.scope = saved

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
                yield (f"{name}.{key}" if name else key), b

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
                p.grad = Tensor(np.zeros_like(p.data))

    def train(self, mode=True):
        """Training mode (dropout active, batch statistics) for this module and its descendants."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Evaluation mode: dropout off, running statistics."""
        return self.train(False)

    def requires_grad_(self, flag=True):
        for p in self.parameters():
            p.requires_grad_(flag)
        return self

    # ---- state ------------------------------------------------------------------------------
    def state_dict(self):
        """Ordered name -> numpy array copy of every parameter and buffer."""
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        state.update((name, b.data.copy()) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state, strict=True):
        """Copy arrays into the parameters and buffers, in place; mismatches raise clearly."""
        own = OrderedDict(self.named_parameters())
        own.update(self.named_buffers())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"load_state_dict for {type(self).__name__}: missing keys {missing}, unexpected keys {unexpected}")
        for name, target in own.items():
            if name not in state:
                continue
            value = np.asarray(state[name].data if isinstance(state[name], Tensor) else state[name])
            if value.shape != target.data.shape:
                raise ValueError(f"load_state_dict for {type(self).__name__}: '{name}' has shape {value.shape} "
                                 f"in the state dict but {target.data.shape} in the model")
        for name, target in own.items():
            if name in state:
                value = state[name].data if isinstance(state[name], Tensor) else state[name]
                np.copyto(target.data, np.asarray(value), casting="unsafe")
        return missing, unexpected

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
    """Modules applied one after the other: Sequential(a, b, c)(x) == c(b(a(x))).

    Two neighbours that commute (see Module.commutes_after) run in their cheaper order:
    ReLU then MaxPool2d runs as pooling then ReLU, activating a quarter of the values.
    """

    def __init__(self, *modules):
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def forward(self, x):
        modules = tuple(self._modules.values())
        if modules != self.__dict__.get("_order_of"):
            object.__setattr__(self, "_order", _execution_order(modules))
            object.__setattr__(self, "_order_of", modules)
        for module in self._order:
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
        setattr(self, str(len(self._modules)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (no forward of its own)."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        setattr(self, str(len(self._modules)), module)
        return self

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


def _execution_order(modules):
    """`modules` in the order Sequential runs them: each commuting neighbour pair swapped.

    It depends only on the modules' types, so Sequential works it out once per set of modules.
    """
    order, i = [], 0
    while i < len(modules):
        if i + 1 < len(modules) and modules[i + 1].commutes_after(modules[i]):
            order += [modules[i + 1], modules[i]]
            i += 2
        else:
            order.append(modules[i])
            i += 1
    return tuple(order)
