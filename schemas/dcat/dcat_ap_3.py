"""DCAT-AP 3.0.0: DCAT 3 plus what the application profile mandates, as a delta.

* ``dct:description`` is mandatory on a dataset: an empty one is written as the title (and a
  description equal to the title reads back as empty).
* Vocabulary values get their classes asserted locally (``dct:Frequency``,
  ``dct:LicenseDocument``, ``skos:Concept`` with a label …) so the SHACL class-range checks
  hold without the EU vocabularies loaded.
"""

from __future__ import annotations

from schemas.dcat.dcat3 import DCAT3

DCAT_AP_3 = DCAT3.extend(
    "dcat-ap-3",
    "DCAT-AP 3.0.0",
    dataset={"description": {"fallback": "title"}},
    vocab_classes=True,
)
