"""torch._dynamo.eval_frame: OptimizedModule, the wrapper torch.compile(module) returns in torch.

jtorch.compile(module) compiles the module's forward in place and returns the module itself (its state_dict
keys stay unprefixed), so no module is an OptimizedModule: isinstance checks answer False, and code that
unwraps `._orig_mod` for compiled modules leaves jtorch's alone, which is right.
"""


class OptimizedModule:
    def __init__(self, mod, dynamo_ctx):
        raise NotImplementedError("jtorch compiles modules in place with torch.compile(module); torch._dynamo's "
                                  "OptimizedModule wrapper does not exist here")
