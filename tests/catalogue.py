"""A small hand-made catalogue whose search answers are known (used by search and API tests)."""

from __future__ import annotations

from builders import dataset, organisation


def cov(scheme: str, *concepts: str) -> list[dict[str, str]]:
    return [{"scheme": scheme, "concept": c} for c in concepts]


CATALOGUE = [
    organisation("cabinet-office", name="Cabinet Office"),
    organisation("home-office", name="Home Office"),
    organisation("nhs-england", name="NHS England"),
    dataset(
        "scs-ethnicity",
        title="Ethnicity of the senior civil service",
        description="Counts of senior civil servants by ethnic group and pay band.",
        publisher="cabinet-office",
        licence="ogl-3",
        themes=["gove"],
        modified="2024-03-01T00:00:00Z",
        temporal_start="2022-03-31",
        temporal_end="2023-03-31",
        keywords=["diversity"],
        distributions=[{"access_url": "https://example.gov.uk/1.csv", "format": "csv"}],
        coverage=cov("sector", "civil-service")
        + cov("grade", "scs2")
        + cov("attribute", "ethnicity"),
    ),
    dataset(
        "police-workforce",
        title="Police workforce, England and Wales",
        description="Officers by rank, sex and ethnicity, including chief officers.",
        publisher="home-office",
        licence="ogl-3",
        themes=["just"],
        modified="2023-07-27T00:00:00Z",
        issued="2023-07-27",
        distributions=[{"access_url": "https://example.gov.uk/2.ods", "format": "ods"}],
        coverage=cov("sector", "police")
        + cov("grade", "chief-constable", "chief-inspector")
        + cov("attribute", "sex", "ethnicity"),
    ),
    dataset(
        "nhs-vsm-pay",
        title="Very senior managers pay in NHS trusts",
        description="Pay of very senior managers. No ethnicity data.",
        publisher="nhs-england",
        licence="other-closed",
        themes=["heal"],
        modified="2022-01-10T00:00:00Z",
        distributions=[{"access_url": "https://example.gov.uk/3.pdf", "format": "pdf"}],
        coverage=cov("sector", "nhs") + cov("grade", "nhs-vsm") + cov("attribute", "pay"),
    ),
    dataset(
        "workforce-only",
        title="Public sector employment",
        description="Headcount across the public sector, with no breakdown by grade.",
        publisher="cabinet-office",
        licence="ogl-3",
        coverage=cov("grade", "workforce") + cov("attribute", "headcount"),
    ),
]
