"""DCAT-AP 2.1.1, for older consumers: DCAT-AP 3 with the one difference our fields meet.

``dcat:byteSize`` is an ``xsd:decimal`` in DCAT-AP 2 (3.0 made it ``xsd:nonNegativeInteger``;
ckanext-dcat's ``euro_dcat_ap_3`` profile converts the same way).
"""

from __future__ import annotations

from schemas.dcat.dcat_ap_3 import DCAT_AP_3

DCAT_AP_2 = DCAT_AP_3.extend(
    "dcat-ap-2",
    "DCAT-AP 2.1.1",
    distribution={"byte_size": {"datatype": "xsd:decimal"}},
)
