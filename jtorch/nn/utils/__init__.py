"""torch.nn.utils: gradient clipping, parameter <-> vector conversion, rnn packing."""
from .clip_grad import (  # noqa: F401
    clip_grad_norm as clip_grad_norm, clip_grad_norm_ as clip_grad_norm_, clip_grad_value_ as clip_grad_value_,
    clip_grads_with_norm_ as clip_grads_with_norm_, get_total_norm as get_total_norm,
)
from .convert_parameters import (  # noqa: F401
    parameters_to_vector as parameters_to_vector, vector_to_parameters as vector_to_parameters,
)
from . import clip_grad as clip_grad  # noqa: F401
from . import convert_parameters as convert_parameters  # noqa: F401
from . import rnn as rnn  # noqa: F401
