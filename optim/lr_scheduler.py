"""Learning-rate schedules with PyTorch's recursive (chainable) formulas, so sequences match torch's exactly."""
import math
import warnings

from .optimizer import Optimizer


class LRScheduler:
    """Base: each `step()` advances `last_epoch` and writes `get_lr()` into every parameter group's "lr".

    Call `optimizer.step()` first, then `scheduler.step()`, once per epoch (or iteration).

    Args:
        optimizer: the Optimizer whose learning rates are scheduled.
        last_epoch: -1 to start; the index of the last finished epoch when resuming
            (the groups must then carry "initial_lr", e.g. from a loaded state_dict).
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                               "scheduler with last_epoch >= 0 (load the optimizer's state_dict first)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The learning rates for `last_epoch`, one per group (subclasses define it)."""
        raise NotImplementedError

    def step(self):
        """Advance one epoch and set every group's learning rate."""
        if self._step_count == 1 and not self.optimizer._stepped:
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`: call them in the "
                          "opposite order, or the first value of the schedule is skipped (as in PyTorch)",
                          UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates set by the last `step()`, one per group."""
        return list(self._last_lr)

    def state_dict(self):
        """Every attribute but the optimizer (PyTorch's layout)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore what `state_dict()` saved; load the optimizer's own state_dict separately."""
        self.__dict__.update(state_dict)

    def _lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """lr × gamma every `step_size` epochs: lr_t = base_lr · gamma^(t // step_size) when nothing else changes lr."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class ExponentialLR(LRScheduler):
    """lr × gamma every epoch: lr_t = base_lr · gamma^t when nothing else changes lr."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from the base lr to eta_min over T_max epochs, then back up (SGDR without restarts).

    Closed form η_t = η_min + (η_base - η_min)(1 + cos(π t / T_max)) / 2, computed by
    PyTorch's recursion from the current lr, so that it composes with other changes to lr.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._lrs()
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._lrs(), strict=True)]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - eta_min) + eta_min
                for lr in self._lrs()]
