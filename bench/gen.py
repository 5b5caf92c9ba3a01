"""Seeded synthetic records for benchmarks: organisations and datasets shaped like the real ones.

    from gen import organisations, datasets, jsonl
    orgs = organisations(seed=42)                # ~400 OrganisationCreate-shaped dicts
    for record in datasets(100_000, seed=42):   # DatasetCreate-shaped dicts
        ...
    lines = jsonl(1000, seed=42)                 # JSON Lines for ``registry load``

Publishers are Zipf-distributed over ~400 bodies named like real UK public bodies. Titles
(~60-90 characters) and descriptions (median ~700 characters) mix function words, a domain
vocabulary about public-service leadership data and a Zipf tail of ~20k made-up words, so the
corpus has common, mid-frequency and rare words. Coverage statements, themes, licences,
frequencies and formats are real notations of the registry's vocabularies (those missing from
the current vocabulary files are skipped, so the records always validate).

Each dataset is generated from its own seeded stream (``seed`` and its index), so the same seed
gives the same records whatever N is, and record ``i`` of a larger run equals record ``i`` of a
smaller one. No data files are written; nothing here touches a database.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import vocab

DEFAULT_SEED = 42
N_ORGANISATIONS = 400
TAIL_WORDS = 20_000
FIRST_YEAR, LAST_YEAR = 2010, 2025

# -- vocabulary --------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _split(
    "the of and in for by to with on at from as are is this each all their which these who "
    "were has have been or its was per between across within under over than"
)

# Real words about public-service leadership data, roughly most used first.
DOMAIN_WORDS = _split("""
workforce statistics data senior staff leadership public employees grade published annual
civil service diversity ethnicity sex pay report organisation number posts headcount table
information directors management officers band department sector salary national gender
executive council trust police survey board equality disability age managers employment
survey responses structure organogram teams roles band percentage office level quarterly
chief inspector headteachers schools teachers nhs england wales scotland northern ireland
local authority authorities fire rescue service services prison probation judiciary judges
university universities vice chancellor remuneration allowances bonus bonuses median mean
gap gaps representation appointments appointment vacancies turnover recruitment promotion
promotions retention leavers joiners tenure profession professions religion belief sexual
orientation socio economic background disclosure declaration rates rate proportion women men
minority groups group ethnic white black asian mixed other unknown declared undeclared
breakdown breakdowns region regions location locations full time part equivalent fte
contract contracts permanent temporary agency interim secondment secondments benchmarking
comparison comparisons trend trends series time official release releases methodology
quality notes guidance definitions coverage summary summaries detailed detail figures
counts count totals total spend expenditure cost costs budget budgets accounts accountability
transparency framework frameworks standard standards register registers records record
positions position vacancy holders holder post reporting lines line hierarchy hierarchies
junior middle head heads deputy deputies assistant superintendent superintendents constable
constables sergeants inspectors commanders officer firefighters station watch area brigade
consultants nurses clinical medical doctors allied professionals administrative clerical
support corporate finance human resources digital policy operational delivery frontline
governance governors chairs chair members member non executive independent trustees trustee
audit committee committees minutes meetings attendance performance objectives appraisal
ratings engagement index wellbeing sickness absence days lost training learning development
apprenticeships graduates fast stream scheme schemes talent programme programmes succession
planning pipeline mobility moves transfers exits exit payments severance pension pensions
contributions benefits entitlements hours overtime regional weighting london outer inner
""")

# fmt: off
# Phrases for titles and keywords (multi-word keywords are indexed word by word).
KEYWORD_PHRASES = (
    "senior civil service", "workforce statistics", "diversity", "ethnicity", "gender pay gap",
    "organogram", "senior salaries", "headteachers", "school workforce", "police workforce",
    "fire and rescue workforce", "NHS workforce", "very senior managers", "board members",
    "non-executive directors", "public appointments", "remuneration", "pay multiples",
    "disability", "sexual orientation", "socio-economic background", "staff survey",
    "people survey", "leadership", "chief officers", "vice-chancellors", "judicial diversity",
    "prison staff", "armed forces", "officer numbers", "transparency", "spending",
    "recruitment", "promotions", "turnover", "tenure", "equality", "inclusion", "pay bands",
    "headcount", "full-time equivalent", "local government", "council chief executives",
    "academy trusts", "higher education", "official statistics", "management information",
)
TITLE_SUBJECTS = (
    "Ethnicity of", "Sex and ethnicity of", "Diversity of", "Pay of", "Salaries of",
    "Headcount of", "Disability status of", "Age profile of", "Turnover of", "Tenure of",
    "Appointments of", "Remuneration of", "Gender pay gap for", "Recruitment of",
    "Promotions of", "Representation of women among", "Workforce statistics for",
    "Organogram of", "Staff survey results for", "Socio-economic background of",
)
TITLE_GROUPS = {
    "civil-service": ("senior civil servants", "directors and directors general",
                      "deputy directors", "Grade 6 and 7 staff", "permanent secretaries"),
    "arms-length-bodies": ("board members", "chairs and chief executives",
                           "public appointees", "non-executive directors"),
    "nhs": ("very senior managers", "NHS trust chief executives", "executive directors",
            "consultants", "Agenda for Change band 8 and 9 staff"),
    "local-government": ("council chief executives", "chief officers",
                         "deputy chief officers", "senior council staff"),
    "police": ("chief officers", "chief inspectors and above", "superintendents",
               "police officers by rank", "chief constables"),
    "fire": ("chief fire officers", "brigade managers", "station and watch managers",
             "firefighters by role"),
    "schools": ("headteachers", "deputy and assistant headteachers", "school leaders",
                "academy trust chief executives"),
    "higher-education": ("vice-chancellors", "university senior managers",
                         "senior university staff"),
    "armed-forces": ("senior officers", "OF-6 and above officers", "armed forces officers"),
    "prisons-probation": ("prison governors", "senior prison and probation staff"),
    "judiciary": ("senior judges", "judicial office holders", "court and tribunal judges"),
    "devolved-administrations": ("NICS Grade 5 and above staff", "senior devolved staff"),
}
TITLE_TAILS = (
    "by grade and region", "by profession", "official statistics", "management information",
    "annual report", "quarterly update", "time series", "by organisation", "summary tables",
    "detailed tables", "by pay band", "by responsibility level", "England and Wales",
)

# Coverage, mostly sector-specific grades; general grades now and then.
SECTOR_GRADES = {
    "civil-service": ("scs", "scs4", "scs3", "scs2", "scs1a", "scs1", "g6-g7", "g6", "g7",
                      "seo-heo", "eo", "aa-ao"),
    "arms-length-bodies": ("board-member", "chair", "non-executive-director",
                           "public-appointee", "scs2", "scs1"),
    "nhs": ("nhs-vsm", "nhs-chief-executive", "nhs-executive-director", "consultant", "afc-9",
            "afc-8d", "afc-8c", "afc-8b", "afc-8a", "afc-1-7"),
    "local-government": ("council-chief-executive", "council-chief-officer",
                         "council-deputy-chief-officer"),
    "police": ("chief-inspector-and-above", "police-chief-officer", "chief-constable",
               "deputy-chief-constable", "assistant-chief-constable", "chief-superintendent",
               "superintendent", "chief-inspector", "inspector", "sergeant", "constable"),
    "fire": ("brigade-manager", "chief-fire-officer", "deputy-chief-fire-officer",
             "area-manager", "group-manager", "station-manager", "watch-manager",
             "firefighter"),
    "schools": ("headteacher", "deputy-headteacher", "assistant-headteacher", "teacher",
                "academy-trust-ceo", "governor"),
    "higher-education": ("vice-chancellor", "he-senior-manager", "governor"),
    "armed-forces": ("military-officer", "of-10", "of-9", "of-8", "of-7", "of-6", "of-5",
                     "of-4", "of-3", "other-ranks"),
    "prisons-probation": ("prison-governor", "scs1", "g6-g7"),
    "judiciary": ("senior-judge", "judge"),
    "devolved-administrations": ("nics-grade-5-plus", "scs", "scs1"),
}
GENERAL_GRADES = ("executive", "senior-manager", "head-of-organisation", "workforce",
                  "middle-manager", "board-non-executive")
ATTRIBUTES = ("ethnicity", "sex", "pay", "headcount", "disability", "age", "sexual-orientation",
              "religion", "socio-economic-background", "tenure", "profession", "location",
              "mobility", "engagement", "education", "performance", "identity")
SECTOR_THEMES = {
    "civil-service": "gove", "arms-length-bodies": "gove", "nhs": "heal",
    "local-government": "regi", "police": "just", "fire": "just", "schools": "educ",
    "higher-education": "educ", "armed-forces": "intr", "prisons-probation": "just",
    "judiciary": "just", "devolved-administrations": "gove",
}
LICENCES = (("ogl-3", 70), ("ogl-2", 6), ("cc-by-4", 6), ("other-open", 4), ("unknown", 6),
            ("other-closed", 3), ("cc0-1", 2), ("odc-by-1", 1), ("ogl-1", 2))
FREQUENCIES = (("annual", 50), ("quarterly", 15), ("monthly", 8), ("irregular", 10),
               ("never", 6), ("semiannual", 4), ("biennial", 3), ("unknown", 4))
FORMATS = (("csv", 40), ("xlsx", 20), ("ods", 12), ("pdf", 12), ("html", 8), ("json", 4),
           ("xls", 2), ("zip", 1), ("api", 1))
MEDIA_TYPES = {
    "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "pdf": "application/pdf",
    "html": "text/html", "json": "application/json", "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
}
SPATIAL = (("England", 40), ("United Kingdom", 25), ("England and Wales", 15), ("Wales", 6),
           ("Scotland", 6), ("Northern Ireland", 5), ("London", 3))

# -- organisations -------------------------------------------------------------------------------

PLACES = _split("""
Avon Bedfordshire Berkshire Birmingham Blackpool Bolton Bradford Brighton Bristol
Buckinghamshire Cambridgeshire Cardiff Cheshire Cleveland Cornwall Coventry Cumbria Derby
Derbyshire Devon Doncaster Dorset Dudley Durham Essex Exeter Gateshead Gloucestershire
Gwent Halton Hampshire Herefordshire Hertfordshire Hull Humberside Kent Kirklees Lancashire
Leeds Leicester Leicestershire Lincolnshire Liverpool Luton Manchester Medway Merseyside
Middlesbrough Newcastle Norfolk Northampton Northamptonshire Northumberland Norwich
Nottingham Nottinghamshire Oldham Oxford Oxfordshire Peterborough Plymouth Portsmouth Reading
Rochdale Rotherham Salford Sandwell Sefton Sheffield Shropshire Solihull Somerset Southampton
Southend Staffordshire Stockport Stockton Suffolk Sunderland Surrey Sussex Swansea Swindon
Tameside Telford Thurrock Torbay Trafford Wakefield Walsall Warrington Warwickshire Wigan
Wiltshire Wirral Wolverhampton Worcestershire York Yorkshire
""")
DEPARTMENT_SUBJECTS = (
    "Education", "Transport", "Work and Pensions", "Culture, Media and Sport",
    "Environment, Food and Rural Affairs", "Business and Trade", "Energy Security and Net Zero",
    "Science, Innovation and Technology", "Levelling Up, Housing and Communities",
    "International Development", "Health and Social Care", "Exiting the European Union",
)
AGENCY_NAMES = (
    "Office for National Statistics", "Office for Students", "Office for Standards in Education",
    "Care Quality Commission", "Environment Agency", "Health and Safety Executive",
    "Driver and Vehicle Licensing Agency", "Land Registry", "Companies House", "Met Office",
    "Ordnance Survey", "Valuation Office Agency", "Crown Prosecution Service",
    "National Crime Agency", "Civil Service Commission", "Judicial Appointments Commission",
    "College of Policing", "Independent Office for Police Conduct",
    "NHS Business Services Authority", "Health Education England", "UK Health Security Agency",
    "Natural England", "Arts Council England", "Historic England", "Sport England",
    "Equality and Human Rights Commission", "Low Pay Commission", "Senior Salaries Review Body",
    "Insolvency Service", "Government Legal Department", "Government Digital Service",
    "Public Health Wales", "Scottish Prison Service", "Northern Ireland Civil Service",
    "Welsh Government", "Scottish Government", "HM Prison and Probation Service",
    "Ministry of Defence", "Ministry of Justice", "Home Office", "Cabinet Office", "HM Treasury",
    "HM Revenue and Customs", "Foreign, Commonwealth and Development Office", "NHS England",
    "Office for Budget Responsibility", "Charity Commission", "Food Standards Agency",
    "Forestry Commission", "Courts and Tribunals Judiciary", "HM Courts and Tribunals Service",
    "Royal Navy", "British Army", "Royal Air Force", "Youth Justice Board", "Parole Board",
)
# (template, sector, organisation type) for bodies named after a place.
PLACE_TEMPLATES = (
    ("{p} NHS Foundation Trust", "nhs", "other"),
    ("{p} Teaching Hospitals NHS Trust", "nhs", "other"),
    ("{p} Integrated Care Board", "nhs", "other"),
    ("{p} Police", "police", "other"),
    ("{p} Council", "local-government", "other"),
    ("{p} County Council", "local-government", "other"),
    ("{p} Fire and Rescue Service", "fire", "other"),
    ("University of {p}", "higher-education", "other"),
    ("{p} Learning Academy Trust", "schools", "other"),
    ("HMP {p}", "prisons-probation", "sub_organisation"),
)
AGENCY_TYPES = ("executive_agency", "executive_ndpb", "non_ministerial_department",
                "advisory_ndpb", "public_corporation", "special_health_authority")
# Where a national body's name says which sector it is in.
SECTOR_HINTS = (
    ("nhs", "nhs"), ("health", "nhs"), ("police", "police"), ("crime", "police"),
    ("prison", "prisons-probation"), ("parole", "prisons-probation"),
    ("youth justice", "prisons-probation"), ("judicia", "judiciary"), ("courts", "judiciary"),
    ("navy", "armed-forces"), ("army", "armed-forces"), ("air force", "armed-forces"),
    ("defence", "armed-forces"), ("students", "higher-education"),
    ("standards in education", "schools"), ("welsh", "devolved-administrations"),
    ("scottish", "devolved-administrations"), ("northern ireland", "devolved-administrations"),
)
# fmt: on


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _sector_of(name: str) -> str:
    lowered = name.lower()
    for needle, sector in SECTOR_HINTS:
        if needle in lowered:
            return sector
    national = lowered.startswith(("hm ", "home ", "cabinet", "ministry"))
    return "civil-service" if national else "arms-length-bodies"


@cache
def _organisation_table(seed: int, n: int) -> tuple[dict[str, Any], ...]:
    rng = random.Random(f"organisations:{seed}")
    # National bodies publish most, so they take the top Zipf ranks (in a seeded order).
    national = [
        _org(f"Department for {subject}", "civil-service", "ministerial_department")
        for subject in DEPARTMENT_SUBJECTS
    ]
    for name in AGENCY_NAMES:
        sector = _sector_of(name)
        kind = "ministerial_department" if sector == "civil-service" else rng.choice(AGENCY_TYPES)
        national.append(_org(name, sector, kind))
    rng.shuffle(national)
    combos = [(template, place) for template in PLACE_TEMPLATES for place in PLACES]
    rng.shuffle(combos)
    local = [
        _org(template.format(p=place), sector, kind)
        for (template, sector, kind), place in combos[: max(0, n - len(national))]
    ]
    return tuple((national + local)[:n])


def _host(slug: str) -> str:
    return slug[:40].strip("-")


def _org(name: str, sector: str, kind: str) -> dict[str, Any]:
    slug = _slug(name)
    types = vocab.load("organisation-type")
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper() and w not in ("HM",)]
    record: dict[str, Any] = {
        "id": slug,
        "name": name,
        "sectors": [sector],
        "homepage": f"https://www.{_host(slug)}.example.gov.uk/",
        "status": "live",
        "identifiers": {"govuk": slug},
    }
    if len(words) > 1:
        record["abbreviation"] = "".join(w[0] for w in words)[:10]
    if kind in types:
        record["organisation_type"] = kind
    return record


def organisations(seed: int = DEFAULT_SEED, n: int = N_ORGANISATIONS) -> list[dict[str, Any]]:
    """``n`` OrganisationCreate-shaped dicts, in publisher rank order (most datasets first)."""
    return [dict(o) for o in _organisation_table(seed, n)]


# -- datasets ------------------------------------------------------------------------------------


class _Zipf:
    """Draw from ``items`` with probability proportional to 1 / (rank + offset) ** s."""

    def __init__(self, items: list[Any] | tuple[Any, ...], s: float = 1.0, offset: int = 0) -> None:
        self.items = list(items)
        self.cum = list(
            itertools.accumulate(1.0 / ((rank + offset) ** s) for rank in range(1, len(items) + 1))
        )

    def draw(self, rng: random.Random, k: int = 1) -> list[Any]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def one(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


class _Weighted:
    def __init__(self, pairs: tuple[tuple[Any, int], ...]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))

    def one(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def tail_words(seed: int = DEFAULT_SEED, n: int = TAIL_WORDS) -> list[str]:
    """``n`` distinct made-up words (4-11 letters), in Zipf rank order."""
    return list(_tail_words(seed, n))


@cache
def _tail_words(seed: int, n: int) -> tuple[str, ...]:
    rng = random.Random(f"tail:{seed}")
    onsets = ["", *"bcdfghjklmnprstvwz", "br", "ch", "cl", "dr", "gr", "pl", "sh", "st", "th", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"]
    codas = ["", "", "n", "r", "l", "s", "m", "nd", "st", "rk", "ng", "x"]
    known = set(DOMAIN_WORDS) | set(FUNCTION_WORDS)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((2, 2, 3, 3, 4)))
        )
        if 4 <= len(word) <= 11 and word not in seen and word not in known:
            seen.add(word)
            words.append(word)
    return tuple(words)


class _Model:
    """Everything the dataset generator draws from, built once per seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.orgs = _organisation_table(seed, N_ORGANISATIONS)
        self.publishers = _Zipf(list(range(len(self.orgs))), s=0.95)
        self.function = _Zipf(FUNCTION_WORDS, s=0.9)
        self.domain = _Zipf(DOMAIN_WORDS, s=1.0)
        # The tail starts below the domain words: its commonest word is in a few % of records.
        self.tail = _Zipf(_tail_words(seed, TAIL_WORDS), s=1.0, offset=100)
        self.keywords = _Zipf(KEYWORD_PHRASES, s=0.8)
        self.subjects = _Zipf(TITLE_SUBJECTS, s=0.7)
        self.tails = _Zipf(TITLE_TAILS, s=0.6)
        self.attributes = _Zipf(_known("attribute", ATTRIBUTES), s=1.1)
        self.general_grades = _known("grade", GENERAL_GRADES)
        self.sector_grades = {
            sector: _Zipf(_known("grade", grades) or self.general_grades, s=0.9)
            for sector, grades in SECTOR_GRADES.items()
        }
        self.themes = _known("theme", tuple(vocab.load("theme").concepts))
        self.licences = _Weighted(tuple(p for p in LICENCES if p[0] in vocab.load("licence")))
        self.frequencies = _Weighted(
            tuple(p for p in FREQUENCIES if p[0] in vocab.load("frequency"))
        )
        self.formats = _Weighted(tuple(p for p in FORMATS if p[0] in vocab.load("format")))
        self.spatial = _Weighted(SPATIAL)
        self.sectors = _known("sector", tuple(SECTOR_GRADES))


