"""Credentials for a remote store: HTTP digest or basic authentication, as the store asks.

Nothing is sent until the store challenges a request (401 with ``WWW-Authenticate``). A digest
challenge is answered with digest authentication (RFC 7616: the password never travels), and
the requests after it carry it at once; a basic challenge alone is answered with basic
authentication (RFC 7617), which sends the password in clear: use it over HTTPS. Virtuoso's
writable endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``) ask for digest.

The credentials come from the environment (``HOMS_KG_STORE_USER``, ``HOMS_KG_STORE_PASSWORD``,
server/settings.py); this module never logs or formats them.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth


class ChallengeAuth(AuthBase):
    """Digest when the store's challenge offers it, else basic when it asks for that."""

    def __init__(self, user: str, password: str) -> None:
        self.digest = HTTPDigestAuth(user, password)
        self.basic = HTTPBasicAuth(user, password)
        self.scheme = ""  # "basic" once a store asked for basic authentication alone

    def __repr__(self) -> str:
        return "ChallengeAuth(...)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.scheme == "basic":
            return self.basic(request)
        request = self.digest(request)  # answers a digest challenge itself (its own hook)
        request.register_hook("response", self.answer_basic_challenge)
        return request

    def answer_basic_challenge(self, answer: requests.Response, **send: Any) -> requests.Response:
        """A 401 left unanswered by the digest hook: sent again with basic authentication when
        the challenge asks for it."""
        challenge = answer.headers.get("WWW-Authenticate", "").lower()
        if answer.status_code != 401 or not challenge.startswith("basic"):
            return answer
        self.scheme = "basic"
        answer.content  # noqa: B018 (read the body, so that the connection can be reused)
        answer.close()
        again = self.basic(answer.request.copy())
        retried = answer.connection.send(again, **send)
        retried.history.append(answer)
        retried.request = again
        return retried


def store_auth(user: str, password: str) -> ChallengeAuth | None:
    """The authentication for the given credentials; None without a user name."""
    return ChallengeAuth(user, password) if user else None
