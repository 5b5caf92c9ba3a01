"""The one table of output formats, and the one rule that picks between them.

``?f=`` beats the path's extension, which beats ``Accept`` (q-values honoured); no preference
gives the endpoint's default. Later issues add the RDF rows here, not elsewhere.
"""

from __future__ import annotations

FORMATS: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
# Other names clients use for the same media types.
ALIASES: dict[str, str] = {
    "application/x-turtle": "ttl",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "text/plain": "nt",
}
RDF = ("ttl", "jsonld", "rdf", "nt")  # Turtle first: the answer to */* and to no Accept


def media_type(fmt: str) -> str:
    return FORMATS[fmt]


def qualities(header: str) -> dict[str, float]:
    """Each item of an ``Accept``-style header (``Accept``, ``Accept-Encoding``), lower-cased,
    with its q-value, in header order; a refusal (``q=0``) included."""
    found: dict[str, float] = {}
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        name = fields[0].lower()
        found[name] = max(quality, found.get(name, 0.0))  # named twice: the better one
    return found


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (ties keep header order), refusals left out."""
    ranked = sorted(qualities(header).items(), key=lambda item: -item[1])  # stable: header order
    return [(media_range, quality) for media_range, quality in ranked if quality > 0]


def choose(
    *, f: str | None, extension: str | None, accept: str | None, offered: tuple[str, ...]
) -> str | None:
    """The format to send, or ``None`` when nothing offered is acceptable."""
    for explicit in (f, extension):
        if explicit:
            return explicit if explicit in offered else None
    if not accept:
        return offered[0]
    for media_range, _quality in parse_accept(accept):
        if media_range in ("*/*", ""):
            return offered[0]
        alias = ALIASES.get(media_range)
        if alias in offered:
            return alias
        for fmt in offered:
            full = FORMATS[fmt].split(";")[0]
            if media_range == full or (
                media_range.endswith("/*") and full.startswith(media_range[:-1])
            ):
                return fmt
    return None
