"""torch.nn: Module, Parameter, every layer, functional, init and utils."""
from . import functional as functional  # noqa: F401
from . import init as init  # noqa: F401
from . import modules as modules  # noqa: F401
from . import parameter as parameter  # noqa: F401
from . import utils as utils  # noqa: F401
from .modules import (  # noqa: F401
    Module as Module, Sequential as Sequential, ModuleList as ModuleList, ModuleDict as ModuleDict,
    ParameterList as ParameterList, ParameterDict as ParameterDict, Container as Container, Identity as Identity,
    Linear as Linear, Bilinear as Bilinear, Conv1d as Conv1d, Conv2d as Conv2d, Conv3d as Conv3d,
    ConvTranspose1d as ConvTranspose1d, ConvTranspose2d as ConvTranspose2d, ConvTranspose3d as ConvTranspose3d,
    MaxPool1d as MaxPool1d, MaxPool2d as MaxPool2d, MaxPool3d as MaxPool3d, AvgPool1d as AvgPool1d,
    AvgPool2d as AvgPool2d, AvgPool3d as AvgPool3d, AdaptiveAvgPool1d as AdaptiveAvgPool1d,
    AdaptiveAvgPool2d as AdaptiveAvgPool2d, AdaptiveAvgPool3d as AdaptiveAvgPool3d,
    AdaptiveMaxPool1d as AdaptiveMaxPool1d, AdaptiveMaxPool2d as AdaptiveMaxPool2d, BatchNorm1d as BatchNorm1d,
    BatchNorm2d as BatchNorm2d, BatchNorm3d as BatchNorm3d, SyncBatchNorm as SyncBatchNorm, LayerNorm as LayerNorm,
    GroupNorm as GroupNorm, RMSNorm as RMSNorm, InstanceNorm1d as InstanceNorm1d, InstanceNorm2d as InstanceNorm2d,
    InstanceNorm3d as InstanceNorm3d, LocalResponseNorm as LocalResponseNorm, Dropout as Dropout,
    Dropout1d as Dropout1d, Dropout2d as Dropout2d, Dropout3d as Dropout3d, AlphaDropout as AlphaDropout,
    FeatureAlphaDropout as FeatureAlphaDropout, Threshold as Threshold, ReLU as ReLU, RReLU as RReLU,
    Hardtanh as Hardtanh, ReLU6 as ReLU6, Sigmoid as Sigmoid, Hardsigmoid as Hardsigmoid, Tanh as Tanh,
    SiLU as SiLU, Mish as Mish, Hardswish as Hardswish, ELU as ELU, CELU as CELU, SELU as SELU, GLU as GLU,
    GELU as GELU, Hardshrink as Hardshrink, LeakyReLU as LeakyReLU, LogSigmoid as LogSigmoid, Softplus as Softplus,
    Softshrink as Softshrink, PReLU as PReLU, Softsign as Softsign, Tanhshrink as Tanhshrink, Softmin as Softmin,
    Softmax as Softmax, Softmax2d as Softmax2d, LogSoftmax as LogSoftmax, L1Loss as L1Loss, NLLLoss as NLLLoss,
    PoissonNLLLoss as PoissonNLLLoss, GaussianNLLLoss as GaussianNLLLoss, KLDivLoss as KLDivLoss,
    MSELoss as MSELoss, BCELoss as BCELoss, BCEWithLogitsLoss as BCEWithLogitsLoss,
    HingeEmbeddingLoss as HingeEmbeddingLoss, MultiLabelSoftMarginLoss as MultiLabelSoftMarginLoss,
    SmoothL1Loss as SmoothL1Loss, HuberLoss as HuberLoss, SoftMarginLoss as SoftMarginLoss,
    CrossEntropyLoss as CrossEntropyLoss, CosineEmbeddingLoss as CosineEmbeddingLoss,
    MarginRankingLoss as MarginRankingLoss, MultiMarginLoss as MultiMarginLoss,
    TripletMarginLoss as TripletMarginLoss, CTCLoss as CTCLoss, Flatten as Flatten, Unflatten as Unflatten,
    ConstantPad1d as ConstantPad1d, ConstantPad2d as ConstantPad2d, ConstantPad3d as ConstantPad3d,
    ZeroPad1d as ZeroPad1d, ZeroPad2d as ZeroPad2d, ZeroPad3d as ZeroPad3d, ReflectionPad1d as ReflectionPad1d,
    ReflectionPad2d as ReflectionPad2d, ReflectionPad3d as ReflectionPad3d, ReplicationPad1d as ReplicationPad1d,
    ReplicationPad2d as ReplicationPad2d, ReplicationPad3d as ReplicationPad3d, CircularPad1d as CircularPad1d,
    CircularPad2d as CircularPad2d, CircularPad3d as CircularPad3d, PixelShuffle as PixelShuffle,
    PixelUnshuffle as PixelUnshuffle, Upsample as Upsample, UpsamplingNearest2d as UpsamplingNearest2d,
    UpsamplingBilinear2d as UpsamplingBilinear2d, Fold as Fold, Unfold as Unfold, ChannelShuffle as ChannelShuffle,
    AdaptiveMaxPool3d as AdaptiveMaxPool3d, MaxUnpool1d as MaxUnpool1d, MaxUnpool2d as MaxUnpool2d,
    MaxUnpool3d as MaxUnpool3d, LPPool1d as LPPool1d, LPPool2d as LPPool2d, LPPool3d as LPPool3d,
    FractionalMaxPool2d as FractionalMaxPool2d, FractionalMaxPool3d as FractionalMaxPool3d,
    CrossMapLRN2d as CrossMapLRN2d, NLLLoss2d as NLLLoss2d, MultiLabelMarginLoss as MultiLabelMarginLoss,
    TripletMarginWithDistanceLoss as TripletMarginWithDistanceLoss, LinearCrossEntropyLoss as LinearCrossEntropyLoss,
    LinearCrossEntropyOptions as LinearCrossEntropyOptions, PairwiseDistance as PairwiseDistance,
    CosineSimilarity as CosineSimilarity, AdaptiveLogSoftmaxWithLoss as AdaptiveLogSoftmaxWithLoss,
)
from .parameter import (  # noqa: F401
    Buffer as Buffer, Parameter as Parameter, UninitializedBuffer as UninitializedBuffer,
    UninitializedParameter as UninitializedParameter,
)
from .modules import (  # noqa: F401, E402
    LazyLinear as LazyLinear, LazyConv1d as LazyConv1d, LazyConv2d as LazyConv2d, LazyConv3d as LazyConv3d,
    LazyConvTranspose1d as LazyConvTranspose1d, LazyConvTranspose2d as LazyConvTranspose2d,
    LazyConvTranspose3d as LazyConvTranspose3d, LazyBatchNorm1d as LazyBatchNorm1d,
    LazyBatchNorm2d as LazyBatchNorm2d, LazyBatchNorm3d as LazyBatchNorm3d, LazyInstanceNorm1d as LazyInstanceNorm1d,
    LazyInstanceNorm2d as LazyInstanceNorm2d, LazyInstanceNorm3d as LazyInstanceNorm3d,
)

