"""W3C DCAT 3: the base profile, every row as :mod:`schemas.dcat.fields` writes it.

Vocabulary values are IRIs and nothing more: a plain DCAT consumer neither needs nor checks
their classes.
"""

from __future__ import annotations

from schemas.dcat.fields import DATASET_FIELDS, DISTRIBUTION_FIELDS
from schemas.dcat.profile import Profile

DCAT3 = Profile(
    name="dcat3",
    title="W3C DCAT 3",
    dataset=DATASET_FIELDS,
    distribution=DISTRIBUTION_FIELDS,
)
