"""Names torch exports from its C extension that have no meaning on JAX: TorchScript's IR and type classes, the
typed storages, quantized tensors, sparse tensors, and kernels of particular libraries (cuDNN, MIOpen, oneDNN,
FBGEMM). They exist so that code importing or isinstance-checking them runs; using one raises an error that names
it and says why. Where an eager meaning exists it is given: torch.fork runs the call at once and returns a
completed Future, torch.cond calls the branch its predicate picks, JITException and FatalError are exceptions.
"""
import enum
from ._device import device as device_cls, get_default_device
from .cuda import synchronize
import time

__all__ = ["Future", "fork", "wait", "cond", "JITException", "FatalError", "AggregationType", "AVG", "SUM",
           "cudnn_is_acceptable", "qscheme", "native_norm", "resize_as_sparse_", "Stream", "Event"]


def _refuse(name, why):
    return RuntimeError(f"torch.{name} is not available in jtorch: {why}")


_SCRIPT = "it belongs to TorchScript (torch.jit's compiler and IR), which jtorch does not have; jtorch.compile " \
          "traces Python functions with JAX instead"
_STORAGE = "jtorch tensors hold jax arrays, not typed storages (torch.UntypedStorage reads raw bytes)"
_QUANT = "jtorch has no quantized tensors (no qint8/quint8 dtypes or per-tensor scales on XLA)"
_SPARSE = "jtorch has no sparse tensors (every tensor is dense, layout torch.strided)"


