"""Validate a DCAT graph with the official DCAT-AP SHACL shapes (pyshacl), readably.

    report = validate(graph)                      # DCAT-AP 3.0.0 shapes
    print(report.text())                          # one line per violation
    validate(graph, profile="dcat-ap-2")          # the 2.1.1 shapes

The shapes are not shipped in the package: they are read from ``shapes_dir`` (or the
``DCAT_AP_SHAPES`` environment variable), a folder holding ``3.0.0/`` and ``2.1.1/`` as
SEMIC publishes them; by default ``shared/dcat-ap`` beside the repository. pyshacl is an
optional dependency (the ``test`` extra).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node as RdfNode

from schemas.dcat import ns
from schemas.dcat.memo import Names

# Shape files per profile, relative to the shapes folder. 3.0.0's dcat-ap-SHACL.ttl is the
# generated "one id per constraint" file with the class ranges; 3.0.1's is broken for pyshacl.
SHAPES: dict[str, tuple[str, ...]] = {
    "dcat-ap-3": ("3.0.0/dcat-ap-SHACL.ttl",),
    "dcat-ap-2": (
        "2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl",
        "2.1.1/dcat-ap_2.1.1_shacl_range.ttl",
    ),
}
RECOMMENDED: dict[str, tuple[str, ...]] = {
    "dcat-ap-3": ("3.0.0/shapes_recommended.ttl",),
    "dcat-ap-2": ("2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl",),
}
DEFAULT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "dcat-ap"


@dataclass(frozen=True)
class Result:
    """One SHACL result: where (focus node, path), what (value, constraint), and the message."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    value: str | None
    constraint: str  # e.g. sh:ClassConstraintComponent
    message: str
    shape: str

    def line(self) -> str:
        where = f"{self.focus} {self.path or ''}".strip()
        value = f" (value {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{value} [{self.constraint}]"


@dataclass(frozen=True)
class Report:
    """Conforms when there is no violation; warnings (recommended properties) are listed."""

    conforms: bool
    violations: tuple[Result, ...]
    warnings: tuple[Result, ...]

    def text(self) -> str:
        head = "conforms" if self.conforms else f"{len(self.violations)} violation(s)"
        if self.warnings:
            head += f", {len(self.warnings)} warning(s)"
        return "\n".join([head, *(r.line() for r in (*self.violations, *self.warnings))])


def shapes_dir(folder: Path | str | None = None) -> Path:
    """The folder of the DCAT-AP shapes: the argument, ``DCAT_AP_SHAPES``, else the default."""
    path = Path(folder or os.environ.get("DCAT_AP_SHAPES") or DEFAULT_DIR)
    if not path.is_dir():
        raise FileNotFoundError(
            f"no DCAT-AP SHACL shapes at {path}: give the folder holding 3.0.0/ and 2.1.1/ "
            "(argument shapes= or the DCAT_AP_SHAPES environment variable)"
        )
    return path


@cache
def _shapes(folder: Path, files: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in files:
        graph.parse(folder / name, format="turtle")
    return graph


def validate(
    graph: Graph,
    *,
    profile: str = "dcat-ap-3",
    shapes: Path | str | None = None,
    recommended: bool = False,
) -> Report:
    """Validate ``graph`` against the profile's shapes (and the recommended-property shapes,
    as warnings, when ``recommended``). Needs pyshacl."""
    try:
        import pyshacl
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("validation needs pyshacl: pip install pyshacl") from exc
    if profile not in SHAPES:
        raise ValueError(f"no shapes for profile {profile!r} (known: {', '.join(SHAPES)})")
    folder = shapes_dir(shapes)
    files = SHAPES[profile] + (RECOMMENDED[profile] if recommended else ())
    _, results, _ = pyshacl.validate(
        graph, shacl_graph=_shapes(folder, files), inference="none", allow_warnings=True
    )
    found = sorted(_results(results), key=lambda r: (r.severity, r.focus, r.path or ""))
    violations = tuple(r for r in found if r.severity == "Violation")
    warnings = tuple(r for r in found if r.severity != "Violation")
    return Report(not violations, violations, warnings)


def _results(results: Graph) -> list[Result]:
    names = Names({**ns.PREFIXES, "sh": str(SH)})
    found = []
    for node in results.subjects(URIRef(str(SH) + "resultSeverity"), None):

        def one(predicate: str, node: RdfNode = node) -> str | None:
            value = results.value(node, SH[predicate])
            return None if value is None else str(value)

        def short(predicate: str, node: RdfNode = node) -> str:
            value = one(predicate, node) or ""
            return names[value] or value

        found.append(
            Result(
                severity=short("resultSeverity").split(":")[-1],
                focus=one("focusNode") or "",
                path=(short("resultPath") or None),
                value=one("value"),
                constraint=short("sourceConstraintComponent"),
                message=one("resultMessage") or "",
                shape=one("sourceShape") or "",
            )
        )
    return found
