"""torch.profiler on jax.profiler.

A profile records XLA's own trace (host and device activity, every compiled program, record_function ranges
as named annotations) into a TensorBoard / Perfetto trace folder. torch's per-operator event tables
(key_averages, events) have no counterpart in a compiled program, so they raise, naming the reason.
"""
import enum
import os
import tempfile
from .. import cuda
import jax
import glob
import gzip
import functools

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule", "supported_activities",
           "tensorboard_trace_handler", "kineto_available", "DeviceType", "ExecutionTraceObserver"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class DeviceType(enum.Enum):
    CPU = 0
    CUDA = 1
    MKLDNN = 2
    OPENGL = 3
    OPENCL = 4
    IDEEP = 5
    HIP = 6
    FPGA = 7
    MAIA = 8
    XLA = 9
    Vulkan = 10
    Metal = 11


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def kineto_available():
    return False  # the trace comes from XLA's profiler, not Kineto


def supported_activities():
    return {ProfilerActivity.CPU} | ({ProfilerActivity.CUDA} if cuda.is_available() else set())


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Step -> action: skip `skip_first` steps, then cycles of wait, warmup and active steps (`repeat` of them,
    0 = forever); the last active step of a cycle saves the trace."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    cycle = wait + warmup + active

    def action(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait  # the first cycle starts at its warmup
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        mod = step % cycle
        if mod < wait:
            return ProfilerAction.NONE
        if mod < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return action


def _always_record(step):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False, use_python_export=False):
    """on_trace_ready for profile(): the trace is written under `dir_name` (TensorBoard's profile plugin)."""
    def handler(prof):
        prof.trace_dir = dir_name
    handler.dir_name = dir_name
    return handler


class profile:  # noqa: N801 - torch's name
    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None, post_processing_timeout_s=None):
        self.activities = set(activities) if activities is not None else supported_activities()
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.trace_dir = getattr(on_trace_ready, "dir_name", None)
        self.step_num = 0
        self._recording = False

    def _start_recording(self):
        if self.trace_dir is None:
            self.trace_dir = tempfile.mkdtemp(prefix="jtorch_profile_")
        os.makedirs(self.trace_dir, exist_ok=True)
        jax.profiler.start_trace(self.trace_dir)
        self._recording = True

    def _stop_recording(self, save):
        if self._recording:
            jax.profiler.stop_trace()
            self._recording = False
            if save and self.on_trace_ready is not None:
                self.on_trace_ready(self)

    def _enter_action(self, action):
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE) and not self._recording:
            self._start_recording()

    def start(self):
        self._enter_action(self.schedule(self.step_num))

    def stop(self):
        self._stop_recording(save=True)

    def step(self):
        """Advance the schedule by one step (call once per training iteration)."""
        before = self.schedule(self.step_num)
        self.step_num += 1
        after = self.schedule(self.step_num)
        if before is ProfilerAction.RECORD_AND_SAVE or (self._recording and after in (ProfilerAction.NONE,
                                                                                      ProfilerAction.WARMUP)):
            self._stop_recording(save=True)
        self._enter_action(after)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _no_table(self, what):
        return NotImplementedError(f"jtorch's profiler records XLA's trace in {self.trace_dir!r} (open it in "
                                   f"TensorBoard or Perfetto); torch's per-operator event table ({what}) has no "
                                   "counterpart in a compiled program")

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        raise self._no_table("profile.key_averages")

    def events(self):
        raise self._no_table("profile.events")

    def export_chrome_trace(self, path):
        """Copy XLA's Chrome-format trace (trace.json.gz, decompressed) to `path`."""
        found = sorted(glob.glob(os.path.join(self.trace_dir or "", "plugins", "profile", "*", "*.trace.json.gz")))
        if not found:
            raise RuntimeError("no trace was recorded")
        with gzip.open(found[-1], "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())


class record_function:  # noqa: N801 - torch's name
    """Name a range of host code in the trace (a jax.profiler.TraceAnnotation)."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args
        self._annotation = None

    def __enter__(self):
        self._annotation = jax.profiler.TraceAnnotation(self.name)
        self._annotation.__enter__()
        return self

    def __exit__(self, *exc):
        self._annotation.__exit__(*exc)
        return False

    def __call__(self, fn):

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class ExecutionTraceObserver:
    def __init__(self):
        pass

    def register_callback(self, output_file_path):
        raise NotImplementedError("jtorch has no PyTorch execution traces (torch.profiler.ExecutionTraceObserver): "
                                  "its programs are XLA's, traced by torch.profiler.profile")
