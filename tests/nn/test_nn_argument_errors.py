"""A hostile user's table: each bad constructor argument is a TypeError/ValueError naming the argument, raised
at the call that got it; where torch has the same call, the exception type is compared with torch's."""
import numpy as np

import autograd_core as ag
import nn
from nn.data import DataLoader
from tests.argument_tables import table_tests

# (id, our call, torch's same call or None, expected type, words the message must contain)
# No torch call: torch has no such call, accepts the value, or fails later or inside tensor creation with a
# RuntimeError, where ours is a ValueError at the constructor (docs/api.md, "Coming from PyTorch").
CASES = [
    ("Linear float size", lambda: nn.Linear(2.5, 3), lambda T: T.nn.Linear(2.5, 3), TypeError, "in_features"),
    ("Linear str size", lambda: nn.Linear(2, "3"), lambda T: T.nn.Linear(2, "3"), TypeError, "out_features"),
    ("Linear negative size", lambda: nn.Linear(-1, 3), None, ValueError, "in_features"),
    ("MLP float size", lambda: nn.MLP([2, 3.5, 1]), None, TypeError, "sizes"),
    ("MLP unknown activation", lambda: nn.MLP([2, 3], activation="swoosh"), None, ValueError, "swoosh"),
    ("Conv2d float channels", lambda: nn.Conv2d(3.0, 4, 3), lambda T: T.nn.Conv2d(3.0, 4, 3), TypeError,
     "in_channels"),
    ("Conv2d float kernel", lambda: nn.Conv2d(3, 4, 2.5), lambda T: T.nn.Conv2d(3, 4, 2.5), TypeError, "kernel_size"),
    ("Conv2d zero stride", lambda: nn.Conv2d(3, 4, 3, stride=0), None, ValueError, "stride"),
    ("Conv2d three-int kernel", lambda: nn.Conv2d(3, 4, (1, 2, 3)), None, ValueError, "kernel_size"),
    ("MaxPool2d float kernel", lambda: nn.MaxPool2d(2.5),
     lambda T: T.nn.MaxPool2d(2.5)(T.ones(1, 1, 4, 4)), TypeError, "kernel_size"),
    ("AvgPool2d zero stride", lambda: nn.AvgPool2d(2, stride=0), None, ValueError, "stride"),
    ("max_pool2d zero kernel", lambda: nn.functional.max_pool2d(ag.tensor(np.ones((1, 1, 4, 4))), 0), None,
     ValueError, "kernel_size"),
    ("nll_loss float ignore_index", lambda: nn.functional.nll_loss(ag.tensor(np.ones((2, 3))), np.array([0, 1]),
                                                                  ignore_index=1.5),
     lambda T: T.nn.functional.nll_loss(T.ones(2, 3), T.tensor([0, 1]), ignore_index=1.5), TypeError,
     "ignore_index"),
    ("RNN zero input_size", lambda: nn.RNN(0, 3), lambda T: T.nn.RNN(0, 3), ValueError, "input_size"),
    ("RNN float hidden_size", lambda: nn.RNN(2, 3.5), lambda T: T.nn.RNN(2, 3.5), TypeError, "hidden_size"),
    ("GRU float input_size", lambda: nn.GRU(2.0, 3), lambda T: T.nn.GRU(2.0, 3), TypeError, "input_size"),
    ("LSTM negative hidden_size", lambda: nn.LSTM(2, -3), lambda T: T.nn.LSTM(2, -3), ValueError, "hidden_size"),
    ("LSTMCell str hidden_size", lambda: nn.LSTMCell(2, "3"), lambda T: T.nn.LSTMCell(2, "3"), TypeError,
     "hidden_size"),
    ("BatchNorm1d float features", lambda: nn.BatchNorm1d(2.5), lambda T: T.nn.BatchNorm1d(2.5), TypeError,
     "num_features"),
    ("BatchNorm2d negative eps", lambda: nn.BatchNorm2d(3, eps=-1.0), None, ValueError, "eps"),
    ("BatchNorm2d str momentum", lambda: nn.BatchNorm2d(3, momentum="fast"), None, TypeError, "momentum"),
    ("Dropout str p", lambda: nn.Dropout("a"), lambda T: T.nn.Dropout("a"), TypeError, "p"),
    ("Dropout p > 1", lambda: nn.Dropout(1.5), lambda T: T.nn.Dropout(1.5), ValueError, "probability"),
    ("Embedding float dim", lambda: nn.Embedding(5, 2.5), lambda T: T.nn.Embedding(5, 2.5), TypeError,
     "embedding_dim"),
    ("Embedding negative rows", lambda: nn.Embedding(-1, 3), None, ValueError, "num_embeddings"),
    ("PReLU float count", lambda: nn.PReLU(2.5), lambda T: T.nn.PReLU(2.5), TypeError, "num_parameters"),
    ("LeakyReLU str slope", lambda: nn.LeakyReLU("a"), lambda T: T.nn.LeakyReLU("a")(T.ones(2)), TypeError,
     "negative_slope"),
    ("ELU str alpha", lambda: nn.ELU("a"), lambda T: T.nn.ELU("a")(T.ones(2)), TypeError, "alpha"),
    ("RReLU lower > upper", lambda: nn.RReLU(0.5, 0.1), None, ValueError, "lower"),
    ("Softmax float dim", lambda: nn.Softmax(dim=1.5), lambda T: T.nn.Softmax(dim=1.5)(T.ones(2, 2)), TypeError,
     "dim"),
    ("Flatten float start_dim", lambda: nn.Flatten(1.5), lambda T: T.nn.Flatten(1.5)(T.ones(2, 2)), TypeError,
     "start_dim"),
    ("Maxout zero pieces", lambda: nn.Maxout(2, 3, 0), None, ValueError, "pieces"),
    ("MSELoss unknown reduction", lambda: nn.MSELoss(reduction="avg"),
     lambda T: T.nn.MSELoss(reduction="avg")(T.ones(2), T.ones(2)), ValueError, "reduction"),
    ("NLLLoss float ignore_index", lambda: nn.NLLLoss(ignore_index=1.5),
     lambda T: T.nn.NLLLoss(ignore_index=1.5)(T.ones(2, 3), T.tensor([0, 1])), TypeError, "ignore_index"),
    ("CrossEntropyLoss float ignore_index", lambda: nn.CrossEntropyLoss(ignore_index=1.5),
     lambda T: T.nn.CrossEntropyLoss(ignore_index=1.5)(T.ones(2, 3), T.tensor([0, 1])), TypeError, "ignore_index"),
    ("Sequential of an int", lambda: nn.Sequential(nn.ReLU(), 3), lambda T: T.nn.Sequential(T.nn.ReLU(), 3),
     TypeError, "int is not a Module"),
    ("ModuleList of an int", lambda: nn.ModuleList([3]), lambda T: T.nn.ModuleList([3]), TypeError,
     "int is not a Module"),
    ("Parameter of text", lambda: nn.Parameter("abc"), None, TypeError, "data"),
    ("DataLoader float batch_size", lambda: DataLoader(np.zeros(4), 2.5),
     lambda T: T.utils.data.DataLoader(np.zeros(4), 2.5), ValueError, "batch_size"),
    ("DataLoader bool batch_size", lambda: DataLoader(np.zeros(4), batch_size=True),
     lambda T: T.utils.data.DataLoader(np.zeros(4), batch_size=True), ValueError, "batch_size"),
    ("save to a number", lambda: nn.save(nn.Linear(2, 2), 3), None, TypeError, "path"),
    ("load from a number", lambda: nn.load(3), None, TypeError, "path"),
    ("load negative max_bytes", lambda: nn.load("x.npz", max_bytes=-1), None, ValueError, "max_bytes"),
    ("train of a str", lambda: nn.Linear(2, 2).train("yes"), lambda T: T.nn.Linear(2, 2).train("yes"), ValueError,
     "training mode"),
    ("to an unknown dtype", lambda: nn.Linear(2, 2).to("foo"), None, TypeError, "dtype"),
    ("requires_grad_ of a str", lambda: nn.Linear(2, 2).requires_grad_("no"),
     lambda T: T.nn.Linear(2, 2).requires_grad_("no"), TypeError, "requires_grad"),
    ("register_buffer int name", lambda: nn.Linear(2, 2).register_buffer(3, np.ones(2)),
     lambda T: T.nn.Linear(2, 2).register_buffer(3, T.ones(2)), TypeError, "buffer name"),
    ("register_buffer dotted name", lambda: nn.Linear(2, 2).register_buffer("a.b", np.ones(2)),
     lambda T: T.nn.Linear(2, 2).register_buffer("a.b", T.ones(2)), KeyError, "buffer name"),
    ("load_state_dict of an int", lambda: nn.Linear(2, 2).load_state_dict(3),
     lambda T: T.nn.Linear(2, 2).load_state_dict(3), TypeError, "state_dict"),
    ("F.max_pool2d float kernel", lambda: nn.functional.max_pool2d(ag.zeros(1, 1, 4, 4), 2.5),
     lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 4, 4), 2.5), TypeError, "kernel_size"),
    ("F.dropout str p", lambda: nn.functional.dropout(ag.zeros(3), "a"),
     lambda T: T.nn.functional.dropout(T.zeros(3), "a"), TypeError, "p"),
    ("init.uniform_ a > b", lambda: nn.init.uniform_(nn.Parameter(np.ones(3, np.float32)), 1.0, 0.0), None,
     ValueError, "a <= b"),
    ("init.normal_ negative std", lambda: nn.init.normal_(nn.Parameter(np.ones(3, np.float32)), 0.0, -1.0), None,
     ValueError, "std"),
    ("clip_grad_norm_ str max_norm", lambda: nn.utils.clip_grad_norm_(_with_grad(), "big"),
     lambda T: T.nn.utils.clip_grad_norm_(_torch_with_grad(T), "big"), ValueError, "max_norm"),
]


def _with_grad():
    p = ag.tensor(np.ones(2), requires_grad=True)
    p.grad = ag.tensor(np.ones(2))
    return [p]


def _torch_with_grad(T):
    p = T.ones(2, requires_grad=True)
    p.grad = T.ones(2)
    return [p]


test_bad_argument_is_named_at_the_call, test_torch_raises_the_same_type = table_tests(CASES, kinds=(TypeError, ValueError, KeyError))  # KeyError: a bad name, as torch
