"""torch.nn.utils.parametrizations: orthogonal, spectral_norm and weight_norm as parametrizations."""
from enum import Enum

import jax
import jax.numpy as jnp

from ..._dtype import finfo
from ..._ops.creation import eye
from ..._ops.registry import FUNCTIONS as _F, op
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .spectral_norm import _reshape_weight_to_matrix
from .weight_norm import _weight_norm, norm_except_dim
from ...linalg import qr
from ...linalg import solve

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# -- a private lowering: the right inverse of the householder map --------------------------------

@op(tensors=("Q",), method=False, function=False, differentiable=False)
def _parametrizations_geqrf_signs(Q):
    # right_inverse of the householder map: LAPACK's geqrf reflectors, with the signs of R on the diagonal
    geqrf = getattr(jax.lax.linalg, "geqrf", None) or jax._src.lax.linalg.geqrf
    A, tau = geqrf(Q)
    k = min(A.shape[-2:])
    idx = jnp.arange(k)
    d = jnp.sign(A[..., idx, idx])
    d = jnp.where(tau == 0.0, -d, d)
    return A.at[..., idx, idx].set(d)


def _is_orthogonal(Q, eps=None):
    n, k = Q.size(-2), Q.size(-1)
    Id = eye(k, dtype=Q.dtype, device=Q.device)
    eps = 10.0 * n * finfo(Q.dtype).eps
    return bool(_F["allclose"](Q.mH @ Q, Id, atol=eps))


def _make_orthogonal(A):
    """The Q of A's QR decomposition with R's diagonal made positive."""
    Q, R = qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


# the three maps from (lower-triangular data) matrices to orthogonal ones
_OrthMaps = Enum("_OrthMaps", ["matrix_exp", "cayley", "householder"])


def _householder_product(X):
    """Q from the reflectors stored below X's diagonal, column signs taken from X's diagonal."""
    V = X.tril(diagonal=-1)
    tau = 2.0 / (1.0 + (V * V).sum(dim=-2))  # makes each I - tau v v^T orthogonal for v's implicit unit head
    return _F["orgqr"](V, tau) * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape, self.orthogonal_map = weight.shape, orthogonal_map
        if use_trivialization:
            # filled in by right_inverse; its presence is what marks the trivialization
            self.register_buffer("base", None)

    def _skew_to_orthogonal(self, X, n, k):
        # the skew part of X's lower triangle (zero-padded to n x n) mapped by exp or the Cayley transform
        L = X.tril()
        if n != k:
            L = _F["cat"]([L, L.new_zeros(n, n - k).expand(*L.shape[:-2], -1, -1)], dim=-1)
        A = L - L.mH
        if self.orthogonal_map == _OrthMaps.matrix_exp:
            Q = _F["matrix_exp"](A)
        else:  # cayley: (I - A/2)^-1 (I + A/2)
            Id = eye(n, dtype=A.dtype, device=A.device)
            Q = solve(_F["add"](Id, A, alpha=-0.5), _F["add"](Id, A, alpha=0.5))
        return Q[..., :k] if n != k else Q

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        wide = n < k  # worked on as the tall transpose
        if wide:
            X, n, k = X.mT, k, n
        if self.orthogonal_map == _OrthMaps.householder:
            Q = _householder_product(X)
        else:
            Q = self._skew_to_orthogonal(X, n, k)
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if wide else Q

    def right_inverse(self, Q):
        with no_grad():
            if Q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                                 f"Got a tensor of shape {Q.shape}.")
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if not hasattr(self, "base"):
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                              "or the Cayley parametrizations when use_trivialization=False.")
                A = _parametrizations_geqrf_signs(Q)
                return A.mT if transpose else A
            if n == k:
                Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
            else:
                N = _F["randn"](*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(_F["cat"]([Q, N], dim=-1))
            self.base = Q
            return _neg_eye_like(Q_init)


def _neg_eye_like(X):
    # -1 on the main diagonal of a (batch of) rectangular matrix, zeros elsewhere
    n, k = X.shape[-2:]
    return (-eye(n, k, dtype=X.dtype, device=X.device)).expand(*X.shape).clone()


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Parametrize `module.<name>` as an orthogonal (unitary) matrix or batch of matrices."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1) or weight.is_complex()
                          else "householder")
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    parametrization = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    return parametrize.register_parametrization(module, name, parametrization, unsafe=True)


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim  # None: the norm over the whole tensor

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Parametrize `module.<name>` as g * v / ||v|| (original0 = g, original1 = v)."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs):
        # checkpoints of the hook-based nn.utils.weight_norm (weight_g / weight_v) still load
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.dim, self.eps = dim % ndim, eps
        if ndim <= 1:
            return  # a vector is simply divided by its norm: no power iteration state
        self.n_power_iterations = n_power_iterations
        mat = self._reshape_weight_to_matrix(weight)
        rows, cols = mat.size()
        # random unit starting vectors, refined by 15 iterations so the first forward is already close
        for buffer, size in (("_u", rows), ("_v", cols)):
            self.register_buffer(buffer, F.normalize(mat.new_empty(size).normal_(0, 1), dim=0, eps=eps))
        self._power_method(mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if weight.ndim <= 1:
            raise AssertionError(f"Expected weight to have more than 1 dimension, got {weight.ndim}")
        return _reshape_weight_to_matrix(weight, self.dim)

    def _power_method(self, weight_mat, n_power_iterations):
        # u, v are updated in place (torch's out=), so the buffers stay the same objects
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(_F["mv"](weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(_F["mv"](weight_mat.mH, self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = _F["vdot"](u, _F["mv"](weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def _is_conv_transpose(module):
    from ..modules import conv
    return isinstance(module, tuple(getattr(conv, n) for n in ("ConvTranspose1d", "ConvTranspose2d",
                                                                "ConvTranspose3d") if hasattr(conv, n)))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Parametrize `module.<name>` as W / sigma(W), sigma estimated by power iteration (buffers _u, _v)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if _is_conv_transpose(module) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
