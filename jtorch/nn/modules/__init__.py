"""torch.nn.modules: every layer class, re-exported by name."""
from .module import Module as Module  # noqa: F401
from .container import (  # noqa: F401
    Sequential as Sequential, ModuleList as ModuleList, ModuleDict as ModuleDict, ParameterList as ParameterList,
    ParameterDict as ParameterDict, Container as Container,
)
from .linear import Identity as Identity, Linear as Linear, Bilinear as Bilinear  # noqa: F401
from .conv import (  # noqa: F401
    Conv1d as Conv1d, Conv2d as Conv2d, Conv3d as Conv3d, ConvTranspose1d as ConvTranspose1d,
    ConvTranspose2d as ConvTranspose2d, ConvTranspose3d as ConvTranspose3d,
)
from .pooling import (  # noqa: F401
    MaxPool1d as MaxPool1d, MaxPool2d as MaxPool2d, MaxPool3d as MaxPool3d, AvgPool1d as AvgPool1d,
    AvgPool2d as AvgPool2d, AvgPool3d as AvgPool3d, AdaptiveAvgPool1d as AdaptiveAvgPool1d,
    AdaptiveAvgPool2d as AdaptiveAvgPool2d, AdaptiveAvgPool3d as AdaptiveAvgPool3d,
    AdaptiveMaxPool1d as AdaptiveMaxPool1d, AdaptiveMaxPool2d as AdaptiveMaxPool2d,
    AdaptiveMaxPool3d as AdaptiveMaxPool3d, MaxUnpool1d as MaxUnpool1d, MaxUnpool2d as MaxUnpool2d,
    MaxUnpool3d as MaxUnpool3d, LPPool1d as LPPool1d, LPPool2d as LPPool2d, LPPool3d as LPPool3d,
    FractionalMaxPool2d as FractionalMaxPool2d, FractionalMaxPool3d as FractionalMaxPool3d,
)
from .batchnorm import (  # noqa: F401
    BatchNorm1d as BatchNorm1d, BatchNorm2d as BatchNorm2d, BatchNorm3d as BatchNorm3d,
    SyncBatchNorm as SyncBatchNorm,
)
from .normalization import (  # noqa: F401
    LayerNorm as LayerNorm, GroupNorm as GroupNorm, RMSNorm as RMSNorm, LocalResponseNorm as LocalResponseNorm,
    CrossMapLRN2d as CrossMapLRN2d,
)
from .instancenorm import (  # noqa: F401
    InstanceNorm1d as InstanceNorm1d, InstanceNorm2d as InstanceNorm2d, InstanceNorm3d as InstanceNorm3d,
)
from .dropout import (  # noqa: F401
    Dropout as Dropout, Dropout1d as Dropout1d, Dropout2d as Dropout2d, Dropout3d as Dropout3d,
    AlphaDropout as AlphaDropout, FeatureAlphaDropout as FeatureAlphaDropout,
)
from .activation import (  # noqa: F401
    Threshold as Threshold, ReLU as ReLU, RReLU as RReLU, Hardtanh as Hardtanh, ReLU6 as ReLU6, Sigmoid as Sigmoid,
    Hardsigmoid as Hardsigmoid, Tanh as Tanh, SiLU as SiLU, Mish as Mish, Hardswish as Hardswish, ELU as ELU,
    CELU as CELU, SELU as SELU, GLU as GLU, GELU as GELU, Hardshrink as Hardshrink, LeakyReLU as LeakyReLU,
    LogSigmoid as LogSigmoid, Softplus as Softplus, Softshrink as Softshrink, PReLU as PReLU, Softsign as Softsign,
    Tanhshrink as Tanhshrink, Softmin as Softmin, Softmax as Softmax, Softmax2d as Softmax2d,
    LogSoftmax as LogSoftmax,
)
from .loss import (  # noqa: F401
    L1Loss as L1Loss, NLLLoss as NLLLoss, PoissonNLLLoss as PoissonNLLLoss, GaussianNLLLoss as GaussianNLLLoss,
    KLDivLoss as KLDivLoss, MSELoss as MSELoss, BCELoss as BCELoss, BCEWithLogitsLoss as BCEWithLogitsLoss,
    HingeEmbeddingLoss as HingeEmbeddingLoss, MultiLabelSoftMarginLoss as MultiLabelSoftMarginLoss,
    SmoothL1Loss as SmoothL1Loss, HuberLoss as HuberLoss, SoftMarginLoss as SoftMarginLoss,
    CrossEntropyLoss as CrossEntropyLoss, CosineEmbeddingLoss as CosineEmbeddingLoss,
    MarginRankingLoss as MarginRankingLoss, MultiMarginLoss as MultiMarginLoss,
    TripletMarginLoss as TripletMarginLoss, CTCLoss as CTCLoss, NLLLoss2d as NLLLoss2d,
    MultiLabelMarginLoss as MultiLabelMarginLoss, TripletMarginWithDistanceLoss as TripletMarginWithDistanceLoss,
    LinearCrossEntropyLoss as LinearCrossEntropyLoss,
)
from .distance import PairwiseDistance as PairwiseDistance, CosineSimilarity as CosineSimilarity  # noqa: F401
from .adaptive import AdaptiveLogSoftmaxWithLoss as AdaptiveLogSoftmaxWithLoss  # noqa: F401
from .linear_cross_entropy_options import LinearCrossEntropyOptions as LinearCrossEntropyOptions  # noqa: F401
from .flatten import Flatten as Flatten, Unflatten as Unflatten  # noqa: F401
from .padding import (  # noqa: F401
    ConstantPad1d as ConstantPad1d, ConstantPad2d as ConstantPad2d, ConstantPad3d as ConstantPad3d,
    ZeroPad1d as ZeroPad1d, ZeroPad2d as ZeroPad2d, ZeroPad3d as ZeroPad3d, ReflectionPad1d as ReflectionPad1d,
    ReflectionPad2d as ReflectionPad2d, ReflectionPad3d as ReflectionPad3d, ReplicationPad1d as ReplicationPad1d,
    ReplicationPad2d as ReplicationPad2d, ReplicationPad3d as ReplicationPad3d, CircularPad1d as CircularPad1d,
    CircularPad2d as CircularPad2d, CircularPad3d as CircularPad3d,
)
from .pixelshuffle import PixelShuffle as PixelShuffle, PixelUnshuffle as PixelUnshuffle  # noqa: F401
from .upsampling import (  # noqa: F401
    Upsample as Upsample, UpsamplingNearest2d as UpsamplingNearest2d, UpsamplingBilinear2d as UpsamplingBilinear2d,
)
from .fold import Fold as Fold, Unfold as Unfold  # noqa: F401
from .channelshuffle import ChannelShuffle as ChannelShuffle  # noqa: F401