def _unusable_class(name, why, storage=False):
    if storage:  # torch's TypedStorage signature
        def __init__(self, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
            raise _refuse(name, why)
    else:
        def __init__(self, *args, **kwargs):
            raise _refuse(name, why)
    cls = type(name, (), {"__init__": __init__, "__doc__": f"torch.{name}: not available here ({why})."})
    cls.__module__ = "torch"
    return cls


def _unusable_function(name, why, error=RuntimeError):
    def fn(*args, **kwargs):
        raise error(f"torch.{name} is not available in jtorch: {why}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: not available here ({why})."
    fn.__module__ = "torch"
    return fn


_SCRIPT_CLASSES = (
    "AliasDb", "AnyType", "Argument", "ArgumentSpec", "AwaitType", "Block", "BoolType", "BufferDict", "CallStack",
    "Capsule", "ClassType", "Code", "CompilationUnit", "CompleteArgumentSpec", "ComplexType", "ConcreteModuleType",
    "ConcreteModuleTypeBuilder", "DeepCopyMemoTable", "DeserializationStorageContext", "DeviceObjType", "DictType",
    "DispatchKey", "DispatchKeySet", "EnumType", "ErrorReport", "ExcludeDispatchKeyGuard", "ExecutionPlan",
    "FileCheck", "FloatType", "FunctionSchema", "FutureType", "Gradient", "Graph", "GraphExecutorState",
    "IODescriptor", "InferredType", "IntType", "InterfaceType", "ListType", "LiteScriptModule", "LockingLogger",
    "ModuleDict", "Node", "NoneType", "NoopLogger", "NumberType", "OperatorInfo", "OptionalType", "ParameterDict",
    "PyObjectType", "PyTorchFileReader", "PyTorchFileWriter", "RRefType", "ScriptClass", "ScriptClassFunction",
    "ScriptDict", "ScriptDictIterator", "ScriptDictKeyIterator", "ScriptFunction", "ScriptList",
    "ScriptListIterator", "ScriptMethod", "ScriptModule", "ScriptModuleSerializer", "ScriptObject",
    "ScriptObjectProperty", "SerializationStorageContext", "StaticModule", "StreamObjType", "StringType",
    "SymBoolType", "SymIntType", "Tag", "TensorType", "ThroughputBenchmark", "BenchmarkConfig",
    "BenchmarkExecutionStats", "TracingState", "TupleType", "Type", "UnionType", "Use", "Value",
)
_STORAGE_CLASSES = ("TypedStorage", "BoolStorage", "ByteStorage", "CharStorage", "DoubleStorage", "FloatStorage",
                    "IntStorage", "LongStorage", "ShortStorage")
_SCRIPT_FUNCTIONS = ("import_ir_module", "import_ir_module_from_buffer", "parse_ir", "parse_schema",
                     "parse_type_comment", "merge_type_from_type_comment", "unify_type_list")
_QUANT_FUNCTIONS = (
    "quantize_per_tensor", "quantize_per_tensor_dynamic", "quantize_per_channel", "dequantize", "int_repr",
    "q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points", "q_per_channel_axis",
    "fake_quantize_per_tensor_affine", "fake_quantize_per_channel_affine",
    "fused_moving_avg_obs_fake_quant", "choose_qparams_optimized", "empty_quantized", "quantized_batch_norm",
    "quantized_gru_cell", "quantized_lstm_cell", "quantized_rnn_relu_cell", "quantized_rnn_tanh_cell",
    "quantized_max_pool1d", "quantized_max_pool2d", "quantized_max_pool3d", "fbgemm_linear_fp16_weight",
    "fbgemm_linear_fp16_weight_fp32_activation", "fbgemm_linear_int8_weight",
    "fbgemm_linear_int8_weight_fp32_activation", "fbgemm_linear_quantize_weight", "fbgemm_pack_gemm_matrix_fp16",
    "fbgemm_pack_quantized_matrix",
)
_SPARSE_FUNCTIONS = ("sparse_coo_tensor", "sparse_csr_tensor", "sparse_csc_tensor", "sparse_bsr_tensor",
                     "sparse_bsc_tensor", "sparse_compressed_tensor", "smm", "hsmm", "dsmm", "saddmm", "spmm",
                     "sspaddmm", "hspmm", "indices_copy", "values_copy", "crow_indices_copy", "col_indices_copy",
                     "ccol_indices_copy", "row_indices_copy")
# kernels of one vendor library each: jtorch's ops (torch.convolution, batch_norm, ...) are the portable forms
_KERNEL_FUNCTIONS = (
    "cudnn_affine_grid_generator", "cudnn_batch_norm", "cudnn_convolution", "cudnn_convolution_add_relu",
    "cudnn_convolution_relu", "cudnn_convolution_transpose", "cudnn_grid_sampler", "miopen_batch_norm",
    "miopen_convolution", "miopen_convolution_add_relu", "miopen_convolution_relu", "miopen_convolution_transpose",
    "miopen_ctc_loss", "miopen_depthwise_convolution", "miopen_rnn", "mkldnn_adaptive_avg_pool2d",
    "mkldnn_convolution", "mkldnn_linear_backward_weights", "mkldnn_max_pool2d", "mkldnn_max_pool3d",
    "mkldnn_rnn_layer",
)
_KERNEL = "it calls one vendor library's kernel (cuDNN, MIOpen or oneDNN); use the portable torch op it backs"

for _name in _SCRIPT_CLASSES:
    globals()[_name] = _unusable_class(_name, _SCRIPT)
for _name in _STORAGE_CLASSES:
    globals()[_name] = _unusable_class(_name, _STORAGE, storage=True)
for _names, _why in ((_SCRIPT_FUNCTIONS, _SCRIPT), (_QUANT_FUNCTIONS, _QUANT), (_SPARSE_FUNCTIONS, _SPARSE),
                     (_KERNEL_FUNCTIONS, _KERNEL)):
    for _name in _names:
        globals()[_name] = _unusable_function(_name, _why)
# torch runs native_norm on sparse tensors only (a dense one gets NotImplementedError there too)
native_norm = _unusable_function("native_norm", _SPARSE, NotImplementedError)
resize_as_sparse_ = _unusable_function("resize_as_sparse_", _SPARSE, NotImplementedError)
__all__ += list(_SCRIPT_CLASSES + _STORAGE_CLASSES + _SCRIPT_FUNCTIONS + _QUANT_FUNCTIONS + _SPARSE_FUNCTIONS
                + _KERNEL_FUNCTIONS)
del _name, _names, _why


class qscheme:  # noqa: N801 - torch's name
    """The quantization scheme of a quantized tensor (torch.per_tensor_affine, ...): none exist here."""

    def __init__(self):
        raise _refuse("qscheme", _QUANT)


class JITException(Exception):
    """Raised by TorchScript code (torch.jit.Error)."""


class FatalError(Exception):
    """torch's unrecoverable internal error."""


class AggregationType(enum.Enum):
    """How torch.jit's statistics aggregate (SUM or AVG)."""
    SUM = 0
    AVG = 1


SUM, AVG = AggregationType.SUM, AggregationType.AVG


def cudnn_is_acceptable(tensor):
    return False  # no tensor is handed to cuDNN by jtorch


class Future:
    """The result of torch.fork: here always complete, because fork runs the call at once."""

    def __init__(self, *, devices=None):
        self._value = None
        self._error = None
        self._done = False
        self._callbacks = []

    def done(self):
        return self._done

    def wait(self):
        if self._error is not None:
            raise self._error
        return self._value

    def value(self):
        return self.wait()

    def set_result(self, result):
        self._value, self._done = result, True
        for callback in self._callbacks:
            callback(self)

    def set_exception(self, result):
        self._error, self._done = result, True

    def then(self, callback):
        nxt = Future()
        nxt.set_result(callback(self))
        return nxt

    def add_done_callback(self, callback):
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)


def fork(func, *args, **kwargs):
    """Run func(*args, **kwargs) now (torch runs it asynchronously under TorchScript only; eagerly it runs
    at once too) and return its completed Future."""
    fut = Future()
    fut.set_result(func(*args, **kwargs))
    return fut


def wait(future):
    return future.wait()


def cond(pred, true_fn, false_fn, operands=()):
    """Call true_fn(*operands) or false_fn(*operands) as `pred` (a bool or a one-element tensor) says."""
    if hasattr(pred, "_lazy"):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
        pred = bool(pred.item())
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple of possibly nested dict/list/tuple that only consists of "
                           f"tensor leaves, but got {operands}.")
    return true_fn(*operands) if pred else false_fn(*operands)


