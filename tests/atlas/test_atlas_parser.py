"""The page parser on the real page and on the hand-written fixture pages (tests/fixtures/pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopgraph.atlas import text as T
from coopgraph.atlas.parser import parse_bytes, parse_file
from coopgraph.atlas.sdg import find_sdg_mentions
from conftest import PAGES, SEED


def parse(name):
    r = parse_file(PAGES / name if name != "seed" else SEED)
    assert r.ok, [str(p) for p in r.problems]
    return r


def test_real_page_every_field():
    r = parse("seed")
    p = r.partnership
    assert r.problems == []
    assert p.title == "Coopération décentralisée Angoulême – Ségou 2020-2021"
    assert p.summary.startswith("Jumelées depuis 1984") and p.summary.endswith("des actions réalis")
    assert p.embassy.name == "Ambassade de France à Bamako"
    assert [(c.role, c.full_name, c.email) for c in p.embassy.contacts] == [
        ("Correspondant coopération décentralisée", "Emma COQUARD", "emma.coquard@diplomatie.gouv.fr"),
        ("Conseiller de coopération et d'action culturelle", "Nadege CHOUAT", "nadege.chouat@diplomatie.gouv.fr"),
    ]
    assert (p.first_signature_year, p.start_year, p.end_date, p.status, p.form, p.triennial) == (
        2019,
        2020,
        dt.date(2021, 12, 31),
        "En cours",
        "Projet de coopération décentralisée",
        False,
    )
    assert p.main_theme.path == (
        "Politique, humanitaire et coopération transfrontalière",
        "Gouvernance locale et appui institutionnel",
    )
    assert [(t.path[-1], t.sub_sub_theme, t.priority) for t in p.other_themes] == [
        ("Eau et déchets", None, 1),
        ("Jeunesse & genre", None, 2),
        ("Santé", None, 3),
        ("Infrastructures, équipements et manifestations culturelles", None, 4),
    ]
    assert [(f.name, f.country) for f in p.foreign_partners] == [
        ("Ségou", "Mali"),
        ("Intercommunalité Balanzan", "Mali"),
    ]
    assert [(c.organisation, c.family_name, c.given_name, c.role, c.email) for c in p.foreign_contacts] == [
        ("Ségou", "Diarra", "Nouhoun", "Maire", "ndiarra52@yahoo.fr"),
        ("Intercommunalité Balanzan", "Ario", "Moustapha", "Secrétaire Permanent", "ariomoustapha@gmail.com"),
    ]
    assert [f.name for f in p.french_partners] == ["Angoulême", "Communauté d'agglomération du Grand Angoulême"]
    assert len(p.fundings) == 15 and sum(f.amount_eur for f in p.fundings) == 137988
    assert p.fundings[0].year == 2020 and p.fundings[0].one_percent == (None, None, None)  # shifted row
    assert p.fundings[2].one_percent == (4165, 0, 2890) and p.fundings[2].year == 2020
    assert p.fundings[-1].funder == "Atelier de la danse – Katia Seguin" and p.fundings[-1].year == 2020
    assert p.volunteers == []
    assert p.sdg_targets == ["3.7", "3.9", "5.3", "6.3", "11.6"] and p.sdg_goals == ["3", "5", "6", "11"]
    for section in (p.context, p.history, p.objective, p.description):
        lines = section.splitlines()
        assert len(lines) == len(set(lines)), "a repeated block was kept"
        assert not any(T.is_noise(l) for l in lines)
    assert p.context.startswith("En 2015") and p.objective.startswith("Objectifs locaux :")
    assert len(p.history.splitlines()) == 10 and len(p.description.splitlines()) == 6


EXPECTED = {
    # name: (title start, n fundings, total, explicit goals, targets, status, end, n french, triennial)
    "fixture-lille-dakar-terminated.txt": (
        "Coopération décentralisée Lille – Dakar",
        6,
        Decimal("142000.50"),
        {"6", "11"},
        {"6.2"},
        "Terminé",
        dt.date(2019, 12, 31),
        2,
        True,
    ),
    "fixture-crlf-cp1252.txt": (
        "Chambéry – Ouahigouya",
        3,
        Decimal(57000),
        set(),
        {"6.1", "7.2"},
        "En cours",
        dt.date(2023, 12, 31),
        1,
        False,
    ),
    "fixture-bom.txt": (
        "Ille-et-Vilaine – Mopti",
        2,
        Decimal(45000),
        set(),
        {"16.9"},
        "En cours",
        dt.date(2025, 12, 31),
        1,
        False,
    ),
    "fixture-empty-tables.txt": (
        "Echanges scolaires Saint-Brieuc",
        0,
        Decimal(0),
        set(),
        set(),
        "En cours",
        None,
        1,
        False,
    ),
    "fixture-new-values.txt": (
        "Jumelage sportif Villeurbanne",
        2,
        Decimal(9500),
        {"3", "5"},
        set(),
        "Suspendu",
        dt.date(2026, 6, 30),
        1,
        False,
    ),
    "fixture-montreuil-est-ensemble.txt": (
        "Montreuil – Hai Duong",
        6,
        Decimal(145000),
        set(),
        {"11.6", "12.5"},
        "Terminé",
        dt.date(2021, 12, 31),
        2,
        False,
    ),
    "fixture-montreuil-alone.txt": (
        "Montreuil – Yélimané",
        None,
        None,
        {"3"},
        {"3.1"},
        "En cours",
        dt.date(2024, 12, 31),
        1,
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_pages(name):
    title, n_fund, total, goals, targets, status, end, n_french, triennial = EXPECTED[name]
    p = parse(name).partnership
    assert p.title.startswith(title)
    if n_fund is not None:
        assert len(p.fundings) == n_fund and sum((f.amount_eur for f in p.fundings), Decimal(0)) == total
    assert {m.code for m in p.sdg_mentions if not m.is_target} == goals
    assert set(p.sdg_targets) == targets
    assert (p.status, p.end_date, len(p.french_partners), p.triennial) == (status, end, n_french, triennial)
    for value in (p.title, p.summary or "", p.context or "", p.objective or ""):
        assert "\r" not in value and "\ufeff" not in value


def test_french_amounts_and_one_percent():
    p = parse("fixture-lille-dakar-terminated.txt").partnership
    amounts = [f.amount_eur for f in p.fundings]
    assert amounts == [35000, 35000, 20000, Decimal("1500.50"), 48000, 2500]
    assert p.fundings[2].one_percent == (10000, 0, 5000)
    assert p.main_theme.path[-1] == "Assainissement"
    assert [(t.sub_sub_theme, t.priority) for t in p.other_themes] == [(None, 1), ("Etat civil", 2)]
    assert len(p.volunteers) == 1 and p.volunteers[0].family_name == "Dupont"


def test_encodings_give_the_same_text():
    cp = parse("fixture-crlf-cp1252.txt")
    assert cp.partnership.source.encoding == "cp1252"
    bom = parse("fixture-bom.txt")
    assert bom.partnership.source.encoding == "utf-8-sig"
    assert "’" in bom.partnership.title
    # the real page re-encoded every way parses to the same records
    text = SEED.read_text(encoding="utf-8")
    base = parse_bytes(text.encode("utf-8"), "x.txt").partnership
    for raw in (
        text.replace("\n", "\r\n").encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.replace("\n", "\r\n").encode("cp1252"),
    ):
        other = parse_bytes(raw, "x.txt").partnership
        assert (other.title, other.context, len(other.fundings), other.sdg_targets) == (
            base.title,
            base.context,
            len(base.fundings),
            base.sdg_targets,
        )


def test_repeated_block_kept_once_and_partial_repeats():
    assert T.dedupe_repeats(["a", "b", "c", "b", "c", "d"]) == ["a", "b", "c", "d"]
    assert T.dedupe_repeats(["a", "b", "a", "c"]) == ["a", "b", "a", "c"]  # recurs later: kept
    assert T.dedupe_repeats(["x"] * 5) == ["x"]
    assert T.dedupe_repeats([]) == []


@pytest.mark.parametrize(
    "written,value",
    [
        ("18844", Decimal(18844)),
        ("35 000", Decimal(35000)),
        ("35\u00a0000", Decimal(35000)),
        ("1 500,50 €", Decimal("1500.50")),
        ("1.500,50", Decimal("1500.50")),
        ("2 000 000", Decimal(2000000)),
        ("12,5", Decimal("12.5")),
        ("N/C", None),
        ("?", None),
        ("", None),
        ("12 abc", None),
    ],
)
def test_amounts_written_the_french_way(written, value):
    assert T.parse_amount(written) == value


@pytest.mark.parametrize(
    "sentence,codes",
    [
        ("afin de répondre aux ODD 3.7, 3.9, 5.3, 6.3, 11.6.", ["3.7", "3.9", "5.3", "6.3", "11.6"]),
        ("ODD 6", ["6"]),
        ("ODD n°6", ["6"]),
        ("l'ODD n° 11", ["11"]),
        ("cible 6.2", ["6.2"]),
        ("cibles 6.1 et 6.2", ["6.1", "6.2"]),
        ("SDG 6.b", ["6.b"]),
        ("les 17 nouveaux Objectifs de Développement Durable", []),
        ("ODD 18", []),
        ("Objectif de développement durable 4", ["4"]),
        ("en 2015, 3.7 millions", []),
        # Any case; and the letters IGNORECASE also takes for i and s (the scan's pre-filter must see them).
        ("CIBLES 6.1 ET 6.2", ["6.1", "6.2"]),
        ("OBJECTIFS DE DÉVELOPPEMENT DURABLE 4 et 5", ["4", "5"]),
        ("cİble 6.2", ["6.2"]),
        ("cıbles 6.1 et 6.2", ["6.1", "6.2"]),
        ("ſdg 6", ["6"]),
    ],
)
def test_sdg_mentions(sentence, codes):
    assert find_sdg_mentions(sentence) == codes


def test_values_never_seen_are_kept():
    p = parse("fixture-new-values.txt").partnership
    assert p.status == "Suspendu" and p.form == "Jumelage"
    assert p.main_theme.path == ("Sport", "Sport et développement", "Equipements sportifs")


def test_empty_tables():
    p = parse("fixture-empty-tables.txt").partnership
    assert (p.fundings, p.other_themes, p.foreign_contacts, p.volunteers, p.end_date) == ([], [], [], [], None)


def test_synthetic_marker_recorded(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("\n", "\n# coopgraph-synthetic seed=1 n=1\n", 1)
    p = parse_bytes(text.encode(), "s.txt").partnership
    assert p.source.synthetic and not parse("seed").partnership.source.synthetic
