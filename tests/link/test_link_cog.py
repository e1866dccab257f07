"""French collectivités resolved against the real COG data shipped in the package."""

import pytest

from coopgraph.link.cog import lookup_code, resolve_french_partner, resolve_french_partners


def one(name):
    return resolve_french_partner(name)


def test_seed_page_partners():
    ang, ga = resolve_french_partners(["Angoulême", "Communauté d'agglomération du Grand Angoulême"])
    assert (ang.status, ang.kind, ang.insee, ang.siren) == ("linked", "commune", "16015", "211600150")
    assert (ga.status, ga.kind, ga.siren, ga.official_name) == ("linked", "epci", "200071827", "CA du Grand Angoulême")
    assert ga.insee is None


@pytest.mark.parametrize(
    "name",
    [
        "Angoulême",
        "ANGOULEME",
        "angouleme",
        "Ville d'Angoulême",
        "Ville d’Angoulême",
        "Mairie d'Angoulême",
        "Commune d'Angoulême",
        "Angoulême (16)",
        "Angoulême (Charente)",
    ],
)
def test_commune_spellings(name):
    m = one(name)
    assert (m.status, m.insee, m.siren) == ("linked", "16015", "211600150")


@pytest.mark.parametrize(
    "name",
    [
        "Communauté d'agglomération du Grand Angoulême",
        "CA du Grand Angoulême",
        "Grand Angoulême",
        "GrandAngoulême",
        "Communaute d'Agglomeration GrandAngouleme",
        "Agglomération du Grand Angoulême",
    ],
)
def test_epci_spellings(name):
    m = one(name)
    assert (m.status, m.kind, m.siren) == ("linked", "epci", "200071827")


def test_montreuil_with_est_ensemble_context():
    mont, ee = resolve_french_partners(["Montreuil", "Est Ensemble"])
    assert (mont.status, mont.insee, mont.siren) == ("linked", "93048", "219300480")
    assert mont.reason and "context" in mont.reason
    assert (ee.status, ee.kind, ee.siren) == ("linked", "ept", "200057875")


def test_montreuil_alone_is_ambiguous_with_three_candidates():
    m = one("Montreuil")
    assert m.status == "ambiguous" and m.insee is None and m.siren is None
    assert len(m.candidates) == 3
    assert "commune 93048 Montreuil (93)" in m.candidates
    assert m.reason


def test_montreuil_departement_context_and_hint():
    m, _ = resolve_french_partners(["Montreuil", "Département de la Vendée"])
    assert m.insee == "85148"
    assert one("Montreuil (93)").insee == "93048"
    # A context that points at none of the homonyms leaves it ambiguous.
    m, _ = resolve_french_partners(["Montreuil", "Département du Finistère"])
    assert m.status == "ambiguous"


def test_lille_and_mel():
    lille, mel = resolve_french_partners(["Ville de Lille", "Métropole Européenne de Lille"])
    assert (lille.kind, lille.insee) == ("commune", "59350")
    assert (mel.kind, mel.siren) == ("epci", "200093201")


@pytest.mark.parametrize(
    "name,code",
    [
        ("Département de la Charente", "16"),
        ("Conseil départemental du Nord", "59"),
        ("Conseil général de la Seine-Saint-Denis", "93"),
        ("Département des Landes", "40"),
        ("Nord", "59"),
        ("Département de Paris", "75"),
        ("Territoire de Belfort", "90"),
    ],
)
def test_departements(name, code):
    m = one(name)
    assert (m.status, m.kind, m.insee, m.siren) == ("linked", "departement", code, None)


@pytest.mark.parametrize(
    "name,code",
    [
        ("Région Bretagne", "53"),
        ("Conseil régional de Bretagne", "53"),
        ("Région Île-de-France", "11"),
        ("Région des Pays de la Loire", "52"),
        ("Région Sud", "93"),
        ("Collectivité de Corse", "94"),
        ("Région Limousin", "75"),
    ],
)
def test_regions(name, code):
    m = one(name)
    assert (m.status, m.kind, m.insee) == ("linked", "region", code)


def test_paris_is_the_commune_and_vienne_is_ambiguous():
    assert (one("Paris").kind, one("Paris").insee) == ("commune", "75056")
    assert one("Vienne").status == "ambiguous"  # commune 38544 or département 86
    assert one("Ville de Vienne").insee == "38544"
    v, _ = resolve_french_partners(["Vienne", "Poitiers"])
    assert (v.kind, v.insee) == ("departement", "86")


def test_unmatched_names_are_not_linked():
    for name in [
        "Agence de l'Eau Adour Garonne",
        "Ministère de l'Europe et des Affaires étrangères",
        "Ségou",
        "Collectivités et partenaires étrangers",
        "Maison des Peuples et de la Paix",
        "",
    ]:
        m = one(name)
        assert m.status == "unmatched" and m.reason, name


def test_lookup_code():
    assert lookup_code("commune", "16015").siren == "211600150"
    assert lookup_code("epci", "200071827").name == "CA du Grand Angoulême"
    assert lookup_code("departement", "2A").name == "Corse-du-Sud"


def test_usual_names_services_and_departement_hints():
    from coopgraph.link.cog import resolve_french_partner as one

    m = one("Montreuil-sous-Bois")  # the usual name of Montreuil (93): not the COG name
    assert (m.status, m.insee) == ("linked", "93048")
    m = one("Mairie de Lille - Direction des relations internationales")  # a service of the commune
    assert (m.status, m.insee, m.siren) == ("linked", "59350", "215903501")
    m = one("Saint-Denis, Département de La Réunion")
    assert (m.status, m.insee) == ("linked", "97411")
    assert one("Saint-Denis").status == "ambiguous"
    assert one("Lille - Dakar").status == "unmatched"  # a title, not a service: never a link