def _known(scheme: str, notations: tuple[str, ...]) -> list[str]:
    concepts = vocab.load(scheme)
    return [n for n in notations if n in concepts]


@cache
def _model(seed: int) -> _Model:
    return _Model(seed)


def dataset(i: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Dataset number ``i`` (0-based) of the seeded stream, as a DatasetCreate-shaped dict."""
    model = _model(seed)
    rng = random.Random(seed * 1_000_003 + i)
    org = model.orgs[model.publishers.one(rng)]
    sector = org["sectors"][0]
    if sector not in model.sectors:
        sector = rng.choice(model.sectors)
    start_year = rng.randint(FIRST_YEAR, LAST_YEAR)
    end_year = min(LAST_YEAR, start_year + rng.choice((0, 0, 0, 1, 1, 2, 3)))
    record: dict[str, Any] = {
        "id": f"bench-{seed}-{i:07d}",
        "title": _title(rng, model, sector, org, start_year, end_year),
        "description": _description(rng, model),
        "publisher": org["id"],
        "licence": model.licences.one(rng),
        "accrual_periodicity": model.frequencies.one(rng),
        "keywords": _keywords(rng, model),
        "themes": _themes(rng, model, sector),
        "spatial": [model.spatial.one(rng)],
        "coverage": _coverage(rng, model, sector),
        "distributions": _distributions(rng, model, org, i, seed, end_year),
    }
    if rng.random() < 0.9:
        record["temporal_start"] = date(start_year, 1, 1).isoformat()
        record["temporal_end"] = date(end_year, 12, 31).isoformat()
    published = _moment(rng, end_year)
    record["issued"] = published.date().isoformat()
    if rng.random() < 0.95:
        latest = datetime(LAST_YEAR, 12, 31, 23, 59, tzinfo=UTC)
        modified = published + timedelta(days=rng.randint(0, 400), seconds=rng.randrange(86_400))
        record["modified"] = min(modified, latest).isoformat()
    if rng.random() < 0.6:
        record["contact_point"] = {
            "name": "Workforce statistics team",
            "email": f"statistics@{_host(org['id'])}.example.gov.uk",
        }
    if rng.random() < 0.5:
        record["granularity"] = rng.choice(("individual", "aggregate-by-grade", "workforce"))
    if rng.random() < 0.7:
        record["landing_page"] = f"{org['homepage']}statistics/{record['id']}"
    return record


def _moment(rng: random.Random, year: int) -> datetime:
    year = min(LAST_YEAR, year + rng.choice((0, 1, 1)))
    base = datetime(year, 1, 1, tzinfo=UTC)
    return base + timedelta(seconds=rng.randrange(364 * 86_400))


def _title(
    rng: random.Random, model: _Model, sector: str, org: dict[str, Any], start: int, end: int
) -> str:
    groups = TITLE_GROUPS.get(sector, TITLE_GROUPS["civil-service"])
    years = f"{start}" if start == end else f"{start} to {end}"
    for _ in range(20):
        parts = [model.subjects.one(rng), rng.choice(groups)]
        if rng.random() < 0.3:
            parts.append(f"in {org['name']}")
        parts.append(years)
        title = " ".join(parts)
        while len(title) < 60:
            tail = model.tails.one(rng)
            if tail not in title:
                title += ", " + tail
        if len(title) <= 90:
            break
    else:
        title = title[:90].rsplit(" ", 1)[0]
    # A few rarer words in titles so that title matches are not all from the fixed phrases.
    if rng.random() < 0.3 and len(title) < 80:
        title += " (" + model.tail.one(rng) + ")"
    return title


def _description(rng: random.Random, model: _Model) -> str:
    target = int(min(4000, max(150, rng.lognormvariate(6.55, 0.5))))  # median ~700 characters
    parts: list[str] = []
    length = 0
    while length < target:
        # Draw a batch of words (each kind in one call), then cut it into sentences.
        kinds = rng.choices((0, 1, 2), cum_weights=(45, 82, 100), k=max(16, (target - length) // 6))
        pools = [
            iter(source.draw(rng, kinds.count(kind)))
            for kind, source in enumerate((model.function, model.domain, model.tail))
        ]
        words = [next(pools[kind]) for kind in kinds]
        start = 0
        while start < len(words) and length < target:
            end = start + rng.randint(8, 22)
            sentence = " ".join(words[start:end])
            parts.append(sentence[0].upper() + sentence[1:] + ".")
            length += len(parts[-1]) + 1
            start = end
    return " ".join(parts)


def _keywords(rng: random.Random, model: _Model) -> list[str]:
    wanted = rng.randint(3, 10)
    out: list[str] = []
    for _ in range(wanted * 3):
        word = model.keywords.one(rng) if rng.random() < 0.8 else model.tail.one(rng)
        if word not in out:
            out.append(word)
        if len(out) == wanted:
            break
    return out


def _themes(rng: random.Random, model: _Model, sector: str) -> list[str]:
    themes = [SECTOR_THEMES.get(sector, "gove")]
    if rng.random() < 0.3:
        themes.append(rng.choice(model.themes))
    return [t for t in dict.fromkeys(themes) if t in model.themes]


def _coverage(rng: random.Random, model: _Model, sector: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = [{"scheme": "sector", "concept": sector}]
    if rng.random() < 0.15:
        other = rng.choice(model.sectors)
        if other != sector:
            statements.append({"scheme": "sector", "concept": other, "provenance": "inferred"})
    grades = model.sector_grades.get(sector)
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        if grades is None or rng.random() < 0.12:
            concept = rng.choice(model.general_grades)
        else:
            concept = grades.one(rng)
        statements.append({"scheme": "grade", "concept": concept})
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        statements.append({"scheme": "attribute", "concept": model.attributes.one(rng)})
    if rng.random() < 0.2:
        statements[-1]["provenance"] = "inferred"
        statements[-1]["note"] = "matched a column heading"
    unique = {(s["scheme"], s["concept"]): s for s in statements}
    return list(unique.values())


def _distributions(
    rng: random.Random, model: _Model, org: dict[str, Any], i: int, seed: int, year: int
) -> list[dict[str, Any]]:
    out = []
    for position in range(rng.choice((1, 1, 2, 2, 3))):
        fmt = model.formats.one(rng)
        dist: dict[str, Any] = {
            "title": f"{fmt.upper()} {year} edition",
            "access_url": f"{org['homepage']}data/{seed}/{i}/{position}.{fmt}",
            "format": fmt,
        }
        if fmt in MEDIA_TYPES:
            dist["media_type"] = MEDIA_TYPES[fmt]
        if rng.random() < 0.5:
            dist["byte_size"] = rng.randint(2_000, 50_000_000)
        out.append(dist)
    return out


def datasets(n: int, seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """The first ``n`` datasets of the seeded stream."""
    for i in range(n):
        yield dataset(i, seed)


def jsonl(n: int, seed: int = DEFAULT_SEED) -> Iterator[str]:
    """JSON Lines for ``registry load``: every organisation, then ``n`` datasets."""
    for org in organisations(seed):
        yield json.dumps({"type": "organisation", **org}, ensure_ascii=False, sort_keys=True)
    for record in datasets(n, seed):
        yield json.dumps({"type": "dataset", **record}, ensure_ascii=False, sort_keys=True)


_WORD = re.compile(r"\w+")


def words_of(record: dict[str, Any], publisher_name: str = "") -> set[str]:
    """The distinct lower-case words search sees in a dataset (before stemming)."""
    text = " ".join(
        (
            record["title"],
            " ".join(record.get("keywords", ())),
            record.get("description", ""),
            publisher_name,
        )
    )
    return set(_WORD.findall(text.lower()))


if __name__ == "__main__":  # pragma: no cover
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for line in jsonl(count, int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_SEED):
        print(line)
