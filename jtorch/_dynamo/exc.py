"""torch._dynamo.exc: the errors dynamo raises (libraries catch them by name)."""


class TorchDynamoException(RuntimeError):
    pass


class Unsupported(TorchDynamoException):
    def __init__(self, msg="", *, case_name=None, real_stack=None):
        super().__init__(msg)
        self.msg = msg


class InternalTorchDynamoError(TorchDynamoException):
    pass


class BackendCompilerFailed(TorchDynamoException):
    pass


class UserError(Unsupported):
    pass
