"""Harvesters: gather remote items (I/O) and transform them into records (pure).

The contract is in :mod:`harvesters.base`. Built-ins are registered here, one line each; add-on
packages register through the ``registry.harvesters`` entry-point group; both are found by
:func:`load`, which also accepts a dotted path ``package.module:Class``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harvesters.base import Harvester

# kind -> "module:Class"
HARVESTERS: dict[str, str] = {
    "govuk": "harvesters.govuk:GovUkHarvester",
    "govuk-organisations": "harvesters.govuk_organisations:GovUkOrganisationsHarvester",
    "ckan": "harvesters.ckan:CkanHarvester",
    "dcat": "harvesters.dcat_rdf:DcatRdfHarvester",
    "webpage": "harvesters.webpage:WebPageHarvester",
    "ees": "harvesters.ees:ExploreEducationStatisticsHarvester",
    "gender-pay-gap": "harvesters.gender_pay_gap:GenderPayGapHarvester",
    "ethnicity-facts": "harvesters.ethnicity_facts:EthnicityFactsHarvester",
}
ENTRY_POINT_GROUP = "registry.harvesters"


class UnknownHarvester(LookupError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    def __str__(self) -> str:
        return f"no harvester of kind {self.kind!r}; known kinds: {', '.join(kinds())}"


def kinds() -> list[str]:
    """Every kind available: built-ins, then add-ons."""
    extra = [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in HARVESTERS]
    return [*HARVESTERS, *sorted(extra)]


def load(kind: str) -> type[Harvester]:
    """The harvester class for a kind: built-in, then entry point, then ``module:Class``."""
    target = HARVESTERS.get(kind)
    if target is None:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == kind]
        if found:
            return found[0].load()
        if ":" not in kind:
            raise UnknownHarvester(kind)
        target = kind
    module_name, _, class_name = target.partition(":")
    try:
        return getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError):
        raise UnknownHarvester(kind) from None
