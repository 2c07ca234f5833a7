"""torch.backends: flags that scripts set. XLA chooses its own kernels, so they are recorded only."""
from . import cpu as cpu, cuda as cuda, cudnn as cudnn, cusparselt as cusparselt, kleidiai as kleidiai  # noqa: F401
from . import mha as mha, mkl as mkl, mkldnn as mkldnn, mps as mps, nnpack as nnpack  # noqa: F401
from . import openmp as openmp, opt_einsum as opt_einsum  # noqa: F401
from . import miopen as miopen, python_native as python_native, quantized as quantized  # noqa: F401
