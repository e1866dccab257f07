"""Countries resolved against the EU country table shipped in the package."""

import pytest

from coopgraph.link.countries import all_countries, resolve_country, suggest_countries

MLI = "http://publications.europa.eu/resource/authority/country/MLI"


@pytest.mark.parametrize("text", ["Mali", "mali", "MALI", " Mali ", "ML", "ml", "MLI"])
def test_mali(text):
    c = resolve_country(text)
    assert c is not None and c.iri == MLI and c.alpha2 == "ML" and c.alpha3 == "MLI"
    assert c.label_fr == "Mali" and c.label_en == "Mali"


@pytest.mark.parametrize(
    "text,alpha3",
    [
        ("Sénégal", "SEN"),
        ("senegal", "SEN"),
        ("Senegal", "SEN"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d’Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Burkina Faso", "BFA"),
        ("Royaume-Uni", "GBR"),
        ("UK", "GBR"),
        ("GB", "GBR"),
        ("Allemagne", "DEU"),
        ("Germany", "DEU"),
        ("Tchad", "TCD"),
        ("Viêt Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("République démocratique du Congo", "COD"),
        ("Haïti", "HTI"),
        ("Birmanie", "MMR"),
        ("Kosovo", "1A0"),
    ],
)
def test_variants(text, alpha3):
    c = resolve_country(text)
    assert c is not None and c.alpha3 == alpha3


def test_unknown_and_deprecated():
    assert resolve_country("Haute-Volta") is None  # deprecated entries are not shipped
    assert resolve_country("Atlantis") is None
    assert resolve_country("") is None
    assert "Burkina Faso" in suggest_countries("Burkina Fasso")


def test_table():
    countries = all_countries()
    assert 240 <= len(countries) <= 260
    assert all(c.iri.endswith("/" + c.alpha3) for c in countries)
    assert len({c.alpha3 for c in countries}) == len(countries)
    with_alpha2 = [c for c in countries if c.alpha2]
    assert len({c.alpha2 for c in with_alpha2}) == len(with_alpha2)
