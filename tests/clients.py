"""HTTP clients for the limit and load tests: each can speak from its own loopback address, so the
server sees distinct clients (127.0.0.0/8 is all loopback on Linux)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

from .load import percentile as percentile  # the load tests' figures, one definition


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_at(address: str) -> requests.Session:
    """A session whose connections start from ``address`` (for example 127.0.0.7)."""
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(address))
    return session
