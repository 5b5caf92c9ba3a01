"""Harvest errors (the tree is drawn in ``harvesters.base``)."""

from __future__ import annotations


class HarvestError(Exception):
    """Anything that stops an item or a run; ``str()`` is a message for people."""


class FetchError(HarvestError):
    def __init__(self, url: str, cause: str) -> None:
        super().__init__(f"{url}: {cause}")
        self.url = url
        self.cause = cause


class BadStatus(FetchError):
    def __init__(self, url: str, status: int, excerpt: str = "") -> None:
        # The start of the error body often says why (CKAN's {"success": false, "error": ...}).
        super().__init__(url, f"HTTP {status}" + (f": {excerpt}" if excerpt else ""))
        self.status = status
        self.excerpt = excerpt


class TooLarge(FetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"response larger than the {limit:,}-byte limit")
        self.limit = limit


class BadPayload(FetchError):
    """The response was not what was expected (HTML instead of JSON, truncated RDF ...)."""


class TransformError(HarvestError):
    pass


class RunTimeout(HarvestError):
    pass