_DEVICE_TYPES = {"cpu": 0, "cuda": 1, "mkldnn": 2, "opengl": 3, "opencl": 4, "ideep": 5, "hip": 6, "fpga": 7,
                 "maia": 8, "xla": 9, "vulkan": 10, "metal": 11, "xpu": 12, "mps": 13, "meta": 14}


class Stream:
    """torch.Stream: a queue of work on a device. XLA orders the work it is given, so a stream changes nothing but
    speed in torch; here every stream is the device's one queue, and synchronize() waits for queued work."""

    def __init__(self, device=None, *, priority=0):
        d = get_default_device() if device is None else device_cls(device)
        self.device = d
        self.device_type = _DEVICE_TYPES.get(d.type, -1)  # torch gives c10's DeviceType number
        self.device_index = -1 if d.index is None else d.index
        self.stream_id = 0
        self.priority = priority

    def query(self):
        return True

    def synchronize(self):
        synchronize()

    def wait_event(self, event):
        event.synchronize()

    def wait_stream(self, stream):
        stream.synchronize()

    def record_event(self, event=None):
        event = Event(self.device) if event is None else event
        event.record(self)
        return event

    def is_capturing(self):
        return False

    def native_handle(self):
        return 0

    def __repr__(self):
        return (f"torch.Stream device_type={self.device_type}, device_index={self.device_index}, "
                f"stream_id={self.stream_id}")


class Event:
    """torch.Event: a marker in a stream; recording waits for the queued work, so elapsed_time measures it."""

    def __init__(self, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        self.device = get_default_device() if device is None else device_cls(device)
        self.enable_timing = enable_timing
        self.event_id = 0
        self._time = None

    def record(self, stream=None):
        if self.device.type == "cpu":
            raise RuntimeError("cpu backend doesn't support events.")
        if self.enable_timing:
            synchronize()
        self._time = time.perf_counter()

    def query(self):
        return True

    def synchronize(self):
        synchronize()

    def wait(self, stream=None):
        self.synchronize()

    def elapsed_time(self, end_event):
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._time is None or end_event._time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end_event._time - self._time) * 1000.0

    def ipc_handle(self):
        raise RuntimeError("torch.Event.ipc_handle is not available in jtorch: events are not shared between "
                           "processes")

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle):
        raise RuntimeError("torch.Event.from_ipc_handle is not available in jtorch: events are not shared between "
                           "processes")