# --- text/sequence layers (sparse, rnn, attention, transformer) ---
from .sparse import Embedding as Embedding, EmbeddingBag as EmbeddingBag  # noqa: F401, E402
from .rnn import (  # noqa: F401, E402
    RNNBase as RNNBase, RNN as RNN, LSTM as LSTM, GRU as GRU, RNNCellBase as RNNCellBase, RNNCell as RNNCell,
    LSTMCell as LSTMCell, GRUCell as GRUCell,
)
from .activation import MultiheadAttention as MultiheadAttention  # noqa: F401, E402
from .transformer import (  # noqa: F401, E402
    Transformer as Transformer, TransformerEncoder as TransformerEncoder, TransformerDecoder as TransformerDecoder,
    TransformerEncoderLayer as TransformerEncoderLayer, TransformerDecoderLayer as TransformerDecoderLayer,
)
from .lazy import LazyModuleMixin as LazyModuleMixin  # noqa: F401, E402
from .linear import LazyLinear as LazyLinear  # noqa: F401, E402
from .conv import (  # noqa: F401, E402
    LazyConv1d as LazyConv1d, LazyConv2d as LazyConv2d, LazyConv3d as LazyConv3d,
    LazyConvTranspose1d as LazyConvTranspose1d, LazyConvTranspose2d as LazyConvTranspose2d,
    LazyConvTranspose3d as LazyConvTranspose3d,
)
from .batchnorm import (  # noqa: F401, E402
    LazyBatchNorm1d as LazyBatchNorm1d, LazyBatchNorm2d as LazyBatchNorm2d, LazyBatchNorm3d as LazyBatchNorm3d,
)
from .instancenorm import (  # noqa: F401, E402
    LazyInstanceNorm1d as LazyInstanceNorm1d, LazyInstanceNorm2d as LazyInstanceNorm2d,
    LazyInstanceNorm3d as LazyInstanceNorm3d,
)
