"""Harvesting: the shared run loop over every harvester, and the sources it reads.

seed_sources(session=..., settings=...)
run_source(session=..., settings=..., name="govuk-police-workforce", client=make_client(...))
"""

from registry.harvest.process import Processed
from registry.harvest.run import preview_source, run_source
from registry.harvest.sources import (
    get_source,
    list_sources,
    make_client,
    read_sources,
    seed_sources,
)

__all__ = [
    "Processed",
    "get_source",
    "list_sources",
    "make_client",
    "preview_source",
    "read_sources",
    "run_source",
    "seed_sources",
]
