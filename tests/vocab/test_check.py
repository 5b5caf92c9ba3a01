"""The vocabulary linter passes the shipped files and catches faults planted in broken ones."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rdflib import SKOS, Literal, URIRef

from vocab import SCHEMES, UnknownScheme
from vocab.check import Problem, check, check_all, check_graph, check_text
from vocab.loader import PARSE_BASE, parse_graph

HEAD = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ldr: <def#> .
@prefix demo: <demo/> .
"""
SCHEME = """
<demo> a skos:ConceptScheme ; skos:prefLabel "Demo"@en ;
    skos:hasTopConcept demo:alpha, demo:beta .
"""
ALPHA = """
demo:alpha a skos:Concept ; skos:inScheme <demo> ; skos:topConceptOf <demo> ;
    skos:notation "alpha" ; skos:prefLabel "Alpha"@en ; skos:altLabel "First"@en ;
    skos:hiddenLabel "A"@en .
"""
BETA = """
demo:beta a skos:Concept ; skos:inScheme <demo> ; skos:topConceptOf <demo> ;
    skos:notation "beta" ; skos:prefLabel "Beta"@en ; skos:altLabel "Second"@en .
"""
GAMMA = """
demo:gamma a skos:Concept ; skos:inScheme <demo> ; skos:broader demo:alpha ;
    skos:notation "gamma" ; skos:prefLabel "Gamma"@en .
"""
GOOD = HEAD + SCHEME + ALPHA + BETA + GAMMA


def lint(tmp_path: Path, text: str, name: str = "demo") -> list[Problem]:
    """Write ``text`` as a Turtle file and point the checker at it."""
    path = tmp_path / f"{name}.ttl"
    path.write_text(text, encoding="utf-8")
    return check(name, path)


def errors(problems: list[Problem]) -> list[str]:
    return [f"{p.notation}: {p.message}" for p in problems if p.level == "error"]


@pytest.mark.parametrize("name", SCHEMES)
def test_every_shipped_scheme_has_no_errors(name: str) -> None:
    assert errors(check(name)) == []


def test_check_all_has_no_errors() -> None:
    problems = check_all()
    assert [str(p) for p in problems if p.level == "error"] == []


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    assert lint(tmp_path, GOOD) == []


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(UnknownScheme):
        check("grades")


def test_problem_is_frozen_and_readable() -> None:
    problem = Problem("grade", "scs2", "missing skos:inScheme")
    assert problem.level == "error"
    assert str(problem) == "error: grade/scs2: missing skos:inScheme"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.message = "changed"  # type: ignore[misc]


def test_unparseable_turtle(tmp_path: Path) -> None:
    problems = lint(tmp_path, GOOD + '\ndemo:delta a skos:Concept ; skos:prefLabel "unclosed .\n')
    assert len(problems) == 1
    assert problems[0].notation is None and "does not parse" in problems[0].message


def test_missing_scheme_node(tmp_path: Path) -> None:
    assert any("no scheme node" in e for e in errors(lint(tmp_path, HEAD + ALPHA)))


def test_scheme_without_a_label(tmp_path: Path) -> None:
    text = GOOD.replace(' ; skos:prefLabel "Demo"@en', "")
    assert errors(lint(tmp_path, text)) == ["None: the scheme has no English prefLabel"]


def test_prefLabels_must_be_exactly_one_in_english(tmp_path: Path) -> None:
    two = GOOD.replace('"Beta"@en', '"Beta"@en, "Bêta"@en-gb')
    none = GOOD.replace('skos:prefLabel "Gamma"@en', 'skos:prefLabel "Gamma"@fr')
    assert errors(lint(tmp_path, two)) == ["beta: has 2 English prefLabels, want exactly 1"]
    assert errors(lint(tmp_path, none)) == ["gamma: has 0 English prefLabels, want exactly 1"]


def test_notation_must_equal_the_local_name(tmp_path: Path) -> None:
    wrong = GOOD.replace('skos:notation "gamma"', 'skos:notation "alpha"')
    missing = GOOD.replace('skos:notation "gamma" ;', "")
    assert errors(lint(tmp_path, wrong)) == [
        "gamma: skos:notation ['alpha'] should be exactly ['gamma']"
    ]
    assert errors(lint(tmp_path, missing)) == [
        "gamma: skos:notation [] should be exactly ['gamma']"
    ]


def test_notation_must_be_url_safe(tmp_path: Path) -> None:
    text = GOOD.replace("demo:gamma", "demo:Gamma_1").replace('"gamma"', '"Gamma_1"')
    assert any("not URL-safe" in e for e in errors(lint(tmp_path, text)))


