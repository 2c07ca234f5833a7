"""torch.cuda.tunable: TunableOp (GEMM autotuning in torch's CUDA kernels). XLA autotunes its own
GEMMs, so TunableOp is never enabled here; the settings are kept so that code reading them back works."""

__all__ = ["enable", "is_enabled", "tuning_enable", "tuning_is_enabled", "record_untuned_enable",
           "record_untuned_is_enabled", "set_max_tuning_duration", "get_max_tuning_duration",
           "set_max_tuning_iterations", "get_max_tuning_iterations", "set_filename", "get_filename", "get_results",
           "get_validators", "read_file", "tune_gemm_in_file", "mgpu_tune_gemm_in_file", "set_rotating_buffer_size",
           "get_rotating_buffer_size", "set_numerical_check_tolerances"]

_settings = {"enabled": False, "tuning": True, "record": False, "duration": 30, "iterations": 100,
             "filename": "tunableop_results.csv", "rotating": 0}


def enable(val=True):
    _settings["enabled"] = False  # XLA's autotuner is the one that runs


def is_enabled():
    return _settings["enabled"]


def tuning_enable(val=True):
    _settings["tuning"] = bool(val)


def tuning_is_enabled():
    return _settings["tuning"]


def record_untuned_enable(val=True):
    _settings["record"] = bool(val)


def record_untuned_is_enabled():
    return _settings["record"]


def set_max_tuning_duration(duration):
    _settings["duration"] = int(duration)


def get_max_tuning_duration():
    return _settings["duration"]


def set_max_tuning_iterations(iterations):
    _settings["iterations"] = int(iterations)


def get_max_tuning_iterations():
    return _settings["iterations"]


def set_filename(filename, insert_device_ordinal=False):
    _settings["filename"] = filename


def get_filename():
    return _settings["filename"]


def get_results():
    return ()


def get_validators():
    return ()


def read_file(filename=None):
    return False


def tune_gemm_in_file(filename):
    pass


def mgpu_tune_gemm_in_file(filename_pattern, num_gpus):
    pass


def set_rotating_buffer_size(buffer_size):
    _settings["rotating"] = int(buffer_size)


def get_rotating_buffer_size():
    return _settings["rotating"]


def set_numerical_check_tolerances(enable, atol=1e-5, rtol=1e-5):
    pass
