"""torch.distributed.constants: the default collective timeouts."""
from datetime import timedelta

default_pg_timeout = timedelta(minutes=30)
default_pg_nccl_timeout = None  # torch sets it only in builds with NCCL; jtorch has none