def test_broader_must_resolve_in_the_same_scheme(tmp_path: Path) -> None:
    missing = GOOD.replace("skos:broader demo:alpha", "skos:broader demo:nowhere")
    elsewhere = GOOD.replace("skos:broader demo:alpha", "skos:broader <sector/nhs>")
    for text in (missing, elsewhere):
        found = errors(lint(tmp_path, text))
        assert any(e.startswith("gamma: skos:broader") for e in found), found
        assert "gamma: has no broader concept but is not a top concept" in found


def test_broader_cycles_are_caught(tmp_path: Path) -> None:
    text = (
        GOOD
        + """
demo:delta a skos:Concept ; skos:inScheme <demo> ; skos:broader demo:gamma ;
    skos:notation "delta" ; skos:prefLabel "Delta"@en .
demo:gamma skos:broader demo:delta .
"""
    )
    found = errors(lint(tmp_path, text))
    assert "gamma: skos:broader leads back to itself (cycle)" in found
    assert "delta: skos:broader leads back to itself (cycle)" in found


def test_concepts_need_in_scheme(tmp_path: Path) -> None:
    text = GOOD.replace(
        "demo:gamma a skos:Concept ; skos:inScheme <demo> ;", "demo:gamma a skos:Concept ;"
    )
    assert errors(lint(tmp_path, text)) == ["gamma: missing skos:inScheme"]


def test_top_concepts_are_declared_both_ways(tmp_path: Path) -> None:
    one_way = GOOD.replace(
        "skos:hasTopConcept demo:alpha, demo:beta", "skos:hasTopConcept demo:alpha"
    )
    other_way = GOOD.replace(
        "demo:beta a skos:Concept ; skos:inScheme <demo> ; skos:topConceptOf <demo> ;",
        "demo:beta a skos:Concept ; skos:inScheme <demo> ;",
    )
    assert any(
        e.startswith("beta: top concept not declared both ways")
        for e in errors(lint(tmp_path, one_way))
    )
    assert any(
        e.startswith("beta: top concept not declared both ways")
        for e in errors(lint(tmp_path, other_way))
    )


def test_a_concept_without_broader_must_be_a_top_concept(tmp_path: Path) -> None:
    text = GOOD.replace("skos:broader demo:alpha ;", "")
    assert errors(lint(tmp_path, text)) == [
        "gamma: has no broader concept but is not a top concept"
    ]


def test_a_label_shared_by_two_concepts_is_an_error_even_after_normalising(tmp_path: Path) -> None:
    text = GOOD.replace('skos:altLabel "Second"@en', 'skos:altLabel "FIRST!"@en')
    assert errors(lint(tmp_path, text)) == [
        "None: label 'first' belongs to several concepts: alpha, beta"
    ]
    # a notation is matched like a label, so it may not be another concept's label either
    text = GOOD.replace('skos:altLabel "Second"@en', 'skos:altLabel "Gamma"@en')
    assert errors(lint(tmp_path, text)) == [
        "None: label 'gamma' belongs to several concepts: beta, gamma"
    ]


def test_a_shared_hidden_label_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace(
        'skos:prefLabel "Gamma"@en', 'skos:prefLabel "Gamma"@en ; skos:hiddenLabel "a"@en'
    )
    problems = lint(tmp_path, text)
    assert errors(problems) == []
    assert [(p.level, p.message) for p in problems] == [
        ("warning", "hidden label 'a' is shared by alpha, gamma")
    ]


def test_formats_must_state_media_type_and_openness(tmp_path: Path) -> None:
    text = GOOD.replace("demo", "format")
    text = text.replace(
        'skos:altLabel "Second"@en', 'skos:altLabel "Second"@en ; ldr:mediaType "text/csv"'
    )
    found = errors(lint(tmp_path, text, "format"))
    assert "beta: format lacks ldr:machineReadable" in found
    assert "beta: format lacks ldr:mediaType" not in found
    assert "alpha: format lacks ldr:mediaType" in found
    assert len(found) == 8  # alpha and gamma lack 3 facts each, beta 2


def test_check_graph_catches_faults_planted_in_real_data() -> None:
    graph = parse_graph("grade")
    grade = PARSE_BASE + "grade/"
    graph.add((URIRef(grade + "executive"), SKOS.broader, URIRef(grade + "scs2")))
    graph.add((URIRef(grade + "g7"), SKOS.altLabel, Literal("G6", lang="en")))
    problems = check_graph("grade", graph)
    found = errors(problems)
    assert "executive: skos:broader leads back to itself (cycle)" in found
    assert "scs2: skos:broader leads back to itself (cycle)" in found
    assert "None: label 'g6' belongs to several concepts: g6, g7" in found
    assert any(p.level == "warning" and p.notation == "executive" for p in problems)
    assert errors(check_graph("grade", parse_graph("grade"))) == []


def test_check_text_takes_turtle_directly() -> None:
    assert check_text("demo", GOOD) == []