# --- text/sequence layers (sparse, rnn, attention, transformer) ---
from .modules import (  # noqa: F401, E402
    Embedding as Embedding, EmbeddingBag as EmbeddingBag, RNNBase as RNNBase, RNN as RNN, LSTM as LSTM, GRU as GRU,
    RNNCellBase as RNNCellBase, RNNCell as RNNCell, LSTMCell as LSTMCell, GRUCell as GRUCell,
    MultiheadAttention as MultiheadAttention, Transformer as Transformer, TransformerEncoder as TransformerEncoder,
    TransformerDecoder as TransformerDecoder, TransformerEncoderLayer as TransformerEncoderLayer,
    TransformerDecoderLayer as TransformerDecoderLayer,
)

from . import attention as attention, common_types as common_types, grad as grad  # noqa: E402,F401
from . import intrinsic as intrinsic, qat as qat, quantizable as quantizable, quantized as quantized  # noqa: E402,F401,E501


def factory_kwargs(kwargs):
    """The device/dtype/memory_format entries of `kwargs` (merged with a nested `factory_kwargs` dict), as a
    layer passes them on to its tensor factories."""
    if kwargs is None:
        return {}
    allowed = {"device", "dtype", "memory_format", "factory_kwargs"}
    unexpected = set(kwargs) - allowed
    if unexpected:
        raise TypeError(f"unexpected kwargs {unexpected}")
    out = dict(kwargs.get("factory_kwargs", {}))
    for key, value in kwargs.items():
        if key == "factory_kwargs":
            continue
        if key in out:
            raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
        out[key] = value
    return out


from . import parallel as parallel  # noqa: E402
from .parallel import DataParallel as DataParallel  # noqa: E402
