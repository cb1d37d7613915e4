"""nn: PyTorch-style layers built only from autograd_core ops (no layer writes its own backward)."""
from types import ModuleType as _ModuleType

from . import data, functional, init, utils
from .activation import ELU, LeakyReLU, LogSoftmax, Maxout, PReLU, ReLU, RReLU, Sigmoid, Softmax, Tanh
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .linear import MLP, Identity, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .loss import (CosineEmbeddingLoss, GaussianNLLLoss, HuberLoss, KLDivLoss, MarginRankingLoss, PoissonNLLLoss,
                   SmoothL1Loss, TripletMarginLoss)
from .module import (InputDtypeError, Module, ModuleDict, ModuleList, Parameter, ParameterDict, ParameterList,
                     Sequential)
from .normalization import BatchNorm1d, BatchNorm2d
from .pooling import (AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
                      Upsample)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .serialization import load, save
# v3 modern layers: normalization, activations, attention and transformers
from .activation import CELU, GELU, SELU, Hardsigmoid, Hardswish, LogSigmoid, Mish, ReLU6, SiLU, Softplus, Softsign
from .attention import MultiheadAttention
from .flatten import Unflatten
from .normalization import GroupNorm, InstanceNorm2d, LayerNorm, RMSNorm
from .transformer import TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer

# what help(nn) lists and `from nn import *` takes: layers, containers, losses, save/load and the public submodules
__all__ = sorted({name for name, obj in globals().items() if not name.startswith("_") and not isinstance(obj, _ModuleType)}
                 | {"data", "functional", "init", "utils"})
