"""torch.distributed.rendezvous: URL-scheme handlers that yield (store, rank, world_size).

jtorch's init_process_group rendezvouses through jax.distributed itself; handlers registered here
serve code that calls rendezvous() directly.
"""
__all__ = ["register_rendezvous_handler", "rendezvous"]

_rendezvous_handlers = {}


def register_rendezvous_handler(scheme, handler):
    if scheme in _rendezvous_handlers:
        raise RuntimeError(f"Rendezvous handler for {scheme}:// already registered")
    _rendezvous_handlers[scheme] = handler


def rendezvous(url, rank=-1, world_size=-1, **kwargs):
    if not isinstance(url, str):
        raise RuntimeError(f"`url` must be a string. {type(url)}: {url}")
    scheme = url.partition("://")[0]
    if scheme not in _rendezvous_handlers:
        raise RuntimeError(f"No rendezvous handler for {scheme}://")
    return _rendezvous_handlers[scheme](url, **kwargs)
