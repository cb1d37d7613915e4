"""A hostile user's table for optimizers and schedulers: each bad argument is a TypeError/ValueError naming it, at
the constructor; the exception type is compared with torch's where torch raises for the same call."""
import numpy as np

import autograd_core as ag
import optim
from tests.argument_tables import table_tests

S = optim.lr_scheduler


def _params():
    return [ag.tensor(np.ones(2), requires_grad=True)]


def _opt():
    return optim.SGD(_params(), lr=0.1)


def _tp(T):
    return [T.ones(2, requires_grad=True)]


def _topt(T):
    return T.optim.SGD(_tp(T), lr=0.1)


# (id, our call, torch's same call or None, expected type, words the message must contain); no torch call:
# torch accepts the value and fails later (a ZeroDivisionError at step) or has no such check
CASES = [
    ("SGD negative lr", lambda: optim.SGD(_params(), lr=-1), lambda T: T.optim.SGD(_tp(T), lr=-1), ValueError,
     "learning rate"),
    ("SGD str lr", lambda: optim.SGD(_params(), lr="a"), lambda T: T.optim.SGD(_tp(T), lr="a"), TypeError, "lr"),
    ("SGD negative momentum", lambda: optim.SGD(_params(), lr=0.1, momentum=-1),
     lambda T: T.optim.SGD(_tp(T), lr=0.1, momentum=-1), ValueError, "momentum"),
    ("SGD nesterov without momentum", lambda: optim.SGD(_params(), lr=0.1, nesterov=True),
     lambda T: T.optim.SGD(_tp(T), lr=0.1, nesterov=True), ValueError, "Nesterov"),
    ("SGD nesterov with dampening", lambda: optim.SGD(_params(), lr=0.1, momentum=0.9, dampening=0.5, nesterov=True),
     lambda T: T.optim.SGD(_tp(T), lr=0.1, momentum=0.9, dampening=0.5, nesterov=True), ValueError, "dampening"),
    ("SGD negative weight_decay", lambda: optim.SGD(_params(), lr=0.1, weight_decay=-1),
     lambda T: T.optim.SGD(_tp(T), lr=0.1, weight_decay=-1), ValueError, "weight_decay"),
    ("SGD one Tensor as params", lambda: optim.SGD(_params()[0], lr=0.1),
     lambda T: T.optim.SGD(_tp(T)[0], lr=0.1), TypeError, "params"),
    ("SGD empty params", lambda: optim.SGD([], lr=0.1), lambda T: T.optim.SGD([], lr=0.1), ValueError,
     "empty parameter list"),
    ("Adam negative lr", lambda: optim.Adam(_params(), lr=-1), lambda T: T.optim.Adam(_tp(T), lr=-1), ValueError,
     "learning rate"),
    ("Adam beta1 = 1", lambda: optim.Adam(_params(), betas=(1.0, 0.9)),
     lambda T: T.optim.Adam(_tp(T), betas=(1.0, 0.9)), ValueError, "beta parameter at index 0"),
    ("Adam negative beta2", lambda: optim.Adam(_params(), betas=(0.9, -0.1)),
     lambda T: T.optim.Adam(_tp(T), betas=(0.9, -0.1)), ValueError, "beta parameter at index 1"),
    ("Adam a lone beta", lambda: optim.Adam(_params(), betas=0.9), lambda T: T.optim.Adam(_tp(T), betas=0.9),
     TypeError, "betas"),
    ("Adam negative eps", lambda: optim.Adam(_params(), eps=-1), lambda T: T.optim.Adam(_tp(T), eps=-1), ValueError,
     "epsilon"),
    ("AdamW beta2 > 1", lambda: optim.AdamW(_params(), betas=(0.9, 1.5)),
     lambda T: T.optim.AdamW(_tp(T), betas=(0.9, 1.5)), ValueError, "beta parameter at index 1"),
    ("AdamW str weight_decay", lambda: optim.AdamW(_params(), weight_decay="l2"),
     lambda T: T.optim.AdamW(_tp(T), weight_decay="l2"), TypeError, "weight_decay"),
    ("RMSprop negative alpha", lambda: optim.RMSprop(_params(), alpha=-1),
     lambda T: T.optim.RMSprop(_tp(T), alpha=-1), ValueError, "alpha"),
    ("RMSprop negative momentum", lambda: optim.RMSprop(_params(), momentum=-1),
     lambda T: T.optim.RMSprop(_tp(T), momentum=-1), ValueError, "momentum"),
    ("Adagrad negative lr_decay", lambda: optim.Adagrad(_params(), lr_decay=-1),
     lambda T: T.optim.Adagrad(_tp(T), lr_decay=-1), ValueError, "lr_decay"),
    ("Adagrad negative initial accumulator", lambda: optim.Adagrad(_params(), initial_accumulator_value=-1),
     lambda T: T.optim.Adagrad(_tp(T), initial_accumulator_value=-1), ValueError, "initial_accumulator_value"),
    ("StepLR zero step_size", lambda: S.StepLR(_opt(), 0), None, ValueError, "step_size"),
    ("StepLR float step_size", lambda: S.StepLR(_opt(), 2.5), None, TypeError, "step_size"),
    ("StepLR str gamma", lambda: S.StepLR(_opt(), 2, gamma="a"), None, TypeError, "gamma"),
    ("ExponentialLR no gamma", lambda: S.ExponentialLR(_opt(), None), None, TypeError, "gamma"),
    ("CosineAnnealingLR zero T_max", lambda: S.CosineAnnealingLR(_opt(), 0), None, ValueError, "T_max"),
    ("MultiStepLR one int", lambda: S.MultiStepLR(_opt(), 3), lambda T: T.optim.lr_scheduler.MultiStepLR(_topt(T), 3),
     TypeError, "milestones"),
    ("MultiStepLR float milestone", lambda: S.MultiStepLR(_opt(), [2.5]), None, TypeError, "milestones"),
    ("LambdaLR not callable", lambda: S.LambdaLR(_opt(), 3), lambda T: T.optim.lr_scheduler.LambdaLR(_topt(T), 3),
     TypeError, "lr_lambda"),
    ("LambdaLR one per group", lambda: S.LambdaLR(_opt(), [abs, abs]),
     lambda T: T.optim.lr_scheduler.LambdaLR(_topt(T), [abs, abs]), ValueError, "lr_lambdas"),
    ("ReduceLROnPlateau factor 1.5", lambda: S.ReduceLROnPlateau(_opt(), factor=1.5),
     lambda T: T.optim.lr_scheduler.ReduceLROnPlateau(_topt(T), factor=1.5), ValueError, "factor"),
    ("ReduceLROnPlateau negative patience", lambda: S.ReduceLROnPlateau(_opt(), patience=-1), None, ValueError,
     "patience"),
    ("ReduceLROnPlateau negative min_lr", lambda: S.ReduceLROnPlateau(_opt(), min_lr=-1), None, ValueError,
     "min_lr"),
    ("scheduler of a non-optimizer", lambda: S.StepLR(3, 2), lambda T: T.optim.lr_scheduler.StepLR(3, 2), TypeError,
     "not an Optimizer"),
]


test_bad_argument_is_named_at_the_call, test_torch_raises_the_same_type = table_tests(CASES)
