"""torch.distributed.elastic.multiprocessing: only `errors` is provided."""
