"""The team's own priorities: a TOML file of weights per sector, grade and attribute, laid over
the defaults of :mod:`registry.gaps.method` (``REGISTRY_GAP_PRIORITIES``, or ``--priorities``).

    [sector]
    police = 1.5          # police leaders matter more this year
    [grade]
    middle-manager = 0.8
    [attribute]
    socio-economic-background = 1.4

A name that is not in its vocabulary, or a weight outside 0-10, is an error naming the file,
the table and the key: a typo must not silently leave a weight at its default.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import vocab
from registry.config import Settings
from registry.errors import UnknownFilter
from registry.gaps.matrix import Priorities

MAX_WEIGHT = 10.0


class PrioritiesError(UnknownFilter):
    """The priorities file cannot be used as it stands."""


def read_priorities(path: Path | None) -> Priorities:
    """The default priorities, with the file's weights (if any) in their place."""
    defaults = Priorities()
    if path is None:
        return defaults
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PrioritiesError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PrioritiesError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"sector", "grade", "attribute"}
    if unknown:
        raise PrioritiesError(
            f"{path}: unknown table [{sorted(unknown)[0]}] (use [sector], [grade], [attribute])"
        )
    found = {}
    for scheme in ("sector", "grade", "attribute"):
        weights = dict(getattr(defaults, scheme))
        table = data.get(scheme, {})
        if not isinstance(table, dict):
            raise PrioritiesError(f"{path}: [{scheme}] must be a table of weights")
        for notation, weight in table.items():
            if notation not in vocab.load(scheme):
                raise PrioritiesError(
                    f"{path}: [{scheme}] {notation!r} is not in the {scheme} vocabulary"
                )
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise PrioritiesError(f"{path}: [{scheme}] {notation} must be a number")
            if not 0 <= weight <= MAX_WEIGHT:
                raise PrioritiesError(
                    f"{path}: [{scheme}] {notation} = {weight} is outside 0 to {MAX_WEIGHT:g}"
                )
            weights[notation] = float(weight)
        found[scheme] = weights
    return replace(defaults, **found)


def priorities_for(settings: Settings, path: Path | None = None) -> Priorities:
    """The priorities a service or command uses: the file's weights (``path``, else the
    settings' file) and the settings' boost for "data I need" requests."""
    return replace(
        read_priorities(path or settings.gap_priorities),
        request_boost=settings.gap_request_boost,
        request_boost_cap=settings.gap_request_boost_cap,
    )
