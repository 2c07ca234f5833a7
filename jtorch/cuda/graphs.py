"""torch.cuda graphs: capture a sequence of kernels once, replay it later.

XLA already compiles a whole step into one program (the thing CUDA graphs buy in torch). Capturing and
replaying differ in results from running the code (a replay re-reads the captured buffers), so they raise,
naming the reason, instead of running the code eagerly and pretending to have captured it.
"""
__all__ = ["CUDAGraph", "graph", "graph_pool_handle", "is_current_stream_capturing", "make_graphed_callables"]

_WHY = ("jtorch has no CUDA graphs ({}): XLA compiles each step into one program already; "
        "use torch.compile for the same effect")


def is_current_stream_capturing():
    return False


def graph_pool_handle():
    raise NotImplementedError(_WHY.format("torch.cuda.graph_pool_handle"))


class CUDAGraph:
    def __init__(self, keep_graph=False):
        self.keep_graph = keep_graph

    def capture_begin(self, pool=None, capture_error_mode="global"):
        raise NotImplementedError(_WHY.format("CUDAGraph.capture_begin"))

    def capture_end(self):
        raise NotImplementedError(_WHY.format("CUDAGraph.capture_end"))

    def replay(self):
        raise NotImplementedError(_WHY.format("CUDAGraph.replay"))

    def reset(self):
        """Nothing was captured."""

    def pool(self):
        raise NotImplementedError(_WHY.format("CUDAGraph.pool"))


class graph:  # noqa: N801 - torch's name
    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode="global", enable_annotations=False,
                 check_input_liveness=False):
        self.cuda_graph = cuda_graph

    def __enter__(self):
        raise NotImplementedError(_WHY.format("torch.cuda.graph"))

    def __exit__(self, *exc):
        return False


def make_graphed_callables(callables, sample_args, num_warmup_iters=3, allow_unused_input=False, pool=None):
    raise NotImplementedError(_WHY.format("torch.cuda.make_graphed_callables"))
