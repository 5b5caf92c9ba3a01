"""One dataset's worth as evidence for one cell: each factor's points, the provenance weight,
and what would raise it. Pure: facts and a date in, numbers and sentences out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.gaps import method
from registry.gaps.facts import Facts
from registry.quality.mqa import RECORD_MAXIMUM, any_format_is, is_open


@dataclass(frozen=True)
class Contribution:
    factor: str
    points: float
    maximum: int
    note: str


@dataclass(frozen=True)
class Evidence:
    dataset_id: str
    title: str
    score: int  # 0-100, after the provenance weight
    weight: float
    provenance: str  # the weakest of the statements placing the dataset in the cell
    at_grade: bool
    contributions: tuple[Contribution, ...]
    advice: tuple[str, ...]


def recency_since(today: date) -> tuple[date, ...]:
    """The oldest latest date each of :data:`method.RECENCY_STEPS` accepts (at most ``limit``
    years of 365.25 days before ``today``). Dates, not years, so that SQL can compare them."""
    return tuple(today - timedelta(days=int(limit * 365.25)) for limit, _ in method.RECENCY_STEPS)


def shares(facts: Facts, today: date) -> dict[str, tuple[float, str]]:
    """Each factor but ``grade`` as (share of its points 0-1, what the record has), in the
    order of :data:`BASE_FACTORS`."""
    return {
        "licence": (licence_share(facts.licence), facts.licence or "no licence"),
        "format": (format_share(facts.formats), ", ".join(facts.formats) or "no files"),
        "recency": (
            recency_share(recency_step(facts.latest, recency_since(today))),
            f"latest date {facts.latest}" if facts.latest else "no dates",
        ),
        "regularity": (
            regularity_share(facts.accrual_periodicity),
            facts.accrual_periodicity or "no schedule stated",
        ),
        "granularity": (
            granularity_share(facts.granularity),
            facts.granularity or "granularity not stated",
        ),
        "metadata": (
            metadata_share(facts.metadata_points),
            f"{facts.metadata_points} of {RECORD_MAXIMUM} MQA points",
        ),
    }


# Each factor's share from the one value it reads: the bitset path remembers them per value.
BASE_FACTORS = ("licence", "format", "recency", "regularity", "granularity", "metadata")


def licence_share(licence: str | None) -> float:
    return 1.0 if is_open(licence) else 0.0


def format_share(formats: tuple[str, ...]) -> float:
    return 1.0 if any_format_is(formats, "machineReadable") else 0.0


def recency_step(latest: date | None, since: tuple[date, ...]) -> int:
    """The first recency step whose oldest date ``latest`` reaches (``len(since)``: none)."""
    return next(
        (i for i, day in enumerate(since) if latest is not None and latest >= day), len(since)
    )


def recency_share(step: int) -> float:
    return method.RECENCY_STEPS[step][1] if step < len(method.RECENCY_STEPS) else 0.0


def regularity_share(periodicity: str | None) -> float:
    return method.REGULARITY.get(periodicity or "", 0.0)


def granularity_share(granularity: str | None) -> float:
    return method.GRANULARITY.get(granularity, method.GRANULARITY[None])


def metadata_share(points: int) -> float:
    return points / RECORD_MAXIMUM


def base_points(parts: dict[str, tuple[float, str]]) -> float:
    """The points of every factor but ``grade`` (before the provenance weight)."""
    return sum(method.POINTS[name] * share for name, (share, _) in parts.items())


def cell_score(base: float, *, at_grade: bool, weight: float) -> int:
    """A dataset's score for a cell: its base, the grade points if placed at the cell's grade,
    times the weight of the weakest statement placing it there."""
    return round((base + (method.POINTS["grade"] if at_grade else 0)) * weight)


_ADVICE = {
    "grade": "workforce-wide only: figures at this grade would add {gain}",
    "licence": "{note}: an open licence (OGL v3) would add {gain}",
    "format": "published only as {note}: a CSV would add {gain}",
    "recency": "{note}: a current edition would add {gain}",
    "regularity": "{note}: a regular (e.g. annual) schedule would add {gain}",
    "granularity": "{note}: figures by grade or named posts would add {gain}",
    "metadata": "metadata earns {note}: completing it would add up to {gain}",
}


def evidence(
    facts: Facts,
    *,
    at_grade: bool,
    provenance: str,
    today: date,
    parts: dict[str, tuple[float, str]] | None = None,
) -> Evidence:
    """The dataset as evidence for a cell it is placed in (``at_grade``: by a statement at the
    cell's grade, else as workforce-wide data)."""
    found = dict(parts or shares(facts, today))
    found["grade"] = (1.0, "at this grade") if at_grade else (0.0, "workforce-wide")
    weight = method.weight(provenance)
    contributions = tuple(
        Contribution(f.name, round(found[f.name][0] * f.points, 1), f.points, found[f.name][1])
        for f in method.FACTORS
    )
    raw = sum(c.points for c in contributions)
    advice = [
        _ADVICE[c.factor].format(note=c.note, gain=round((c.maximum - c.points) * weight))
        for c in sorted(contributions, key=lambda c: c.points - c.maximum)
        if c.maximum - c.points >= 0.5
    ]
    if weight < 1:
        advice.append(
            f"coverage {provenance}: a person confirming it would add {round(raw * (1 - weight))}"
        )
    return Evidence(
        dataset_id=facts.id,
        title=facts.title,
        score=round(raw * weight),
        weight=weight,
        provenance=provenance,
        at_grade=at_grade,
        contributions=contributions,
        advice=tuple(advice),
    )


def band(score: int) -> str:
    if score >= method.COVERED_FROM:
        return "covered"
    return "partial" if score >= method.PARTIAL_FROM else "gap"
